#pragma once

#include "git/handles.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gh::synth {

/// One entry of the playlist directory: a file, or a quirk such as a sub-directory.
struct DirEntry {
    git_oid id{};
    git_filemode_t mode = GIT_FILEMODE_BLOB;
};

/// The playlist directory of one commit, by file name.
using DirState = std::map<std::string, DirEntry>;

/// Directories beside the playlist directory (the bot's "pretty" and "cumulative"), by name.
using BesideState = std::map<std::string, DirState>;

/// Builds an archive's history commit by commit, straight into a repository's object
/// database (no working tree involved), the way the archive's bot would have made it.
class ArchiveWriter {
  public:
    /// Creates a new repository at `path`, which must not exist or be an empty directory,
    /// or a directory that an earlier ArchiveWriter made (it is replaced).
    ArchiveWriter(const std::filesystem::path& path, std::string dir = "playlists/plain");
    ArchiveWriter(const ArchiveWriter&) = delete;
    ArchiveWriter& operator=(const ArchiveWriter&) = delete;
    ~ArchiveWriter();

    git_oid write_blob(std::string_view content);

    /// A directory entry holding one small file: the quirk of a URL committed as a path.
    DirEntry write_subdirectory(std::string_view file_name, std::string_view content);

    /// Commits `state` as the playlist directory and `beside` next to it (plus a README
    /// whose text is `readme`).
    git_oid commit(const DirState& state, const std::vector<git_oid>& parents, std::int64_t time,
                   std::string_view message, std::string_view readme = "Playlist archive\n",
                   const BesideState& beside = {});

    /// Points `branch` (and HEAD) at `commit`, writes the buffered objects and checks out
    /// the working tree.
    void finish(const git_oid& commit, std::string_view branch = "main");

    /// Records `url` as the remote `name`, as a clone of it would.
    void add_remote(const std::string& name, const std::string& url);

    git_repository* repository() const { return m_repo.get(); }

  private:
    git_oid write_tree(const std::map<std::string, DirEntry>& entries);
    /// Adds the directories of `beside` that are not empty to `level`.
    void add_beside(std::map<std::string, DirEntry>& level, const BesideState& beside);
    void flush_objects();

    git::Repository m_repo;
    git::Odb m_odb;
    git_odb_backend* m_mempack = nullptr; ///< owned by the object database
    std::vector<std::string> m_dir_parts;
    std::size_t m_commits_since_flush = 0;
};

} // namespace gh::synth
