#include "model_options.hpp"

#include <cellfit/suggest.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace cellfit::cli {

namespace {

std::string read_model_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw input_error("cannot read the model file " + path + " (--model)");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string trim(std::string s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
    return s;
}

} // namespace

void add_model_options(po::options_description& options) {
    options.add_options()
        ("model", po::value<std::string>()->value_name("FILE"), "the equations, in Brian 2 syntax")
        ("threshold", po::value<std::string>()->value_name("EXPR"), "spike condition, e.g. 'v > -50*mV'")
        ("reset", po::value<std::string>()->value_name("CODE"),
         "statements run after a spike, one per line or ';'-separated, e.g. 'v = Vr; w += b'")
        ("refractory", po::value<std::string>()->value_name("R"),
         "a duration (5*ms), an expression giving one (tau_ref), or a condition (v > -40*mV)")
        ("method", po::value<std::string>()->value_name("NAME"),
         "integration method, an integrator plugin: exact, euler, rk2, rk4, heun, milstein, exponential_euler "
         "(default: exact, else euler, as Brian; exponential_euler for spike fits)")
        ("const", po::value<std::vector<std::string>>()->value_name("NAME=QUANTITY"),
         "a constant the model uses, e.g. tau=10*ms (repeatable; may use earlier ones)");
}

std::vector<std::string> values(const po::variables_map& vm, const char* name) {
    return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
}

std::pair<std::string, std::string> split_flag(const std::string& flag, const std::string& text, char separator,
                                               const char* example) {
    const auto at = text.find(separator);
    if (at == std::string::npos || at == 0 || at + 1 == text.size())
        throw usage_error("--" + flag + " " + text + ": expected NAME" + separator + "VALUE, e.g. --" + flag + " " +
                          example);
    return {trim(text.substr(0, at)), trim(text.substr(at + 1))};
}

model_spec read_model_spec(const po::variables_map& vm) {
    if (!vm.count("model")) throw usage_error("--model FILE is required");
    const std::string file = vm["model"].as<std::string>();
    model_spec spec;
    spec.equations = read_model_file(file);
    spec.origin = file;
    spec.constant_hint = "a constant (--const NAME=VALUE)";
    spec.input_hint = "an input with its recorded values (--input NAME=FILE.csv:UNIT)";
    if (vm.count("threshold")) spec.threshold = vm["threshold"].as<std::string>();
    if (vm.count("reset")) spec.reset = vm["reset"].as<std::string>();
    if (vm.count("refractory")) spec.refractory = vm["refractory"].as<std::string>();
    for (const auto& c : values(vm, "const")) spec.constants.push_back(split_flag("const", c, '=', "tau=10*ms"));
    return spec;
}

std::string read_method(const po::variables_map& vm) {
    // Checked against the installed integrators when the model is set up.
    return vm.count("method") ? vm["method"].as<std::string>() : std::string();
}

} // namespace cellfit::cli
