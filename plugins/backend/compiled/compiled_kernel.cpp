#include "compiled_kernel.hpp"

#include <cellfit/error.hpp>
#include <cellfit/version.hpp>

#include <boost/dll/shared_library.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string_view>
#include <unistd.h>

namespace cellfit::compiled {

namespace fs = std::filesystem;

namespace {

constexpr const char* flags = "-std=c++17 -O3 -march=native -fno-math-errno -fopenmp-simd -fPIC -shared "
                              "-fvisibility=hidden";
constexpr const char* libraries = "-lmvec -lm";

std::string compiler() {
    const char* cxx = std::getenv("CXX");
    return cxx && *cxx ? cxx : "c++";
}

std::string run_and_capture(const std::string& command) {
    std::string output;
    if (FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r")) {
        char buffer[512];
        while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
        if (::pclose(pipe) != 0) return {};
    }
    return output;
}

// What the compiled code depends on besides its source: the compiler's
// version and the CPU's instruction sets (for -march=native). Empty when the
// compiler does not run. Asked once per compiler and process.
std::string build_identity() {
    static std::mutex mutex;
    static std::map<std::string, std::string> known;
    const std::lock_guard lock(mutex);
    const std::string cxx = compiler();
    if (auto it = known.find(cxx); it != known.end()) return it->second;
    std::string id = run_and_capture(cxx + " --version");
    if (!id.empty()) {
        std::ifstream cpu("/proc/cpuinfo");
        std::string line;
        while (std::getline(cpu, line))
            if (line.rfind("flags", 0) == 0) {
                id += line;
                break;
            }
    }
    return known[cxx] = id;
}

// The text that decides what a kernel is: its source, then, as comments,
// what it is built with. A 64-bit name can collide; the record cannot, and it
// is compared in full before a cached kernel runs.
std::string cache_record(const std::string& source, const std::string& identity) {
    std::string record = source + "\n// cellfit kernel cache record: built with\n";
    std::istringstream lines(identity + "\n" + flags + " " + libraries + "\ncellfit " + CELLFIT_VERSION_STRING);
    for (std::string line; std::getline(lines, line);) record += "// " + line + "\n";
    return record;
}

std::string read_whole(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return in ? text.str() : std::string();
}

std::uint64_t fnv1a(const std::string& text) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
    return h;
}

fs::path cache_directory() {
    if (const char* dir = std::getenv("CELLFIT_CACHE_DIR"); dir && *dir) return fs::path(dir) / "kernels";
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "cellfit" / "kernels";
    if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "cellfit" / "kernels";
    return fs::temp_directory_path() / "cellfit-kernels";
}

std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string head(const fs::path& file, int lines) {
    std::ifstream in(file);
    std::string line, text;
    for (int k = 0; k < lines && std::getline(in, line); ++k) text += "\n    " + line;
    return text;
}

} // namespace

namespace {

// The file compiled: the record, then the record again as a string the
// library exports. What is loaded is checked against what is wanted, whatever
// another process did to the files meanwhile.
std::string compiled_text(const std::string& record) {
    return record + "extern \"C\" __attribute__((visibility(\"default\"))) const char cellfit_kernel_record[] = "
                    "R\"cellfit_record(" + record + ")cellfit_record\";\n";
}

// Compiles `text` into `library` from private names, then renames: concurrent
// runs never read or load half a file.
void compile_into(const std::string& text, const fs::path& dir, const std::string& key) {
    const std::string mine = "." + std::to_string(::getpid());
    const fs::path partial_source = dir / (key + mine + ".cpp");
    const fs::path partial = dir / (key + ".so" + mine);
    const fs::path log = dir / (key + mine + ".log");
    std::ofstream(partial_source) << text;
    const std::string command = compiler() + " " + flags + " -o " + shell_quote(partial.string()) + " " +
                                shell_quote(partial_source.string()) + " " + libraries + " > " +
                                shell_quote(log.string()) + " 2>&1";
    std::error_code ec;
    if (std::system(command.c_str()) != 0) {
        fs::remove(partial, ec);
        throw compile_error("compiling the simulation kernel failed; generated source: " + partial_source.string() +
                                ", compiler output: " + log.string() + head(log, 8),
                            read_whole(log), partial_source);
    }
    for (const auto& [from, to] : {std::pair{partial_source, dir / (key + ".cpp")}, std::pair{log, dir / (key + ".log")},
                                   std::pair{partial, dir / (key + ".so")}}) {
        fs::rename(from, to, ec);
        if (ec) throw error("cannot store the compiled kernel as " + to.string() + ": " + ec.message());
    }
}

} // namespace

std::optional<compiled_kernel> compiled_kernel::build(const std::string& source, std::string& unavailable) {
    const std::string identity = build_identity();
    if (identity.empty()) {
        unavailable = "no working C++ compiler (" + compiler() + "; set CXX to choose one)";
        return std::nullopt;
    }
    const std::string record = cache_record(source, identity);
    const std::string text = compiled_text(record);
    std::ostringstream hash;
    hash << std::hex << fnv1a(record);
    const fs::path dir = cache_directory();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        unavailable = "cannot create the kernel cache " + dir.string() + " (" + ec.message() + "; set CELLFIT_CACHE_DIR)";
        return std::nullopt;
    }
    // One build at a time in this process (threads of a refinement ask for
    // the same kernel); other processes are kept apart by private file names.
    static std::mutex build_mutex;
    const std::lock_guard build_lock(build_mutex);
    // The kernel's slot: the first of hash, hash-1, ... that holds this
    // kernel or nothing yet. A slot whose files hold another kernel (a hash
    // collision) is passed over; the library's own copy of the record is
    // compared after loading, so no file race can make it run another's code.
    constexpr int slots = 8;
    for (int slot = 0; slot < slots; ++slot) {
        const std::string key = hash.str() + (slot == 0 ? "" : "-" + std::to_string(slot));
        const fs::path library = dir / (key + ".so"), source_file = dir / (key + ".cpp");
        if (fs::exists(source_file) && read_whole(source_file) != text) continue;
        if (!fs::exists(source_file) || !fs::exists(library)) compile_into(text, dir, key);
        compiled_kernel kernel;
        try {
            auto lib = std::make_shared<boost::dll::shared_library>(library, boost::dll::load_mode::rtld_now);
            if (!lib->has("cellfit_kernel_record") || std::string_view(&lib->get<const char>("cellfit_kernel_record")) != record)
                continue;
            if (lib->get<int()>("cellfit_kernel_abi")() != kernel_abi_version)
                throw error("the cached kernel " + library.string() + " has another ABI; delete it");
            kernel.function_ = &lib->get<void(const cellfit_kernel_args*)>("cellfit_kernel");
            kernel.library_ = lib;
        } catch (const std::exception& e) {
            throw error("cannot load the compiled kernel " + library.string() + ": " + e.what() +
                        " (delete the file to rebuild it)");
        }
        kernel.path_ = library.string();
        return kernel;
    }
    throw error("the kernel cache " + dir.string() + " holds " + std::to_string(slots) + " other kernels named " +
                hash.str() + "*; delete them (or choose another folder with CELLFIT_CACHE_DIR)");
}

} // namespace cellfit::compiled
