// From text to a checked model: equations, constants, inputs, threshold,
// reset and refractoriness, with every name resolved as Brian resolves it
// (the model's own names, then t/dt/i/N/xi, then constants, then units) and
// every dimension checked.

#include "checker.hpp"
#include "names.hpp"

#include <cellfit/expr/functions.hpp>
#include <cellfit/expr/printer.hpp>
#include <cellfit/model/model.hpp>
#include <cellfit/suggest.hpp>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <set>

namespace cellfit {

namespace {

using detail::symbol;
using detail::typed;

const dimension second_dim = dimension::of(dimension::time);

std::optional<symbol> builtin_symbol(const std::string& name, const std::vector<named_constant>& constants) {
    if (name == "t" || name == "dt") return symbol{{second_dim, value_type::floating, std::nullopt}, "time"};
    if (name == "i" || name == "N") return symbol{{dimension{}, value_type::integer, std::nullopt}, "index"};
    if (name == "xi" || name.starts_with("xi_"))
        return symbol{{second_dim.pow(rational(-1, 2)), value_type::floating, std::nullopt}, "noise"};
    for (const auto& c : constants)
        if (c.name == name) return symbol{{c.value.dim, value_type::floating, c.value.value}, "given constant"};
    if (const unit_definition* u = find_unit(name))
        return symbol{{u->value.dim, value_type::floating, u->value.value}, "unit"};
    double value = 0;
    bool is_boolean = false;
    if (expr::find_constant(name, value, is_boolean))
        return symbol{{dimension{}, is_boolean ? value_type::boolean : value_type::floating, value}, "constant"};
    return std::nullopt;
}

class model_builder {
public:
    explicit model_builder(const model_spec& spec) : spec_(spec), parsed_(parse_equations(spec.equations, spec.origin)) {}

    model build() {
        read_constants();
        declare_variables();
        check_equations();
        order_subexpressions();
        check_shared_subexpressions();
        substitute_into_states();
        check_threshold();
        check_reset();
        check_refractory();
        warn_about_shadowed_constants();
        return std::move(m_);
    }

private:
    const source_text& eqs() const { return *parsed_.source; }

    detail::scope scope_with_variables() const {
        return {[this](const std::string& name) -> std::optional<symbol> {
                    if (auto it = variables_.find(name); it != variables_.end()) return it->second;
                    return builtin_symbol(name, m_.constants);
                },
                [this](const std::string& name) -> std::optional<detail::timed_array_symbol> {
                    for (const auto& a : m_.timed_arrays)
                        if (a.name == name) return detail::timed_array_symbol{a.dim};
                    return std::nullopt;
                },
                [this] {
                    std::vector<std::string> names;
                    for (const auto& [name, s] : variables_) names.push_back(name);
                    for (const auto& c : m_.constants) names.push_back(c.name);
                    return names;
                },
                [this](const std::string& name) {
                    const auto with_name = [&](std::string text) {
                        for (auto at = text.find("NAME"); at != std::string::npos; at = text.find("NAME", at + name.size()))
                            text.replace(at, 4, name);
                        return text;
                    };
                    return "Declare it in the model ('" + name + " : UNIT'), give it as " +
                           with_name(spec_.constant_hint) + ", or as " + with_name(spec_.input_hint);
                }};
    }

    // Brian refuses an expression or statement that calls rand() (or
    // randn()) twice: its code generation may simplify rand() - rand() to 0.
    // Thresholds may, as in Brian.
    static void refuse_repeated_draws(const source_text& source, const expr::ptr& e) {
        for (const char* f : {"rand", "randn"}) {
            std::size_t calls = 0;
            std::function<void(const expr::ptr&)> count = [&](const expr::ptr& x) {
                if (x->kind == expr::op::call && x->name == f) ++calls;
                for (const auto& a : x->args) count(a);
            };
            count(e);
            if (calls > 1)
                source.fail(expr::first_offset(e), "'" + expr::to_string(e) + "' calls " + f +
                                                       "() more than once; Brian 2 refuses this too (a draw per call "
                                                       "would be lost if the calls were simplified together): draw "
                                                       "each value into its own (constant over dt) subexpression or "
                                                       "reset temporary");
        }
    }

    typed check(const source_text& source, const expr::ptr& e) {
        const detail::scope names = scope_with_variables();
        detail::checker checker(source, names);
        typed t = checker.check(e);
        for (const auto& f : checker.random_calls())
            if (std::find(m_.random_functions.begin(), m_.random_functions.end(), f) == m_.random_functions.end())
                m_.random_functions.push_back(f);
        last_random_calls_ = checker.random_calls();
        return t;
    }

