#include "compiled_kernel.hpp"
#include "kernel_cache.hpp"
#include "process.hpp"

#include <cellfit/error.hpp>
#include <cellfit/version.hpp>

#include <boost/dll/shared_library.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string_view>
#include <unistd.h>

namespace cellfit::compiled {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> flags = {"-std=c++17", "-O3", "-march=native", "-fno-math-errno", "-fopenmp-simd",
                                        "-fPIC", "-shared", "-fvisibility=hidden"};
const std::vector<std::string> libraries = {"-lmvec", "-lm"};

// The compiler's words (CXX, else c++), never through a shell.
std::vector<std::string> compiler() {
    const char* cxx = std::getenv("CXX");
    std::vector<std::string> words = command_words(cxx && *cxx ? cxx : "c++");
    return words.empty() ? std::vector<std::string>{"c++"} : words;
}

std::string joined(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
    return text;
}

// A warning printed once per process (the backend has no other channel).
void warn_once(const std::string& message) {
    static std::mutex mutex;
    static std::set<std::string> said;
    const std::lock_guard lock(mutex);
    if (said.insert(message).second) std::cerr << "cellfit: warning: " << message << "\n";
}

// What the compiled code depends on besides its source: the compiler's
// version and the CPU's instruction sets (for -march=native). Empty when the
// compiler does not run. Asked once per compiler and process.
std::string build_identity() {
    static std::mutex mutex;
    static std::map<std::string, std::string> known;
    const std::lock_guard lock(mutex);
    const std::string cxx = joined(compiler());
    if (auto it = known.find(cxx); it != known.end()) return it->second;
    std::vector<std::string> version = compiler();
    version.push_back("--version");
    std::string id = program_output(version);
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
    std::istringstream lines(identity + "\n" + joined(flags) + " " + joined(libraries) + "\ncellfit " +
                             CELLFIT_VERSION_STRING);
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

// Compiles `text` into dir/key.so from private names, then renames:
// concurrent runs never read or load half a file. The library's checksum
// goes beside it (key.sum), checked before every load. Returns "" when
// stored, or why the cache could not take it (a read-only folder, a full
// disk): nothing partial is left then. Throws compile_error when the
// compiler refuses the code.
std::string compile_into(const std::string& text, const fs::path& dir, const std::string& key) {
    constexpr unsigned long long needed = 64ull << 20;  // a kernel and the compiler's temporaries
    if (const unsigned long long free = free_bytes(dir); free < needed)
        return "the disk of the kernel cache " + dir.string() + " has " + std::to_string(free >> 20) +
               " MiB free, less than 64 MiB";
    const std::string mine = "." + std::to_string(::getpid());
    const fs::path partial_source = dir / (key + mine + ".cpp");
    const fs::path partial = dir / (key + ".so" + mine);
    const fs::path log = dir / (key + mine + ".log");
    const fs::path partial_sum = dir / (key + ".sum" + mine);
    std::error_code ec;
    auto clean = [&] {
        for (const auto& f : {partial_source, partial, log, partial_sum}) fs::remove(f, ec);
    };
    {
        std::ofstream out(partial_source, std::ios::binary);
        out << text;
        out.close();
        if (!out) {
            clean();
            return "cannot write the kernel's source into the cache " + dir.string();
        }
    }
    std::vector<std::string> command = compiler();
    command.insert(command.end(), flags.begin(), flags.end());
    command.insert(command.end(), {"-o", partial.string(), partial_source.string()});
    command.insert(command.end(), libraries.begin(), libraries.end());
    if (run_program(command, log.string()) != 0) {
        const std::string output = read_whole(log);
        // A write that failed (a full disk) is the cache's problem, not the code's.
        if (output.find("No space left") != std::string::npos || output.find("File too large") != std::string::npos ||
            output.empty()) {
            clean();
            return "the compiler could not write into the kernel cache " + dir.string() +
                   (output.empty() ? "" : ": " + output.substr(0, 200));
        }
        fs::remove(partial, ec);
        fs::remove(partial_sum, ec);
        throw compile_error("compiling the simulation kernel failed; generated source: " + partial_source.string() +
                                ", compiler output: " + log.string() + head(log, 8),
                            output, partial_source);
    }
    {
        std::ofstream sum(partial_sum, std::ios::binary);
        sum << file_checksum(partial) << "\n";
        sum.close();
        if (!sum) {
            clean();
            return "cannot write the kernel's checksum into the cache " + dir.string();
        }
    }
    // Private whatever the umask (0775 from a umask of 002 would make the
    // library untrusted, and rebuilt on every run).
    fs::permissions(partial, fs::perms::owner_all, ec);
    for (const auto& f : {partial_source, log, partial_sum})
        fs::permissions(f, fs::perms::owner_read | fs::perms::owner_write, ec);
    for (const auto& [from, to] : {std::pair{partial_source, dir / (key + ".cpp")}, std::pair{log, dir / (key + ".log")},
                                   std::pair{partial, dir / (key + ".so")}, std::pair{partial_sum, dir / (key + ".sum")}}) {
        fs::rename(from, to, ec);
        if (ec) {
            clean();
            return "cannot store the compiled kernel as " + to.string() + ": " + ec.message();
        }
    }
    return {};
}

// Whether dir/key.so may be opened: this user's own file, writable by no one
// else, with the checksum recorded when it was built. A truncated or
// replaced library is rebuilt, never opened (a truncated one would crash
// the process when mapped).
bool intact(const fs::path& dir, const std::string& key) {
    const fs::path library = dir / (key + ".so");
    if (!untrusted_reason(library, false).empty()) return false;
    std::string recorded = read_whole(dir / (key + ".sum"));
    while (!recorded.empty() && (recorded.back() == '\n' || recorded.back() == ' ')) recorded.pop_back();
    return !recorded.empty() && recorded == file_checksum(library);
}

} // namespace

std::optional<compiled_kernel> compiled_kernel::build(const std::string& source, std::string& unavailable) {
    const std::string identity = build_identity();
    if (identity.empty()) {
        unavailable = "no working C++ compiler (" + joined(compiler()) + "; set CXX to choose one)";
        return std::nullopt;
    }
    const std::string record = cache_record(source, identity);
    const std::string text = compiled_text(record);
    std::ostringstream hash;
    hash << std::hex << fnv1a(record);
    const cache_folder cache = kernel_cache_folder();
    if (!cache.unavailable.empty()) {
        unavailable = cache.unavailable;
        return std::nullopt;
    }
    if (!cache.warning.empty()) warn_once(cache.warning);
    const fs::path& dir = cache.dir;
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
        if (!fs::exists(source_file) || !intact(dir, key)) {
            if (const std::string failed = compile_into(text, dir, key); !failed.empty()) {
                unavailable = failed;
                return std::nullopt;
            }
        }
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
