#include "report/html.hpp"

#include <cstdint>
#include <fmt/format.h>
#include <unicode/utf8.h>

namespace gh::report {

namespace {

/// Calls `each(code_point, bytes)` for every character of `text`; a byte that does not
/// start well-formed UTF-8 comes as U+FFFD, one byte long.
template <typename Each>
void for_each_character(std::string_view text, Each each) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
    const auto length = static_cast<int32_t>(text.size());
    for (int32_t i = 0; i < length;) {
        const int32_t start = i;
        UChar32 c = 0;
        U8_NEXT(bytes, i, length, c);
        if (c < 0) {
            i = start + 1;
            c = 0xFFFD;
            each(c, std::string_view("\xEF\xBF\xBD"));
            continue;
        }
        each(c, text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    }
}

constexpr std::string_view k_style = R"(
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --bg: #ffffff; --panel: #f6f8fa; --accent: #0969da; --add: #1a7f37; --remove: #cf222e;
  --censor: #8250df; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --bg: #0d1117;
    --panel: #151b23; --accent: #4493f8; --add: #3fb950; --remove: #f85149;
    --censor: #ab7df8; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 1rem 1.25rem 3rem; color: var(--fg);
  background: var(--bg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.6rem; margin: 0.6rem 0 0.3rem; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 2rem 0 0.5rem; }
a { color: var(--accent); }
nav { font-size: 0.9rem; }
.muted, figcaption { color: var(--muted); font-size: 0.9rem; }
.facts { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; margin: 0.5rem 0; padding: 0;
  list-style: none; }
.facts b { font-size: 1.15rem; }
figure { margin: 0.5rem 0 1rem; overflow-x: auto; }
svg.chart { width: 100%; min-width: 620px; height: auto; display: block;
  background: var(--panel); border-radius: 6px; }
svg text { fill: var(--fg); font: 12px system-ui, sans-serif; }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .series { fill: none; stroke: var(--accent); stroke-width: 2; }
svg .dot { fill: var(--accent); }
svg .add { fill: var(--add); }
svg .remove { fill: var(--remove); }
svg .stints rect, svg .stints path { fill: var(--accent); }
svg .stints rect { rx: 2px; }
svg .stints .open { fill: var(--add); }
svg .censor { stroke: var(--censor); stroke-width: 1.5; }
svg .mark { stroke: var(--muted); stroke-width: 1; stroke-dasharray: 4 3; }
svg .label { fill: var(--muted); }
svg.spark { width: 120px; height: 28px; vertical-align: middle; }
svg.spark .series { stroke-width: 1.5; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { background: var(--panel); position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td { overflow-wrap: anywhere; }
th button { background: none; border: 0; padding: 0; margin: 0; font: inherit;
  color: inherit; cursor: pointer; width: 100%; text-align: inherit; }
th[data-order=down] button::after { content: " \25BE"; }
th[data-order=up] button::after { content: " \25B4"; }
table.tracks td:nth-child(3), table.tracks th:nth-child(3) { max-width: 14rem; }
table.tracks td:nth-child(n+4) { white-space: nowrap; } /* lengths and dates */
table.stints td:last-child, table.tracks td:nth-child(4) { text-align: right; font-variant-numeric: tabular-nums; }
@media (max-width: 600px) { body { padding: 0.5rem; font-size: 14px; }
  .hide-narrow, table.tracks td:nth-child(3), table.tracks th:nth-child(3) { display: none; } }
)";

} // namespace

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for_each_character(text, [&](UChar32 c, std::string_view bytes) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
                out += "\xEF\xBF\xBD";
            } else {
                out += bytes;
            }
        }
    });
    return out;
}

std::string href_path(std::string_view path) {
    std::string out;
    for (const char c : path) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
            (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' || c == '~' ||
            c == '/') {
            out += c;
        } else {
            out += fmt::format("%{:02X}", byte);
        }
    }
    return out;
}

std::string shorten(std::string_view text, std::size_t limit) {
    std::size_t characters = 0;
    std::size_t cut = text.size();
    std::size_t offset = 0;
    for_each_character(text, [&](UChar32, std::string_view bytes) {
        if (characters == limit - 1 && cut == text.size()) {
            cut = offset;
        }
        ++characters;
        offset += bytes.size();
    });
    if (characters <= limit || limit == 0) {
        return std::string(text);
    }
    return std::string(text.substr(0, cut)) + "\xE2\x80\xA6";
}

std::string_view style_sheet() {
    return k_style.substr(1); // without the raw string's first newline
}

std::string page(std::string_view title, std::string_view root, std::string_view body,
                 bool is_index) {
    const std::string escaped = escape_html(title);
    std::string out;
    out.reserve(body.size() + 2 * escaped.size() + 400);
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
    out += escaped;
    out += fmt::format("</title>\n<link rel=\"stylesheet\" href=\"{}style.css\">\n</head>\n"
                       "<body>\n",
                       root);
    if (!is_index) {
        out += fmt::format("<nav><a href=\"{}index.html\">All playlists</a></nav>\n", root);
    }
    out += "<h1>";
    out += escaped;
    out += "</h1>\n";
    out += body;
    out += "</body>\n</html>\n";
    return out;
}

} // namespace gh::report
