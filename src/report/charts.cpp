#include "report/charts.hpp"

#include "report/html.hpp"
#include "util/calendar.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fmt/format.h>

namespace gh::report {

namespace {

constexpr double k_width = 760;

/// The plot area of a chart and the scales into it.
struct Frame {
    double width = k_width;
    double height = 260;
    double left = 56;
    double right = 20;
    double top = 28;
    double bottom = 40;
    double x0 = 0, x1 = 1; ///< the domain shown along x
    double y0 = 0, y1 = 1; ///< along y

    double x(double value) const {
        const double span = x1 > x0 ? x1 - x0 : 1;
        return left + (value - x0) / span * (width - left - right);
    }
    double y(double value) const {
        const double span = y1 > y0 ? y1 - y0 : 1;
        return height - bottom - (value - y0) / span * (height - top - bottom);
    }
    double plot_bottom() const { return height - bottom; }
    double plot_right() const { return width - right; }
};

std::string number(double value) {
    std::string text = fmt::format("{:.1f}", value);
    if (text.ends_with(".0")) {
        text.resize(text.size() - 2);
    }
    return text;
}

/// The opening of a chart's SVG, with its title and description for screen readers.
std::string open_svg(const Frame& frame, std::string_view id, std::string_view title,
                     std::string_view description) {
    return fmt::format("<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" "
                       "aria-labelledby=\"{}-title {}-desc\">"
                       "<title id=\"{}-title\">{}</title><desc id=\"{}-desc\">{}</desc>\n",
                       number(frame.width), number(frame.height), id, id, id, escape_html(title),
                       id, escape_html(description));
}

/// The grid lines drawn by the path data `d`, or nothing.
std::string grid_path(const std::string& d) {
    return d.empty() ? std::string() : fmt::format("<path class=\"grid\" d=\"{}\"/>\n", d);
}

/// The x axis of days with its dated ticks and grid lines.
std::string day_axis(const Frame& frame) {
    std::string out = fmt::format(
        "<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", number(frame.left),
        number(frame.plot_bottom()), number(frame.plot_right()), number(frame.plot_bottom()));
    const auto most = static_cast<std::size_t>((frame.width - frame.left - frame.right) / 90);
    std::string grid; // one path for all the grid lines: a track's page has little else
    out += "<g text-anchor=\"middle\">";
    for (const auto& tick : day_ticks(static_cast<std::int32_t>(frame.x0),
                                      static_cast<std::int32_t>(frame.x1), most)) {
        const double x = frame.x(tick.day);
        // A label half of which would be past the chart's edge ends at the tick instead.
        const double half = 3.5 * static_cast<double>(tick.label.size());
        const bool at_edge = x + half > frame.width - 2;
        grid += fmt::format("M{} {}V{}", number(x), number(frame.top), number(frame.plot_bottom()));
        out += fmt::format("<text x=\"{}\" y=\"{}\"{}>{}</text>\n", number(x),
                           number(frame.plot_bottom() + 16), at_edge ? " text-anchor=\"end\"" : "",
                           tick.label);
    }
    return out + "</g>\n" + grid_path(grid);
}

/// The y axis with round ticks, grid lines and the unit written along it.
template <typename Label>
std::string value_axis(const Frame& frame, std::span<const double> ticks, std::string_view unit,
                       Label label) {
    std::string out =
        fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n",
                    number(frame.left), number(frame.top), number(frame.plot_bottom()));
    std::string grid;
    out += "<g text-anchor=\"end\">";
    for (const double tick : ticks) {
        const double y = frame.y(tick);
        grid += fmt::format("M{} {}H{}", number(frame.left), number(y), number(frame.plot_right()));
        out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", number(frame.left - 6),
                           number(y + 4), label(tick));
    }
    out += "</g>\n" + grid_path(grid);
    out += fmt::format("<text class=\"label\" x=\"{}\" y=\"{}\">{}</text>\n", number(frame.left),
                       number(frame.top - 10), escape_html(unit));
    return out;
}

/// The smallest and largest size of `points` ({0, 0} for none).
std::pair<std::uint32_t, std::uint32_t> size_range(std::span<const SizePoint> points) {
    if (points.empty()) {
        return {0, 0};
    }
    const auto [smallest, largest] =
        std::minmax_element(points.begin(), points.end(),
                            [](const SizePoint& a, const SizePoint& b) { return a.size < b.size; });
    return {smallest->size, largest->size};
}

std::int32_t first_day_of(std::span<const SizePoint> points, std::int32_t end_day) {
    return points.empty() ? end_day : points.front().day;
}

