#include "report/report.hpp"

#include "plain/track_key.hpp"
#include "report/charts.hpp"
#include "report/html.hpp"
#include "tables/churn.hpp"
#include "tables/track_links.hpp"
#include "util/calendar.hpp"
#include "util/file_names.hpp"
#include "util/hash.hpp"
#include "util/parallel.hpp"
#include "writers/table_writer.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>
#include <unordered_map>

namespace gh::report {

namespace {

/// How many tracks each timeline of a playlist's page shows.
constexpr std::size_t k_timeline_tracks = 12;

/// A link only to the web: a url from an archive's files could say `javascript:`.
bool is_web_url(std::string_view url) {
    return url.starts_with("https://") || url.starts_with("http://");
}

std::string link_or_text(std::string_view text, std::string_view url) {
    if (!is_web_url(url)) {
        return escape_html(text);
    }
    return fmt::format("<a href=\"{}\">{}</a>", escape_html(url), escape_html(text));
}

/// The page of each track that has one, by key: a name from its key's hash, made unique.
class TrackPages {
  public:
    TrackPages(const std::vector<tables::PlaylistHistory>& histories, bool all) {
        for (std::size_t p = 0; p < histories.size(); ++p) {
            for (const auto& row : histories[p].table.rows) {
                m_places[row.key].push_back(p);
            }
        }
        std::vector<std::string_view> keys;
        for (const auto& [key, playlists] : m_places) {
            m_shared += playlists.size() >= 2;
            if (all || playlists.size() >= 2) {
                keys.push_back(key);
            }
        }
        std::sort(keys.begin(), keys.end()); // the same names each run, collisions or not
        std::unordered_map<std::uint64_t, std::size_t> taken;
        for (const std::string_view key : keys) {
            const std::uint64_t hash = hash_text(key);
            std::string name = fmt::format("{:016x}", hash);
            if (const std::size_t seen = taken[hash]++; seen > 0) {
                name += fmt::format("-{}", seen + 1);
            }
            m_files.emplace(key, "tracks/" + name + ".html");
            m_keys.push_back(key);
        }
    }

    /// The page of `key` relative to the root, or empty.
    const std::string& file(std::string_view key) const {
        static const std::string none;
        const auto found = m_files.find(key);
        return found == m_files.end() ? none : found->second;
    }
    /// How many keys are in two or more playlists.
    std::size_t shared() const { return m_shared; }
    /// The keys that have a page, in order.
    const std::vector<std::string_view>& keys() const { return m_keys; }
    const std::vector<std::size_t>& playlists(std::string_view key) const {
        return m_places.find(key)->second;
    }

