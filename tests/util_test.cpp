#include "support/repo.hpp"
#include "util/atomic_file.hpp"
#include "util/calendar.hpp"
#include "util/file_names.hpp"
#include "util/parse_number.hpp"
#include "util/terminal.hpp"
#include "util/text_index.hpp"

#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace gh {
namespace {

TEST(Calendar, UtcDaysAndFormatting) {
    const TimeZone utc = TimeZone::utc();
    EXPECT_EQ(format_day(utc.day_of(0)), "1970-01-01");
    EXPECT_EQ(format_day(utc.day_of(1620519994)), "2021-05-09");
    EXPECT_EQ(format_day(utc.day_of(-1)), "1969-12-31");
    EXPECT_EQ(parse_day("2021-05-09"), utc.day_of(1620519994));
    EXPECT_FALSE(parse_day("2021-02-30"));
    EXPECT_FALSE(parse_day("2021-5-9"));
}

TEST(Calendar, NamedZonesShiftTheDate) {
    // 2021-05-09 00:30 UTC is still May 8th in New York and already May 9th in Tokyo.
    const std::int64_t t = 1620520200;
    EXPECT_EQ(format_day(TimeZone::named("America/New_York").day_of(t)), "2021-05-08");
    EXPECT_EQ(format_day(TimeZone::named("Asia/Tokyo").day_of(t)), "2021-05-09");
    EXPECT_EQ(format_day(TimeZone::named("UTC").day_of(t)), "2021-05-09");
}

TEST(Calendar, UnknownZoneIsAUsageError) {
    try {
        TimeZone::named("Mars/Olympus");
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), ExitCode::usage);
        EXPECT_NE(std::string(error.what()).find("Mars/Olympus"), std::string::npos);
    }
}

TEST(AtomicFile, WritesReplacesAndLeavesIdenticalFilesAlone) {
    test::TempDir dir;
    const auto path = dir.path() / "table.csv";
    EXPECT_TRUE(write_file_atomically(path, "one"));
    EXPECT_EQ(test::read_file(path), "one");
    struct stat before {};
    ASSERT_EQ(stat(path.c_str(), &before), 0);
    EXPECT_FALSE(write_file_atomically(path, "one"));
    struct stat after {};
    ASSERT_EQ(stat(path.c_str(), &after), 0);
    EXPECT_EQ(before.st_ino, after.st_ino);
    EXPECT_TRUE(write_file_atomically(path, "two"));
    EXPECT_EQ(test::read_file(path), "two");
    // No temporary file is left behind.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                            std::filesystem::directory_iterator()),
              1);
}

std::size_t open_files() {
    return static_cast<std::size_t>(
        std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                      std::filesystem::directory_iterator()));
}

TEST(AtomicFile, TheReleaserLetsGoOfEveryReplacedFile) {
    test::TempDir dir;
    const auto path = dir.path() / "table.md";
    const auto before = open_files();
    {
        FileReleaser releaser;
        EXPECT_TRUE(write_file_atomically(path, "one", &releaser));
        EXPECT_TRUE(write_file_atomically(path, "two", &releaser)); // same size, other bytes
        EXPECT_EQ(test::read_file(path), "two");
        EXPECT_FALSE(write_file_atomically(path, "two", &releaser));
        for (int i = 0; i < 50; ++i) {
            EXPECT_TRUE(write_file_atomically(path, "version " + std::to_string(i), &releaser));
            EXPECT_EQ(test::read_file(path), "version " + std::to_string(i));
        }
        // A directory where the file should be: refused, and nothing is left open.
        std::filesystem::create_directory(dir.path() / "taken.md");
        EXPECT_THROW(write_file_atomically(dir.path() / "taken.md", "x", &releaser), Error);
        AtomicFileWriter unused(dir.path() / "never.md", &releaser);
        unused.write("abandoned");
    }
    EXPECT_EQ(open_files(), before);
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                            std::filesystem::directory_iterator()),
              2); // table.md and taken.md: no temporary file is left
}

