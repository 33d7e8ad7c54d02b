#include <cellfit/worker_pool.hpp>

namespace cellfit {

namespace {

// About 50 us of polling before a worker sleeps: long enough to bridge the
// gap between two blocks, short enough not to steal a core for long.
constexpr int spin_rounds = 2000;

inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
}

} // namespace

worker_pool::worker_pool(unsigned participants) {
    try {
        for (unsigned k = 1; k < participants; ++k) workers_.emplace_back([this, k] { work(k); });
    } catch (...) {
        stop_workers();  // the threads already started must be joined before they are destroyed
        throw;
    }
}

worker_pool::~worker_pool() { stop_workers(); }

void worker_pool::stop_workers() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
}

void worker_pool::run(const std::function<void(unsigned)>& job) {
    if (workers_.empty()) {
        job(0);
        return;
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        job_ = &job;
        failure_ = nullptr;
        pending_.store(static_cast<unsigned>(workers_.size()), std::memory_order_relaxed);
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    try {
        job(0);
    } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!failure_) failure_ = std::current_exception();
    }
    while (pending_.load(std::memory_order_acquire) != 0) relax();
    if (failure_) std::rethrow_exception(failure_);
}

void worker_pool::work(unsigned index) {
    std::uint64_t seen = 0;
    for (;;) {
        int spins = 0;
        while (generation_.load(std::memory_order_acquire) == seen && spins < spin_rounds) {
            relax();
            ++spins;
        }
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
            seen = generation_.load(std::memory_order_acquire);
            if (stopping_) return;
        }
        try {
            (*job_)(index);
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!failure_) failure_ = std::current_exception();
        }
        pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
}

} // namespace cellfit
