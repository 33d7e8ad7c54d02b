#include "reference.hpp"

#include <cellfit/io/csv.hpp>
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::string quoted(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

const nlohmann::json* find_plugin(const nlohmann::json& listing, const std::string& full_name) {
    for (const auto& p : listing.at("plugins"))
        if (p.at("full_name") == full_name) return &p;
    return nullptr;
}

std::filesystem::path write_config(const test::temp_dir& dir, const std::string& text) {
    auto file = dir.path() / "cellfit.ini";
    std::ofstream(file) << text;
    return file;
}

} // namespace

TEST_CASE("cellfit --version and help exit 0", "[cli]") {
    auto r = test::run_cellfit("--version");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, StartsWith("cellfit 0.") && Contains("plugin ABI"));

    r = test::run_cellfit("help");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("plugins") && Contains("Exit codes"));

    for (const char* args : {"help plugins", "plugins --help", "plugins -h"}) {
        r = test::run_cellfit(args);
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Contains("Usage: cellfit plugins") && Contains("--kind") && Contains("--config"));
    }
}

TEST_CASE("bad usage exits 2 with a message that points to the help", "[cli]") {
    auto r = test::run_cellfit("");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("Usage: cellfit <command>"));

    r = test::run_cellfit("plugin");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("unknown command 'plugin'") && Contains("did you mean 'plugins'"));

    r = test::run_cellfit("plugins --bogus");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("cellfit plugins: error:") && Contains("--bogus") &&
                          Contains("Run 'cellfit help plugins'"));

    r = test::run_cellfit("plugins --kind optimiser");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("did you mean 'optimizer'"));

    r = test::run_cellfit("plugins --kind");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("'--kind' is missing") && Contains("Run 'cellfit help plugins'"));

    r = test::run_cellfit("plugins --plugin-dir /no/such/folder");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("--plugin-dir /no/such/folder does not exist"));

    r = test::run_cellfit("help nothing");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("unknown command 'nothing'") && Contains("run 'cellfit help' for the list"));
}

TEST_CASE("cellfit plugins --json lists optimizer.random with its options", "[cli]") {
    const auto r = test::run_cellfit("plugins --json");
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    const auto listing = nlohmann::json::parse(r.out);
    const auto* random = find_plugin(listing, "optimizer.random");
    REQUIRE(random);
    CHECK(random->at("kind") == "optimizer");
    CHECK(random->at("name") == "random");
    CHECK_FALSE(random->at("version").get<std::string>().empty());
    CHECK_FALSE(random->at("description").get<std::string>().empty());
    const auto& option = random->at("options").at(0);
    CHECK(option.at("name") == "sampling");
    CHECK(option.at("type") == "string");
    CHECK(option.at("default") == "uniform");
    CHECK(option.at("choices") == nlohmann::json{"uniform", "lhs", "sobol"});
    CHECK(listing.at("diagnostics").empty());
}

TEST_CASE("cellfit plugins filters by kind and prints text", "[cli]") {
    auto r = test::run_cellfit("plugins");
    CHECK(r.exit_code == 0);
    // Names only, by kind, with the way to the details.
    CHECK_THAT(r.out, StartsWith("optimizer: ") && Contains(" random") && Contains("\nmetric: features, gamma, mse\n") &&
                          Contains("--details"));
    CHECK_THAT(r.out, !Contains("sampling") && !Contains("library:"));
    r = test::run_cellfit("plugins --details");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("optimizer.random") && Contains("sampling") && Contains("library:"));

    r = test::run_cellfit("plugins --kind metric --details");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("metric.mse") && Contains("metric.gamma"));
    CHECK_THAT(r.out, !Contains("optimizer.random"));
    r = test::run_cellfit("plugins --kind metric");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, StartsWith("metric: features, gamma, mse\n"));
}

