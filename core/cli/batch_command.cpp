// `cellfit batch`: the cells of a manifest, each fitted as `cellfit fit`
// would with the shared flags plus its own (batch_cell.cpp), results in
// DIR/<name>.json and a summary in DIR/summary.csv. Cells are handed out
// over the processes (processes.hpp); a cell that fails is recorded and the
// batch goes on; a second run keeps the finished cells, resumes interrupted
// ones and fits failed ones anew.

#include "batch_cell.hpp"
#include "batch_command.hpp"
#include "fit_command.hpp"
#include "processes.hpp"
#include "stop_signals.hpp"
#include "table_options.hpp"

#include <atomic>
#include <csignal>
#include <filesystem>
#include <ostream>
#include <unistd.h>

namespace cellfit::cli {

namespace {

namespace fs = std::filesystem;

// What an earlier run left, and what this one does with each cell.
struct batch_plan {
    std::vector<summary_row> rows;     // manifest order
    std::vector<std::size_t> pending;  // the tasks: cell * 2 + 1 to resume its results file, cell * 2 to fit it anew
    std::size_t finished = 0;
};

// A cell an earlier run finished (ok, results present) is kept. One it
// interrupted is resumed from its results file. A failed one, and every one
// with --refit, is fitted anew; its earlier results go to DIR/previous/.
batch_plan plan_batch(const std::vector<manifest_cell>& cells, const std::string& out, bool refit) {
    const auto previous = refit ? std::map<std::string, summary_row>{} : read_summary((fs::path(out) / "summary.csv").string());
    batch_plan plan;
    for (std::size_t k = 0; k < cells.size(); ++k) {
        const fs::path results = fs::path(out) / (cells[k].name + ".json");
        const auto it = previous.find(cells[k].name);
        const bool has_results = fs::exists(results);
        if (it != previous.end() && it->second.status == "ok" && has_results) {
            plan.rows.push_back(it->second);
            ++plan.finished;
            continue;
        }
        plan.rows.push_back({cells[k].name, "not run: the batch stopped before it; run it again", {}});
        const bool anew = refit || (it != previous.end() && it->second.status.starts_with("failed"));
        if (has_results && anew) {
            fs::create_directories(fs::path(out) / "previous");
            fs::rename(results, fs::path(out) / "previous" / (cells[k].name + ".json"));
        }
        plan.pending.push_back(k * 2 + (has_results && !anew ? 1 : 0));
    }
    return plan;
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
    refuse_unjoined_copies("cellfit batch");
    process_group& group = processes();
    const bool first = group.rank() == 0;
    for (const char* owned : {"results", "resume", "restart", "callback", "generate", "report"})
        if (first && vm.count(owned) && !vm[owned].defaulted())
            io.err << "cellfit batch: note: --" << owned << " (given, or in the INI file) is not used: the batch "
                   << "chooses it for each cell (results in DIR/<name>.json, resumed when interrupted"
                   << (std::string(owned) == "report" ? "; --reports writes DIR/<name>.html" : "") << ")\n";
    batch_settings b;
    b.out = vm["out"].as<std::string>();
    b.reports = vm["reports"].as<bool>();
    fit_command().add_options(b.fit_options);
    b.shared = shared_flags(vm);
    const std::string threads = std::to_string(read_threads(vm));
    b.shared["threads"] = {threads};  // a cell's own `threads` column wins
    const std::string summary_file = (fs::path(b.out) / "summary.csv").string();

    // Every process reads the manifest; rank 0 plans. A process that cannot
    // answers every cell it is given with why, and stops the batch.
    std::vector<manifest_cell> cells;
    batch_plan plan;
    std::string setup_error;
    try {
        cells = read_manifest(vm["manifest"].as<std::string>(), b.fit_options);
        if (first) {
            std::error_code ec;
            fs::create_directories(b.out, ec);
            if (!fs::is_directory(b.out))
                throw input_error("--out " + b.out + ": cannot create the folder" + (ec ? ": " + ec.message() : std::string()));
            plan = plan_batch(cells, b.out, vm["refit"].as<bool>());
            write_summary(summary_file, plan.rows);
        }
    } catch (const std::exception& e) {
        if (first) {
            group.run_tasks({}, {}, {}, [] { return true; });  // the other processes are not kept waiting
            throw;
        }
        setup_error = e.what();
    }
    if (first) {
        io.out << "cellfit batch: " << cells.size() << (cells.size() == 1 ? " cell" : " cells") << " of "
               << vm["manifest"].as<std::string>() << ", " << plan.finished << " finished before, "
               << plan.pending.size() << " to fit";
        if (group.size() > 1) io.out << " over " << group.size() << " MPI ranks";
        io.out << " (" << threads << (threads == "1" ? " thread" : " threads") << " each); results in " << b.out
               << "\n" << std::flush;
    }

    // A signal stops the cell in flight after its round (a cell that starts
    // after it stops after its first round) and the batch before its next cell.
    const stop_signal_guard signals;
    std::atomic<bool> summary_failed{false};
    std::string summary_error;
    const bool terminal = isatty(STDERR_FILENO);
    std::size_t done = 0, failures = 0;
    const auto work = [&](std::size_t task) -> process_group::task_result {
        const std::size_t cell = task / 2;
        if (!setup_error.empty() || cell >= cells.size()) {
            const summary_row row{"", "failed: rank " + std::to_string(group.rank()) + " could not set up: " +
                                          (setup_error.empty() ? "its manifest has no such cell" : setup_error), {}};
            return {row.fields(), true};
        }
        const cell_outcome outcome = fit_cell(b, cells[cell], task % 2 == 1);
        return {outcome.row.fields(), outcome.stopped};
    };
    const auto collect = [&](std::size_t task, const process_group::task_result& result) {
        if (result.fields.empty()) return;  // handed out, not run: the process was stopping
        const std::size_t cell = task / 2;
        summary_row row = summary_row::from_fields(result.fields);
        row.cell = cells[cell].name;
        plan.rows[cell] = row;
        ++done;
        failures += row.status.starts_with("failed") ? 1 : 0;
        try {
            write_summary(summary_file, plan.rows);
        } catch (const std::exception& e) {  // the cells' own results are written; stop before losing more
            summary_error = e.what();
            summary_failed.store(true);
        }
        print_progress(io.err, done, plan.pending.size(), failures, terminal);
    };
    if (first && !plan.pending.empty()) print_progress(io.err, 0, plan.pending.size(), 0, terminal);
    group.run_tasks(plan.pending, work, collect,
                    [&] { return received_stop_signal() != 0 || summary_failed.load(); });
    if (!first) return 0;

    std::size_t ok = 0, unfinished = 0;
    for (const auto& r : plan.rows) {
        ok += r.status == "ok" ? 1 : 0;
        unfinished += r.status.starts_with("stopped") || r.status.starts_with("not run") ? 1 : 0;
    }
    io.out << "cellfit batch: " << ok << " of " << cells.size() << " cells fitted, " << failures << " failed"
           << (unfinished ? ", " + std::to_string(unfinished) + " not finished" : std::string()) << "; summary in "
           << summary_file << "\n";
    if (summary_failed.load()) {
        io.err << "cellfit batch: error: the summary could not be written (" << summary_error
               << "); the finished cells' results are in " << b.out << ": free the space and run again\n";
        return 1;
    }
    if (unfinished) {
        const int number = received_stop_signal();
        io.err << "cellfit batch: stopped" << (number == SIGTERM ? " (SIGTERM)" : number == SIGHUP ? " (SIGHUP)" : "")
               << "; the finished cells are kept: run the same command again to fit the rest and resume the "
                  "interrupted ones\n";
        return number ? 128 + number : 1;
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
                ("reports", switch_value(), "write each cell's report page, DIR/<name>.html (as cellfit fit --report)")
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
