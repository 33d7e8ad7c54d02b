// The built-in fit callbacks: a line per round, or a progress bar.

#include <cellfit/fit/fitter.hpp>
#include <cellfit/units/quantity.hpp>

#include <iomanip>
#include <ostream>
#include <sstream>

namespace cellfit {

fit_callback text_callback(std::ostream& out) {
    return [&out](const round_report& r) {
        out << "round " << r.round << ": best error " << r.best_error_text << " at " << r.best_params_text << " ("
            << format_quantity({r.seconds, dimension::of(dimension::time)}, 3) << "; " << r.diverged
            << " diverged)\n"
            << std::flush;
        return false;
    };
}

fit_callback progress_callback(std::ostream& out) {
    auto done = std::make_shared<std::size_t>(0);
    return [&out, done](const round_report& r) {
        constexpr int width = 30;
        ++*done;
        const std::size_t total = std::max<std::size_t>(r.n_rounds, *done);
        const int filled = static_cast<int>(width * static_cast<double>(*done) / static_cast<double>(total));
        std::ostringstream line;
        line << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
             << std::string(static_cast<std::size_t>(width - filled), ' ') << "] " << *done << "/" << total
             << "  best " << r.best_error_text << "  diverged " << r.diverged << "   ";
        out << line.str();
        if (*done == total) out << "\n";
        out << std::flush;
        return false;
    };
}

} // namespace cellfit