  private:
    std::unordered_map<std::string_view, std::vector<std::size_t>> m_places;
    std::unordered_map<std::string_view, std::string> m_files;
    std::vector<std::string_view> m_keys;
    std::size_t m_shared = 0;
};

/// What the index and a playlist's page show of it.
struct Figures {
    tables::ChurnInput input;
    tables::ChurnSummary summary;
    std::vector<SizePoint> sizes;
};

Figures figures_of(const tables::PlaylistHistory& history, const tables::Calendar& calendar) {
    Figures figures;
    figures.input = tables::churn_input(history, calendar);
    figures.summary = tables::summarise(figures.input);
    for (const auto& snapshot : history.snapshots) {
        figures.sizes.push_back({calendar.snapshot_days.at(snapshot.snapshot), snapshot.keys});
    }
    return figures;
}

std::string track_label(const tables::TrackRow& row) {
    return row.artists.empty() ? std::string(row.title)
                               : fmt::format("{} — {}", row.title, row.artists);
}

/// A track's stints in one playlist, as the timeline draws them.
std::vector<Stint> stints_of(const tables::PlaylistHistory& history, std::string_view key,
                             const tables::Calendar& calendar) {
    std::vector<Stint> stints;
    for (const auto* membership : history.stints(key)) {
        stints.push_back(
            {calendar.snapshot_days.at(membership->start),
             membership->end ? calendar.snapshot_days.at(*membership->end) : calendar.tip_day,
             !membership->end});
    }
    return stints;
}

std::string render_index(const std::vector<tables::PlaylistHistory>& histories,
                         const std::vector<Figures>& figures, const tables::Calendar& calendar,
                         const tables::SnapshotLabels& labels, const ReportOptions& options,
                         std::size_t shared_tracks) {
    std::size_t rows = 0;
    for (const auto& history : histories) {
        rows += history.table.rows.size();
    }
    std::string body = fmt::format(
        "<p class=\"muted\">{} playlists, {} tracks in their cumulative tables, {} snapshots "
        "from {} to {}. {} tracks were in two or more playlists.</p>\n",
        histories.size(), rows, labels.dates.size(),
        labels.dates.empty() ? std::string("–") : labels.dates.front(),
        labels.dates.empty() ? std::string("–") : labels.dates.back(), shared_tracks);
    body += "<div class=\"table-wrap\"><table id=\"playlists\">\n<thead><tr>"
            "<th>Playlist</th><th class=\"num\">Size</th><th class=\"num\">Tracks ever</th>"
            "<th class=\"num\" title=\"removals per day as a share of the mean size\">Turnover "
            "per day</th><th class=\"num\" title=\"Kaplan-Meier median: days until half the "
            "tracks were gone\">Median survival (days)</th><th class=\"hide-narrow\">Size over "
            "time</th></tr></thead>\n<tbody>\n";
    std::vector<std::size_t> order(histories.size());
    std::iota(order.begin(), order.end(), 0);
    // By name as a reader looks for it: case aside, then as written.
    std::vector<std::string> lowered;
    for (const auto& history : histories) {
        lowered.push_back(plain::python_lower(history.table.name));
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::tie(lowered[a], histories[a].table.name) <
               std::tie(lowered[b], histories[b].table.name);
    });
    for (const std::size_t i : order) {
        const auto& table = histories[i].table;
        const auto& summary = figures[i].summary;
        const std::string page = playlist_page(table.id);
        const std::string name = table.name.empty() ? table.id : table.name;
        body += fmt::format(
            "<tr><td data-sort=\"{0}\">{1}{2}</td><td class=\"num\">{3}</td><td "
            "class=\"num\">{4}</td><td class=\"num\" data-sort=\"{5}\">{6}</td><td class=\"num\" "
            "data-sort=\"{7}\">{8}</td><td class=\"hide-narrow\">{9}</td></tr>\n",
            escape_html(name),
            page.empty() ? escape_html(name)
                         : fmt::format("<a href=\"{}\">{}</a>", href_path(page), escape_html(name)),
            table.deleted ? " <span class=\"muted\">(deleted)</span>" : "", summary.size,
            summary.tracks_ever, summary.turnover ? fmt::format("{}", *summary.turnover) : "",
            summary.turnover ? fmt::format("{:.2f}%", *summary.turnover * 100) : "–",
            summary.median_survival ? fmt::format("{}", *summary.median_survival) : "",
            summary.median_survival ? fmt::format("{:.0f}", *summary.median_survival) : "–",
            sparkline(figures[i].sizes, calendar.tip_day));
    }
    body += "</tbody></table></div>\n";
    // Sorting by a column's header, for those who have JavaScript; the page reads fully
    // without it.
    body += R"(<script>
document.querySelectorAll('#playlists th').forEach((th, column) => {
  const button = document.createElement('button');
  button.textContent = th.textContent;
  button.title = 'Sort by this column';
  th.textContent = '';
  th.appendChild(button);
  button.addEventListener('click', () => {
    const body = th.closest('table').tBodies[0];
    const down = th.dataset.order !== 'down';
    th.closest('tr').querySelectorAll('th').forEach((other) => {
      delete other.dataset.order;
      other.removeAttribute('aria-sort');
    });
    th.dataset.order = down ? 'down' : 'up';
    th.setAttribute('aria-sort', down ? 'descending' : 'ascending');
    const value = (row) => {
      const cell = row.cells[column];
      const text = cell.dataset.sort ?? cell.textContent;
      const number = parseFloat(text);
      return text !== '' && !isNaN(number) && column > 0 ? number : text.toLowerCase();
    };
    const rows = Array.from(body.rows);
    rows.sort((a, b) => { const x = value(a), y = value(b);
      return (x < y ? -1 : x > y ? 1 : 0) * (down ? -1 : 1); });
    rows.forEach((row) => body.appendChild(row));
  });
});
</script>
)";
    return page(options.title, "", body, true);
}

