#include "test_support.hpp"

#include <cellfit/abi.hpp>
#include <cellfit/error.hpp>
#include <cellfit/optimizer.hpp>
#include <cellfit/registry.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>

using namespace cellfit;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const load_diagnostic* diagnostic_for(const plugin_registry& registry, const std::string& file_name) {
    for (const auto& d : registry.diagnostics())
        if (d.path.filename() == file_name) return &d;
    return nullptr;
}

} // namespace

TEST_CASE("the built-in folder provides optimizer.random with its options", "[registry]") {
    plugin_registry registry;
    registry.load_directory(test::builtin_plugins, true);
    CHECK(registry.diagnostics().empty());
    const auto* random = registry.find(plugin_kind::optimizer, "random");
    REQUIRE(random != nullptr);
    CHECK(random->info.full_name() == "optimizer.random");
    CHECK(random->library.filename() == "libcellfit-optimizer-random.so");
    REQUIRE(random->info.options.size() == 1);
    CHECK(random->info.options[0].name == "sampling");
}

TEST_CASE("one library provides several plugins, created with validated options", "[registry]") {
    plugin_registry registry;
    registry.load_directory(test::fixtures / "multi", true);
    CHECK(registry.plugins(plugin_kind::optimizer).size() == 2);
    CHECK(registry.plugins(plugin_kind::metric).empty());

    auto echo = registry.create<optimizer>("fixture.echo", {{"count", "3"}, {"flag", "yes"}, {"mode", "fast"}});
    REQUIRE(echo);
    CHECK(echo->initialize(test::box_setup(10, 1)) == 3);  // the plugin chose its population size
    CHECK(echo->recommend() == std::vector<double>{3.0, 0.25, 1.0, 1.0});

    CHECK_THROWS_AS(registry.create<optimizer>("fixture.echo", {{"count", "many"}}), option_error);
    CHECK_THROWS_WITH(registry.create<optimizer>("fixture.echo", {{"cuont", "2"}}),
                      Contains("did you mean 'count'") && Contains("valid options of optimizer.fixture.echo"));
}

TEST_CASE("an unknown plugin name suggests the closest and lists the rest", "[registry]") {
    plugin_registry registry;
    registry.load_directory(test::fixtures / "multi", true);
    CHECK_THROWS_AS(registry.create<optimizer>("fixture.ech"), input_error);
    CHECK_THROWS_WITH(registry.create<optimizer>("fixture.ech"),
                      Contains("no optimizer plugin named 'fixture.ech'") && Contains("did you mean 'fixture.echo'") &&
                          Contains("fixture.constant"));
}

TEST_CASE("objects keep their library alive after the registry is gone", "[registry]") {
    std::shared_ptr<optimizer> opt;
    {
        plugin_registry registry;
        registry.load_directory(test::builtin_plugins, true);
        opt = registry.create<optimizer>("random");
    }
    REQUIRE(opt->initialize(test::box_setup(5, 3)) == 5);
    CHECK(opt->ask(5).rows() == 5);  // calls code in the plugin library
}

TEST_CASE("an ABI mismatch is refused with the file and both versions", "[registry]") {
    plugin_registry registry;
    const auto file = test::fixtures / "mixed" / "libcellfit-optimizer-abi_mismatch.so";
    try {
        registry.load_library(file);
        FAIL("an ABI mismatch was accepted");
    } catch (const abi_mismatch& e) {
        CHECK(e.path() == file);
        CHECK(e.expected() == std::to_string(CELLFIT_ABI_VERSION) + "." + std::to_string(CELLFIT_ABI_MINOR) + " (" CELLFIT_ABI_TAG ")");
        CHECK(e.found() == std::to_string(CELLFIT_ABI_VERSION + 1) + ".0 (" CELLFIT_ABI_TAG ")");
        CHECK_THAT(e.what(), Contains(file.string()) && Contains("rebuild the plugin"));
    }
}

TEST_CASE("a library without the entry point is reported with its path", "[registry]") {
    plugin_registry registry;
    const auto file = test::fixtures / "mixed" / "libfixture-no-entry.so";
    CHECK_THROWS_AS(registry.load_library(file), plugin_error);
    CHECK_THROWS_WITH(registry.load_library(file),
                      Contains(file.string()) && Contains("lacks the entry point 'cellfit_plugin_entry'"));
}

