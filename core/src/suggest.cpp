#include <cellfit/suggest.hpp>

#include <algorithm>
#include <cctype>
#include <numeric>

namespace cellfit {

namespace {

// Levenshtein distance, case-insensitive: "Tau" is a typo of "tau".
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                              std::tolower(static_cast<unsigned char>(b[j - 1]));
            const std::size_t next = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
            diagonal = row[j];
            row[j] = next;
        }
    }
    return row[b.size()];
}

} // namespace

std::vector<std::string> closest_names(std::string_view word, const std::vector<std::string>& candidates,
                                       std::size_t max_results) {
    // A plausible typo changes at most about a third of the word.
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 3 + 1);
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (const auto& candidate : candidates) {
        std::size_t d = edit_distance(word, candidate);
        // A candidate that starts with the word (or the reverse) is close too.
        const bool prefix = !word.empty() && (candidate.rfind(word, 0) == 0 || word.rfind(candidate, 0) == 0);
        if (d <= limit || prefix) scored.emplace_back(prefix ? std::min(d, limit) : d, candidate);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<std::string> result;
    for (auto& [distance, name] : scored) {
        if (result.size() == max_results) break;
        if (std::find(result.begin(), result.end(), name) == result.end()) result.push_back(name);
    }
    return result;
}

std::string join_alternatives(const std::vector<std::string>& items, std::string_view last_separator) {
    std::string text;
    for (std::size_t k = 0; k < items.size(); ++k) {
        if (k > 0) text += (k + 1 == items.size()) ? std::string(last_separator) : std::string(", ");
        text += items[k];
    }
    return text;
}

} // namespace cellfit
