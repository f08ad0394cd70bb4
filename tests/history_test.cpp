#include "git/repository.hpp"
#include "history/history.hpp"
#include "support/reference.hpp"
#include "support/repo.hpp"

#include <array>
#include <fstream>
#include <gtest/gtest.h>

namespace gh::history {
namespace {

using test::TempDir;

const std::string k_id = "37i9dQZF1DXcBWIGoYBM5M";

/// The walk's snapshots as hex ids, oldest first.
std::vector<std::string> snapshot_ids(const History& history) {
    std::vector<std::string> ids;
    for (const auto& snapshot : history.snapshots) {
        ids.push_back(git::hex(snapshot.commit));
    }
    return ids;
}

History walk(const std::filesystem::path& path, const std::string& rev = "HEAD") {
    const git::Repository repo = test::open(path);
    const git::Commit tip = git::resolve_commit(repo.get(), rev);
    return walk_history(repo.get(), tip.get(), "playlists/plain", {}, 1,
                        std::make_shared<git::PackSet>(path / ".git" / "objects"));
}

std::string commit_id(const std::filesystem::path& repo, const std::string& rev) {
    std::string id = test::run("git -C " + test::shell_quote(repo.string()) + " rev-parse " + rev);
    id.pop_back();
    return id;
}

std::string playlist(const std::string& tracks) {
    std::string text = "put " + k_id + "\n| Name\n| Description\n|\n";
    std::size_t start = 0;
    while (start < tracks.size()) {
        const auto end = tracks.find(';', start);
        text += "| " + tracks.substr(start, end - start) + "\n";
        start = end == std::string::npos ? tracks.size() : end + 1;
    }
    return text + "end\n";
}

TEST(HistoryWalk, FollowsTheSecondParentThatCarriesTheSnapshots) {
    // a --- r ----------- m     r edits only the README; m takes the bot branch's files
    //  \                 /
    //   s1 --- s2 --- s3        daily bot snapshots on the second parent
    TempDir dir;
    const auto repo = test::make_scenario_repo(
        dir, "commit a time=2021-01-01T10:00:00Z\n" + playlist("A -- X -- Y") +
                 "commit r parents=a time=2021-01-01T11:00:00Z\nreadme edited\n"
                 "commit s1 parents=a time=2021-01-02T10:00:00Z\n" +
                 playlist("B -- X -- Y") + "commit s2 parents=s1 time=2021-01-03T10:00:00Z\n" +
                 playlist("C -- X -- Y") + "commit s3 parents=s2 time=2021-01-04T10:00:00Z\n" +
                 playlist("D -- X -- Y") +
                 "commit m parents=r,s3 time=2021-01-04T12:00:00Z\ntake s3\n");
    const History history = walk(repo);
    const std::vector<std::string> expected{commit_id(repo, "HEAD~2"), commit_id(repo, "HEAD^2~2"),
                                            commit_id(repo, "HEAD^2~1"), commit_id(repo, "HEAD^2")};
    EXPECT_EQ(snapshot_ids(history), expected);
    EXPECT_EQ(snapshot_ids(history), test::git_log_snapshots(repo, "HEAD", "playlists/plain"));
    ASSERT_EQ(history.playlists.size(), 1u);
    EXPECT_EQ(history.playlists.at(k_id).size(), 4u);
}

TEST(HistoryWalk, MergeTreesameToItsFirstParentDropsTheSideBranch) {
    // a --- b --- m     m keeps b's files: the hand edit h is not part of the history
    //        \   /
    //          h
    TempDir dir;
    const auto repo = test::make_scenario_repo(
        dir, "commit a time=2021-01-01T10:00:00Z\n" + playlist("A -- X -- Y") +
                 "commit b parents=a time=2021-01-02T10:00:00Z\n" + playlist("B -- X -- Y") +
                 "commit h parents=b time=2021-01-02T11:00:00Z\n" + playlist("HAND -- X -- Y") +
                 "commit m parents=b,h time=2021-01-02T12:00:00Z\ntake b\n");
    const History history = walk(repo);
    EXPECT_EQ(snapshot_ids(history),
              (std::vector{commit_id(repo, "HEAD~2"), commit_id(repo, "HEAD~1")}));
    EXPECT_EQ(snapshot_ids(history), test::git_log_snapshots(repo, "HEAD", "playlists/plain"));
    EXPECT_EQ(history.commits_walked, 3u); // m, b, a
}

TEST(HistoryWalk, ParentsComeFirstEvenWhenTheChildsClockIsBehind) {
    // a (Jan 3) --- b (Jan 1): the child's committer clock was skewed
    TempDir dir;
    const auto repo = test::make_scenario_repo(
        dir, "commit a time=2021-01-03T10:00:00Z\n" + playlist("A -- X -- Y") +
                 "commit b parents=a time=2021-01-01T10:00:00Z\n" + playlist("B -- X -- Y"));
    const History history = walk(repo);
    EXPECT_EQ(snapshot_ids(history),
              (std::vector{commit_id(repo, "HEAD~1"), commit_id(repo, "HEAD")}));
}

TEST(HistoryWalk, BranchesInterleaveByCommitterTimeLikeGitLogDateOrder) {
    //   a --- c ------- m     m combines both branches: it differs from each parent
    //    \             /
    //     b --- d --- e
    TempDir dir;
    const std::string other = "37i9dQZF1DX0XUsuxWHRQd";
    const auto repo = test::make_scenario_repo(
        dir, "commit a time=2021-01-01T10:00:00Z\n" + playlist("A -- X -- Y") + "put " + other +
                 "\n| Other\n|\n|\n| O -- P -- Q\nend\n"
                 "commit c parents=a time=2021-01-03T10:00:00Z\n" +
                 playlist("C -- X -- Y") + "commit b parents=a time=2021-01-02T10:00:00Z\nput " +
                 other +
                 "\n| Other\n|\n|\n| B -- P -- Q\nend\n"
                 "commit d parents=b time=2021-01-04T10:00:00Z\nput " +
                 other +
                 "\n| Other\n|\n|\n| D -- P -- Q\nend\n"
                 "commit e parents=d time=2021-01-02T12:00:00Z\nput " +
                 other +
                 "\n| Other\n|\n|\n| E -- P -- Q\nend\n"
                 "commit m parents=c,e time=2021-01-05T10:00:00Z\n" +
                 "put " + other + "\n| Other\n|\n|\n| E -- P -- Q\nend\n");
    const History history = walk(repo);
    EXPECT_EQ(snapshot_ids(history), test::git_log_snapshots(repo, "HEAD", "playlists/plain"));
    EXPECT_EQ(history.snapshots.size(), 6u);
    // The merge brings in the side branch's version of `other` and keeps main's `k_id`:
    // it is a snapshot, but adds a version to neither playlist.
    EXPECT_EQ(history.playlists.at(k_id).size(), 2u);
    EXPECT_EQ(history.playlists.at(other).size(), 4u);
}

TEST(HistoryWalk, SkipsDirectoriesSymlinksAndReportsWhere) {
    TempDir dir;
    const auto repo = test::make_scenario_repo(
        dir, "commit a time=2021-01-01T10:00:00Z\n" + playlist("A -- X -- Y") +
                 "commit b parents=a time=2021-01-02T10:00:00Z\nmkdir https:\nsymlink link " +
                 k_id +
                 "\n"
                 "commit c parents=b time=2021-01-03T10:00:00Z\n" +
                 playlist("C -- X -- Y"));
    const History history = walk(repo);
    ASSERT_EQ(history.skipped.size(), 2u);
    EXPECT_EQ(git::hex(history.skipped[0].commit), commit_id(repo, "HEAD~1"));
    EXPECT_EQ(history.skipped[0].path, "playlists/plain/https:");
    EXPECT_EQ(history.skipped[0].kind, "directory");
    EXPECT_EQ(history.skipped[1].path, "playlists/plain/link");
    EXPECT_EQ(history.skipped[1].kind, "symbolic link");
    EXPECT_EQ(history.playlists.size(), 1u); // only the real playlist
}

TEST(HistoryWalk, FileReplacedByADirectoryIsADeletion) {
    TempDir dir;
    const auto repo = test::make_scenario_repo(
        dir, "commit a time=2021-01-01T10:00:00Z\n" + playlist("A -- X -- Y") +
                 "commit b parents=a time=2021-01-02T10:00:00Z\ndelete " + k_id + "\nmkdir " +
                 k_id + "\n");
    const History history = walk(repo);
    const auto& versions = history.playlists.at(k_id);
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_TRUE(versions[0].blob.has_value());
    EXPECT_FALSE(versions[1].blob.has_value());
    EXPECT_EQ(history.skipped.size(), 1u);
}

TEST(HistoryWalk, DeletionAndReAddAreVersions) {
    TempDir dir;
    const auto repo = test::make_scenario_repo(
        dir, "commit a time=2021-01-01T10:00:00Z\n" + playlist("A -- X -- Y") +
                 "commit b parents=a time=2021-01-02T10:00:00Z\ndelete " + k_id +
                 "\n"
                 "commit c parents=b time=2021-01-03T10:00:00Z\n" +
                 playlist("A -- X -- Y"));
    const History history = walk(repo);
    const auto& versions = history.playlists.at(k_id);
    ASSERT_EQ(versions.size(), 3u);
    EXPECT_EQ(versions[1].snapshot, 1u);
    EXPECT_FALSE(versions[1].blob.has_value());
    ASSERT_TRUE(versions[2].blob.has_value());
    EXPECT_TRUE(git_oid_equal(&*versions[0].blob, &*versions[2].blob));
}

TEST(HistoryWalk, CommitsOutsideTheDirectoryAreNotSnapshots) {
    TempDir dir;
    const auto repo = test::make_scenario_repo(
        dir, "commit a time=2021-01-01T10:00:00Z\nreadme first\n"
             "commit b parents=a time=2021-01-02T10:00:00Z\n" +
                 playlist("A -- X -- Y") +
                 "commit c parents=b time=2021-01-03T10:00:00Z\nreadme changed\n");
    const History history = walk(repo);
    EXPECT_EQ(snapshot_ids(history), std::vector{commit_id(repo, "HEAD~1")});
    EXPECT_EQ(history.commits_walked, 3u);
    EXPECT_EQ(git::hex(history.tip), commit_id(repo, "HEAD"));
}

TEST(HistoryWalk, UnreadableTreeFailsLoudlyNamingTheObject) {
    // Real git makes loose objects; remove the tree of the first commit's directory.
    TempDir dir;
    const auto repo = dir.path() / "loose";
    const std::string q = test::shell_quote(repo.string());
    test::run("git init -q " + q + " && mkdir -p " + q + "/playlists/plain && cd " + q +
              " && printf 'N\\n\\n\\nA -- B -- C' > playlists/plain/" + k_id +
              " && git add -A && git -c user.name=t -c user.email=t@t commit -qm one" +
              " && printf 'N\\n\\n\\nD -- B -- C' > playlists/plain/" + k_id +
              " && git add -A && git -c user.name=t -c user.email=t@t commit -qm two");
    std::string tree = test::run("git -C " + q + " rev-parse HEAD~1:playlists/plain");
    tree.pop_back();
    std::filesystem::remove(repo / ".git/objects" / tree.substr(0, 2) / tree.substr(2));
    try {
        walk(repo);
        FAIL() << "the walk ignored a missing tree";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find(tree.substr(0, 9)), std::string::npos)
            << error.what();
    }
}

TEST(HistoryWalk, ShallowCloneStopsAtTheBoundaryAndSaysSo) {
    TempDir dir;
    const auto repo = test::make_scenario_repo(
        dir, "commit a time=2021-01-01T10:00:00Z\n" + playlist("A -- X -- Y") +
                 "commit b parents=a time=2021-01-02T10:00:00Z\n" + playlist("B -- X -- Y") +
                 "commit c parents=b time=2021-01-03T10:00:00Z\n" + playlist("C -- X -- Y"));
    const auto clone = dir.path() / "shallow";
    test::run("git clone -q --depth 2 file://" + test::shell_quote(repo.string()) + " " +
              test::shell_quote(clone.string()) + " 2>&1");
    const History history = walk(clone);
    EXPECT_EQ(history.snapshots.size(), 2u);
    ASSERT_EQ(history.shallow_boundary.size(), 1u);
    EXPECT_EQ(git::hex(history.shallow_boundary[0]), commit_id(repo, "HEAD~1"));
}

} // namespace
} // namespace gh::history

