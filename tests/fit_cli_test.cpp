// `cellfit fit` and `cellfit generate`: the HH example against the known
// truth of ../shared/data/hh, results files, and bad input (exit code 2,
// a clear message, results kept where a fit had started).

#include "reference.hpp"
#include "test_support.hpp"

#include <cellfit/fit/results.hpp>
#include <cellfit/io/csv.hpp>
#include <cellfit/io/numbers.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <random>
#include <regex>
#include <sstream>
#include <thread>
#include <unistd.h>

using Catch::Matchers::Contains;

namespace {

const std::filesystem::path hh_data = test::source_root.parent_path() / "shared" / "data" / "hh";

void write_text(const std::filesystem::path& file, const std::string& text) {
    std::ofstream out(file);
    out << text;
}

// A small passive fit: 2 traces x 200 steps written to dir.
std::string passive_fit_flags(const test::temp_dir& dir, const std::string& callback = "none") {
    write_text(dir.path() / "model.eqs", "dv/dt = (gl*(El - v) + I)/C : volt\ngl : siemens (constant)\nC : farad (constant)\n");
    std::string input, output;
    for (int r = 0; r < 2; ++r) {
        for (int k = 0; k < 200; ++k) {
            input += (k ? "," : "") + std::string(k >= 20 && k < 150 ? (r ? "0.3" : "0.1") : "0");
            output += (k ? "," : "") + std::to_string(-70.0 + (k >= 20 ? (r ? 1.5 : 0.5) : 0.0));
        }
        input += "\n";
        output += "\n";
    }
    write_text(dir.path() / "in.csv", input);
    write_text(dir.path() / "out.csv", output);
    const std::string d = dir.path().string();
    return "--model '" + d + "/model.eqs' --const El=-70*mV --dt 0.1*ms --init v=El --input I='" + d +
           "/in.csv':nA --output v='" + d + "/out.csv':mV --callback " + callback;
}

// The exact solution of passive_fit_flags' model at step k of a trace: 0.1 nA
// (trace 0) or 0.3 nA (trace 1) from step 20 to 150.
double passive_exact(double gl, double C, std::size_t trace, std::size_t k) {
    return test::passive_membrane(-70e-3, gl, C, trace == 0 ? 0.1e-9 : 0.3e-9, 1e-4, 20, 150, k);
}

} // namespace

TEST_CASE("examples/hh-traces reaches the least-squares optimum of the HH data", "[fit][cli][data]") {
    REQUIRE(std::filesystem::exists(hh_data / "output_mV.csv"));
    test::temp_dir dir;
    const auto results = (dir.path() / "r.json").string();
    // From another folder: the INI file's paths are relative to the file.
    const auto config = (test::source_root / "examples/hh-traces/fit.ini").string();
    const auto r = test::run_cellfit("fit --config '" + config + "' --callback none --results '" + results + "'", "",
                                     dir.path());
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("best parameters:") != std::string::npos);
    // It says what it does before it does it, and warns of nothing.
    CHECK_THAT(r.out, Contains("fitting 4 parameters (g_na, g_kd, gl, Cm) to v: 5 traces (") &&
                          Contains("shared/data/hh/output_mV.csv, mV)\n") &&
                          Contains("integrated by exponential_euler (given)\n") &&
                          Contains("initial values: v = El (given), m = 0 (default), n = 0 (default), h = 0 (default)\n") &&
                          Contains("time: dt = 10 us, 1497 steps (14.97 ms) per trace\n") &&
                          Contains("metric: v: metric.mse (t_start = 5 ms, normalization = 1)\n") &&
                          Contains("optimizer.pagmo.cmaes (sigma0 = 0.5), seed 1: 60 samples per round x 40 rounds = 2400 samples\n"));
    CHECK(r.err.find("warning") == std::string::npos);
    const auto j = nlohmann::json::parse(test::read_file(results));
    // The truth (../shared/data/hh/README.md): gl 10 nS, g_na 20 uS, g_kd 6 uS,
    // Cm 200 pF; MSE at the truth 1.005 mV^2, the floor of the noise.
    const std::map<std::string, double> truth = {{"gl", 10e-9}, {"g_na", 20e-6}, {"g_kd", 6e-6}, {"Cm", 200e-12}};
    for (const auto& [name, value] : truth) {
        INFO(name);
        CHECK(j["best_params"][name].get<double>() == Approx(value).epsilon(0.005));
    }
    CHECK(j["best_params_units"]["gl"] == "siemens");
    CHECK(j["best_params_units"]["Cm"] == "farad");
    CHECK(j["best_error_unit"] == "volt**2");
    CHECK(j["best_error"].get<double>() == Approx(1.005e-6).epsilon(0.01));
    CHECK(j["samples"].size() <= j["n_rounds"].get<std::size_t>() * j["n_samples"].get<std::size_t>());
    CHECK(j["samples"][0].contains("errors"));

    // generate --from the results: the best fit's traces, MSE at the noise floor.
    const auto g = test::run_cellfit("generate --config examples/hh-traces/fit.ini --from '" + results + "' --out '" +
                                         (dir.path() / "best").string() + "'",
                                     "", test::source_root);
    INFO(g.err);
    REQUIRE(g.exit_code == 0);
    const auto model_v = cellfit::read_csv(dir.path() / "best_v.csv").rows;
    const auto data_v = cellfit::read_csv(hh_data / "output_mV.csv").rows;
    REQUIRE(model_v.size() == 5);
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t t = 0; t < 5; ++t)
        for (std::size_t k = 500; k < data_v[t].size(); ++k, ++n) sum += std::pow(model_v[t][k] * 1e3 - data_v[t][k], 2);
    CHECK(sum / static_cast<double>(n) == Approx(j["best_error"].get<double>() * 1e6).epsilon(1e-6));
}

