#include "features_command.hpp"
#include "table_options.hpp"

#include <cellfit/efeatures.hpp>
#include <cellfit/suggest.hpp>
#include <cellfit/model/model.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace cellfit::cli {

namespace {

// The features asked for (default: all), each checked against the list.
std::vector<features::feature_info> chosen_features(const po::variables_map& vm) {
    const auto& all = features::feature_list();
    if (!vm.count("features")) return all;
    std::vector<features::feature_info> chosen;
    for (const auto& name : split_top_level(vm["features"].as<std::string>())) {
        const auto it = std::find_if(all.begin(), all.end(), [&](const auto& f) { return f.name == name; });
        if (it == all.end()) {
            const auto names = features::feature_names();
            const auto close = closest_names(name, names);
            throw usage_error("--features: unknown feature '" + name + "'" +
                              (close.empty() ? "" : "; did you mean " + close.front() + "?") + " Known: " +
                              join_alternatives(names, ", "));
        }
        chosen.push_back(*it);
    }
    return chosen;
}

dimension voltage() { return evaluate_quantity("volt", "volt", {}).dim; }

std::string ten_digits(double x) {
    std::ostringstream out;
    out << std::setprecision(10) << x;
    return out.str();
}

double in_ms(const po::variables_map& vm, const char* flag, const model& m) {
    return read_quantity(vm[flag].as<std::string>(), std::string("--") + flag, m, dimension::of(dimension::time)) * 1e3;
}

int run_features(const po::variables_map& vm, io& io) {
    const model no_model;
    const std::string trace_text = vm["trace"].as<std::string>();
    const auto colon = trace_text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == trace_text.size())
        throw usage_error("--trace " + trace_text + ": give FILE.csv:UNIT, e.g. traces.csv:mV");
    const table_flag flag{"trace", trace_text.substr(0, colon), trace_text.substr(colon + 1)};
    const quantity unit = evaluate_quantity(flag.unit, "--trace unit", {});
    if (!(unit.dim == voltage()))
        throw usage_error("--trace " + trace_text + ": the unit " + flag.unit + " is not a voltage (mV, volt)");
    // One scaling to mV (1 for mV): the file's own numbers reach eFEL's definitions.
    const double to_mv = unit.value * 1e3;
    dimension plain;
    const lookup_table table = read_table({"trace", flag.file, "1"}, "trace", no_model, plain);

    features::trace_context c;
    c.dt_ms = read_duration(vm, "dt", no_model) * 1e3;
    c.stim_start_ms = in_ms(vm, "stim-start", no_model);
    c.stim_end_ms = in_ms(vm, "stim-end", no_model);
    if (!(c.stim_end_ms > c.stim_start_ms)) throw usage_error("--stim-end must come after --stim-start");
    c.interp_step_ms = read_duration(vm, "interp-step", no_model) * 1e3;
    c.threshold_mv = read_quantity(vm["threshold"].as<std::string>(), "--threshold", no_model, voltage()) * 1e3;
    const dimension slope = voltage() / dimension::of(dimension::time);
    // volt/second is mV/ms, eFEL's unit for these.
    c.derivative_threshold =
        read_quantity(vm["derivative-threshold"].as<std::string>(), "--derivative-threshold", no_model, slope);
    c.down_derivative_threshold = read_quantity(vm["down-derivative-threshold"].as<std::string>(),
                                                "--down-derivative-threshold", no_model, slope);
    const auto chosen = chosen_features(vm);

    std::vector<std::map<std::string, std::optional<double>>> values;
    for (std::size_t r = 0; r < table.rows; ++r) {
        std::vector<double> mv(table.values.begin() + static_cast<std::ptrdiff_t>(r * table.steps),
                               table.values.begin() + static_cast<std::ptrdiff_t>((r + 1) * table.steps));
        for (double& x : mv) x *= to_mv;
        values.push_back(features::compute(mv, c));
    }

