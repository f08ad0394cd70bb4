#include "cache/cache.hpp"

#include "plain/plain_file.hpp"
#include "util/atomic_file.hpp"
#include "util/calendar.hpp"
#include "util/error.hpp"
#include "util/file_descriptor.hpp"
#include "util/mapped_file.hpp"
#include "util/terminal.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

// Header-only: the hash is inlined where the bytes are.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace gh::cache {

namespace {

constexpr std::string_view k_magic = "gh-analyze cache\n";

/// Detects a damaged or truncated file (not a defence against tampering): XXH3, fast
/// enough (tens of gigabytes a second) to run over the whole file on every load, and
/// computed as the bytes stream out.
class Checksum {
  public:
    Checksum() { XXH3_64bits_reset(&m_state); }
    void update(std::string_view bytes) {
        XXH3_64bits_update(&m_state, bytes.data(), bytes.size());
    }
    std::uint64_t finish() const { return XXH3_64bits_digest(&m_state); }

  private:
    XXH3_state_t m_state;
};

} // namespace

struct PoolChecksum {
    Checksum sum;
};

namespace {

std::uint64_t checksum(std::string_view bytes) {
    return XXH3_64bits(bytes.data(), bytes.size());
}

/// Appends values in a fixed little-endian layout; with a file attached, streams them
/// into it a megabyte at a time, keeping the checksum of everything written.
class Writer {
  public:
    Writer() = default;
    Writer(AtomicFileWriter& file, Checksum& sum) : m_file(&file), m_sum(&sum) {}

    template <typename Integer>
    void integer(Integer value) {
        static_assert(std::is_integral_v<Integer>);
        char bytes[sizeof(Integer)];
        for (std::size_t i = 0; i < sizeof(Integer); ++i) {
            bytes[i] = static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xff);
        }
        m_bytes.append(bytes, sizeof bytes);
    }
    void text(std::string_view value) {
        integer<std::uint32_t>(static_cast<std::uint32_t>(value.size()));
        if (m_file && value.size() >= 4096) {
            flush(); // large payloads go straight out, uncopied
            m_sum->update(value);
            m_file->write(value);
            return;
        }
        m_bytes += value;
        if (m_file && m_bytes.size() >= (1u << 20)) {
            flush();
        }
    }
    void oid(const git_oid& id) {
        m_bytes.append(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ);
    }
    /// Seven bits a byte, low bits first: most numbers of a table take one or two bytes.
    void varint(std::uint64_t value) {
        char bytes[10];
        std::size_t n = 0;
        for (; value >= 0x80; value >>= 7) {
            bytes[n++] = static_cast<char>((value & 0x7f) | 0x80);
        }
        bytes[n++] = static_cast<char>(value);
        m_bytes.append(bytes, n);
    }
    void signed_varint(std::int64_t value) {
        varint((static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
    }
    void flush() {
        m_sum->update(m_bytes);
        m_file->write(m_bytes);
        m_bytes.clear();
    }
    std::string& bytes() { return m_bytes; }

  private:
    std::string m_bytes;
    AtomicFileWriter* m_file = nullptr;
    Checksum* m_sum = nullptr;
};

/// Reads what Writer wrote; any read past the end means the file is damaged.
class Reader {
  public:
    explicit Reader(std::string_view bytes) : m_bytes(bytes) {}

    template <typename Integer>
    Integer integer() {
        const auto raw = take(sizeof(Integer));
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < sizeof(Integer); ++i) {
            value |= static_cast<std::uint64_t>(static_cast<unsigned char>(raw[i])) << (8 * i);
        }
        return static_cast<Integer>(value);
    }
    std::string text() { return std::string(text_view()); }
    std::string_view text_view() { return take(integer<std::uint32_t>()); }
    std::uint64_t varint() {
        if (m_bytes.size() >= 10) { // cannot run past the end: no checks a byte
            const auto* p = reinterpret_cast<const unsigned char*>(m_bytes.data());
            std::uint64_t value = 0;
            for (int i = 0; i < 10; ++i) {
                value |= static_cast<std::uint64_t>(p[i] & 0x7f) << (7 * i);
                if (!(p[i] & 0x80)) {
                    m_bytes.remove_prefix(static_cast<std::size_t>(i) + 1);
                    return value;
                }
            }
            throw std::runtime_error("a number too long");
        }
        std::uint64_t value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const auto byte = static_cast<unsigned char>(take(1)[0]);
            value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
            if (!(byte & 0x80)) {
                return value;
            }
        }
        throw std::runtime_error("a number too long");
    }
    std::int64_t signed_varint() {
        const std::uint64_t value = varint();
        return static_cast<std::int64_t>((value >> 1) ^ (~(value & 1) + 1));
    }
    std::uint32_t small(std::uint64_t limit) {
        const std::uint64_t value = varint();
        if (value > limit) {
            throw std::runtime_error("a number out of range");
        }
        return static_cast<std::uint32_t>(value);
    }
    std::string_view bytes(std::size_t size) { return take(size); }
    git_oid oid() {
        git_oid id;
        std::memcpy(id.id, take(GIT_OID_RAWSZ).data(), GIT_OID_RAWSZ);
        return id;
    }
    /// A count of items that each take at least `item_size` bytes, checked against what is left.
    std::uint32_t count(std::size_t item_size) {
        return checked_count(integer<std::uint32_t>(), item_size);
    }
    std::uint32_t varint_count(std::size_t item_size) {
        return checked_count(small(UINT32_MAX), item_size);
    }
    bool at_end() const { return m_bytes.empty(); }
    /// Where the next read starts.
    const char* position() const { return m_bytes.data(); }