std::string render_playlist(const tables::PlaylistHistory& history, const Figures& figures,
                            const TrackPages& tracks, const tables::Calendar& calendar,
                            const tables::SnapshotLabels& labels) {
    const auto& table = history.table;
    const auto& summary = figures.summary;
    const std::string name = table.name.empty() ? table.id : table.name;
    std::string body =
        fmt::format("<p class=\"muted\">Playlist {}{}</p>\n<ul class=\"facts\">",
                    escape_html(table.id), table.deleted ? ", deleted from the archive" : "");
    const auto fact = [&](std::string_view label, const std::string& value) {
        body += fmt::format("<li>{}: <b>{}</b></li>", label, value);
    };
    fact("tracks now", std::to_string(summary.size));
    fact("tracks ever", std::to_string(summary.tracks_ever));
    fact("versions", std::to_string(summary.snapshots));
    if (!history.snapshots.empty()) {
        fact("first version", labels.dates.at(history.snapshots.front().snapshot));
        fact("last change", labels.dates.at(history.snapshots.back().snapshot));
    }
    fact("turnover per day",
         summary.turnover ? fmt::format("{:.2f}%", *summary.turnover * 100) : std::string("–"));
    fact("median survival", summary.median_survival
                                ? fmt::format("{:.0f} days", *summary.median_survival)
                                : std::string("more than half still present"));
    body += "</ul>\n";

    // The names it took, without the empty one of a file not filled yet: a mark where one
    // name follows another.
    std::vector<tables::NameChange> taken;
    for (const auto& change : table.names) {
        if (!change.name.empty() && (taken.empty() || taken.back().name != change.name)) {
            taken.push_back(change);
        }
    }
    std::vector<NameMark> names;
    for (std::size_t i = 1; i < taken.size(); ++i) {
        names.push_back({calendar.snapshot_days.at(taken[i].snapshot), taken[i].name});
    }
    if (taken.size() > 1) {
        body += "<p class=\"muted\">Earlier names: ";
        for (std::size_t i = 0; i + 1 < taken.size(); ++i) {
            body += fmt::format("{}{} (from {})", i > 0 ? "; " : "", escape_html(taken[i].name),
                                labels.dates.at(taken[i].snapshot));
        }
        body += "</p>\n";
    }
    body += "<h2>Size over time</h2>\n<figure>" +
            size_chart(figures.sizes, names, calendar.tip_day, "size") +
            "<figcaption>One point per version of the playlist file; dashed lines mark "
            "renames.</figcaption></figure>\n";

    std::vector<WeekBar> weeks;
    for (const auto& week :
         tables::time_series(figures.input, tables::Period::week, calendar.tip_day)) {
        weeks.push_back({week.start, week.additions, week.removals});
    }
    body += "<h2>Additions and removals per week</h2>\n<figure>" + weekly_chart(weeks, "weeks") +
            "<figcaption>ISO weeks; the playlist's first fill is not counted as additions."
            "</figcaption></figure>\n";

    const auto& tenures = figures.input.tenures;
    SurvivalCurve curve;
    const auto estimate = tables::kaplan_meier(tenures);
    for (const auto& step : estimate.steps) {
        curve.steps.push_back({static_cast<double>(step.days), step.survival});
    }
    for (const auto& censored : estimate.censored) {
        curve.censored.push_back({static_cast<double>(censored.days), censored.survival});
    }
    curve.median = summary.median_survival;
    curve.tracks = tenures.size();
    for (const auto& tenure : tenures) {
        curve.longest = std::max(curve.longest, static_cast<double>(tenure.days));
    }
    body += "<h2>How long tracks stay</h2>\n<figure>" + survival_chart(curve, "survival") +
            "<figcaption>Kaplan-Meier survival of the playlist's tracks (days present, all "
            "stints); a tick marks a track still present.</figcaption></figure>\n";

    // The longest-lived tracks, and those re-added most often, one bar per stint.
    const auto timeline = [&](auto better, std::string_view id, std::string_view title,
                              bool re_added) {
        std::vector<const tables::TrackRow*> rows;
        for (const auto& row : table.rows) {
            if (!re_added || row.stints >= 2) {
                rows.push_back(&row);
            }
        }
        const std::size_t shown = std::min(rows.size(), k_timeline_tracks);
        std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(shown),
                          rows.end(), better);
        rows.resize(shown);
        if (rows.empty()) {
            return;
        }
        std::vector<TimelineTrack> timeline_tracks;
        for (const auto* row : rows) {
            const std::string& page = tracks.file(row->key);
            timeline_tracks.push_back({track_label(*row),
                                       page.empty() ? "" : href_path("../" + page),
                                       stints_of(history, row->key, calendar)});
        }
        body += fmt::format("<h2>{}</h2>\n<figure>", title) +
                timeline_chart(timeline_tracks,
                               figures.sizes.empty() ? calendar.tip_day : figures.sizes.front().day,
                               calendar.tip_day, id, title, "tracks", true) +
                "<figcaption>One bar per stint, from the day a track was first seen to the day "
                "it was seen gone; green bars are still open.</figcaption></figure>\n";
    };
    timeline(
        [](const tables::TrackRow* a, const tables::TrackRow* b) {
            return a->days_present != b->days_present ? a->days_present > b->days_present
                                                      : a->key < b->key;
        },
        "longest", "The longest-lived tracks", false);
    timeline(
        [](const tables::TrackRow* a, const tables::TrackRow* b) {
            return a->stints != b->stints ? a->stints > b->stints : a->key < b->key;
        },
        "readded", "The tracks re-added most often", true);

    body += fmt::format(
        "<h2>Every track ever ({})</h2>\n<p class=\"muted\">Titles open the track on Spotify; "
        "(elsewhere) leads to every playlist a track was in.</p>\n"
        "<div class=\"table-wrap\"><table class=\"tracks\">\n"
        "<thead><tr><th>Title</th><th>Artist(s)</th><th>"
        "Album</th><th class=\"num\">Length</th><th>Added</th><th>Removed</th>"
        "</tr></thead>\n<tbody>\n",
        table.rows.size());
    std::vector<const tables::TrackRow*> rows;
    for (const auto& row : table.rows) {
        rows.push_back(&row);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
        return a->added != b->added ? a->added < b->added : a->key < b->key;
    });
    // Only the title links to Spotify: the artists' and albums' links would double the
    // site's size, and the track's page on Spotify leads to them.
    for (const auto* row : rows) {
        const std::string& page = tracks.file(row->key);
        body += fmt::format(
            "<tr><td>{}{}<td>{}<td>{}<td>{}<td>{}<td>{}\n",
            link_or_text(row->title, row->track_url),
            page.empty() ? ""
                         : fmt::format(" <a href=\"{}\">(elsewhere)</a>", href_path("../" + page)),
            escape_html(row->artists), escape_html(row->album),
            row->length_ms ? writers::format_length(*row->length_ms) : "",
            labels.dates.at(row->added), row->removed ? labels.dates.at(*row->removed) : "");
    }
    body += "</tbody></table></div>\n";
    return page(name, "../", body);
}

