// `cellfit batch` and MPI: cells fitted to known truths, failures recorded,
// finished cells kept and interrupted ones resumed to the results of an
// uninterrupted fit; under mpirun, the same results as one process.

#include "test_support.hpp"

#include <cellfit/io/numbers.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <sstream>

using Catch::Matchers::Contains;

namespace {

namespace fs = std::filesystem;

const fs::path hh_config = test::source_root / "examples/hh-traces/fit.ini";
const fs::path hh_data = test::source_root.parent_path() / "shared" / "data" / "hh";

void write_text(const fs::path& file, const std::string& text) {
    std::ofstream out(file);
    out << text;
}

// A passive cell (El = -70 mV) with its own gl and C: 2 current steps x 200
// steps of 0.1 ms, the exact solution as its recording.
void write_passive_cell(const fs::path& dir, const std::string& name, double gl, double C) {
    std::string input, output;
    for (int r = 0; r < 2; ++r) {
        for (std::size_t k = 0; k < 200; ++k) {
            input += (k ? "," : "") + std::string(k >= 20 && k < 150 ? (r ? "0.3" : "0.1") : "0");
            output += (k ? "," : "") + cellfit::format_number(
                1e3 * test::passive_membrane(-70e-3, gl, C, r ? 0.3e-9 : 0.1e-9, 1e-4, 20, 150, k));
        }
        input += "\n";
        output += "\n";
    }
    write_text(dir / (name + "_in.csv"), input);
    write_text(dir / (name + "_v.csv"), output);
}

// The model and settings of the passive cells, without bounds and rounds.
std::string passive_model_flags(const fs::path& dir) {
    write_text(dir / "model.eqs", "dv/dt = (gl*(El - v) + I)/C : volt\ngl : siemens (constant)\nC : farad (constant)\n");
    return "--model '" + (dir / "model.eqs").string() +
           "' --const El=-70*mV --dt 0.1*ms --init v=El --optimizer pagmo.cmaes --samples 20 --threads 1";
}

std::string passive_shared_flags(const fs::path& dir) {
    return passive_model_flags(dir) + " --bound gl=1*nS,100*nS --bound C=10*pF,500*pF --rounds 15";
}

struct summary {
    std::vector<std::string> header;
    std::map<std::string, std::map<std::string, std::string>> cells;  // cell -> column -> value
    std::vector<std::string> order;
};

summary read_summary(const fs::path& file) {
    summary s;
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    std::stringstream h(line);
    for (std::string f; std::getline(h, f, ',');) s.header.push_back(f);
    while (std::getline(in, line)) {
        // The tests' values hold no quotes except a failed status, which is last but the numbers.
        std::vector<std::string> fields;
        std::string field;
        bool quoted = false;
        for (char c : line) {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) fields.push_back(std::exchange(field, {}));
            else field += c;
        }
        fields.push_back(field);
        REQUIRE(fields.size() == s.header.size());
        for (std::size_t c = 0; c < fields.size(); ++c) s.cells[fields[0]][s.header[c]] = fields[c];
        s.order.push_back(fields[0]);
    }
    return s;
}

nlohmann::json read_json(const fs::path& file) {
    std::ifstream in(file);
    return nlohmann::json::parse(in);
}

// Shared memory and loopback only. On SIGTERM, Open MPI 4.1's mpirun
// passes it to the ranks and kills them 1 s later (odls_base_sigkill_timeout;
// a larger value stops it from passing SIGTERM on at all, measured here).
const std::string mpirun = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe "
                           "--mca btl self,vader,tcp --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo -n 3";

} // namespace

