#include "synth/archive_writer.hpp"

#include <fstream>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <optional>

namespace gh::synth {

namespace {

/// Marks a repository as generated, so that a later run may replace it.
constexpr std::string_view k_marker = "gh-analyze-synth";

void prepare_directory(const std::filesystem::path& path) {
    namespace fs = std::filesystem;
    if (!fs::exists(path)) {
        return;
    }
    if (!fs::is_directory(path)) {
        fail("cannot create an archive at {}: it exists and is not a directory", path.string());
    }
    if (fs::exists(path / ".git" / k_marker)) {
        fs::remove_all(path);
        return;
    }
    if (!fs::is_empty(path)) {
        fail("cannot create an archive at {}: the directory is not empty and was not made by "
             "gh-analyze-synth",
             path.string());
    }
}

} // namespace

ArchiveWriter::ArchiveWriter(const std::filesystem::path& path, std::string dir) {
    git::initialize();
    prepare_directory(path);
    git_repository_init_options options = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    options.flags = GIT_REPOSITORY_INIT_MKPATH;
    options.initial_head = "main";
    git::check(git_repository_init_ext(git::out(m_repo), path.c_str(), &options),
               "creating repository {}", path.string());
    std::ofstream(path / ".git" / k_marker) << "made by gh-analyze-synth\n";
    // Objects are collected in memory and written as packs: millions of loose files
    // would make large benchmark archives slow to create and to read.
    git::check(git_repository_odb(git::out(m_odb), m_repo.get()), "opening object database");
    git::check(git_mempack_new(&m_mempack), "creating in-memory object store");
    git::check(git_odb_add_backend(m_odb.get(), m_mempack, 1000), "adding in-memory object store");
    std::string_view rest = dir;
    while (!rest.empty()) {
        const auto slash = rest.find('/');
        m_dir_parts.emplace_back(rest.substr(0, slash));
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    }
}

ArchiveWriter::~ArchiveWriter() = default;

git_oid ArchiveWriter::write_blob(std::string_view content) {
    git_oid id;
    git::check(git_blob_create_from_buffer(&id, m_repo.get(), content.data(), content.size()),
               "writing blob");
    return id;
}

DirEntry ArchiveWriter::write_subdirectory(std::string_view file_name, std::string_view content) {
    return {write_tree({{std::string(file_name), {write_blob(content), GIT_FILEMODE_BLOB}}}),
            GIT_FILEMODE_TREE};
}

git_oid ArchiveWriter::write_tree(const std::map<std::string, DirEntry>& entries) {
    git::TreeBuilder builder;
    git::check(git_treebuilder_new(git::out(builder), m_repo.get(), nullptr), "creating tree");
    for (const auto& [name, entry] : entries) {
        git::check(
            git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &entry.id, entry.mode),
            "adding {} to a tree", name);
    }
    git_oid id;
    git::check(git_treebuilder_write(&id, builder.get()), "writing tree");
    return id;
}

void ArchiveWriter::add_beside(std::map<std::string, DirEntry>& level, const BesideState& beside) {
    for (const auto& [name, entries] : beside) {
        if (!entries.empty()) {
            level.emplace(name, DirEntry{write_tree(entries), GIT_FILEMODE_TREE});
        }
    }
}

git_oid ArchiveWriter::commit(const DirState& state, const std::vector<git_oid>& parents,
                              std::int64_t time, std::string_view message, std::string_view readme,
                              const BesideState& beside) {
    // Like git, leave out directories that would be empty.
    std::optional<git_oid> tree;
    if (!state.empty()) {
        tree = write_tree(state);
    }
    for (auto part = m_dir_parts.rbegin(); part != m_dir_parts.rend(); ++part) {
        std::map<std::string, DirEntry> level;
        if (tree) {
            level.emplace(*part, DirEntry{*tree, GIT_FILEMODE_TREE});
        }
        if (part == m_dir_parts.rbegin()) {
            add_beside(level, beside);
        }
        if (std::next(part) == m_dir_parts.rend()) {
            level.emplace("README.md", DirEntry{write_blob(readme), GIT_FILEMODE_BLOB});
        }
        tree = level.empty() ? std::nullopt : std::optional(write_tree(level));
    }
    const git_oid root_id = tree ? *tree : write_tree({});
    git::Tree root;
    git::check(git_tree_lookup(git::out(root), m_repo.get(), &root_id), "reading new tree");
    std::vector<git::Commit> parent_commits;
    std::vector<const git_commit*> parent_pointers;
    for (const git_oid& parent : parents) {
        parent_commits.emplace_back();
        git::check(git_commit_lookup(git::out(parent_commits.back()), m_repo.get(), &parent),
                   "reading parent commit {}", parent);
        parent_pointers.push_back(parent_commits.back().get());
    }
    git::Signature signature;
    git::check(git_signature_new(git::out(signature), "Archive Bot", "bot@example.invalid",
                                 static_cast<git_time_t>(time), 0),
               "creating signature");
    const std::string text(message);
    git_oid id;
    git::check(git_commit_create(&id, m_repo.get(), nullptr, signature.get(), signature.get(),
                                 nullptr, text.c_str(), root.get(), parent_pointers.size(),
                                 parent_pointers.data()),
               "writing commit");
    if (++m_commits_since_flush >= 200) {
        flush_objects();
    }
    return id;
}

void ArchiveWriter::add_remote(const std::string& name, const std::string& url) {
    git::check(git_remote_set_url(m_repo.get(), name.c_str(), url.c_str()), "recording remote {}",
               name);
    const std::string fetch = fmt::format("+refs/heads/*:refs/remotes/{}/*", name);
    git::check(git_remote_add_fetch(m_repo.get(), name.c_str(), fetch.c_str()),
               "recording remote {}", name);
}

void ArchiveWriter::flush_objects() {
    m_commits_since_flush = 0;
    git_buf pack = GIT_BUF_INIT;
    git::check(git_mempack_dump(&pack, m_repo.get(), m_mempack), "packing objects");
    git_odb_writepack* writer = nullptr;
    int status = git_odb_write_pack(&writer, m_odb.get(), nullptr, nullptr);
    git_indexer_progress progress{};
    if (status == 0) {
        status = writer->append(writer, pack.ptr, pack.size, &progress);
    }
    if (status == 0) {
        status = writer->commit(writer, &progress);
    }
    if (writer) {
        writer->free(writer);
    }
    git_buf_dispose(&pack);
    git::check(status, "writing pack file");
    git::check(git_mempack_reset(m_mempack), "clearing in-memory object store");
}

void ArchiveWriter::finish(const git_oid& commit, std::string_view branch) {
    flush_objects();
    const std::string ref = fmt::format("refs/heads/{}", branch);
    git::Reference reference;
    git::check(git_reference_create(git::out(reference), m_repo.get(), ref.c_str(), &commit, 1,
                                    "gh-analyze-synth"),
               "creating branch {}", branch);
    git::check(git_repository_set_head(m_repo.get(), ref.c_str()), "pointing HEAD at {}", ref);
    git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
    options.checkout_strategy = GIT_CHECKOUT_FORCE;
    git::check(git_checkout_head(m_repo.get(), &options), "checking out {}", branch);
}

} // namespace gh::synth