std::string render_track(std::string_view key, const std::vector<std::size_t>& playlists,
                         const std::vector<tables::PlaylistHistory>& histories,
                         const tables::Calendar& calendar) {
    const tables::TrackRow* shown = nullptr;
    std::vector<TimelineTrack> places;
    std::string rows;
    // The chart spans the track's stints: a track no longer in any playlist has a page
    // that stays as it is from one day to the next (only pages that change are written).
    std::int32_t first_day = calendar.tip_day;
    std::int32_t last_day = std::numeric_limits<std::int32_t>::min();
    for (const std::size_t p : playlists) {
        const auto& history = histories[p];
        const auto* row = history.row(key);
        if (!row) {
            continue;
        }
        shown = tables::shown_row(shown, *row);
        const std::string name = history.table.name.empty() ? history.table.id : history.table.name;
        const std::string page = playlist_page(history.table.id);
        auto stints = stints_of(history, key, calendar);
        // The playlist's cell spans its stints' rows (closing tags are left out where HTML
        // allows it: a popular track has hundreds of rows).
        for (std::size_t i = 0; i < stints.size(); ++i) {
            const auto& stint = stints[i];
            first_day = std::min(first_day, stint.start);
            last_day = std::max(last_day, stint.end); // the tip's day while it is open
            if (i == 0) {
                rows += fmt::format(
                    "<tr><td{}>{}",
                    stints.size() > 1 ? fmt::format(" rowspan=\"{}\"", stints.size())
                                      : std::string(),
                    page.empty() ? escape_html(name)
                                 : fmt::format("<a href=\"{}\">{}</a>", href_path("../" + page),
                                               escape_html(name)));
            } else {
                rows += "<tr>";
            }
            rows += fmt::format("<td>{}<td>{}<td>{}\n", format_day(stint.start),
                                stint.open ? std::string("still there") : format_day(stint.end),
                                stint.end - stint.start);
        }
        // The chart's labels are not links: the table below links each playlist.
        places.push_back({name, "", std::move(stints)});
    }
    const std::string title = shown ? track_label(*shown) : std::string(key);
    std::string body;
    if (shown) {
        body += fmt::format(
            "<p class=\"muted\">{}album {}{}</p>\n",
            is_web_url(shown->track_url) ? link_or_text("Open on Spotify", shown->track_url) + " · "
                                         : std::string(),
            link_or_text(shown->album, shown->album_url),
            shown->length_ms ? " · " + writers::format_length(*shown->length_ms) : std::string());
    }
    body += fmt::format("<p>In {} playlists.</p>\n<figure>", places.size()) +
            timeline_chart(places, first_day, std::max(first_day, last_day), "places",
                           "Where the track has been", "playlists", false) +
            "<figcaption>One bar per stint in each playlist.</figcaption></figure>\n";
    body += "<h2>Every stint</h2>\n<div class=\"table-wrap\"><table "
            "class=\"stints\"><thead><tr><th>Playlist</th>"
            "<th>From</th><th>To (seen gone)</th><th class=\"num\">Days</th></tr></thead>"
            "<tbody>\n" +
            rows + "</tbody></table></div>\n";
    return page(title, "../", body);
}

} // namespace

