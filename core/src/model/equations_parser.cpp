// Brian's equation syntax, line by line:
//   dx/dt = expression : unit (flags)     differential equation
//   x = expression : unit (flags)         subexpression
//   x : unit (flags)                      parameter
// An expression runs up to its ':' and may span lines; '#' starts a comment.

#include "checker.hpp"
#include "names.hpp"

#include <cellfit/model/equations.hpp>
#include <cellfit/suggest.hpp>
#include <cellfit/units/quantity.hpp>

#include <algorithm>
#include <cctype>

namespace cellfit {

std::string_view to_string(value_type type) noexcept {
    switch (type) {
    case value_type::floating: return "float";
    case value_type::integer: return "integer";
    case value_type::boolean: return "boolean";
    }
    return "?";
}

bool equation::has_flag(std::string_view flag) const {
    return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool identifier_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string trim(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
}

// Comments become blanks, so that offsets stay those of the original text.
std::string without_comments(std::string text) {
    bool in_comment = false;
    for (char& c : text) {
        if (c == '\n') in_comment = false;
        else if (c == '#') in_comment = true;
        if (in_comment) c = ' ';
    }
    return text;
}

const char* kind_name(equation_kind kind) {
    switch (kind) {
    case equation_kind::differential: return "differential equation";
    case equation_kind::subexpression: return "subexpression";
    case equation_kind::parameter: return "parameter";
    }
    return "equation";
}

std::vector<std::string> allowed_flags(equation_kind kind) {
    switch (kind) {
    case equation_kind::differential: return {"unless refractory"};
    case equation_kind::subexpression: return {"shared", "constant over dt"};
    case equation_kind::parameter: return {"constant", "shared", "linked"};
    }
    return {};
}

class equations_reader {
public:
    equations_reader(const source_text& original, std::string text)
        : original_(original), parse_source_(original.origin(), std::move(text)), s_(parse_source_.text()) {}

    std::vector<equation> read() {
        std::vector<equation> result;
        while (true) {
            while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
            if (pos_ >= s_.size()) break;
            result.push_back(read_equation());
        }
        return result;
    }

private:
    [[noreturn]] void fail(std::size_t offset, const std::string& message) const { original_.fail(offset, message); }

    void skip_blanks() {
        while (pos_ < s_.size() && is_blank(s_[pos_])) ++pos_;
    }

    std::string read_identifier() {
        const std::size_t start = pos_;
        while (pos_ < s_.size() && identifier_char(s_[pos_])) ++pos_;
        return s_.substr(start, pos_ - start);
    }

    std::size_t line_end(std::size_t from) const {
        const auto nl = s_.find('\n', from);
        return nl == std::string::npos ? s_.size() : nl;
    }

    equation read_equation() {
        const std::size_t start = pos_;
        equation eq;
        eq.offset = start;
        if (std::isdigit(static_cast<unsigned char>(s_[pos_])))
            fail(pos_, "expected an equation, but a name cannot start with a digit");
        if (!identifier_start(s_[pos_])) {
            const std::size_t end = std::min(line_end(pos_), pos_ + 20);
            fail(pos_, "expected an equation (dx/dt = ... : unit, x = ... : unit or x : unit), found '" +
                           trim(s_.substr(pos_, end - pos_)) + "'");
        }
        const std::string first = read_identifier();
        skip_blanks();
        if (pos_ < s_.size() && s_[pos_] == '/' && first.size() > 1 && first[0] == 'd') {
            ++pos_;
            skip_blanks();
            const std::size_t dt_at = pos_;
            const std::string wrt = read_identifier();
            if (wrt != "dt")
                fail(dt_at, "expected d" + first.substr(1) + "/dt: differential equations are with respect to "
                                                              "time, found d" + first.substr(1) + "/" + wrt);
            skip_blanks();
            if (pos_ >= s_.size() || s_[pos_] != '=')
                fail(pos_, "expected '=' after " + first + "/dt");
            eq.kind = equation_kind::differential;
            eq.name = first.substr(1);
            eq.offset = start + 1;
        } else if (pos_ < s_.size() && s_[pos_] == '=') {
            eq.kind = equation_kind::subexpression;
            eq.name = first;
        } else if (pos_ < s_.size() && s_[pos_] == ':') {
            eq.kind = equation_kind::parameter;
            eq.name = first;
        } else if (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[start]))) {
            fail(start, "a name cannot start with a digit");
        } else {
            fail(pos_ < s_.size() ? pos_ : start,
                 "expected '=' or ':' after '" + first + "' (dx/dt = ... : unit, x = ... : unit or x : unit)");
        }

        if (eq.kind != equation_kind::parameter) {
            ++pos_;  // '='
            const std::size_t rhs_begin = pos_;
            const std::size_t colon = s_.find(':', rhs_begin);
            if (colon == std::string::npos)
                fail(start, "the equation of '" + eq.name + "' has no unit: end it with ': unit' (e.g. ': volt', "
                                                            "or ': 1' if dimensionless)");
            eq.rhs = parse_rhs(eq, rhs_begin, colon);
            pos_ = colon;
        }
        ++pos_;  // ':'
        read_unit_and_flags(eq);
        return eq;
    }