TEST_CASE("cellfit batch fits every cell of a manifest to its truth and records a failing cell", "[batch][cli]") {
    test::temp_dir dir;
    const fs::path data = dir.path() / "data";
    fs::create_directories(data);
    const double truths[3][2] = {{10e-9, 200e-12}, {25e-9, 100e-12}, {5e-9, 50e-12}};
    for (int c = 0; c < 3; ++c) write_passive_cell(data, "c" + std::to_string(c), truths[c][0], truths[c][1]);
    // Paths relative to the manifest's folder; a quoted bound; two values in one field.
    write_text(data / "cells.csv",
               "name,input,output,bound,seed\n"
               "c0,I=c0_in.csv:nA,v=c0_v.csv:mV,,1\n"
               "c1,I=c1_in.csv:nA,v=c1_v.csv:mV,\"gl=2*nS,90*nS;C=20*pF,400*pF\",2\n"
               "broken,I=c0_in.csv:nA,v=missing_v.csv:mV,,3\n"
               "c2,I=c2_in.csv:nA,v=c2_v.csv:mV,,4\n");
    const fs::path out = dir.path() / "out";
    const auto r = test::run_cellfit("batch --manifest '" + (data / "cells.csv").string() + "' --out '" + out.string() +
                                     "' " + passive_shared_flags(dir.path()) + " --refine --reports");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);  // a cell failed
    CHECK_THAT(r.out, Contains("4 cells of") && Contains("3 of 4 cells fitted, 1 failed"));
    const summary s = read_summary(out / "summary.csv");
    CHECK(s.order == std::vector<std::string>{"c0", "c1", "broken", "c2"});  // manifest order
    CHECK(s.header == std::vector<std::string>{"cell", "status", "gl (siemens)", "C (farad)", "error (volt**2)",
                                               "gl_stderr (siemens)", "C_stderr (farad)", "seconds"});
    CHECK_THAT(s.cells.at("broken").at("status"), Contains("failed: cannot read") && Contains("missing_v.csv"));
    const std::map<std::string, int> truth_of{{"c0", 0}, {"c1", 1}, {"c2", 2}};
    for (const auto& [cell, t] : truth_of) {
        INFO(cell);
        const auto& row = s.cells.at(cell);
        CHECK(row.at("status") == "ok");
        CHECK(std::stod(row.at("gl (siemens)")) == Approx(truths[t][0]).epsilon(1e-3));
        CHECK(std::stod(row.at("C (farad)")) == Approx(truths[t][1]).epsilon(1e-3));
        CHECK(std::stod(row.at("error (volt**2)")) < 1e-12);
        CHECK(fs::exists(out / (cell + ".json")));
        CHECK(fs::exists(out / (cell + ".log")));
        CHECK_THAT(test::read_file(out / (cell + ".html")), Contains("<title>" + cell + ".json</title>"));
    }
    CHECK_FALSE(fs::exists(out / "broken.html"));
    // The cell's own bounds replaced the shared ones for its parameters.
    CHECK(read_json(out / "c1.json")["fit"]["bounds"].dump().find("2e-09") != std::string::npos);

    SECTION("a second run keeps the finished cells and fits the failed one again") {
        const std::string c0_before = test::read_file(out / "c0.json");
        write_passive_cell(data, "missing", 10e-9, 200e-12);
        const auto again = test::run_cellfit("batch --manifest '" + (data / "cells.csv").string() + "' --out '" +
                                             out.string() + "' " + passive_shared_flags(dir.path()) + " --refine");
        INFO(again.out << again.err);
        CHECK(again.exit_code == 0);
        CHECK_THAT(again.out, Contains("3 finished before, 1 to fit") && Contains("4 of 4 cells fitted, 0 failed"));
        CHECK(test::read_file(out / "c0.json") == c0_before);
        const summary s2 = read_summary(out / "summary.csv");
        CHECK(s2.cells.at("broken").at("status") == "ok");
        CHECK(s2.cells.at("c0") == s.cells.at("c0"));
    }
    SECTION("each cell gives what cellfit fit gives with the same flags") {
        const fs::path alone = dir.path() / "alone.json";
        const auto fit = test::run_cellfit("fit " + passive_model_flags(dir.path()) + " --rounds 15 --refine --seed 2 --input I='" +
                                           (data / "c1_in.csv").string() + "':nA --output v='" +
                                           (data / "c1_v.csv").string() + "':mV --bound gl=2*nS,90*nS --bound "
                                           "C=20*pF,400*pF --callback none --results '" + alone.string() + "'");
        REQUIRE(fit.exit_code == 0);
        const auto a = read_json(alone), b = read_json(out / "c1.json");
        CHECK(a["samples"] == b["samples"]);
        CHECK(a["best_params"] == b["best_params"]);
        CHECK(a["refine"]["stderr"] == b["refine"]["stderr"]);
    }
}

