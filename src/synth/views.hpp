#pragma once

// What the bots of both eras write alike: links, line 1 of a view, track lengths.

#include "synth/bot.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace gh::synth::views {

/// `[text](url)`, or the text alone when there is no url (a local file).
std::string link(std::string_view text, std::string_view url);

/// Line 1 of the `view` ("pretty" or "cumulative") of playlist `id`: the links to the
/// other view (the file `other` in its directory), to the plain file and to githistory.
std::string line_one(const BotSettings& settings, Era era, std::string_view view,
                     std::string_view other, std::string_view id);

/// `H:MM:SS` of whole seconds with its leading zeros and colons stripped (`3:55`, `45`),
/// as Python's `str(timedelta).lstrip("0:")` wrote it in 2019-2021.
std::string length_2021(std::int32_t duration_ms);

/// `M:SS`, or `H:MM:SS` from an hour on: the current era keeps at least `0:45`.
std::string length_current(std::int32_t duration_ms);

/// The heading line that names the playlist (as it is to appear) and links it.
std::string heading(std::string_view name, std::string_view id);

/// The current era's escaping of names and descriptions: a backslash before each of
/// `\`, `. `, `#`, `(`, `)`, `[`, `]`, `-`, `*`, `_`, `` ` ``, `|`, `~` (none in 2019-2021).
std::string escape_markdown(std::string_view text);

/// A track's Title, Artist(s), Album and Length cells, joined by ` | `, as `era` wrote them.
std::string track_cells(const Track& track, Era era);

std::unique_ptr<Bot> make_bot_2021(BotSettings settings);
std::unique_ptr<Bot> make_bot_current(BotSettings settings);

} // namespace gh::synth::views