    void read_constants() {
        for (const auto& [name, text] : spec_.constants) {
            const source_text where("--const " + name, name);
            detail::check_variable_name(where, name, 0);
            for (const auto& c : m_.constants)
                if (c.name == name) throw input_error("constant '" + name + "' is given twice; give it once");
            m_.constants.push_back({name, evaluate_quantity(text, "--const " + name, m_.constants)});
        }
    }

    void add_variable(const std::string& name, const dimension& dim, value_type type, const char* what) {
        variables_[name] = symbol{{dim, type, std::nullopt}, what};
    }

    void declare_variables() {
        for (const auto& eq : parsed_.equations) {
            switch (eq.kind) {
            case equation_kind::differential:
                m_.states.push_back({{eq.name, eq.dim, eq.type}, eq.rhs, nullptr, eq.has_flag("unless refractory"), {}});
                add_variable(eq.name, eq.dim, eq.type, "state variable");
                break;
            case equation_kind::parameter:
                m_.parameters.push_back({{eq.name, eq.dim, eq.type}, eq.has_flag("constant"), eq.has_flag("shared")});
                add_variable(eq.name, eq.dim, eq.type, "parameter");
                break;
            case equation_kind::subexpression:
                m_.subexpressions.push_back(
                    {{eq.name, eq.dim, eq.type}, eq.rhs, eq.has_flag("shared"), eq.has_flag("constant over dt"), {}});
                add_variable(eq.name, eq.dim, eq.type, "subexpression");
                break;
            }
        }
        if (spec_.refractory) {
            // Brian adds these two variables for the refractory mechanism.
            for (const auto& eq : parsed_.equations) {
                if (eq.name == "lastspike")
                    eqs().fail(eq.offset, "duplicate definition of variable 'lastspike': with a refractory period, "
                                          "cellfit (like Brian) defines lastspike itself; rename yours");
                if (eq.name == "not_refractory")
                    eqs().fail(eq.offset, "the name 'not_refractory' is used by the refractory mechanism and "
                                          "cannot be a variable name; rename yours");
            }
            add_variable("lastspike", second_dim, value_type::floating, "refractory variable");
            add_variable("not_refractory", dimension{}, value_type::boolean, "refractory variable");
        }
        for (const auto& [name, unit] : spec_.inputs) declare_input(name, unit, false);
        for (const auto& [name, unit] : spec_.timed_arrays) declare_input(name, unit, true);
    }

    void declare_input(const std::string& name, const std::string& unit, bool timed_array) {
        const std::string flag = timed_array ? "--timed-array" : "--input";
        const source_text where(flag + " " + name + ":" + unit, name + ":" + unit);
        if (name.empty()) throw input_error(flag + " needs a name, as NAME:UNIT");
        detail::check_variable_name(where, name, 0);
        for (const auto& eq : parsed_.equations)
            if (eq.name == name)
                throw input_error(flag + " " + name + ": the model already defines '" + name + "' on line " +
                                  std::to_string(eqs().locate(eq.offset).line) +
                                  (timed_array ? "" : "; an input is used by the model but not defined in it (remove "
                                                      "the model's line, or do not declare it as an input)"));
        const auto clash = [&](const std::vector<model_variable>& list) {
            return std::any_of(list.begin(), list.end(), [&](const auto& v) { return v.name == name; });
        };
        if (clash(m_.inputs) || clash(m_.timed_arrays)) throw input_error(flag + " " + name + " is declared twice");
        const unit_spec u = parse_unit_spec(where, name.size() + 1, where.text().size());
        if (timed_array) {
            m_.timed_arrays.push_back({name, u.dim, u.type});
        } else {
            m_.inputs.push_back({name, u.dim, u.type});
            add_variable(name, u.dim, u.type, "input");
        }
    }

