#pragma once

#include "command_line.hpp"

namespace cellfit::cli {

// `cellfit batch`: one fit per cell of a manifest, over the MPI ranks when
// started by mpirun or srun.
command batch_command();

} // namespace cellfit::cli