TEST_CASE("cellfit batch refuses a bad manifest before fitting, naming the line and the fix", "[batch][cli]") {
    test::temp_dir dir;
    const auto batch = [&](const std::string& manifest, const std::string& extra = "") {
        write_text(dir.path() / "m.csv", manifest);
        return test::run_cellfit("batch --manifest '" + (dir.path() / "m.csv").string() + "' --out '" +
                                 (dir.path() / "out").string() + "' " + passive_shared_flags(dir.path()) + extra);
    };
    auto r = batch("name,outptu\nc0,v=a.csv:mV\n");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("m.csv:1, column 2: `outptu` is not a flag of cellfit fit (did you mean `output`?)"));
    r = batch("cell,output\nc0,v=a.csv:mV\n");
    CHECK_THAT(r.err, Contains("the header has no `name` column"));
    r = batch("name,output\nc0,v=a.csv:mV\nc0,v=b.csv:mV\n");
    CHECK_THAT(r.err, Contains("m.csv:3: a second cell named 'c0'"));
    r = batch("name,output\n../up,v=a.csv:mV\n");
    CHECK_THAT(r.err, Contains("m.csv:2: the cell name '../up' starts with '.'"));
    r = batch("name,bound\nc0,gl=1*nS,100*nS\n");
    CHECK_THAT(r.err, Contains("m.csv:2: 3 fields, and the header has 2; quote a field that holds a comma"));
    r = batch("name,bound\nc0,\"gl=1*nS,100*nS\n");
    CHECK_THAT(r.err, Contains("m.csv:2: a quoted field is not closed"));
    r = batch("name,results\nc0,x.json\n");
    CHECK_THAT(r.err, Contains("`results` is set by the batch for every cell"));
    r = batch("name,output\nc0,v=a.csv:mV\nC0,v=b.csv:mV\n");
    CHECK_THAT(r.err, Contains("m.csv:3: a second cell named 'C0' (names differing only in case"));
    CHECK_FALSE(fs::exists(dir.path() / "out" / "summary.csv"));
    // A fit's own --results (given, or from its INI file) is noted and not used.
    r = batch("\xEF\xBB\xBFname,output\n  ,  \nc0,v=missing.csv:mV\n", " --results x.json");
    CHECK(r.exit_code == 1);  // the cell fails: its file is missing
    CHECK_THAT(r.err, Contains("note: --results (given, or in the INI file) is not used"));
    CHECK_FALSE(fs::exists(dir.path() / "x.json"));
}

TEST_CASE("copies a launcher started without making them one MPI job are refused", "[batch][cli]") {
    test::temp_dir dir;
    write_passive_cell(dir.path(), "c", 10e-9, 200e-12);
    write_text(dir.path() / "m.csv", "name,input,output\nc,I=c_in.csv:nA,v=c_v.csv:mV\n");
    // srun without an MPI plugin: two tasks, each alone.
    const auto r = test::run_cellfit("batch --manifest '" + (dir.path() / "m.csv").string() + "' --out '" +
                                         (dir.path() / "out").string() + "' " + passive_shared_flags(dir.path()),
                                     "SLURM_NTASKS=2 SLURM_STEP_ID=0");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("was started as 2 processes (SLURM_NTASKS) that are not one MPI job"));
    CHECK_FALSE(fs::exists(dir.path() / "out"));
    const auto fit = test::run_cellfit("fit " + passive_shared_flags(dir.path()) + " --output v='" +
                                           (dir.path() / "c_v.csv").string() + "':mV --input I='" +
                                           (dir.path() / "c_in.csv").string() + "':nA",
                                       "SLURM_NTASKS=2 SLURM_STEP_ID=0");
    CHECK(fit.exit_code == 2);
    // In the batch script itself (no job step), one process is what runs.
    CHECK(test::run_cellfit("fit " + passive_shared_flags(dir.path()) + " --callback none --output v='" +
                                (dir.path() / "c_v.csv").string() + "':mV --input I='" +
                                (dir.path() / "c_in.csv").string() + "':nA",
                            "SLURM_NTASKS=2").exit_code == 0);
}

