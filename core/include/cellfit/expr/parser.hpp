#pragma once

#include <cellfit/error.hpp>
#include <cellfit/export.hpp>
#include <cellfit/expr/ast.hpp>

#include <string>
#include <string_view>

namespace cellfit {

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
