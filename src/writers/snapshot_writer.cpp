#include "writers/snapshot_writer.hpp"

#include "util/terminal.hpp"
#include "writers/json_document.hpp"
#include "writers/table_writer.hpp"

namespace gh::writers {

namespace {

std::string render_text(const plain::PlainFile& file) {
    std::string out = escape_control(file.name) + "\n";
    for (const auto line : file.description) {
        out += escape_control(line) + "\n";
    }
    out += "\n";
    for (const auto& track : file.tracks) {
        out += escape_control(track.text) + "\n";
    }
    return out;
}

std::string render_csv(std::string_view id, const plain::PlainFile& file) {
    std::string out = csv_record({"playlist", "name", "position", "title", "artists", "album"});
    for (std::size_t i = 0; i < file.tracks.size(); ++i) {
        const auto& track = file.tracks[i];
        out += csv_record({std::string(id), std::string(file.name), std::to_string(i + 1),
                           std::string(track.title), std::string(track.artists),
                           std::string(track.album)});
    }
    return out;
}

std::string render_json(std::string_view id, std::string_view commit,
                        const plain::PlainFile& file) {
    auto tracks = nlohmann::ordered_json::array();
    for (const auto& track : file.tracks) {
        tracks.push_back(track_json(track.title, track.artists, track.album));
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
                            const plain::PlainFile& file, SnapshotFormat format) {
    switch (format) {
    case SnapshotFormat::csv:
        return render_csv(id, file);
    case SnapshotFormat::json:
        return render_json(id, commit, file);
    case SnapshotFormat::text:
        break;
    }
    return render_text(file);
}

} // namespace gh::writers
