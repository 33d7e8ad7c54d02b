// bench_refine_hh: refine() on the HH example from one start with each
// Jacobian (fd, discrete, sensitivity), beside the Python toolbox's
// refine figures (../shared/data/hh/README.md). The start: cellfit's DE fit
// of the toolbox's objective (v0 = VT), 60 samples x 10 rounds, seed 1, as
// the toolbox refined its own 60 x 10 seed-1 fit. One process per run.
// Run from the repository root: build/bench/bench_refine_hh [path/to/cellfit]

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

namespace {

nlohmann::json run(const std::string& command, double& wall) {
    const auto start = std::chrono::steady_clock::now();
    if (std::system((command + " > /dev/null").c_str()) != 0) {
        std::cerr << "bench_refine_hh: failed: " << command << "\n";
        std::exit(1);
    }
    wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return nullptr;
}

nlohmann::json read(const std::string& file) {
    std::ifstream in(file);
    return nlohmann::json::parse(in);
}

} // namespace

int main(int argc, char** argv) {
    const std::string cellfit = argc > 1 ? argv[1] : (std::filesystem::path(argv[0]).parent_path() / ".." / "cellfit").string();
    if (!std::filesystem::exists("bench/fit-hh.ini") || !std::filesystem::exists("../shared/data/hh/output_mV.csv")) {
        std::cerr << "bench_refine_hh: run it from the repository root, with ../shared/data/hh beside it\n";
        return 2;
    }
    const auto tmp = std::filesystem::temp_directory_path();
    const std::string start = (tmp / "cellfit-bench-refine-start.json").string();
    const std::string out = (tmp / "cellfit-bench-refine.json").string();
    double wall = 0;
    run("'" + cellfit + "' fit --config bench/fit-hh.ini --callback none --samples 60 --rounds 10 --seed 1 --opt variant=2 "
        "--results '" + start + "'", wall);
    std::printf("start: DE 60 x 10, seed 1, error %.2f mV^2 (the toolbox's own 60 x 10 seed-1 fit: 64.8 mV^2)\n",
                read(start)["best_error"].get<double>() * 1e6);
    std::printf("%-12s %9s %9s %6s %6s %6s %12s %12s %10s\n", "gradient", "wall [s]", "refine[s]", "nfev", "njev", "sims",
                "error [mV2]", "status", "x fd time");
    double fd_seconds = 0;
    for (const char* gradient : {"fd", "discrete", "sensitivity"}) {
        run("'" + cellfit + "' refine --config bench/fit-hh.ini --from '" + start + "' --gradient " + gradient +
                " --results '" + out + "'",
            wall);
        const auto j = read(out)["refine"];
        const double seconds = j["seconds"].get<double>();
        if (std::string(gradient) == "fd") fd_seconds = seconds;
        std::printf("%-12s %9.3f %9.4f %6zu %6zu %6zu %12.3f %12s %10.2f\n", gradient, wall, seconds,
                    j["nfev"].get<std::size_t>(), j["njev"].get<std::size_t>(), j["simulations"].get<std::size_t>(),
                    j["error"].get<double>() * 1e6, j["status"].get<std::string>().c_str(), seconds / fd_seconds);
    }
    std::printf("toolbox (scipy trf, cython, from its own fit): no gradient 24 simulations 0.53 s -> 54.3 mV^2; "
                "sensitivity 16 simulations 2.3 s -> 3.59 mV^2\n");
    return 0;
}
