// Recursive-descent parser for Brian's expression syntax, which is Python's:
//   or  -> and ('or' and)*          and -> not ('and' not)*
//   not -> 'not' not | comparison   comparison -> sum [cmp sum]
//   sum -> term (('+'|'-') term)*   term -> factor (('*'|'/'|'%') factor)*
//   factor -> ('-'|'+') factor | power      power -> atom ['**' factor]
//   atom -> number | name | name '(' args ')' | '(' or ')'

#include <cellfit/expr/parser.hpp>

#include <charconv>
#include <cctype>
#include <cstring>
#include <optional>

namespace cellfit {

source_location source_text::locate(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    source_location where{origin_, 1, 1, {}, offset};
    std::size_t line_start = 0;
    for (std::size_t k = 0; k < offset; ++k)
        if (text_[k] == '\n') {
            ++where.line;
            line_start = k + 1;
        }
    where.column = static_cast<int>(offset - line_start) + 1;
    const std::size_t line_end = text_.find('\n', line_start);
    where.line_text = text_.substr(line_start, line_end == std::string::npos ? std::string::npos : line_end - line_start);
    return where;
}

void source_text::fail(std::size_t offset, const std::string& message) const {
    throw model_error(locate(offset), message);
}

namespace expr {

namespace {

enum class token_kind { number, identifier, symbol, end };

struct token {
    token_kind kind = token_kind::end;
    std::string text;
    double value = 0;
    std::size_t offset = 0;
};

bool identifier_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class parser {
public:
    parser(const source_text& source, std::size_t begin, std::size_t end)
        : source_(source), text_(source.text()), pos_(begin), end_(std::min(end, source.text().size())) {
        advance();
    }

    ptr parse_all() {
        if (current_.kind == token_kind::end) source_.fail(current_.offset, "expected an expression, found nothing");
        ptr e = parse_or();
        if (current_.kind != token_kind::end) {
            if (current_.text == ")") source_.fail(current_.offset, "unmatched ')'");
            if (current_.text == "=")
                source_.fail(current_.offset, "unexpected '=': an expression cannot assign (to compare, use '==')");
            source_.fail(current_.offset, "unexpected '" + current_.text + "' after a complete expression");
        }
        return e;
    }

private:
    void advance() {
        while (pos_ < end_ && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
        current_ = token{};
        current_.offset = pos_;
        if (pos_ >= end_) return;
        const char c = text_[pos_];
        if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && pos_ + 1 < end_ &&
                                                           std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
            lex_number();
        } else if (identifier_start(c)) {
            std::size_t k = pos_;
            while (k < end_ && identifier_char(text_[k])) ++k;
            current_.kind = token_kind::identifier;
            current_.text = text_.substr(pos_, k - pos_);
            pos_ = k;
        } else {
            static constexpr const char* symbols[] = {"**", "<=", ">=", "==", "!=", "+", "-", "*", "/", "%",
                                                      "<",  ">",  "(",  ")",  ",",  "="};
            for (const char* s : symbols) {
                const std::size_t n = std::strlen(s);
                if (pos_ + n <= end_ && text_.compare(pos_, n, s) == 0) {
                    current_.kind = token_kind::symbol;
                    current_.text = s;
                    pos_ += n;
                    if (current_.text == "/" && pos_ < end_ && text_[pos_] == '/')
                        source_.fail(current_.offset, "'//' (floor division) is not supported; write floor(a/b)");
                    return;
                }
            }
            source_.fail(pos_, std::string("unexpected character '") + c + "'");
        }
    }

    void lex_number() {
        std::size_t k = pos_;
        auto digits = [&] {
            while (k < end_ && std::isdigit(static_cast<unsigned char>(text_[k]))) ++k;
        };
        digits();
        if (k < end_ && text_[k] == '.') {
            ++k;
            digits();
        }
        if (k < end_ && (text_[k] == 'e' || text_[k] == 'E')) {
            std::size_t e = k + 1;
            if (e < end_ && (text_[e] == '+' || text_[e] == '-')) ++e;
            if (e < end_ && std::isdigit(static_cast<unsigned char>(text_[e]))) {
                k = e;
                digits();
            }
        }
        if (k < end_ && identifier_char(text_[k])) {
            std::size_t j = k;
            while (j < end_ && identifier_char(text_[j])) ++j;
            source_.fail(pos_, "invalid number '" + text_.substr(pos_, j - pos_) +
                                   "' (a name cannot start with a digit; to multiply, write '*')");
        }
        const std::string literal = text_.substr(pos_, k - pos_);
        double value = 0;
        auto [ptr_end, ec] = std::from_chars(literal.data(), literal.data() + literal.size(), value);
        if (ec != std::errc{} || ptr_end != literal.data() + literal.size())
            source_.fail(pos_, "invalid number '" + literal + "'");
        current_.kind = token_kind::number;
        current_.text = literal;
        current_.value = value;
        pos_ = k;
    }

    bool at_symbol(const char* s) const { return current_.kind == token_kind::symbol && current_.text == s; }
    bool at_keyword(const char* s) const { return current_.kind == token_kind::identifier && current_.text == s; }

    std::uint32_t here() const { return static_cast<std::uint32_t>(current_.offset); }

    // Refuses trees deeper than max_depth (long chains or deep nesting).
    ptr checked(ptr e) const {
        if (e->depth > max_depth)
            source_.fail(e->offset, "the expression is too long or too deeply nested (more than " +
                                        std::to_string(max_depth) + " levels); split it with subexpressions");
        return e;
    }

    // Bounds the parser's own recursion (nested parentheses and signs).
    struct nesting_guard {
        parser& p;
        explicit nesting_guard(parser& owner, std::size_t at) : p(owner) {
            if (++p.nesting_ > max_depth)
                p.source_.fail(at, "the expression is nested too deeply (more than " + std::to_string(max_depth) +
                                       " levels)");
        }
        ~nesting_guard() { --p.nesting_; }
    };

    void expect_operand(const std::string& after, std::size_t at) {
        if (current_.kind == token_kind::end) source_.fail(at, "expected an expression after '" + after + "'");
    }

    ptr parse_or() {
        const nesting_guard guard(*this, current_.offset);
        ptr left = parse_and();
        while (at_keyword("or")) {
            const auto at = here();
            advance();
            expect_operand("or", at);
            left = checked(binary(op::logical_or, left, parse_and(), at));
        }
        return left;
    }

    ptr parse_and() {
        ptr left = parse_not();
        while (at_keyword("and")) {
            const auto at = here();
            advance();
            expect_operand("and", at);
            left = checked(binary(op::logical_and, left, parse_not(), at));
        }
        return left;
    }

    ptr parse_not() {
        const nesting_guard guard(*this, current_.offset);  // not not not ... recurses here
        if (at_keyword("not")) {
            const auto at = here();
            advance();
            expect_operand("not", at);
            return checked(unary(op::logical_not, parse_not(), at));
        }
        return parse_comparison();
    }

    std::optional<op> comparison_op() const {
        if (current_.kind != token_kind::symbol) return std::nullopt;
        static constexpr std::pair<const char*, op> ops[] = {{"<", op::less},          {"<=", op::less_equal},
                                                             {">", op::greater},       {">=", op::greater_equal},
                                                             {"==", op::equal},        {"!=", op::not_equal}};
        for (const auto& [text, kind] : ops)
            if (current_.text == text) return kind;
        return std::nullopt;
    }

    ptr parse_comparison() {
        ptr left = parse_sum();
        if (auto kind = comparison_op()) {
            const auto at = here();
            const std::string symbol = current_.text;
            advance();
            expect_operand(symbol, at);
            left = checked(binary(*kind, left, parse_sum(), at));
            if (comparison_op())
                source_.fail(current_.offset,
                             "chained comparisons (a < b < c) are not supported; write (a < b) and (b < c)");
        }
        return left;
    }

    ptr parse_sum() {
        ptr left = parse_term();
        while (at_symbol("+") || at_symbol("-")) {
            const auto at = here();
            const std::string symbol = current_.text;
            advance();
            expect_operand(symbol, at);
            left = checked(binary(symbol == "+" ? op::add : op::subtract, left, parse_term(), at));
        }
        return left;
    }

    ptr parse_term() {
        ptr left = parse_factor();
        while (at_symbol("*") || at_symbol("/") || at_symbol("%")) {
            const auto at = here();
            const std::string symbol = current_.text;
            advance();
            expect_operand(symbol, at);
            const op kind = symbol == "*" ? op::multiply : symbol == "/" ? op::divide : op::modulo;
            left = checked(binary(kind, left, parse_factor(), at));
        }
        return left;
    }

    ptr parse_factor() {
        const nesting_guard guard(*this, current_.offset);
        if (at_symbol("-") || at_symbol("+")) {
            const auto at = here();
            const bool minus = current_.text == "-";
            advance();
            expect_operand(minus ? "-" : "+", at);
            ptr operand = parse_factor();
            if (!minus) return operand;
            // A negative literal is a number, so that printing and parsing agree.
            if (operand->kind == op::number) return number(-operand->value, at);
            return checked(unary(op::negate, operand, at));
        }
        return parse_power();
    }

    ptr parse_power() {
        ptr base = parse_atom();
        if (at_symbol("**")) {
            const auto at = here();
            advance();
            expect_operand("**", at);
            return checked(binary(op::power, base, parse_factor(), at));
        }
        return base;
    }

    ptr parse_atom() {
        const auto at = here();
        switch (current_.kind) {
        case token_kind::number: {
            const double value = current_.value;
            advance();
            return number(value, at);
        }
        case token_kind::identifier: {
            std::string id = current_.text;
            static constexpr const char* keywords[] = {"and", "or", "not", "if", "else", "for", "in", "is",
                                                       "lambda", "None", "def", "return", "while", "import"};
            for (const char* k : keywords)
                if (id == k) source_.fail(at, "unexpected keyword '" + id + "'");
            advance();
            if (!at_symbol("(")) return name(std::move(id), at);
            const std::size_t open = current_.offset;
            advance();
            std::vector<ptr> args;
            if (!at_symbol(")")) {
                while (true) {
                    if (current_.kind == token_kind::end) source_.fail(open, "'(' was never closed");
                    args.push_back(parse_or());
                    if (at_symbol(",")) {
                        advance();
                        continue;
                    }
                    break;
                }
            }
            if (!at_symbol(")")) {
                if (current_.kind == token_kind::end) source_.fail(open, "'(' was never closed");
                source_.fail(current_.offset, "expected ',' or ')' in the arguments of " + id + "(), found '" +
                                                  current_.text + "'");
            }
            advance();
            return checked(call(std::move(id), std::move(args), at));
        }
        case token_kind::symbol:
            if (current_.text == "(") {
                const std::size_t open = current_.offset;
                advance();
                if (current_.kind == token_kind::end) source_.fail(open, "'(' was never closed");
                ptr inner = parse_or();
                if (!at_symbol(")")) {
                    if (current_.kind == token_kind::end) source_.fail(open, "'(' was never closed");
                    source_.fail(current_.offset, "expected ')' to close the '(' at column " +
                                                      std::to_string(source_.locate(open).column) + ", found '" +
                                                      current_.text + "'");
                }
                advance();
                return inner;
            }
            if (current_.text == "=")
                source_.fail(at, "unexpected '=': an expression cannot assign (to compare, use '==')");
            source_.fail(at, "unexpected '" + current_.text + "'");
        case token_kind::end: break;
        }
        source_.fail(at, "the expression ends too early");
    }

    const source_text& source_;
    const std::string& text_;
    std::size_t pos_;
    std::size_t end_;
    token current_;
    std::uint32_t nesting_ = 0;
};

} // namespace

ptr parse(const source_text& source, std::size_t begin, std::size_t end) {
    return parser(source, begin, end).parse_all();
}

ptr parse(std::string_view text, const std::string& origin) {
    const source_text source(origin, std::string(text));
    return parse(source);
}

} // namespace expr
} // namespace cellfit
