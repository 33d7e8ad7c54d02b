#pragma once

// C++ source for the compiled backend, emitted from the step's phases (never
// from user text: every name is a slot, a constant or a known function).

#include <cellfit/step_program.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>

namespace cellfit::compiled {

// The ABI between the simulator and a generated kernel library; the
// generated source spells the same structs.
inline constexpr int kernel_abi_version = 2;  // 2: first_neuron

struct cellfit_kernel_lookup {
    const double* values;
    std::size_t steps;
    const std::size_t* row_of_neuron;
};

struct cellfit_kernel_args {
    double* data;                 // slot s of neuron n: data[s*stride + n]
    std::size_t stride;
    std::size_t first, count;     // neurons [first, first + count)
    std::size_t k0, k1;           // steps [k0, k1)
    double dt;
    const cellfit_kernel_lookup* lookups;
    double* const* records;       // records[r][n*block_len + (k - k0)]
    std::size_t block_len;
    void* spike_context;
    void (*spike)(void* context, std::size_t step, std::size_t neuron);
    std::size_t first_neuron;     // neuron n here is neuron first_neuron + n of the run (`i`)
};

using kernel_function = void (*)(const cellfit_kernel_args*);

struct codegen_slots {
    std::function<int(const std::string&)> resolve;        // name -> slot, or -1
    std::function<int(const std::string&)> lookup_index;   // lookup name -> index, or -1
    std::function<bool(const std::string&, double&)> constant;  // constants, units, pi...
    std::map<std::uint32_t, std::string> special;          // slot -> code: t, dt, i, N
    std::set<std::uint32_t> uniform;                       // slots equal for all neurons in a step: t, dt
    std::uint32_t neuron_index = 0;                        // the slot of i
    std::set<int> single_row_lookups;                      // tables every neuron reads the same row of
    std::set<std::uint32_t> persistent;                    // slots stored back after a step
    std::vector<std::uint32_t> record_slots;               // in record order
    std::uint32_t cond = 0, not_refractory = 0, lastspike = 0;
    bool has_threshold = false;
};

std::string generate_kernel_source(const step_program& phases, const codegen_slots& slots);

} // namespace cellfit::compiled
