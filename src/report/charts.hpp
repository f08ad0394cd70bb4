#pragma once

// The report's charts: SVG written here, with axes, labelled units and dates, a title and
// a description for screen readers, and colours from the page's style (light and dark).
// Dates are day numbers (days since 1970-01-01); texts are escaped here.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gh::report {

/// A playlist's size after one of its versions.
struct SizePoint {
    std::int32_t day = 0;
    std::uint32_t size = 0;
};

/// A name the playlist took on a day.
struct NameMark {
    std::int32_t day = 0;
    std::string name;
};

/// Size over time: a step line through one point per version up to `end_day`, each name
/// change marked and labelled. `id` makes the chart's element ids unique in its page.
std::string size_chart(std::span<const SizePoint> points, std::span<const NameMark> names,
                       std::int32_t end_day, std::string_view id);

/// A small size line for a table cell, from its smallest to its largest size, with its
/// first and last size as its text.
std::string sparkline(std::span<const SizePoint> points, std::int32_t end_day);

/// Additions (up) and removals (down) in one week.
struct WeekBar {
    std::int32_t start = 0;
    std::uint64_t added = 0;
    std::uint64_t removed = 0;
};
std::string weekly_chart(std::span<const WeekBar> weeks, std::string_view id);

/// A Kaplan-Meier estimate: the survival after each time with removals, the tracks still
/// present (censored) at their time, and the median when survival falls to one half.
struct SurvivalStep {
    double days = 0;
    double survival = 1;
};
struct SurvivalCurve {
    std::vector<SurvivalStep> steps;
    std::vector<SurvivalStep> censored;
    std::optional<double> median;
    std::size_t tracks = 0;
    double longest = 0; ///< the longest time observed
};
std::string survival_chart(const SurvivalCurve& curve, std::string_view id);

/// A track's stints, one bar each from its first day to the day it was seen gone (or the
/// end, while present).
struct Stint {
    std::int32_t start = 0;
    std::int32_t end = 0;
    bool open = false;
};
struct TimelineTrack {
    std::string label;
    std::string href; ///< its page, or empty
    std::vector<Stint> stints;
};
/// `things` names what the rows are in the description ("tracks", "playlists"); with
/// `dated_bars` each bar carries its dates as a tooltip (left out where a table beside
/// the chart lists them).
std::string timeline_chart(std::span<const TimelineTrack> tracks, std::int32_t first_day,
                           std::int32_t end_day, std::string_view id, std::string_view title,
                           std::string_view things, bool dated_bars);

/// Ticks for a span of days: month starts (every 1, 2, 3, 6 or 12 months, or years) or days
/// (every 1, 2, 7 or 14), at most `most` of them, with their labels. Exposed for tests.
struct DayTick {
    std::int32_t day = 0;
    std::string label;
};
std::vector<DayTick> day_ticks(std::int32_t first, std::int32_t last, std::size_t most);

/// Round steps (1, 2 or 5 times a power of ten, whole numbers at least 1 when `whole`)
/// from 0 to at least `max`, at most about `most` of them. Exposed for tests.
std::vector<double> value_ticks(double max, std::size_t most, bool whole);

} // namespace gh::report