/// The step line of a size series: each size holds until the next version, the last
/// until `end_day`.
std::string step_path(const Frame& frame, std::span<const SizePoint> points, std::int32_t end_day) {
    std::string path;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const double x = frame.x(points[i].day);
        const double y = frame.y(points[i].size);
        if (i == 0) {
            path += fmt::format("M{} {}", number(x), number(y));
        } else {
            path += fmt::format("H{}V{}", number(x), number(y));
        }
    }
    if (!points.empty()) {
        path += fmt::format("H{}", number(frame.x(std::max(end_day, points.back().day))));
    }
    return path;
}

} // namespace

std::vector<DayTick> day_ticks(std::int32_t first, std::int32_t last, std::size_t most) {
    using namespace std::chrono;
    most = std::max<std::size_t>(most, 2);
    std::vector<DayTick> ticks;
    if (last < first) {
        return ticks;
    }
    const std::int32_t span = last - first;
    for (const int step : {1, 2, 7, 14}) {
        if (static_cast<std::size_t>(span / step + 1) <= most) {
            for (std::int32_t day = first; day <= last; day += step) {
                ticks.push_back({day, format_day(day)});
            }
            return ticks;
        }
    }
    const year_month_day start{sys_days{days{first}}};
    for (const int months : {1, 2, 3, 6, 12, 24, 60, 120, 600}) {
        ticks.clear();
        // Month starts on or after `first` that are multiples of the step (counted from
        // January), so that ticks fall on round months.
        year_month month = start.year() / start.month();
        if (sys_days{month / 1}.time_since_epoch().count() < first) {
            month += std::chrono::months{1};
        }
        while ((static_cast<int>(static_cast<unsigned>(month.month())) - 1) %
                       std::min(months, 12) !=
                   0 ||
               (months > 12 && static_cast<int>(month.year()) % (months / 12) != 0)) {
            month += std::chrono::months{1};
        }
        bool too_many = false;
        for (;; month += std::chrono::months{months}) {
            const auto day =
                static_cast<std::int32_t>(sys_days{month / 1}.time_since_epoch().count());
            if (day > last) {
                break;
            }
            if (ticks.size() == most) {
                too_many = true;
                break;
            }
            ticks.push_back({day, months >= 12 ? fmt::format("{}", static_cast<int>(month.year()))
                                               : format_day(day).substr(0, 7)});
        }
        if (!too_many) {
            return ticks;
        }
    }
    return ticks;
}

std::vector<double> value_ticks(double max, std::size_t most, bool whole) {
    most = std::max<std::size_t>(most, 2);
    max = std::max(max, whole ? 1.0 : 1e-9);
    double step = std::pow(10.0, std::floor(std::log10(max / static_cast<double>(most))));
    for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
        if (std::ceil(max / (step * factor)) <= static_cast<double>(most)) {
            step *= factor;
            break;
        }
    }
    if (whole) {
        step = std::max(1.0, std::round(step));
    }
    std::vector<double> ticks;
    for (double tick = 0;; tick += step) {
        ticks.push_back(tick);
        if (tick >= max - 1e-9) {
            break;
        }
    }
    return ticks;
}

std::string size_chart(std::span<const SizePoint> points, std::span<const NameMark> names,
                       std::int32_t end_day, std::string_view id) {
    Frame frame;
    frame.x0 = first_day_of(points, end_day);
    frame.x1 = std::max<double>(end_day, frame.x0 + 1);
    const auto [smallest, largest] = size_range(points);
    const auto ticks = value_ticks(largest, 5, true);
    frame.y1 = ticks.back();
    std::string description =
        points.empty()
            ? std::string("No versions.")
            : fmt::format(
                  "{} versions from {} to {}: {} tracks at first, {} at the end, between {} "
                  "and {}.",
                  points.size(), format_day(points.front().day), format_day(end_day),
                  points.front().size, points.back().size, smallest, largest);
    for (const auto& mark : names) {
        description += fmt::format(" Renamed '{}' on {}.", mark.name, format_day(mark.day));
    }
    std::string out = open_svg(frame, id, "Tracks in the playlist over time", description);
    out += value_axis(frame, ticks, "tracks", number);
    out += day_axis(frame);
    for (const auto& mark : names) {
        const double x = frame.x(mark.day);
        out += fmt::format(
            "<line class=\"mark\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>"
            "<text class=\"label\" x=\"{3}\" y=\"{4}\"><title>{5}</title>{6}</text>\n",
            number(x), number(frame.top), number(frame.plot_bottom()), number(x + 3),
            number(frame.top + 12), escape_html(mark.name), escape_html(shorten(mark.name, 24)));
    }
    out += fmt::format("<path class=\"series\" d=\"{}\"/>\n", step_path(frame, points, end_day));
    if (points.size() <= 400) { // more would be a smear of dots
        for (const auto& point : points) {
            out += fmt::format("<circle class=\"dot\" cx=\"{}\" cy=\"{}\" r=\"2\"/>",
                               number(frame.x(point.day)), number(frame.y(point.size)));
        }
    }
    out += "\n</svg>";
    return out;
}