TEST_CASE("cellfit fit writes CSV and JSON results and best-fit traces", "[fit][cli]") {
    test::temp_dir dir;
    const std::string d = dir.path().string();
    const auto r = test::run_cellfit("fit " + passive_fit_flags(dir) +
                                     " --bound gl=1*nS,100*nS --bound C=20*pF,1*nF --optimizer random --samples 8 --rounds 2 "
                                     "--results '" + d + "/r.csv' --results '" + d + "/r.json' --generate '" + d + "/best'");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("wrote " + d + "/r.csv (16 samples)") != std::string::npos);
    CHECK(test::read_file(dir.path() / "r.csv").starts_with("round,gl (siemens),C (farad),error (volt**2),error_v (volt**2)\n"));
    // The best sample, read from the CSV text here (not by cellfit's reader).
    double best_gl = 0, best_C = 0, best_error = INFINITY;
    {
        std::istringstream csv(test::read_file(dir.path() / "r.csv"));
        std::string line;
        std::getline(csv, line);  // the header
        std::size_t rows = 0;
        while (std::getline(csv, line)) {
            std::istringstream cells(line);
            std::string round, gl, C, error;
            std::getline(cells, round, ',');
            std::getline(cells, gl, ',');
            std::getline(cells, C, ',');
            std::getline(cells, error, ',');
            ++rows;
            if (std::stod(error) < best_error) best_error = std::stod(error), best_gl = std::stod(gl), best_C = std::stod(C);
        }
        CHECK(rows == 16);
    }
    const auto j = nlohmann::json::parse(test::read_file(dir.path() / "r.json"));
    CHECK(j["best_params"]["gl"].get<double>() == best_gl);
    CHECK(j["best_params"]["C"].get<double>() == best_C);
    CHECK(j["best_error"].get<double>() == best_error);
    // --generate wrote the best sample's traces: the passive membrane's exact solution.
    const auto best_v = cellfit::read_csv(dir.path() / "best_v.csv").rows;
    REQUIRE(best_v.size() == 2);
    for (std::size_t trace = 0; trace < 2; ++trace)
        for (std::size_t k = 0; k < 200; ++k) CHECK(best_v[trace][k] == Approx(passive_exact(best_gl, best_C, trace, k)).margin(1e-12));
    // generate reads the CSV too, takes its best sample, and --param overrides C.
    const auto g = test::run_cellfit("generate " + passive_fit_flags(dir) + " --from '" + d + "/r.csv' --param C=1*nF --out '" + d +
                                     "/g' --record v");
    INFO(g.err);
    REQUIRE(g.exit_code == 0);
    const auto g_v = cellfit::read_csv(dir.path() / "g_v.csv").rows;
    REQUIRE(g_v.size() == 2);
    for (std::size_t trace = 0; trace < 2; ++trace)
        for (std::size_t k = 0; k < 200; ++k) CHECK(g_v[trace][k] == Approx(passive_exact(best_gl, 1e-9, trace, k)).margin(1e-12));
}

TEST_CASE("cellfit fit: bad input exits 2 with a clear message", "[fit][cli]") {
    test::temp_dir dir;
    const std::string d = dir.path().string();
    const std::string flags = passive_fit_flags(dir);
    const std::string bounds = " --bound gl=1*nS,100*nS --bound C=20*pF,1*nF --rounds 1 --samples 4";
    struct bad {
        std::string args, message;
    };
    write_text(dir.path() / "short.csv", "-70,-70\n-70,-70\n");
    write_text(dir.path() / "nan.csv", [] {
        std::string s;
        for (int r = 0; r < 2; ++r) {
            for (int k = 0; k < 200; ++k) s += (k ? "," : "") + std::string(r == 1 && k == 7 ? "nan" : "-70");
            s += "\n";
        }
        return s;
    }());
    write_text(dir.path() / "empty.csv", "");
    const std::vector<bad> cases = {
        {flags + " --bound gl=1*nS,100*nS", "C has neither bounds nor a value"},
        {flags + bounds + " --bound gK=1*nS,2*nS", "'gK' is not a parameter"},
        {flags + " --bound gl=1*mV,2*mV --bound C=20*pF,1*nF", "expected siemens"},
        {flags + bounds + " --output v='" + d + "/out.csv':mV", "'v' is given twice"},
        {flags + bounds + " --output w='" + d + "/out.csv':mV", "'w' is not a variable of the model; choose from v"},
        {"fit --model '" + d + "/model.eqs' --const El=-70*mV --dt 0.1*ms --input I='" + d + "/in.csv':nA --output v='" + d +
             "/short.csv':mV" + bounds,
         "the inputs have 200 steps, the recording 2"},
        {"fit --model '" + d + "/model.eqs' --const El=-70*mV --dt 0.1*ms --input I='" + d + "/in.csv':nA --output v='" + d +
             "/nan.csv':mV" + bounds,
         "nan.csv:2: column 8 is NaN"},
        {"fit --model '" + d + "/model.eqs' --const El=-70*mV --dt 0.1*ms --threshold 'v > -50*mV' --input I='" + d +
             "/in.csv':nA --spikes '" + d + "/empty.csv'" + bounds,
         "no rows of spike times"},
        {flags + bounds + " --optimizer pagmo.cmaez", "pagmo.cmaes"},
        {flags + bounds + " --metric msee", "mse"},
        {flags + bounds + " --metric w=mse", "'w' is not an output"},
        {flags + bounds + " --results '" + d + "/r.txt'", "must end in .csv or .json"},
        {flags + bounds + " --metric-opt t_start=5*mV", "option 't_start' of metric.mse is in second, but '5*mV' is in volt"},
        {"fit --model '" + d + "/model.eqs' --const El=-70*mV --input I='" + d + "/in.csv':nA --output v='" + d + "/out.csv':mV" + bounds,
         "--dt is required"},
    };
    for (const auto& c : cases) {
        const auto r = test::run_cellfit(c.args.starts_with("fit ") ? c.args : "fit " + c.args);
        INFO(c.args << "\n" << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("cellfit fit: error: ") != std::string::npos);
        if (!c.message.empty()) CHECK(r.err.find(c.message) != std::string::npos);
    }
}

