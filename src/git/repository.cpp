#include "git/repository.hpp"

namespace gh::git {

Repository open_repository(const std::filesystem::path& path) {
    initialize();
    Repository repo;
    if (path.empty()) {
        std::error_code ignored;
        const auto here = std::filesystem::current_path(ignored);
        check(git_repository_open_ext(out(repo), here.c_str(), 0, nullptr),
              "finding the repository that contains {} (use --repo DIR)", here.string());
    } else {
        check(git_repository_open_ext(out(repo), path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH,
                                      nullptr),
              "opening repository {}", path.string());
    }
    return repo;
}

Repository reopen(git_repository* repo) {
    Repository again;
    check(git_repository_open(out(again), git_repository_path(repo)), "opening repository {}",
          git_repository_path(repo));
    return again;
}

Commit resolve_commit(git_repository* repo, std::string_view rev) {
    Object object;
    const std::string spec(rev);
    check(git_revparse_single(out(object), repo, spec.c_str()), "resolving revision '{}'", spec);
    Object peeled;
    check(git_object_peel(out(peeled), object.get(), GIT_OBJECT_COMMIT),
          "revision '{}' does not name a commit", spec);
    return Commit(reinterpret_cast<git_commit*>(peeled.release()));
}

std::optional<git_oid> directory_tree_id(git_repository* repo, const git_commit* commit,
                                         std::string_view dir) {
    Tree tree;
    check(git_commit_tree(out(tree), commit), "reading the tree of commit {}",
          *git_commit_id(commit));
    // Walk one component at a time so that only the trees on the path are loaded.
    git_oid current = *git_tree_id(tree.get());
    while (!dir.empty()) {
        const auto slash = dir.find('/');
        const std::string name(dir.substr(0, slash));
        dir = slash == std::string_view::npos ? std::string_view() : dir.substr(slash + 1);
        if (name.empty()) {
            continue;
        }
        const git_tree_entry* entry = git_tree_entry_byname(tree.get(), name.c_str());
        if (!entry || git_tree_entry_type(entry) != GIT_OBJECT_TREE) {
            return std::nullopt;
        }
        current = *git_tree_entry_id(entry);
        if (!dir.empty()) {
            tree = lookup_tree(repo, current);
        }
    }
    if (is_empty_tree(current)) {
        return std::nullopt;
    }
    return current;
}

bool is_empty_tree(const git_oid& id) {
    static const git_oid empty = [] {
        git_oid oid;
        git_oid_fromstr(&oid, "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
        return oid;
    }();
    return git_oid_equal(&id, &empty);
}

Tree lookup_tree(git_repository* repo, const git_oid& id) {
    Tree tree;
    check(git_tree_lookup(out(tree), repo, &id), "reading tree {}", id);
    return tree;
}

std::string read_blob(git_repository* repo, const git_oid& id, std::string_view what) {
    Blob blob;
    check(git_blob_lookup(out(blob), repo, &id), "reading {} (blob {})", what, id);
    const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
    return std::string(data, static_cast<std::size_t>(git_blob_rawsize(blob.get())));
}

std::filesystem::path git_directory(git_repository* repo) {
    return git_repository_path(repo);
}

} // namespace gh::git
