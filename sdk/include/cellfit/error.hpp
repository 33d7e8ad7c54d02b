#pragma once

#include <cellfit/export.hpp>

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace cellfit {

// Every error cellfit throws derives from this. The message says where the
// problem is and how to fix it; it is printed to the user as it stands.
class CELLFIT_API error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    ~error() override;
};

// Bad input from the user: a flag, a file, a value. The command exits with 2.
class CELLFIT_API input_error : public error {
public:
    using error::error;
    ~input_error() override;
};

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

// A plugin option that does not exist or has a value of the wrong type.
class CELLFIT_API option_error : public input_error {
public:
    using input_error::input_error;
    ~option_error() override;
};

// A plugin library that could not be used: the path and the reason.
class CELLFIT_API plugin_error : public error {
public:
    plugin_error(std::filesystem::path path, const std::string& reason);
    ~plugin_error() override;
    const std::filesystem::path& path() const noexcept { return path_; }
    const std::string& reason() const noexcept { return reason_; }

private:
    std::filesystem::path path_;
    std::string reason_;
};

// A plugin library built against another plugin ABI than this cellfit.
class CELLFIT_API abi_mismatch : public plugin_error {
public:
    abi_mismatch(std::filesystem::path path, const std::string& expected, const std::string& found);
    // `why`: what else the user should know, instead of "rebuild the plugin".
    abi_mismatch(std::filesystem::path path, const std::string& expected, const std::string& found,
                 const std::string& why);
    ~abi_mismatch() override;
    const std::string& expected() const noexcept { return expected_; }
    const std::string& found() const noexcept { return found_; }

private:
    std::string expected_;
    std::string found_;
};

// A plugin broke its contract (e.g. an optimizer returned a sample outside
// the bounds it was given). A bug in the plugin, not in the user's input.
class CELLFIT_API plugin_contract_error : public error {
public:
    using error::error;
    ~plugin_contract_error() override;
};

// Generated code that the compiler refused: the compiler's output, and the
// file it compiled, for the bug report. A bug in cellfit, not the input.
class CELLFIT_API compile_error : public error {
public:
    compile_error(const std::string& message, std::string log, std::filesystem::path source);
    ~compile_error() override;
    const std::string& log() const noexcept { return log_; }
    const std::filesystem::path& source() const noexcept { return source_; }

private:
    std::string log_;
    std::filesystem::path source_;
};

// Something cellfit itself got wrong: a broken invariant between its parts.
// The message says what, for the bug report.
class CELLFIT_API internal_error : public error {
public:
    explicit internal_error(const std::string& what);
    ~internal_error() override;
};

} // namespace cellfit
