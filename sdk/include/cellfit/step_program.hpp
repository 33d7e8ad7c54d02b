#pragma once

// One step of a simulation, lowered from the model (core/src/sim/lower.cpp):
// plain data that a backend runs. Every value lives in a slot, one double per
// neuron; every statement assigns an expression over slots to a slot, for
// every neuron on its own. Names in the expressions are slot names; calls are
// the functions of cellfit/expr/functions.hpp, clip, __where(cond, a, b),
// lookups NAME(t, i) of the tables in lookups, and the random draws
// __rand(site, t, dt, key_hi, key_lo) and __randn(...) of
// cellfit/random_stream.hpp (cf_rand and cf_randn there: a backend computes
// them with those functions; key_hi and key_lo are the slots _rng_key_hi and
// _rng_key_lo, which the simulator sets at time 0).

#include <cellfit/expr/ast.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cellfit {

using slot_index = std::uint32_t;

// slot = value, for every neuron.
struct slot_assignment {
    slot_index slot = 0;
    expr::ptr value;
};

// A table the step reads, and the row each neuron reads of it.
struct program_lookup {
    std::string name;
    std::size_t rows = 0;                   // of the table (1: every neuron reads row 0)
    std::vector<std::size_t> row_of_neuron;
};

// An initial value, assigned in order at time 0, evaluated by the simulator
// on the host from the slots already set: one expression for all neurons or
// one per neuron, with the sensitivity slots it starts.
struct initial_assignment {
    std::string name;
    slot_index slot = 0;
    std::vector<expr::ptr> values;
    std::vector<std::pair<slot_index, std::vector<expr::ptr>>> derivatives;
};

struct step_program {
    // The slot layout: every named value, [0, slot_count). Backends may add
    // slots of their own after slot_count.
    std::map<std::string, slot_index> slots;
    slot_index slot_count = 0;
    // Slots the backend sets: t (k*dt at each step), dt, i (the neuron's
    // index), N (the number of neurons); the spike condition; refractoriness
    // (not_refractory 1 and lastspike -1e4 s at time 0; on a spike, 0 and t).
    slot_index t = 0, dt = 0, i = 0, N = 0, cond = 0, not_refractory = 0, lastspike = 0;
    bool has_threshold = false;
    bool has_refractory = false;
    // State variables in model order (the divergence check, the final
    // state) and sensitivities carried from step to step: both persist.
    std::vector<std::string> state_names;
    std::vector<slot_index> state_slots;
    std::vector<slot_index> sensitivity_slots;
    // Recorded values, in record order: the slots read at the start of a
    // step, after `record` has computed those that are not kept anyway.
    std::vector<slot_index> record_slots;

    // One step, in Brian's order:
    std::vector<slot_assignment> constant_over_dt;  // 1. before_start
    std::vector<slot_assignment> record;            // 2. start: values recorded that are not slots already
    std::vector<slot_assignment> refractory;        // 3. not_refractory, on the state at the start
    std::vector<slot_assignment> update;            // 4. the integrator's program
    std::vector<slot_assignment> threshold;         // 5. the spike condition, into `cond`
    std::vector<slot_assignment> reset;             // 6. where cond is set: each a __where(cond, new, old)

    std::vector<program_lookup> lookups;            // the tables the statements read
    std::vector<initial_assignment> initial;        // for the simulator, not the backend

    // The slot of a name, or -1; the index of a table in lookups, or -1.
    int slot_of(const std::string& name) const {
        const auto it = slots.find(name);
        return it == slots.end() ? -1 : static_cast<int>(it->second);
    }
    int lookup_of(const std::string& name) const {
        for (std::size_t k = 0; k < lookups.size(); ++k)
            if (lookups[k].name == name) return static_cast<int>(k);
        return -1;
    }
};

} // namespace cellfit