TEST(AtomicFile, TheReleaserHoldsABoundedNumberOfFiles) {
    test::TempDir dir;
    const auto before = open_files();
    std::size_t most = 0;
    {
        FileReleaser releaser(1000); // never woken for a batch: only the bound lets go
        for (int i = 0; i < 200; ++i) {
            const auto path = dir.path() / fmt::format("t{}.md", i % 3);
            EXPECT_TRUE(write_file_atomically(path, "version " + std::to_string(i), &releaser));
            most = std::max(most, open_files() - before);
        }
    }
    EXPECT_LE(most, FileReleaser::k_max_held);
    EXPECT_GE(most, FileReleaser::k_max_held - 3); // it does hold them, up to the bound
    EXPECT_EQ(open_files(), before);
}

TEST(AtomicFile, AFailedReplacementLeavesNothingOpen) {
    // The file exists (and is opened to be compared), but no temporary file can be made
    // next to it: its name, with the temporary's dot and suffix, is too long.
    test::TempDir dir;
    const auto path = dir.path() / std::string(250, 'x');
    std::ofstream(path) << "old";
    const auto before = open_files();
    FileReleaser releaser;
    for (int i = 0; i < 5; ++i) {
        EXPECT_THROW(write_file_atomically(path, "new", i % 2 ? &releaser : nullptr), Error);
    }
    EXPECT_EQ(open_files(), before);
    EXPECT_EQ(test::read_file(path), "old");
}

TEST(AtomicFile, FailureNamesThePathAndLeavesNothing) {
    test::TempDir dir;
    try {
        write_file_atomically(dir.path() / "missing" / "x.csv", "data");
        FAIL();
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("missing/x.csv"), std::string::npos);
    }
}

/// A process id that no process has: a child that has exited and been waited for.
pid_t gone_pid() {
    const pid_t child = fork();
    if (child == 0) {
        _exit(0);
    }
    waitpid(child, nullptr, 0);
    return child;
}

TEST(AtomicFile, StaleTemporariesOfGoneWritersAreRemovedOthersKept) {
    test::TempDir dir;
    const auto make = [&](const std::string& name) {
        std::ofstream(dir.path() / name) << "half";
        return dir.path() / name;
    };
    const std::string dead = std::to_string(gone_pid());
    const auto stale = make(".a.csv.tmp-" + dead + "-AbCdEf");
    const auto stale_export = make(".h.sqlite.tmp-" + dead); // as exports of 0.1 named them
    const auto stale_legacy = make(".b.csv.tmp-Xy12Zw");     // no process id: unlocked is gone
    const auto alive = make(".c.csv.tmp-1-AbCdEf");          // process 1 is alive
    const auto other_target = make(".notes.txt.tmp-" + dead + "-AbCdEf");
    const auto not_ours = make(".a.csv.tmp-other");
    const auto locked = make(".d.csv.tmp-" + dead + "-AbCdEf");
    const int held = open(locked.c_str(), O_RDONLY);
    ASSERT_EQ(flock(held, LOCK_EX), 0);
    TemporaryFile writing(dir.path() / "e.csv"); // being written by this process
    std::ofstream(dir.path() / "unrelated.csv") << "keep";

    remove_stale_temporaries(dir.path(), [](std::string_view target) {
        return target.ends_with(".csv") || target == "h.sqlite";
    });
    EXPECT_FALSE(std::filesystem::exists(stale));
    EXPECT_FALSE(std::filesystem::exists(stale_export));
    EXPECT_FALSE(std::filesystem::exists(stale_legacy));
    EXPECT_TRUE(std::filesystem::exists(alive));
    EXPECT_TRUE(std::filesystem::exists(other_target));
    EXPECT_TRUE(std::filesystem::exists(not_ours));
    EXPECT_TRUE(std::filesystem::exists(locked));
    EXPECT_TRUE(std::filesystem::exists(writing.temporary_path()));
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "unrelated.csv"));
    close(held);
}

