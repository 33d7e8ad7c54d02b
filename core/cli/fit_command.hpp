#pragma once

#include "command_line.hpp"

namespace cellfit::cli {

// `cellfit fit`: the fitters on the command line.
command fit_command();

// `cellfit fit` with parsed flags, in this process alone (a batch's cell on
// any MPI rank); the command itself spreads its rounds over the ranks.
int run_fit_in_this_process(const po::variables_map& vm, io& io);

// The flags of `cellfit fit` that `options` lacks, added as accepted and
// unused ("(a fit's; not used here)"), so that a fit's INI file serves the
// command as it is. Call it after the command's own options.
void accept_fit_flags(po::options_description& options);

// `cellfit generate`: simulate given or fitted parameters for a fit description.
command generate_command();

// `cellfit refine`: least squares from a results file or given parameters.
command refine_command();

} // namespace cellfit::cli
