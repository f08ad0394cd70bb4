#include "cache/current_era_cache.hpp"

#include "cache/encoding.hpp"
#include "cache/history_codec.hpp"
#include "util/mapped_file.hpp"

#include <stdexcept>

namespace gh::cache {

namespace {

using detail::Reader;
using detail::Writer;

constexpr std::string_view k_magic = "gh-analyze current-era cache\n";
constexpr std::uint32_t k_version = 1;

void write_table(Writer& out, const tables::CurrentEraTable& table) {
    out.text(table.first_scraped);
    out.text(table.name);
    out.text(table.description);
    out.integer<std::uint32_t>(static_cast<std::uint32_t>(table.rows.size()));
    for (const auto& [key, row] : table.rows) {
        out.text(key);
        out.text(row.title);
        out.text(row.url);
        out.text(row.album);
        out.text(row.album_url);
        out.integer<std::uint32_t>(static_cast<std::uint32_t>(row.artists.size()));
        for (const auto& [name, url] : row.artists) {
            out.text(name);
            out.text(url);
        }
        out.integer<std::uint64_t>(row.duration_ms ? std::uint64_t{*row.duration_ms} + 1 : 0);
        out.text(row.added);
        out.text(row.removed);
        out.integer<std::uint8_t>(row.asterisk);
    }
}

tables::CurrentEraTable read_table(Reader& in) {
    tables::CurrentEraTable table;
    table.first_scraped = in.text();
    table.name = in.text();
    table.description = in.text();
    const auto rows = in.integer<std::uint32_t>();
    for (std::uint32_t i = 0; i < rows; ++i) {
        std::string key = in.text();
        tables::CurrentEraRow row;
        row.title = in.text();
        row.url = in.text();
        row.album = in.text();
        row.album_url = in.text();
        const auto artists = in.integer<std::uint32_t>();
        for (std::uint32_t a = 0; a < artists; ++a) {
            std::string name = in.text();
            row.artists.emplace_back(std::move(name), in.text());
        }
        if (const auto duration = in.integer<std::uint64_t>(); duration > 0) {
            if (duration - 1 > UINT32_MAX) {
                throw std::runtime_error("a length out of range");
            }
            row.duration_ms = static_cast<std::uint32_t>(duration - 1);
        }
        row.added = in.text();
        row.removed = in.text();
        row.asterisk = in.integer<std::uint8_t>() != 0;
        if (!table.rows.emplace(std::move(key), std::move(row)).second) {
            throw std::runtime_error("a row saved twice");
        }
    }
    return table;
}

} // namespace

std::filesystem::path current_era_path(const Cache& cache) {
    return cache.directory() /
           fmt::format("current-era-{}.cache",
                       settings_hash("current-era\n" + cache.settings().describe()));
}

std::optional<CurrentEraState> load_current_era(const Cache& cache, std::string& why_not) {
    const auto path = current_era_path(cache);
    const auto file = MappedFile::open(path);
    if (!file) {
        return std::nullopt;
    }
    const std::string_view bytes = file->bytes();
    try {
        Reader in = detail::checked_body(bytes, k_magic, "gh-analyze current-era cache");
        if (in.integer<std::uint32_t>() != k_version) {
            throw std::runtime_error("written by another version of gh-analyze");
        }
        if (in.text() != cache.settings().describe()) {
            throw std::runtime_error("made with other settings");
        }
        CurrentEraState state;
        state.views = detail::read_history(in);
        const auto tables = in.integer<std::uint32_t>();
        for (std::uint32_t i = 0; i < tables; ++i) {
            std::string id = in.text();
            const auto versions = in.integer<std::uint32_t>();
            const auto found = state.views.playlists.find(id + ".json");
            if (found == state.views.playlists.end() || versions > found->second.size()) {
                throw std::runtime_error("a table of versions the history does not have");
            }
            state.tables.emplace(std::move(id), std::pair(versions, read_table(in)));
        }
        if (!in.at_end()) {
            throw std::runtime_error("bytes after its end");
        }
        return state;
    } catch (const std::exception& error) {
        why_not = fmt::format("the current-era cache {} cannot be used ({})", path.string(),
                              error.what());
        return std::nullopt;
    }
}

void save_current_era(const Cache& cache, const CurrentEraState& state) {
    Writer out;
    out.bytes().append(k_magic);
    out.integer<std::uint32_t>(k_version);
    out.text(cache.settings().describe());
    detail::write_history(out, state.views);
    out.integer<std::uint32_t>(static_cast<std::uint32_t>(state.tables.size()));
    for (const auto& [id, saved] : state.tables) {
        out.text(id);
        out.integer<std::uint32_t>(saved.first);
        write_table(out, saved.second);
    }
    out.integer<std::uint64_t>(detail::checksum(out.bytes()));
    AtomicFileWriter writer(current_era_path(cache));
    writer.write(out.bytes());
    writer.commit();
}

} // namespace gh::cache