// (The umask is read once per process: tests/e2e/cli-test checks other umasks.)
TEST(AtomicFile, TemporaryFilesFollowTheUmaskAndLeaveNothingUncommitted) {
    test::TempDir dir;
    const mode_t mask = umask(0);
    umask(mask);
    std::string name;
    {
        TemporaryFile file(dir.path() / "x.sqlite");
        name = file.temporary_path();
        struct stat status {};
        ASSERT_EQ(fstat(file.fd(), &status), 0);
        EXPECT_EQ(status.st_mode & 0777, 0666u & ~mask);
        const int other = open(name.c_str(), O_RDONLY); // another reader is locked out
        EXPECT_NE(flock(other, LOCK_EX | LOCK_NB), 0);
        close(other);
    }
    EXPECT_FALSE(std::filesystem::exists(name));
    EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(AtomicFile, TemporaryDirectoryAppearsWholeOrNotAtAll) {
    test::TempDir dir;
    const mode_t mask = umask(0);
    umask(mask);
    const auto target = dir.path() / "tracks";
    std::string name;
    {
        TemporaryDirectory staged(target);
        staged.write("a.html", "first");
        name = staged.temporary_path().string();
        EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(name) / "a.html"));
        EXPECT_FALSE(std::filesystem::exists(target)); // nothing shows before the commit
    }
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())); // given up: removed with its files

    {
        TemporaryDirectory staged(target);
        staged.write("a.html", "first");
        staged.write("b.html", std::string(100000, 'b'));
        EXPECT_THROW(staged.write("a.html", "again"), Error); // each name once
        staged.commit();
    }
    struct stat status {};
    ASSERT_EQ(stat(target.c_str(), &status), 0);
    EXPECT_EQ(status.st_mode & 0777, 0777u & ~mask);
    ASSERT_EQ(stat((target / "b.html").c_str(), &status), 0);
    EXPECT_EQ(status.st_mode & 0777, 0666u & ~mask);
    EXPECT_EQ(test::read_file(target / "a.html"), "first");
    EXPECT_EQ(test::read_file(target / "b.html").size(), 100000u);
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);

    // Another run made the directory meanwhile: the files move into it one by one.
    {
        TemporaryDirectory staged(target);
        staged.write("a.html", "second");
        staged.write("c.html", "third");
        std::filesystem::create_directory(dir.path() / "elsewhere");
        staged.commit();
    }
    EXPECT_EQ(test::read_file(target / "a.html"), "second");
    EXPECT_EQ(test::read_file(target / "b.html").size(), 100000u);
    EXPECT_EQ(test::read_file(target / "c.html"), "third");
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 2);
}

TEST(AtomicFile, StaleTemporaryDirectoriesOfGoneWritersAreRemovedLiveOnesKept) {
    test::TempDir dir;
    const std::string dead = std::to_string(gone_pid());
    const auto stale = dir.path() / (".tracks.tmp-" + dead + "-AbCdEf");
    std::filesystem::create_directories(stale / "inner");
    std::ofstream(stale / "x.html") << "half";
    std::ofstream(stale / "inner" / "y.html") << "half";
    const auto locked = dir.path() / (".playlists.tmp-" + dead + "-AbCdEf");
    std::filesystem::create_directory(locked);
    const int held = open(locked.c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_EQ(flock(held, LOCK_EX), 0);
    TemporaryDirectory writing(dir.path() / "tracks"); // being written by this process
    writing.write("z.html", "mine");
    // A link to a directory elsewhere is not followed.
    const auto outside = dir.path() / "outside";
    std::filesystem::create_directory(outside);
    std::ofstream(outside / "keep.html") << "keep";
    std::filesystem::create_directory_symlink(outside,
                                              dir.path() / (".tracks.tmp-" + dead + "-ZyXwVu"));

    remove_stale_temporaries(dir.path(), [](std::string_view target) {
        return target == "tracks" || target == "playlists";
    });
    EXPECT_FALSE(std::filesystem::exists(stale));
    EXPECT_TRUE(std::filesystem::exists(locked));
    EXPECT_TRUE(std::filesystem::exists(writing.temporary_path() / "z.html"));
    EXPECT_EQ(test::read_file(outside / "keep.html"), "keep");
    close(held);
}

TEST(FileNames, IdsAndHandMadeNamesAreSafeHostileOnesAreNot) {
    EXPECT_TRUE(is_safe_file_name("37i9dQZF1DXcBWIGoYBM5M"));
    EXPECT_TRUE(is_safe_file_name("The Other List")); // a hand-made file of the real archive
    EXPECT_TRUE(is_safe_file_name("Café del Mar"));
    EXPECT_TRUE(is_safe_file_name("https:"));
    EXPECT_TRUE(is_safe_file_name(std::string(200, 'a')));
    EXPECT_FALSE(is_safe_file_name(".."));
    EXPECT_FALSE(is_safe_file_name("."));
    EXPECT_FALSE(is_safe_file_name(".hidden"));
    EXPECT_FALSE(is_safe_file_name("-rf"));
    EXPECT_FALSE(is_safe_file_name("a/b"));
    EXPECT_FALSE(is_safe_file_name("../../etc/passwd"));
    EXPECT_FALSE(is_safe_file_name("a\\b"));
    EXPECT_FALSE(is_safe_file_name(""));
    EXPECT_FALSE(is_safe_file_name("bell\a"));
    EXPECT_FALSE(is_safe_file_name("line\nbreak"));
    EXPECT_FALSE(is_safe_file_name("esc\x1b[31m"));
    EXPECT_FALSE(is_safe_file_name("del\x7f"));
    EXPECT_FALSE(is_safe_file_name("bad \xff utf8"));
    EXPECT_FALSE(is_safe_file_name(std::string(201, 'a')));
}

} // namespace
} // namespace gh

