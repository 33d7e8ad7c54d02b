// `cellfit batch`: the cells of a manifest, each fitted as `cellfit fit`
// would with the shared flags plus its own, results in DIR/<name>.json and
// a summary in DIR/summary.csv. Cells are handed out over the processes
// (processes.hpp); a cell that fails is recorded and the batch goes on; a
// second run skips the finished cells and resumes an interrupted one.

#include "batch_command.hpp"
#include "batch_manifest.hpp"
#include "batch_summary.hpp"
#include "fit_command.hpp"
#include "processes.hpp"
#include "stop_signals.hpp"
#include "table_options.hpp"

#include <cellfit/io/numbers.hpp>
#include <cellfit/units/quantity.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdio>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>
#include <unistd.h>

namespace cellfit::cli {

namespace {

namespace fs = std::filesystem;

// An option's value as the command line writes it.
std::vector<std::string> as_texts(const boost::any& value) {
    if (const auto* s = boost::any_cast<std::string>(&value)) return {*s};
    if (const auto* list = boost::any_cast<std::vector<std::string>>(&value)) return *list;
    if (const auto* b = boost::any_cast<bool>(&value)) return {*b ? "true" : "false"};
    if (const auto* n = boost::any_cast<whole_number>(&value)) return {std::to_string(n->value)};
    if (const auto* n = boost::any_cast<std::uint64_t>(&value)) return {std::to_string(*n)};
    throw internal_error("cellfit batch cannot pass on an option of this type");
}

bool repeatable(const po::options_description& options, const std::string& name) {
    const po::option_description* o = options.find_nothrow(name, false);
    return o && dynamic_cast<const po::typed_value<std::vector<std::string>>*>(o->semantic().get());
}

std::string seconds_text(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", seconds);
    return text;
}

using flag_values = std::map<std::string, std::vector<std::string>>;

// The fit flags every cell shares: the batch's own options, the --config
// file merged in (its paths already relative to the file), minus the
// batch's own flags.
flag_values shared_flags(const po::variables_map& vm) {
    flag_values shared;
    for (const auto& [name, value] : vm)
        if (!value.defaulted() && !batch_owns_flag(name)) shared[name] = as_texts(value.value());
    return shared;
}

// The arguments of `cellfit fit` for a cell: the shared flags, the cell's
// over them (a repeatable flag's values by key, as the command line over an
// INI file), then what the batch sets.
std::vector<std::string> fit_arguments(const flag_values& shared, const manifest_cell& cell,
                                       const po::options_description& fit_options, const flag_values& batch_set) {
    flag_values values = shared;
    flag_values from_cell;
    for (const auto& [flag, value] : cell.flags) from_cell[flag].push_back(value);
    for (const auto& [flag, list] : from_cell)
        values[flag] = repeatable(fit_options, flag) && values.count(flag) ? merge_repeated(flag, values[flag], list) : list;
    for (const auto& [flag, list] : batch_set) values[flag] = list;
    std::vector<std::string> args;
    for (const auto& [flag, list] : values)
        for (const auto& v : list) args.push_back("--" + flag + "=" + v);
    return args;
}

// Writes to two streams: the cell's log and the text kept for its status.
class tee_buffer final : public std::streambuf {
public:
    tee_buffer(std::streambuf* a, std::streambuf* b) : a_(a), b_(b) {}

protected:
    int overflow(int c) override {
        if (c == EOF) return !EOF;
        return a_->sputc(static_cast<char>(c)) == EOF || b_->sputc(static_cast<char>(c)) == EOF ? EOF : c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        a_->sputn(s, n);
        return b_->sputn(s, n);
    }
    int sync() override { return a_->pubsync() | b_->pubsync(); }

private:
    std::streambuf* a_;
    std::streambuf* b_;
};

// The last line that says what went wrong, for the summary's status.
std::string failure_reason(const std::string& errors) {
    std::istringstream lines(errors);
    std::string reason;
    for (std::string line; std::getline(lines, line);)
        if (line.find("error: ") != std::string::npos) reason = line.substr(line.find("error: ") + 7);
    if (reason.empty()) {
        std::istringstream again(errors);
        for (std::string line; std::getline(again, line);)
            if (!line.empty() && line.front() != '\r') reason = line;
    }
    for (char& c : reason)
        if (c == '\n' || c == '\r') c = ' ';
    return reason.empty() ? std::string("the fit ended with an error (see the log)") : reason;
}

struct batch_settings {
    std::string out;
    po::options_description fit_options{"fit"};
    flag_values shared;
    std::string threads;  // --threads for each cell
};

// Fits one cell: a fresh fit, or the resumption of an interrupted one
// (its results file is there and its rounds are not all done).
process_group::task_result fit_cell(const batch_settings& b, const manifest_cell& cell) {
    const auto start = std::chrono::steady_clock::now();
    const std::string results = (fs::path(b.out) / (cell.name + ".json")).string();
    const std::string log = (fs::path(b.out) / (cell.name + ".log")).string();
    const auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    const auto failed = [&](const std::string& reason) {
        return process_group::task_result{summary_row{cell.name, "failed: " + reason, {{"seconds", seconds_text(seconds())}}}.fields(), false};
    };
    flag_values batch_set{{"results", {results}}, {"callback", {"none"}}, {"threads", {b.threads}}};
    std::string resumed;
    if (fs::exists(results)) {
        try {
            const fit_results recorded = read_results(results);
            const auto description = nlohmann::json::parse(recorded.description.empty() ? "{}" : recorded.description);
            const std::size_t planned = description.value("planned_rounds", std::size_t{0});
            const std::size_t more = planned > recorded.n_rounds ? planned - recorded.n_rounds : 0;
            batch_set["resume"] = {results};
            batch_set["rounds"] = {std::to_string(more)};
            resumed = "resumed after " + std::to_string(recorded.n_rounds) + " of " + std::to_string(planned) + " rounds";
        } catch (const std::exception& e) {
            return failed(std::string(e.what()) + "; remove " + results + " to fit the cell anew");
        }
    }
    std::ofstream log_file(log, std::ios::trunc);
    if (!log_file) return failed("cannot write its log " + log);
    std::ostringstream errors;
    tee_buffer err_buffer(log_file.rdbuf(), errors.rdbuf());
    std::ostream err(&err_buffer);
    io cell_io{log_file, err};
    const std::vector<std::string> args = fit_arguments(b.shared, cell, b.fit_options, batch_set);
    if (processes().size() > 1) log_file << "# on MPI rank " << processes().rank() << " of " << processes().size() << "\n";
    log_file << "cellfit fit";
    for (const auto& a : args) log_file << " '" << a << "'";
    log_file << "\n" << (resumed.empty() ? "" : resumed + "\n") << std::flush;
    int code = 1;
    try {
        code = run_fit_in_this_process(parse_arguments(fit_command(), args, {"fit"}), cell_io);
    } catch (const std::exception& e) {
        err << "cellfit fit: error: " << e.what() << "\n";
        code = 1;
    }
    err.flush();
    if (code >= 128) {  // a signal stopped the fit after a round; its results file resumes it
        summary_row row{cell.name, "stopped: interrupted; run the batch again to resume it", {{"seconds", seconds_text(seconds())}}};
        return {row.fields(), true};
    }
    if (code != 0) return failed(failure_reason(errors.str()));
    try {
        return {finished_row(cell.name, read_results(results), seconds()).fields(), false};
    } catch (const std::exception& e) {
        return failed(std::string("its results cannot be read back: ") + e.what());
    }
}

// "[#####     ] 12/24 cells  2 failed"
void print_progress(std::ostream& out, std::size_t done, std::size_t total, std::size_t failed, bool terminal) {
    constexpr int width = 30;
    const int filled = total ? static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total)) : width;
    out << (terminal ? "\r" : "") << "[" << std::string(static_cast<std::size_t>(filled), '#')
        << std::string(static_cast<std::size_t>(width - filled), ' ') << "] " << done << "/" << total << " cells"
        << (failed ? "  " + std::to_string(failed) + " failed" : std::string()) << (terminal ? "   " : "\n");
    if (terminal && done == total) out << "\n";
    out << std::flush;
}

