#pragma once

// What every page of the report is made of: text made safe for HTML, and the page around
// the content (its head, its style in light and dark mode, its navigation).

#include <string>
#include <string_view>

namespace gh::report {

/// `text` as HTML text or attribute value: `& < > " '` escaped, control characters and
/// bytes that are not well-formed UTF-8 shown as U+FFFD, so that any name an archive holds
/// shows as the text it is.
std::string escape_html(std::string_view text);

/// A relative path as a link's target: every byte but letters, digits, `-._~` and `/`
/// percent-encoded, so that a file name with `#`, `?`, `%` or spaces is the file it names.
std::string href_path(std::string_view path);

/// At most `limit` characters of `text` (code points, not bytes), with an ellipsis when
/// some were left out.
std::string shorten(std::string_view text, std::size_t limit);

/// The report's one style sheet (`style.css` at its root), light and dark.
std::string_view style_sheet();

/// A whole page: `title` (escaped here) in its head and as its heading, `body` (HTML)
/// below, and a link back to the index unless it is the index. `root` is the relative
/// path from the page to the report's root ("" or "../"), where `style.css` is.
std::string page(std::string_view title, std::string_view root, std::string_view body,
                 bool is_index = false);

} // namespace gh::report