TEST_CASE("cellfit fit --resume with --rounds 0 only refines the recorded fit", "[fit][cli][resume]") {
    test::temp_dir dir;
    write_passive_cell(dir.path(), "c", 10e-9, 200e-12);
    const std::string flags = passive_model_flags(dir.path()) + " --bound gl=1*nS,100*nS --bound C=10*pF,500*pF --input I='" + (dir.path() / "c_in.csv").string() +
                              "':nA --output v='" + (dir.path() / "c_v.csv").string() + "':mV --callback none";
    const fs::path results = dir.path() / "r.json";
    REQUIRE(test::run_cellfit("fit " + flags + " --rounds 15 --results '" + results.string() + "'").exit_code == 0);
    const auto samples = read_json(results)["samples"];
    const auto r = test::run_cellfit("fit " + flags + " --resume '" + results.string() + "' --rounds 0 --refine");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("0 rounds x 20 samples") && Contains("refined"));
    const auto after = read_json(results);
    CHECK(after["samples"] == samples);
    CHECK(after["best_from"] == "refine");
    CHECK(after["best_params"]["gl"].get<double>() == Approx(10e-9).epsilon(1e-4));
    const auto refused = test::run_cellfit("fit " + flags + " --rounds 0");
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Contains("--rounds 0: give a whole number from 1"));
}

TEST_CASE("a batch stopped by SIGTERM keeps its finished cells and resumes the interrupted one exactly", "[batch][cli][interrupt]") {
    REQUIRE(fs::exists(hh_data / "output_mV.csv"));
    test::temp_dir dir;
    std::string manifest = "name,seed\n";
    for (int c = 1; c <= 3; ++c) manifest += "hh" + std::to_string(c) + "," + std::to_string(c) + "\n";
    write_text(dir.path() / "cells.csv", manifest);
    const fs::path out = dir.path() / "out";
    const std::string args = "batch --manifest '" + (dir.path() / "cells.csv").string() + "' --out '" + out.string() +
                             "' --config '" + hh_config.string() + "' --rounds 400 --threads 1";
    {
        test::background_cellfit batch(args);
        REQUIRE(batch.wait_for_output("1/3 cells"));
        batch.signal(SIGTERM);
        const auto r = batch.wait();
        INFO(r.out << r.err);
        CHECK(r.exit_code == 128 + SIGTERM);
        CHECK_THAT(r.err, Contains("stopped (SIGTERM); the finished cells are kept"));
    }
    const summary s = read_summary(out / "summary.csv");
    CHECK(s.cells.at("hh1").at("status") == "ok");
    CHECK_THAT(s.cells.at("hh2").at("status"), Contains("stopped: interrupted"));
    CHECK_THAT(s.cells.at("hh3").at("status"), Contains("not run"));
    const auto hh1 = test::read_file(out / "hh1.json");

    const auto r = test::run_cellfit(args);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("1 finished before, 2 to fit"));
    CHECK(test::read_file(out / "hh1.json") == hh1);
    CHECK_THAT(test::read_file(out / "hh2.log"), Contains("resumed after"));
    // The resumed cell equals an uninterrupted fit.
    const fs::path alone = dir.path() / "alone.json";
    REQUIRE(test::run_cellfit("fit --config '" + hh_config.string() + "' --rounds 400 --threads 1 --seed 2 --callback "
                              "none --results '" + alone.string() + "'").exit_code == 0);
    CHECK(read_json(alone)["samples"] == read_json(out / "hh2.json")["samples"]);
}

#ifdef CELLFIT_TEST_MPI

