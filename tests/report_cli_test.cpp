// `cellfit report` and `cellfit fit --report`: the page a fit writes is the
// page its results file makes again on its own, from any folder; moved or
// changed data files are named, and the fit's flags (--config) replace them.

#include "test_support.hpp"

#include <cellfit/io/numbers.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

using Catch::Matchers::Contains;

namespace {

namespace fs = std::filesystem;

void write_text(const fs::path& file, const std::string& text) {
    std::ofstream out(file);
    out << text;
}

// A passive cell (gl = 20 nS, C = 200 pF) under two current steps, its
// exact solution as the recording, and an INI file of its fit.
struct passive_fit {
    test::temp_dir dir;
    fs::path ini() const { return dir.path() / "fit.ini"; }
    passive_fit() {
        std::string input, output;
        for (int r = 0; r < 2; ++r) {
            for (std::size_t k = 0; k < 200; ++k) {
                input += (k ? "," : "") + std::string(k >= 20 && k < 150 ? (r ? "0.3" : "0.1") : "0");
                output += (k ? "," : "") +
                          cellfit::format_number(1e3 * test::passive_membrane(-70e-3, 20e-9, 200e-12, r ? 0.3e-9 : 0.1e-9, 1e-4, 20, 150, k));
            }
            input += "\n";
            output += "\n";
        }
        fs::create_directories(dir.path() / "data");
        write_text(dir.path() / "data" / "in.csv", input);
        write_text(dir.path() / "data" / "v.csv", output);
        write_text(dir.path() / "cell.eqs", "dv/dt = (gl*(El - v) + I)/C : volt\ngl : siemens (constant)\nC : farad (constant)\n");
        write_text(ini(), "model = cell.eqs\nconst = El=-70*mV\ndt = 0.1*ms\ninit = v=El\ninput = I=data/in.csv:nA\n"
                          "output = v=data/v.csv:mV\nbound = gl=1*nS,100*nS,log\nbound = C=10*pF,500*pF\n"
                          "optimizer = pagmo.cmaes\nsamples = 20\nrounds = 8\nthreads = 1\nresults = r.json\n");
    }
};

} // namespace

TEST_CASE("cellfit report makes again, from the results file alone and from any folder, the page the fit wrote", "[report][cli]") {
    passive_fit fit;
    const auto& dir = fit.dir.path();
    const auto done = test::run_cellfit("fit --config '" + fit.ini().string() + "' --refine --callback none --report '" +
                                        (dir / "fit.html").string() + "'", "", dir);
    REQUIRE(done.exit_code == 0);
    CHECK_THAT(done.out, Contains("fit.html (the fit's report"));
    const std::string page = test::read_file(dir / "fit.html");
    CHECK_THAT(page, Contains("<title>r.json</title>"));
    CHECK_THAT(page, Contains("id=\"correlation\""));  // refined
    CHECK_THAT(page, Contains(">v (mV)</text>"));

    // From another folder, by a relative path: the default page is r.html beside it.
    fs::create_directories(dir / "elsewhere");
    const auto again = test::run_cellfit("report ../r.json", "", dir / "elsewhere");
    INFO(again.err);
    REQUIRE(again.exit_code == 0);
    CHECK(test::read_file(dir / "r.html") == page);

    // The fit's folder moved: its data are found beside the results file.
    fs::rename(dir, dir.string() + "-moved");
    const fs::path moved = dir.string() + "-moved";
    const auto after_move = test::run_cellfit("report '" + (moved / "r.json").string() + "' --out '" + (moved / "m.html").string() + "'");
    fs::rename(moved, dir);
    INFO(after_move.err);
    REQUIRE(after_move.exit_code == 0);
    CHECK(test::read_file(dir / "m.html") == page);
}

