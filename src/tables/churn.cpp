#include "tables/churn.hpp"

#include "util/calendar.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace gh::tables {

std::optional<double> median(std::vector<double> values) {
    if (values.empty()) {
        return std::nullopt;
    }
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

KaplanMeier kaplan_meier(std::vector<Tenure> tenures) {
    std::sort(tenures.begin(), tenures.end(),
              [](const Tenure& a, const Tenure& b) { return a.days < b.days; });
    KaplanMeier curve;
    double survival = 1.0;
    std::size_t at_risk = tenures.size();
    for (std::size_t i = 0; i < tenures.size();) {
        const std::int64_t time = tenures[i].days;
        std::size_t events = 0;
        std::size_t leaving = 0;
        const std::size_t first = i;
        for (; i < tenures.size() && tenures[i].days == time; ++i) {
            events += tenures[i].removed;
            ++leaving;
        }
        if (events > 0) {
            survival *= 1.0 - static_cast<double>(events) / static_cast<double>(at_risk);
            curve.steps.push_back({time, survival});
        }
        for (std::size_t j = first; j < i; ++j) {
            if (!tenures[j].removed) {
                curve.censored.push_back({time, survival});
            }
        }
        at_risk -= leaving; // censored tracks leave the risk set after their time
    }
    return curve;
}

std::optional<double> kaplan_meier_median(std::vector<Tenure> tenures) {
    for (const auto& step : kaplan_meier(std::move(tenures)).steps) {
        if (step.survival <= 0.5) {
            return static_cast<double>(step.days);
        }
    }
    return std::nullopt;
}

ChurnInput churn_input(const PlaylistHistory& history, const Calendar& calendar) {
    ChurnInput input;
    input.playlist = history.table.id;
    input.name = history.table.name;
    std::unordered_map<std::uint32_t, std::uint32_t> started;
    std::unordered_map<std::uint32_t, std::uint32_t> ended;
    for (const auto& membership : history.memberships) {
        ++started[membership.start];
        if (membership.end) {
            ++ended[*membership.end];
        }
    }
    for (const auto& snapshot : history.snapshots) {
        const auto count = [&](const auto& by_snapshot) {
            const auto found = by_snapshot.find(snapshot.snapshot);
            return found == by_snapshot.end() ? 0u : found->second;
        };
        input.versions.push_back({calendar.snapshot_days.at(snapshot.snapshot), snapshot.keys,
                                  count(started), count(ended)});
    }
    if (!history.snapshots.empty()) {
        input.first_size = history.snapshots.front().keys;
        // Keys of the first version that are present in the last: a stint begun by the
        // first version, and one still open (a key has at most one).
        const std::uint32_t first = history.snapshots.front().snapshot;
        std::unordered_set<std::string_view> in_first;
        for (const auto& membership : history.memberships) {
            if (membership.start == first) {
                in_first.insert(membership.key);
            }
        }
        for (const auto& membership : history.memberships) {
            input.first_last_common += !membership.end && in_first.contains(membership.key);
        }
    }
    for (const auto& row : history.table.rows) {
        input.tenures.push_back({row.days_present, row.removed.has_value()});
    }
    return input;
}

namespace {

struct Sums {
    double size_sum = 0;
    std::size_t size_count = 0;
    double jaccard_sum = 0;
    std::size_t jaccard_count = 0;

    void add(const ChurnInput& input) {
        for (std::size_t v = 0; v < input.versions.size(); ++v) {
            size_sum += input.versions[v].size;
            ++size_count;
            if (v == 0) {
                continue;
            }
            // B = A - ended + begun, so |A ∩ B| = |A| - removed and |A ∪ B| = |A| + added.
            const double before = input.versions[v - 1].size;
            const double both = before - input.versions[v].removed;
            const double either = before + input.versions[v].added;
            if (either > 0) {
                jaccard_sum += both / either;
                ++jaccard_count;
            }
        }
    }
};

std::optional<double> ratio(double numerator, double denominator) {
    if (denominator <= 0) {
        return std::nullopt;
    }
    return numerator / denominator;
}

void count(const ChurnInput& input, ChurnSummary& summary) {
    summary.snapshots += static_cast<std::uint32_t>(input.versions.size());
    const std::size_t fill = first_fill(input);
    for (std::size_t v = 0; v < input.versions.size(); ++v) {
        if (v > fill) {
            summary.additions += input.versions[v].added;
        }
        summary.removals += input.versions[v].removed;
    }
    if (!input.versions.empty()) {
        summary.size += input.versions.back().size;
    }
    summary.tracks_ever += static_cast<std::uint32_t>(input.tenures.size());
}

} // namespace

std::size_t first_fill(const ChurnInput& input) {
    std::size_t v = 0;
    while (v < input.versions.size() && input.versions[v].size == 0) {
        ++v;
    }
    return v;
}

ChurnSummary summarise(const ChurnInput& input) {
    auto summary = summarise_all({input});
    summary.name = input.name;
    return summary;
}

ChurnSummary summarise_all(const std::vector<ChurnInput>& inputs) {
    ChurnSummary summary;
    summary.playlist = inputs.size() == 1 ? inputs.front().playlist : "(all)";
    Sums sums;
    double mean_size_sum = 0;
    std::vector<double> removed_tenures;
    std::vector<Tenure> tenures;
    double first_last_common = 0;
    double first_last_union = 0;
    bool any = false;
    for (const auto& input : inputs) {
        if (input.versions.empty()) {
            continue;
        }
        summary.first_day = any ? std::min(summary.first_day, input.versions.front().day)
                                : input.versions.front().day;
        summary.last_day =
            any ? std::max(summary.last_day, input.versions.back().day) : input.versions.back().day;
        any = true;
        count(input, summary);
        Sums own;
        own.add(input);
        sums.add(input);
        mean_size_sum += own.size_sum / static_cast<double>(own.size_count);
        for (const auto& tenure : input.tenures) {
            if (tenure.removed) {
                removed_tenures.push_back(static_cast<double>(tenure.days));
            }
            tenures.push_back(tenure);
        }
        first_last_common += input.first_last_common;
        first_last_union += input.first_size + input.versions.back().size - input.first_last_common;
    }
    if (!any) {
        return summary;
    }
    summary.mean_size = mean_size_sum; // one playlist's mean size, or the sum of them all
    const auto removals_per_day =
        ratio(static_cast<double>(summary.removals), summary.last_day - summary.first_day);
    if (removals_per_day) {
        summary.turnover = ratio(*removals_per_day, mean_size_sum);
    }
    summary.jaccard_consecutive = ratio(sums.jaccard_sum, static_cast<double>(sums.jaccard_count));
    summary.jaccard_first_last = ratio(first_last_common, first_last_union);
    summary.median_tenure_removed = median(removed_tenures);
    summary.median_survival = kaplan_meier_median(tenures);
    return summary;
}

std::int32_t period_start(std::int32_t day, Period period) {
    using namespace std::chrono;
    const sys_days date{days{day}};
    switch (period) {
    case Period::day:
        return day;
    case Period::week: {
        const unsigned iso = weekday{date}.iso_encoding(); // Monday is 1
        return day - static_cast<std::int32_t>(iso - 1);
    }
    case Period::month: {
        const year_month_day ymd{date};
        return static_cast<std::int32_t>(
            sys_days{ymd.year() / ymd.month() / 1}.time_since_epoch().count());
    }
    }
    return day;
}

std::int32_t next_period(std::int32_t start, Period period) {
    using namespace std::chrono;
    switch (period) {
    case Period::day:
        return start + 1;
    case Period::week:
        return start + 7;
    case Period::month: {
        const year_month_day ymd{sys_days{days{start}}};
        const year_month next = ymd.year() / ymd.month() + months{1};
        return static_cast<std::int32_t>(sys_days{next / 1}.time_since_epoch().count());
    }
    }
    return start + 1;
}

std::string period_label(std::int32_t start, Period period) {
    using namespace std::chrono;
    switch (period) {
    case Period::day:
        return format_day(start);
    case Period::week: {
        // ISO week: the week's Thursday decides the year.
        const year_month_day thursday{sys_days{days{start + 3}}};
        const auto jan1 = sys_days{thursday.year() / January / 1};
        const auto week = (sys_days{thursday} - jan1).count() / 7 + 1;
        return fmt::format("{:04}-W{:02}", static_cast<int>(thursday.year()), week);
    }
    case Period::month:
        return format_day(start).substr(0, 7);
    }
    return format_day(start);
}

std::vector<PeriodStats> time_series(const ChurnInput& input, Period period, std::int32_t tip_day) {
    std::vector<PeriodStats> series;
    if (input.versions.empty()) {
        return series;
    }
    std::size_t v = 0;
    const std::size_t fill = first_fill(input);
    std::uint32_t size = 0;
    for (std::int32_t start = period_start(input.versions.front().day, period); start <= tip_day;
         start = next_period(start, period)) {
        PeriodStats stats{start, input.playlist, input.name, size, 0, 0, std::nullopt};
        const std::uint32_t size_at_start = size;
        const std::int32_t end = next_period(start, period);
        for (; v < input.versions.size() && input.versions[v].day < end; ++v) {
            if (v > fill) {
                stats.additions += input.versions[v].added;
            }
            stats.removals += input.versions[v].removed;
            size = input.versions[v].size;
        }
        stats.size = size;
        if (size_at_start > 0) {
            stats.turnover = static_cast<double>(stats.removals) / size_at_start;
        }
        series.push_back(std::move(stats));
    }
    return series;
}

} // namespace gh::tables
