// The optimizer a fit runs when none is named: chosen from the budget,
// printed, recorded in the results file, and kept by --resume whatever the
// rounds added.

#include "test_support.hpp"

#include <cellfit/fit/optimizer_choice.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using Catch::Matchers::Contains;

TEST_CASE("The optimizer is chosen from samples per round, rounds, parameters and the error", "[fit][optimizer]") {
    using options = std::vector<std::pair<std::string, std::string>>;
    using cellfit::error_shape;
    const auto smooth = error_shape::smooth, stepwise = error_shape::stepwise, residuals = error_shape::residuals;
    const auto de = cellfit::choose_optimizer(60, 10, 4, false, smooth);
    CHECK(de.name == "pagmo.de");
    CHECK(de.options == options{{"variant", "3"}, {"F", "0.5"}});
    CHECK_THAT(de.reason, Contains("60 samples x 10 rounds, 4 parameters"));
    CHECK(cellfit::choose_optimizer(20, 30, 5, false, smooth).name == "pagmo.de");
    CHECK(cellfit::choose_optimizer(20, 30, 7, false, smooth).name == "pagmo.cmaes");  // under 3 samples per parameter
    CHECK(cellfit::choose_optimizer(8, 75, 2, false, stepwise).name == "pagmo.cmaes");  // rounds of under 10
    CHECK(cellfit::choose_optimizer(60, 31, 4, false, smooth).name == "pagmo.cmaes");  // many rounds, smooth error
    CHECK(cellfit::choose_optimizer(60, 100, 5, false, stepwise).name == "pagmo.de");  // many rounds, stepwise error
    CHECK(cellfit::choose_optimizer(60, 10, 4, true, residuals).name == "pagmo.nsga2");
    // The edges: 10 samples a round, 3 per parameter, 30 rounds.
    CHECK(cellfit::choose_optimizer(10, 10, 3, false, smooth).name == "pagmo.de");
    CHECK(cellfit::choose_optimizer(9, 10, 3, false, smooth).name == "pagmo.cmaes");
    CHECK(cellfit::choose_optimizer(15, 10, 5, false, smooth).name == "pagmo.de");
    CHECK(cellfit::choose_optimizer(14, 10, 5, false, smooth).name == "pagmo.cmaes");
    CHECK(cellfit::choose_optimizer(60, 30, 4, false, smooth).name == "pagmo.de");
    // Squared residuals: multistart from 2 x (parameters + 1) samples a
    // round and 2 rounds (a screen and descents), at any number of rounds.
    const auto ms = cellfit::choose_optimizer(60, 10, 4, false, residuals);
    CHECK(ms.name == "multistart");
    CHECK(ms.options.empty());
    CHECK(cellfit::choose_optimizer(10, 2, 4, false, residuals).name == "multistart");
    CHECK(cellfit::choose_optimizer(60, 500, 4, false, residuals).name == "multistart");
    CHECK(cellfit::choose_optimizer(9, 10, 4, false, residuals).name == "pagmo.cmaes");
    CHECK(cellfit::choose_optimizer(60, 1, 4, false, residuals).name == "pagmo.de");
    using traits = cellfit::fit_error_traits;
    CHECK(cellfit::error_shape_of(traits{}, {}) == residuals);
    CHECK(cellfit::error_shape_of(traits{}, {"mse", "metric.mse"}) == residuals);
    CHECK(cellfit::error_shape_of(traits{.has_penalty = true}, {"mse"}) == smooth);  // a penalty is not a residual
    CHECK(cellfit::error_shape_of(traits{.online = true}, {"mse"}) == smooth);       // no traces kept
    CHECK(cellfit::error_shape_of(traits{.reads_neuron_index = true}, {}) == smooth);
    CHECK(cellfit::error_shape_of(traits{}, {"mse", "my_metric"}) == smooth);
    CHECK(cellfit::error_shape_of(traits{}, {"metric.gamma"}) == stepwise);
    CHECK(cellfit::error_shape_of(traits{}, {"mse", "metric.features"}) == stepwise);
    CHECK(cellfit::error_shape_of(traits{.spike_fit = true}, {"gamma"}) == stepwise);
    CHECK(cellfit::merge_options({{"variant", "3"}, {"F", "0.6"}}, {{"F", "0.5"}, {"CR", "0.7"}}) ==
          options{{"variant", "3"}, {"F", "0.5"}, {"CR", "0.7"}});
}