TEST_CASE("files that are not libraries are reported with the loader's reason", "[registry]") {
    plugin_registry registry;
    for (const char* name : {"libgarbage.so", "libempty.so"}) {
        const auto file = test::fixtures / "mixed" / name;
        CHECK_THROWS_WITH(registry.load_library(file), Contains(file.string()) && Contains("cannot be loaded"));
    }
    CHECK_THROWS_WITH(registry.load_library(test::fixtures / "mixed" / "libmissing.so"),
                      Contains("cannot be loaded"));
}

TEST_CASE("a folder of broken libraries reports each one and loads the rest", "[registry]") {
    plugin_registry registry;
    REQUIRE_NOTHROW(registry.load_directory(test::fixtures / "mixed", true));

    // The one good plugin of a library with two broken ones loads.
    CHECK(registry.find(plugin_kind::optimizer, "fixture.survivor") != nullptr);
    CHECK(registry.find(plugin_kind::optimizer, "fixture.baddefault") == nullptr);
    CHECK(registry.plugins().size() == 1);

    const auto* abi = diagnostic_for(registry, "libcellfit-optimizer-abi_mismatch.so");
    REQUIRE(abi);
    CHECK(abi->level == load_diagnostic::severity::error);
    CHECK_THAT(abi->message, Contains("plugin ABI"));
    const auto* garbage = diagnostic_for(registry, "libgarbage.so");
    REQUIRE(garbage);
    CHECK_THAT(garbage->message, Contains("cannot be loaded"));
    REQUIRE(diagnostic_for(registry, "libempty.so"));
    REQUIRE(diagnostic_for(registry, "libfixture-no-entry.so"));
    const auto* throwing = diagnostic_for(registry, "libcellfit-optimizer-throwing.so");
    REQUIRE(throwing);
    CHECK_THAT(throwing->message, Contains("failed while registering") && Contains("fixture registration failure"));

    std::size_t metadata_errors = 0;
    for (const auto& d : registry.diagnostics())
        if (d.path.filename() == "libcellfit-optimizer-bad_metadata.so") {
            ++metadata_errors;
            CHECK_THAT(d.message, Contains("it is skipped"));
        }
    CHECK(metadata_errors == 2);
}

TEST_CASE("two plugins with one name: the first wins, with a warning naming both", "[registry]") {
    const auto first = test::fixtures / "dup_first";
    const auto second = test::fixtures / "dup_second";
    for (const auto& [folders, winner, loser] :
         {std::tuple{std::vector{first, second}, first, second}, std::tuple{std::vector{second, first}, second, first}}) {
        plugin_registry registry;
        registry.load_directories(folders, true);
        const auto* dup = registry.find(plugin_kind::optimizer, "fixture.dup");
        REQUIRE(dup);
        CHECK(dup->library.parent_path() == winner);
        CHECK(dup->info.description == (winner == first ? "copy A" : "copy B"));
        REQUIRE(registry.diagnostics().size() == 1);
        const auto& warning = registry.diagnostics().front();
        CHECK(warning.level == load_diagnostic::severity::warning);
        CHECK(warning.path.parent_path() == loser);
        CHECK_THAT(warning.message, Contains(dup->library.string()) && Contains(warning.path.string()) &&
                                        Contains("optimizer.fixture.dup"));
    }
}

TEST_CASE("the same library reached twice is loaded once, silently", "[registry]") {
    plugin_registry registry;
    registry.load_directories({test::fixtures / "multi", test::fixtures / "multi" / ".."/ "multi"}, true);
    CHECK(registry.diagnostics().empty());
    CHECK(registry.plugins().size() == 2);
}

TEST_CASE("a missing folder is an error only when required", "[registry]") {
    plugin_registry registry;
    CHECK_NOTHROW(registry.load_directory(test::fixtures / "no-such-folder"));
    CHECK_THROWS_AS(registry.load_directory(test::fixtures / "no-such-folder", true), input_error);
    CHECK(registry.searched_directories().empty());
}

