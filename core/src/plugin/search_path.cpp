#include <cellfit/registry.hpp>
#include <cellfit/version.hpp>

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <system_error>

namespace cellfit {

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> split_path_list(std::string_view list) {
    std::vector<fs::path> dirs;
    while (!list.empty()) {
        const auto colon = list.find(':');
        const auto item = list.substr(0, colon);
        if (!item.empty()) dirs.emplace_back(item);
        if (colon == std::string_view::npos) break;
        list.remove_prefix(colon + 1);
    }
    return dirs;
}

// The same folder written two ways counts once.
fs::path comparable(const fs::path& p) {
    std::error_code ec;
    auto canonical = fs::weakly_canonical(p, ec);
    return ec ? p.lexically_normal() : canonical;
}

} // namespace

namespace {

// `first`, <install prefix>/lib/cellfit/plugins, CELLFIT_PLUGIN_PATH, then
// extra_dirs; each folder once, in its first place.
std::vector<fs::path> search_path_after(std::vector<fs::path> candidates, const std::vector<fs::path>& extra_dirs) {
    boost::dll::fs::error_code ec;
    const fs::path core_library = boost::dll::this_line_location(ec);
    if (!ec) candidates.push_back(core_library.parent_path() / CELLFIT_PLUGIN_DIR_FROM_LIBDIR);

    if (const char* env = std::getenv("CELLFIT_PLUGIN_PATH"))
        for (auto& dir : split_path_list(env)) candidates.push_back(std::move(dir));

    candidates.insert(candidates.end(), extra_dirs.begin(), extra_dirs.end());

    std::vector<fs::path> result;
    std::vector<fs::path> seen;
    for (auto& dir : candidates) {
        auto key = comparable(dir);
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
        seen.push_back(std::move(key));
        result.push_back(comparable(dir));
    }
    return result;
}

} // namespace

std::vector<fs::path> default_plugin_search_path(const std::vector<fs::path>& extra_dirs) {
    std::vector<fs::path> first;
    boost::dll::fs::error_code ec;
    const fs::path program = boost::dll::program_location(ec);
    if (!ec) first.push_back(program.parent_path() / "plugins");
    return search_path_after(std::move(first), extra_dirs);
}

std::vector<fs::path> embedded_plugin_search_path(const std::vector<fs::path>& first,
                                                  const std::vector<fs::path>& extra_dirs) {
    return search_path_after(first, extra_dirs);
}

} // namespace cellfit