TEST_CASE("mpirun -n 3 cellfit fit gives the samples of one process, with i, N and noise global", "[mpi][fit][cli]") {
    test::temp_dir dir;
    // The drive depends on the neuron's index and the population; the noise on the neuron's stream.
    write_text(dir.path() / "model.eqs",
               "dv/dt = (b*(i + 1.0)/N - v)/tau + sigma*xi*tau**-0.5 : volt\n"
               "b : volt (constant)\nsigma : volt (constant)\n");
    std::string output;
    for (int r = 0; r < 2; ++r) {
        for (int k = 0; k < 100; ++k) output += (k ? "," : "") + std::to_string(r + 0.05 * k);
        output += "\n";
    }
    write_text(dir.path() / "v.csv", output);
    const std::string flags = "--model '" + (dir.path() / "model.eqs").string() + "' --const tau=5*ms --dt 0.1*ms "
                              "--output v='" + (dir.path() / "v.csv").string() + "':mV --bound b=0*mV,20*mV "
                              "--bound sigma=0*mV,2*mV --method euler --samples 31 --rounds 4 --threads 1 --callback none "
                              "--optimizer pagmo.cmaes";
    const fs::path one = dir.path() / "one.json", three = dir.path() / "three.json";
    REQUIRE(test::run_cellfit("fit " + flags + " --results '" + one.string() + "'").exit_code == 0);
    const auto r = test::run_cellfit("fit " + flags + " --results '" + three.string() + "'", mpirun);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const auto a = read_json(one), b = read_json(three);
    REQUIRE(a["samples"].size() > 100);  // 4 rounds x 31 samples, less the points CMA-ES repeats
    CHECK(a["samples"] == b["samples"]);
    CHECK(a["best_params"] == b["best_params"]);
    // The output was printed once, by rank 0.
    CHECK(r.out.find("best error") == r.out.rfind("best error"));
}

TEST_CASE("mpirun -n 3 cellfit fit of the HH example, shares of uneven size, gives the samples of one process", "[mpi][fit][cli]") {
    // exp in the model: a neuron must take the same (vector) code path
    // whatever its place in its share of 21 or 20 samples x 5 traces.
    test::temp_dir dir;
    const std::string flags = "fit --config '" + hh_config.string() + "' --samples 61 --rounds 5 --callback none "
                              "--results ";
    const fs::path one = dir.path() / "one.json", three = dir.path() / "three.json", threads = dir.path() / "t.json";
    REQUIRE(test::run_cellfit(flags + "'" + one.string() + "' --threads 1").exit_code == 0);
    REQUIRE(test::run_cellfit(flags + "'" + three.string() + "' --threads 1", mpirun).exit_code == 0);
    REQUIRE(test::run_cellfit(flags + "'" + threads.string() + "' --threads 2").exit_code == 0);
    const auto a = read_json(one);
    REQUIRE(a["samples"].size() > 250);  // 5 rounds x 61, less the points CMA-ES repeats
    CHECK(a["samples"] == read_json(three)["samples"]);
    CHECK(a["samples"] == read_json(threads)["samples"]);
}

TEST_CASE("mpirun -n 3 cellfit fit with multistart spreads the starts over the ranks and gives the samples of one process",
          "[mpi][fit][cli][multistart]") {
    // Rounds of 30 samples in starts of 10: a start per rank; 31 in the
    // screen (shares of 11, 10 and 10), then 4 (two ranks with one, one with two).
    test::temp_dir dir;
    const auto flags = [&](const char* samples, const fs::path& results) {
        return "fit --config '" + hh_config.string() + "' --optimizer multistart --opt start_samples=" +
               std::string(samples) + " --samples 31 --rounds 4 --callback none --threads 1 --results '" +
               results.string() + "'";
    };
    for (const char* start_samples : {"10", "7"}) {
        INFO("start_samples " << start_samples);
        const fs::path one = dir.path() / "one.json", three = dir.path() / "three.json";
        REQUIRE(test::run_cellfit(flags(start_samples, one)).exit_code == 0);
        const auto r = test::run_cellfit(flags(start_samples, three), mpirun);
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        const auto a = read_json(one);
        REQUIRE(a["samples"].size() > 31);
        CHECK(a["samples"] == read_json(three)["samples"]);
        CHECK(a["fit"]["optimizer"]["name"] == "multistart");
    }
}

