// backend.interp: the step program compiled into instructions over slots and
// run over chunks of 128 neurons, each instruction one simple loop over the
// chunk (kernel.hpp). Needs no compiler.

#include "kernel.hpp"

#include <cellfit/backend.hpp>
#include <cellfit/host_slots.hpp>
#include <cellfit/plugin.hpp>
#include <cellfit/version.hpp>

#include <algorithm>
#include <memory>

namespace {

using namespace cellfit;
using namespace cellfit::interp;

constexpr std::size_t lanes = 128;  // neurons per chunk

class interpreter_backend final : public backend {
public:
    std::string prepare(const step_program& program, const backend_setup& setup) override {
        program_ = program;
        setup_ = setup;
        const std::size_t padded = (setup.n_neurons + lanes - 1) / lanes * lanes;
        lookups_.clear();
        for (const auto& l : program.lookups) {
            kernel_lookup k{&setup.lookups->at(l.name), l.row_of_neuron};
            k.row_of_neuron.resize(padded, 0);
            lookups_.push_back(std::move(k));
        }
        kernel_compiler compiler([this](const std::string& name) { return program_.slot_of(name); },
                                 [this](const std::string& name) { return program_.lookup_of(name); },
                                 program.slot_count);
        const std::pair<const std::vector<slot_assignment>*, kernel_program*> phases[] = {
            {&program.constant_over_dt, &constant_over_dt_}, {&program.record, &record_},
            {&program.refractory, &refractory_},             {&program.update, &update_},
            {&program.threshold, &threshold_},               {&program.reset, &reset_}};
        for (const auto& [phase, code] : phases) {
            compiler.begin_program();
            for (const auto& a : *phase) compiler.assign(a.slot, a.value, *code);
        }
        slot_count_ = compiler.slot_count();
        constants_ = compiler.constants();
        return "";
    }

    void reset(const std::vector<slot_values>& values) override {
        memory_.assign(slot_count_, setup_.n_neurons, lanes);
        for (const auto& [index, value] : constants_) memory_.write(index, {value});
        for (const auto& v : values) memory_.write(v.slot, v.values);
    }

    void run_block(std::size_t k0, std::size_t k1, block_output& out) override {
        const std::size_t n_neurons = setup_.n_neurons, n_chunks = memory_.stride() / lanes, len = k1 - k0;
        const unsigned n_threads = std::max(1u, std::min<unsigned>(setup_.threads, static_cast<unsigned>(n_chunks)));
        const kernel_memory memory{memory_.data(), memory_.stride(), setup_.dt, &lookups_};
        threads_.run(n_threads, [&](unsigned thread, spiking_threads::spike_list& spikes) {
            for (std::size_t chunk = thread; chunk < n_chunks; chunk += n_threads) {
                const std::size_t first = chunk * lanes;
                double* t = memory_.slot(program_.t) + first;
                const double* cond = memory_.slot(program_.cond) + first;
                for (std::size_t k = k0; k < k1; ++k) {
                    std::fill_n(t, lanes, static_cast<double>(k) * setup_.dt);
                    run_program(constant_over_dt_, memory, first, lanes);
                    run_program(record_, memory, first, lanes);
                    for (std::size_t r = 0; r < program_.record_slots.size(); ++r) {
                        const double* v = memory_.slot(program_.record_slots[r]) + first;
                        for (std::size_t l = 0; l < lanes && first + l < n_neurons; ++l)
                            out.records[r][(first + l) * len + (k - k0)] = v[l];
                    }
                    run_program(refractory_, memory, first, lanes);
                    run_program(update_, memory, first, lanes);
                    if (threshold_.code.empty()) continue;
                    run_program(threshold_, memory, first, lanes);
                    bool any = false;
                    for (std::size_t l = 0; l < lanes && first + l < n_neurons; ++l)
                        if (cond[l] != 0) {
                            any = true;
                            spikes.emplace_back(k, first + l);
                            memory_.slot(program_.not_refractory)[first + l] = 0;
                            memory_.slot(program_.lastspike)[first + l] = t[l];
                        }
                    if (any) run_program(reset_, memory, first, lanes);
                }
            }
        }, out);
    }

    std::vector<double> read(slot_index s) const override { return memory_.read(s); }
    void write(slot_index s, const std::vector<double>& values) override { memory_.write(s, values); }
    void mark_diverged(std::vector<bool>& diverged) const override {
        memory_.mark_diverged(program_.state_slots, diverged);
    }

    std::string label() const override { return "interpreter"; }

private:
    step_program program_;
    backend_setup setup_;
    std::uint32_t slot_count_ = 0;
    std::vector<std::pair<std::uint32_t, double>> constants_;
    std::vector<kernel_lookup> lookups_;
    kernel_program constant_over_dt_, record_, refractory_, update_, threshold_, reset_;
    host_slots memory_;        // rows padded to whole chunks
    spiking_threads threads_;  // kept between blocks and runs
};

} // namespace

CELLFIT_PLUGIN_LIBRARY(sink) {
    sink.add<cellfit::backend>({.name = "interp",
                                .version = CELLFIT_VERSION_STRING,
                                .description = "the interpreter: instructions over slots, vectorised loops over chunks of "
                                               "128 neurons; needs no compiler",
                                .options = {}},
                               [](const cellfit::plugin_options&) { return std::make_unique<interpreter_backend>(); });
}
