#pragma once

// Ctrl-C, SIGTERM (a job scheduler, kill, mpirun passing one on) and SIGHUP
// (a closed terminal) ask the running work to stop at its next clean point:
// a fit after its round, a batch before its next cell. The work is then
// written as usual, and the exit code is 128 + the signal.
// A signal the process inherited as ignored (nohup, background jobs) stays
// ignored, and the previous actions come back when the guard ends.

#include <cellfit/fit/fitter.hpp>

#include <csignal>

namespace cellfit::cli {

class stop_signal_guard {
public:
    stop_signal_guard();
    ~stop_signal_guard();
    stop_signal_guard(const stop_signal_guard&) = delete;
    stop_signal_guard& operator=(const stop_signal_guard&) = delete;

private:
    struct ::sigaction previous_[3]{};
    bool installed_[3] = {false, false, false};
};

// The fit a signal stops, for as long as it is registered (nullptr: none).
// A fit registered after a signal came (a batch's next cell) stops after
// its first round.
void stop_on_signal(fitter* f);

// The signal that asked to stop (SIGINT, SIGTERM, SIGHUP), or 0.
int received_stop_signal();

// The signals a process that only serves another (an MPI rank) ignores:
// the process that coordinates it decides when the work ends.
void ignore_stop_signals();

} // namespace cellfit::cli