TEST_CASE("CELLFIT_PLUGIN_PATH is searched before --plugin-dir, and the first plugin wins", "[cli]") {
    const auto r = test::run_cellfit("plugins --json --plugin-dir " + quoted(test::fixtures / "dup_first"),
                                     "CELLFIT_PLUGIN_PATH=" + quoted(test::fixtures / "dup_second"));
    REQUIRE(r.exit_code == 0);
    const auto listing = nlohmann::json::parse(r.out);
    const auto* dup = find_plugin(listing, "optimizer.fixture.dup");
    REQUIRE(dup);
    CHECK(dup->at("description") == "copy B");
    CHECK(find_plugin(listing, "optimizer.random"));  // the build folder comes first of all
    CHECK_THAT(r.err, Contains("warning") && Contains("dup_first") && Contains("dup_second"));
}

TEST_CASE("broken libraries are reported and the others still listed", "[cli]") {
    const auto r = test::run_cellfit("plugins --details --plugin-dir " + quoted(test::fixtures / "mixed"));
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("optimizer.fixture.survivor") && Contains("optimizer.random"));
    CHECK_THAT(r.err, Contains("libgarbage.so") && Contains("lacks the entry point") && Contains("plugin ABI"));
}

TEST_CASE("options come from an INI file, and the command line wins", "[cli]") {
    test::temp_dir dir;
    auto config = write_config(dir, "# listing settings\nkind = metric\n\n[plugins]\njson = true\n");
    auto r = test::run_cellfit("plugins --config " + quoted(config));
    CHECK(r.exit_code == 0);
    const auto from_file = nlohmann::json::parse(r.out);  // json = true from the section
    REQUIRE_FALSE(from_file.at("plugins").empty());
    for (const auto& p : from_file.at("plugins")) CHECK(p.at("kind") == "metric");  // kind = metric

    r = test::run_cellfit("plugins --kind optimizer --config " + quoted(config));
    CHECK(r.exit_code == 0);
    CHECK(find_plugin(nlohmann::json::parse(r.out), "optimizer.random"));

    config = write_config(dir, "plugin-dir = " + (test::fixtures / "multi").string() + "\njson = 1\n");
    r = test::run_cellfit("plugins --config " + quoted(config));
    CHECK(r.exit_code == 0);
    CHECK(find_plugin(nlohmann::json::parse(r.out), "optimizer.fixture.echo"));
}

TEST_CASE("a bad config file exits 2 naming the file and line", "[cli]") {
    test::temp_dir dir;
    auto config = write_config(dir, "json = true\nknd = metric\n");
    auto r = test::run_cellfit("plugins --config " + quoted(config));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(config.string() + ":2") && Contains("did you mean 'kind'"));

    config = write_config(dir, "[nosuchcommand]\nkind = metric\n");
    r = test::run_cellfit("plugins --config " + quoted(config));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("unknown section [nosuchcommand]"));

    config = write_config(dir, "just some words\n");
    r = test::run_cellfit("plugins --config " + quoted(config));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(":1") && Contains("key = value"));

    r = test::run_cellfit("plugins --config " + quoted(dir.path() / "missing.ini"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("missing.ini") && Contains("no such file"));
}

TEST_CASE("cellfit check prints the summary of a model, as text or JSON", "[cli][check]") {
    test::temp_dir dir;
    const auto model = dir.path() / "lif.eqs";
    std::ofstream(model) << "dv/dt = (El - v + R*I)/tau : volt (unless refractory)\nI = I_in(t, i) : amp\n";
    const std::string flags = " --const El=-65*mV --const R=100*Mohm --const tau=10*ms --timed-array I_in:amp"
                              " --threshold 'v > -50*mV' --reset 'v = El' --refractory 5*ms --output v";
    auto r = test::run_cellfit("check --model " + quoted(model) + flags);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("v : volt (unless refractory)") && Contains("refractory: 5 ms") &&
                          Contains("timed array: I_in(t, i) : amp") && Contains("tau = 10 ms"));
    r = test::run_cellfit("check --json --model " + quoted(model) + flags);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j.at("state_variables").at(0).at("name") == "v");
    CHECK(j.at("state_variables").at(0).at("unit") == "volt");
    CHECK(j.at("subexpressions").at(0).at("depends_on") == nlohmann::json{"t", "i", "I_in"});
    CHECK(j.at("refractory") == "5 ms");
}

