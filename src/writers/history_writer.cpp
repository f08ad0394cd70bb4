#include "writers/history_writer.hpp"

#include "util/calendar.hpp"
#include "util/terminal.hpp"
#include "writers/json_document.hpp"

#include <fmt/format.h>

namespace gh::writers {

namespace {

/// The header: the playlist as of the analysed revision, and how many versions it had.
std::string render_header(const PlaylistHistory& history) {
    const std::size_t versions = history.versions;
    const std::size_t shown = history.shown.size();
    return fmt::format("playlist {} '{}': {} version{}{}\n\n", escape_control(history.id),
                       escape_control(history.name), versions, versions == 1 ? "" : "s",
                       shown == versions ? std::string() : fmt::format(", {} shown", shown));
}

/// The line that starts a version: its date, commit, size and counts of changes.
std::string render_title(const HistoryVersion& version, const SnapshotLabels& labels, bool color) {
    const auto commit = std::string_view(labels.commits.at(version.snapshot)).substr(0, 9);
    std::string out = colored(fmt::format("{} {}", format_day(version.day), commit), "33", color);
    out += version.first     ? fmt::format("  created as '{}', {} tracks",
                                           escape_control(version.current_name), version.size)
           : version.deleted ? std::string("  playlist deleted")
                             : fmt::format("  {} tracks", version.size);
    if (!version.first && !(version.added.empty() && version.removed.empty())) {
        out += fmt::format(", +{} -{}", version.added.size(), version.removed.size());
    }
    return out + '\n';
}

/// `~ what: 'from' -> 'to'`, for a name or a description.
std::string render_rename(std::string_view what,
                          const std::optional<std::pair<std::string, std::string>>& change,
                          bool color) {
    if (!change) {
        return {};
    }
    return colored(fmt::format("  ~ {}: '{}' -> '{}'", what, escape_control(change->first),
                               escape_control(change->second)),
                   "36", color) +
           "\n";
}

std::string render_version(const HistoryVersion& version, const SnapshotLabels& labels,
                           bool color) {
    std::string out = render_title(version, labels, color);
    out += render_rename("name", version.name, color);
    out += render_rename("description", version.description, color);
    for (const auto& track : version.added) {
        out += colored("  + " + escape_control(track.line), "32", color) + "\n";
    }
    for (const auto& track : version.removed) {
        out += colored("  - " + escape_control(track.line), "31", color) + "\n";
    }
    for (const auto& change : version.respelled) {
        out += colored(fmt::format("  ~ {} -> {}", escape_control(change.from.line),
                                   escape_control(change.to.line)),
                       "36", color) +
               "\n";
    }
    if (!version.first && !version.deleted && version.added.empty() && version.removed.empty() &&
        version.respelled.empty() && !version.name && !version.description) {
        out += "  (the file changed, its tracks did not)\n";
    }
    return out + '\n';
}

std::string render_text(const PlaylistHistory& history, const SnapshotLabels& labels, bool color) {
    std::string out = render_header(history);
    for (const auto& version : history.shown) {
        out += render_version(version, labels, color);
    }
    return out;
}

nlohmann::ordered_json json_of(const HistoryTrack& track) {
    return track_json(track.title, track.artists, track.album);
}

nlohmann::ordered_json tracks_json(const std::vector<HistoryTrack>& tracks) {
    auto array = nlohmann::ordered_json::array();
    for (const auto& track : tracks) {
        array.push_back(json_of(track));
    }
    return array;
}

/// `{"from": ..., "to": ...}`, or null when nothing changed.
nlohmann::ordered_json
change_json(const std::optional<std::pair<std::string, std::string>>& change) {
    return change ? nlohmann::ordered_json{{"from", change->first}, {"to", change->second}}
                  : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json version_json(const HistoryVersion& version, const SnapshotLabels& labels) {
    nlohmann::ordered_json change;
    change["date"] = format_day(version.day);
    change["commit"] = labels.commits.at(version.snapshot);
    change["tracks"] = version.size;
    change["deleted"] = version.deleted;
    change["added"] = tracks_json(version.added);
    change["removed"] = tracks_json(version.removed);
    auto respelled = nlohmann::ordered_json::array();
    for (const auto& r : version.respelled) {
        respelled.push_back({{"from", json_of(r.from)}, {"to", json_of(r.to)}});
    }
    change["respelled"] = std::move(respelled);
    change["name"] = change_json(version.name);
    change["description"] = change_json(version.description);
    return change;
}

std::string render_json(const PlaylistHistory& history, const SnapshotLabels& labels) {
    auto changes = nlohmann::ordered_json::array();
    for (const auto& version : history.shown) {
        changes.push_back(version_json(version, labels));
    }
    const nlohmann::ordered_json document{{"playlist", history.id},
                                          {"name", history.name},
                                          {"versions", history.versions},
                                          {"changes", std::move(changes)}};
    return json_document(document);
}

} // namespace

std::string render_history(const PlaylistHistory& history, const SnapshotLabels& labels,
                           HistoryFormat format, bool color) {
    switch (format) {
    case HistoryFormat::json:
        return render_json(history, labels);
    case HistoryFormat::text:
        break;
    }
    return render_text(history, labels, color);
}

} // namespace gh::writers
