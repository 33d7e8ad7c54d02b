#pragma once

#include <cellfit/error.hpp>

#include <boost/program_options.hpp>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace cellfit::cli {

namespace po = boost::program_options;

// Wrong use of the command itself (unknown flag, missing value): exit code 2,
// with a pointer to the command's help.
class usage_error : public input_error {
public:
    using input_error::input_error;
};

struct io {
    std::ostream& out;
    std::ostream& err;
};

// A subcommand of `cellfit`.
struct command {
    std::string name;
    std::string summary;  // one line, for `cellfit help`
    std::string usage;    // e.g. "cellfit plugins [options]"
    std::function<void(po::options_description&)> add_options;
    std::function<int(const po::variables_map&, io&)> run;  // returns the exit code
    // INI sections it reads besides its own (`batch` reads [fit] too).
    std::vector<std::string> also_reads_sections{};
    // The option that words without a flag are values of (`cellfit report
    // r.json`); empty: none are accepted.
    std::string positional{};
};

// The options every subcommand has: --help and --config.
void add_common_options(po::options_description& options);

// Parses the arguments after the subcommand's name, then the --config file,
// whose keys are the long option names (outside any section or in a section
// named after the subcommand; other commands' sections are ignored). The
// command line wins over the file. Throws usage_error or input_error.
po::variables_map parse_arguments(const command& cmd, const std::vector<std::string>& args,
                                  const std::vector<std::string>& all_command_names);

// A repeatable option given twice over (an INI file and the command line;
// a batch's shared flags and a cell's): the first values in their order,
// each replaced by the second's of the same key (the name before '=' of
// --const, --param, --init, --input, --timed-array, --output, --bound, --opt,
// --metric, --metric-opt, --trace), then the second's other values. Options
// without keys (--results, --plugin-dir) are replaced whole.
std::vector<std::string> merge_repeated(const std::string& option, const std::vector<std::string>& first,
                                        const std::vector<std::string>& second);

// An on/off option: `--refine` (or `--refine=true`) turns it on, and
// `--refine=false` or `--no-refine` off, e.g. over an INI file's setting.
po::typed_value<bool>* switch_value();

// The full help text of a command: usage, summary, options.
void print_command_help(std::ostream& out, const command& cmd);

// A count typed on the command line (--neurons, --samples, --rounds, ...):
// digits only, no sign, no overflow. Boost would read "-5" as 2**64 - 5.
struct whole_number {
    std::uint64_t value = 0;
};
void validate(boost::any& v, const std::vector<std::string>& values, whole_number*, int);

// The value of a whole-number flag, checked against [low, high]: usage_error
// naming the flag and the range otherwise.
std::uint64_t read_whole_number(const po::variables_map& vm, const char* flag, std::uint64_t low, std::uint64_t high);

} // namespace cellfit::cli
