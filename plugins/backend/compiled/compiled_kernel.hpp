#pragma once

// The compiled backend: the generated source built by the system compiler
// into a shared library, cached on disk under a hash of source, compiler,
// flags and CPU, and loaded with Boost.DLL.

#include "codegen.hpp"

#include <memory>
#include <optional>
#include <string>

namespace cellfit::compiled {

class compiled_kernel {
public:
    // nullopt (and a reason) when no C++ compiler works here; throws error
    // naming the generated source when it does not compile.
    static std::optional<compiled_kernel> build(const std::string& source, std::string& unavailable);

    void run(const cellfit_kernel_args& args) const { function_(&args); }
    const std::string& library_path() const noexcept { return path_; }

private:
    std::shared_ptr<void> library_;  // keeps the code mapped
    kernel_function function_ = nullptr;
    std::string path_;
};

} // namespace cellfit::compiled
