#pragma once

// What a backend that runs on the CPU needs besides its kernel: the slots in
// host memory, and threads kept from block to block that collect spikes.

#include <cellfit/backend.hpp>
#include <cellfit/error.hpp>
#include <cellfit/worker_pool.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cellfit {

// Slot s of neuron n at data()[s * stride() + n]; each slot's row is padded
// to whole chunks of `chunk` neurons, so a backend may compute whole chunks.
class host_slots {
public:
    void assign(std::size_t slot_count, std::size_t n_neurons, std::size_t chunk) {
        n_neurons_ = n_neurons;
        stride_ = (n_neurons + chunk - 1) / chunk * chunk;
        memory_.assign(slot_count * stride_, 0.0);
    }
    double* data() noexcept { return memory_.data(); }
    std::size_t stride() const noexcept { return stride_; }
    double* slot(slot_index s) noexcept { return memory_.data() + static_cast<std::size_t>(s) * stride_; }
    const double* slot(slot_index s) const noexcept { return memory_.data() + static_cast<std::size_t>(s) * stride_; }

    std::vector<double> read(slot_index s) const { return {slot(s), slot(s) + n_neurons_}; }
    // One value for every neuron (padding included), or one per neuron (the
    // padding lanes then copy the last neuron's, so that they compute with
    // sane numbers).
    void write(slot_index s, const std::vector<double>& values) {
        if (values.size() == 1) std::fill_n(slot(s), stride_, values[0]);
        else if (values.size() == n_neurons_) {
            double* end = std::copy(values.begin(), values.end(), slot(s));
            if (!values.empty()) std::fill(end, slot(s) + stride_, values.back());
        } else throw internal_error("a slot written with " + std::to_string(values.size()) + " values for " +
                                  std::to_string(n_neurons_) + " neurons");
    }
    void mark_diverged(const std::vector<slot_index>& state_slots, std::vector<bool>& diverged) const {
        for (auto s : state_slots)
            for (std::size_t n = 0; n < n_neurons_; ++n)
                if (!std::isfinite(slot(s)[n])) diverged[n] = true;
    }

private:
    std::size_t n_neurons_ = 0, stride_ = 0;
    std::vector<double> memory_;
};

// Runs a block's work on n threads (the caller and a pool kept between
// blocks), each with its own spike list, then hands the spikes to `out`.
class spiking_threads {
public:
    using spike_list = std::vector<std::pair<std::size_t, std::size_t>>;  // (step, neuron)

    void run(unsigned n_threads, const std::function<void(unsigned, spike_list&)>& work, block_output& out) {
        spikes_.resize(n_threads);
        auto job = [&](unsigned thread) { work(thread, spikes_[thread]); };
        if (n_threads == 1) {
            job(0);
        } else {
            if (!pool_ || pool_->participants() != n_threads) pool_ = std::make_unique<worker_pool>(n_threads);
            pool_->run(job);
        }
        for (auto& spikes : spikes_) {
            out.spikes.insert(out.spikes.end(), spikes.begin(), spikes.end());
            spikes.clear();
        }
    }

private:
    std::vector<spike_list> spikes_;
    std::unique_ptr<worker_pool> pool_;
};

} // namespace cellfit
