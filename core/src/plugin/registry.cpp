#include <cellfit/abi.hpp>
#include <cellfit/error.hpp>
#include <cellfit/plugin.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/suggest.hpp>

#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>
#include <link.h>

#include <algorithm>
#include <cstring>
#include <map>

namespace cellfit {

namespace fs = std::filesystem;

namespace {

// One registered plugin. `library` is declared first so that it is destroyed
// last: the factory's code lives in the library.
struct plugin_entry {
    std::shared_ptr<boost::dll::shared_library> library;
    registered_plugin plugin;
    plugin_factory factory;
};

// Gathers what a library registers; checked before anything is kept.
class collecting_sink final : public plugin_sink {
public:
    std::vector<std::pair<plugin_info, plugin_factory>> plugins;
    void add_plugin(plugin_info info, plugin_factory factory) override {
        plugins.emplace_back(std::move(info), std::move(factory));
    }
};

const std::string this_abi =
    std::to_string(CELLFIT_ABI_VERSION) + "." + std::to_string(CELLFIT_ABI_MINOR) + " (" + CELLFIT_ABI_TAG + ")";

// Why a plugin's ABI tag cannot work here, beyond "it differs".
std::string tag_problem(const std::string& tag) {
    if (tag.ends_with("-debug"))
        return "; it was built against a debug standard library (_GLIBCXX_DEBUG or libc++'s debug mode), whose "
               "containers differ from the release library's: rebuild it without";
    if (tag.starts_with("unknown"))
        return "; it was built against a standard library cellfit does not know: rebuild it with libstdc++";
    return "";
}

bool is_shared_library(const fs::path& file) {
    return file.extension() == boost::dll::shared_library::suffix().string();
}

// Plugin names are dotted words: "random", "pagmo.de", "nlopt.GN_CRS2_LM".
std::string check_plugin_name(const std::string& name) {
    if (name.empty()) return "has an empty name";
    if (name.front() == '.' || name.back() == '.' || name.find("..") != std::string::npos)
        return "has the name '" + name + "', with an empty part between dots";
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
            return "has the name '" + name + "'; names may hold only letters, digits, '_', '-' and '.'";
    return {};
}

// The entry point must be what CELLFIT_PLUGIN_LIBRARY defines: a data
// symbol holding a non-null pointer to a function. A function exported under
// that name would have its first bytes called as an address.
std::string entry_point_problem(const boost::dll::shared_library& library) {
    void* address = ::dlsym(library.native(), CELLFIT_PLUGIN_ENTRY_NAME);
    if (!address) return "its entry point '" CELLFIT_PLUGIN_ENTRY_NAME "' cannot be found";
    Dl_info info{};
    void* entry = nullptr;  // the symbol's ELF entry
    if (::dladdr1(address, &info, &entry, RTLD_DL_SYMENT) != 0 && entry &&
        ELF64_ST_TYPE(static_cast<const ElfW(Sym)*>(entry)->st_info) == STT_FUNC)
        return "its entry point '" CELLFIT_PLUGIN_ENTRY_NAME "' is a function, not the pointer alias that "
               "CELLFIT_PLUGIN_LIBRARY defines; it is skipped";
    if (*static_cast<void* const*>(address) == nullptr)
        return "its entry point '" CELLFIT_PLUGIN_ENTRY_NAME "' is a null pointer; it is skipped";
    return {};
}

fs::path comparable(const fs::path& p) {
    std::error_code ec;
    auto canonical = fs::canonical(p, ec);
    return ec ? p.lexically_normal() : canonical;
}

} // namespace

struct plugin_registry::state {
    std::map<std::string, plugin_entry, std::less<>> entries;  // by full name
    std::vector<load_diagnostic> diagnostics;
    std::vector<fs::path> loaded_files;
    std::vector<fs::path> searched_dirs;
    std::optional<std::vector<plugin_kind>> kinds;  // only_kinds()

    // Whether the file's name says it holds plugins of a kind not wanted.
    bool unwanted(const fs::path& file) const {
        if (!kinds) return false;
        const std::string name = file.filename().string();
        for (plugin_kind k : {plugin_kind::optimizer, plugin_kind::metric, plugin_kind::integrator, plugin_kind::backend}) {
            const std::string prefix = "libcellfit-" + std::string(to_string(k)) + "-";
            if (name.starts_with(prefix)) return std::find(kinds->begin(), kinds->end(), k) == kinds->end();
        }
        return false;
    }