TEST_CASE("cellfit check reports a located error and exits 2", "[cli][check]") {
    test::temp_dir dir;
    const auto model = dir.path() / "bad.eqs";
    std::ofstream(model) << "# a model\ndv/dt = exp(v)/tau : volt\n";
    auto r = test::run_cellfit("check --model " + quoted(model) + " --const tau=10*ms");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(model.string() + ":2:13:") && Contains("must be dimensionless") &&
                          Contains("dv/dt = exp(v)/tau : volt") && Contains("^"));

    r = test::run_cellfit("check --model " + quoted(dir.path() / "none.eqs"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("cannot read the model file"));
    r = test::run_cellfit("check");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("--model FILE is required"));
    std::ofstream(model) << "dv/dt = -v/tau : volt\n";
    r = test::run_cellfit("check --model " + quoted(model) + " --const tau");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("expected NAME=VALUE"));
    r = test::run_cellfit("check --model " + quoted(model) + " --const tau=10*ms --method eulr");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("did you mean 'euler'"));
    r = test::run_cellfit("check --model " + quoted(model) + " --const tau=10*ms --output w");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("--output w") && Contains("choose from v"));
}

namespace {

std::string shell_quote(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

} // namespace

TEST_CASE("cellfit check gives a located error for every line Brian rejects", "[cli][check][reference]") {
    test::temp_dir dir;
    const auto model = dir.path() / "model.eqs";
    std::size_t checked = 0;
    for (const auto& line : test::read_json_lines(test::reference_dir() / "syntax" / "reject.txt")) {
        if (line.contains("method")) continue;  // decided by the integrators
        std::ofstream(model) << line.at("eq").get<std::string>();
        std::string args = "check --model " + quoted(model);
        for (const auto& [name, value] : line.at("namespace").items())
            args += " --const " + shell_quote(name + "=" + value.get<std::string>());
        for (const char* flag : {"threshold", "reset", "refractory"})
            if (line.contains(flag)) args += std::string(" --") + flag + " " + shell_quote(line.at(flag).get<std::string>());
        const auto r = test::run_cellfit(args);
        INFO(line.dump() << "\n" << r.err);
        CHECK(r.exit_code == 2);
        // origin:line:column: message, then the line and a caret.
        const bool located = r.err.find(model.string() + ":") != std::string::npos ||
                             r.err.find("--threshold:1:") != std::string::npos ||
                             r.err.find("--reset:1:") != std::string::npos ||
                             r.err.find("--refractory:1:") != std::string::npos;
        CHECK(located);
        CHECK(r.err.find("^") != std::string::npos);
        ++checked;
    }
    CHECK(checked == 41);
}

namespace {

// The model flags of a reference case's model.json, as a user types them.
std::string model_flags(const nlohmann::json& m, const std::filesystem::path& model_file) {
    std::string args = " --model " + quoted(model_file);
    for (const auto& [name, value] : m.at("namespace").items())
        args += " --const " + shell_quote(name + "=" + value.get<std::string>());
    for (const char* flag : {"threshold", "reset", "refractory", "method"})
        if (!m.at(flag).is_null()) args += std::string(" --") + flag + " " + shell_quote(m.at(flag).get<std::string>());
    return args;
}

// Runs a reference case through `cellfit simulate` and compares its files
// with Brian's; true when the case has spikes to compare.
bool simulate_case_from_the_command_line(const std::filesystem::path& cs, const std::string& backend,
                                         const test::temp_dir& dir) {
    const auto m = test::read_json(cs / "model.json");
    INFO("case " << cs.filename().string() << ", backend " << backend);
    const auto model_file = dir.path() / "model.eqs";
    std::ofstream(model_file) << m.at("equations").get<std::string>();
    // A prefix of its own per run: a file an earlier run left cannot pass for this one's.
    const auto out = dir.path() / (cs.filename().string() + "-" + backend);
    std::string args = "simulate --backend " + backend + model_flags(m, model_file) + " --out " + quoted(out);
    auto joined = [](const nlohmann::json& v) {
        if (!v.is_array()) return v.get<std::string>();
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : ",") + x.get<std::string>();
        return s;
    };
    for (const auto& [name, value] : m.at("params").items()) args += " --param " + shell_quote(name + "=" + joined(value));
    for (const auto& [name, value] : m.at("init").items()) args += " --init " + shell_quote(name + "=" + joined(value));
    if (!m.at("input_var").is_null())
        args += " --timed-array " + shell_quote(m.at("input_wiring").at("function").get<std::string>() + "=" +
                                                 (cs / "input.csv").string() + ":" + m.at("input_unit").get<std::string>());
    args += " --dt " + shell_quote(m.at("dt").get<std::string>()) + " --duration " +
            shell_quote(m.at("duration").get<std::string>()) + " --neurons " + std::to_string(m.at("n_neurons").get<int>());
    for (const auto& var : m.at("record")) args += " --record " + var.get<std::string>();
    const auto r = test::run_cellfit(args);
    INFO(args << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("with " + m.at("method_chosen_by_brian2").get<std::string>() + " (" +
                               (backend == "interp" ? "interpreter" : "compiled") + ")"));
    for (const auto& var : m.at("record")) {
        const auto ours = cellfit::read_csv(out.string() + "_" + var.get<std::string>() + ".csv").rows;
        const auto brian = cellfit::read_csv(cs / ("out_" + var.get<std::string>() + ".csv")).rows;
        REQUIRE(ours.size() == brian.size());
        double lo = INFINITY, hi = -INFINITY, worst = 0;
        for (const auto& row : brian)
            for (double x : row) lo = std::min(lo, x), hi = std::max(hi, x);
        for (std::size_t n = 0; n < brian.size(); ++n) {
            REQUIRE(ours[n].size() == brian[n].size());
            for (std::size_t k = 0; k < brian[n].size(); ++k)
                worst = std::max(worst, std::abs(ours[n][k] - brian[n][k]) / std::max(hi - lo, 1e-300));
        }
        INFO(var << ": worst deviation " << worst << " of the range");
        CHECK(worst <= m.value("trace_tolerance", 1e-7));
    }
    if (m.at("threshold").is_null()) return false;
    REQUIRE(std::filesystem::exists(cs / "spike_steps.csv"));
    REQUIRE(std::filesystem::exists(out.string() + "_spike_steps.csv"));
    CHECK(test::read_file(out.string() + "_spike_steps.csv") == test::read_file(cs / "spike_steps.csv"));
    return true;
}

} // namespace

