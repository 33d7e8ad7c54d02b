#include <cellfit/error.hpp>
#include <cellfit/io/atomic_file.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <random>
#include <unistd.h>

namespace cellfit {

namespace fs = std::filesystem;

namespace {

std::string reason() { return std::strerror(errno); }

} // namespace

atomic_file::atomic_file(const fs::path& target) : target_(target) {
    // Missing folders above the target are made, as `--out out/run1` expects.
    if (const fs::path folder = target_.parent_path(); !folder.empty()) {
        std::error_code ec;
        if (!fs::is_directory(folder, ec) && !fs::create_directories(folder, ec) && ec)
            throw error("cannot write " + target_.string() + ": cannot create the folder " + folder.string() + ": " +
                        ec.message());
    }
    // A name of its own per process and file: two writers never share one.
    std::random_device entropy;
    for (int attempt = 0; attempt < 16 && !stream_; ++attempt) {
        temporary_ = target_;
        temporary_ += ".partial-" + std::to_string(::getpid()) + "-" + std::to_string(entropy());
        const int fd = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            if (errno == EEXIST) continue;
            throw error("cannot write " + target_.string() + ": " + reason());
        }
        // A file that exists keeps its permissions (a private 0600 stays private).
        if (struct stat st {}; ::stat(target_.c_str(), &st) == 0 && S_ISREG(st.st_mode)) ::fchmod(fd, st.st_mode & 07777);
        stream_ = ::fdopen(fd, "w");
        if (!stream_) {
            ::close(fd);
            ::unlink(temporary_.c_str());
            throw error("cannot write " + target_.string() + ": " + reason());
        }
    }
    if (!stream_) throw error("cannot write " + target_.string() + ": no free temporary name beside it");
}

atomic_file::~atomic_file() {
    if (committed_) return;
    if (stream_) std::fclose(stream_);
    ::unlink(temporary_.c_str());
}

void atomic_file::write(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stream_); }

void atomic_file::commit() {
    const bool written = std::ferror(stream_) == 0 && std::fflush(stream_) == 0 && ::fsync(::fileno(stream_)) == 0;
    const std::string why = written ? std::string() : reason();
    const bool closed = std::fclose(stream_) == 0;
    stream_ = nullptr;
    if (!written || !closed) {
        ::unlink(temporary_.c_str());
        committed_ = true;
        throw error("cannot write " + target_.string() + ": " + (why.empty() ? reason() : why) +
                    " (the previous file, if any, is kept)");
    }
    if (::rename(temporary_.c_str(), target_.c_str()) != 0) {
        const std::string failed = reason();
        ::unlink(temporary_.c_str());
        committed_ = true;
        throw error("cannot write " + target_.string() + ": " + failed);
    }
    committed_ = true;
    // The rename itself survives a crash once the folder is synced.
    const fs::path folder = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
    if (const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

void write_file_atomically(const fs::path& target, const std::string& text) {
    atomic_file file(target);
    file.write(text);
    file.commit();
}

} // namespace cellfit