  private:
    std::uint32_t checked_count(std::uint32_t n, std::size_t item_size) const {
        if (static_cast<std::uint64_t>(n) * item_size > m_bytes.size()) {
            throw std::runtime_error("a count larger than the file");
        }
        return n;
    }
    std::string_view take(std::size_t size) {
        if (size > m_bytes.size()) {
            throw std::runtime_error("the file ends early");
        }
        const auto taken = m_bytes.substr(0, size);
        m_bytes.remove_prefix(size);
        return taken;
    }
    std::string_view m_bytes;
};

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

/// A text in the string pool.
struct TextRef {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
};

void write_ref(Writer& out, TextRef ref) {
    out.varint(ref.offset);
    out.varint(ref.size);
}

std::string_view read_ref(Reader& in, std::string_view pool) {
    const std::uint64_t offset = in.varint();
    const std::uint64_t size = in.varint();
    if (offset > pool.size() || size > pool.size() - offset) {
        throw std::runtime_error("a text outside the string pool");
    }
    return pool.substr(offset, size);
}

/// The builder's fields before its rows.
struct BuilderHeader {
    std::string_view id, name, description;
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
    table.versions = header.versions;
    table.deleted = header.deleted;
    table.stray_lines = header.stray_lines;
    table.first_stray = header.first_stray;
    if (header.versions > 0 && header.last_snapshot >= snapshots) {
        throw std::runtime_error("a version of a snapshot that does not exist");
    }
    const auto rows = in.varint_count(4 * 2 + 7);
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

std::string settings_hash(std::string_view text) {
    return fmt::format("{:016x}", checksum(text));
}

tables::TableBuilder::State parse_builder(const SavedBuilder& saved, std::size_t snapshots) {
    Reader in(saved.bytes);
    auto state = read_builder(in, snapshots, saved.pool, saved.bytes);
    state.table.texts->keep(saved.pool_owner); // the rows' texts are views into the pool
    if (!in.at_end() || state.table.id != saved.id || state.table.versions != saved.versions) {
        throw std::runtime_error(fmt::format("the saved table of {} is damaged", saved.id));
    }
    return state;
}

#ifndef GH_ANALYZE_CACHE_RULES
#error "GH_ANALYZE_CACHE_RULES: the digest of the sources that decide what the cache holds"
#endif
/// The digest of the sources that decide what the cache holds (src/CMakeLists.txt).
constexpr std::string_view k_rules_digest = GH_ANALYZE_CACHE_RULES;

std::string Settings::describe() const {
    return fmt::format("format={}\nledger={}\nrules={}\ndir={}\nkey={}\ntz={}\nrewrites={}\n",
                       k_format_version, tables::MembershipLedger::k_rules_version, k_rules_digest,
                       dir, key_mode, time_zone, rewrites);
}

Cache::Cache(const std::filesystem::path& git_dir, const Settings& settings)
    : m_settings(settings) {
    const auto dir = git_dir / "gh-analyze";
    m_directory = dir;
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
        fail("cannot create the cache directory {}: {} (use --no-cache)", dir.string(),
             error.message());
    }
    const std::string base = fmt::format("cumulative-{}", settings_hash(settings.describe()));
    m_path = dir / (base + ".cache");
    m_pool_path = dir / (base + ".strings");
    const auto lock_path = dir / "lock";
    m_lock.reset(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666));
    if (!m_lock) {
        fail("cannot open the cache lock {}: {} (use --no-cache)", lock_path.string(),
             std::strerror(errno));
    }
    if (flock(m_lock.get(), LOCK_EX | LOCK_NB) != 0) {
        note("waiting for another gh-analyze run to finish with the cache");
        if (flock(m_lock.get(), LOCK_EX) != 0) {
            fail("cannot lock the cache {}: {}", lock_path.string(), std::strerror(errno));
        }
    }
    // Temporary files of a run that was killed while it wrote here: no run writes now.
    for (std::filesystem::directory_iterator entry(dir, error), end; !error && entry != end;
         entry.increment(error)) {
        const std::string name = entry->path().filename().string();
        if (name.starts_with('.') && name.find(".tmp-") != std::string::npos) {
            std::error_code ignored;
            std::filesystem::remove(entry->path(), ignored);
        }
    }
}

