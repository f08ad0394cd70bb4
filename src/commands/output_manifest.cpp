// The output manifest of `cumulative --out`: what earlier runs wrote into an output
// directory. It lives in the cache directory but is not the cache: it describes files of
// the user's, and is format docs/CACHE-FORMAT.md section 8.

#include "commands/output_manifest.hpp"

#include "util/parse_number.hpp"

#include <array>
#include <fmt/format.h>
#include <fstream>
#include <sys/stat.h>

namespace gh::commands {

namespace {

/// The manifest's first line: one line per table follows, "<last commit> <versions>
/// <tip day> <size> <mtime> <id>", the id taking the rest of the line.
constexpr std::string_view k_manifest_header = "gh-analyze output manifest 2";

std::int64_t modification_time(const std::filesystem::path& path, std::uintmax_t& size) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) {
        return -1;
    }
    size = static_cast<std::uintmax_t>(status.st_size);
    return static_cast<std::int64_t>(status.st_mtim.tv_sec) * 1000000000 + status.st_mtim.tv_nsec;
}

} // namespace

OutputManifest::OutputManifest(const cache::Cache& cache, const std::filesystem::path& out_dir,
                               std::string_view format, std::string_view renderer) {
    std::error_code ignored;
    const auto absolute = std::filesystem::weakly_canonical(out_dir, ignored);
    m_path = cache.directory() /
             fmt::format("output-{}.manifest",
                         cache::settings_hash(fmt::format("{}out={}\nformat={}\nrenderer={}\n",
                                                          cache.settings().describe(),
                                                          absolute.string(), format, renderer)));
    std::ifstream file(m_path);
    std::string line;
    if (!std::getline(file, line) || line != k_manifest_header) {
        return; // none yet, or another version's: every table is written once more
    }
    while (std::getline(file, line)) {
        // The id comes last and takes the rest of the line: names may hold spaces.
        std::string_view rest = line;
        std::array<std::string_view, 5> fields;
        bool complete = true;
        for (auto& field : fields) {
            const auto space = rest.find(' ');
            complete = complete && space != std::string_view::npos;
            field = rest.substr(0, space);
            rest.remove_prefix(complete ? space + 1 : rest.size());
        }
        Entry entry;
        entry.state.last_commit = fields[0];
        if (complete && !rest.empty() && parse_number(fields[1], entry.state.versions) &&
            parse_number(fields[2], entry.state.tip_day) && parse_number(fields[3], entry.size) &&
            parse_number(fields[4], entry.mtime)) {
            m_entries[std::string(rest)] = entry;
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

void OutputManifest::save(FileReleaser* releaser) const {
    std::string text = fmt::format("{}\n", k_manifest_header);
    for (const auto& [id, entry] : m_entries) {
        if (id.find_first_of("\n\r") != std::string::npos) {
            continue; // never a file name written (they have no control characters)
        }
        text += fmt::format("{} {} {} {} {} {}\n", entry.state.last_commit, entry.state.versions,
                            entry.state.tip_day, entry.size, entry.mtime, id);
    }
    write_file_atomically(m_path, text, releaser);
}

} // namespace gh::commands