TEST_CASE("discovery order: executable folder, install prefix, CELLFIT_PLUGIN_PATH, --plugin-dir",
          "[registry]") {
    const auto a = test::fixtures / "dup_first";
    const auto b = test::fixtures / "dup_second";
    const auto c = test::fixtures / "multi";
    ::setenv("CELLFIT_PLUGIN_PATH", (b.string() + "::" + a.string()).c_str(), 1);
    const auto path = default_plugin_search_path({c, a});
    ::unsetenv("CELLFIT_PLUGIN_PATH");

    // This test program lives in build/tests, the core library in build/lib.
    REQUIRE(path.size() == 5);
    CHECK(path[0] == fs::canonical(test::cellfit_exe).parent_path() / "tests" / "plugins");
    CHECK(path[1].filename() == "plugins");
    CHECK(path[1].parent_path().filename() == "cellfit");
    CHECK(path[2] == b);
    CHECK(path[3] == a);  // given twice: kept at its first place
    CHECK(path[4] == c);
}

TEST_CASE("plugin names split into kind and dotted name", "[registry]") {
    auto split = plugin_registry::split_full_name("optimizer.pagmo.de");
    REQUIRE(split);
    CHECK(split->first == plugin_kind::optimizer);
    CHECK(split->second == "pagmo.de");
    CHECK_FALSE(plugin_registry::split_full_name("random"));
    CHECK_FALSE(plugin_registry::split_full_name("solver.random"));
    CHECK_FALSE(plugin_registry::split_full_name("metric."));
}

TEST_CASE("the plugin ABI's minor version: older plugins load, newer ones and debug builds are refused", "[registry]") {
    plugin_registry registry;
    REQUIRE_NOTHROW(registry.load_directory(test::fixtures / "abi", true));
    // Built before the minor version existed (header without it): minor 0, loaded.
    CHECK(registry.find(plugin_kind::optimizer, "fixture.before_minor"));
    CHECK(diagnostic_for(registry, "libcellfit-optimizer-abi_before_minor.so") == nullptr);
    const std::string this_abi =
        std::to_string(CELLFIT_ABI_VERSION) + "." + std::to_string(CELLFIT_ABI_MINOR) + " (" CELLFIT_ABI_TAG ")";
    const auto* newer = diagnostic_for(registry, "libcellfit-optimizer-abi_newer_minor.so");
    REQUIRE(newer);
    CHECK(newer->level == load_diagnostic::severity::error);
    CHECK_THAT(newer->message, Contains("built for plugin ABI " + std::to_string(CELLFIT_ABI_VERSION) + "." +
                                        std::to_string(CELLFIT_ABI_MINOR + 1)) &&
                                   Contains("this cellfit uses plugin ABI " + this_abi) && Contains("needs a newer cellfit"));
    const auto* debug = diagnostic_for(registry, "libcellfit-optimizer-abi_debug_stdlib.so");
    REQUIRE(debug);
    CHECK(debug->level == load_diagnostic::severity::error);
    CHECK_THAT(debug->message, Contains(CELLFIT_ABI_TAG "-debug") && Contains("debug standard library") &&
                                   Contains("rebuild it without"));
    CHECK_FALSE(registry.find(plugin_kind::optimizer, "fixture.debug_stdlib"));
}

TEST_CASE("the loader survives any library: a registration that throws an int, an entry point that is a function or null",
          "[registry]") {
    plugin_registry r;
    r.load_directory(test::fixtures / "broken", true);
    CHECK(r.plugins().empty());
    std::string all;
    for (const auto& d : r.diagnostics()) all += d.message + "\n";
    INFO(all);
    CHECK_THAT(all, Catch::Contains("libcellfit-optimizer-throwing_int.so") &&
                        Catch::Contains("with an exception that is not a std::exception"));
    CHECK_THAT(all, Catch::Contains("libcellfit-optimizer-entry_function.so") && Catch::Contains("is a function"));
    CHECK_THAT(all, Catch::Contains("libcellfit-optimizer-entry_null.so") && Catch::Contains("is a null pointer"));
    // Asked for other kinds only, the folder's optimizer libraries are not even opened.
    plugin_registry only;
    only.only_kinds({plugin_kind::integrator, plugin_kind::backend});
    only.load_directory(test::fixtures / "broken", true);
    CHECK(only.diagnostics().empty());
}
