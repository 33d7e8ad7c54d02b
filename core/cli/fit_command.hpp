#pragma once

#include "command_line.hpp"

namespace cellfit::cli {

// `cellfit fit`: the fitters on the command line.
command fit_command();

// `cellfit generate`: simulate given or fitted parameters for a fit description.
command generate_command();

// `cellfit refine`: least squares from a results file or given parameters.
command refine_command();

} // namespace cellfit::cli