    void warn(const fs::path& path, std::string message) {
        diagnostics.push_back({load_diagnostic::severity::warning, path, std::move(message)});
    }
    void fail(const fs::path& path, std::string message) {
        diagnostics.push_back({load_diagnostic::severity::error, path, std::move(message)});
    }
};

plugin_registry::plugin_registry() : state_(std::make_unique<state>()) {}
plugin_registry::~plugin_registry() = default;
plugin_registry::plugin_registry(plugin_registry&&) noexcept = default;
plugin_registry& plugin_registry::operator=(plugin_registry&&) noexcept = default;

void plugin_registry::only_kinds(std::vector<plugin_kind> kinds) { state_->kinds = std::move(kinds); }

void plugin_registry::load_directories(const std::vector<fs::path>& dirs, bool required) {
    for (const auto& dir : dirs) load_directory(dir, required);
}

void plugin_registry::load_directory(const fs::path& dir, bool required) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        if (required)
            throw input_error("plugin folder " + dir.string() +
                              (fs::exists(dir, ec) ? " is not a folder" : " does not exist") +
                              "; check the --plugin-dir or CELLFIT_PLUGIN_PATH value");
        return;
    }
    state_->searched_dirs.push_back(dir);

    std::vector<fs::path> files;
    for (const auto& item : fs::directory_iterator(dir, ec))
        if (is_shared_library(item.path()) && item.is_regular_file(ec)) files.push_back(item.path());
    if (ec) {
        state_->fail(dir, "cannot read plugin folder " + dir.string() + ": " + ec.message());
        return;
    }
    std::sort(files.begin(), files.end());

    for (const auto& file : files) {
        if (state_->unwanted(file)) continue;
        try {
            load_library(file);
        } catch (const plugin_error& e) {
            state_->fail(file, e.what());
        } catch (const std::exception& e) {
            state_->fail(file, "plugin library " + file.string() + ": " + e.what());
        } catch (...) {
            state_->fail(file, "plugin library " + file.string() +
                                   ": its entry point threw an exception that is not a std::exception");
        }
    }
}

