#pragma once

// gh-analyze report: an archive's whole history as a static site (README "report"). This
// turns playlist histories into pages; the command reads them and writes the files.

#include "tables/playlist_history.hpp"

#include <functional>
#include <string>
#include <vector>

namespace gh::report {

/// One file of the report: its path relative to the report's directory, and its bytes.
struct Page {
    std::string path;
    std::string content;
};

struct ReportOptions {
    std::string title;       ///< the archive's name, in the index's heading
    bool all_tracks = false; ///< a page for every track, not only those in two playlists
    unsigned jobs = 0;       ///< threads rendering pages; 0: one per processor
};

/// Receives each page as soon as it is made, from any of the rendering threads.
using PageFn = std::function<void(Page&&)>;

/// Makes every page and hands each to `emit` (see below), on `options.jobs` threads.
void render_report(const std::vector<tables::PlaylistHistory>& histories,
                   const tables::Calendar& calendar, const tables::SnapshotLabels& labels,
                   const ReportOptions& options, const PageFn& emit);

/// Every page, by path: `index.html`, `style.css`, `playlists/<id>.html` for each playlist whose id
/// can be a file name, and `tracks/<hash>.html` for each track (a key) in two or more playlists (or
/// all of them). Playlists whose ids cannot be file names are listed in the index without a page.
std::vector<Page> render_report(const std::vector<tables::PlaylistHistory>& histories,
                                const tables::Calendar& calendar,
                                const tables::SnapshotLabels& labels, const ReportOptions& options);

/// Where a playlist's page is, relative to the report's root; empty when its id cannot be
/// a file name.
std::string playlist_page(std::string_view id);

} // namespace gh::report
