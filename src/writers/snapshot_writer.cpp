#include "writers/snapshot_writer.hpp"

#include "util/terminal.hpp"
#include "writers/json_document.hpp"
#include "writers/table_writer.hpp"

namespace gh::writers {

namespace {

/// One track as shown: the file's line alone, or joined to its pretty track.
struct Shown {
    const plain::TrackLine* line;
    const LinkedTrack* linked;
};

std::vector<Shown> shown_tracks(const plain::PlainFile& file,
                                const std::vector<LinkedTrack>* linked) {
    std::vector<Shown> shown;
    if (linked) {
        for (const auto& track : *linked) {
            shown.push_back({&file.tracks.at(track.line), &track});
        }
    } else {
        for (const auto& line : file.tracks) {
            shown.push_back({&line, nullptr});
        }
    }
    return shown;
}

std::string length_text(const LinkedTrack* linked) {
    return linked && linked->length_ms ? format_length(*linked->length_ms) : std::string();
}

std::string render_text(const plain::PlainFile& file, const std::vector<LinkedTrack>* linked) {
    std::string out = escape_control(file.name) + "\n";
    for (const auto line : file.description) {
        out += escape_control(line) + "\n";
    }
    out += "\n";
    for (const auto& [line, link] : shown_tracks(file, linked)) {
        out += escape_control(line->text);
        if (link) {
            out += "  " + length_text(link) + "  " + escape_control(link->url);
        }
        out += "\n";
    }
    return out;
}

std::string artist_urls(const LinkedTrack* linked) {
    std::string urls;
    if (linked) {
        for (std::size_t i = 0; i < linked->artist_links.size(); ++i) {
            if (i > 0) {
                urls += ' ';
            }
            urls += linked->artist_links[i].second;
        }
    }
    return urls;
}

std::string render_csv(std::string_view id, const plain::PlainFile& file,
                       const std::vector<LinkedTrack>* linked) {
    std::string out = csv_record({"playlist", "name", "position", "title", "artists", "album",
                                  "track_url", "artist_urls", "album_url", "length_seconds"});
    std::size_t position = 0;
    for (const auto& [line, link] : shown_tracks(file, linked)) {
        out += csv_record(
            {std::string(id), std::string(file.name), std::to_string(++position),
             std::string(link ? link->title : line->title),
             std::string(link ? link->artists : line->artists),
             std::string(link ? link->album : line->album), std::string(link ? link->url : ""),
             artist_urls(link), std::string(link ? link->album_url : ""),
             link && link->length_ms ? std::to_string(*link->length_ms / 1000) : std::string()});
    }
    return out;
}

std::string render_json(std::string_view id, std::string_view commit, const plain::PlainFile& file,
                        const std::vector<LinkedTrack>* linked) {
    auto tracks = nlohmann::ordered_json::array();
    const auto url = [](std::string_view text) {
        return text.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(text);
    };
    for (const auto& [line, link] : shown_tracks(file, linked)) {
        auto track = link ? track_json(link->title, link->artists, link->album)
                          : track_json(line->title, line->artists, line->album);
        track["track_url"] = link ? url(link->url) : nlohmann::ordered_json();
        track["artist_urls"] = nlohmann::ordered_json();
        if (link) {
            track["artist_urls"] = nlohmann::ordered_json::array();
            for (const auto& [name, artist_url] : link->artist_links) {
                track["artist_urls"].push_back(url(artist_url));
            }
        }
        track["album_url"] = link ? url(link->album_url) : nlohmann::ordered_json();
        track["length_seconds"] = link && link->length_ms
                                      ? nlohmann::ordered_json(*link->length_ms / 1000)
                                      : nlohmann::ordered_json();
        tracks.push_back(std::move(track));
    }
    const nlohmann::ordered_json document{
        {"playlist", id},
        {"commit", commit},
        {"name", file.name},
        {"description", plain::join_description(file.description)},
        {"tracks", tracks}};
    return json_document(document);
}

} // namespace

std::string render_snapshot(std::string_view id, std::string_view commit,
                            const plain::PlainFile& file, SnapshotFormat format,
                            const std::vector<LinkedTrack>* linked) {
    switch (format) {
    case SnapshotFormat::csv:
        return render_csv(id, file, linked);
    case SnapshotFormat::json:
        return render_json(id, commit, file, linked);
    case SnapshotFormat::text:
        break;
    }
    return render_text(file, linked);
}

} // namespace gh::writers
