// Fuzzes the cache loader: the state file and string pool of <git-dir>/gh-analyze/, then
// every saved table parsed, restored, continued by one version, saved and parsed again;
// and the saving of a table built from a fuzzed playlist file.

#include "cache/cache.hpp"

#include "support.hpp"
#include "util/calendar.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace {

using namespace gh;

/// The input is the state file, then the pool, then optionally a playlist file: the next
/// version of every restored table (a deletion when there is none), and a new table's first.
constexpr std::string_view k_part_separator = "@@part@@";
constexpr std::string_view k_magic = "gh-analyze cache\n";

/// The settings of `gh-analyze cumulative` run with its defaults, as the seeds were made
/// (the tables are restored with its key mode).
const cache::Settings k_settings{"playlists/plain", "line", "UTC"};

/// The little-endian number of `size` bytes at `at`, as the cache writes numbers.
std::uint64_t read_le(std::string_view bytes, std::size_t at, std::size_t size) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < size; ++i) {
        value |= std::uint64_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
    }
    return value;
}

/// Writes a number as the cache does, over `size` bytes at `at`.
void write_le(std::string& bytes, std::size_t at, std::uint64_t value, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i) {
        bytes[at + i] = static_cast<char>(value >> (8 * i));
    }
}

/// Makes a state file that the loader parses: the format version and the settings of
/// this build (so that seeds stay valid when the settings' text changes), and the right
/// checksums (of the pool's bytes it uses, and of the whole file). The loader refuses
/// anything else before parsing a byte, which is not worth fuzzing.
std::string as_current(std::string_view input, std::string_view pool,
                       const cache::Settings& settings) {
    const std::size_t settings_at = k_magic.size() + 4; // after the format version
    if (input.size() < settings_at + 4 + 8 || !input.starts_with(k_magic)) {
        return std::string(input);
    }
    const std::size_t settings_size = read_le(input, settings_at, 4);
    const std::size_t rest_at = settings_at + 4 + settings_size;
    if (settings_size > input.size() || rest_at + 8 > input.size()) {
        return std::string(input);
    }
    const std::string describe = settings.describe();
    std::string state(k_magic);
    state.append(8, '\0');
    write_le(state, k_magic.size(), cache::k_format_version, 4);
    write_le(state, settings_at, describe.size(), 4);
    state += describe;
    const std::size_t pool_size_at = state.size();
    state += input.substr(rest_at);
    const std::size_t body = state.size() - 8;
    if (pool_size_at + 16 <= body) {
        const std::uint64_t pool_size = read_le(state, pool_size_at, 8);
        if (pool_size <= pool.size()) {
            write_le(state, pool_size_at + 8, XXH3_64bits(pool.data(), pool_size), 8);
        }
    }
    write_le(state, body, XXH3_64bits(state.data(), body), 8);
    return state;
}

/// One cache for the process: it holds the cache's lock while it exists.
cache::Cache& the_cache() {
    static cache::Cache cache(fuzz::scratch_dir() / "git", k_settings);
    return cache;
}

/// The rows as a table shows them, to compare two tables.
bool same_table(const tables::PlaylistTable& a, const tables::PlaylistTable& b) {
    const auto row_fields = [](const tables::TrackRow& row) {
        return std::tuple(row.key, row.title, row.artists, row.album, row.added, row.last_seen,
                          row.removed, row.stints, row.days_present);
    };
    return a.id == b.id && a.name == b.name && a.description == b.description &&
           a.versions == b.versions && a.deleted == b.deleted && a.stray_lines == b.stray_lines &&
           a.first_stray == b.first_stray && a.rows.size() == b.rows.size() &&
           std::equal(a.rows.begin(), a.rows.end(), b.rows.begin(),
                      [&](const auto& x, const auto& y) { return row_fields(x) == row_fields(y); });
}

/// Tables list their rows by key, each key once.
void check_in_key_order(const tables::PlaylistTable& table) {
    for (std::size_t i = 1; i < table.rows.size(); ++i) {
        GH_FUZZ_REQUIRE(table.rows[i - 1].key < table.rows[i].key);
    }
}