int run_batch(const po::variables_map& vm, io& io) {
    if (!vm.count("manifest")) throw usage_error("--manifest FILE.csv is required: one row per cell");
    if (!vm.count("out")) throw usage_error("--out DIR is required: the folder for the cells' results and the summary");
    for (const char* owned : {"results", "resume", "restart", "callback", "generate"})
        if (vm.count(owned) && !vm[owned].defaulted())
            throw usage_error(std::string("--") + owned + " is chosen by the batch for each cell (results in DIR/<name>.json, "
                                                          "resumed when interrupted); leave it out");
    process_group& group = processes();
    batch_settings b;
    b.out = vm["out"].as<std::string>();
    fit_command().add_options(b.fit_options);
    b.shared = shared_flags(vm);
    b.threads = std::to_string(read_threads(vm));
    const std::string summary_file = (fs::path(b.out) / "summary.csv").string();

    std::vector<manifest_cell> cells;
    std::string setup_error;
    try {
        cells = read_manifest(vm["manifest"].as<std::string>(), b.fit_options);
        if (group.rank() == 0) {
            std::error_code ec;
            fs::create_directories(b.out, ec);
            if (!fs::is_directory(b.out))
                throw input_error("--out " + b.out + ": cannot create the folder" + (ec ? ": " + ec.message() : std::string()));
        }
    } catch (const std::exception& e) {
        if (group.rank() == 0) {
            group.run_tasks({}, {}, {}, [] { return true; });  // the other processes are not kept waiting
            throw;
        }
        setup_error = e.what();
    }

    // Rank 0 decides what runs: every cell unless an earlier run finished it.
    std::vector<summary_row> rows;
    std::vector<std::size_t> pending;
    if (group.rank() == 0) {
        const auto previous = vm["refit"].as<bool>() ? std::map<std::string, summary_row>{} : read_summary(summary_file);
        for (std::size_t k = 0; k < cells.size(); ++k) {
            const auto it = previous.find(cells[k].name);
            const bool finished = it != previous.end() && it->second.status == "ok" &&
                                  fs::exists(fs::path(b.out) / (cells[k].name + ".json"));
            if (finished) {
                rows.push_back(it->second);
            } else {
                rows.push_back({cells[k].name, "not run: the batch stopped before it; run it again", {}});
                pending.push_back(k);
                if (vm["refit"].as<bool>()) fs::remove(fs::path(b.out) / (cells[k].name + ".json"));
            }
        }
        io.out << "cellfit batch: " << cells.size() << (cells.size() == 1 ? " cell" : " cells") << " of "
               << vm["manifest"].as<std::string>() << ", " << cells.size() - pending.size() << " finished before, "
               << pending.size() << " to fit";
        if (group.size() > 1) io.out << " over " << group.size() << " MPI ranks";
        io.out << " (" << b.threads << (b.threads == "1" ? " thread" : " threads") << " each); results in " << b.out
               << "\n" << std::flush;
        write_summary(summary_file, rows);
    }

    // A signal stops the cell in flight after its round (a cell that starts
    // after it stops at once) and the batch before its next cell.
    const stop_signal_guard signals;
    const bool terminal = isatty(STDERR_FILENO);
    std::size_t done = 0, failures = 0;
    bool stopped = false;
    // A task is a cell's index in the manifest, which every process has read.
    const auto work = [&](std::size_t cell) -> process_group::task_result {
        if (!setup_error.empty() || cell >= cells.size())
            return {summary_row{"", "failed: rank " + std::to_string(group.rank()) + ": " +
                                        (setup_error.empty() ? "its manifest has no such cell" : setup_error), {}}.fields(),
                    false};
        return fit_cell(b, cells[cell]);
    };
    const auto collect = [&](std::size_t cell, const process_group::task_result& result) {
        if (result.fields.empty()) return;  // handed out, not run: the process was stopping
        summary_row row = summary_row::from_fields(result.fields);
        row.cell = cells[cell].name;
        rows[cell] = row;
        ++done;
        failures += row.status.starts_with("failed") ? 1 : 0;
        stopped = stopped || result.stopped;
        write_summary(summary_file, rows);
        print_progress(io.err, done, pending.size(), failures, terminal);
    };
    if (group.rank() == 0 && !pending.empty()) print_progress(io.err, 0, pending.size(), 0, terminal);
    group.run_tasks(pending, work, collect, [] { return received_stop_signal() != 0; });
    if (group.rank() > 0) return 0;

    stopped = stopped || received_stop_signal() != 0;
    std::size_t ok = 0;
    for (const auto& r : rows) ok += r.status == "ok" ? 1 : 0;
    io.out << "cellfit batch: " << ok << " of " << cells.size() << " cells fitted, " << failures << " failed"
           << (stopped ? ", stopped early" : "") << "; summary in " << summary_file << "\n";
    if (stopped) {
        const int number = received_stop_signal();
        io.err << "cellfit batch: stopped" << (number == SIGTERM ? " (SIGTERM)" : number == SIGHUP ? " (SIGHUP)" : "")
               << "; the finished cells are kept: run the same command again to fit the rest and resume the "
                  "interrupted ones\n";
        return 128 + (number ? number : SIGINT);
    }
    return failures ? 1 : 0;
}

} // namespace

command batch_command() {
    return {
        "batch",
        "Fit every cell of a manifest (one fit per row), over MPI ranks under mpirun.",
        "cellfit batch --manifest cells.csv --out DIR [fit options, or --config fit.ini]",
        [](po::options_description& options) {
            options.add_options()
                ("manifest", po::value<std::string>()->value_name("FILE.csv"),
                 "the cells: a CSV file with a header; column `name` names each cell, the others are fit flags "
                 "(output, spikes, input, param, init, bound, ...) with values as on the command line, several "
                 "separated by ';'; paths relative to the manifest's folder")
                ("out", po::value<std::string>()->value_name("DIR"),
                 "the folder for DIR/<name>.json (each cell's results), DIR/<name>.log and DIR/summary.csv")
                ("refit", switch_value(),
                 "fit every cell anew (by default a cell an earlier run finished is kept, and an interrupted one "
                 "is resumed)");
            fit_command().add_options(options);
        },
        run_batch,
        {"fit"},  // a fit's INI file serves the batch as it is
    };
}

} // namespace cellfit::cli
