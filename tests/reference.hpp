#pragma once

// The Brian 2 reference corpus (../shared/reference, or -DCELLFIT_REFERENCE_DIR).

#include <cellfit/io/csv.hpp>
#include <cellfit/model/model.hpp>
#include <cellfit/sim/simulation.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace test {

// CELLFIT_TEST_REFERENCE_DIR overrides the configured folder, so that a test
// can show that a damaged corpus fails the suite.
inline std::filesystem::path reference_dir() {
    const char* override_dir = std::getenv("CELLFIT_TEST_REFERENCE_DIR");
    const std::filesystem::path dir{override_dir && *override_dir ? override_dir : CELLFIT_REFERENCE_DIR};
    if (!std::filesystem::exists(dir / "syntax" / "accept.txt"))
        FAIL("the Brian 2 reference corpus is missing at " << dir.string()
                                                           << "; configure with -DCELLFIT_REFERENCE_DIR=.../shared/reference");
    return dir;
}

inline nlohmann::json read_json(const std::filesystem::path& file) {
    std::ifstream in(file);
    REQUIRE(in);
    return nlohmann::json::parse(in);
}

inline std::vector<nlohmann::json> read_json_lines(const std::filesystem::path& file) {
    std::ifstream in(file);
    REQUIRE(in);
    std::vector<nlohmann::json> lines;
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

// The cases of the corpus, as its README lists them (section 4). Every loop
// over the cases checks that it saw exactly these: an emptied or damaged
// corpus fails the tests instead of passing them with nothing checked.
inline const std::vector<std::string> expected_reference_cases = {
    "adex_naud",        "constant_over_dt_rk4", "expif_bmf",          "fhn_euler",    "fhn_heun",
    "fhn_rk2",          "fhn_rk4",              "functions_mix",      "hh_classic_subexpr",
    "hh_traub_bmf",     "lif_refractory_input", "lif_sine_current_t", "linear_exact_2var"};

inline std::vector<std::filesystem::path> reference_cases() {
    std::vector<std::filesystem::path> cases;
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(reference_dir() / "cases")) {
        if (!std::filesystem::exists(entry.path() / "model.json"))
            FAIL("the reference case " << entry.path().string() << " has no model.json: the corpus is damaged");
        cases.push_back(entry.path());
    }
    std::sort(cases.begin(), cases.end());
    for (const auto& c : cases) names.push_back(c.filename().string());
    INFO("the reference corpus at " << reference_dir().string());
    REQUIRE(names == expected_reference_cases);
    return cases;
}

// Reference cases the project made with Brian 2.5.1 (tests/data/brian, with
// the script that made them), in the corpus's format: what the shared corpus
// does not cover.
inline const std::vector<std::string> expected_project_cases = {
    "izhikevich_default_method", "morris_lecar", "nmda_mg_block", "reset_temporaries", "reset_temporaries_refractory",
    "wang_buzsaki_1996"};

inline std::vector<std::filesystem::path> project_cases() {
    const std::filesystem::path dir = std::filesystem::path(CELLFIT_TEST_SOURCE_DIR) / "data" / "brian" / "cases";
    std::vector<std::filesystem::path> cases;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (!std::filesystem::exists(entry.path() / "model.json"))
            FAIL("the project's reference case " << entry.path().string() << " has no model.json");
        cases.push_back(entry.path());
    }
    std::sort(cases.begin(), cases.end());
    std::vector<std::string> names;
    for (const auto& c : cases) names.push_back(c.filename().string());
    REQUIRE(names == expected_project_cases);
    return cases;
}

// The model_spec of a reference case (model.json), with its input declared as
// the timed array the case uses.
inline cellfit::model_spec spec_of_case(const nlohmann::json& m, const std::string& origin) {
    cellfit::model_spec spec;
    spec.equations = m.at("equations").get<std::string>();
    spec.origin = origin;
    for (const auto& [name, value] : m.at("namespace").items()) spec.constants.emplace_back(name, value.get<std::string>());
    if (!m.at("threshold").is_null()) spec.threshold = m.at("threshold").get<std::string>();
    if (!m.at("reset").is_null()) spec.reset = m.at("reset").get<std::string>();
    if (!m.at("refractory").is_null()) spec.refractory = m.at("refractory").get<std::string>();
    if (!m.at("input_var").is_null())
        spec.timed_arrays.emplace_back(m.at("input_wiring").at("function").get<std::string>(),
                                       m.at("input_unit").get<std::string>());
    return spec;
}

