#include "page_parts.hpp"

#include <cellfit/version.hpp>

namespace cellfit::report {

namespace {

const char* const style_sheet = R"css(
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; margin: 0; background: #fff; }
main { max-width: 980px; margin: 0 auto; padding: 24px 16px 64px; }
h1 { font-size: 26px; margin: 0 0 2px; word-break: break-all; }
h2 { font-size: 20px; margin: 34px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 22px 0 6px; }
.subtitle { color: #555; margin: 0 0 12px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; padding: 4px 12px 4px 0; border-bottom: 1px solid #eee; }
table.summary th { width: 150px; color: #444; font-weight: 600; }
table.parameters th, table.parameters td { padding-right: 18px; }
ul.files { margin: 4px 0 0; padding-left: 18px; }
pre { background: #f6f6f6; padding: 10px 12px; overflow-x: auto; font-size: 13px; border-radius: 4px; }
code { font-size: 13px; }
.notes { background: #fff6e0; border: 1px solid #e6c46a; padding: 4px 16px; border-radius: 4px; }
.notes h2 { border: 0; margin: 10px 0 4px; font-size: 17px; }
.warning { color: #a33b00; font-size: 13px; }
figure { margin: 10px 0 18px; }
figcaption { color: #444; font-size: 14px; margin-top: 4px; }
.row { display: flex; flex-wrap: wrap; gap: 12px; }
.row figure { margin: 4px 0; }
svg.plot { display: block; font: 12px system-ui, sans-serif; }
svg.plot .plot-title { font-weight: 600; font-size: 13px; }
svg.plot .axis-label { font-size: 13px; }
svg.plot text:not([fill]) { fill: #222; }
svg.position { vertical-align: middle; }
@media print { h2 { break-after: avoid; } figure { break-inside: avoid; } }
)css";

} // namespace

std::string render_report(const report_input& input) {
    static const fit_results no_results;
    detail::page p{input, input.results ? *input.results : no_results, 0, {}};
    p.html.reserve(1 << 20);
    p.html += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
              "<meta name=\"generator\" content=\"cellfit " CELLFIT_VERSION_STRING "\"><title>" +
              escape(input.title) + "</title><style>" + style_sheet + "</style></head>\n<body><main>\n";
    p.header();
    p.summary();
    p.parameters();
    p.traces();
    p.spikes();
    p.convergence();
    p.parameter_scatter();
    p.correlation();
    p.pareto();
    p.html += "</main></body></html>\n";
    return p.html;
}

} // namespace cellfit::report