#pragma once

#include <cellfit/error.hpp>
#include <cellfit/export.hpp>
#include <cellfit/expr/ast.hpp>

#include <string>
#include <string_view>

namespace cellfit {

// Where something is in a text the user wrote: a model file, or a flag such
// as --threshold. Line and column count from 1.
struct source_location {
    std::string origin;     // "model.eqs", "--threshold"
    int line = 0;
    int column = 0;
    std::string line_text;  // the whole line, for the caret display
    std::size_t offset = 0; // in the source text
};

// A problem in the model or an expression, with its place.
class CELLFIT_API model_error : public input_error {
public:
    model_error(source_location where, const std::string& message);
    ~model_error() override;
    const source_location& where() const noexcept { return where_; }
    const std::string& message() const noexcept { return message_; }

private:
    source_location where_;
    std::string message_;
};

// A text the user wrote, to turn offsets into lines and columns.
class CELLFIT_API source_text {
public:
    source_text(std::string origin, std::string text) : origin_(std::move(origin)), text_(std::move(text)) {}
    const std::string& origin() const noexcept { return origin_; }
    const std::string& text() const noexcept { return text_; }
    source_location locate(std::size_t offset) const;
    [[noreturn]] void fail(std::size_t offset, const std::string& message) const;

private:
    std::string origin_;
    std::string text_;
};

namespace expr {

// Parses the expression in source.text()[begin, end) (whole text by default).
// Offsets in the tree are relative to the whole source text. Throws
// model_error with the place of the first problem.
CELLFIT_API ptr parse(const source_text& source, std::size_t begin = 0, std::size_t end = std::string::npos);

// Convenience for tests and one-line flags.
CELLFIT_API ptr parse(std::string_view text, const std::string& origin = "expression");

} // namespace expr
} // namespace cellfit
