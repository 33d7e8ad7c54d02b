// backend.compiled: the step program turned into C++ (codegen.cpp), built by
// the system compiler and cached (compiled_kernel.cpp), run over contiguous
// neuron ranges, one per thread. Unavailable, not failed, when no compiler
// works: the simulator then takes the interpreter.

#include "codegen.hpp"
#include "compiled_kernel.hpp"

#include <cellfit/backend.hpp>
#include <cellfit/expr/functions.hpp>
#include <cellfit/plugin.hpp>
#include <cellfit/version.hpp>
#include <cellfit/worker_pool.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

namespace {

using namespace cellfit;
using namespace cellfit::compiled;

using spike_list = std::vector<std::pair<std::size_t, std::size_t>>;  // (step, neuron)

class compiled_backend final : public backend {
public:
    std::string prepare(const step_program& program, const backend_setup& setup) override {
        program_ = program;
        setup_ = setup;
        for (const auto& l : program.lookups) {
            const lookup_table& table = setup.lookups->at(l.name);
            kernel_lookups_.push_back({table.values.data(), table.steps, l.row_of_neuron.data()});
        }
        codegen_slots cg;
        cg.resolve = [this](const std::string& name) {
            auto it = program_.slots.find(name);
            return it == program_.slots.end() ? -1 : static_cast<int>(it->second);
        };
        cg.lookup_index = [this](const std::string& name) {
            for (std::size_t k = 0; k < program_.lookups.size(); ++k)
                if (program_.lookups[k].name == name) return static_cast<int>(k);
            return -1;
        };
        cg.constant = [](const std::string& name, double& value) {
            bool is_boolean = false;
            return expr::find_constant(name, value, is_boolean);
        };
        cg.special = {{program.t, "t"}, {program.dt, "dt"}, {program.i, "double(n)"},
                      {program.N, "(" + std::to_string(setup.n_neurons) + ".0)"}};
        cg.uniform = {program.t, program.dt};
        cg.neuron_index = program.i;
        for (std::size_t k = 0; k < program.lookups.size(); ++k)
            if (program.lookups[k].rows == 1) cg.single_row_lookups.insert(static_cast<int>(k));
        cg.persistent.insert(program.state_slots.begin(), program.state_slots.end());
        cg.persistent.insert(program.sensitivity_slots.begin(), program.sensitivity_slots.end());
        cg.persistent.insert({program.cond, program.not_refractory, program.lastspike});
        cg.record_slots = program.record_slots;
        cg.cond = program.cond;
        cg.not_refractory = program.not_refractory;
        cg.lastspike = program.lastspike;
        cg.has_threshold = program.has_threshold;
        std::string unavailable;
        kernel_ = compiled_kernel::build(generate_kernel_source(program, cg), unavailable);
        return kernel_ ? "" : unavailable;
    }

    void reset(const std::vector<slot_values>& values) override {
        stride_ = (setup_.n_neurons + 127) / 128 * 128;  // each slot's row starts aligned
        memory_.assign(static_cast<std::size_t>(program_.slot_count) * stride_, 0.0);
        for (const auto& v : values) write(v.slot, v.values);
    }

    void run_block(std::size_t k0, std::size_t k1, block_output& out) override {
        const std::size_t n_neurons = setup_.n_neurons, len = k1 - k0;
        const unsigned n_threads = std::max(1u, std::min<unsigned>(setup_.threads, static_cast<unsigned>(n_neurons)));
        thread_spikes_.resize(n_threads);
        // Contiguous neuron ranges, one per thread.
        auto work = [&](unsigned thread) {
            const std::size_t per = (n_neurons + n_threads - 1) / n_threads;
            const std::size_t first = std::min(n_neurons, thread * per);
            const std::size_t last = std::min(n_neurons, first + per);
            if (first >= last) return;
            const cellfit_kernel_args args{memory_.data(), stride_, first, last - first, k0, k1, setup_.dt,
                                           kernel_lookups_.data(), out.records.data(), len, &thread_spikes_[thread],
                                           [](void* context, std::size_t step, std::size_t neuron) {
                                               static_cast<spike_list*>(context)->emplace_back(step, neuron);
                                           }};
            kernel_->run(args);
        };
        if (n_threads == 1) {
            work(0);
        } else {
            if (!pool_ || pool_->participants() != n_threads) pool_ = std::make_unique<worker_pool>(n_threads);
            pool_->run(work);
        }
        for (auto& spikes : thread_spikes_) {
            out.spikes.insert(out.spikes.end(), spikes.begin(), spikes.end());
            spikes.clear();
        }
    }

    std::vector<double> read(slot_index s) const override {
        const double* p = slot(s);
        return {p, p + setup_.n_neurons};
    }

    void write(slot_index s, const std::vector<double>& values) override {
        double* p = memory_.data() + static_cast<std::size_t>(s) * stride_;
        if (values.size() == 1) std::fill_n(p, setup_.n_neurons, values[0]);
        else std::copy(values.begin(), values.end(), p);
    }

    void mark_diverged(std::vector<bool>& diverged) const override {
        for (auto s : program_.state_slots) {
            const double* v = slot(s);
            for (std::size_t n = 0; n < setup_.n_neurons; ++n)
                if (!std::isfinite(v[n])) diverged[n] = true;
        }
    }

    std::string label() const override { return "compiled"; }
    std::string description() const override { return "compiled (" + kernel_->library_path() + ")"; }

private:
    const double* slot(slot_index s) const { return memory_.data() + static_cast<std::size_t>(s) * stride_; }

    step_program program_;
    backend_setup setup_;
    std::optional<compiled_kernel> kernel_;
    std::vector<cellfit_kernel_lookup> kernel_lookups_;
    std::size_t stride_ = 0;
    std::vector<double> memory_;  // slot s of neuron n: memory_[s * stride_ + n]
    std::vector<spike_list> thread_spikes_;
    std::unique_ptr<worker_pool> pool_;
};

} // namespace

CELLFIT_PLUGIN_LIBRARY(sink) {
    sink.add<cellfit::backend>({.name = "compiled",
                                .version = CELLFIT_VERSION_STRING,
                                .description = "the step as C++ built by the system compiler (CXX, else c++; -O3 "
                                               "-march=native) and cached in CELLFIT_CACHE_DIR; the default",
                                .options = {}},
                               [](const cellfit::plugin_options&) { return std::make_unique<compiled_backend>(); });
}