TEST_CASE("cellfit report names data files that moved or changed, and takes the fit's flags instead", "[report][cli]") {
    passive_fit fit;
    const auto& dir = fit.dir.path();
    REQUIRE(test::run_cellfit("fit --config fit.ini --callback none", "", dir).exit_code == 0);
    fs::create_directories(dir / "new");
    fs::rename(dir / "data" / "v.csv", dir / "new" / "v.csv");
    const auto missing = test::run_cellfit("report r.json", "", dir);
    CHECK(missing.exit_code == 2);
    CHECK_THAT(missing.err, Contains("--output v (data/v.csv): not found"));
    CHECK_THAT(missing.err, Contains("--config FILE.ini"));
    CHECK_FALSE(fs::exists(dir / "r.html"));

    // The fit's INI file with the file's new place: the page is drawn, without notes.
    const auto with_flags = test::run_cellfit("report r.json --config fit.ini --output v=new/v.csv:mV", "", dir);
    INFO(with_flags.err);
    REQUIRE(with_flags.exit_code == 0);
    CHECK(with_flags.err.find("note") == std::string::npos);
    CHECK(test::read_file(dir / "r.html").find("class=\"notes\"") == std::string::npos);

    // A changed recording is refused from the record, and noted when given.
    fs::rename(dir / "new" / "v.csv", dir / "data" / "v.csv");
    std::string text = test::read_file(dir / "data" / "v.csv");
    text[text.find('.') + 1] = text[text.find('.') + 1] == '9' ? '8' : '9';
    write_text(dir / "data" / "v.csv", text);
    const auto changed = test::run_cellfit("report r.json", "", dir);
    CHECK(changed.exit_code == 2);
    CHECK_THAT(changed.err, Contains("data/v.csv has changed since the fit"));
    const auto noted = test::run_cellfit("report --config fit.ini", "", dir);
    REQUIRE(noted.exit_code == 0);
    CHECK_THAT(noted.err, Contains("differs from the file the fit read"));
    CHECK_THAT(test::read_file(dir / "r.html"), Contains("differs from the file the fit read (its content hash differs); the page shows the data given"));
}

TEST_CASE("cellfit report refuses what it cannot draw, before any work", "[report][cli]") {
    passive_fit fit;
    const auto& dir = fit.dir.path();
    const auto bad_page = test::run_cellfit("fit --config fit.ini --callback none --report fit.json", "", dir);
    CHECK(bad_page.exit_code == 2);
    CHECK_THAT(bad_page.err, Contains("--report fit.json: the page's file name must end in .html"));
    CHECK_FALSE(fs::exists(dir / "r.json"));  // refused before the fit

    REQUIRE(test::run_cellfit("fit --config fit.ini --callback none --results r.csv --results r.json", "", dir).exit_code == 0);
    const auto csv = test::run_cellfit("report r.csv", "", dir);
    CHECK(csv.exit_code == 2);
    CHECK_THAT(csv.err, Contains("a CSV results file does not describe its fit"));
    const auto two = test::run_cellfit("report r.json r.json", "", dir);
    CHECK(two.exit_code == 2);
    CHECK_THAT(two.err, Contains("give one results file"));
    const auto out = test::run_cellfit("report r.json --out page.txt", "", dir);
    CHECK(out.exit_code == 2);
    CHECK_THAT(out.err, Contains("must end in .html"));

    // A damaged description: the file is named, and the flags are the way out.
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(test::read_file(dir / "r.json"));
    j["fit"]["model"].erase("text");
    write_text(dir / "damaged.json", j.dump());
    const auto damaged = test::run_cellfit("report damaged.json", "", dir);
    CHECK(damaged.exit_code == 2);
    CHECK_THAT(damaged.err, Contains("damaged.json: the fit's description (\"fit\") has no \"text\""));
    CHECK(test::run_cellfit("report damaged.json --config fit.ini", "", dir).exit_code == 0);
}

TEST_CASE("cellfit report draws a stochastic model's best traces with the fit's random draws", "[report][cli]") {
    passive_fit fit;
    const auto& dir = fit.dir.path();
    write_text(dir / "noisy.eqs", "dv/dt = (gl*(El - v) + I)/C + 0.5*mV*xi/sqrt(ms) : volt\ngl : siemens (constant)\nC : farad (constant)\n");
    const auto done = test::run_cellfit("fit --config fit.ini --model noisy.eqs --method euler --seed 7 --callback none --report fit.html",
                                        "", dir);
    INFO(done.err);
    REQUIRE(done.exit_code == 0);
    const auto again = test::run_cellfit("report r.json --out again.html", "", dir);
    REQUIRE(again.exit_code == 0);
    CHECK(test::read_file(dir / "again.html") == test::read_file(dir / "fit.html"));
}
