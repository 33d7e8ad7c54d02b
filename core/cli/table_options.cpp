#include "table_options.hpp"
#include "processes.hpp"
#include "model_options.hpp"

#include <cellfit/fit/data_files.hpp>
#include <cellfit/io/csv.hpp>
#include <cellfit/units/quantity.hpp>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace cellfit::cli {

table_flag split_table_flag(const std::string& flag, const std::string& text) {
    const auto [name, rest] = split_flag(flag, text, '=', "I=input.csv:nA");
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size())
        throw usage_error("--" + flag + " " + text + ": expected NAME=FILE.csv:UNIT, e.g. --" + flag + " I=input.csv:nA");
    return {name, rest.substr(0, colon), rest.substr(colon + 1)};
}

std::vector<std::string> split_top_level(const std::string& text) {
    std::vector<std::string> parts;
    int depth = 0;
    std::string current;
    for (char c : text) {
        if (c == '(') ++depth;
        if (c == ')') --depth;
        if (c == ',' && depth == 0) {
            parts.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    parts.push_back(current);
    return parts;
}

lookup_table read_table(const table_flag& t, const std::string& flag, const model& m, dimension& dim) {
    const quantity unit = evaluate_quantity(t.unit, "--" + flag + " " + t.name + " unit", m.constants);
    dim = unit.dim;
    try {
        return read_input_table(t.file, unit);
    } catch (const input_error& e) {
        throw input_error(std::string(e.what()) + " (--" + flag + " " + t.name + ")");
    }
}

double read_duration(const po::variables_map& vm, const char* flag, const model& m) {
    const quantity q = evaluate_quantity(vm[flag].as<std::string>(), std::string("--") + flag, m.constants);
    if (!(q.dim == dimension::of(dimension::time)) || !(q.value > 0))
        throw usage_error(std::string("--") + flag + " must be a positive duration, e.g. 0.1*ms; got " +
                          vm[flag].as<std::string>());
    return q.value;
}

double read_quantity(const std::string& text, const std::string& flag, const model& m, const dimension& dim) {
    const quantity q = evaluate_quantity(text, flag, m.constants);
    if (!(q.dim == dim))
        throw usage_error(flag + " " + text + ": has unit " + unit_name(q.dim) + ", expected " + unit_name(dim));
    return q.value;
}

void write_rows(const std::string& file, const std::vector<std::vector<double>>& rows) {
    std::vector<const double*> data;
    std::vector<std::size_t> lengths;
    for (const auto& r : rows) {
        data.push_back(r.data());
        lengths.push_back(r.size());
    }
    write_csv(file, data, lengths);
}

void write_generated(const std::string& prefix, const fitter::generated& generated, std::ostream& out) {
    for (const auto& [var, rows] : generated.traces) {
        write_rows(prefix + "_" + var + ".csv", rows);
        out << "wrote " << prefix << "_" << var << ".csv (" << rows.size() << " traces, SI units)\n";
    }
    if (!generated.spikes.empty()) {
        std::size_t n = 0;
        for (const auto& r : generated.spikes) n += r.size();
        write_rows(prefix + "_spikes.csv", generated.spikes);
        out << "wrote " << prefix << "_spikes.csv (" << n << " spikes, seconds)\n";
    }
}

void add_backend_options(po::options_description& options) {
    options.add_options()
        ("backend", po::value<std::string>()->default_value("compiled")->value_name("NAME"),
         "a backend plugin (cellfit plugins --kind backend): compiled, C++ generated from the model, built by the "
         "system compiler and cached (CELLFIT_CACHE_DIR, else ~/.cache/cellfit); interp, the interpreter, which needs "
         "no compiler")
        ("threads", po::value<whole_number>()->default_value(whole_number{0}, "0")->value_name("N"),
         "threads over neurons; 0: one per core, shared among the MPI ranks on the machine (results do not depend "
         "on it)");
}

unsigned read_threads(const po::variables_map& vm) {
    const auto n = static_cast<unsigned>(read_whole_number(vm, "threads", 0, 4096));
    return n ? n : std::max(1u, std::thread::hardware_concurrency() / processes().processes_on_this_node());
}

std::string read_backend(const po::variables_map& vm) {
    // Any backend plugin: the registry names the known ones if this is not one.
    return vm["backend"].as<std::string>();
}

void check_memory(double bytes, const std::string& what_for, const std::string& fix) {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return;
    const double machine = static_cast<double>(pages) * static_cast<double>(page);
    if (bytes <= machine) return;
    auto gib = [](double b) {
        std::ostringstream text;
        text << std::setprecision(3) << b / (1024.0 * 1024 * 1024) << " GiB";
        return text.str();
    };
    throw input_error("this run needs " + gib(bytes) + " " + what_for + ", and the machine has " + gib(machine) + "; " +
                      fix);
}

} // namespace cellfit::cli
