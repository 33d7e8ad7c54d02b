#pragma once

// The report page of a fit set up on the command line: simulates the best
// parameters of `results` with the fitter, pairs them with the recording,
// and writes the page (report/report_page.hpp) atomically. Shared by
// `cellfit fit --report` and `cellfit report`.

#include "fit_description.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace cellfit::cli {

// Refuses (usage_error, naming `flag`) a report path that is not .html or
// .htm, and makes its folder, before any work.
void check_report_path(const po::variables_map& vm, const std::string& flag, const std::string& path);

void write_report(const std::string& path, const std::string& title, const fit_results& results, const fitter& f,
                  const fit_description& d, std::vector<std::string> notes, std::ostream& out);

} // namespace cellfit::cli
