#include "cache/cache.hpp"

#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/mapped_file.hpp"
#include "util/terminal.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
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
    std::string text() { return std::string(take(integer<std::uint32_t>())); }
    std::string_view bytes(std::size_t size) { return take(size); }
    git_oid oid() {
        git_oid id;
        std::memcpy(id.id, take(GIT_OID_RAWSZ).data(), GIT_OID_RAWSZ);
        return id;
    }
    /// A count of items that each take at least `item_size` bytes, checked against what is left.
    std::uint32_t count(std::size_t item_size) {
        const auto n = integer<std::uint32_t>();
        if (static_cast<std::uint64_t>(n) * item_size > m_bytes.size()) {
            throw std::runtime_error("a count larger than the file");
        }
        return n;
    }
    bool at_end() const { return m_bytes.empty(); }

  private:
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

/// Writes a builder's state with its rows in key order (`order`), so that a restored
/// builder only sorts the rows it adds.
void write_builder(Writer& out, const tables::TableBuilder::State& state,
                   const std::vector<std::uint32_t>& order) {
    const auto& table = state.table;
    out.text(table.id);
    out.text(table.name);
    out.text(table.description);
    out.integer<std::uint32_t>(table.versions);
    out.integer<std::uint8_t>(table.deleted);
    out.integer<std::uint32_t>(table.stray_lines);
    out.integer<std::uint8_t>(table.first_stray.has_value());
    out.integer<std::uint32_t>(table.first_stray ? table.first_stray->first : 0);
    out.integer<std::uint32_t>(table.first_stray ? table.first_stray->second : 0);
    out.integer<std::uint32_t>(state.last_snapshot);
    out.integer<std::uint32_t>(static_cast<std::uint32_t>(table.rows.size()));
    std::vector<std::uint32_t> position(order.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) {
        position[order[i]] = i;
    }
    for (const std::uint32_t i : order) {
        const auto& row = table.rows[i];
        const auto& row_state = state.rows[i];
        out.text(row.key);
        out.text(row.title);
        out.text(row.artists);
        out.text(row.album);
        out.integer<std::uint32_t>(row.added);
        out.integer<std::uint32_t>(row.last_seen);
        out.integer<std::uint8_t>(row.removed.has_value());
        out.integer<std::uint32_t>(row.removed.value_or(0));
        out.integer<std::uint32_t>(row.stints);
        out.integer<std::int64_t>(row.days_present);
        out.integer<std::int32_t>(row_state.stint_start);
        out.integer<std::uint8_t>(
            static_cast<std::uint8_t>(row_state.present | (row_state.several_lines << 1)));
    }
    out.integer<std::uint32_t>(static_cast<std::uint32_t>(state.latest_lines.size()));
    for (std::size_t i = 0; i < state.latest_lines.size(); ++i) {
        out.text(state.latest_lines[i]);
        out.integer<std::uint32_t>(position[state.latest_rows[i]]);
    }
}

tables::TableBuilder::State read_builder(Reader& in, std::size_t snapshots) {
    tables::TableBuilder::State state;
    auto& table = state.table;
    table.id = in.text();
    table.name = in.text();
    table.description = in.text();
    table.versions = in.integer<std::uint32_t>();
    table.deleted = in.integer<std::uint8_t>() != 0;
    table.stray_lines = in.integer<std::uint32_t>();
    const bool has_stray = in.integer<std::uint8_t>() != 0;
    const auto stray_snapshot = in.integer<std::uint32_t>();
    const auto stray_line = in.integer<std::uint32_t>();
    if (has_stray) {
        table.first_stray = {stray_snapshot, stray_line};
    }
    state.last_snapshot = in.integer<std::uint32_t>();
    const auto rows = in.count(16 + 33);
    table.rows.resize(rows);
    state.rows.resize(rows);
    for (std::uint32_t i = 0; i < rows; ++i) {
        auto& row = table.rows[i];
        row.key = in.text();
        row.title = in.text();
        row.artists = in.text();
        row.album = in.text();
        row.added = in.integer<std::uint32_t>();
        row.last_seen = in.integer<std::uint32_t>();
        const bool removed = in.integer<std::uint8_t>() != 0;
        const auto removed_at = in.integer<std::uint32_t>();
        if (removed) {
            row.removed = removed_at;
        }
        row.stints = in.integer<std::uint32_t>();
        row.days_present = in.integer<std::int64_t>();
        state.rows[i].stint_start = in.integer<std::int32_t>();
        const auto flags = in.integer<std::uint8_t>();
        state.rows[i].present = flags & 1;
        state.rows[i].several_lines = flags & 2;
        if (row.added >= snapshots || row.last_seen >= snapshots ||
            row.removed.value_or(0) >= snapshots) {
            throw std::runtime_error("a row that names a snapshot that does not exist");
        }
        if (i > 0 && !(table.rows[i - 1].key < row.key)) {
            throw std::runtime_error("rows out of key order");
        }
    }
    state.sorted_rows = rows;
    const auto latest = in.count(8);
    state.latest_lines.resize(latest);
    state.latest_rows.resize(latest);
    for (std::uint32_t i = 0; i < latest; ++i) {
        state.latest_lines[i] = in.text();
        state.latest_rows[i] = in.integer<std::uint32_t>();
        if (state.latest_rows[i] >= rows) {
            throw std::runtime_error("a line of a row that does not exist");
        }
    }
    return state;
}

