// The model language against Brian 2 itself: the syntax corpus (equation
// strings Brian accepts and rejects) and the reference models.

#include "reference.hpp"

#include <cellfit/error.hpp>
#include <cellfit/expr/parser.hpp>

using namespace cellfit;
using Catch::Matchers::Contains;

namespace {

model_spec spec_of_line(const nlohmann::json& line) {
    model_spec spec;
    spec.equations = line.at("eq").get<std::string>();
    spec.origin = "equations";
    for (const auto& [name, value] : line.at("namespace").items()) spec.constants.emplace_back(name, value.get<std::string>());
    if (line.contains("threshold")) spec.threshold = line.at("threshold").get<std::string>();
    if (line.contains("reset")) spec.reset = line.at("reset").get<std::string>();
    if (line.contains("refractory")) spec.refractory = line.at("refractory").get<std::string>();
    return spec;
}

// Brian's reason -> what cellfit's message must say: a rejection for the
// wrong reason fails.
const std::vector<std::pair<std::string, std::string>> reasons = {
    {"could not be resolved", "unknown name"},
    {"linked", "linked"},
    {"cannot have a flag", "cannot have the flag"},
    {"Duplicate definition", "duplicate definition"},
    {"special meaning", "special meaning"},
    {"Expected end of text", ""},  // several causes: checked per line below
    {"not a base unit", "base unit"},
    {"was never closed", "never closed"},
    {"invalid syntax", ""},
    {"inconsistent units", "inconsistent units"},
    {"does not have the correct units", "must be dimensionless"},
    {"name of a function", "name of a function"},
    {"name of a constant", "name of a constant"},
    {"Python keyword", "Python keyword"},
    {"stateful function", "constant over dt"},
    {"does not have the expected unit", "must have unit"},
    {"supposed to have the same units", "must have the unit of argument 1"},
    {"is not constant", "is not a constant"},
    {"Relational cannot be used", "is a condition"},
    {"floating point variables", "floating point variables"},
    {"not a boolean expression", "not a condition"},
    {"Refractory period has to be specified in units of seconds", "must be a duration"},
    {"Comparison of expressions with different units", "comparison of expressions with different units"},
    {"The right-hand-side of code statement", "must have unit"},
    {"used in the refractory mechanism", "refractory mechanism"},
};

std::string expected_fragment(const nlohmann::json& line) {
    const std::string why = line.at("why").get<std::string>();
    const std::string eq = line.at("eq").get<std::string>();
    if (why.find("Expected end of text") != std::string::npos) {
        if (eq.find("/dx") != std::string::npos) return "with respect to time";
        if (eq.find(':') == std::string::npos) return "has no unit";
        if (eq.rfind("1x", 0) == 0) return "cannot start with a digit";
        return "missing unit";
    }
    if (why.find("invalid syntax") != std::string::npos) return "expected";
    if (eq.find("(linked)") != std::string::npos) return "linked";
    for (const auto& [brian, ours] : reasons)
        if (why.find(brian) != std::string::npos) return ours;
    FAIL("no expected message for Brian's reason: " << why);
    return {};
}

} // namespace

TEST_CASE("every equation string Brian 2 accepts is accepted", "[reference][syntax]") {
    const auto lines = test::read_json_lines(test::reference_dir() / "syntax" / "accept.txt");
    CHECK(lines.size() == 44);
    for (const auto& line : lines) {
        INFO(line.dump());
        model m;
        try {
            m = build_model(spec_of_line(line));
        } catch (const std::exception& e) {
            FAIL("rejected: " << e.what());
        }
        // Brian's choice of method tells which equations are ODEs: exactly
        // the lines with a method have state variables.
        CHECK(m.states.empty() == line.at("method_chosen").is_null());
    }
}

TEST_CASE("every equation string Brian 2 rejects is rejected, for the same reason, with its place",
          "[reference][syntax]") {
    const auto lines = test::read_json_lines(test::reference_dir() / "syntax" / "reject.txt");
    CHECK(lines.size() == 43);
    std::size_t waiting_for_integrators = 0;
    for (const auto& line : lines) {
        INFO(line.dump());
        if (line.contains("method")) {
            // The verdict depends on the integrator (exact on a system it cannot
            // solve): checked by the integrators, not by the model language.
            ++waiting_for_integrators;
            CHECK_NOTHROW(build_model(spec_of_line(line)));
            continue;
        }
        try {
            build_model(spec_of_line(line));
            FAIL("accepted");
        } catch (const model_error& e) {
            INFO(e.what());
            CHECK(e.where().line >= 1);
            CHECK(e.where().column >= 1);
            CHECK_THAT(e.message(), Contains(expected_fragment(line), Catch::CaseSensitive::No));
        }
    }
    CHECK(waiting_for_integrators == 2);
}

TEST_CASE("every reference model parses and checks, with Brian's units", "[reference][models][cases]") {
    const auto cases = test::reference_cases();  // checks the cases by name
    for (const auto& dir : cases) {
        INFO(dir.filename().string());
        const auto m_json = test::read_json(dir / "model.json");
        model m;
        try {
            m = build_model(test::spec_of_case(m_json, dir.filename().string()));
        } catch (const std::exception& e) {
            FAIL("rejected: " << e.what());
        }
        // Constants: Brian's evaluated namespace.
        for (const auto& [name, si] : m_json.at("namespace_si").items()) {
            INFO("constant " << name);
            auto it = std::find_if(m.constants.begin(), m.constants.end(), [&](const auto& c) { return c.name == name; });
            REQUIRE(it != m.constants.end());
            CHECK(it->value.value == Approx(si.at("value").get<double>()).epsilon(1e-12));
            CHECK(it->value.dim == test::dims_of(si.at("dims")));
        }
        // Recorded variables and parameters: Brian's dimensions.
        for (const auto& [name, unit] : m_json.at("record_units").items()) {
            INFO("recorded " << name);
            const model_variable* v = m.find(name);
            REQUIRE(v != nullptr);
            CHECK(v->dim == test::dims_of(unit.at("dims")));
        }
        for (const auto& [name, si] : m_json.at("params_si").items()) {
            INFO("parameter " << name);
            const model_variable* v = m.find(name);
            REQUIRE(v != nullptr);
            CHECK(v->dim == test::dims_of(si.at("dims")));
        }
        // State variables: exactly the ODE variables of Brian's final state,
        // which also holds the recorded variables and refractoriness.
        const auto final_state = test::read_json(dir / "final_state.json").at("values");
        const auto recorded = m_json.at("record").get<std::vector<std::string>>();
        std::size_t states_in_brian = 0;
        for (const auto& [name, values] : final_state.items()) {
            INFO("Brian's final " << name);
            if (name == "lastspike" || name == "not_refractory") continue;
            const bool is_state = std::any_of(m.states.begin(), m.states.end(), [&](const auto& s) { return s.name == name; });
            CHECK((is_state || std::find(recorded.begin(), recorded.end(), name) != recorded.end()));
            states_in_brian += is_state;
        }
        CHECK(states_in_brian == m.states.size());
        CHECK((m.refractory.type != refractoriness::kind::none) == final_state.contains("lastspike"));
        CHECK(m.threshold.has_value() == !m_json.at("threshold").is_null());
    }
}
