#pragma once

#include "tables/cumulative.hpp"
#include "tables/playlist_history.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gh::tables {

/// One version of a playlist as churn statistics see it.
struct VersionStats {
    std::int32_t day = 0;
    std::uint32_t size = 0;    ///< keys present after the version
    std::uint32_t added = 0;   ///< stints begun
    std::uint32_t removed = 0; ///< stints ended
};

/// One track's observed life in a playlist, for tenure and survival.
struct Tenure {
    std::int64_t days = 0; ///< days present (all stints)
    bool removed = false;  ///< false: still present at the tip (right-censored)
};

/// A playlist's churn over its whole history. Definitions (README "churn"):
/// additions count the stints begun after the playlist's first version with tracks (its
/// first fill is not an addition, even when an empty file came before it), removals the
/// stints ended; mean
/// daily turnover is (removals / days between the first and last version) / mean size,
/// the mean over versions; Jaccard similarities compare key sets.
struct ChurnSummary {
    std::string playlist;
    std::string name; ///< as of the analysed revision

    std::uint32_t snapshots = 0;
    std::int32_t first_day = 0;
    std::int32_t last_day = 0;
    std::uint32_t size = 0;
    std::uint32_t tracks_ever = 0;
    std::uint64_t additions = 0;
    std::uint64_t removals = 0;
    std::optional<double> mean_size;
    std::optional<double> turnover;
    std::optional<double> jaccard_consecutive;
    std::optional<double> jaccard_first_last;
    std::optional<double> median_tenure_removed;
    std::optional<double> median_survival;
};

/// Collected per playlist while its table is built (see TableBuilder::observe).
struct ChurnInput {
    std::string playlist;
    std::string name;
    std::vector<VersionStats> versions;
    std::vector<Tenure> tenures;
    std::uint32_t first_last_common = 0; ///< keys in both the first and the last version
    std::uint32_t first_size = 0;
};

/// The index of the playlist's first version with tracks: its stints are the first fill,
/// those of every later version are additions. versions.size() when none had tracks.
std::size_t first_fill(const ChurnInput& input);

/// The statistics of one playlist.
ChurnSummary summarise(const ChurnInput& input);

/// The statistics of several playlists together: counts summed, means and medians over
/// every version pair and every track of all of them, turnover as total removals per day
/// over the longest span divided by the sum of mean sizes.
ChurnSummary summarise_all(const std::vector<ChurnInput>& inputs);

/// The median of `values` (the mean of the middle two for an even count); nothing if empty.
std::optional<double> median(std::vector<double> values);

/// Kaplan–Meier median survival: the first time at which the estimated survival falls
/// to 0.5 or below, treating tracks still present as right-censored; nothing when it
/// never does.
std::optional<double> kaplan_meier_median(std::vector<Tenure> tenures);

/// The Kaplan–Meier estimate itself: after each time with removals, the share of tracks
/// still present; and each censored track (still present) at its time, with the share then.
struct SurvivalPoint {
    std::int64_t days = 0;
    double survival = 1;
};
struct KaplanMeier {
    std::vector<SurvivalPoint> steps;
    std::vector<SurvivalPoint> censored;
};
KaplanMeier kaplan_meier(std::vector<Tenure> tenures);

/// What churn statistics need of a playlist, from its whole history: the same as
/// collected version by version while its table is built.
ChurnInput churn_input(const PlaylistHistory& history, const Calendar& calendar);

/// A period of a time series: its first day, and its label ("2021-05-09", "2021-W18",
/// "2021-05").
enum class Period { day, week, month };
std::int32_t period_start(std::int32_t day, Period period);
std::int32_t next_period(std::int32_t start, Period period);
std::string period_label(std::int32_t start, Period period);

/// One playlist in one period.
struct PeriodStats {
    std::int32_t start = 0;
    std::string playlist;
    std::string name;
    std::uint32_t size = 0; ///< at the end of the period
    std::uint64_t additions = 0;
    std::uint64_t removals = 0;
    std::optional<double> turnover; ///< removals / size at the start of the period
};

/// The time series of one playlist from its first version's period to `tip_day`'s.
std::vector<PeriodStats> time_series(const ChurnInput& input, Period period, std::int32_t tip_day);

} // namespace gh::tables
