// Embeds cellfit's plugin registry in a program and drives an optimizer
// plugin through ask/tell, round by round, as the fitters do.
//
// The problem: recover the resistance R, time constant tau and resting
// potential E_L of a passive membrane from its noisy response to a current
// step. The response is known in closed form, so this runs without the
// simulator; the loop is the same one a fit runs with simulated traces.

#include <cellfit/error.hpp>
#include <cellfit/optimizer.hpp>
#include <cellfit/registry.hpp>

#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace {

struct arguments {
    std::vector<std::filesystem::path> plugin_dirs;
    std::string optimizer = "pagmo.cmaes";
    cellfit::raw_options options;
    int rounds = 30;
    std::size_t samples = 200;
    std::uint64_t seed = 1;
};

constexpr const char* usage =
    "usage: cellfit-embed-optimizer [--optimizer NAME] [--opt KEY=VALUE]... [--rounds N]\n"
    "                               [--samples N] [--seed N] [--plugin-dir DIR]...\n";

arguments parse(int argc, char** argv) {
    arguments args;
    for (int k = 1; k < argc; ++k) {
        const std::string flag = argv[k];
        if (flag == "--help" || flag == "-h") {
            std::cout << usage;
            std::exit(0);
        }
        if (k + 1 >= argc) throw cellfit::input_error(flag + " needs a value\n" + usage);
        const std::string value = argv[++k];
        if (flag == "--plugin-dir") args.plugin_dirs.emplace_back(value);
        else if (flag == "--optimizer") args.optimizer = value;
        else if (flag == "--opt") args.options.push_back(cellfit::split_option(value));
        else if (flag == "--rounds") args.rounds = std::stoi(value);
        else if (flag == "--samples") args.samples = std::stoul(value);
        else if (flag == "--seed") args.seed = std::stoull(value);
        else throw cellfit::input_error("unknown flag " + flag + "\n" + usage);
    }
    if (args.rounds < 1 || args.samples < 1) throw cellfit::input_error("--rounds and --samples must be >= 1");
    return args;
}

// Membrane potential (V) of a passive cell, at rest before a current step.
struct passive_cell {
    double R, tau, E_L;  // ohm, second, volt
    double v(double t) const {
        constexpr double I = 50e-12, on = 0.02, off = 0.15;  // 50 pA from 20 to 150 ms
        const auto charge = [&](double s) { return R * I * (1 - std::exp(-s / tau)); };
        if (t < on) return E_L;
        if (t < off) return E_L + charge(t - on);
        return E_L + charge(off - on) * std::exp(-(t - off) / tau);
    }
};

} // namespace

int main(int argc, char** argv) try {
    const arguments args = parse(argc, argv);

    cellfit::plugin_registry registry;
    registry.load_directories(cellfit::default_plugin_search_path(args.plugin_dirs));
    for (const auto& d : registry.diagnostics()) std::cerr << "warning: " << d.message << "\n";
    auto optimizer = registry.create<cellfit::optimizer>(args.optimizer, args.options);

    // The "recording": 200 ms at 0.1 ms steps, with 0.5 mV of noise.
    const passive_cell truth{150e6, 20e-3, -70e-3};
    std::mt19937_64 noise_rng(12345);
    std::normal_distribution<double> noise(0.0, 0.5e-3);
    std::vector<double> times, recorded;
    for (int k = 0; k < 2000; ++k) {
        times.push_back(k * 1e-4);
        recorded.push_back(truth.v(times.back()) + noise(noise_rng));
    }

    cellfit::optimizer_setup setup;
    setup.parameters = {{"R", 10e6, 1000e6, true}, {"tau", 1e-3, 100e-3, true}, {"E_L", -90e-3, -50e-3, false}};
    setup.population_size = args.samples;
    setup.budget = args.samples * static_cast<std::size_t>(args.rounds);
    setup.seed = args.seed;
    const std::size_t population = optimizer->initialize(setup);

    std::cout << "optimizer." << args.optimizer << ", " << args.rounds << " rounds of " << population
              << " samples\n";
    for (int round = 1; round <= args.rounds; ++round) {
        // Up to `population` samples: some algorithms have fewer new points in a round.
        const cellfit::matrix samples = optimizer->ask(population);
        cellfit::matrix errors(samples.rows(), 1);
        for (std::size_t s = 0; s < samples.rows(); ++s) {
            const passive_cell model{samples(s, 0), samples(s, 1), samples(s, 2)};
            double sum = 0;
            for (std::size_t k = 0; k < times.size(); ++k) sum += std::pow(model.v(times[k]) - recorded[k], 2);
            errors(s, 0) = sum / static_cast<double>(times.size());  // mean squared error, V^2
        }
        optimizer->tell(samples, errors);
        if (round == 1 || round == args.rounds || round % 10 == 0)
            std::cout << "round " << std::setw(3) << round << "  best RMS error "
                      << std::sqrt(optimizer->best_error()) * 1e3 << " mV\n";
    }

    const auto best = optimizer->recommend();
    std::cout << std::setprecision(4) << "fitted: R = " << best[0] / 1e6 << " Mohm, tau = " << best[1] * 1e3
              << " ms, E_L = " << best[2] * 1e3 << " mV\n"
              << "truth:  R = 150 Mohm, tau = 20 ms, E_L = -70 mV (noise 0.5 mV RMS)\n";
    return 0;
} catch (const cellfit::input_error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
} catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
}