TEST_CASE("a fit that fails in a later round writes the samples of the rounds before", "[fit][cli]") {
    test::temp_dir dir;
    const std::string d = dir.path().string();
    const auto r = test::run_cellfit("fit " + passive_fit_flags(dir) +
                                     " --bound gl=1*nS,100*nS --bound C=20*pF,1*nF --samples 4 --rounds 10 --plugin-dir '" +
                                     (test::fixtures / "late").string() + "' --optimizer fixture.late_failure --results '" + d +
                                     "/r.json'");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);  // a plugin broke its contract: not the user's input
    CHECK(r.err.find("after 2 round(s); writing the samples evaluated so far") != std::string::npos);
    CHECK(r.err.find("outside its bounds [1e-09, 1e-07]") != std::string::npos);
    const auto j = nlohmann::json::parse(test::read_file(dir.path() / "r.json"));
    CHECK(j["n_rounds"] == 2);
    CHECK(j["samples"].size() == 8);
}

TEST_CASE("an interrupted fit writes the results of its finished rounds", "[fit][cli]") {
    // Ctrl-C, SIGTERM (a job scheduler) and SIGHUP (a closed terminal) alike:
    // exit 128 + the signal.
    for (const int number : {SIGINT, SIGTERM, SIGHUP}) {
        INFO("signal " << number);
        test::temp_dir dir;
        const std::string d = dir.path().string();
        const std::string flags = passive_fit_flags(dir, "text") + " --bound gl=1*nS,100*nS --bound C=20*pF,1*nF --samples 8";
        // Interrupted once its first round is reported: whatever the machine's
        // load, at least one round is finished.
        test::background_cellfit fit("fit " + flags + " --rounds 100000000 --results '" + d + "/r.json'");
        REQUIRE(fit.started());
        const bool reported = fit.wait_for_output("round 0: best error");
        fit.signal(number);
        const auto r = fit.wait();
        INFO(r.out << r.err);
        REQUIRE(reported);
        CHECK(r.exit_code == 128 + number);
        CHECK(r.err.find("interrupted") != std::string::npos);
        const auto j = nlohmann::json::parse(test::read_file(dir.path() / "r.json"));
        CHECK(j["n_rounds"].get<std::size_t>() > 0);
        CHECK(j["samples"].size() <= j["n_rounds"].get<std::size_t>() * 8);  // CMA-ES may repeat a point
        CHECK(j["samples"].size() >= j["n_rounds"].get<std::size_t>());
    }
}

TEST_CASE("cellfit fit --online: the error is the MSE between Brian's own recordings", "[fit][cli][reference]") {
    // As in the C++ API's test: Brian's HH neurons that share conductances,
    // each input against another neuron's recorded voltage.
    const std::size_t t_start_steps = 500;
    const auto c = test::brian_hh_rotation_case(t_start_steps);
    test::temp_dir dir;
    const std::string d = dir.path().string();
    write_text(dir.path() / "model.eqs", c.equations);
    auto write_rows = [&](const std::string& name, const std::vector<std::vector<double>>& rows) {
        std::vector<const double*> data;
        std::vector<std::size_t> lengths;
        for (const auto& row : rows) data.push_back(row.data()), lengths.push_back(row.size());
        cellfit::write_csv(dir.path() / name, data, lengths);
    };
    write_rows("in.csv", c.input_amp);
    write_rows("out.csv", c.recorded_v);
    auto si = [](double x, const char* unit) { return cellfit::format_number(x) + "*" + unit; };
    std::string args = "fit --online --model '" + d + "/model.eqs' --method exponential_euler --dt " + si(c.dt, "second") +
                       " --input I='" + d + "/in.csv':amp --output v='" + d + "/out.csv':volt --init v=VT" +
                       " --param g_na=" + si(c.truth.at("g_na"), "siemens") + " --param g_kd=" +
                       si(c.truth.at("g_kd"), "siemens") + " --param Cm=" + si(c.truth.at("Cm"), "farad") +
                       " --bound gl=" + si(c.truth.at("gl") * (1 - 1e-9), "siemens") + "," +
                       si(c.truth.at("gl") * (1 + 1e-9), "siemens") + " --metric-opt t_start=" +
                       cellfit::format_number(static_cast<double>(t_start_steps) * c.dt) +  // seconds
                       " --optimizer random --samples 4 --rounds 1 --callback none --results '" + d + "/r.json'";
    for (const auto& [name, value] : c.constants) args += " --const '" + name + "=" + value + "'";
    const auto r = test::run_cellfit(args);
    INFO(args << "\n" << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(test::read_file(dir.path() / "r.json"));
    CHECK(j["best_error_unit"] == "volt**2");
    CHECK(j["best_error"].get<double>() == Approx(c.mse_from_brian).epsilon(1e-8));
}

TEST_CASE("the other examples reach their documented results", "[fit][cli][data]") {
    test::temp_dir dir;
    auto run_example = [&](const std::string& name) {
        const auto file = (dir.path() / (name + ".json")).string();
        const auto r = test::run_cellfit("fit --config examples/" + name + "/fit.ini --callback none --results '" + file + "'",
                                         "", test::source_root);
        INFO(name << "\n" << r.out << r.err);
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(test::read_file(file));
    };
    SECTION("if-spikes: Brian's gL = 30 nS and C = 300 pF from the spike times") {
        const auto j = run_example("if-spikes");
        CHECK(j["best_params"]["gL"].get<double>() == Approx(30e-9).epsilon(0.01));
        CHECK(j["best_params"]["C"].get<double>() == Approx(300e-12).epsilon(0.01));
        CHECK(j["best_error"].get<double>() < 1e-9);
        CHECK(j["best_error_unit"] == "1");
    }
    SECTION("online: the trace fit's result") {
        const auto online = run_example("online");
        const auto traces = run_example("hh-traces");
        CHECK(online["best_params"] == traces["best_params"]);
        CHECK(online["best_error"] == traces["best_error"]);
    }
    SECTION("hh-features: below the truth's own score, Cm within 5 % and g_na within 10 % of the truth") {
        // The truth scores 213.5 (examples/hh-features/README.md says how it
        // was measured): eFEL's features of the noisy recording are not all
        // reachable by the noise-free model.
        const auto j = run_example("hh-features");
        CHECK(j["best_error"].get<double>() < 213.5);
        CHECK(j["best_params"]["Cm"].get<double>() == Approx(200e-12).epsilon(0.05));
        CHECK(j["best_params"]["g_na"].get<double>() == Approx(20e-6).epsilon(0.10));
    }
}

TEST_CASE("cellfit fit --refine and cellfit refine write the refinement with uncertainties", "[fit][cli][data][refine]") {
    test::temp_dir dir;
    const std::string d = dir.path().string();
    const auto r = test::run_cellfit("fit --config examples/hh-traces/fit.ini --rounds 10 --callback none --refine "
                                     "--gradient discrete --results '" + d + "/r.json'",
                                     "", test::source_root);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("refined parameters (standard errors from the Jacobian):") != std::string::npos);
    const auto j = nlohmann::json::parse(test::read_file(dir.path() / "r.json"));
    CHECK(j["best_from"] == "refine");
    CHECK(j["best_error"].get<double>() == Approx(1.005e-6).epsilon(0.01));
    for (const char* key : {"params", "stderr", "correlation", "cost", "nfev", "njev", "status", "message"})
        CHECK(j["refine"].contains(key));
    // The data README: gl's standard error is about 1.3 %.
    CHECK(j["refine"]["stderr"]["gl"].get<double>() / j["refine"]["params"]["gl"].get<double>() == Approx(0.013).epsilon(0.1));
    CHECK(j["refine"]["correlation"].size() == 4);

    const auto again = test::run_cellfit("refine --config examples/hh-traces/fit.ini --from '" + d +
                                             "/r.json' --gradient sensitivity --refine-top 2 --results '" + d + "/r2.json'",
                                         "", test::source_root);
    INFO(again.out << again.err);
    REQUIRE(again.exit_code == 0);
    const auto j2 = nlohmann::json::parse(test::read_file(dir.path() / "r2.json"));
    CHECK(j2["refine"]["gradient"] == "sensitivity");
    CHECK(j2["refine"]["starts"] == 2);
    CHECK(j2["best_error"].get<double>() == Approx(1.005e-6).epsilon(0.01));

    const auto bad = test::run_cellfit("refine --config examples/hh-traces/fit.ini --from '" + d + "/r.json' --gradient exact",
                                       "", test::source_root);
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--gradient exact: use fd, discrete or sensitivity") != std::string::npos);
}

