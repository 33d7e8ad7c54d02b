// libFuzzer target over the model language: equations, threshold, reset and
// refractory (fields separated by NUL bytes) go through build_model. A
// cellfit::error is the expected answer to bad input; anything else (another
// exception, a crash, a sanitizer report, a hang) is a bug. Accepted models
// must also print and re-parse to the same trees and differentiate cleanly.

#include <cellfit/error.hpp>
#include <cellfit/expr/parser.hpp>
#include <cellfit/expr/printer.hpp>
#include <cellfit/expr/transform.hpp>
#include <cellfit/model/model.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

void check_round_trip(const cellfit::expr::ptr& e) {
    const auto again = cellfit::expr::parse(cellfit::expr::to_string(e));
    if (!cellfit::expr::equal(e, again)) std::abort();
}

void exercise(const cellfit::model& m) {
    for (const auto& s : m.states) {
        check_round_trip(s.rhs);
        for (const auto& x : m.states) {
            try {
                cellfit::expr::derivative(s.rhs_substituted, x.name);
            } catch (const cellfit::error&) {
                // a function without a derivative (a timed array of x): a clean refusal
            }
        }
        cellfit::expr::simplify(s.rhs_substituted);
    }
    for (const auto& s : m.subexpressions) check_round_trip(s.rhs);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> fields;
    std::size_t begin = 0;
    while (fields.size() < 4) {
        const std::size_t end = input.find('\0', begin);
        fields.push_back(input.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
        if (end == std::string::npos) break;
        begin = end + 1;
    }
    cellfit::model_spec spec;
    spec.equations = fields[0];
    if (fields.size() > 1 && !fields[1].empty()) spec.threshold = fields[1];
    if (fields.size() > 2 && !fields[2].empty()) spec.reset = fields[2];
    if (fields.size() > 3 && !fields[3].empty()) spec.refractory = fields[3];
    // The names the reference models use, so that mutations stay meaningful.
    spec.constants = {{"tau", "10*ms"}, {"El", "-65*mV"}, {"R", "100*Mohm"}, {"VT", "-63*mV"}, {"Vt", "-50*mV"},
                      {"b", "10*pA"}, {"a", "0.7"}, {"f", "10*Hz"}, {"I0", "0.1*nA"}, {"tau_w", "100*ms"}};
    spec.timed_arrays = {{"I_in", "amp"}};
    try {
        exercise(cellfit::build_model(spec));
    } catch (const cellfit::error&) {
    }
    return 0;
}
