#include "plugins_command.hpp"

#include <cellfit/fit/multistart.hpp>

#include <cellfit/suggest.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iomanip>
#include <ostream>

namespace cellfit::cli {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> kind_names() {
    std::vector<std::string> names;
    for (plugin_kind kind : all_plugin_kinds) names.emplace_back(to_string(kind));
    return names;
}

nlohmann::json typed_default(const option_spec& spec) {
    const auto value = parse_option_value(spec.type, spec.default_value);
    if (!value) return spec.default_value;
    return std::visit([](const auto& v) { return nlohmann::json(v); }, *value);
}

nlohmann::json to_json(const registered_plugin& plugin) {
    const plugin_info& info = plugin.info;
    nlohmann::json options = nlohmann::json::array();
    for (const auto& spec : info.options) {
        nlohmann::json option = {{"name", spec.name},
                                 {"type", to_string(spec.type)},
                                 {"default", typed_default(spec)},
                                 {"help", spec.help}};
        if (!spec.choices.empty()) option["choices"] = spec.choices;
        if (!spec.unit.empty()) option["unit"] = spec.unit;
        options.push_back(std::move(option));
    }
    return {{"full_name", info.full_name()}, {"kind", to_string(info.kind)},
            {"name", info.name},             {"version", info.version},
            {"description", info.description}, {"library", plugin.library.string()},
            {"options", std::move(options)}};
}

void print_text(std::ostream& out, const std::vector<const registered_plugin*>& plugins) {
    for (const auto* plugin : plugins) {
        const plugin_info& info = plugin->info;
        out << info.full_name() << "  " << info.version << "\n"
            << "    " << info.description << "\n"
            << "    library: " << plugin->library.string() << "\n";
        if (info.options.empty()) {
            out << "    options: none\n";
            continue;
        }
        out << "    options:\n";
        std::size_t width = 0;
        for (const auto& spec : info.options) width = std::max(width, spec.name.size());
        for (const auto& spec : info.options) {
            out << "      " << std::left << std::setw(static_cast<int>(width)) << spec.name << "  "
                << to_string(spec.type) << (spec.unit.empty() ? "" : " in " + spec.unit) << ", default "
                << (spec.default_value.empty() ? "\"\"" : spec.default_value);
            for (std::size_t k = 0; k < spec.choices.size(); ++k) out << (k == 0 ? ", one of " : "|") << spec.choices[k];
            out << "\n      " << std::string(width, ' ') << "  " << spec.help << "\n";
        }
    }
}

// Names only, one line per kind, wrapped: what --optimizer, --metric and
// --method take.
void print_names(std::ostream& out, const std::vector<const registered_plugin*>& plugins) {
    for (plugin_kind kind : all_plugin_kinds) {
        std::vector<std::string> names;
        for (const auto* plugin : plugins)
            if (plugin->info.kind == kind) names.push_back(plugin->info.name);
        if (names.empty()) continue;
        const std::string head = std::string(to_string(kind)) + ": ";
        const std::string indent(head.size(), ' ');
        std::string line = head;
        for (std::size_t k = 0; k < names.size(); ++k) {
            const std::string item = names[k] + (k + 1 < names.size() ? "," : "");
            if (line.size() > head.size() && line.size() + 1 + item.size() > 100) {
                out << line << "\n";
                line = indent;
            }
            line += (line.size() > head.size() ? " " : "") + item;
        }
        out << line << "\n";
    }
    out << "(cellfit plugins --details: versions, descriptions, libraries and options)\n";
}

int run_plugins(const po::variables_map& vm, io& io) {
    std::optional<plugin_kind> kind;
    if (vm.count("kind")) {
        const auto& text = vm["kind"].as<std::string>();
        kind = parse_plugin_kind(text);
        if (!kind) {
            const auto close = closest_names(text, kind_names());
            throw usage_error("--kind " + text + " is not a plugin kind" +
                              (close.empty() ? "" : " (did you mean '" + close.front() + "'?)") +
                              "; use " + join_alternatives(kind_names()));
        }
    }
    const plugin_registry registry = load_plugins(vm, io.err);
    auto plugins = registry.plugins(kind);
    // optimizer.multistart is the fitter's own (cellfit/fit/multistart.hpp),
    // listed among the plugins when the design it draws from is loaded.
    static const registered_plugin multistart{multistart_info(), "(built into libcellfit_core)"};
    if ((!kind || *kind == plugin_kind::optimizer) && registry.find(plugin_kind::optimizer, "random")) {
        plugins.push_back(&multistart);
        std::stable_sort(plugins.begin(), plugins.end(), [](const registered_plugin* a, const registered_plugin* b) {
            return a->info.full_name() < b->info.full_name();
        });
    }

    if (vm["json"].as<bool>()) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto* plugin : plugins) list.push_back(to_json(*plugin));
        nlohmann::json problems = nlohmann::json::array();
        for (const auto& d : registry.diagnostics())
            problems.push_back({{"severity", d.level == load_diagnostic::severity::error ? "error" : "warning"},
                                {"path", d.path.string()},
                                {"message", d.message}});
        nlohmann::json dirs = nlohmann::json::array();
        for (const auto& dir : registry.searched_directories()) dirs.push_back(dir.string());
        io.out << nlohmann::json{{"plugins", list}, {"diagnostics", problems}, {"searched", dirs}}.dump(2) << "\n";
        return 0;
    }
    if (plugins.empty()) {
        std::vector<std::string> dirs;
        for (const auto& dir : registry.searched_directories()) dirs.push_back(dir.string());
        io.out << "no " << (kind ? std::string(to_string(*kind)) + " " : std::string())
               << "plugins found; searched: " << (dirs.empty() ? "no existing folder" : join_alternatives(dirs, ", "))
               << "\n";
        return 0;
    }
    if (vm["details"].as<bool>())
        print_text(io.out, plugins);
    else
        print_names(io.out, plugins);
    return 0;
}

} // namespace