TEST_CASE("metric options take quantities: t_start=5*ms is t_start=0.005", "[fit][cli]") {
    test::temp_dir dir;
    const std::string d = dir.path().string();
    auto best_error = [&](const std::string& t_start, const std::string& name) {
        const auto r = test::run_cellfit("fit " + passive_fit_flags(dir) +
                                         " --bound gl=1*nS,100*nS --bound C=20*pF,1*nF --optimizer random --samples 8 "
                                         "--rounds 2 --seed 4 --metric-opt t_start=" + t_start + " --results '" + d + "/" +
                                         name + ".json'");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(test::read_file(dir.path() / (name + ".json")))["best_error"].get<double>();
    };
    const double with_unit = best_error("5*ms", "unit"), plain = best_error("0.005", "plain"), none = best_error("0", "none");
    CHECK(with_unit == plain);
    CHECK(with_unit != none);  // the option did something
    const auto listing = nlohmann::json::parse(test::run_cellfit("plugins --json --kind metric").out);
    bool shown = false;
    for (const auto& p : listing["plugins"])
        if (p["full_name"] == "metric.gamma")
            for (const auto& o : p["options"])
                if (o["name"] == "delta") shown = o.value("unit", "") == "second";
    CHECK(shown);
}

TEST_CASE("a results file is whole after a kill at any moment, and a write error loses nothing", "[fit][cli]") {
    test::temp_dir dir;
    const std::string d = dir.path().string();
    // Many samples: writing the results takes a noticeable part of the run.
    const std::string fit = "fit " + passive_fit_flags(dir) +
                            " --bound gl=1*nS,100*nS --bound C=20*pF,1*nF --optimizer random --samples 3000 --rounds 4"
                            " --results '" + d + "/r.json' --results '" + d + "/r.csv'";
    const auto first_start = std::chrono::steady_clock::now();
    auto r = test::run_cellfit(fit);
    const auto full_run = std::chrono::steady_clock::now() - first_start;
    REQUIRE(r.exit_code == 0);
    auto whole = [&] {
        const auto j = nlohmann::json::parse(test::read_file(dir.path() / "r.json"));  // throws on half a file
        const auto csv = cellfit::read_csv_with_header(dir.path() / "r.csv");
        return j["samples"].size() == 12000 && csv.rows.size() == 12000;
    };
    REQUIRE(whole());
    std::mt19937 random(20261202);
    for (int k = 0; k < 20; ++k) {
        test::background_cellfit running(fit);
        REQUIRE(running.started());
        const auto until = std::chrono::steady_clock::now() +
                           std::chrono::duration_cast<std::chrono::nanoseconds>(
                               full_run * std::uniform_real_distribution<double>(0.0, 1.2)(random));
        while (std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        running.signal(SIGKILL);
        running.wait();
        INFO("kill " << k);
        CHECK_NOTHROW(whole());
        CHECK(whole());
    }
    // A full disk (files limited to 64 KiB; the signal that would kill the
    // process is ignored): exit 1 with the reason, no "wrote", the previous
    // results kept whole.
    const std::string command = "trap '' XFSZ; ulimit -f 128; exec '" + test::cellfit_exe.string() + "' " + fit + " >'" +
                                d + "/out' 2>'" + d + "/err'";
    const int status = std::system(command.c_str());
    const std::string out = test::read_file(dir.path() / "out"), err = test::read_file(dir.path() / "err");
    INFO(out << err);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    CHECK(err.find("cannot write") != std::string::npos);
    CHECK(out.find("wrote") == std::string::npos);
    CHECK(whole());
}

TEST_CASE("a results path that is one of the fit's data files is refused", "[fit][cli]") {
    test::temp_dir dir;
    const std::string d = dir.path().string();
    const std::string flags = passive_fit_flags(dir) + " --bound gl=1*nS,100*nS --bound C=20*pF,1*nF --samples 4 --rounds 1";
    const std::string data_before = test::read_file(dir.path() / "out.csv");
    for (const std::string& target : {d + "/out.csv", d + "/in.csv", d + "/model.eqs", d + "/./out.csv"}) {
        // A data file named .csv or .json as results; the model as a generate prefix's file.
        const auto r = test::run_cellfit("fit " + flags + " --results '" + target + "'");
        INFO(target << "\n" << r.err);
        if (target.ends_with(".eqs")) {
            CHECK(r.exit_code == 2);  // not .csv/.json: refused for its name already
            continue;
        }
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("writing it would destroy the data") != std::string::npos);
    }
    // --generate PREFIX whose file PREFIX_v.csv is the recording.
    write_text(dir.path() / "data_v.csv", data_before);
    std::string generate_flags = flags;
    generate_flags.replace(generate_flags.find("/out.csv"), 8, "/data_v.csv");
    const auto g = test::run_cellfit("fit " + generate_flags + " --generate '" + d + "/data'");
    INFO(g.err);
    CHECK(g.exit_code == 2);
    CHECK(g.err.find("--generate") != std::string::npos);
    CHECK(g.err.find("writing it would destroy the data") != std::string::npos);
    CHECK(test::read_file(dir.path() / "data_v.csv") == data_before);
    CHECK(test::read_file(dir.path() / "out.csv") == data_before);
}