inline cellfit::dimension dims_of(const nlohmann::json& exps) {
    cellfit::dimension d;
    for (int k = 0; k < cellfit::dimension::count; ++k) {
        cellfit::rational r;
        REQUIRE(cellfit::rational::from_double(exps.at(k).get<double>(), r));
        d = d * cellfit::dimension::of(static_cast<cellfit::dimension::base>(k), r);
    }
    return d;
}

// The simulation setup of a reference case, from its model.json: Brian's
// parameters (SI), initial-value expressions, input table and record list.
inline cellfit::simulation_setup setup_of_case(const std::filesystem::path& dir, const nlohmann::json& m) {
    auto strings_of = [](const nlohmann::json& value) {
        return value.is_array() ? value.get<std::vector<std::string>>() : std::vector<std::string>{value.get<std::string>()};
    };
    cellfit::simulation_setup setup;
    if (!m.at("method").is_null()) setup.method = m.at("method").get<std::string>();
    setup.dt = m.at("dt_seconds").get<double>();
    setup.n_steps = m.at("n_steps").get<std::size_t>();
    setup.n_neurons = m.at("n_neurons").get<std::size_t>();
    setup.n_traces = setup.n_neurons;
    for (const auto& [name, si] : m.at("params_si").items())
        setup.parameters[name] = si.at("value").get<std::vector<double>>();
    for (const auto& [name, value] : m.at("init").items()) setup.initial_values.emplace_back(name, strings_of(value));
    if (!m.at("input_var").is_null()) {
        const auto rows = cellfit::read_csv(dir / "input.csv").rows;
        cellfit::lookup_table table{rows.size(), rows.at(0).size(), {}};
        for (const auto& row : rows) table.values.insert(table.values.end(), row.begin(), row.end());
        setup.lookups[m.at("input_wiring").at("function").get<std::string>()] = std::move(table);
    }
    setup.record = m.at("record").get<std::vector<std::string>>();
    return setup;
}

// Three neurons of the reference case hh_traub_bmf (0, 1 and 4) share the
// ground-truth conductances and differ only in their input current. Fitting
// the model at those conductances to the recordings of the others, rotated
// (neuron 0's input against neuron 1's voltage, 1's against 4's, 4's against
// 0's), gives an error that Brian's recordings alone determine: the mean over
// traces and steps of (v_j - v_rotated(j))^2. An outside value for the
// error of a trace fit.
struct brian_hh_rotation {
    std::string equations;                                  // the input as a variable I, not I_in(t, i)
    std::vector<std::pair<std::string, std::string>> constants;
    double dt = 0;
    std::vector<std::vector<double>> input_amp;              // neurons 0, 1, 4
    std::vector<std::vector<double>> recorded_v;             // neurons 1, 4, 0 (volt)
    std::map<std::string, double> truth;                     // gl, g_na, g_kd, Cm (SI)
    double mse_from_brian = 0;                               // volt^2, from the step t_start_steps on
};

inline brian_hh_rotation brian_hh_rotation_case(std::size_t t_start_steps = 0) {
    const auto dir = reference_dir() / "cases" / "hh_traub_bmf";
    const auto m = read_json(dir / "model.json");
    brian_hh_rotation c;
    c.equations = m.at("equations").get<std::string>();
    const std::string input_line = "I = I_in(t, i) : amp";
    const auto at = c.equations.find(input_line);
    REQUIRE(at != std::string::npos);
    c.equations.erase(at, input_line.size());
    for (const auto& [name, value] : m.at("namespace").items()) c.constants.emplace_back(name, value.get<std::string>());
    c.dt = m.at("dt_seconds").get<double>();
    const auto inputs = cellfit::read_csv(dir / "input.csv").rows;
    const auto v = cellfit::read_csv(dir / "out_v.csv").rows;
    const std::size_t neurons[] = {0, 1, 4}, rotated[] = {1, 4, 0};
    const auto params = m.at("params_si");
    for (const char* p : {"gl", "g_na", "g_kd", "Cm"}) {
        const auto values = params.at(p).at("value").get<std::vector<double>>();
        for (std::size_t n : neurons) REQUIRE(values.at(n) == values.at(0));  // the three share them
        c.truth[p] = values.at(0);
    }
    REQUIRE(m.at("init").at("v") == "VT");
    double sum = 0;
    std::size_t count = 0;
    for (std::size_t j = 0; j < 3; ++j) {
        c.input_amp.push_back(inputs.at(neurons[j]));
        c.recorded_v.push_back(v.at(rotated[j]));
        const auto& own = v.at(neurons[j]);
        for (std::size_t k = t_start_steps; k < own.size(); ++k, ++count)
            sum += (own[k] - v.at(rotated[j])[k]) * (own[k] - v.at(rotated[j])[k]);
    }
    c.mse_from_brian = sum / static_cast<double>(count);
    return c;
}

} // namespace test
