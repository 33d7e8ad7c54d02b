#include "convert.hpp"

#include <cellfit/error.hpp>

#include <charconv>
#include <cmath>
#include <tuple>

namespace cellfit::python {

namespace {

float_array as_floats(const py::handle& values, const std::string& what) {
    // ensure() converts lists, Brian quantities (SI values) and other dtypes,
    // and clears the Python error when it cannot.
    auto a = float_array::ensure(values);
    if (!a) throw input_error(what + ": expected an array of numbers, got " + std::string(py::str(py::type::of(values))));
    return a;
}

std::string round_trip_text(double value) {
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    return std::string(buffer, end);
}

// (rows, steps) of a 1-d (one row) or 2-d array.
std::pair<std::size_t, std::size_t> table_shape(const float_array& a, const std::string& what) {
    if (a.ndim() == 1) return {1, static_cast<std::size_t>(a.shape(0))};
    if (a.ndim() == 2) return {static_cast<std::size_t>(a.shape(0)), static_cast<std::size_t>(a.shape(1))};
    throw input_error(what + ": expected one row per trace and one column per step (2 dimensions), got " +
                      std::to_string(a.ndim()) + " dimensions");
}

} // namespace

lookup_table to_table(const py::handle& values, const std::string& what) {
    const float_array a = as_floats(values, what);
    lookup_table table;
    std::tie(table.rows, table.steps) = table_shape(a, what);
    table.values.assign(a.data(), a.data() + a.size());
    return table;
}

std::vector<std::vector<double>> to_rows(const py::handle& values, const std::string& what) {
    const float_array a = as_floats(values, what);
    const auto [rows, steps] = table_shape(a, what);
    std::vector<std::vector<double>> out(rows);
    for (std::size_t r = 0; r < rows; ++r) out[r].assign(a.data() + r * steps, a.data() + (r + 1) * steps);
    return out;
}

std::vector<double> to_vector(const py::handle& values, const std::string& what) {
    const float_array a = as_floats(values, what);
    if (a.ndim() > 1) throw input_error(what + ": expected a list of numbers (1 dimension), got " +
                                        std::to_string(a.ndim()) + " dimensions");
    return {a.data(), a.data() + a.size()};
}

float_array to_array(const std::vector<std::vector<double>>& rows) {
    const std::size_t cols = rows.empty() ? 0 : rows.front().size();
    float_array a({rows.size(), cols});
    double* out = a.mutable_data();
    for (const auto& row : rows) {
        if (row.size() != cols) throw internal_error("ragged rows in a table returned to Python");
        out = std::copy(row.begin(), row.end(), out);
    }
    return a;
}

float_array to_array(const matrix& m) {
    float_array a({m.rows(), m.cols()});
    std::copy(m.data(), m.data() + m.rows() * m.cols(), a.mutable_data());
    return a;
}

float_array to_array(const std::vector<double>& values) {
    float_array a(values.size());
    std::copy(values.begin(), values.end(), a.mutable_data());
    return a;
}

raw_options to_raw_options(const py::handle& options, const std::string& what) {
    raw_options raw;
    if (options.is_none()) return raw;
    const auto text_of = [&](const std::string& key, const py::handle& v) -> std::string {
        if (py::isinstance<py::bool_>(v)) return v.cast<bool>() ? "true" : "false";
        if (py::isinstance<py::int_>(v)) return std::string(py::str(v));
        if (py::isinstance<py::float_>(v)) return round_trip_text(v.cast<double>());
        if (py::isinstance<py::str>(v)) return v.cast<std::string>();
        throw input_error(what + ": option '" + key + "' must be a number, a boolean or text, got " +
                          std::string(py::str(py::type::of(v))));
    };
    if (py::isinstance<py::dict>(options)) {
        for (const auto& [key, value] : options.cast<py::dict>()) {
            const std::string name = py::str(key);
            raw.emplace_back(name, text_of(name, value));
        }
        return raw;
    }
    for (const auto& item : options) {
        const auto pair = item.cast<py::tuple>();
        if (pair.size() != 2) throw input_error(what + ": expected (name, value) pairs");
        const std::string name = py::str(pair[0]);
        raw.emplace_back(name, text_of(name, pair[1]));
    }
    return raw;
}

std::map<std::string, double> to_values(const py::handle& values, const std::string& what) {
    std::map<std::string, double> out;
    if (values.is_none()) return out;
    for (const auto& [key, value] : values.cast<py::dict>()) {
        const std::string name = py::str(key);
        double x = 0;
        try {
            x = value.cast<double>();
        } catch (const py::cast_error&) {
            throw input_error(what + ": the value of '" + name + "' must be a number, got " +
                              std::string(py::str(py::type::of(value))));
        }
        out[name] = x;
    }
    return out;
}

py::dict to_dict(const std::map<std::string, double>& values) {
    py::dict d;
    for (const auto& [name, value] : values) d[py::str(name)] = value;
    return d;
}

py::tuple to_exponents(const dimension& dim) {
    py::tuple t(dimension::count);
    for (int k = 0; k < dimension::count; ++k) {
        const rational e = dim.exponent(static_cast<dimension::base>(k));
        t[static_cast<std::size_t>(k)] = static_cast<double>(e.num()) / static_cast<double>(e.den());
    }
    return t;
}

} // namespace cellfit::python
