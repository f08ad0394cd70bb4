#include "cache/history_codec.hpp"

#include <stdexcept>

namespace gh::cache::detail {

void write_history(Writer& out, const history::History& history) {
    out.oid(history.tip);
    out.integer<std::int64_t>(history.tip_time);
    out.text(history.dir);
    out.integer<std::uint64_t>(history.commits_walked);
    out.integer<std::uint32_t>(static_cast<std::uint32_t>(history.commits.size()));
    for (const auto& id : history.commits) {
        out.oid(id);
    }
    out.integer<std::uint32_t>(static_cast<std::uint32_t>(history.snapshots.size()));
    for (const auto& snapshot : history.snapshots) {
        out.oid(snapshot.commit);
        out.integer<std::int64_t>(snapshot.time);
    }
    out.integer<std::uint32_t>(static_cast<std::uint32_t>(history.skipped.size()));
    for (const auto& skipped : history.skipped) {
        out.oid(skipped.commit);
        out.text(skipped.path);
        out.text(skipped.kind);
    }
    out.integer<std::uint32_t>(static_cast<std::uint32_t>(history.shallow_boundary.size()));
    for (const auto& id : history.shallow_boundary) {
        out.oid(id);
    }
    out.integer<std::uint32_t>(static_cast<std::uint32_t>(history.playlists.size()));
    for (const auto& [id, versions] : history.playlists) {
        out.text(id);
        out.integer<std::uint32_t>(static_cast<std::uint32_t>(versions.size()));
        for (const auto& version : versions) {
            out.integer<std::uint32_t>(version.snapshot);
            out.integer<std::uint8_t>(version.blob.has_value());
            if (version.blob) {
                out.oid(*version.blob);
            }
        }
    }
}

history::History read_history(Reader& in) {
    history::History history;
    history.tip = in.oid();
    history.tip_time = in.integer<std::int64_t>();
    history.dir = in.text();
    history.commits_walked = in.integer<std::uint64_t>();
    history.commits.resize(in.count(GIT_OID_RAWSZ));
    for (auto& id : history.commits) {
        id = in.oid();
    }
    history.snapshots.resize(in.count(GIT_OID_RAWSZ + 8));
    for (auto& snapshot : history.snapshots) {
        snapshot.commit = in.oid();
        snapshot.time = in.integer<std::int64_t>();
    }
    history.skipped.resize(in.count(GIT_OID_RAWSZ + 8));
    for (auto& skipped : history.skipped) {
        skipped.commit = in.oid();
        skipped.path = in.text();
        skipped.kind = in.text();
    }
    history.shallow_boundary.resize(in.count(GIT_OID_RAWSZ));
    for (auto& id : history.shallow_boundary) {
        id = in.oid();
    }
    const auto playlists = in.count(8);
    for (std::uint32_t p = 0; p < playlists; ++p) {
        auto& versions = history.playlists[in.text()];
        versions.resize(in.count(5));
        for (auto& version : versions) {
            version.snapshot = in.integer<std::uint32_t>();
            if (version.snapshot >= history.snapshots.size()) {
                throw std::runtime_error("a version of a snapshot that does not exist");
            }
            if (in.integer<std::uint8_t>()) {
                version.blob = in.oid();
            }
        }
    }
    return history;
}

} // namespace gh::cache::detail