TEST_CASE("a stop signal during start-up still stops the fit, and an ignored SIGHUP stays ignored", "[fit][cli]") {
    test::temp_dir dir;
    const std::string d = dir.path().string();
    const std::string flags = passive_fit_flags(dir, "text") + " --bound gl=1*nS,100*nS --bound C=20*pF,1*nF --samples 8";
    {
        // Sent as soon as the fit announces itself, before or during its first round.
        test::background_cellfit fit("fit " + flags + " --rounds 100000000 --results '" + d + "/r.json'");
        REQUIRE(fit.started());
        REQUIRE(fit.wait_for_output("fitting"));
        fit.signal(SIGTERM);
        const auto r = fit.wait();
        INFO(r.out << r.err);
        CHECK(r.exit_code == 128 + SIGTERM);
    }
    // As under nohup: SIGHUP ignored when the fit starts, so it runs to the end.
    const std::string command = "trap '' HUP; '" + test::cellfit_exe.string() + "' fit " + flags +
                                " --rounds 5000 --optimizer random --results '" + d + "/r3.json' >'" + d + "/out' 2>'" + d +
                                "/err' & pid=$!; sleep 0.5; kill -HUP $pid; wait $pid";
    const int status = std::system(command.c_str());
    INFO(test::read_file(dir.path() / "out") << test::read_file(dir.path() / "err"));
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(test::read_file(dir.path() / "err").find("interrupted") == std::string::npos);
}

TEST_CASE("no command writes over its own inputs: simulate --out, refine --from, and results keep their permissions",
          "[fit][cli]") {
    test::temp_dir dir;
    const std::string d = dir.path().string();
    write_text(dir.path() / "model.eqs", "dv/dt = (I - v/(100*Mohm))/(100*pF) : volt\n");
    write_text(dir.path() / "run_I.csv", "0.1,0.1,0.1,0.1\n");
    const std::string input = test::read_file(dir.path() / "run_I.csv");
    auto r = test::run_cellfit("simulate --model '" + d + "/model.eqs' --input I='" + d +
                               "/run_I.csv':nA --record I --out '" + d + "/run'");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("writing it would destroy the data") != std::string::npos);
    CHECK(test::read_file(dir.path() / "run_I.csv") == input);

    const std::string flags = passive_fit_flags(dir) + " --bound gl=1*nS,100*nS --bound C=20*pF,1*nF";
    REQUIRE(test::run_cellfit("fit " + flags + " --samples 4 --rounds 2 --results '" + d + "/r.json'").exit_code == 0);
    const std::string fitted = test::read_file(dir.path() / "r.json");
    r = test::run_cellfit("refine " + flags + " --from '" + d + "/r.json' --results '" + d + "/r.json'");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--from") != std::string::npos);
    CHECK(test::read_file(dir.path() / "r.json") == fitted);
    r = test::run_cellfit("refine " + flags + " --from '" + d + "/r.json' --results '" + d + "/refined.csv'");
    CHECK(r.exit_code == 2);  // refused before the work, not after it
    CHECK(r.err.find("JSON") != std::string::npos);

    // A private results file stays private when it is written again.
    std::filesystem::permissions(dir.path() / "r.json", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    REQUIRE(test::run_cellfit("fit " + flags + " --samples 4 --rounds 1 --results '" + d + "/r.json'").exit_code == 0);
    CHECK(std::filesystem::status(dir.path() / "r.json").permissions() ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
}

TEST_CASE("a fit that needs more memory than the machine has says how much, before it starts", "[fit][cli]") {
    test::temp_dir dir;
    // 10 million samples x 2 traces, metric.features keeping 200 steps each: about 42 GB.
    const double machine = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
    REQUIRE(machine > 0);
    if (machine > 40e9) {
        WARN("not checked: this machine has more memory than the run needs");
        return;
    }
    const auto r = test::run_cellfit("fit " + passive_fit_flags(dir) +
                                     " --bound gl=1*nS,100*nS --bound C=20*pF,1*nF --samples 10000000 --rounds 1"
                                     " --metric features --metric-opt stim_start=2*ms --metric-opt stim_end=15*ms");
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("this run needs") != std::string::npos);
    CHECK(r.err.find("for a round of 10000000 samples x 2 traces") != std::string::npos);
    CHECK(r.err.find("give fewer --samples") != std::string::npos);
}