void add_plugin_dir_option(po::options_description& options) {
    options.add_options()
        ("plugin-dir", po::value<std::vector<std::string>>()->value_name("DIR"),
         "also load plugins from DIR (repeatable; searched after build/plugins, "
         "<prefix>/lib/cellfit/plugins and CELLFIT_PLUGIN_PATH)");
}

plugin_registry load_plugins(const po::variables_map& vm, std::ostream& err, std::vector<plugin_kind> kinds) {
    std::vector<fs::path> extra;
    if (vm.count("plugin-dir"))
        for (const auto& dir : vm["plugin-dir"].as<std::vector<std::string>>()) extra.emplace_back(dir);
    plugin_registry registry;
    // Folders the user named must exist; the default ones may not.
    for (const auto& dir : extra) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec))
            throw input_error("--plugin-dir " + dir.string() +
                              (fs::exists(dir, ec) ? " is not a folder" : " does not exist"));
    }
    if (!kinds.empty()) registry.only_kinds(std::move(kinds));
    registry.load_directories(default_plugin_search_path(extra));
    for (const auto& d : registry.diagnostics())
        err << "cellfit: " << (d.level == load_diagnostic::severity::error ? "error" : "warning") << ": "
            << d.message << "\n";
    return registry;
}

command plugins_command() {
    return {
        "plugins",
        "List the plugins found (optimizers, metrics, integrators, backends); --details for their options.",
        "cellfit plugins [--kind optimizer|metric|integrator|backend] [--details] [--json] [--plugin-dir DIR]...",
        [](po::options_description& options) {
            options.add_options()
                ("kind", po::value<std::string>()->value_name("KIND"),
                 "only plugins of this kind: optimizer, metric, integrator or backend")
                ("details", switch_value(),
                 "each plugin's version, description, library and options (default: names only)")
                ("json", switch_value(), "print JSON instead of text (with every detail)");
            add_plugin_dir_option(options);
        },
        run_plugins,
    };
}

} // namespace cellfit::cli
