#pragma once

#include <cellfit/export.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace cellfit {

// The candidates closest to `word` by edit distance (at most max_results,
// only those close enough to be a plausible typo), best first.
CELLFIT_API std::vector<std::string> closest_names(std::string_view word,
                                                   const std::vector<std::string>& candidates,
                                                   std::size_t max_results = 3);

// "a, b or c" for messages.
CELLFIT_API std::string join_alternatives(const std::vector<std::string>& items,
                                          std::string_view last_separator = " or ");

} // namespace cellfit
