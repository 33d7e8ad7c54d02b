#pragma once

// Where compiled kernels are kept, and whether a folder or file there can be
// trusted: a library loaded from the cache runs as this process, so the
// cache must be the user's own and writable by nobody else.

#include <filesystem>
#include <string>

namespace cellfit::compiled {

struct cache_folder {
    std::filesystem::path dir;  // empty when no folder can be used
    std::string warning;        // why a private temporary folder is used instead
    std::string unavailable;    // why no folder can be used at all
};

// The cache (CELLFIT_CACHE_DIR, else XDG_CACHE_HOME/cellfit, else
// ~/.cache/cellfit, then /kernels), created private (0700). When it is not
// the user's own or others may write to it (or a folder above it), or there
// is no home, a fresh private temporary folder of this process (removed at
// exit), with a warning. When it cannot be created: unavailable.
cache_folder kernel_cache_folder();

// Empty when `path` is a regular file (or folder) owned by this user that
// group and others cannot write; else why not.
std::string untrusted_reason(const std::filesystem::path& path, bool folder);

// A checksum of a file's bytes (FNV-1a, 64 bits) as hex; empty if unreadable.
std::string file_checksum(const std::filesystem::path& file);

// Free bytes on the file system holding `dir` (0 when unknown).
unsigned long long free_bytes(const std::filesystem::path& dir);

} // namespace cellfit::compiled
