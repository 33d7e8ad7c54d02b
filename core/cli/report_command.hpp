#pragma once

#include "command_line.hpp"

namespace cellfit::cli {

// `cellfit report r.json [--out fit.html]`: the fit's report page, from its
// results file alone, or with the fit's flags (--config fit.ini) when its
// data files have moved.
command report_command();

} // namespace cellfit::cli
