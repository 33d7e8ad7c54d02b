// backend.compiled: the step program turned into C++ (codegen.cpp), built by
// the system compiler and cached (compiled_kernel.cpp), run over contiguous
// neuron ranges, one per thread. Unavailable, not failed, when no compiler
// works: the simulator then takes the interpreter.

#include "codegen.hpp"
#include "compiled_kernel.hpp"

#include <cellfit/backend.hpp>
#include <cellfit/expr/functions.hpp>
#include <cellfit/host_slots.hpp>
#include <cellfit/plugin.hpp>
#include <cellfit/version.hpp>

#include <algorithm>
#include <memory>
#include <optional>

namespace {

using namespace cellfit;
using namespace cellfit::compiled;

class compiled_backend final : public backend {
public:
    std::string prepare(const step_program& program, const backend_setup& setup) override {
        program_ = program;
        setup_ = setup;
        kernel_lookups_.clear();
        padded_rows_.clear();
        for (const auto& l : program_.lookups) {
            // The lanes past the last neuron read the last neuron's row.
            auto& rows = padded_rows_.emplace_back(l.row_of_neuron);
            rows.resize(padded_neurons(), rows.empty() ? 0 : rows.back());
        }
        for (std::size_t k = 0; k < program_.lookups.size(); ++k) {
            const lookup_table& table = setup.lookups->at(program_.lookups[k].name);
            kernel_lookups_.push_back({table.values.data(), table.steps, padded_rows_[k].data()});
        }
        codegen_slots cg;
        cg.resolve = [this](const std::string& name) { return program_.slot_of(name); };
        cg.lookup_index = [this](const std::string& name) { return program_.lookup_of(name); };
        cg.constant = [](const std::string& name, double& value) {
            bool is_boolean = false;
            return expr::find_constant(name, value, is_boolean);
        };
        const std::size_t total = setup.total_neurons ? setup.total_neurons : setup.n_neurons;
        // i is read from the arguments, not written into the source: the
        // ranks of a split fit then share one cached kernel.
        cg.special = {{program.t, "t"}, {program.dt, "dt"}, {program.i, "double(a->first_neuron + n)"},
                      {program.N, "(" + std::to_string(total) + ".0)"}};
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
        memory_.assign(program_.slot_count, setup_.n_neurons, 128);  // each slot's row starts aligned
        for (const auto& v : values) memory_.write(v.slot, v.values);
    }

    void run_block(std::size_t k0, std::size_t k1, block_output& out) override {
        const std::size_t n_neurons = setup_.n_neurons, padded = padded_neurons(), len = k1 - k0;
        // Contiguous neuron ranges, one per thread, at least a chunk of 128
        // neurons each: smaller ones cost more in synchronisation than they gain.
        // Ranges are whole vectors of `vector_lanes`, so that every neuron runs
        // in the kernel's vector loop (vector exp), never in a scalar
        // remainder: a neuron's result then does not depend on the threads,
        // on how many neurons run beside it, or on a split across processes.
        const std::size_t n_chunks = (n_neurons + 127) / 128;
        const unsigned n_threads = std::max(1u, std::min<unsigned>(setup_.threads, static_cast<unsigned>(n_chunks)));
        // Padding lanes record too: into buffers of their own size, unless there are none.
        const bool own_buffers = padded != n_neurons;
        if (own_buffers) {
            record_buffers_.resize(out.records.size());
            record_pointers_.resize(out.records.size());
            for (std::size_t r = 0; r < out.records.size(); ++r) {
                record_buffers_[r].resize(padded * len);
                record_pointers_[r] = record_buffers_[r].data();
            }
        }
        double* const* records = own_buffers ? record_pointers_.data() : out.records.data();
        threads_.run(n_threads, [&](unsigned thread, spiking_threads::spike_list& spikes) {
            const std::size_t per = ((padded + n_threads - 1) / n_threads + vector_lanes - 1) / vector_lanes * vector_lanes;
            const std::size_t first = std::min(padded, thread * per);
            const std::size_t last = std::min(padded, first + per);
            if (first >= last) return;
            spike_sink sink{&spikes, n_neurons};
            const cellfit_kernel_args args{memory_.data(), memory_.stride(), first, last - first, k0, k1, setup_.dt,
                                           kernel_lookups_.data(), records, len, &sink,
                                           [](void* context, std::size_t step, std::size_t neuron) {
                                               auto* to = static_cast<spike_sink*>(context);
                                               if (neuron < to->n_neurons) to->spikes->emplace_back(step, neuron);
                                           },
                                           setup_.first_neuron};
            kernel_->run(args);
        }, out);
        // Neuron-major: the real neurons' records are each buffer's beginning.
        if (own_buffers)
            for (std::size_t r = 0; r < out.records.size(); ++r)
                std::copy_n(record_buffers_[r].data(), n_neurons * len, out.records[r]);
    }

    std::vector<double> read(slot_index s) const override { return memory_.read(s); }
    void write(slot_index s, const std::vector<double>& values) override { memory_.write(s, values); }
    void mark_diverged(std::vector<bool>& diverged) const override {
        memory_.mark_diverged(program_.state_slots, diverged);
    }

    std::string label() const override { return "compiled"; }
    std::string description() const override {
        return kernel_ ? "compiled (" + kernel_->library_path() + ")" : "compiled (not prepared)";
    }

private:
    // Doubles per vector of the widest instruction set the kernel may use (AVX-512).
    static constexpr std::size_t vector_lanes = 8;
    struct spike_sink {
        spiking_threads::spike_list* spikes;
        std::size_t n_neurons;  // spikes of the padding lanes are dropped
    };
    std::size_t padded_neurons() const {
        return (setup_.n_neurons + vector_lanes - 1) / vector_lanes * vector_lanes;
    }

    step_program program_;
    backend_setup setup_;
    std::optional<compiled_kernel> kernel_;
    std::vector<cellfit_kernel_lookup> kernel_lookups_;
    std::vector<std::vector<std::size_t>> padded_rows_;
    std::vector<std::vector<double>> record_buffers_;  // padded neurons x block steps each
    std::vector<double*> record_pointers_;             // into record_buffers_, for the kernel
    host_slots memory_;
    spiking_threads threads_;  // kept between blocks and runs
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