/// Saves `builder` as a run does (its new texts after the pool of `all`, or in a new pool)
/// and parses the saved form again: false when that is refused, and then a run builds the
/// table from scratch; when it is accepted, it must be the same table.
bool saves_and_loads(const tables::TableBuilder& builder, const cache::Saved* all,
                     const cache::SavedBuilder* saved, std::size_t snapshots, std::int32_t day) {
    auto& store = the_cache();
    store.start_save(all);
    const cache::SavedBuilder* restored_from = store.fresh_pool() ? nullptr : saved;
    const cache::BuilderToSave to_save(builder, restored_from, store);
    std::string pool(restored_from ? restored_from->pool : std::string_view());
    GH_FUZZ_REQUIRE(to_save.new_texts.empty() || to_save.new_texts_at == pool.size());
    pool += to_save.new_texts;
    cache::SavedBuilder again = to_save.header;
    again.bytes = *to_save.serialized;
    again.pool = pool;
    std::optional<tables::TableBuilder> reloaded;
    try {
        reloaded.emplace(tables::TableBuilder::restore(cache::parse_builder(again, snapshots),
                                                       plain::KeyMode::line));
    } catch (const std::exception&) {
        return false;
    }
    GH_FUZZ_REQUIRE(same_table(reloaded->table(day), builder.table(day)));
    return true;
}

/// Continues a restored table by one version and saves it. A fuzzed state may hold rows
/// no run makes (days a stint cannot have), which the saved form may then be refused for.
void continue_and_save(tables::TableBuilder builder, const cache::SavedBuilder& saved,
                       const cache::Saved& all, std::optional<std::string_view> next,
                       std::int32_t day) {
    const auto snapshots = static_cast<std::uint32_t>(all.history.snapshots.size());
    builder.apply(snapshots, day, next);
    builder.detach();
    check_in_key_order(builder.table(day));
    saves_and_loads(builder, &all, &saved, snapshots + 1, day);
}

/// A table that a run builds from the fuzzed file, deleted next by a commit dated a day
/// earlier (a committer clock that ran behind), is saved in a form the next run loads.
void build_and_save(std::string_view content) {
    constexpr std::int32_t k_day = 18270; // 2020-01-09
    tables::TableBuilder builder("37i9dQZF1DXcBWIGoYBM5M", plain::KeyMode::line);
    builder.apply(0, k_day, content);
    builder.apply(1, k_day - 1, std::nullopt);
    builder.detach();
    GH_FUZZ_REQUIRE(saves_and_loads(builder, nullptr, nullptr, 2, k_day));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto parts = fuzz::split(fuzz::as_text(data, size), k_part_separator);
    const std::string_view pool = parts.size() > 1 ? parts[1] : std::string_view();
    const auto next = parts.size() > 2 ? std::optional(parts[2]) : std::nullopt;
    if (next) {
        build_and_save(*next);
    }
    const auto& store = the_cache();
    auto pool_path = store.path();
    pool_path.replace_extension(".strings");
    fuzz::write_file(store.path(), as_current(parts[0], pool, store.settings()));
    fuzz::write_file(pool_path, pool);

    std::string why_not;
    const auto saved = store.load(why_not);
    GH_FUZZ_REQUIRE(saved.has_value() == why_not.empty());
    if (!saved) {
        return 0;
    }
    // A run stops with an error at a time that has no date, before it computes any day.
    const auto& history = saved->history;
    if (!has_date(history.tip_time) ||
        !std::all_of(history.snapshots.begin(), history.snapshots.end(),
                     [](const auto& snapshot) { return has_date(snapshot.time); })) {
        return 0;
    }
    const auto zone = TimeZone::utc();
    for (const auto& snapshot : history.snapshots) {
        zone.day_of(snapshot.time);
    }
    const std::int32_t tip_day = zone.day_of(history.tip_time);
    for (const auto& builder : saved->builders) {
        std::optional<tables::TableBuilder> restored;
        try {
            restored.emplace(tables::TableBuilder::restore(
                cache::parse_builder(builder, history.snapshots.size()), plain::KeyMode::line));
        } catch (const std::exception&) {
            continue; // refused: the run builds this table from scratch
        }
        GH_FUZZ_REQUIRE(restored->id() == builder.id && restored->versions() == builder.versions);
        check_in_key_order(restored->table(tip_day));
        continue_and_save(std::move(*restored), builder, *saved, next, tip_day);
    }
    return 0;
}