TEST_CASE("cellfit simulate reproduces every reference case from its model.json, on both backends",
          "[cli][simulate][reference][cases]") {
    test::temp_dir dir;
    std::size_t runs = 0, spike_cases = 0;
    for (const char* backend : {"compiled", "interp"})
        for (const auto& cs : test::reference_cases()) {
            spike_cases += simulate_case_from_the_command_line(cs, backend, dir);
            ++runs;
        }
    CHECK(runs == 2 * test::expected_reference_cases.size());
    CHECK(spike_cases == 2 * 6);
}

TEST_CASE("cellfit check and simulate accept the project's Brian 2 examples and reproduce them",
          "[cli][simulate][check][reference]") {
    test::temp_dir dir;
    std::size_t runs = 0, spike_cases = 0;
    for (const auto& cs : test::project_cases()) {
        const auto m = test::read_json(cs / "model.json");
        INFO("case " << cs.filename().string());
        const auto model_file = dir.path() / "model.eqs";
        std::ofstream(model_file) << m.at("equations").get<std::string>();
        const auto r = test::run_cellfit("check" + model_flags(m, model_file));
        INFO(r.err);
        CHECK(r.exit_code == 0);
        for (const char* backend : {"compiled", "interp"}) {
            spike_cases += simulate_case_from_the_command_line(cs, backend, dir);
            ++runs;
        }
    }
    CHECK(runs == 2 * test::expected_project_cases.size());
    CHECK(spike_cases == 2 * 4);
}