    // Runs a parse on the comment-free text, and reports its errors against
    // the original text (with its comments).
    template <class Parse>
    auto on_original_text(Parse&& parse) const {
        try {
            return parse();
        } catch (const model_error& e) {
            throw model_error(original_.locate(e.where().offset), e.message());
        }
    }

    expr::ptr parse_rhs(const equation& eq, std::size_t begin, std::size_t end) {
        try {
            return expr::parse(parse_source_, begin, end);
        } catch (const model_error& e) {
            // Report against the original text (with its comments). An error
            // on a later line than the '=' often means that the previous line
            // lacks its ': unit'.
            const int first_line = original_.locate(begin).line;
            std::string message = e.message();
            if (e.where().line > first_line)
                message += " (the expression of '" + eq.name + "' starts on line " + std::to_string(first_line) +
                           ": is its ': unit' missing?)";
            throw model_error(original_.locate(e.where().offset), message);
        }
    }

    void read_unit_and_flags(equation& eq) {
        const std::size_t end_of_line = line_end(pos_);
        const std::size_t paren = s_.find('(', pos_);
        const std::size_t unit_end = paren < end_of_line ? paren : end_of_line;
        eq.unit_text = trim(s_.substr(pos_, unit_end - pos_));
        if (eq.unit_text.empty())
            fail(pos_ - 1, "missing unit after ':' for '" + eq.name + "' (e.g. volt, siemens/metre**2, or 1)");
        const unit_spec unit = on_original_text([&] { return parse_unit_spec(parse_source_, pos_, unit_end); });
        eq.dim = unit.dim;
        eq.type = unit.type;

        pos_ = unit_end;
        if (paren < end_of_line) {
            const std::size_t close = s_.find(')', paren);
            if (close == std::string::npos || close > end_of_line)
                fail(paren, "the '(' of the flags is never closed on this line");
            std::size_t at = paren + 1;
            while (at <= close) {
                std::size_t comma = s_.find(',', at);
                if (comma == std::string::npos || comma > close) comma = close;
                std::string flag = trim(s_.substr(at, comma - at));
                if (flag.empty()) fail(at, "empty flag in the flag list");
                check_flag(eq, flag, at);
                eq.flags.push_back(std::move(flag));
                at = comma + 1;
            }
            pos_ = close + 1;
        }
        skip_blanks();
        if (pos_ < s_.size() && s_[pos_] != '\n')
            fail(pos_, "unexpected text after the equation of '" + eq.name + "'");
    }

