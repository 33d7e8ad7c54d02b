#include "batch_cell.hpp"
#include "fit_command.hpp"
#include "processes.hpp"

#include <cellfit/fit/results.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

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

// Writes to two streams: the cell's log and the text kept for its status.
class tee_buffer final : public std::streambuf {
public:
    tee_buffer(std::streambuf* a, std::streambuf* b) : a_(a), b_(b) {}

protected:
    int overflow(int c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        const char ch = traits_type::to_char_type(c);
        return a_->sputc(ch) == traits_type::eof() || b_->sputc(ch) == traits_type::eof() ? traits_type::eof() : c;
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
    std::string reason, last;
    for (std::string line; std::getline(lines, line);) {
        if (line.find("error: ") != std::string::npos) reason = line.substr(line.find("error: ") + 7);
        if (!line.empty()) last = line;
    }
    if (reason.empty()) reason = last;
    for (char& c : reason)
        if (c == '\n' || c == '\r') c = ' ';
    return reason.empty() ? std::string("the fit ended with an error (see the log)") : reason;
}

// A shell word: the logged command pastes back into a shell.
std::string shell_quoted(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

} // namespace

flag_values shared_flags(const po::variables_map& vm) {
    flag_values shared;
    for (const auto& [name, value] : vm)
        if (!value.defaulted() && !batch_owns_flag(name)) shared[name] = as_texts(value.value());
    return shared;
}

std::vector<std::string> fit_arguments(const flag_values& shared, const manifest_cell& cell,
                                       const po::options_description& fit_options, const flag_values& batch_set) {
    flag_values values = shared;
    flag_values from_cell;
    for (const auto& [flag, value] : cell.flags) from_cell[flag].push_back(value);
    for (const auto& [flag, list] : from_cell)
        values[flag] = repeatable_flag(fit_options, flag) && values.count(flag) ? merge_repeated(flag, values[flag], list)
                                                                                 : list;
    for (const auto& [flag, list] : batch_set) values[flag] = list;
    std::vector<std::string> args;
    for (const auto& [flag, list] : values)
        for (const auto& v : list) args.push_back("--" + flag + "=" + v);
    return args;
}

std::string seconds_text(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", seconds);
    return text;
}

cell_outcome fit_cell(const batch_settings& b, const manifest_cell& cell, bool resume) {
    const auto start = std::chrono::steady_clock::now();
    const std::string results = (fs::path(b.out) / (cell.name + ".json")).string();
    const std::string log = (fs::path(b.out) / (cell.name + ".log")).string();
    const auto seconds = [&] {
        return seconds_text(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    };
    const auto failed = [&](const std::string& reason) {
        return cell_outcome{summary_row{cell.name, "failed: " + reason, {{"seconds", seconds()}}}, false};
    };
    try {
        flag_values batch_set{{"results", {results}}, {"callback", {"none"}}};
        if (b.reports) batch_set["report"] = {(fs::path(b.out) / (cell.name + ".html")).string()};
        std::string resumed;
        std::error_code ec;
        if (resume && fs::exists(results, ec)) {
            try {
                const fit_results recorded = read_results(results);
                const auto description =
                    nlohmann::json::parse(recorded.description.empty() ? "{}" : recorded.description);
                const std::size_t planned = description.value("planned_rounds", std::size_t{0});
                const std::size_t more = planned > recorded.n_rounds ? planned - recorded.n_rounds : 0;
                batch_set["resume"] = {results};
                batch_set["rounds"] = {std::to_string(more)};
                resumed = "# resumed after " + std::to_string(recorded.n_rounds) + " of " + std::to_string(planned) +
                          " rounds";
            } catch (const std::exception& e) {
                return failed(std::string(e.what()) + "; remove " + results + " to fit the cell anew");
            }
        }
        // A resumed cell's log goes on after the interrupted part.
        std::ofstream log_file(log, resumed.empty() ? std::ios::trunc : std::ios::app);
        if (!log_file) return failed("cannot write its log " + log);
        std::ostringstream errors;
        tee_buffer err_buffer(log_file.rdbuf(), errors.rdbuf());
        std::ostream err(&err_buffer);
        io cell_io{log_file, err};
        const std::vector<std::string> args = fit_arguments(b.shared, cell, b.fit_options, batch_set);
        if (processes().size() > 1)
            log_file << "# on MPI rank " << processes().rank() << " of " << processes().size() << "\n";
        if (!resumed.empty()) log_file << resumed << "\n";
        log_file << "cellfit fit";
        for (const auto& a : args) log_file << " " << shell_quoted(a);
        log_file << "\n" << std::flush;
        int code = 1;
        try {
            code = run_fit_in_this_process(parse_arguments(fit_command(), args, {"fit"}), cell_io);
        } catch (const std::exception& e) {
            err << "cellfit fit: error: " << e.what() << "\n";
        }
        err.flush();
        if (code >= 128)  // a signal stopped the fit after a round; its results file resumes it
            return {summary_row{cell.name, "stopped: interrupted; run the batch again to resume it", {{"seconds", seconds()}}},
                    true};
        if (code != 0) return failed(failure_reason(errors.str()));
        try {
            return {finished_row(cell.name, read_results(results), seconds()), false};
        } catch (const std::exception& e) {
            return failed(std::string("its results cannot be read back: ") + e.what());
        }
    } catch (const std::exception& e) {  // the file system, memory: the cell fails, the batch goes on
        return failed(e.what());
    }
}

} // namespace cellfit::cli