TEST_CASE("cellfit simulate rejects bad setups with exit code 2", "[cli][simulate]") {
    test::temp_dir dir;
    const auto model = dir.path() / "m.eqs";
    std::ofstream(model) << "dv/dt = (El - v)/tau : volt\ntau : second\n";
    const std::string base = "simulate --model " + quoted(model) + " --const El=-65*mV";
    auto r = test::run_cellfit(base + " --param tau=10*ms");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("--duration"));
    r = test::run_cellfit(base + " --param tau=10*mV --duration 1*ms");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("has unit volt, but tau has unit second"));
    r = test::run_cellfit(base + " --param tau=10*ms,20*ms --neurons 3 --duration 1*ms");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("one for all neurons or one per neuron"));
    r = test::run_cellfit(base + " --param tau=10*ms --duration 1*ms --method exponential_eulr");
    CHECK(r.exit_code == 2);
    // Only the methods an installed integrator runs are offered (not Brian's linear).
    CHECK_THAT(r.err, Contains("'exponential_eulr' (--method") && Contains("did you mean 'exponential_euler'") &&
                          Contains("installed: euler, exact, exponential_euler, heun, milstein, rk2, rk4\n"));
    r = test::run_cellfit(base + " --param tau=10*ms --duration 1*ms --record w");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("cannot record 'w'"));
    r = test::run_cellfit(base + " --param tau=10*ms --duration 1*ms --init " + shell_quote("v=-65*mV,clip(El,El,El)") + " --record v");
    CHECK(r.exit_code == 0);  // a comma inside parentheses belongs to the expression: two neurons
    CHECK_THAT(r.out, Contains("simulated 2 neurons"));
    std::ofstream(dir.path() / "bad.csv") << "1,2,3\n4,x,6\n";
    r = test::run_cellfit(base + " --param tau=10*ms --input I=" + (dir.path() / "bad.csv").string() + ":nA");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("bad.csv:2:3: expected a number, found 'x'"));
}

TEST_CASE("cellfit simulate --backend takes any backend plugin, and cellfit plugins lists them", "[cli][simulate][backend]") {
    auto r = test::run_cellfit("plugins --kind backend --details --plugin-dir " + quoted(test::fixtures / "backend"));
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("backend.compiled") && Contains("backend.interp") && Contains("backend.fixture.scalar"));
    test::temp_dir dir;
    const auto model = dir.path() / "m.eqs";
    std::ofstream(model) << "dv/dt = (El - v)/tau : volt\ntau : second\n";
    const std::string base = "simulate --model " + quoted(model) + " --const El=-65*mV --param tau=10*ms --duration 10*ms"
                             " --init v=-55*mV --record v --out " + quoted(dir.path() / "out");
    r = test::run_cellfit(base + " --backend fixture.scalar --plugin-dir " + quoted(test::fixtures / "backend"));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("with exact (fixture.scalar)"));
    // Exact: v relaxes from -55 mV to El with tau = 10 ms; row 0, the last of 100 steps (t = 9.9 ms).
    const auto v = cellfit::read_csv(dir.path() / "out_v.csv").rows.at(0);
    CHECK(v.back() == Approx(-65e-3 + 10e-3 * std::exp(-9.9 / 10)).epsilon(1e-12));
    r = test::run_cellfit(base + " --backend gpu");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("no backend plugin named 'gpu'") && Contains("available: compiled, interp"));
}