namespace gh {
namespace {

TEST(Terminal, ControlCharactersAreEscaped) {
    EXPECT_EQ(escape_control("a\x1b[31mb\x07"), "a\\x1b[31mb\\x07");
    EXPECT_EQ(escape_control("one\ntwo"), "one\\x0atwo");
    EXPECT_EQ(escape_control("one\ntwo", true), "one\ntwo");
    EXPECT_EQ(escape_control("Beyoncé \x7f"), "Beyoncé \\x7f");
}

TEST(Terminal, ColouredOnlyWhenEnabled) {
    EXPECT_EQ(colored("+ a", "32", true), "\033[32m+ a\033[0m");
    EXPECT_EQ(colored("+ a", "32", false), "+ a");
}

} // namespace
} // namespace gh

namespace gh {
namespace {

TEST(TextIndex, FindsEveryTextInsertedAndNothingElse) {
    // Enough texts to grow the table many times, with colliding hashes forced in half of
    // them (the index must compare texts, not trust hashes).
    TextArena arena;
    std::vector<std::string_view> texts;
    TextIndex index;
    const auto text_of = [&](std::uint32_t value) { return texts[value]; };
    const auto hash_of = [](std::string_view text, std::uint32_t i) {
        return i % 2 ? hash_text(text) : std::uint64_t{42};
    };
    for (std::uint32_t i = 0; i < 5000; ++i) {
        const std::string text = "line " + std::to_string(i) + " -- artist -- album";
        ASSERT_FALSE(index.find(text, hash_of(text, i), text_of));
        texts.push_back(arena.copy(text));
        index.insert(hash_of(text, i), i);
    }
    EXPECT_EQ(index.size(), 5000u);
    for (std::uint32_t i = 0; i < 5000; ++i) {
        const std::string text = "line " + std::to_string(i) + " -- artist -- album";
        EXPECT_EQ(texts[i], text); // the arena's copies never moved
        EXPECT_EQ(index.find(text, hash_of(text, i), text_of), i);
    }
    EXPECT_FALSE(index.find("line 5000 -- artist -- album", 42, text_of));
    index.clear();
    EXPECT_FALSE(index.find(texts[1], hash_text(texts[1]), text_of));
}

TEST(TextIndex, HashesDependOnEveryByte) {
    const std::string base(37, 'a');
    std::set<std::uint64_t> hashes{hash_text(base)};
    for (std::size_t i = 0; i < base.size(); ++i) {
        std::string changed = base;
        changed[i] = 'b';
        hashes.insert(hash_text(changed));
    }
    hashes.insert(hash_text(base.substr(0, 36)));
    hashes.insert(hash_text(""));
    EXPECT_EQ(hashes.size(), base.size() + 3);
}

TEST(ParseNumber, TakesAllOfTheTextOrNothing) {
    std::uint32_t value = 7;
    EXPECT_TRUE(parse_number("0", value));
    EXPECT_EQ(value, 0u);
    EXPECT_TRUE(parse_number("4294967295", value));
    EXPECT_EQ(value, 4294967295u);
    for (const std::string_view bad : {"", "4294967296", "-1", "+1", " 1", "1 ", "12x", "0x1"}) {
        EXPECT_FALSE(parse_number(bad, value)) << "'" << bad << "'";
    }
    std::int64_t signed_value = 0;
    EXPECT_TRUE(parse_number("-5", signed_value));
    EXPECT_EQ(signed_value, -5);
}

} // namespace
} // namespace gh
