// Simulation throughput on the Traub-Miles HH model (examples/models/hh_traub.eqs,
// exponential Euler, dt = 0.01 ms, a step current), against the best
// hand-written C++ loop of the same model measured in the same run:
// vectorised across neurons, glibc's SIMD exp, no fast-math (NaN-safe).
// Prints neuron-steps per second and ratios. With --brian, also runs Brian 2
// (bench/brian2_hh.py, Debian's python3-brian) for the same work.

#include <cellfit/model/model.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/sim/simulation.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#pragma omp declare simd notinbranch
extern "C" double exp(double) noexcept;

namespace {

using clock_type = std::chrono::steady_clock;
constexpr double dt = 1e-5;
constexpr std::size_t n_steps = 10000;
constexpr double El = -65e-3, EK = -90e-3, ENa = 50e-3, VT = -63e-3;
constexpr double gl = 10e-9, g_na = 20e-6, g_kd = 6e-6, Cm = 200e-12;

// The input: 1 nA from step 2000 to step 8000.
std::vector<double> step_current() {
    std::vector<double> I(n_steps, 0.0);
    for (std::size_t k = 2000; k < 8000; ++k) I[k] = 1e-9;
    return I;
}

// Hand-written exponential Euler of the same equations, B*x + A per variable.
double hand_loop(std::size_t N, std::vector<double>& v_out) {
    std::vector<double> v(N, El), m(N, 0), n(N, 0), h(N, 0);
    const std::vector<double> I = step_current();
    constexpr double mV = 1e-3, ms = 1e-3;
    const auto start = clock_type::now();
    for (std::size_t k = 0; k < n_steps; ++k) {
        const double Ik = I[k];
        double* __restrict pv = v.data();
        double* __restrict pm = m.data();
        double* __restrict pn = n.data();
        double* __restrict ph = h.data();
#pragma omp simd
        for (std::size_t i = 0; i < N; ++i) {
            const double V = pv[i], M = pm[i], Nn = pn[i], H = ph[i];
            const double am = 0.32 / mV * (13 * mV - V + VT) / (exp((13 * mV - V + VT) / (4 * mV)) - 1) / ms;
            const double bm = 0.28 / mV * (V - VT - 40 * mV) / (exp((V - VT - 40 * mV) / (5 * mV)) - 1) / ms;
            const double an = 0.032 / mV * (15 * mV - V + VT) / (exp((15 * mV - V + VT) / (5 * mV)) - 1) / ms;
            const double bn = 0.5 * exp((10 * mV - V + VT) / (40 * mV)) / ms;
            const double ah = 0.128 * exp((17 * mV - V + VT) / (18 * mV)) / ms;
            const double bh = 4 / (1 + exp((40 * mV - V + VT) / (5 * mV))) / ms;
            const double m3h = M * M * M * H, n4 = Nn * Nn * Nn * Nn;
            const double Bv = -(gl + g_na * m3h + g_kd * n4) / Cm;
            const double Av = (gl * El + g_na * m3h * ENa + g_kd * n4 * EK + Ik) / Cm;
            pv[i] = -Av / Bv + (V + Av / Bv) * exp(Bv * dt);
            pm[i] = am / (am + bm) + (M - am / (am + bm)) * exp(-(am + bm) * dt);
            pn[i] = an / (an + bn) + (Nn - an / (an + bn)) * exp(-(an + bn) * dt);
            ph[i] = ah / (ah + bh) + (H - ah / (ah + bh)) * exp(-(ah + bh) * dt);
        }
    }
    const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    v_out = v;
    return seconds;
}

struct discard final : cellfit::simulation_consumer {
    void block(std::size_t, std::size_t, const std::vector<const double*>&) override {}
    void spike(std::size_t, std::size_t) override {}
};

double cellfit_run(const cellfit::model& m, const cellfit::plugin_registry& registry, std::size_t N,
                   const std::string& backend, unsigned threads, std::vector<double>& v_out) {
    cellfit::simulation_setup s;
    s.backend = backend;
    s.method = "exponential_euler";
    s.dt = dt;
    s.n_steps = n_steps;
    s.n_neurons = N;
    s.threads = threads;
    s.block_steps = 1000;
    s.parameters = {{"gl", {gl}}, {"g_na", {g_na}}, {"g_kd", {g_kd}}, {"Cm", {Cm}}};
    s.initial_values = {{"v", {"El"}}};
    const auto I = step_current();
    s.lookups["I"] = {1, n_steps, I};
    cellfit::simulator sim(m, s, registry);  // compiles (or loads) the kernel: not timed
    discard sink;
    const auto start = clock_type::now();
    const auto summary = sim.run(sink);
    const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    v_out = summary.final_state.at("v");
    return seconds;
}

// Seconds of a whole `cellfit simulate` process (one thread, nothing
// recorded, the kernel cached by a first run): what a user waits for.
double process_run(std::size_t N) {
    static const std::string dir = [] {
        char pattern[] = "/tmp/cellfit-bench-XXXXXX";
        return std::string(::mkdtemp(pattern));
    }();
    {
        std::ofstream csv(dir + "/I.csv");
        const std::vector<double> I = step_current();
        for (std::size_t k = 0; k < I.size(); ++k) csv << (k ? "," : "") << I[k];
        csv << "\n";
    }
    const std::string command = std::string("'") + CELLFIT_BENCH_CELLFIT + "' simulate --model '" + CELLFIT_BENCH_MODEL +
                                "' --const El=-65*mV --const EK=-90*mV --const ENa=50*mV --const VT=-63*mV --input I='" +
                                dir + "/I.csv':amp --method exponential_euler --dt 0.01*ms --param gl=10*nS"
                                " --param g_na=20*uS --param g_kd=6*uS --param Cm=200*pF --init v=El --threads 1"
                                " --neurons " + std::to_string(N) + " > /dev/null";
    const auto start = clock_type::now();
    if (std::system(command.c_str()) != 0) {
        std::fprintf(stderr, "cellfit simulate failed: %s\n", command.c_str());
        std::exit(1);
    }
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

std::string read_text(const char* path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

int main(int argc, char** argv) {
    // bench_kernel [--brian] [--process] [N...]: the sizes default to 100, 1000, 10000.
    bool brian = false, process = false;
    std::vector<std::size_t> sizes;
    for (int k = 1; k < argc; ++k) {
        if (std::strcmp(argv[k], "--brian") == 0) brian = true;
        else if (std::strcmp(argv[k], "--process") == 0) process = true;
        else sizes.push_back(std::stoul(argv[k]));
    }
    if (sizes.empty()) sizes = {100, 1000, 10000};
    cellfit::model_spec spec;
    spec.equations = read_text(CELLFIT_BENCH_MODEL);
    spec.constants = {{"El", "-65*mV"}, {"EK", "-90*mV"}, {"ENa", "50*mV"}, {"VT", "-63*mV"}};
    spec.inputs = {{"I", "amp"}};
    const cellfit::model m = cellfit::build_model(spec);
    cellfit::plugin_registry registry;
    registry.load_directory(CELLFIT_BENCH_PLUGINS, true);

    std::printf("Traub-Miles HH, exponential Euler, %zu steps of 0.01 ms; neuron-steps per second\n", n_steps);
    std::printf("%7s %12s %12s %12s %12s %12s %9s %9s %9s\n", "N", "hand loop", "compiled", "compiled 2t",
                "interpreter", "max |dv|", "comp/hand", "2t/1t", "interp/hand");
    for (std::size_t N : sizes) {
        std::vector<double> v_hand, v_comp, v_comp2, v_interp;
        // Best of five, each variant measured back to back: the machines here are noisy.
        double hand = 1e300, comp = 1e300, comp2 = 1e300, interp = 1e300;
        for (int r = 0; r < 5; ++r) {
            hand = std::min(hand, hand_loop(N, v_hand));
            comp = std::min(comp, cellfit_run(m, registry, N, "compiled", 1, v_comp));
            comp2 = std::min(comp2, cellfit_run(m, registry, N, "compiled", 2, v_comp2));
            if (r < 2 || N <= 1000)
                interp = std::min(interp, cellfit_run(m, registry, N, "interp", 1, v_interp));
        }
        double deviation = 0;
        for (std::size_t i = 0; i < N; ++i)
            deviation = std::max({deviation, std::abs(v_comp[i] - v_hand[i]), std::abs(v_interp[i] - v_hand[i])});
        const double work = static_cast<double>(N) * n_steps;
        std::printf("%7zu %12.3g %12.3g %12.3g %12.3g %12.2g %9.2f %9.2f %9.2f\n", N, work / hand, work / comp,
                    work / comp2, work / interp, deviation, hand / comp, comp / comp2, hand / interp);
        if (process) {
            process_run(N);  // builds or loads the kernel: the cache is warm after it
            double whole = 1e300;
            for (int r = 0; r < 5; ++r) whole = std::min(whole, process_run(N));
            std::printf("        whole cellfit simulate process, 1 thread: %.3g neuron-steps/s, %.2f x compiled\n",
                        work / whole, comp / whole);
        }
        if (brian) {
            std::fflush(stdout);
            const std::string command = "/usr/bin/python3 -W ignore " CELLFIT_BENCH_BRIAN_SCRIPT " " + std::to_string(N) + " " +
                                        std::to_string(n_steps) + " " + std::to_string(work / comp) + " 2>/dev/null";
            if (std::system(command.c_str()) != 0) std::printf("        (Brian 2 run failed)\n");
        }
    }
    return 0;
}
