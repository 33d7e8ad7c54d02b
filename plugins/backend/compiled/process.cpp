#include "process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace cellfit::compiled {

std::vector<std::string> command_words(const std::string& text) {
    std::vector<std::string> words;
    std::string word;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n') {
            if (!word.empty()) words.push_back(word);
            word.clear();
        } else {
            word += c;
        }
    }
    if (!word.empty()) words.push_back(word);
    return words;
}

namespace {

using clock = std::chrono::steady_clock;

// Starts argv with stdout to `out_fd` and stderr to `err_fd`; 0 when it could not start.
pid_t spawn(const std::vector<std::string>& argv, int out_fd, int err_fd) {
    if (argv.empty()) return 0;
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    if (posix_spawn_file_actions_init(&actions) != 0) return 0;
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
    // A process group of its own, so that a deadline kills the compiler's
    // children (cc1plus, as, ld) too; messages in English (LC_ALL=C), which
    // the caller reads to tell a full disk from bad code.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    std::vector<std::string> environment{"LC_ALL=C"};
    for (char** e = environ; *e; ++e)
        if (std::strncmp(*e, "LC_ALL=", 7) != 0) environment.emplace_back(*e);
    std::vector<char*> env;
    for (auto& e : environment) env.push_back(e.data());
    env.push_back(nullptr);
    pid_t pid = 0;
    const int started = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), env.data());
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return started == 0 ? pid : 0;
}

// The exit status, or -1 for a signal or when `deadline` passed (the
// program is then killed): a hung compiler never hangs a simulation.
int wait_until(pid_t pid, clock::time_point deadline) {
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (done < 0 && errno != EINTR) return -1;
        if (clock::now() > deadline) {
            ::kill(-pid, SIGKILL);  // the whole group
            ::waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

} // namespace

int run_program(const std::vector<std::string>& argv, const std::string& output_file) {
    const int fd = ::open(output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return -1;
    const pid_t pid = spawn(argv, fd, fd);
    ::close(fd);
    if (pid == 0) return -1;
    return wait_until(pid, clock::now() + std::chrono::minutes(10));
}

std::string program_output(const std::vector<std::string>& argv) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return {};
    const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    const pid_t pid = spawn(argv, pipe_fds[1], null_fd < 0 ? pipe_fds[1] : null_fd);
    ::close(pipe_fds[1]);
    if (null_fd >= 0) ::close(null_fd);
    if (pid == 0) {
        ::close(pipe_fds[0]);
        return {};
    }
    // Read while it runs (a full pipe would stall it), at most 64 KiB and 30 s.
    const auto deadline = clock::now() + std::chrono::seconds(30);
    std::string output;
    char buffer[4096];
    while (output.size() < 65536 && clock::now() < deadline) {
        pollfd p{pipe_fds[0], POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
        if (n <= 0) break;
        output.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(pipe_fds[0]);
    const int status = wait_until(pid, output.size() >= 65536 ? clock::now() : deadline);
    return status == 0 ? output : std::string();
}

} // namespace cellfit::compiled