TEST_CASE("a fit warns of a default initial value, a unit, divergence, a bound and unidentifiable parameters",
          "[fit][cli][warnings]") {
    test::temp_dir dir;
    std::string flags = passive_fit_flags(dir);
    const auto without = [](std::string text, const std::string& part) {
        return text.replace(text.find(part), part.size(), "");
    };
    // No --init: v starts at 0 V although the equation has El; the best gl
    // sits on its upper bound (the data need 200 nS).
    auto r = test::run_cellfit("fit " + without(flags, " --init v=El") +
                               " --bound gl=1*nS,100*nS --bound C=20*pF,1*nF --optimizer pagmo.cmaes --samples 10 --rounds 15");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("integrated by exact (Brian's default choice)") && Contains("v = 0 V (default)") &&
                          Contains("fitting 2 parameters (gl, C)"));
    CHECK_THAT(r.err, Contains("warning: v starts at 0 V (the default), but its equation uses El = -70 mV") &&
                          Contains("(--init v=El"));
    CHECK_THAT(r.err, Contains("warning: the best gl = ") && Contains("within 1 % of its upper bound 100 nS"));

    // Brian's choice for the HH model is euler; the fit names it, and the
    // method that would do better.
    const std::string hh = "--model '" + (test::source_root / "examples/models/hh_traub.eqs").string() +
                           "' --const El=-65*mV --const EK=-90*mV --const ENa=50*mV --const VT=-63*mV --dt 0.01*ms "
                           "--init v=El --input I='" + (hh_data / "input_amp.csv").string() + "':amp --output v='" +
                           (hh_data / "output_mV.csv").string() + "':mV --callback none";
    r = test::run_cellfit("fit " + hh + " --bound gl=1*nS,100*nS --param g_na=20*uS --param g_kd=6*uS --param Cm=200*pF "
                          "--optimizer random --samples 4 --rounds 1");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("integrated by euler (Brian's default choice; exponential_euler can integrate this model "
                               "too") &&
                          Contains("fitting 1 parameter (gl)") && Contains("fixed parameters: g_na = 20 uS, g_kd = 6 uS, Cm = 200 pF"));

    // The recording in mV declared in volts.
    r = test::run_cellfit("fit " + std::regex_replace(flags, std::regex("out.csv':mV"), "out.csv':volt") +
                          " --bound gl=1*nS,100*nS --bound C=20*pF,1*nF --optimizer random --samples 4 --rounds 1");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Contains("warning: the recorded v is mostly beyond 1 V (median magnitude 69.5 V), implausible for a membrane potential"));

    // Euler with tiny capacitances: some samples blow up.
    r = test::run_cellfit("fit " + flags + " --method euler --bound gl=50*nS,100*nS --bound C=0.1*pF,1*nF,log "
                          "--optimizer random --samples 40 --rounds 1");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Contains("samples (in 1 of 1 rounds) diverged") && Contains("more stable --method than euler"));

    // gl and g2 act only through their sum: the refinement cannot tell them apart.
    write_text(dir.path() / "sum.eqs", "dv/dt = ((gl + g2)*(El - v) + I)/C : volt\ngl : siemens (constant)\n"
                                       "g2 : siemens (constant)\nC : farad (constant)\n");
    r = test::run_cellfit("fit " + std::regex_replace(flags, std::regex("model.eqs"), "sum.eqs") +
                          " --bound gl=1*nS,300*nS --bound g2=1*nS,300*nS --bound C=20*pF,1*nF --optimizer random "
                          "--samples 20 --rounds 2 --refine");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Contains("cellfit fit: warning: g") && Contains("is not identifiable from these data") && Contains("--param"));
}

TEST_CASE("an INI file's paths are relative to it, and --no-SWITCH turns its switches off", "[fit][cli][config]") {
    test::temp_dir dir;
    std::filesystem::create_directory(dir.path() / "cell");
    passive_fit_flags(dir);  // writes model.eqs, in.csv and out.csv
    for (const char* file : {"model.eqs", "in.csv", "out.csv"})
        std::filesystem::rename(dir.path() / file, dir.path() / "cell" / file);
    write_text(dir.path() / "cell" / "fit.ini",
               "model = model.eqs\nconst = El=-70*mV\ndt = 0.1*ms\ninit = v=El\ninput = I=in.csv:nA\n"
               "output = v = out.csv : mV\nbound = gl=1*nS,300*nS\nbound = C=20*pF,1*nF\noptimizer = random\n"
               "samples = 8\nrounds = 2\nrefine = true\nresults = out/r.json\ncallback = none\n");
    const std::string config = "--config cell/fit.ini";
    auto r = test::run_cellfit("fit " + config, "", dir.path());
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("refined parameters") && Contains("wrote cell/out/r.json"));
    CHECK(std::filesystem::exists(dir.path() / "cell" / "out" / "r.json"));  // the folder was made
    for (const char* off : {"--no-refine", "--refine=false"}) {
        r = test::run_cellfit("fit " + config + " " + off, "", dir.path());
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, !Contains("refined"));
    }
    // A path on the command line stays relative to where cellfit runs.
    r = test::run_cellfit("fit " + config + " --no-refine --results r2.json", "", dir.path());
    CHECK(r.exit_code == 0);
    CHECK(std::filesystem::exists(dir.path() / "r2.json"));
}

TEST_CASE("hints fit the command: unknown names, --method, a --const without its unit", "[fit][cli][hints]") {
    test::temp_dir dir;
    write_text(dir.path() / "m.eqs", "dv/dt = (El - v)/tau + I/C : volt\n");
    const std::string model = "--model '" + (dir.path() / "m.eqs").string() + "'";
    auto r = test::run_cellfit("check " + model + " --const tau=10*ms --const C=1*pF --input I:amp");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("unknown name 'El'") && Contains("(--const El=VALUE)") && Contains("(--input El:UNIT)"));
    r = test::run_cellfit("fit " + model + " --const tau=10*ms --const C=1*pF --dt 0.1*ms --spikes x.csv --bound C=1*pF,2*pF");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("unknown name 'El'") && Contains("(--input El=FILE.csv:UNIT)"));
    // A constant without its unit: the error points at the --const.
    r = test::run_cellfit("check " + model + " --const tau=10*ms --const El=-65 --const C=1*pF --input I:amp");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("the constant El is given as -65: give it a unit, e.g. El=-65*mV"));
    r = test::run_cellfit("check " + model + " --const tau=10 --const El=-65*mV --const C=1*pF --input I:amp");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("it uses the given constants El = -65 mV, tau = 10, C = 1 pF (--const)"));
    // A method no installed integrator runs is refused even for a model without ODEs.
    write_text(dir.path() / "p.eqs", "x : volt (constant)\n");
    r = test::run_cellfit("check --model '" + (dir.path() / "p.eqs").string() + "' --method linear");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("'linear'") && Contains("installed: euler, exact"));
}