    void check_equations() {
        for (const auto& eq : parsed_.equations) {
            if (!eq.rhs) continue;
            const typed t = check(eqs(), eq.rhs);
            refuse_repeated_draws(eqs(), eq.rhs);
            const std::string rhs = "'" + expr::to_string(eq.rhs) + "'";
            if (eq.kind == equation_kind::differential) {
                if (t.type == value_type::boolean)
                    eqs().fail(expr::first_offset(eq.rhs), "the right-hand side of d" + eq.name + "/dt is a condition; it must "
                                               "be a rate (convert a condition with int(...))");
                const dimension expected = eq.dim / second_dim;
                if (!(t.dim == expected))
                    eqs().fail(expr::first_offset(eq.rhs), "the right-hand side of d" + eq.name + "/dt, " + rhs + ", has unit " +
                                                   detail::describe(t.dim) + ", but d" + eq.name + "/dt must have unit " +
                                                   detail::describe(expected) + " (the unit of " + eq.name + ", " +
                                                   detail::describe(eq.dim) + ", per second)" + given_constants(eq.rhs));
            } else {
                if ((eq.type == value_type::boolean) != (t.type == value_type::boolean))
                    eqs().fail(expr::first_offset(eq.rhs), "'" + eq.name + "' is declared " + std::string(to_string(eq.type)) +
                                                   " but " + rhs + " is " +
                                                   (t.type == value_type::boolean ? "a condition" : "a number"));
                if (!(t.dim == eq.dim))
                    eqs().fail(expr::first_offset(eq.rhs), "'" + eq.name + "' is declared with unit " + detail::describe(eq.dim) +
                                                   ", but " + rhs + " has unit " + detail::describe(t.dim) +
                                                   given_constants(eq.rhs));
                if (!last_random_calls_.empty() && !eq.has_flag("constant over dt"))
                    eqs().fail(expr::first_offset(eq.rhs), "the subexpression '" + eq.name + "' calls " +
                                                   last_random_calls_.front() +
                                                   "(), which gives a new value at every call; add the flag "
                                                   "(constant over dt) so that it is drawn once per time step");
            }
            for (const auto& id : expr::identifiers(eq.rhs))
                if (id == "xi" || id.starts_with("xi_")) m_.stochastic = true;
        }
    }

    std::string given_constants(const expr::ptr& e) const { return detail::given_constants_in(scope_with_variables(), e); }

    // Names of the model, constants and inputs an expression uses.
    std::vector<std::string> dependencies(const expr::ptr& e) const {
        std::vector<std::string> used;
        for (const auto& id : expr::identifiers(e))
            if (variables_.count(id) || detail::is_special_name(id) ||
                std::any_of(m_.constants.begin(), m_.constants.end(), [&](const auto& c) { return c.name == id; }))
                used.push_back(id);
        for (const auto& f : expr::called_functions(e))
            if (std::any_of(m_.timed_arrays.begin(), m_.timed_arrays.end(), [&](const auto& a) { return a.name == f; }))
                used.push_back(f);
        return used;
    }

    bool is_subexpression(const std::string& name) const {
        return std::any_of(m_.subexpressions.begin(), m_.subexpressions.end(),
                           [&](const auto& s) { return s.name == name; });
    }

    void order_subexpressions() {
        for (auto& s : m_.subexpressions) s.depends_on = dependencies(s.rhs);
        // Depth-first topological order; a name met again while still open is a cycle.
        std::vector<subexpression> ordered;
        std::map<std::string, int> state;  // 1: open, 2: done
        std::vector<std::string> path;
        std::function<void(const subexpression&)> visit = [&](const subexpression& s) {
            if (state[s.name] == 2) return;
            if (state[s.name] == 1) {
                auto from = std::find(path.begin(), path.end(), s.name);
                std::string cycle;
                for (auto it = from; it != path.end(); ++it) cycle += *it + " -> ";
                const auto& eq = *std::find_if(parsed_.equations.begin(), parsed_.equations.end(),
                                               [&](const auto& q) { return q.name == s.name; });
                eqs().fail(eq.offset, "subexpressions depend on each other in a cycle: " + cycle + s.name +
                                          "; one of them must be defined without the others");
            }
            state[s.name] = 1;
            path.push_back(s.name);
            for (const auto& dep : s.depends_on)
                for (const auto& other : m_.subexpressions)
                    if (other.name == dep) visit(other);
            path.pop_back();
            state[s.name] = 2;
            ordered.push_back(s);
        };
        for (const auto& s : m_.subexpressions) visit(s);
        m_.subexpressions = std::move(ordered);
    }