TEST_CASE("cellfit check asks the integrators: a method that cannot integrate the model exits 2, none names Brian's "
          "choice",
          "[cli][check][integrators]") {
    test::temp_dir dir;
    const auto model = dir.path() / "model.eqs";
    std::ofstream(model) << "dx/dt = -x/tau + x**2/tau2 : 1\n";
    const std::string base = "check --model " + quoted(model) + " --const tau=10*ms --const tau2=20*ms";
    auto r = test::run_cellfit(base + " --method exponential_euler");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("the term 'x**2/tau2' is a power of x other than the first") &&
                          Contains("Methods that can: euler, heun, milstein, rk2, rk4"));
    r = test::run_cellfit(base + " --json");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j.at("method") == "euler");
    CHECK(j.at("method_is_default") == true);
    r = test::run_cellfit(base + " --method rk4");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("method: rk4\n"));
}

TEST_CASE("counts and durations are checked up front: no sign, no overflow, no more memory than the machine has",
          "[cli]") {
    test::temp_dir dir;
    const auto model = dir.path() / "model.eqs";
    std::ofstream(model) << "dv/dt = -v/(10*ms) : volt\n";
    const std::string simulate = "simulate --model " + quoted(model) + " --duration 1*ms";
    for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
             {" --neurons -5", "'-5' for the option '--neurons' is not a whole number"},
             {" --neurons 18446744073709551615", "--neurons 18446744073709551615: give a whole number from 1 to"},
             {" --neurons 18446744073709551616", "is too large"},
             {" --neurons 0", "--neurons 0: give a whole number from 1"},
             {" --neurons 2.5", "is not a whole number"},
             {" --threads -1", "'-1' for the option '--threads' is not a whole number"}}) {
        const auto r = test::run_cellfit(simulate + args);
        INFO(args << "\n" << r.err);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Contains(message));
    }
    auto r = test::run_cellfit("simulate --model " + quoted(model) + " --duration 1e30*second");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("give from 1 to 1e12 steps"));
    r = test::run_cellfit("simulate --model " + quoted(model) + " --duration 100*second --neurons 1000000000 --record v");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("this run needs") && Contains("GiB to keep the recorded values") &&
                          Contains("and the machine has") && Contains("record fewer variables"));
    const auto fit_model = dir.path() / "fit.eqs", recording = dir.path() / "v.csv";
    std::ofstream(fit_model) << "dv/dt = -v/tau : volt\ntau : second (constant)\n";
    std::ofstream(recording) << "0,0,0,0,0,0,0,0,0,0\n";
    for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
             {" --rounds -1", "'-1' for the option '--rounds' is not a whole number"},
             {" --rounds 0", "--rounds 0: give a whole number from 1"},
             {" --samples 0", "--samples 0: give a whole number from 1"},
             {" --samples 99999999999", "--samples 99999999999: give a whole number from 1 to 10000000"}}) {
        r = test::run_cellfit("fit --model " + quoted(fit_model) + " --dt 0.1*ms --output v=" + quoted(recording) +
                              ":mV --bound tau=1*ms,10*ms" + args);
        INFO(args << "\n" << r.err);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Contains(message));
    }
}

TEST_CASE("a broken plugin library disturbs only the commands that use its kind, and cellfit plugins reports it",
          "[cli][registry]") {
    test::temp_dir dir;
    const auto model = dir.path() / "model.eqs";
    std::ofstream(model) << "dv/dt = -v/(10*ms) : volt\n";
    const std::string broken = " --plugin-dir " + quoted(test::fixtures / "broken");
    auto r = test::run_cellfit("simulate --model " + quoted(model) + " --duration 1*ms" + broken);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    r = test::run_cellfit("check --model " + quoted(model) + broken);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    r = test::run_cellfit("plugins" + broken);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Contains("throwing_int") && Contains("entry_function") && Contains("entry_null"));
}
