#include "cache/builder_codec.hpp"

#include "cache/cache.hpp"
#include "cache/encoding.hpp"
#include "cache/pool.hpp"
#include "plain/plain_file.hpp"
#include "util/calendar.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <stdexcept>
#include <vector>

namespace gh::cache {

namespace {

using detail::read_ref;
using detail::Reader;
using detail::TextRef;
using detail::write_ref;
using detail::Writer;

/// The builder's fields before its rows.
struct BuilderHeader {
    std::string_view id, name, description;
    std::vector<tables::NameChange> names;
    std::string_view present_view;
    std::uint32_t versions = 0;
    bool deleted = false;
    std::uint32_t stray_lines = 0;
    std::optional<std::pair<std::uint32_t, std::uint32_t>> first_stray;
    std::uint32_t last_snapshot = 0;
};

BuilderHeader read_header(Reader& in, std::size_t snapshots) {
    BuilderHeader header;
    header.id = in.text_view();
    header.name = in.text_view();
    header.description = in.text_view();
    const auto names = in.varint_count(2);
    for (std::size_t i = 0; i < names; ++i) {
        const auto snapshot = in.small(snapshots == 0 ? 0 : snapshots - 1);
        if (!header.names.empty() && snapshot <= header.names.back().snapshot) {
            throw std::runtime_error("names out of snapshot order");
        }
        header.names.push_back({snapshot, std::string(in.text_view())});
    }
    header.present_view = in.text_view();
    if (!header.present_view.empty() && header.present_view.size() != 20 /* a SHA-1 */) {
        throw std::runtime_error("a pretty view id that is not an object id");
    }
    header.versions = in.small(UINT32_MAX);
    header.deleted = in.integer<std::uint8_t>() != 0;
    header.stray_lines = in.small(UINT32_MAX);
    if (in.integer<std::uint8_t>()) {
        const auto snapshot = in.small(snapshots == 0 ? 0 : snapshots - 1);
        header.first_stray = {snapshot, in.small(UINT32_MAX)};
    }
    header.last_snapshot = in.small(snapshots);
    return header;
}

/// Reads a builder from `in`, which reads `saved`: restored rows remember where in it
/// they are, so that those that do not change are saved again by copying them.
tables::TableBuilder::State read_builder(Reader& in, std::size_t snapshots, std::string_view pool,
                                         std::string_view saved) {
    tables::TableBuilder::State state;
    auto& table = state.table;
    const BuilderHeader header = read_header(in, snapshots);
    table.id = header.id;
    table.name = header.name;
    table.description = header.description;
    table.names = header.names;
    table.present_view = header.present_view;
    table.versions = header.versions;
    table.deleted = header.deleted;
    table.stray_lines = header.stray_lines;
    table.first_stray = header.first_stray;
    if (header.versions > 0 && header.last_snapshot >= snapshots) {
        throw std::runtime_error("a version of a snapshot that does not exist");
    }
    const auto rows = in.varint_count(7 * 2 + 8);
    if (rows > 0 && snapshots == 0) {
        throw std::runtime_error("rows without snapshots");
    }
    table.rows.resize(rows);
    state.rows.resize(rows);
    std::vector<tables::Membership> memberships(rows);
    state.saved = saved;
    state.saved_rows.resize(std::size_t{rows} + 1);
    const auto offset = [&] { return static_cast<std::uint32_t>(in.position() - saved.data()); };
    for (std::uint32_t i = 0; i < rows; ++i) {
        state.saved_rows[i] = offset();
        auto& row = table.rows[i];
        row.key = read_ref(in, pool); // in key order (TableBuilder::restore checks)
        row.title = read_ref(in, pool);
        row.artists = read_ref(in, pool);
        row.album = read_ref(in, pool);
        row.track_url = read_ref(in, pool);
        row.album_url = read_ref(in, pool);
        row.artist_links = read_ref(in, pool);
        if (const std::uint64_t length = in.varint(); length > std::uint64_t{UINT32_MAX} + 1) {
            throw std::runtime_error("a length out of range");
        } else if (length > 0) {
            row.length_ms = static_cast<std::uint32_t>(length - 1);
        }
        auto& membership = memberships[i];
        membership.added = in.small(snapshots - 1);
        membership.last_seen = in.small(snapshots - 1);
        if (const auto removed = in.small(snapshots); removed > 0) {
            membership.removed = removed - 1;
        }
        membership.stints = in.small(UINT32_MAX);
        // Days of dated times only: saved by a run, they are, and then nothing overflows.
        // (A stint may end before it began, by a day or more, when a clock ran behind.)
        membership.days_present = in.signed_varint();
        const std::int64_t stint_start = in.signed_varint();
        const std::int64_t most_days = std::int64_t{k_last_dated_day - k_first_dated_day} *
                                       std::max<std::uint32_t>(membership.stints, 1);
        if (membership.days_present < -most_days || membership.days_present > most_days ||
            stint_start < k_first_dated_day || stint_start > k_last_dated_day) {
            throw std::runtime_error("a day out of range");
        }
        membership.stint_start = static_cast<std::int32_t>(stint_start);
        const auto flags = in.integer<std::uint8_t>();
        membership.present = flags & 1;
        state.rows[i].several_lines = flags & 2;
        row.linked = flags & 4;
    }
    state.ledger = tables::MembershipLedger::restore(std::move(memberships), header.last_snapshot);
    state.saved_rows[rows] = offset();
    state.sorted_rows = rows;
    const auto latest = in.varint_count(1);
    state.latest_lines.resize(latest);
    state.latest_rows.resize(latest);
    for (std::uint32_t i = 0; i < latest; ++i) {
        const std::uint64_t entry = in.varint();
        if ((entry >> 1) >= rows) {
            throw std::runtime_error("a line of a row that does not exist");
        }
        state.latest_rows[i] = static_cast<std::uint32_t>(entry >> 1);
        const auto& row = table.rows[entry >> 1];
        constexpr std::string_view separator = plain::k_field_separator;
        state.latest_lines[i] =
            entry & 1
                ? read_ref(in, pool)
                : table.texts->join({row.title, separator, row.artists, separator, row.album});
    }
    return state;
}

} // namespace

tables::TableBuilder::State parse_builder(const SavedBuilder& saved, std::size_t snapshots) {
    Reader in(saved.bytes);
    auto state = read_builder(in, snapshots, saved.pool, saved.bytes);
    state.table.texts->keep(saved.pool_owner); // the rows' texts are views into the pool
    if (!in.at_end() || state.table.id != saved.id || state.table.versions != saved.versions) {
        throw std::runtime_error(fmt::format("the saved table of {} is damaged", saved.id));
    }
    return state;
}

BuilderToSave::BuilderToSave(const tables::TableBuilder& built, const SavedBuilder* restored_from,
                             Cache& cache) {
    const auto& state = built.state();
    const auto& table = state.table;
    const auto& order = built.key_order();
    header = {table.id, table.versions, table.stray_lines, table.first_stray, 0, {}, {},
              {},       table.name,     table.present_view};

    // Where each text is: still in the pool, when the builder was restored from it and
    // the text is one of the pool's (a restored row's texts are views into it), or new,
    // after the pool's end.
    const std::string_view pool = restored_from ? restored_from->pool : std::string_view();
    const auto pool_begin = reinterpret_cast<std::uintptr_t>(pool.data());
    const auto pool_end = pool_begin + pool.size();
    constexpr std::uint64_t k_new = std::uint64_t{1} << 63; // a ref into new_texts
    const auto ref = [&](std::string_view text) {
        header.pool_bytes += text.size();
        const auto at = reinterpret_cast<std::uintptr_t>(text.data());
        if (!pool.empty() && at >= pool_begin && at <= pool_end && text.size() <= pool_end - at) {
            return TextRef{at - pool_begin, text.size()};
        }
        const TextRef added{k_new | new_texts.size(), text.size()};
        new_texts += text;
        return added;
    };
    // Rows restored from `restored_from` that have not changed are copied as it saved
    // them, a run at a time (they are in key order there too).
    const std::size_t restored_rows = restored_from && !state.saved_rows.empty() &&
                                              state.saved.data() == restored_from->bytes.data()
                                          ? state.saved_rows.size() - 1
                                          : 0;
    const auto unchanged = [&](std::uint32_t row) {
        return row < restored_rows && !state.rows[row].changed;
    };
    const auto texts = [](const tables::TrackRow& row) {
        return std::array{row.key,       row.title,     row.artists,     row.album,
                          row.track_url, row.album_url, row.artist_links};
    };
    std::vector<std::array<TextRef, 7>> refs(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        const auto& row = table.rows[order[i]];
        const auto row_texts = texts(row);
        for (std::size_t t = 0; t < row_texts.size(); ++t) {
            if (unchanged(order[i])) { // its texts are where they were in the pool
                header.pool_bytes += row_texts[t].size();
            } else {
                refs[i][t] = ref(row_texts[t]);
            }
        }
    }
    std::vector<std::uint32_t> position(order.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) {
        position[order[i]] = i;
    }
    std::vector<std::optional<TextRef>> latest(state.latest_lines.size());
    for (std::size_t i = 0; i < latest.size(); ++i) {
        const std::string_view line = state.latest_lines[i];
        if (!tables::shows_line(table.rows[state.latest_rows[i]], line)) {
            latest[i] = ref(line);
        }
    }
    new_texts_at = new_texts.empty() ? 0 : cache.reserve_texts(new_texts.size());
    const auto place = [&](TextRef text) {
        return text.offset & k_new ? TextRef{new_texts_at + (text.offset & ~k_new), text.size}
                                   : text;
    };

    Writer out;
    out.text(table.id);
    out.text(table.name);
    out.text(table.description);
    out.varint(table.names.size());
    for (const auto& change : table.names) {
        out.varint(change.snapshot);
        out.text(change.name);
    }
    out.text(table.present_view);
    out.varint(table.versions);
    out.integer<std::uint8_t>(table.deleted);
    out.varint(table.stray_lines);
    out.integer<std::uint8_t>(table.first_stray.has_value());
    if (table.first_stray) {
        out.varint(table.first_stray->first);
        out.varint(table.first_stray->second);
    }
    out.varint(state.ledger.last_snapshot());
    out.varint(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (unchanged(order[i])) {
            std::size_t last = i;
            while (last + 1 < order.size() && order[last + 1] == order[last] + 1 &&
                   unchanged(order[last + 1])) {
                ++last;
            }
            const std::uint32_t from = state.saved_rows[order[i]];
            out.bytes().append(state.saved.substr(from, state.saved_rows[order[last] + 1] - from));
            i = last;
            continue;
        }
        const auto& membership = state.ledger.entry(order[i]);
        const auto& row = table.rows[order[i]];
        for (const TextRef text : refs[i]) {
            write_ref(out, place(text));
        }
        out.varint(row.length_ms ? std::uint64_t{*row.length_ms} + 1 : 0);
        out.varint(membership.added);
        out.varint(membership.last_seen);
        out.varint(membership.removed ? *membership.removed + 1 : 0);
        out.varint(membership.stints);
        out.signed_varint(membership.days_present);
        out.signed_varint(membership.stint_start);
        out.integer<std::uint8_t>(static_cast<std::uint8_t>(
            membership.present | (state.rows[order[i]].several_lines << 1) | (row.linked << 2)));
    }
    out.varint(latest.size());
    for (std::size_t i = 0; i < latest.size(); ++i) {
        out.varint((std::uint64_t{position[state.latest_rows[i]]} << 1) | latest[i].has_value());
        if (latest[i]) {
            write_ref(out, place(*latest[i]));
        }
    }
    serialized = std::move(out.bytes());
}

} // namespace gh::cache
