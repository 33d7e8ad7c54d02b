#pragma once

#include "command_line.hpp"

namespace cellfit::cli {

// `cellfit simulate`: runs a model and writes its traces and spikes.
command simulate_command();

} // namespace cellfit::cli
