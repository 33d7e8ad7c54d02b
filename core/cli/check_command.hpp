#pragma once

#include "command_line.hpp"

namespace cellfit::cli {

// `cellfit check`: parses and checks a model, prints its summary.
command check_command();

} // namespace cellfit::cli
