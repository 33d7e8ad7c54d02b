#pragma once

#include <cellfit/model/model.hpp>
#include <cellfit/optimizer.hpp>
#include <cellfit/registry.hpp>

#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <sys/wait.h>
#include <unistd.h>

namespace test {

inline const std::filesystem::path fixtures{CELLFIT_TEST_FIXTURES};
inline const std::filesystem::path builtin_plugins{CELLFIT_TEST_PLUGINS};
inline const std::filesystem::path cellfit_exe{CELLFIT_TEST_EXE};
// The repository root (examples/ and their paths are relative to it).
inline const std::filesystem::path source_root = std::filesystem::path(CELLFIT_TEST_SOURCE_DIR).parent_path();

// The plugins built with cellfit (build/plugins), loaded once.
inline const cellfit::plugin_registry& builtin_registry() {
    static const cellfit::plugin_registry registry = [] {
        cellfit::plugin_registry r;
        r.load_directory(builtin_plugins, true);
        return r;
    }();
    return registry;
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A fresh folder under the system temp dir, removed at the end of its scope.
class temp_dir {
public:
    temp_dir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "cellfit-test-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

struct cli_result {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs the cellfit command with a shell-quoted argument string. `env` is a
// prefix of NAME=value assignments (e.g. "CELLFIT_PLUGIN_PATH=/x").
// `cwd`: the folder it runs in (default: the test's).
inline cli_result run_cellfit(const std::string& args, const std::string& env = "",
                              const std::filesystem::path& cwd = {}) {
    temp_dir dir;
    const auto out = dir.path() / "out";
    const auto err = dir.path() / "err";
    const std::string command = (cwd.empty() ? std::string() : "cd '" + cwd.string() + "' && ") +
                                "env -u CELLFIT_PLUGIN_PATH " + env + " '" + cellfit_exe.string() + "' " + args +
                                " >'" + out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    cli_result result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(out);
    result.err = read_file(err);
    return result;
}

// The cellfit command running in the background, for tests that act on it
// while it runs (an interrupt). The test waits for what it printed, never
// for a wall-clock time; the deadlines only bound a hang.
class background_cellfit {
public:
    // `launcher`: a command the cellfit command runs under (mpirun -n 3).
    explicit background_cellfit(const std::string& args, const std::string& launcher = "") {
        const std::string command = "exec env -u CELLFIT_PLUGIN_PATH " + launcher + " '" + cellfit_exe.string() + "' " + args + " >'" +
                                    (dir_.path() / "out").string() + "' 2>'" + (dir_.path() / "err").string() + "'";
        pid_ = ::fork();
        if (pid_ == 0) {  // only async-signal-safe calls until exec
            ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    ~background_cellfit() { stop(); }
    background_cellfit(const background_cellfit&) = delete;
    background_cellfit& operator=(const background_cellfit&) = delete;

    bool started() const { return pid_ > 0; }
    // Waits until standard output or error holds `text`, or the process ends.
    bool wait_for_output(const std::string& text, std::chrono::seconds deadline = std::chrono::seconds(120)) {
        auto printed = [&] {
            return read_file(dir_.path() / "out").find(text) != std::string::npos ||
                   read_file(dir_.path() / "err").find(text) != std::string::npos;
        };
        const auto until = std::chrono::steady_clock::now() + deadline;
        while (started() && !finished_ && std::chrono::steady_clock::now() < until) {
            if (printed()) return true;
            if (::waitpid(pid_, &status_, WNOHANG) == pid_) finished_ = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return printed();
    }
    void signal(int number) {
        if (started() && !finished_) ::kill(pid_, number);
    }
    // Waits for the end (killing the process after the deadline: exit code -1).
    cli_result wait(std::chrono::seconds deadline = std::chrono::seconds(120)) {
        const auto until = std::chrono::steady_clock::now() + deadline;
        while (started() && !finished_ && std::chrono::steady_clock::now() < until) {
            if (::waitpid(pid_, &status_, WNOHANG) == pid_) finished_ = true;
            else std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        stop();
        cli_result r;
        r.exit_code = finished_ && WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
        r.out = read_file(dir_.path() / "out");
        r.err = read_file(dir_.path() / "err");
        return r;
    }

private:
    void stop() {
        if (started() && !finished_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            finished_ = true;
            status_ = -1;
        }
    }
    temp_dir dir_;
    pid_t pid_ = -1;
    int status_ = 0;
    bool finished_ = false;
};

// Sets an environment variable for the scope, and restores it after, even
// when a REQUIRE ends the test early.
class scoped_env {
public:
    scoped_env(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) previous_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~scoped_env() {
        if (previous_) ::setenv(name_, previous_->c_str(), 1);
        else ::unsetenv(name_);
    }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;

private:
    const char* name_;
    std::optional<std::string> previous_;
};

// The exact solution of the passive membrane C dv/dt = gl (El - v) + I at step
// k, from v = El, with I switched on over steps [on, off): what Brian's exact
// method computes (the input is constant over each step).
inline double passive_membrane(double El, double gl, double C, double I, double dt, std::size_t on, std::size_t off,
                               std::size_t k) {
    const double tau = C / gl;
    auto charged = [&](std::size_t steps) { return El + I / gl * (1 - std::exp(-static_cast<double>(steps) * dt / tau)); };
    if (k <= on) return El;
    if (k <= off) return charged(k - on);
    return El + (charged(off - on) - El) * std::exp(-static_cast<double>(k - off) * dt / tau);
}

inline cellfit::optimizer_setup box_setup(std::size_t population, std::uint64_t seed) {
    cellfit::optimizer_setup setup;
    setup.parameters = {{"gl", 1e-9, 1e-7, false}, {"tau", 1e-3, 5e-2, true}, {"El", -0.08, -0.05, false}};
    setup.population_size = population;
    setup.seed = seed;
    return setup;
}

// A model from its equations, constants and spike rules, as a user gives them.
inline cellfit::model make_model(const std::string& equations,
                                 std::vector<std::pair<std::string, std::string>> constants = {},
                                 std::optional<std::string> threshold = {}, std::optional<std::string> reset = {},
                                 std::optional<std::string> refractory = {}) {
    cellfit::model_spec spec;
    spec.equations = equations;
    spec.constants = std::move(constants);
    spec.threshold = std::move(threshold);
    spec.reset = std::move(reset);
    spec.refractory = std::move(refractory);
    return cellfit::build_model(spec);
}

} // namespace test