TEST_CASE("mpirun -n 3 cellfit batch gives the results of one process and records a failing cell", "[mpi][batch][cli]") {
    test::temp_dir dir;
    write_passive_cell(dir.path(), "a", 10e-9, 200e-12);
    write_passive_cell(dir.path(), "b", 20e-9, 100e-12);
    write_text(dir.path() / "cells.csv", "name,input,output,seed\n"
                                         "a,I=a_in.csv:nA,v=a_v.csv:mV,1\n"
                                         "broken,I=a_in.csv:nA,v=none.csv:mV,2\n"
                                         "b,I=b_in.csv:nA,v=b_v.csv:mV,3\n"
                                         "a2,I=a_in.csv:nA,v=a_v.csv:mV,4\n");
    const std::string args = "batch --manifest '" + (dir.path() / "cells.csv").string() + "' " +
                             passive_shared_flags(dir.path()) + " --out ";
    const auto one = test::run_cellfit(args + "'" + (dir.path() / "one").string() + "'");
    const auto three = test::run_cellfit(args + "'" + (dir.path() / "three").string() + "'", mpirun);
    INFO(one.out << one.err << three.out << three.err);
    CHECK(one.exit_code == 1);
    CHECK_THAT(three.out, Contains("over 3 MPI ranks") && Contains("3 of 4 cells fitted, 1 failed"));
    const summary s1 = read_summary(dir.path() / "one" / "summary.csv");
    const summary s3 = read_summary(dir.path() / "three" / "summary.csv");
    CHECK(s3.order == s1.order);
    CHECK_THAT(s3.cells.at("broken").at("status"), Contains("failed: cannot read") && Contains("none.csv"));
    for (const char* cell : {"a", "b", "a2"}) {
        INFO(cell);
        CHECK(s3.cells.at(cell).at("status") == "ok");
        CHECK(s3.cells.at(cell).at("gl (siemens)") == s1.cells.at(cell).at("gl (siemens)"));
        CHECK(read_json(dir.path() / "one" / (std::string(cell) + ".json"))["samples"] ==
              read_json(dir.path() / "three" / (std::string(cell) + ".json"))["samples"]);
    }
}

TEST_CASE("SIGTERM to mpirun stops a batch on every rank after the cells in flight, losing nothing finished", "[mpi][batch][interrupt]") {
    test::temp_dir dir;
    std::string manifest = "name,seed\n";
    for (int c = 1; c <= 10; ++c) manifest += "hh" + std::to_string(c) + "," + std::to_string(c) + "\n";
    write_text(dir.path() / "cells.csv", manifest);
    const fs::path out = dir.path() / "out";
    const std::string args = "batch --manifest '" + (dir.path() / "cells.csv").string() + "' --out '" + out.string() +
                             "' --config '" + hh_config.string() + "' --threads 1 --rounds ";
    {
        test::background_cellfit batch(args + "200", "env " + mpirun);
        REQUIRE(batch.wait_for_output("1/10 cells"));
        batch.signal(SIGTERM);
        const auto r = batch.wait();
        INFO(r.out << r.err);
        CHECK_THAT(r.out, Contains("not finished"));
    }
    const summary s = read_summary(out / "summary.csv");
    std::size_t ok = 0, stopped = 0, not_run = 0;
    for (const auto& [cell, row] : s.cells) {
        const std::string& status = row.at("status");
        ok += status == "ok";
        stopped += status.starts_with("stopped");
        not_run += status.starts_with("not run");
        if (status == "ok" || status.starts_with("stopped")) CHECK(fs::exists(out / (cell + ".json")));
    }
    CHECK(ok >= 1);
    CHECK(stopped >= 1);  // the cells in flight on the ranks, resumable
    CHECK(not_run >= 1);  // nothing started after the signal
    CHECK(ok + stopped + not_run == 10);
    // Again, with fewer rounds for the cells not started (a resumed cell keeps its planned rounds).
    const auto r = test::run_cellfit(args + "20", mpirun);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains(std::to_string(ok) + " finished before"));
    const summary after = read_summary(out / "summary.csv");
    for (const auto& [cell, row] : after.cells) CHECK(row.at("status") == "ok");
}

#endif