TEST_CASE("output folders are made before the work, and one that cannot be is refused first", "[fit][cli][config]") {
    test::temp_dir dir;
    write_text(dir.path() / "file", "");
    const std::string flags = passive_fit_flags(dir) + " --bound gl=1*nS,300*nS --bound C=20*pF,1*nF --optimizer random "
                                                       "--samples 4 --rounds 1";
    auto r = test::run_cellfit("fit " + flags + " --results '" + (dir.path() / "file/sub/r.json").string() + "'");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("cannot create the folder " + (dir.path() / "file/sub").string()));
    CHECK_THAT(r.out, !Contains("rounds x"));  // refused before the fit
    r = test::run_cellfit("fit " + flags + " --generate '" + (dir.path() / "file/best").string() + "'");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("--generate") && Contains("file is not a folder"));
    CHECK_THAT(r.out, !Contains("rounds x"));
    r = test::run_cellfit("fit " + flags + " --results '" + (dir.path() / "a/b/r.json").string() + "' --generate '" +
                          (dir.path() / "c/best").string() + "'");
    CHECK(r.exit_code == 0);
    CHECK(std::filesystem::exists(dir.path() / "a/b/r.json"));
    CHECK(std::filesystem::exists(dir.path() / "c/best_v.csv"));
}

TEST_CASE("an INI file's '..' follows a linked folder as the system does", "[fit][cli][config]") {
    test::temp_dir dir;
    const auto deep = dir.path() / "deep" / "lab";
    std::filesystem::create_directories(deep / "cell");
    std::filesystem::create_directories(deep / "models");
    passive_fit_flags(dir);
    std::filesystem::rename(dir.path() / "model.eqs", deep / "models" / "model.eqs");
    for (const char* file : {"in.csv", "out.csv"}) std::filesystem::rename(dir.path() / file, deep / "cell" / file);
    write_text(deep / "cell" / "fit.ini",
               "model = ../models/model.eqs\nconst = El=-70*mV\ndt = 0.1*ms\ninit = v=El\ninput = I=in.csv:nA\n"
               "output = v=out.csv:mV\nbound = gl=1*nS,300*nS\nbound = C=20*pF,1*nF\noptimizer = random\n"
               "samples = 4\nrounds = 1\ncallback = none\n");
    std::filesystem::create_directory_symlink(deep / "cell", dir.path() / "cell");
    // cell/../models is deep/lab/models through the link, not ./models.
    const auto r = test::run_cellfit("fit --config cell/fit.ini", "", dir.path());
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("model: cell/../models/model.eqs"));
}

TEST_CASE("a fit killed at 20 random moments and resumed equals the uninterrupted fit", "[fit][cli][resume]") {
    REQUIRE(std::filesystem::exists(hh_data / "output_mV.csv"));
    test::temp_dir dir;
    const std::string config = "fit --config '" + (test::source_root / "examples/hh-traces/fit.ini").string() +
                               "' --checkpoint-seconds 0 ";
    const auto whole_file = (dir.path() / "whole.json").string();
    const auto whole = test::run_cellfit(config + "--rounds 40 --callback none --results '" + whole_file + "'");
    REQUIRE(whole.exit_code == 0);
    const auto expected = nlohmann::json::parse(test::read_file(whole_file)).at("samples");
    REQUIRE(expected.size() > 2000);

    std::mt19937 random(20261202);
    std::size_t killed_mid_fit = 0;
    for (int attempt = 0; attempt < 20; ++attempt) {
        INFO("attempt " << attempt);
        const auto file = (dir.path() / ("r" + std::to_string(attempt) + ".json")).string();
        {
            // Killed after a random round was reported, a random moment later.
            test::background_cellfit fit(config + "--rounds 40 --callback text --results '" + file + "'");
            REQUIRE(fit.wait_for_output("round " + std::to_string(std::uniform_int_distribution<int>(0, 39)(random)) + ":"));
            std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 5000)(random)));
            fit.signal(SIGKILL);
            fit.wait();
        }
        std::size_t recorded_rounds = 0;
        if (std::filesystem::exists(file))
            recorded_rounds = nlohmann::json::parse(test::read_file(file)).at("n_rounds").get<std::size_t>();
        if (recorded_rounds < 40) {
            ++killed_mid_fit;
            const auto r = test::run_cellfit(config + "--callback none --rounds " + std::to_string(40 - recorded_rounds) +
                                             (recorded_rounds ? " --resume '" + file + "'" : " --results '" + file + "'"));
            INFO(r.out << r.err);
            REQUIRE(r.exit_code == 0);
        }
        const auto resumed = nlohmann::json::parse(test::read_file(file));
        CHECK(resumed.at("n_rounds") == 40);
        CHECK(resumed.at("samples") == expected);  // every sample and error, as the JSON writes them (exactly)
    }
    CHECK(killed_mid_fit >= 10);
}

TEST_CASE("resume refuses a file of another fit, listing the differences, and a file without a description",
          "[fit][cli][resume]") {
    test::temp_dir dir;
    const std::string flags = passive_fit_flags(dir) + " --bound gl=1*nS,300*nS --bound C=20*pF,1*nF --samples 6";
    const auto file = (dir.path() / "r.json").string();
    REQUIRE(test::run_cellfit("fit " + flags + " --rounds 2 --results '" + file + "'").exit_code == 0);
    // Another dt, seed and bound; a changed data file.
    std::string data = test::read_file(dir.path() / "out.csv");
    write_text(dir.path() / "out.csv", "-69.9" + data.substr(data.find(',')));
    const std::string changed = std::regex_replace(std::regex_replace(flags, std::regex("--dt 0.1\\*ms"), "--dt 0.2*ms"),
                                                   std::regex("gl=1\\*nS"), "gl=2*nS");
    auto r = test::run_cellfit("fit " + changed + " --seed 5 --rounds 2 --resume '" + file + "'");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("records another fit") && Contains("data.dt: 0.0001 in the file, 0.0002 now") &&
                          Contains("seed: 1 in the file, 5 now") && Contains("bounds.gl.lower: 1e-09 in the file, 2e-09 now") &&
                          Contains("data.files.output v: \"fnv1a64:") && Contains("--restart"));
    // --restart accepts another seed, not other data.
    r = test::run_cellfit("fit " + flags + " --seed 5 --rounds 2 --restart --resume '" + file + "'");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("data.files.output v") && !Contains("seed:"));
    // A file without a description (results format 1) cannot be checked.
    auto old = nlohmann::json::parse(test::read_file(file));
    old.erase("fit");
    old.erase("format_version");
    write_text(dir.path() / "old.json", old.dump());
    r = test::run_cellfit("fit " + flags + " --rounds 2 --resume '" + (dir.path() / "old.json").string() + "'");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("holds no description of its fit (a file of results format 1"));
    old["format_version"] = 99;
    write_text(dir.path() / "new.json", old.dump());
    r = test::run_cellfit("fit " + flags + " --rounds 2 --resume '" + (dir.path() / "new.json").string() + "'");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("results format version 99; this cellfit reads versions 1 to 2"));
    // iteration continues from the file; another start needs --restart.
    write_text(dir.path() / "out.csv", data);
    r = test::run_cellfit("fit " + flags + " --rounds 1 --start-iteration 3 --resume '" + file + "'");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("--start-iteration 3: the recorded fit started at 0"));
    r = test::run_cellfit("fit " + flags + " --rounds 2 --restart");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("--restart starts a fresh optimizer after a recorded fit: give the fit's results"));
}

