#include "names.hpp"

#include <cellfit/expr/functions.hpp>
#include <cellfit/units/quantity.hpp>

#include <algorithm>

namespace cellfit::detail {

bool is_special_name(const std::string& name) {
    return name == "t" || name == "dt" || name == "i" || name == "N" || name == "xi" || name.starts_with("xi_");
}

void check_variable_name(const source_text& source, const std::string& name, std::size_t offset) {
    static const char* const python_keywords[] = {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
        "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
        "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield"};
    const std::string quoted = "'" + name + "'";
    if (is_special_name(name))
        source.fail(offset, quoted + " has a special meaning in equations (t, dt: time; i: neuron index; "
                                     "N: number of neurons; xi: white noise) and cannot be used as a variable name");
    if (std::find(std::begin(python_keywords), std::end(python_keywords), name) != std::end(python_keywords))
        source.fail(offset, quoted + " is a Python keyword and cannot be used as a variable name");
    if (expr::find_function(name))
        source.fail(offset, quoted + " is the name of a function and cannot be used as a variable name");
    double value = 0;
    bool is_boolean = false;
    if (expr::find_constant(name, value, is_boolean))
        source.fail(offset, quoted + " is the name of a constant and cannot be used as a variable name");
    if (find_unit(name))
        source.fail(offset, quoted + " is the name of a unit and cannot be used as a variable name");
    if (name.starts_with("_"))
        source.fail(offset, "names starting with '_' are reserved; rename " + quoted);
}

} // namespace cellfit::detail
