#include "kernel_cache.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace cellfit::compiled {

namespace fs = std::filesystem;

namespace {

fs::path configured_cache() {
    if (const char* dir = std::getenv("CELLFIT_CACHE_DIR"); dir && *dir) return fs::path(dir) / "kernels";
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "cellfit" / "kernels";
    if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "cellfit" / "kernels";
    return {};
}

// Creates the missing folders of `dir`, each private (0700).
bool create_private(const fs::path& dir, std::string& why) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) return true;
    if (!dir.has_parent_path() || dir.parent_path() == dir) {
        why = "cannot create " + dir.string();
        return false;
    }
    if (!create_private(dir.parent_path(), why)) return false;
    if (::mkdir(dir.c_str(), 0700) != 0 && !fs::is_directory(dir, ec)) {
        why = "cannot create " + dir.string() + " (" + std::strerror(errno) + ")";
        return false;
    }
    return true;
}

// This process's private temporary folder: unpredictable name, 0700,
// removed with everything in it when the process ends.
struct private_folder {
    fs::path dir;
    std::string error;
    private_folder() {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = (tmp && *tmp ? std::string(tmp) : std::string("/tmp")) + "/cellfit-kernels-XXXXXX";
        if (::mkdtemp(pattern.data())) dir = pattern;
        else error = "cannot create a private temporary folder (" + std::string(std::strerror(errno)) + ")";
    }
    ~private_folder() {
        std::error_code ec;
        if (!dir.empty()) fs::remove_all(dir, ec);
    }
};

const private_folder& process_folder() {
    static const private_folder folder;
    return folder;
}

} // namespace

std::string untrusted_reason(const fs::path& path, bool folder) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return "cannot read " + path.string() + " (" + std::strerror(errno) + ")";
    if (folder && S_ISLNK(st.st_mode) && ::stat(path.c_str(), &st) != 0) return path.string() + " is a broken link";
    if (folder ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
        return path.string() + (folder ? " is not a folder" : " is not a regular file");
    if (st.st_uid != ::geteuid())
        return path.string() + " belongs to user " + std::to_string(st.st_uid) + ", not to this user (" +
               std::to_string(::geteuid()) + ")";
    if (st.st_mode & (S_IWGRP | S_IWOTH)) return path.string() + " may be written by its group or by others";
    return {};
}

namespace {

// Why a folder above the cache could let someone else swap the cache out:
// a folder that others may write to without the sticky bit (as /tmp has),
// or that belongs to neither this user nor root.
std::string unsafe_ancestor(const fs::path& dir) {
    for (fs::path p = dir.parent_path(); !p.empty(); p = p.parent_path()) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0) return "cannot read " + p.string();
        if (st.st_uid != ::geteuid() && st.st_uid != 0) return p.string() + ", above it, belongs to another user";
        if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
            return p.string() + ", above it, may be written by its group or by others";
        if (p == p.parent_path()) break;
    }
    return {};
}

} // namespace

cache_folder kernel_cache_folder() {
    cache_folder result;
    const fs::path wanted = configured_cache().lexically_normal();
    std::string why;
    if (wanted.empty()) {
        why = "no CELLFIT_CACHE_DIR, XDG_CACHE_HOME or HOME";
    } else if (!create_private(wanted, why)) {
        // A folder that cannot be made is the cache's failure, like a full
        // disk: the simulator then falls back to the interpreter.
        result.unavailable = "the kernel cache cannot be created: " + why + " (set CELLFIT_CACHE_DIR)";
        return result;
    } else {
        // The real path, checked folder by folder without following links:
        // a link in the path that someone else owns could be pointed
        // elsewhere after the check.
        std::error_code ec;
        const fs::path real = fs::canonical(wanted, ec);
        if (ec) why = "cannot resolve " + wanted.string() + " (" + ec.message() + ")";
        else why = untrusted_reason(real, true);
        if (why.empty()) why = unsafe_ancestor(real);
        if (why.empty()) {
            result.dir = real;
            return result;
        }
    }
    const private_folder& own = process_folder();
    if (own.dir.empty()) {
        result.unavailable = "the kernel cache cannot be used (" + why + "), and " + own.error;
        return result;
    }
    result.dir = own.dir;
    result.warning = "the kernel cache is not used (" + why + "); kernels are compiled into " + own.dir.string() +
                     " for this run only (set CELLFIT_CACHE_DIR to a folder of your own)";
    return result;
}

std::string file_checksum(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return {};
    std::uint64_t h = 1469598103934665603ull;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        for (std::streamsize k = 0; k < in.gcount(); ++k) h = (h ^ static_cast<unsigned char>(buffer[k])) * 1099511628211ull;
        if (!in) break;
    }
    std::ostringstream hex;
    hex << std::hex << h;
    return hex.str();
}

unsigned long long free_bytes(const fs::path& dir) {
    struct statvfs st {};
    if (::statvfs(dir.c_str(), &st) != 0) return 0;
    return static_cast<unsigned long long>(st.f_bavail) * st.f_frsize;
}

} // namespace cellfit::compiled