    void check_flag(const equation& eq, const std::string& flag, std::size_t at) const {
        const auto allowed = allowed_flags(eq.kind);
        if (std::find(allowed.begin(), allowed.end(), flag) == allowed.end()) {
            std::vector<std::string> quoted;
            for (const auto& a : allowed) quoted.push_back("'" + a + "'");
            fail(at, std::string(kind_name(eq.kind)) + "s cannot have the flag '" + flag + "'; allowed: " +
                         join_alternatives(quoted));
        }
        if (flag == "linked")
            fail(at, "cellfit does not support linked variables ('" + eq.name +
                         " (linked)' would take its values from another group); declare '" + eq.name +
                         "' as a parameter and give it values, or make it a constant");
    }

    const source_text& original_;
    source_text parse_source_;
    const std::string& s_;
    std::size_t pos_ = 0;
};

} // namespace

unit_spec parse_unit_spec(const source_text& source, std::size_t begin, std::size_t end) {
    const std::string text = trim(std::string_view(source.text()).substr(begin, end - begin));
    std::size_t first = begin;
    while (first < end && std::isspace(static_cast<unsigned char>(source.text()[first]))) ++first;
    if (text == "1") return {};
    if (text == "boolean") return {dimension{}, value_type::boolean};
    if (text == "integer") return {dimension{}, value_type::integer};
    if (text == "bool") source.fail(first, "use 'boolean', not 'bool', as the unit of a boolean variable");
    if (text == "int") source.fail(first, "use 'integer', not 'int', as the unit of an integer variable");

    const expr::ptr e = expr::parse(source, begin, end);
    for (const auto& name : expr::identifiers(e)) {
        const unit_definition* u = find_unit(name);
        if (u && u->base_form) continue;
        std::size_t at = first;
        for (std::size_t k = first; k + name.size() <= end; ++k)
            if (source.text().compare(k, name.size(), name) == 0) {
                at = k;
                break;
            }
        if (u)
            source.fail(at, "the unit after ':' must be written with base units, and '" + name +
                                "' is not one; use '" + unit_name(u->value.dim) +
                                "' (the value, e.g. -65*mV, goes in the initial values)");
        std::vector<std::string> bases;
        for (const auto& def : all_units())
            if (def.base_form) bases.push_back(def.name);
        const auto close = closest_names(name, bases);
        source.fail(at, "unknown unit '" + name + "'" +
                            (close.empty() ? "" : "; did you mean " + join_alternatives(close) + "?") +
                            " Units after ':' are base units such as volt, amp, siemens, farad, ohm, second, "
                            "metre, Hz, or 1 for dimensionless");
    }
    const detail::scope units{
        [](const std::string& name) -> std::optional<detail::symbol> {
            const unit_definition* u = find_unit(name);
            return detail::symbol{{u->value.dim, value_type::floating, u->value.value}, "unit"};
        },
        [](const std::string&) { return std::optional<detail::timed_array_symbol>{}; },
        [] { return std::vector<std::string>{}; },
        {}};
    detail::checker checker(source, units);
    const detail::typed t = checker.check(e);
    if (!t.value || std::abs(*t.value - 1.0) > 1e-12)
        source.fail(first, "'" + text + "' is not a unit but a quantity; write only units (e.g. siemens/metre**2)");
    return {t.dim, value_type::floating};
}

parsed_equations parse_equations(std::string text, std::string origin) {
    auto source = std::make_shared<const source_text>(std::move(origin), std::move(text));
    equations_reader reader(*source, without_comments(source->text()));
    parsed_equations result{source, reader.read()};

    for (std::size_t k = 0; k < result.equations.size(); ++k) {
        const equation& eq = result.equations[k];
        detail::check_variable_name(*source, eq.name, eq.offset);
        for (std::size_t j = 0; j < k; ++j)
            if (result.equations[j].name == eq.name)
                source->fail(eq.offset, "duplicate definition of variable '" + eq.name + "' (first defined on line " +
                                            std::to_string(source->locate(result.equations[j].offset).line) + ")");
        if (eq.kind == equation_kind::differential && eq.type != value_type::floating)
            source->fail(eq.offset, "differential equations can only define floating point variables; '" + eq.name +
                                        "' is declared " + std::string(to_string(eq.type)));
    }
    return result;
}

} // namespace cellfit