std::string sparkline(std::span<const SizePoint> points, std::int32_t end_day) {
    Frame frame;
    frame.width = 120;
    frame.height = 28;
    frame.left = frame.right = 2;
    frame.top = frame.bottom = 3;
    frame.x0 = first_day_of(points, end_day);
    frame.x1 = std::max<double>(end_day, frame.x0 + 1);
    const auto [smallest, largest] = size_range(points);
    frame.y0 = smallest;
    frame.y1 = std::max<double>(largest, frame.y0 + 1);
    const std::string text =
        points.empty() ? std::string("no versions")
                       : fmt::format("size {} to {}", points.front().size, points.back().size);
    return fmt::format("<svg class=\"spark\" viewBox=\"0 0 120 28\" role=\"img\" aria-label=\"{}\" "
                       "xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title>"
                       "<path class=\"series\" d=\"{}\"/></svg>",
                       text, text, step_path(frame, points, end_day));
}

std::string weekly_chart(std::span<const WeekBar> weeks, std::string_view id) {
    Frame frame;
    frame.height = 240;
    std::uint64_t most_added = 0;
    std::uint64_t most_removed = 0;
    std::uint64_t added = 0;
    std::uint64_t removed = 0;
    for (const auto& week : weeks) {
        most_added = std::max(most_added, week.added);
        most_removed = std::max(most_removed, week.removed);
        added += week.added;
        removed += week.removed;
    }
    const auto up =
        value_ticks(static_cast<double>(std::max<std::uint64_t>(most_added, 1)), 3, true);
    const auto down =
        value_ticks(static_cast<double>(std::max<std::uint64_t>(most_removed, 1)), 3, true);
    frame.y0 = -down.back();
    frame.y1 = up.back();
    frame.x0 = weeks.empty() ? 0 : weeks.front().start;
    frame.x1 = weeks.empty() ? 7 : weeks.back().start + 7;
    std::string out = open_svg(
        frame, id, "Tracks added and removed per week",
        weeks.empty() ? std::string("No weeks.")
                      : fmt::format("{} weeks from {}: {} tracks added (most in one week: {}), {} "
                                    "removed (most: {}).",
                                    weeks.size(), format_day(weeks.front().start), added,
                                    most_added, removed, most_removed));
    std::vector<double> ticks;
    for (auto it = down.rbegin(); it != down.rend(); ++it) {
        if (*it > 0) {
            ticks.push_back(-*it);
        }
    }
    ticks.insert(ticks.end(), up.begin(), up.end());
    // Removals are counted, not negative: their ticks are labelled without a sign.
    out += value_axis(frame, ticks, "tracks added (up) and removed (down) per week",
                      [](double tick) { return number(std::abs(tick)); });
    out += day_axis(frame);
    const double bar = std::max(1.0, frame.x(frame.x0 + 7) - frame.x(frame.x0) - 1);
    const double zero = frame.y(0);
    for (const auto& week : weeks) {
        const double x = frame.x(week.start);
        const std::string when = fmt::format("week of {}", format_day(week.start));
        if (week.added > 0) {
            const double top = frame.y(static_cast<double>(week.added));
            out += fmt::format("<rect class=\"add\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">"
                               "<title>{}: {} added</title></rect>",
                               number(x), number(top), number(bar), number(zero - top), when,
                               week.added);
        }
        if (week.removed > 0) {
            const double bottom = frame.y(-static_cast<double>(week.removed));
            out += fmt::format("<rect class=\"remove\" x=\"{}\" y=\"{}\" width=\"{}\" "
                               "height=\"{}\"><title>{}: {} removed</title></rect>",
                               number(x), number(zero), number(bar), number(bottom - zero), when,
                               week.removed);
        }
    }
    out +=
        fmt::format("\n<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>\n</svg>",
                    number(frame.left), number(zero), number(frame.plot_right()));
    return out;
}