TEST_CASE("cellfit fit prints and records the optimizer it chose, and a resumed fit keeps it", "[fit][optimizer][cli]") {
    test::temp_dir dir;
    const auto hh = test::source_root.parent_path() / "shared" / "data" / "hh";
    const std::string flags =
        "--model '" + (test::source_root / "examples/models/hh_traub.eqs").string() +
        "' --const El=-65*mV --const EK=-90*mV --const ENa=50*mV --const VT=-63*mV --method exponential_euler "
        "--dt 0.01*ms --input I='" + (hh / "input_amp.csv").string() + "':amp --output v='" + (hh / "output_mV.csv").string() +
        "':mV --init v=VT --metric-opt t_start=0.005 --bound gl=1*nS,100*nS --bound g_na=2*uS,200*uS "
        "--bound g_kd=0.6*uS,60*uS --bound Cm=20*pF,400*pF --samples 60 --callback none --threads 1";
    const auto results = dir.path() / "r.json";
    // One round: no descent after multistart's screen, so differential evolution.
    const auto fit = test::run_cellfit("fit " + flags + " --rounds 1 --results '" + results.string() + "'");
    INFO(fit.err);
    REQUIRE(fit.exit_code == 0);
    CHECK_THAT(fit.out, Contains("optimizer: optimizer.pagmo.de (F = 0.5, CR = 0.9, variant = 3)"));
    CHECK_THAT(fit.out, Contains("chosen for 60 samples x 1 rounds, 4 parameters"));
    const auto recorded = nlohmann::json::parse(test::read_file(results))["fit"]["optimizer"];
    CHECK(recorded["name"] == "pagmo.de");
    CHECK(recorded["options"] == nlohmann::json::parse(R"([["variant", "3"], ["F", "0.5"]])"));

    // 40 more rounds would choose multistart for a fresh fit; the resumed one keeps DE.
    const auto resumed = test::run_cellfit("fit " + flags + " --rounds 40 --resume '" + results.string() + "'");
    INFO(resumed.err);
    REQUIRE(resumed.exit_code == 0);
    CHECK_THAT(resumed.out, Contains("optimizer: optimizer.pagmo.de (F = 0.5, CR = 0.9, variant = 3)"));
    CHECK(resumed.out.find("chosen for") == std::string::npos);
    CHECK(nlohmann::json::parse(test::read_file(results))["n_rounds"] == 41);
    // --opt without --optimizer on a resume applies over the recorded options: the same value is the same fit.
    const auto same = test::run_cellfit("fit " + flags + " --rounds 1 --opt F=0.5 --resume '" + results.string() + "'");
    INFO(same.err);
    CHECK(same.exit_code == 0);
    const auto other = test::run_cellfit("fit " + flags + " --rounds 1 --opt F=0.7 --resume '" + results.string() + "'");
    CHECK(other.exit_code == 2);
    CHECK_THAT(other.err, Contains("optimizer.options"));

    const auto fresh = test::run_cellfit("fit " + flags + " --rounds 3");
    INFO(fresh.err);
    CHECK(fresh.exit_code == 0);
    CHECK_THAT(fresh.out, Contains("optimizer: optimizer.multistart") && Contains("traces scored by mse"));
}

TEST_CASE("cellfit fit refuses --opt without --optimizer, naming the optimizer the budget chose", "[fit][optimizer][cli]") {
    const auto config = test::source_root / "examples/hh-traces/fit.ini";
    const auto r = test::run_cellfit("fit --config '" + config.string() + "' --optimizer '' --opt sigma0=0.3 --rounds 10");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("--opt sigma0=0.3 without --optimizer: the optimizer is chosen from the budget (here "
                               "multistart") && Contains("--optimizer multistart"));
}
