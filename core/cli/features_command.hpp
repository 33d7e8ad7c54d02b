#pragma once

#include "command_line.hpp"

namespace cellfit::cli {

// `cellfit features`: eFEL's features of recorded traces, as metric.features
// computes them.
command features_command();

} // namespace cellfit::cli
