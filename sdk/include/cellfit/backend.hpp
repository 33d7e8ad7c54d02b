#pragma once

// A backend runs the step program (step_program.hpp) for many neurons, block
// of steps after block of steps. It owns the simulation's memory: the
// simulator hands it the program and the values at time 0, asks it for
// blocks, and reads back what it needs (records, spikes, divergence, the
// final state). The interpreter and the compiled kernel are backends; a GPU
// backend would keep the slots in device memory.

#include <cellfit/export.hpp>
#include <cellfit/lookup_table.hpp>
#include <cellfit/plugin_info.hpp>
#include <cellfit/plugin_object.hpp>
#include <cellfit/step_program.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace cellfit {

struct backend_setup {
    std::size_t n_neurons = 1;
    double dt = 0;                                       // seconds
    unsigned threads = 1;                                // at most; 1: the caller's thread only
    // The tables, by name; they outlive the backend.
    const std::map<std::string, lookup_table>* lookups = nullptr;
    // A share of a larger run (a fit's round split over processes): neuron n
    // here is neuron first_neuron + n of total_neurons. A backend that
    // computes `i` or `N` itself instead of reading their slots uses these.
    std::size_t first_neuron = 0;
    std::size_t total_neurons = 0;  // 0: n_neurons
};

// The values of one slot at time 0: one for every neuron, or one for all.
struct slot_values {
    slot_index slot = 0;
    std::vector<double> values;
};

// What one block produced. The simulator sizes `records` before the call.
struct block_output {
    // records[r][n * (k1 - k0) + (k - k0)]: recorded value r of neuron n at
    // step k, as read at the start of the step (program.record_slots[r]).
    std::vector<double*> records;
    // Spikes as (step, neuron), in any order: the simulator sorts them.
    std::vector<std::pair<std::size_t, std::size_t>> spikes;
};

class CELLFIT_API backend : public plugin_object {
public:
    static constexpr plugin_kind kind = plugin_kind::backend;

    // Takes the program for this setup. Returns "" when ready, or why this
    // backend cannot run here (no compiler, no device): the caller may then
    // choose another. Throws cellfit::error when the program cannot be run.
    virtual std::string prepare(const step_program& program, const backend_setup& setup) = 0;
    // Time 0: every named slot 0, then these values; the backend's own
    // slots (constants) set as it needs.
    virtual void reset(const std::vector<slot_values>& values) = 0;
    // Runs steps [k0, k1): t = k*dt, then the six phases of the program.
    virtual void run_block(std::size_t k0, std::size_t k1, block_output& out) = 0;
    // A slot's values, one per neuron; and writing them.
    virtual std::vector<double> read(slot_index slot) const = 0;
    virtual void write(slot_index slot, const std::vector<double>& values) = 0;
    // Sets diverged[n] for every neuron whose state (program.state_slots) is
    // no longer finite; leaves the others as they are.
    virtual void mark_diverged(std::vector<bool>& diverged) const = 0;
    // How summaries name it ("compiled", "interpreter"), and the same with
    // details for messages (the kernel library's path).
    virtual std::string label() const = 0;
    virtual std::string description() const { return label(); }
};

} // namespace cellfit
