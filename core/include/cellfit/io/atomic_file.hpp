#pragma once

// Files that are either the previous complete version or the new complete
// one, whatever happens while they are written (a kill, a full disk): the
// content goes to a temporary file in the same folder, which is flushed,
// synced and then renamed over the target.

#include <cellfit/export.hpp>

#include <cstdio>
#include <filesystem>
#include <string>

namespace cellfit {

class CELLFIT_API atomic_file {
public:
    // Creates the temporary file beside `target`, and the folders above it
    // that are missing; throws cellfit::error naming the file and the reason
    // when it cannot.
    explicit atomic_file(const std::filesystem::path& target);
    ~atomic_file();  // without commit(): the temporary file is removed
    atomic_file(const atomic_file&) = delete;
    atomic_file& operator=(const atomic_file&) = delete;

    std::FILE* stream() noexcept { return stream_; }
    void write(const std::string& text);

    // Flushes, syncs and renames over the target. Throws cellfit::error with
    // the reason (a full disk) and leaves the target as it was.
    void commit();

private:
    std::filesystem::path target_, temporary_;
    std::FILE* stream_ = nullptr;
    bool committed_ = false;
};

// The whole of `text` into `target`, atomically.
CELLFIT_API void write_file_atomically(const std::filesystem::path& target, const std::string& text);

} // namespace cellfit