namespace gh::history {
namespace {

/// Writes a tree object with the given raw entries (mode text, name, hex id) and returns
/// its id: trees git itself would not write, as other tools might have.
std::string write_raw_tree(const std::filesystem::path& repo,
                           const std::vector<std::array<std::string, 3>>& entries) {
    std::string bytes;
    for (const auto& [mode, name, hex] : entries) {
        git_oid id;
        EXPECT_EQ(git_oid_fromstr(&id, hex.c_str()), 0);
        bytes += mode + " " + name + std::string(1, '\0') +
                 std::string(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ);
    }
    const auto file = repo / "raw-tree";
    std::ofstream(file, std::ios::binary) << bytes;
    std::string id =
        test::run("git -C " + test::shell_quote(repo.string()) +
                  " hash-object -w -t tree --literally " + test::shell_quote(file.string()));
    id.pop_back();
    return id;
}

TEST(HistoryWalk, ZeroPaddedModesAreReadAsLibgit2ReadsThem) {
    // A tree with an eight-digit mode (zero-padded, as some old tools wrote): our parser
    // leaves it to libgit2, and the file is a playlist like any other.
    TempDir dir;
    const auto repo = dir.path() / "repo";
    test::run("git init -q " + test::shell_quote(repo.string()));
    const auto git = "git -C " + test::shell_quote(repo.string()) + " ";
    std::ofstream(repo / "file") << "Padded\n\nA -- B -- C\n";
    std::string blob = test::run(git + "hash-object -w file");
    blob.pop_back();
    const auto plain = write_raw_tree(repo, {{"00100644", k_id, blob}});
    const auto playlists = write_raw_tree(repo, {{"40000", "plain", plain}});
    const auto root = write_raw_tree(repo, {{"40000", "playlists", playlists}});
    std::string commit =
        test::run(git + "-c user.name=t -c user.email=t@t commit-tree " + root + " -m padded");
    commit.pop_back();
    test::run(git + "update-ref refs/heads/main " + commit + " && " + git +
              "symbolic-ref HEAD refs/heads/main");
    const History history = walk(repo);
    ASSERT_EQ(history.snapshots.size(), 1u);
    ASSERT_TRUE(history.playlists.contains(k_id));
    ASSERT_EQ(history.playlists.at(k_id).size(), 1u);
    EXPECT_EQ(git::hex(*history.playlists.at(k_id).front().blob), blob);
    EXPECT_TRUE(history.skipped.empty());
}

} // namespace
} // namespace gh::history