std::string survival_chart(const SurvivalCurve& curve, std::string_view id) {
    Frame frame;
    const auto days = value_ticks(std::max(curve.longest, 1.0), 8, true);
    frame.x1 = days.back();
    frame.bottom = 44;
    std::string description = fmt::format(
        "Kaplan-Meier estimate over {} tracks, tracks still present counted as censored. ",
        curve.tracks);
    description += curve.median ? fmt::format("Half of the tracks were gone after {} days.",
                                              number(*curve.median))
                                : std::string("More than half of the tracks were never removed.");
    std::string out =
        open_svg(frame, id, "Share of tracks still in the playlist after N days", description);
    const std::vector<double> shares{0, 0.25, 0.5, 0.75, 1};
    out += value_axis(frame, shares, "share of tracks still present",
                      [](double share) { return number(share * 100) + "%"; });
    out += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>\n",
                       number(frame.left), number(frame.plot_bottom()), number(frame.plot_right()));
    for (const double tick : days) {
        out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                           number(frame.x(tick)), number(frame.plot_bottom() + 16), number(tick));
    }
    out += fmt::format("<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">days in "
                       "the playlist</text>\n",
                       number((frame.left + frame.plot_right()) / 2),
                       number(frame.plot_bottom() + 34));
    std::string path = fmt::format("M{} {}", number(frame.x(0)), number(frame.y(1)));
    for (const auto& step : curve.steps) {
        path += fmt::format("H{}V{}", number(frame.x(step.days)), number(frame.y(step.survival)));
    }
    path += fmt::format("H{}", number(frame.x(curve.longest)));
    out += fmt::format("<path class=\"series\" d=\"{}\"/>\n", path);
    std::string ticks;
    for (const auto& censored : curve.censored) {
        ticks += fmt::format("M{} {}v8", number(frame.x(censored.days)),
                             number(frame.y(censored.survival) - 4));
    }
    if (!ticks.empty()) {
        out += fmt::format("<path class=\"censor\" d=\"{}\"/>", ticks);
    }
    if (curve.median) {
        const double x = frame.x(*curve.median);
        const double half = frame.y(0.5);
        out += fmt::format("\n<line class=\"mark\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                           number(frame.left), number(half), number(x), number(half));
        out += fmt::format("<line class=\"mark\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>"
                           "<text x=\"{3}\" y=\"{4}\">median {5} days</text>",
                           number(x), number(half), number(frame.plot_bottom()), number(x + 4),
                           number(half - 6), number(*curve.median));
    }
    out += fmt::format("\n<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">| a track "
                       "still present</text>\n</svg>",
                       number(frame.plot_right()), number(frame.top - 10));
    return out;
}

std::string timeline_chart(std::span<const TimelineTrack> tracks, std::int32_t first_day,
                           std::int32_t end_day, std::string_view id, std::string_view title,
                           std::string_view things, bool dated_bars) {
    Frame frame;
    constexpr double row = 20;
    frame.left = 240;
    frame.top = 16;
    frame.height = frame.top + frame.bottom + row * static_cast<double>(tracks.size());
    frame.x0 = first_day;
    frame.x1 = std::max(end_day, first_day + 1);
    std::size_t stints = 0;
    for (const auto& track : tracks) {
        stints += track.stints.size();
    }
    std::string out =
        open_svg(frame, id, title,
                 fmt::format("{} {}, {} stints between {} and {}, one bar each.", tracks.size(),
                             things, stints, format_day(first_day), format_day(end_day)));
    out += day_axis(frame);
    out += "<g class=\"stints\" text-anchor=\"end\">\n";
    std::string bars, open_bars;
    for (std::size_t i = 0; i < tracks.size(); ++i) {
        const auto& track = tracks[i];
        const double y = frame.top + row * static_cast<double>(i);
        // The whole name as a tooltip where the label is shortened.
        const std::string shown = shorten(track.label, 30);
        const std::string label = fmt::format(
            "<text x=\"{}\" y=\"{}\">{}{}</text>", number(frame.left - 8), number(y + 14),
            shown == track.label ? std::string()
                                 : fmt::format("<title>{}</title>", escape_html(track.label)),
            escape_html(shown));
        out += track.href.empty()
                   ? label
                   : fmt::format("<a href=\"{}\">{}</a>", escape_html(track.href), label);
        for (const auto& stint : track.stints) {
            const double x = frame.x(stint.start);
            const double width = std::max(2.0, frame.x(stint.end) - x);
            if (dated_bars) {
                out += fmt::format("<rect{} x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">"
                                   "<title>{} to {}</title></rect>",
                                   stint.open ? " class=\"open\"" : "", number(x), number(y + 4),
                                   number(width), number(row - 8), format_day(stint.start),
                                   stint.open ? std::string("now") : format_day(stint.end));
            } else { // without tooltips, all the bars of a kind are one path
                (stint.open ? open_bars : bars) +=
                    fmt::format("M{} {}h{}v{}h-{}z", number(x), number(y + 4), number(width),
                                number(row - 8), number(width));
            }
        }
        out += "\n";
    }
    for (const auto& [kind, d] : {std::pair{"", &bars}, std::pair{" class=\"open\"", &open_bars}}) {
        if (!d->empty()) {
            out += fmt::format("<path{} d=\"{}\"/>\n", kind, *d);
        }
    }
    out += "</g></svg>";
    return out;
}

} // namespace gh::report
