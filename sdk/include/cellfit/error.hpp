#pragma once

#include <cellfit/export.hpp>

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
    abi_mismatch(std::filesystem::path path, const std::string& expected,
                 const std::string& found);
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

} // namespace cellfit
