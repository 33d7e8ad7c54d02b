#pragma once

#include <cellfit/export.hpp>
#include <cellfit/options.hpp>
#include <cellfit/plugin_info.hpp>
#include <cellfit/plugin_object.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cellfit {

// Something the registry noticed while loading: a library it could not use
// (error) or a plugin it ignored (warning). Loading goes on after either.
struct load_diagnostic {
    enum class severity { warning, error };
    severity level = severity::error;
    std::filesystem::path path;
    std::string message;  // complete sentence, names the path and the reason
};

// A plugin as the registry holds it.
struct registered_plugin {
    plugin_info info;
    std::filesystem::path library;  // the file it came from
};

// The folders searched for plugins, in this order: `plugins/` beside the
// running executable (the build tree), <install prefix>/lib/cellfit/plugins,
// each folder of CELLFIT_PLUGIN_PATH (':'-separated), then extra_dirs (the
// --plugin-dir flags). Folders that appear twice are kept once, first place.
CELLFIT_API std::vector<std::filesystem::path>
default_plugin_search_path(const std::vector<std::filesystem::path>& extra_dirs = {});

// The same for a program that is not cellfit's own (python3 with the cellfit
// module): `first` instead of the folder beside the running program, which
// is then not searched.
CELLFIT_API std::vector<std::filesystem::path>
embedded_plugin_search_path(const std::vector<std::filesystem::path>& first,
                            const std::vector<std::filesystem::path>& extra_dirs = {});

// Finds plugin libraries, checks their ABI, and creates plugins by name.
// Objects it creates keep their library loaded, even beyond the registry.
class CELLFIT_API plugin_registry {
public:
    plugin_registry();
    ~plugin_registry();
    plugin_registry(plugin_registry&&) noexcept;
    plugin_registry& operator=(plugin_registry&&) noexcept;

    // Loads every shared library in each folder, in order (files sorted by
    // name). A library that fails is recorded in diagnostics() and the rest
    // still load. A plugin whose kind.name is already registered is ignored
    // with a warning naming both files: the first one wins.
    // A folder that does not exist is an input_error when `required`, and
    // skipped otherwise.
    void load_directories(const std::vector<std::filesystem::path>& dirs, bool required = false);
    void load_directory(const std::filesystem::path& dir, bool required = false);

    // From now on, folders are searched only for libraries of these kinds:
    // a file named libcellfit-<kind>-<name> of another kind is not opened (a
    // command loads only what it uses, so a broken library of another kind
    // cannot disturb it). Files named otherwise are still loaded.
    void only_kinds(std::vector<plugin_kind> kinds);

    // Loads one library; throws plugin_error (or abi_mismatch) if it cannot.
    // Duplicate plugins are still only warnings.
    void load_library(const std::filesystem::path& file);

    const std::vector<load_diagnostic>& diagnostics() const noexcept;

    // The folders actually scanned (those that existed), in order.
    const std::vector<std::filesystem::path>& searched_directories() const noexcept;

    // Every plugin, or those of one kind, sorted by full name.
    std::vector<const registered_plugin*> plugins(std::optional<plugin_kind> kind = {}) const;

    // nullptr when absent. `name` is without the kind ("pagmo.de").
    const registered_plugin* find(plugin_kind kind, std::string_view name) const;

    // Like find, but throws input_error naming the closest plugins.
    const registered_plugin& get(plugin_kind kind, std::string_view name) const;

    // Creates a plugin after validating its options against its metadata.
    // Throws input_error for an unknown name, option_error for bad options.
    std::shared_ptr<plugin_object> create_object(plugin_kind kind, std::string_view name,
                                                 const raw_options& options = {}) const;

    template <class Interface>
    std::shared_ptr<Interface> create(std::string_view name, const raw_options& options = {}) const {
        // The kind check in create_object makes the downcast safe.
        return std::static_pointer_cast<Interface>(create_object(Interface::kind, name, options));
    }

    // Splits "optimizer.pagmo.de" into its kind and name; nullopt if the
    // text does not start with a kind.
    static std::optional<std::pair<plugin_kind, std::string>> split_full_name(std::string_view full_name);

private:
    struct state;
    std::unique_ptr<state> state_;
};

} // namespace cellfit