std::string settings_hash(const std::string& text) {
    return fmt::format("{:016x}", checksum(text));
}

std::int64_t modification_time(const std::filesystem::path& path, std::uintmax_t& size) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) {
        return -1;
    }
    size = static_cast<std::uintmax_t>(status.st_size);
    return static_cast<std::int64_t>(status.st_mtim.tv_sec) * 1000000000 + status.st_mtim.tv_nsec;
}

} // namespace

tables::TableBuilder::State parse_builder(const SavedBuilder& saved, std::size_t snapshots) {
    Reader in(saved.bytes);
    auto state = read_builder(in, snapshots);
    if (!in.at_end() || state.table.id != saved.id || state.table.versions != saved.versions) {
        throw std::runtime_error(fmt::format("the saved table of {} is damaged", saved.id));
    }
    return state;
}

std::string Settings::describe() const {
    return fmt::format("format={}\ndir={}\nkey={}\ntz={}\n", k_format_version, dir, key_mode,
                       time_zone);
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
    m_path = dir / fmt::format("cumulative-{}.cache", settings_hash(settings.describe()));
    const auto lock_path = dir / "lock";
    m_lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (m_lock < 0) {
        fail("cannot open the cache lock {}: {} (use --no-cache)", lock_path.string(),
             std::strerror(errno));
    }
    if (flock(m_lock, LOCK_EX | LOCK_NB) != 0) {
        note("waiting for another gh-analyze run to finish with the cache");
        if (flock(m_lock, LOCK_EX) != 0) {
            fail("cannot lock the cache {}: {}", lock_path.string(), std::strerror(errno));
        }
    }
}

Cache::~Cache() {
    if (m_lock >= 0) {
        ::close(m_lock); // releases the lock
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
            builder.bytes = in.bytes(in.integer<std::uint32_t>());
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

BuilderToSave::BuilderToSave(const tables::TableBuilder& built) {
    const auto& table = built.state().table;
    header = {table.id, table.versions, table.stray_lines, table.first_stray, {}};
    Writer state;
    write_builder(state, built.state(), built.key_order());
    serialized = std::move(state.bytes());
}

void Cache::save(const history::History& history,
                 const std::vector<const BuilderToSave*>& builders) const {
    AtomicFileWriter file(m_path);
    Checksum sum;
    Writer out(file, sum);
    out.bytes() = k_magic;
    out.integer<std::uint32_t>(k_format_version);
    out.text(m_settings.describe());
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
        out.text(builder->serialized ? *builder->serialized : header.bytes);
    }
    out.flush();
    Writer trailer;
    trailer.integer<std::uint64_t>(sum.finish());
    file.write(trailer.bytes());
    file.commit();
}

OutputManifest::OutputManifest(const Cache& cache, const std::filesystem::path& out_dir,
                               std::string_view format) {
    std::error_code ignored;
    const auto absolute = std::filesystem::weakly_canonical(out_dir, ignored);
    m_path = cache.directory() / fmt::format("output-{}.manifest",
                                             settings_hash(fmt::format("{}out={}\nformat={}\n",
                                                                       cache.settings().describe(),
                                                                       absolute.string(), format)));
    std::ifstream file(m_path);
    std::string line;
    while (std::getline(file, line)) {
        std::istringstream fields(line);
        std::string id;
        Entry entry;
        if (fields >> id >> entry.state.last_commit >> entry.state.versions >>
            entry.state.tip_day >> entry.size >> entry.mtime) {
            m_entries[id] = entry;
        }
    }
}

bool OutputManifest::current(const std::string& id, const TableState& state,
                             const std::filesystem::path& file) const {
    const auto found = m_entries.find(id);
    if (found == m_entries.end() || !(found->second.state == state)) {
        return false;
    }
    std::uintmax_t size = 0;
    return modification_time(file, size) == found->second.mtime && size == found->second.size;
}

void OutputManifest::record(const std::string& id, const TableState& state,
                            const std::filesystem::path& file) {
    Entry entry{state, 0, 0};
    entry.mtime = modification_time(file, entry.size);
    m_entries[id] = entry;
}

void OutputManifest::save() const {
    std::string text;
    for (const auto& [id, entry] : m_entries) {
        text += fmt::format("{} {} {} {} {} {}\n", id, entry.state.last_commit,
                            entry.state.versions, entry.state.tip_day, entry.size, entry.mtime);
    }
    write_file_atomically(m_path, text);
}

} // namespace gh::cache