    // A shared value is one per group, so it cannot depend on values that
    // differ between neurons.
    void check_shared_subexpressions() {
        for (const auto& s : m_.subexpressions) {
            if (!s.shared) continue;
            for (const auto& dep : s.depends_on) {
                if (!is_per_neuron(dep)) continue;
                const auto& eq = *std::find_if(parsed_.equations.begin(), parsed_.equations.end(),
                                               [&](const auto& q) { return q.name == s.name; });
                eqs().fail(expr::first_offset(eq.rhs), "the subexpression '" + s.name + "' is (shared), one value for all "
                                           "neurons, but it uses '" + dep + "', which has a value per neuron");
            }
        }
    }

    bool is_per_neuron(const std::string& name) const {
        if (name == "i") return true;
        for (const auto& s : m_.states)
            if (s.name == name) return true;
        for (const auto& p : m_.parameters)
            if (p.name == name) return !p.shared;
        for (const auto& s : m_.subexpressions)
            if (s.name == name) return !s.shared;
        for (const auto& v : m_.inputs)
            if (v.name == name) return true;
        return name == "lastspike" || name == "not_refractory";
    }

    void substitute_into_states() {
        // Each subexpression fully expanded, in dependency order; those
        // constant over dt stay names (they are computed once per step).
        std::vector<std::pair<std::string, expr::ptr>> expanded;
        for (const auto& s : m_.subexpressions)
            if (!s.constant_over_dt) expanded.emplace_back(s.name, expr::substitute(s.rhs, expanded));
        for (auto& state : m_.states) {
            state.rhs_substituted = expr::substitute(state.rhs, expanded);
            state.depends_on = dependencies(state.rhs_substituted);
        }
    }

    void check_threshold() {
        if (!spec_.threshold) return;
        const source_text source("--threshold", *spec_.threshold);
        const expr::ptr e = expr::parse(source);
        const typed t = check(source, e);
        if (t.type != value_type::boolean)
            source.fail(0, "the threshold '" + *spec_.threshold + "' is not a condition (it has unit " +
                               detail::describe(t.dim) + "); write a comparison such as v > -50*mV");
        m_.threshold = e;
    }

