#include "cache/cache.hpp"

#include "cache/encoding.hpp"
#include "cache/history_codec.hpp"
#include "cache/pool.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/mapped_file.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <stdexcept>

namespace gh::cache {

namespace {

using detail::Checksum;
using detail::Reader;
using detail::Writer;

constexpr std::string_view k_magic = "gh-analyze cache\n";

/// Reads a `builder-record`: the builder's text, and the copies of its first fields that
/// let a run report its stray lines or copy it into the next state without parsing it.
SavedBuilder read_record(Reader& in) {
    SavedBuilder builder;
    builder.id = in.text();
    builder.versions = in.integer<std::uint32_t>();
    builder.stray_lines = in.integer<std::uint32_t>();
    if (in.integer<std::uint8_t>()) {
        const auto snapshot = in.integer<std::uint32_t>();
        builder.first_stray = {snapshot, in.integer<std::uint32_t>()};
    }
    builder.name = in.text();
    builder.present_view = in.text();
    builder.pool_bytes = in.integer<std::uint64_t>();
    builder.bytes = in.bytes(in.integer<std::uint32_t>());
    return builder;
}

/// Writes what read_record reads.
void write_record(Writer& out, const BuilderToSave& builder) {
    const SavedBuilder& header = builder.header;
    out.text(header.id);
    out.integer<std::uint32_t>(header.versions);
    out.integer<std::uint32_t>(header.stray_lines);
    out.integer<std::uint8_t>(header.first_stray.has_value());
    if (header.first_stray) {
        out.integer<std::uint32_t>(header.first_stray->first);
        out.integer<std::uint32_t>(header.first_stray->second);
    }
    out.text(header.name);
    out.text(header.present_view);
    out.integer<std::uint64_t>(header.pool_bytes);
    out.text(builder.serialized ? *builder.serialized : header.bytes);
}

/// Makes `directory` if it is missing.
std::filesystem::path made_directory(std::filesystem::path directory) {
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error) {
        fail("cannot create the cache directory {}: {} (use --no-cache)", directory.string(),
             error.message());
    }
    return directory;
}

/// Removes the temporary files of a run that was killed while it wrote in `directory`:
/// none can be in progress, since every writer there holds the lock.
void remove_killed_temporaries(const std::filesystem::path& directory) {
    std::error_code error;
    for (std::filesystem::directory_iterator entry(directory, error), end; !error && entry != end;
         entry.increment(error)) {
        const std::string name = entry->path().filename().string();
        if (name.starts_with('.') && name.find(".tmp-") != std::string::npos) {
            std::error_code ignored;
            std::filesystem::remove(entry->path(), ignored);
        }
    }
}

} // namespace

std::string settings_hash(std::string_view text) {
    return fmt::format("{:016x}", detail::checksum(text));
}

#ifndef GH_ANALYZE_CACHE_RULES
#error "GH_ANALYZE_CACHE_RULES: the digest of the sources that decide what the cache holds"
#endif
/// The digest of the sources that decide what the cache holds (src/CMakeLists.txt).
constexpr std::string_view k_rules_digest = GH_ANALYZE_CACHE_RULES;

std::string Settings::describe() const {
    return fmt::format(
        "format={}\nledger={}\nrules={}\ndir={}\nkey={}\ntz={}\nrewrites={}\npretty={}\n",
        k_format_version, tables::MembershipLedger::k_rules_version, k_rules_digest, dir, key_mode,
        time_zone, rewrites, pretty);
}

Cache::Cache(const std::filesystem::path& git_dir, const Settings& settings)
    : m_settings(settings), m_directory(made_directory(git_dir / "gh-analyze")),
      m_lock(m_directory) {
    const std::string base = fmt::format("cumulative-{}", settings_hash(settings.describe()));
    m_path = m_directory / (base + ".cache");
    m_pool_path = m_directory / (base + ".strings");
    m_stints_path = m_directory / (base + ".stints");
    remove_killed_temporaries(m_directory);
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
        Reader in = detail::checked_body(bytes, k_magic, "gh-analyze cache");
        if (in.integer<std::uint32_t>() != k_format_version) {
            throw std::runtime_error("written by another version of gh-analyze");
        }
        if (in.text() != m_settings.describe()) {
            throw std::runtime_error("made with other settings");
        }
        Saved saved;
        saved.file = file;
        saved.pool_size = in.integer<std::uint64_t>();
        const std::string_view pool =
            detail::load_pool(m_pool_path, in.integer<std::uint64_t>(), saved);
        saved.history = detail::read_history(in);
        const auto builders = in.count(12);
        saved.builders.reserve(builders);
        for (std::uint32_t i = 0; i < builders; ++i) {
            SavedBuilder builder = read_record(in);
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
    const std::uint64_t pool_checksum = detail::write_pool(
        m_pool_path, adding, m_fresh_pool ? nullptr : saved->pool_checksum.get(), m_releaser);

    // Then the state, which names how much of the pool it uses and its checksum.
    AtomicFileWriter file(m_path, &m_releaser);
    Checksum sum;
    Writer out(file, sum);
    out.bytes() = k_magic;
    out.integer<std::uint32_t>(k_format_version);
    out.text(m_settings.describe());
    out.integer<std::uint64_t>(m_pool_end);
    out.integer<std::uint64_t>(pool_checksum);
    detail::write_history(out, history);
    out.integer<std::uint32_t>(static_cast<std::uint32_t>(builders.size()));
    for (const BuilderToSave* builder : builders) {
        write_record(out, *builder);
    }
    out.flush();
    Writer trailer;
    trailer.integer<std::uint64_t>(sum.finish());
    file.write(trailer.bytes());
    file.commit();
}

} // namespace gh::cache
