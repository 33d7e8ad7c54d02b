// The `cellfit` command: dispatches to subcommands and turns errors into
// messages and exit codes (0 success, 1 the job failed, 2 bad usage or input).

#include "batch_command.hpp"
#include "check_command.hpp"
#include "command_line.hpp"
#include "features_command.hpp"
#include "fit_command.hpp"
#include "plugins_command.hpp"
#include "processes.hpp"
#include "report_command.hpp"
#include "simulate_command.hpp"

#include <cellfit/abi.hpp>
#include <cellfit/suggest.hpp>
#include <cellfit/version.hpp>

#include <algorithm>
#include <iostream>

namespace cli = cellfit::cli;

namespace {

constexpr int exit_success = 0;
constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

std::vector<cli::command> make_commands() {
    std::vector<cli::command> commands;
    commands.push_back(cli::batch_command());
    commands.push_back(cli::check_command());
    commands.push_back(cli::features_command());
    commands.push_back(cli::fit_command());
    commands.push_back(cli::generate_command());
    commands.push_back(cli::refine_command());
    commands.push_back(cli::report_command());
    commands.push_back(cli::plugins_command());
    commands.push_back(cli::simulate_command());
    return commands;
}

std::vector<std::string> command_names(const std::vector<cli::command>& commands) {
    std::vector<std::string> names{"help"};
    for (const auto& c : commands) names.push_back(c.name);
    return names;
}

void print_version(std::ostream& out) {
    out << "cellfit " CELLFIT_VERSION_STRING " (plugin ABI " << CELLFIT_ABI_VERSION << "." << CELLFIT_ABI_MINOR
        << ", " CELLFIT_ABI_TAG ")\n"
        << cli::mpi_description() << "\n";
}

void print_overview(std::ostream& out, const std::vector<cli::command>& commands) {
    out << "cellfit " CELLFIT_VERSION_STRING ": fit neuron models written in Brian 2 syntax to recordings.\n\n"
           "Usage: cellfit <command> [options]\n"
           "       cellfit --version | --help\n\n"
           "Commands:\n";
    const std::string help = "help [COMMAND]";
    std::size_t width = help.size();
    for (const auto& c : commands) width = std::max(width, c.name.size());
    const auto row = [&](const std::string& name, const std::string& summary) {
        out << "  " << name << std::string(width - name.size() + 2, ' ') << summary << "\n";
    };
    row(help, "show this overview, or the options of COMMAND");
    for (const auto& c : commands) row(c.name, c.summary);
    out << "\nEvery command takes --help, and --config FILE to read its options from an INI file.\n"
           "Exit codes: 0 success, 1 the job failed, 2 bad usage or bad input.\n";
}

const cli::command* find_command(const std::vector<cli::command>& commands, const std::string& name) {
    for (const auto& c : commands)
        if (c.name == name) return &c;
    return nullptr;
}

[[noreturn]] void unknown_command(const std::vector<cli::command>& commands, const std::string& name) {
    const auto close = cellfit::closest_names(name, command_names(commands));
    throw cli::usage_error("unknown command '" + name + "'" +
                           (close.empty() ? "" : " (did you mean '" + close.front() + "'?)") +
                           "; run 'cellfit help' for the list");
}

int run(const std::vector<std::string>& args, cli::io& io, std::string& context) {
    const auto commands = make_commands();
    if (args.empty()) {
        print_overview(io.err, commands);
        return exit_usage;
    }
    const std::string& first = args.front();
    if (first == "--version" || first == "-V") {
        print_version(io.out);
        return exit_success;
    }
    if (first == "--help" || first == "-h" || first == "help") {
        if (args.size() > 2) throw cli::usage_error("help takes at most one command name");
        if (args.size() == 2 && first == "help") {
            const auto* c = find_command(commands, args[1]);
            if (!c) unknown_command(commands, args[1]);
            cli::print_command_help(io.out, *c);
        } else {
            print_overview(io.out, commands);
        }
        return exit_success;
    }
    if (first.starts_with("-"))
        throw cli::usage_error("'" + first + "' must follow a command; run 'cellfit help' for the list");

    const auto* c = find_command(commands, first);
    if (!c) unknown_command(commands, first);
    context = "cellfit " + c->name;
    const auto vm = cli::parse_arguments(*c, {args.begin() + 1, args.end()}, command_names(commands));
    if (vm.count("help")) {
        cli::print_command_help(io.out, *c);
        return exit_success;
    }
    return c->run(vm, io);
}

// `escaped`: an error ended the command (the other processes of an MPI job
// may then wait for this one forever).
int run_and_report(const std::vector<std::string>& args, cli::io& io, bool& escaped) {
    std::string context = "cellfit";
    escaped = true;
    // Which rank speaks, when several print the same error.
    const auto& group = cli::processes();
    const auto where = [&] {
        return context + (group.size() > 1 ? " (rank " + std::to_string(group.rank()) + ")" : std::string());
    };
    try {
        const int code = run(args, io, context);
        escaped = false;
        return code;
    } catch (const cli::usage_error& e) {
        io.err << where() << ": error: " << e.what() << "\n"
               << "Run '" << (context == "cellfit" ? "cellfit help" : "cellfit help " + context.substr(8))
               << "' for usage.\n";
        return exit_usage;
    } catch (const cellfit::input_error& e) {
        io.err << where() << ": error: " << e.what() << "\n";
        return exit_usage;
    } catch (const std::exception& e) {
        io.err << where() << ": error: " << e.what() << "\n";
        return exit_failure;
    }
}

} // namespace

int main(int argc, char** argv) {
    // Under mpirun or srun (and built with MPI) this process is one rank of a job.
    cli::join_processes(argc, argv);
    cli::io io{std::cout, std::cerr};
    bool escaped = false;
    const int code = run_and_report({argv + 1, argv + argc}, io, escaped);
    if (escaped) {  // never leave the other ranks waiting
        io.err << std::flush;
        cli::abort_processes(code);
    }
    cli::leave_processes();
    return code;
}