void plugin_registry::load_library(const fs::path& file) {
    const fs::path key = comparable(file);
    auto& loaded = state_->loaded_files;
    if (std::find(loaded.begin(), loaded.end(), key) != loaded.end()) return;

    std::shared_ptr<boost::dll::shared_library> library;
    try {
        library = std::make_shared<boost::dll::shared_library>(
            file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
        throw plugin_error(file, std::string("cannot be loaded (") + e.what() + ")");
    }
    if (!library->has(CELLFIT_PLUGIN_ENTRY_NAME))
        throw plugin_error(file, "is not a cellfit plugin: it lacks the entry point '" CELLFIT_PLUGIN_ENTRY_NAME
                                 "' (a plugin defines it with CELLFIT_PLUGIN_LIBRARY)");
    if (const std::string problem = entry_point_problem(*library); !problem.empty()) throw plugin_error(file, problem);

    const cellfit_plugin_header* header =
        library->get_alias<const cellfit_plugin_header*()>(CELLFIT_PLUGIN_ENTRY_NAME)();
    if (header == nullptr || (header->magic != CELLFIT_PLUGIN_MAGIC && header->magic != CELLFIT_PLUGIN_MAGIC_NO_MINOR))
        throw plugin_error(file, "its entry point '" CELLFIT_PLUGIN_ENTRY_NAME
                                 "' does not return a cellfit plugin header");
    const std::string tag = header->abi_tag ? header->abi_tag : "no tag";
    // An older header ends before abi_minor: never read past it.
    const unsigned minor = header->magic == CELLFIT_PLUGIN_MAGIC ? header->abi_minor : 0;
    const std::string found = std::to_string(header->abi_version) + "." + std::to_string(minor) + " (" + tag + ")";
    if (header->abi_version != CELLFIT_ABI_VERSION || tag != CELLFIT_ABI_TAG)
        throw abi_mismatch(file, this_abi, found, tag_problem(tag));
    if (minor > CELLFIT_ABI_MINOR)
        throw abi_mismatch(file, this_abi, found, "; it needs a newer cellfit (or rebuild it against this one's SDK)");
    if (header->register_plugins == nullptr) throw plugin_error(file, "has no registration function");

    collecting_sink sink;
    try {
        header->register_plugins(&sink);
    } catch (const std::exception& e) {
        throw plugin_error(file, std::string("failed while registering its plugins: ") + e.what());
    } catch (...) {
        throw plugin_error(file, "failed while registering its plugins, with an exception that is not a "
                                 "std::exception");
    }
    loaded.push_back(key);
    if (sink.plugins.empty()) state_->warn(file, "plugin library " + file.string() + " registers no plugins");

    for (auto& [info, factory] : sink.plugins) {
        if (auto problem = check_plugin_name(info.name); !problem.empty()) {
            state_->fail(file, "plugin library " + file.string() + ": a " + std::string(to_string(info.kind)) +
                                   " plugin " + problem + "; it is skipped");
            continue;
        }
        try {
            validate_options(info, {});  // its defaults must parse as their types
        } catch (const std::exception& e) {
            state_->fail(file, "plugin library " + file.string() + ": " + e.what() + "; it is skipped");
            continue;
        }
        const std::string full_name = info.full_name();
        if (auto it = state_->entries.find(full_name); it != state_->entries.end()) {
            state_->warn(file, "plugin " + full_name + " in " + file.string() +
                                   " is ignored: the same name was found first in " +
                                   it->second.plugin.library.string() + ", which is used");
            continue;
        }
        state_->entries.emplace(full_name,
                                plugin_entry{library, registered_plugin{std::move(info), file}, std::move(factory)});
    }
}

const std::vector<load_diagnostic>& plugin_registry::diagnostics() const noexcept { return state_->diagnostics; }

const std::vector<fs::path>& plugin_registry::searched_directories() const noexcept {
    return state_->searched_dirs;
}

std::vector<const registered_plugin*> plugin_registry::plugins(std::optional<plugin_kind> kind) const {
    std::vector<const registered_plugin*> result;
    for (const auto& [name, entry] : state_->entries)
        if (!kind || entry.plugin.info.kind == *kind) result.push_back(&entry.plugin);
    return result;  // map order: sorted by full name
}

const registered_plugin* plugin_registry::find(plugin_kind kind, std::string_view name) const {
    auto it = state_->entries.find(std::string(to_string(kind)) + "." + std::string(name));
    return it == state_->entries.end() ? nullptr : &it->second.plugin;
}

const registered_plugin& plugin_registry::get(plugin_kind kind, std::string_view name) const {
    if (const auto* found = find(kind, name)) return *found;
    const std::string kind_name(to_string(kind));
    std::vector<std::string> names;
    for (const auto* p : plugins(kind)) names.push_back(p->info.name);
    std::string message = "there is no " + kind_name + " plugin named '" + std::string(name) + "'";
    if (names.empty()) {
        message += "; no " + kind_name + " plugins are loaded";
        std::vector<std::string> dirs;
        for (const auto& d : state_->searched_dirs) dirs.push_back(d.string());
        message += dirs.empty() ? " (no plugin folder was found)" : " from " + join_alternatives(dirs, " and ");
        message += "; add a folder with --plugin-dir or CELLFIT_PLUGIN_PATH";
    } else {
        const auto close = closest_names(name, names);
        if (!close.empty()) message += " (did you mean '" + close.front() + "'?)";
        message += "; available: " + join_alternatives(names, ", ") +
                   " (see `cellfit plugins --kind " + kind_name + "`)";
    }
    throw input_error(message);
}

std::shared_ptr<plugin_object> plugin_registry::create_object(plugin_kind kind, std::string_view name,
                                                              const raw_options& options) const {
    const registered_plugin& plugin = get(kind, name);
    const plugin_entry& entry = state_->entries.find(plugin.info.full_name())->second;
    const plugin_options validated = validate_options(plugin.info, options);
    std::unique_ptr<plugin_object> object = entry.factory(validated);
    if (!object)
        throw plugin_contract_error("plugin " + plugin.info.full_name() + " in " + plugin.library.string() +
                                    " returned no object from its factory");
    // The deleter owns a reference to the library: the object's code stays
    // mapped until the object is gone, whatever happens to the registry.
    return std::shared_ptr<plugin_object>(object.release(),
                                          [library = entry.library](plugin_object* p) { delete p; });
}

std::optional<std::pair<plugin_kind, std::string>> plugin_registry::split_full_name(std::string_view full_name) {
    const auto dot = full_name.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    const auto kind = parse_plugin_kind(full_name.substr(0, dot));
    if (!kind || dot + 1 == full_name.size()) return std::nullopt;
    return std::pair{*kind, std::string(full_name.substr(dot + 1))};
}

} // namespace cellfit