    if (vm["json"].as<bool>()) {
        nlohmann::json j;
        j["file"] = flag.file;
        j["settings"] = {{"dt_ms", c.dt_ms},
                         {"stim_start_ms", c.stim_start_ms},
                         {"stim_end_ms", c.stim_end_ms},
                         {"interp_step_ms", c.interp_step_ms},
                         {"threshold_mv", c.threshold_mv},
                         {"derivative_threshold_mv_per_ms", c.derivative_threshold},
                         {"down_derivative_threshold_mv_per_ms", c.down_derivative_threshold}};
        for (const auto& f : chosen) j["units"][f.name] = f.unit;
        j["traces"] = nlohmann::json::array();
        for (const auto& trace : values) {
            nlohmann::json t = nlohmann::json::object();
            for (const auto& f : chosen) {
                const auto& v = trace.at(f.name);
                t[f.name] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
            }
            j["traces"].push_back(t);
        }
        io.out << j.dump(2) << "\n";
        return 0;
    }
    io.out << flag.file << ": " << table.rows << " trace" << (table.rows == 1 ? "" : "s") << " of " << table.steps
           << " samples, dt " << ten_digits(c.dt_ms) << " ms, stimulus " << ten_digits(c.stim_start_ms) << " to "
           << ten_digits(c.stim_end_ms) << " ms, eFEL's definitions at interp_step " << ten_digits(c.interp_step_ms)
           << " ms (per-spike features: mean over spikes; -: undefined)\n";
    std::size_t width = 7;
    for (const auto& f : chosen) width = std::max(width, f.name.size());
    io.out << std::left << std::setw(static_cast<int>(width)) << "feature" << "  unit";
    for (std::size_t r = 0; r < values.size(); ++r) io.out << "  " << std::setw(14) << ("trace " + std::to_string(r));
    io.out << "\n";
    for (const auto& f : chosen) {
        io.out << std::setw(static_cast<int>(width)) << f.name << "  " << std::setw(4) << f.unit;
        for (const auto& trace : values) {
            const auto& v = trace.at(f.name);
            io.out << "  " << std::setw(14) << (v ? ten_digits(*v) : std::string("-"));
        }
        io.out << "\n";
    }
    return 0;
}

} // namespace

command features_command() {
    return {
        "features",
        "Print eFEL's electrophysiology features of recorded traces, as metric.features computes them.",
        "cellfit features --trace FILE.csv:UNIT --dt Q --stim-start Q --stim-end Q [--features a,b,...]\n"
        "                        [--interp-step Q] [--threshold Q] [--derivative-threshold Q]\n"
        "                        [--down-derivative-threshold Q] [--json]",
        [](po::options_description& options) {
            options.add_options()
                ("trace", po::value<std::string>()->required()->value_name("FILE.csv:UNIT"),
                 "the recorded voltages: one trace per row, one sample per column, e.g. traces.csv:mV")
                ("dt", po::value<std::string>()->required()->value_name("Q"), "the samples' spacing, e.g. 0.1*ms")
                ("stim-start", po::value<std::string>()->required()->value_name("Q"), "stimulus start, e.g. 50*ms")
                ("stim-end", po::value<std::string>()->required()->value_name("Q"), "stimulus end, e.g. 250*ms")
                ("features", po::value<std::string>()->value_name("a,b,..."), "the features to print (default: all)")
                ("interp-step", po::value<std::string>()->default_value("0.1*ms")->value_name("Q"),
                 "eFEL resamples each trace to this step first (its default)")
                ("threshold", po::value<std::string>()->default_value("-20*mV")->value_name("Q"),
                 "spike detection threshold (eFEL's Threshold)")
                ("derivative-threshold", po::value<std::string>()->default_value("10*mV/ms")->value_name("Q"),
                 "AP onset: dV/dt from this up (eFEL's DerivativeThreshold)")
                ("down-derivative-threshold", po::value<std::string>()->default_value("-12*mV/ms")->value_name("Q"),
                 "AP end: dV/dt back above this (eFEL's DownDerivativeThreshold)")
                ("json", switch_value(), "print JSON: per trace, each feature's value or null, and the units");
        },
        run_features,
    };
}

} // namespace cellfit::cli