Cache::~Cache() = default; // closing m_lock releases the lock

namespace {

/// The first line of the file of verified pack indexes; one index's identity a line follows.
constexpr std::string_view k_verified_header = "gh-analyze verified pack indexes 1";

} // namespace

git::VerifiedIndexes Cache::verified_indexes() const {
    git::VerifiedIndexes indexes;
    std::ifstream file(m_directory / "verified-pack-indexes");
    std::string line;
    if (!std::getline(file, line) || line != k_verified_header) {
        return indexes;
    }
    while (std::getline(file, line)) {
        indexes.insert(line);
    }
    return indexes;
}

void Cache::save_verified_indexes(const git::VerifiedIndexes& indexes) const {
    std::string text = fmt::format("{}\n", k_verified_header);
    for (const auto& identity : indexes) {
        text += identity;
        text += '\n';
    }
    try {
        write_file_atomically(m_directory / "verified-pack-indexes", text);
    } catch (const Error&) {
        // the next run verifies the indexes again
    }
}

std::optional<Saved> Cache::load(std::string& why_not) const {
    why_not.clear();
    const auto file = MappedFile::open(m_path);
    if (!file) {
        return std::nullopt;
    }
    const std::string_view bytes = file->bytes();
    try {
        if (bytes.size() < k_magic.size() + 12 || !bytes.starts_with(k_magic)) {
            throw std::runtime_error("not a gh-analyze cache");
        }
        const std::string_view body = bytes.substr(0, bytes.size() - 8);
        Reader trailer(bytes.substr(bytes.size() - 8));
        if (trailer.integer<std::uint64_t>() != checksum(body)) {
            throw std::runtime_error("damaged or truncated (checksum mismatch)");
        }
        Reader in(body.substr(k_magic.size()));
        if (in.integer<std::uint32_t>() != k_format_version) {
            throw std::runtime_error("written by another version of gh-analyze");
        }
        if (in.text() != m_settings.describe()) {
            throw std::runtime_error("made with other settings");
        }
        Saved saved;
        saved.file = file;
        saved.pool_size = in.integer<std::uint64_t>();
        const auto pool_checksum = in.integer<std::uint64_t>();
        saved.pool_file = MappedFile::open(m_pool_path);
        const auto pool_missing = [&] {
            return std::runtime_error(
                fmt::format("its string pool {} is missing or damaged", m_pool_path.string()));
        };
        if (!saved.pool_file || saved.pool_file->bytes().size() < saved.pool_size) {
            throw pool_missing();
        }
        const std::string_view pool = saved.pool_file->bytes().substr(0, saved.pool_size);
        auto pool_sum = std::make_shared<PoolChecksum>();
        pool_sum->sum.update(pool);
        if (pool_sum->sum.finish() != pool_checksum) {
            throw pool_missing();
        }
        saved.pool_checksum = std::move(pool_sum);
        saved.history = read_history(in);
        const auto builders = in.count(12);
        saved.builders.reserve(builders);
        for (std::uint32_t i = 0; i < builders; ++i) {
            SavedBuilder builder;
            builder.id = in.text();
            builder.versions = in.integer<std::uint32_t>();
            builder.stray_lines = in.integer<std::uint32_t>();
            if (in.integer<std::uint8_t>()) {
                const auto snapshot = in.integer<std::uint32_t>();
                builder.first_stray = {snapshot, in.integer<std::uint32_t>()};
            }
            builder.pool_bytes = in.integer<std::uint64_t>();
            builder.bytes = in.bytes(in.integer<std::uint32_t>());
            builder.pool = pool;
            builder.pool_owner = saved.pool_file;
            const auto versions = saved.history.playlists.find(builder.id);
            if (versions == saved.history.playlists.end() ||
                builder.versions > versions->second.size() ||
                builder.first_stray.has_value() != (builder.stray_lines > 0) ||
                (builder.first_stray &&
                 builder.first_stray->first >= saved.history.snapshots.size())) {
                throw std::runtime_error("a saved table that does not fit the saved history");
            }
            saved.builders.push_back(std::move(builder));
        }
        if (!in.at_end()) {
            throw std::runtime_error("unexpected bytes at the end");
        }
        return saved;
    } catch (const std::exception& error) {
        why_not = fmt::format("the cache {} is unusable ({})", m_path.string(), error.what());
        return std::nullopt;
    }
}