TEST_CASE("a fit stops at --max-seconds or --target-error and can then be resumed", "[fit][cli][resume]") {
    test::temp_dir dir;
    const std::string flags = passive_fit_flags(dir) + " --bound gl=1*nS,300*nS --bound C=20*pF,1*nF --samples 6";
    const auto file = (dir.path() / "r.json").string();
    auto r = test::run_cellfit("fit " + flags + " --rounds 50 --max-seconds 0 --results '" + file + "'");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("stopped after 1 round x 6 samples") && Contains("stopped: --max-seconds 0 passed") &&
                          Contains("continue with --resume " + file));
    CHECK(nlohmann::json::parse(test::read_file(file)).at("n_rounds") == 1);
    // The recorded run continues: iteration and rounds go on from there.
    r = test::run_cellfit("fit " + flags + " --rounds 3 --resume '" + file + "' --target-error 1e9");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("resumed after 1 recorded rounds (6 samples)") &&
                          Contains("stopped: the best error reached --target-error 1e9"));
    const auto j = nlohmann::json::parse(test::read_file(file));
    CHECK(j.at("n_rounds") == 2);
    CHECK(j.at("samples").back().at("round") == 1);
    r = test::run_cellfit("fit " + flags + " --rounds 3 --target-error 1*mV");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("the error is in volt**2"));
}

TEST_CASE("repeatable options on the command line override the INI file's key by key", "[fit][cli][config]") {
    test::temp_dir dir;
    write_text(dir.path() / "model.eqs", "dv/dt = (El - v)/tau : volt\ntau : second (constant)\n");
    write_text(dir.path() / "c.ini", "model = model.eqs\nconst = El=-65*mV\nconst = Vr=El - 5*mV\n"
                                     "[check]\nconst = unused=1*mV\n");
    // El replaced in place (Vr still uses it), the others kept.
    const auto r = test::run_cellfit("check --config '" + (dir.path() / "c.ini").string() + "' --const El=-70*mV --json");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    std::map<std::string, double> constants;
    for (const auto& c : j.at("constants")) constants[c.at("name")] = c.at("value");
    CHECK(constants.at("El") == Approx(-70e-3));
    CHECK(constants.at("Vr") == Approx(-75e-3));
    CHECK(constants.count("unused") == 1);
}

TEST_CASE("refine says what it minimises, ignores the optimizer aloud, and takes --iteration", "[fit][cli][refine]") {
    test::temp_dir dir;
    const std::string flags = passive_fit_flags(dir) + " --bound gl=1*nS,300*nS --bound C=20*pF,1*nF";
    const auto file = (dir.path() / "r.json").string();
    REQUIRE(test::run_cellfit("fit " + flags + " --samples 6 --rounds 2 --results '" + file + "'").exit_code == 0);
    auto r = test::run_cellfit("refine " + flags + " --from '" + file + "' --optimizer random --iteration 7 --results '" +
                               (dir.path() / "refined.json").string() + "'");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Contains("cellfit refine: note: --optimizer and --opt are not used"));
    r = test::run_cellfit("refine " + flags + " --from '" + file + "' --iteration -1");
    CHECK(r.exit_code == 2);
    // A fit by features refines the traces' MSE, and says so.
    const auto features = "fit --config '" + (test::source_root / "examples/hh-features/fit.ini").string() +
                          "' --rounds 1 --samples 10 --callback none --refine --max-nfev 5";
    r = test::run_cellfit(features);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Contains("cellfit fit: note: the refinement minimises the mean squared error of the traces of v, "
                               "not metric.features's error"));
}

TEST_CASE("results keep each normalised output's raw error beside it", "[fit][cli]") {
    test::temp_dir dir;
    const std::string d = dir.path().string();
    const auto r = test::run_cellfit("fit " + passive_fit_flags(dir) +
                                     " --bound gl=1*nS,300*nS --bound C=20*pF,1*nF --optimizer random --samples 4 --rounds 1"
                                     " --metric-opt normalization=0.002 --results '" + d + "/r.json' --results '" + d + "/r.csv'");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(test::read_file(dir.path() / "r.json"));
    CHECK(j.at("objectives").at(0).at("unit") == "1");
    CHECK(j.at("objectives").at(0).at("raw_unit") == "volt**2");
    CHECK(j.at("objectives").at(0).at("raw_factor").get<double>() == Approx(4e-6));
    for (const auto& s : j.at("samples"))
        CHECK(s.at("raw_errors").at("v").get<double>() == Approx(s.at("errors").at("v").get<double>() * 4e-6));
    CHECK_THAT(test::read_file(dir.path() / "r.csv"), Contains(",error_v (1),raw_error_v (volt**2)\n"));
    // The CSV reads back (the raw column is derived, not a parameter).
    const auto back = cellfit::read_results((dir.path() / "r.csv").string());
    CHECK(back.parameter_names == std::vector<std::string>{"gl", "C"});
}
