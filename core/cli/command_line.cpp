#include "command_line.hpp"
#include "config_file.hpp"

#include <cellfit/suggest.hpp>

#include <algorithm>
#include <charconv>
#include <map>
#include <ostream>

namespace cellfit::cli {

namespace {

po::options_description describe(const command& cmd) {
    po::options_description options("Options");
    cmd.add_options(options);
    add_common_options(options);
    return options;
}

std::vector<std::string> long_names(const po::options_description& options) {
    std::vector<std::string> names;
    for (const auto& option : options.options()) names.push_back(option->long_name());
    return names;
}

std::string unknown_key_message(const std::string& where, const std::string& key, const command& cmd,
                                const std::vector<std::string>& valid) {
    const auto close = closest_names(key, valid);
    return where + ": `cellfit " + cmd.name + "` has no option '" + key + "'" +
           (close.empty() ? "" : " (did you mean '" + close.front() + "'?)") +
           "; valid keys: " + join_alternatives(valid, ", ");
}

// The config file's entries for this command, as if given on the command line.
po::parsed_options config_options(const std::string& file, const po::options_description& options,
                                  const command& cmd, const std::vector<std::string>& all_command_names) {
    std::vector<std::string> valid = long_names(options);
    std::erase_if(valid, [](const std::string& n) { return n == "help" || n == "config"; });

    po::parsed_options parsed(&options);
    // Relative paths in the file are relative to the file's folder.
    const std::filesystem::path folder = std::filesystem::path(file).parent_path();
    for (const auto& entry : read_config_file(file)) {
        const std::string where = file + ":" + std::to_string(entry.line);
        const auto& also = cmd.also_reads_sections;
        if (!entry.section.empty() && entry.section != cmd.name &&
            std::find(also.begin(), also.end(), entry.section) == also.end()) {
            if (std::find(all_command_names.begin(), all_command_names.end(), entry.section) !=
                all_command_names.end())
                continue;  // another command's settings
            throw input_error(where + ": unknown section [" + entry.section + "]; sections are named after " +
                              "commands: " + join_alternatives(all_command_names));
        }
        if (std::find(valid.begin(), valid.end(), entry.key) == valid.end())
            throw input_error(unknown_key_message(where, entry.key, cmd, valid));
        const std::string value = resolve_config_paths(entry.key, entry.value, folder);
        po::option option(entry.key, {value});
        option.original_tokens = {entry.key, value};
        parsed.options.push_back(std::move(option));
    }
    return parsed;
}

// --no-NAME for a switch NAME is --NAME=false: a switch an INI file turns
// on can be turned off on the command line.
std::vector<std::string> expand_negated_switches(const std::vector<std::string>& args,
                                                 const po::options_description& options) {
    std::vector<std::string> expanded;
    bool options_end = false;  // after "--", arguments are not options
    for (const auto& arg : args) {
        options_end = options_end || arg == "--";
        const po::option_description* o =
            !options_end && arg.starts_with("--no-") ? options.find_nothrow(arg.substr(5), false) : nullptr;
        // A switch is a bool option whose value may be left out (switch_value()).
        const bool is_switch = o && dynamic_cast<const po::typed_value<bool>*>(o->semantic().get()) &&
                               o->semantic()->min_tokens() == 0;
        expanded.push_back(is_switch ? "--" + arg.substr(5) + "=false" : arg);
    }
    return expanded;
}

// The repeatable options given on the command line, with their values.
std::map<std::string, std::vector<std::string>> repeated_on_command_line(const po::variables_map& vm) {
    std::map<std::string, std::vector<std::string>> given;
    for (const auto& [name, value] : vm)
        if (!value.defaulted())
            if (const auto* list = boost::any_cast<std::vector<std::string>>(&value.value())) given[name] = *list;
    return given;
}

// The key of a repeatable option's value, which a command-line value
// overrides in the config file: the name before '=' (--const El=..., --bound
// gl=..., --metric-opt v.t_start=..., --metric v=mse), or "" for values
// without one (--metric mse: the metric of every output) and for the list
// options, which the command line replaces as a whole.
std::string repeat_key(const std::string& option, const std::string& value) {
    // Options whose values name something (a constant, a bound, an input...);
    // the others (--results, --record, --plugin-dir) are lists replaced whole.
    static const char* const keyed[] = {"const", "param", "init", "input", "timed-array", "output", "bound",
                                        "opt", "metric", "metric-opt", "trace"};
    if (std::none_of(std::begin(keyed), std::end(keyed), [&](const char* k) { return option == k; })) return {};
    const auto eq = value.find('=');
    if (eq == std::string::npos) return {};
    std::string key = value.substr(0, eq);
    key.erase(0, key.find_first_not_of(" \t"));
    key.erase(key.find_last_not_of(" \t") + 1);
    return key;
}

} // namespace

// A repeatable option given in the file and on the command line: the file's
// values in their order (order matters: a constant may use earlier ones),
// each replaced by the command line's of the same key, then the command
// line's other values.
std::vector<std::string> merge_repeated(const std::string& option, const std::vector<std::string>& file,
                                        const std::vector<std::string>& command_line) {
    std::vector<std::string> merged, placed;
    const auto with_key = [&](const std::string& key) {
        std::vector<std::string> values;
        for (const auto& v : command_line)
            if (repeat_key(option, v) == key) values.push_back(v);
        return values;
    };
    for (const auto& v : file) {
        const std::string key = repeat_key(option, v);
        const auto replacement = with_key(key);
        if (replacement.empty()) {
            merged.push_back(v);
        } else if (std::find(placed.begin(), placed.end(), key) == placed.end()) {
            merged.insert(merged.end(), replacement.begin(), replacement.end());
            placed.push_back(key);
        }
    }
    for (const auto& v : command_line)
        if (std::find(placed.begin(), placed.end(), repeat_key(option, v)) == placed.end()) merged.push_back(v);
    return merged;
}

void add_common_options(po::options_description& options) {
    options.add_options()
        ("config", po::value<std::string>()->value_name("FILE"),
         "read options from an INI file (`key = value`, keys are the long option names; relative paths are "
         "relative to the file's folder; the command line wins, and --no-SWITCH turns off a switch it sets)")
        ("help,h", "show this help");
}

po::typed_value<bool>* switch_value() {
    return po::value<bool>()->default_value(false, "false")->implicit_value(true, "true")->value_name("BOOL");
}

po::variables_map parse_arguments(const command& cmd, const std::vector<std::string>& args,
                                  const std::vector<std::string>& all_command_names) {
    const po::options_description options = describe(cmd);
    po::variables_map vm;
    try {
        po::positional_options_description positional;
        if (!cmd.positional.empty()) positional.add(cmd.positional.c_str(), -1);
        po::store(po::command_line_parser(expand_negated_switches(args, options)).options(options).positional(positional).run(),
                  vm);
        if (vm.count("help")) return vm;
        if (vm.count("config")) {
            const std::string file = vm["config"].as<std::string>();
            auto from_file = config_options(file, options, cmd, all_command_names);
            const auto given = repeated_on_command_line(vm);
            std::map<std::string, std::vector<std::string>> file_values;  // of the options given on both
            std::erase_if(from_file.options, [&](const po::option& o) {
                if (!given.count(o.string_key)) return false;
                file_values[o.string_key].push_back(o.value.front());
                return true;
            });
            try {
                po::store(from_file, vm);
            } catch (const po::error& e) {
                throw usage_error("config file " + file + ": " + e.what());
            }
            for (const auto& [name, values] : file_values) vm.at(name).value() = merge_repeated(name, values, given.at(name));
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw usage_error(e.what());
    }
    return vm;
}

void print_command_help(std::ostream& out, const command& cmd) {
    out << "Usage: " << cmd.usage << "\n\n" << cmd.summary << "\n\n" << describe(cmd) << "\n";
}

void validate(boost::any& v, const std::vector<std::string>& values, whole_number*, int) {
    po::validators::check_first_occurrence(v);
    const std::string& text = po::validators::get_single_string(values);
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || end != text.data() + text.size())
        throw po::error_with_option_name("'" + text + "' for the option '%canonical_option%' is not a whole number "
                                         "(digits only, no sign), e.g. 100");
    if (ec == std::errc::result_out_of_range)
        throw po::error_with_option_name("'" + text + "' for the option '%canonical_option%' is too large");
    v = boost::any(whole_number{value});
}

std::uint64_t read_whole_number(const po::variables_map& vm, const char* flag, std::uint64_t low, std::uint64_t high) {
    const std::uint64_t value = vm[flag].as<whole_number>().value;
    if (value < low || value > high)
        throw usage_error(std::string("--") + flag + " " + std::to_string(value) + ": give a whole number from " +
                          std::to_string(low) + " to " + std::to_string(high));
    return value;
}

} // namespace cellfit::cli