std::string playlist_page(std::string_view id) {
    const std::string file = fmt::format("{}.html", id);
    return is_safe_file_name(file) && is_safe_file_name(id) ? "playlists/" + file : std::string();
}

void render_report(const std::vector<tables::PlaylistHistory>& histories,
                   const tables::Calendar& calendar, const tables::SnapshotLabels& labels,
                   const ReportOptions& options, const PageFn& emit) {
    const TrackPages tracks(histories, options.all_tracks);
    std::vector<Figures> figures(histories.size());
    const unsigned jobs = thread_count(options.jobs, histories.size() + tracks.keys().size());
    run_parallel(histories.size(), jobs,
                 [&](unsigned, std::size_t i) { figures[i] = figures_of(histories[i], calendar); });
    emit({"style.css", std::string(style_sheet())});
    emit({"index.html",
          render_index(histories, figures, calendar, labels, options, tracks.shared())});
    // A page per playlist, then a page per track, each handed over as soon as it is made.
    run_parallel(histories.size() + tracks.keys().size(), jobs, [&](unsigned, std::size_t item) {
        if (item < histories.size()) {
            if (std::string path = playlist_page(histories[item].table.id); !path.empty()) {
                emit({std::move(path),
                      render_playlist(histories[item], figures[item], tracks, calendar, labels)});
            }
        } else {
            const std::string_view key = tracks.keys()[item - histories.size()];
            emit({tracks.file(key), render_track(key, tracks.playlists(key), histories, calendar)});
        }
    });
}

std::vector<Page> render_report(const std::vector<tables::PlaylistHistory>& histories,
                                const tables::Calendar& calendar,
                                const tables::SnapshotLabels& labels,
                                const ReportOptions& options) {
    std::mutex lock;
    std::vector<Page> pages;
    render_report(histories, calendar, labels, options, [&](Page&& page) {
        const std::lock_guard hold(lock);
        pages.push_back(std::move(page));
    });
    std::sort(pages.begin(), pages.end(),
              [](const Page& a, const Page& b) { return a.path < b.path; });
    return pages;
}

} // namespace gh::report
