// Commits and trees parsed from their bytes against libgit2's parse of the same objects.

#include "git/object_reader.hpp"
#include "git/raw_objects.hpp"
#include "git/repository.hpp"
#include "support/repo.hpp"

#include <gtest/gtest.h>

namespace gh::git {
namespace {

using test::TempDir;

std::string object_bytes(git_repository* repo, const git_oid& id) {
    Odb odb;
    check(git_repository_odb(out(odb), repo), "odb");
    OdbObject object;
    check(git_odb_read(out(object), odb.get(), &id), "read");
    return std::string(static_cast<const char*>(git_odb_object_data(object.get())),
                       git_odb_object_size(object.get()));
}

git_oid oid_of(const std::string& hex) {
    git_oid id;
    EXPECT_EQ(git_oid_fromstrn(&id, hex.data(), GIT_OID_HEXSZ), 0) << hex;
    return id;
}

TEST(RawObjects, CommitsAndTreesParseAsLibgit2ParsesThem) {
    initialize();
    TempDir dir;
    const auto path = test::generated_archive(dir, 5, 12, 60, 20);
    // A merge, so that commits with two parents are among them.
    test::run("cd " + test::shell_quote(path.string()) +
              " && git checkout -q -b side HEAD~5 && echo x > side.txt && git add side.txt && "
              "git -c user.name=t -c user.email=t@t commit -qm side && git checkout -q - && "
              "git -c user.name=t -c user.email=t@t merge -q --no-edit side");
    const Repository repo = test::open(path);
    std::size_t commits = 0;
    std::size_t merges = 0;
    std::size_t entries = 0;
    for (const auto& hex : test::lines_of(
             test::run("git -C " + test::shell_quote(path.string()) + " rev-list --all"))) {
        const git_oid id = oid_of(hex);
        Commit commit;
        check(git_commit_lookup(out(commit), repo.get(), &id), "commit");
        const auto parsed = parse_commit(object_bytes(repo.get(), id));
        ASSERT_TRUE(parsed) << hex;
        EXPECT_TRUE(git_oid_equal(&parsed->tree, git_commit_tree_id(commit.get())));
        EXPECT_EQ(parsed->time, git_commit_time(commit.get()));
        ASSERT_EQ(parsed->parents.size(), git_commit_parentcount(commit.get()));
        for (unsigned i = 0; i < parsed->parents.size(); ++i) {
            EXPECT_TRUE(git_oid_equal(&parsed->parents[i], git_commit_parent_id(commit.get(), i)));
        }
        ++commits;
        merges += parsed->parents.size() > 1;

        // Its root tree and the tree of playlists/plain, entry by entry.
        for (const char* path_in_tree : {"", ":playlists/plain"}) {
            const std::string tree_hex =
                test::lines_of(test::run("git -C " + test::shell_quote(path.string()) +
                                         " rev-parse " + hex + "^{tree}" + path_in_tree))
                    .at(0);
            const git_oid tree_id = oid_of(tree_hex);
            const Tree tree = lookup_tree(repo.get(), tree_id);
            const std::string bytes = object_bytes(repo.get(), tree_id);
            const auto raw = parse_tree(bytes);
            ASSERT_TRUE(raw) << tree_hex;
            ASSERT_EQ(raw->size(), git_tree_entrycount(tree.get()));
            for (std::size_t i = 0; i < raw->size(); ++i) {
                const git_tree_entry* entry = git_tree_entry_byindex(tree.get(), i);
                EXPECT_EQ((*raw)[i].name, git_tree_entry_name(entry));
                EXPECT_EQ((*raw)[i].mode,
                          static_cast<std::uint32_t>(git_tree_entry_filemode_raw(entry)));
                const git_oid entry_id = (*raw)[i].oid();
                EXPECT_TRUE(git_oid_equal(&entry_id, git_tree_entry_id(entry)));
                if (i > 0) {
                    const git_tree_entry* before = git_tree_entry_byindex(tree.get(), i - 1);
                    const int expected = git_tree_entry_cmp(before, entry);
                    const int order = compare_entries((*raw)[i - 1], (*raw)[i]);
                    EXPECT_EQ(order < 0, expected < 0);
                    EXPECT_EQ(order > 0, expected > 0);
                }
                ++entries;
            }
        }
    }
    EXPECT_GT(commits, 60u);
    EXPECT_GE(merges, 1u);
    EXPECT_GT(entries, 1000u);
}

TEST(RawObjects, EntriesOrderAsGitOrdersThem) {
    // A tree sorts as if its name ended in '/': "a.b" < "a/" < "a0", and "a" (a file)
    // comes before "a.b"; equal names of a file and a tree are different entries.
    const unsigned char id[GIT_OID_RAWSZ] = {};
    const RawEntry file_a{"a", 0100644, id};
    const RawEntry tree_a{"a", 0040000, id};
    const RawEntry file_ab{"a.b", 0100644, id};
    const RawEntry file_a0{"a0", 0100644, id};
    EXPECT_LT(compare_entries(file_a, file_ab), 0);
    EXPECT_LT(compare_entries(file_ab, tree_a), 0);
    EXPECT_LT(compare_entries(tree_a, file_a0), 0);
    EXPECT_LT(compare_entries(file_a, tree_a), 0);
    EXPECT_EQ(compare_entries(tree_a, tree_a), 0);
    const RawEntry high{"\xc3\xa9", 0100644, id}; // bytes compare unsigned
    EXPECT_LT(compare_entries(file_a, high), 0);
}

TEST(RawObjects, MalformedTreesAreRefused) {
    const std::string id(GIT_OID_RAWSZ, '\x11');
    const std::string good = "100644 name" + std::string(1, '\0') + id;
    ASSERT_TRUE(parse_tree(good));
    EXPECT_EQ(parse_tree(good)->at(0).mode, 0100644u);
    EXPECT_TRUE(parse_tree(""));                                         // the empty tree
    EXPECT_FALSE(parse_tree(good.substr(0, good.size() - 1)));           // a short id
    EXPECT_FALSE(parse_tree("100644name" + std::string(1, '\0') + id));  // no space
    EXPECT_FALSE(parse_tree("10064x name" + std::string(1, '\0') + id)); // not octal
    EXPECT_FALSE(parse_tree("100644 " + std::string(1, '\0') + id));     // no name
    EXPECT_FALSE(parse_tree("100644 name" + id));                        // no NUL
    EXPECT_FALSE(parse_tree(good + "1"));                                // trailing bytes
}

TEST(RawObjects, UnusualCommitsAreLeftToLibgit2) {
    const std::string tree = "tree " + std::string(40, 'a') + "\n";
    const std::string author = "author A <a@example.com> 1600000000 +0000\n";
    const std::string committer = "committer C <c@example.com> 1600000001 -0130\n";
    const auto parsed = parse_commit(tree + author + committer + "\nmessage\n");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->time, 1600000001);
    EXPECT_TRUE(parsed->parents.empty());
    EXPECT_FALSE(parse_commit(author + committer));               // no tree
    EXPECT_FALSE(parse_commit(tree + committer));                 // no author
    EXPECT_FALSE(parse_commit(tree + author + "\n" + committer)); // after the message
    EXPECT_FALSE(parse_commit(tree + author + "committer C <c> 16x +0000\n"));
    EXPECT_FALSE(parse_commit(tree + author + "committer C <c> 1600000000\n"));
    EXPECT_FALSE(parse_commit("tree " + std::string(40, 'g') + "\n" + author + committer));
    EXPECT_FALSE(parse_commit(tree + "parent 123\n" + author + committer));
}

} // namespace
} // namespace gh::git