    void check_reset() {
        if (!spec_.reset) return;
        const source_text source("--reset", *spec_.reset);
        const std::string& text = source.text();
        std::size_t begin = 0;
        while (begin <= text.size()) {
            std::size_t end = text.find_first_of(";\n", begin);
            if (end == std::string::npos) end = text.size();
            std::size_t k = begin;
            while (k < end && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
            if (k < end && text[k] != '#') m_.reset.push_back(reset_statement_at(source, k, end));
            begin = end + 1;
        }
        if (m_.reset.empty()) source.fail(0, "the reset has no statement; write e.g. v = -65*mV");
        // Temporaries live in the reset only; one never read was probably
        // meant to be a model variable.
        for (const auto& temporary : reset_temporaries_) {
            const std::string& name = temporary.first;
            variables_.erase(name);
            const bool read = std::any_of(m_.reset.begin(), m_.reset.end(), [&](const reset_statement& r) {
                const auto ids = expr::identifiers(r.rhs);
                return std::find(ids.begin(), ids.end(), name) != ids.end();
            });
            if (read) continue;
            std::vector<std::string> names;
            for (const auto& st : m_.states) names.push_back(st.name);
            for (const auto& p : m_.parameters) names.push_back(p.name);
            const auto close = closest_names(name, names);
            m_.warnings.push_back("--reset: '" + name + "' is not a variable of the model, so the reset sets a temporary "
                                  "that nothing reads" +
                                  (close.empty() ? std::string(".") : "; did you mean " + join_alternatives(close) + "?"));
        }
    }

    reset_statement reset_statement_at(const source_text& source, std::size_t begin, std::size_t end) {
        const std::string& text = source.text();
        std::size_t k = begin;
        while (k < end && (std::isalnum(static_cast<unsigned char>(text[k])) || text[k] == '_')) ++k;
        const std::string target = text.substr(begin, k - begin);
        if (target.empty()) source.fail(begin, "a reset statement starts with the variable it sets, e.g. v = -65*mV");
        while (k < end && (text[k] == ' ' || text[k] == '\t')) ++k;
        static constexpr std::pair<const char*, assignment> ops[] = {{"+=", assignment::add},
                                                                     {"-=", assignment::subtract},
                                                                     {"*=", assignment::multiply},
                                                                     {"/=", assignment::divide},
                                                                     {"=", assignment::set}};
        std::optional<assignment> how;
        for (const auto& [symbol, kind] : ops)
            if (text.compare(k, std::strlen(symbol), symbol) == 0 && !(kind == assignment::set && text[k + 1] == '=')) {
                how = kind;
                k += std::strlen(symbol);
                break;
            }
        if (!how) source.fail(k, "expected '=', '+=', '-=', '*=' or '/=' after '" + target + "'");

        auto it = variables_.find(target);
        if (it == variables_.end()) {
            // As in Brian: a name the model does not have becomes a temporary
            // of the reset, with the unit of its first value, readable by the
            // statements after it.
            if (*how != assignment::set)
                source.fail(begin, "the reset updates '" + target + "' before setting it: it is not a variable of the "
                                   "model, and a temporary must be set with '=' first");
            if (builtin_symbol(target, m_.constants) || detail::is_special_name(target))
                source.fail(begin, "the reset cannot set '" + target + "': it is a constant or a name Brian reserves");
            detail::check_variable_name(source, target, begin);
            const expr::ptr rhs = expr::parse(source, k, end);
            const typed t = check(source, rhs);
            refuse_repeated_draws(source, rhs);
            variables_[target] = symbol{{t.dim, t.type, std::nullopt}, "temporary of the reset"};
            reset_temporaries_.emplace_back(target, begin);
            return {target, *how, rhs, true};
        }
        const std::string what = it->second.what;
        if (what == "temporary of the reset") {
            const expr::ptr rhs = expr::parse(source, k, end);
            const typed t = check(source, rhs);
            refuse_repeated_draws(source, rhs);
            const dimension expected = (*how == assignment::multiply || *how == assignment::divide) ? dimension{}
                                                                                                     : it->second.type.dim;
            if (!(t.dim == expected))
                source.fail(expr::first_offset(rhs), "the right-hand side of '" + text.substr(begin, end - begin) +
                                                         "' has unit " + detail::describe(t.dim) + " but must have unit " +
                                                         detail::describe(expected));
            return {target, *how, rhs, true};
        }
        if (what != "state variable" && what != "parameter")
            source.fail(begin, "the reset cannot set '" + target + "': it is " +
                                   (what == "subexpression" ? "a subexpression, computed from its equation" : "an " + what));
        const auto param = std::find_if(m_.parameters.begin(), m_.parameters.end(),
                                        [&](const auto& p) { return p.name == target; });
        if (param != m_.parameters.end() && param->constant)
            source.fail(begin, "the reset cannot set '" + target + "': it is declared (constant)");

        const expr::ptr rhs = expr::parse(source, k, end);
        const typed t = check(source, rhs);
        refuse_repeated_draws(source, rhs);
        const dimension expected = (*how == assignment::multiply || *how == assignment::divide)
                                       ? dimension{}
                                       : it->second.type.dim;
        if (t.type == value_type::boolean && it->second.type.type != value_type::boolean)
            source.fail(expr::first_offset(rhs), "the reset gives '" + target + "' a condition; it needs a number");
        if (!(t.dim == expected))
            source.fail(expr::first_offset(rhs), "the right-hand side of '" + text.substr(begin, end - begin) + "' has unit " +
                                         detail::describe(t.dim) + " but must have unit " + detail::describe(expected) +
                                         (expected == it->second.type.dim ? " (the unit of " + target + ")" : ""));
        return {target, *how, rhs};
    }

    void check_refractory() {
        if (!spec_.refractory) return;
        const source_text source("--refractory", *spec_.refractory);
        const expr::ptr e = expr::parse(source);
        const typed t = check(source, e);
        if (t.type == value_type::boolean) {
            m_.refractory = {refractoriness::kind::condition, 0, e};
        } else if (t.dim == second_dim) {
            if (t.value) {
                if (!(*t.value >= 0)) source.fail(0, "the refractory period must not be negative");
                m_.refractory = {refractoriness::kind::duration, *t.value, nullptr};
            } else {
                m_.refractory = {refractoriness::kind::duration_expression, 0, e};
            }
        } else {
            source.fail(0, "the refractory period must be a duration (unit second) or a condition, but '" +
                               *spec_.refractory + "' has unit " + detail::describe(t.dim) +
                               "; write e.g. 5*ms, a parameter with unit second, or a condition like v > -50*mV");
        }
    }

    // As in Brian, the model's own name wins over a constant of the same name.
    void warn_about_shadowed_constants() {
        for (const auto& c : m_.constants)
            if (auto it = variables_.find(c.name); it != variables_.end())
                m_.warnings.push_back("the constant '" + c.name + "' (" + format_quantity(c.value) +
                                      ") is not used: the model's " + it->second.what + " '" + c.name +
                                      "' has the same name and takes precedence");
    }

    const model_spec& spec_;
    parsed_equations parsed_;
    model m_;
    std::map<std::string, symbol> variables_;
    std::vector<std::pair<std::string, std::size_t>> reset_temporaries_;  // name, offset in --reset
    std::vector<std::string> last_random_calls_;
};

} // namespace

const model_variable* model::find(std::string_view name) const {
    for (const auto& v : states)
        if (v.name == name) return &v;
    for (const auto& v : parameters)
        if (v.name == name) return &v;
    for (const auto& v : subexpressions)
        if (v.name == name) return &v;
    for (const auto& v : inputs)
        if (v.name == name) return &v;
    return nullptr;
}

bool model::per_neuron(std::string_view name) const {
    for (const auto& p : parameters)
        if (p.name == name) return !p.shared;
    for (const auto& s : subexpressions)
        if (s.name == name) return !s.shared;
    return find(name) != nullptr;
}

model build_model(const model_spec& spec) { return model_builder(spec).build(); }

quantity evaluate_quantity(const std::string& text, const std::string& origin, const std::vector<named_constant>& known) {
    const source_text source(origin, text);
    const expr::ptr e = expr::parse(source);
    const detail::scope names{
        [&](const std::string& name) -> std::optional<symbol> {
            if (detail::is_special_name(name)) return std::nullopt;  // not constants
            return builtin_symbol(name, known);
        },
        [](const std::string&) { return std::optional<detail::timed_array_symbol>{}; },
        [&] {
            std::vector<std::string> names;
            for (const auto& c : known) names.push_back(c.name);
            for (const auto& u : all_units()) names.push_back(u.name);
            return names;
        },
        [&](const std::string&) {
            return std::string("Write units as Brian names them (volt, mV, nA, uS, pF, ms, ...)") +
                   (known.empty() ? "" : ", and constants given before this one");
        }};
    detail::checker checker(source, names);
    const typed t = checker.check(e);
    if (t.type == value_type::boolean) source.fail(0, "'" + text + "' is a condition, not a quantity");
    if (!t.value) source.fail(0, "'" + text + "' is not a constant quantity (it calls a random function)");
    return {*t.value, t.dim};
}

expr::ptr parse_checked(const model& m, const std::string& text, const std::string& origin,
                        const model_variable& target) {
    const source_text source(origin, text);
    const expr::ptr e = expr::parse(source);
    auto variable = [&](const std::string& name) -> std::optional<symbol> {
        if (const model_variable* v = m.find(name)) return symbol{{v->dim, v->type, std::nullopt}, "variable"};
        if (m.refractory.type != refractoriness::kind::none) {
            if (name == "lastspike") return symbol{{second_dim, value_type::floating, std::nullopt}, "variable"};
            if (name == "not_refractory") return symbol{{dimension{}, value_type::boolean, std::nullopt}, "variable"};
        }
        return builtin_symbol(name, m.constants);
    };
    const detail::scope names{
        variable,
        [&](const std::string& name) -> std::optional<detail::timed_array_symbol> {
            for (const auto& a : m.timed_arrays)
                if (a.name == name) return detail::timed_array_symbol{a.dim};
            return std::nullopt;
        },
        [&] {
            std::vector<std::string> all;
            for (const auto& v : m.states) all.push_back(v.name);
            for (const auto& v : m.parameters) all.push_back(v.name);
            for (const auto& v : m.subexpressions) all.push_back(v.name);
            for (const auto& c : m.constants) all.push_back(c.name);
            return all;
        },
        {}};
    detail::checker checker(source, names);
    const typed t = checker.check(e);
    if (t.type == value_type::boolean && target.type != value_type::boolean)
        source.fail(0, "'" + text + "' is a condition, but " + target.name + " needs a number");
    if (!(t.dim == target.dim))
        source.fail(0, "'" + text + "' has unit " + detail::describe(t.dim) + ", but " + target.name + " has unit " +
                           detail::describe(target.dim));
    return e;
}

bool constant_value(const model& m, const std::string& name, double& value) {
    for (const auto& c : m.constants)
        if (c.name == name) return value = c.value.value, true;
    if (const unit_definition* u = find_unit(name)) return value = u->value.value, true;
    bool is_boolean = false;
    return expr::find_constant(name, value, is_boolean);
}

} // namespace cellfit
