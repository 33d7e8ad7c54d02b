#pragma once

#include <cstddef>
#include <vector>

namespace cellfit {

// Values of an input variable or timed array: rows x steps, SI units. Row r
// drives neuron i when rows == number of neurons (r = i), or, for fits, when
// rows == number of traces (r = i % n_traces); a single row drives every neuron.
struct lookup_table {
    std::size_t rows = 0;
    std::size_t steps = 0;
    std::vector<double> values;  // row-major
};

} // namespace cellfit
