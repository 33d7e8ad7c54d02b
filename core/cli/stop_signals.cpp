#include "stop_signals.hpp"

#include <atomic>
#include <csignal>

namespace cellfit::cli {

namespace {

std::atomic<fitter*> interruptible{nullptr};
std::atomic<int> stopping_signal{0};
constexpr int stopping_signals[] = {SIGINT, SIGTERM, SIGHUP};

// A second signal (of any of the three) ends the process, also when a nested
// guard (a batch's cell) has put this handler back since the first.
extern "C" void on_stop_signal(int number) {
    if (int none = 0; !stopping_signal.compare_exchange_strong(none, number)) {  // any second one
        std::signal(number, SIG_DFL);
        std::raise(number);
        return;
    }
    if (fitter* f = interruptible.load()) f->stop();
    std::signal(number, SIG_DFL);
}

} // namespace

stop_signal_guard::stop_signal_guard() {
    for (int k = 0; k < 3; ++k) {
        struct sigaction current {};
        if (::sigaction(stopping_signals[k], nullptr, &current) != 0 || current.sa_handler == SIG_IGN) continue;
        struct sigaction handler {};
        handler.sa_handler = on_stop_signal;
        sigemptyset(&handler.sa_mask);
        installed_[k] = ::sigaction(stopping_signals[k], &handler, &previous_[k]) == 0;
    }
}

stop_signal_guard::~stop_signal_guard() {
    for (int k = 0; k < 3; ++k)
        if (installed_[k]) ::sigaction(stopping_signals[k], &previous_[k], nullptr);
}

void stop_on_signal(fitter* f) {
    interruptible.store(f);
    if (f && stopping_signal.load() != 0) f->stop();
}

int received_stop_signal() { return stopping_signal.load(); }

void ignore_stop_signals() {
    for (int number : stopping_signals) std::signal(number, SIG_IGN);
}

} // namespace cellfit::cli
