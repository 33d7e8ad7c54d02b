// The compiled backend's cache and compiler as an attacker or a full disk
// would meet them: no shell between CXX and the compiler, a cache that is
// private and checked before anything in it is loaded, and a cache that
// cannot be written giving the interpreter, not an error or half a file.

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const char* model_text = "dv/dt = -v/(10*ms) : volt\n";

// `cellfit simulate` of a small model, with `env` (NAME='value' ...).
test::cli_result simulate_with(const test::temp_dir& dir, const std::string& env) {
    const auto model = dir.path() / "model.eqs";
    std::ofstream(model) << model_text;
    return test::run_cellfit("simulate --model '" + model.string() + "' --init v=1*mV --duration 1*ms --neurons 4", env);
}

std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> found;
    std::error_code ec;
    if (!fs::exists(dir, ec)) return found;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) found.push_back(entry.path());
    return found;
}

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

} // namespace

TEST_CASE("CXX is split into words and run without a shell", "[cache][security]") {
    test::temp_dir dir;
    const auto marker = dir.path() / "marker";
    // A shell would run these before the compiler even starts; as words
    // they are only odd arguments (the compiler then fails, or is missing).
    for (const std::string& cxx : {"c++; touch " + marker.string(), "c++ $(touch " + marker.string() + ")",
                                   "c++ `touch " + marker.string() + "`"}) {
        const auto r = simulate_with(dir, "CELLFIT_CACHE_DIR='" + (dir.path() / "cache").string() + "' CXX='" + cxx + "'");
        INFO(cxx << "\n" << r.out << r.err);
        CHECK_FALSE(fs::exists(marker));
    }
    // Words are arguments: a compiler with a flag still works.
    const auto flagged = simulate_with(dir, "CELLFIT_CACHE_DIR='" + (dir.path() / "cache").string() + "' CXX='c++ -w'");
    CHECK_THAT(flagged.out, Contains("(compiled)"));
}

TEST_CASE("the kernel cache is created private, and a cache others may write is not used", "[cache][security]") {
    test::temp_dir dir;
    const auto cache = dir.path() / "new" / "cache";
    auto r = simulate_with(dir, "CELLFIT_CACHE_DIR='" + cache.string() + "'");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("(compiled)"));
    CHECK(mode_of(cache) == 0700);
    CHECK(mode_of(cache / "kernels") == 0700);

    // Group- or world-writable: someone else could plant a library there.
    const auto open_cache = dir.path() / "open";
    fs::create_directories(open_cache / "kernels");
    fs::permissions(open_cache / "kernels", fs::perms::all);
    r = simulate_with(dir, "CELLFIT_CACHE_DIR='" + open_cache.string() + "'");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("(compiled)"));
    CHECK_THAT(r.err, Contains("kernel cache is not used") && Contains("may be written by its group or by others") &&
                          Contains("for this run only"));
    CHECK(files_in(open_cache / "kernels").empty());

    // Another user's folder (only root can make one here).
    if (::geteuid() == 0) {
        const auto theirs = dir.path() / "theirs";
        fs::create_directories(theirs / "kernels");
        REQUIRE(::chown((theirs / "kernels").c_str(), 65534, 65534) == 0);
        r = simulate_with(dir, "CELLFIT_CACHE_DIR='" + theirs.string() + "'");
        CHECK_THAT(r.err, Contains("belongs to user 65534"));
        CHECK(files_in(theirs / "kernels").empty());
    }
}

TEST_CASE("a truncated or replaced cached library is rebuilt, never opened", "[cache][security]") {
    test::temp_dir dir;
    const auto cache = dir.path() / "cache";
    const std::string env = "CELLFIT_CACHE_DIR='" + cache.string() + "'";
    REQUIRE(simulate_with(dir, env).exit_code == 0);
    fs::path library;
    for (const auto& f : files_in(cache / "kernels"))
        if (f.extension() == ".so") library = f;
    REQUIRE(!library.empty());
    const auto size = fs::file_size(library);
    fs::resize_file(library, 100);  // a crash mid-copy, a full disk
    auto r = simulate_with(dir, env);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("(compiled)"));
    CHECK(fs::file_size(library) == size);
    // The same length, other bytes: the checksum differs.
    const std::string built = test::read_file(library);
    {
        std::fstream f(library, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(size / 2));
        f.put('\x5a').put('\x5a').put('\x5a');
    }
    const std::string altered = test::read_file(library);
    REQUIRE(altered != built);
    r = simulate_with(dir, env);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("(compiled)"));
    CHECK(test::read_file(library) != altered);  // rebuilt, not opened as it was

    // A umask that lets the group write (002, common) must not make every
    // library untrusted, and rebuilt on every run.
    test::temp_dir shared_dir;
    const auto grouped = shared_dir.path() / "cache";
    const std::string umask_env = "CELLFIT_CACHE_DIR='" + grouped.string() + "'";
    const auto model = shared_dir.path() / "model.eqs";
    std::ofstream(model) << model_text;
    const std::string run = "umask 002; '" + test::cellfit_exe.string() + "' simulate --model '" + model.string() +
                            "' --init v=1*mV --duration 1*ms >/dev/null 2>&1";
    REQUIRE(std::system(("CELLFIT_CACHE_DIR='" + grouped.string() + "' sh -c \"" + run + "\"").c_str()) == 0);
    fs::path grouped_library;
    for (const auto& f : files_in(grouped / "kernels"))
        if (f.extension() == ".so") grouped_library = f;
    REQUIRE(!grouped_library.empty());
    const auto first_write = fs::last_write_time(grouped_library);
    CHECK((mode_of(grouped_library) & 022) == 0);
    REQUIRE(std::system(("CELLFIT_CACHE_DIR='" + grouped.string() + "' sh -c \"" + run + "\"").c_str()) == 0);
    CHECK(fs::last_write_time(grouped_library) == first_write);
    (void)umask_env;
}

TEST_CASE("a kernel cache that cannot be written gives the interpreter, with a warning, and no partial files",
          "[cache]") {
    test::temp_dir dir;
    // A folder that cannot be created (even by root).
    auto r = simulate_with(dir, "CELLFIT_CACHE_DIR=/proc/self/cellfit-cache");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("(interpreter)"));
    CHECK_THAT(r.err, Contains("compiled backend is unavailable"));

    // A full disk: files may not grow past 8 KiB (the source alone is
    // larger), and the signal that would kill the process is ignored.
    const auto cache = dir.path() / "cache";
    const auto model = dir.path() / "model.eqs";
    std::ofstream(model) << model_text;
    const auto out = dir.path() / "out.txt", err = dir.path() / "err.txt";
    const std::string command = "trap '' XFSZ; ulimit -f 16; CELLFIT_CACHE_DIR='" + cache.string() + "' '" +
                                test::cellfit_exe.string() + "' simulate --model '" + model.string() +
                                "' --init v=1*mV --duration 1*ms >'" + out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    INFO(test::read_file(out) << test::read_file(err));
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK_THAT(test::read_file(out), Contains("(interpreter)"));
    CHECK_THAT(test::read_file(err), Contains("kernel"));
    for (const auto& f : files_in(cache / "kernels")) FAIL("a partial file is left behind: " << f.string());
}
