#pragma once

// The HH fitting problem of ../shared/data/hh for the C++ API tests: the
// toolbox example's model and constants, its input currents and recorded
// voltages (v starts at El there, so the truth is known).

#include "test_support.hpp"

#include <cellfit/fit/fit_data.hpp>
#include <cellfit/io/csv.hpp>
#include <cellfit/model/model.hpp>

#include <filesystem>

namespace test {

inline const std::filesystem::path hh_data = source_root.parent_path() / "shared" / "data" / "hh";

inline cellfit::model_spec hh_spec() {
    cellfit::model_spec spec;
    spec.equations = read_file(source_root / "examples" / "models" / "hh_traub.eqs");
    spec.constants = {{"El", "-65*mV"}, {"EK", "-90*mV"}, {"ENa", "50*mV"}, {"VT", "-63*mV"}};
    spec.inputs = {{"I", "amp"}};
    return spec;
}

// Inputs in amperes and outputs in volts, 10 us steps.
inline cellfit::fit_data hh_data_set() {
    cellfit::fit_data data;
    data.dt = 1e-5;
    const auto input = cellfit::read_csv(hh_data / "input_amp.csv").rows;
    cellfit::lookup_table I{input.size(), input[0].size(), {}};
    for (const auto& row : input) I.values.insert(I.values.end(), row.begin(), row.end());
    data.inputs["I"] = I;
    auto output = cellfit::read_csv(hh_data / "output_mV.csv").rows;
    for (auto& row : output)
        for (double& v : row) v *= 1e-3;
    data.outputs = {{"v", output}};
    return data;
}

} // namespace test
