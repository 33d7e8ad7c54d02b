#pragma once

// Threads for backends that stay alive across the blocks of a simulation
// (and across the rounds of a fit): starting threads anew for every block of
// steps cost more than the block's work for the small populations of a fit.
// Workers spin briefly between jobs, then sleep.

#include <cellfit/export.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cellfit {

class CELLFIT_API worker_pool {
public:
    // `participants` threads run each job: the caller and participants - 1 workers.
    explicit worker_pool(unsigned participants);
    ~worker_pool();
    worker_pool(const worker_pool&) = delete;
    worker_pool& operator=(const worker_pool&) = delete;

    unsigned participants() const noexcept { return static_cast<unsigned>(workers_.size()) + 1; }

    // Runs job(0) on the caller and job(k) on worker k, and returns when all
    // are done. Rethrows the first exception a job threw.
    void run(const std::function<void(unsigned)>& job);

private:
    void work(unsigned index);
    void stop_workers();

    std::vector<std::thread> workers_;
    std::atomic<std::uint64_t> generation_{0};
    std::atomic<unsigned> pending_{0};
    const std::function<void(unsigned)>* job_ = nullptr;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::exception_ptr failure_;
};

} // namespace cellfit