void Cache::start_save(const Saved* saved) {
    std::uint64_t used = 0;
    if (saved) {
        for (const auto& builder : saved->builders) {
            used += builder.pool_bytes;
        }
    }
    // Texts no builder uses any more (a title spelt anew, a line gone) stay in the pool
    // until they are most of it; then the pool is written again from scratch.
    const auto waste = saved && saved->pool_size > used ? saved->pool_size - used : 0;
    m_fresh_pool = !saved || (static_cast<double>(waste) >
                                  pool_waste_limit * static_cast<double>(saved->pool_size) &&
                              waste > pool_slack);
    m_pool_start = m_fresh_pool ? 0 : saved->pool_size;
    m_pool_end = m_pool_start;
}

BuilderToSave::BuilderToSave(const tables::TableBuilder& built, const SavedBuilder* restored_from,
                             Cache& cache) {
    const auto& state = built.state();
    const auto& table = state.table;
    const auto& order = built.key_order();
    header = {table.id, table.versions, table.stray_lines, table.first_stray, 0, {}, {}, {}};

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
    std::vector<std::array<TextRef, 4>> refs(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        const auto& row = table.rows[order[i]];
        if (unchanged(order[i])) { // its texts are where they were in the pool
            header.pool_bytes +=
                row.key.size() + row.title.size() + row.artists.size() + row.album.size();
        } else {
            refs[i] = {ref(row.key), ref(row.title), ref(row.artists), ref(row.album)};
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
        for (const TextRef text : refs[i]) {
            write_ref(out, place(text));
        }
        out.varint(membership.added);
        out.varint(membership.last_seen);
        out.varint(membership.removed ? *membership.removed + 1 : 0);
        out.varint(membership.stints);
        out.signed_varint(membership.days_present);
        out.signed_varint(membership.stint_start);
        out.integer<std::uint8_t>(static_cast<std::uint8_t>(
            membership.present | (state.rows[order[i]].several_lines << 1)));
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

void Cache::save(const history::History& history, const std::vector<const BuilderToSave*>& builders,
                 const Saved* saved) const {
    // The pool first: the new texts fill [m_pool_start, m_pool_end) exactly.
    std::vector<const BuilderToSave*> adding;
    for (const BuilderToSave* builder : builders) {
        if (!builder->new_texts.empty()) {
            adding.push_back(builder);
        }
    }
    std::sort(adding.begin(), adding.end(), [](const BuilderToSave* a, const BuilderToSave* b) {
        return a->new_texts_at < b->new_texts_at;
    });
    std::uint64_t at = m_pool_start;
    for (const BuilderToSave* builder : adding) {
        if (builder->new_texts_at != at) {
            fail("saving the cache {}: the new texts do not fill the pool", m_path.string());
        }
        at += builder->new_texts.size();
    }
    if (at != m_pool_end) {
        fail("saving the cache {}: the new texts do not fill the pool", m_path.string());
    }
    Checksum pool_sum;
    if (m_fresh_pool) {
        AtomicFileWriter pool(m_pool_path, &m_releaser);
        for (const BuilderToSave* builder : adding) {
            pool_sum.update(builder->new_texts);
            pool.write(builder->new_texts);
        }
        pool.commit();
    } else {
        // The checksum goes on from the one loaded (m_pool_start is where that pool ends):
        // the old bytes are not read again.
        pool_sum = saved->pool_checksum->sum;
        const FileDescriptor fd(::open(m_pool_path.c_str(), O_WRONLY | O_CLOEXEC));
        if (!fd) {
            fail("cannot write {}: {}", m_pool_path.string(), std::strerror(errno));
        }
        for (const BuilderToSave* builder : adding) {
            pool_sum.update(builder->new_texts);
            std::string_view left = builder->new_texts;
            auto offset = static_cast<off_t>(builder->new_texts_at);
            while (!left.empty()) {
                const ssize_t n = ::pwrite(fd.get(), left.data(), left.size(), offset);
                if (n < 0 && errno == EINTR) {
                    continue;
                }
                if (n <= 0) {
                    fail("cannot write {}: {}", m_pool_path.string(), std::strerror(errno));
                }
                left.remove_prefix(static_cast<std::size_t>(n));
                offset += n;
            }
        }
    }

    // Then the state, which names how much of the pool it uses and its checksum.
    AtomicFileWriter file(m_path, &m_releaser);
    Checksum sum;
    Writer out(file, sum);
    out.bytes() = k_magic;
    out.integer<std::uint32_t>(k_format_version);
    out.text(m_settings.describe());
    out.integer<std::uint64_t>(m_pool_end);
    out.integer<std::uint64_t>(pool_sum.finish());
    write_history(out, history);
    out.integer<std::uint32_t>(static_cast<std::uint32_t>(builders.size()));
    for (const BuilderToSave* builder : builders) {
        const SavedBuilder& header = builder->header;
        out.text(header.id);
        out.integer<std::uint32_t>(header.versions);
        out.integer<std::uint32_t>(header.stray_lines);
        out.integer<std::uint8_t>(header.first_stray.has_value());
        if (header.first_stray) {
            out.integer<std::uint32_t>(header.first_stray->first);
            out.integer<std::uint32_t>(header.first_stray->second);
        }
        out.integer<std::uint64_t>(header.pool_bytes);
        out.text(builder->serialized ? *builder->serialized : header.bytes);
    }
    out.flush();
    Writer trailer;
    trailer.integer<std::uint64_t>(sum.finish());
    file.write(trailer.bytes());
    file.commit();
}

} // namespace gh::cache
