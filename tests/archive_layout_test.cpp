// `cumulative --layout archive`: the archive's own cumulative files rebuilt from history,
// against the files an emulated bot wrote day by day from its own playlists (never from
// git), byte for byte.

#include "commands/command.hpp"
#include "engine/archive_layout.hpp"
#include "pretty/pretty_view.hpp"
#include "support/repo.hpp"
#include "synth/generator.hpp"
#include "writers/archive_layout.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

namespace gh {
namespace {

/// The files of `dir` by name.
std::map<std::string, std::string> files_of(const std::filesystem::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        files.emplace(entry.path().filename().string(), test::read_file(entry.path()));
    }
    return files;
}

/// The bot's cumulative files as committed at `rev`, read with git itself.
std::map<std::string, std::string> bot_files(const std::filesystem::path& repo,
                                             const std::string& rev, const test::TempDir& dir) {
    const auto out = dir.path() / ("bot-" + rev);
    std::filesystem::create_directories(out);
    test::run("git -C " + test::shell_quote(repo.string()) + " archive " + rev +
              " playlists/cumulative | tar -x -C " + test::shell_quote(out.string()));
    return files_of(out / "playlists" / "cumulative");
}

/// Runs `cumulative --layout archive` into a fresh directory; its files.
std::map<std::string, std::string> archive_layout(const std::filesystem::path& repo,
                                                  const test::TempDir& dir,
                                                  std::vector<std::string> extra) {
    static int runs = 0;
    const auto out = dir.path() / ("out-" + std::to_string(++runs));
    std::vector<std::string> args = {"cumulative", "--repo", repo.string(), "--layout",
                                     "archive",    "--out",  out.string(),  "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto [code, output] = test::run_command(args);
    EXPECT_EQ(code, ExitCode::ok);
    EXPECT_EQ(output, "");
    return files_of(out);
}

/// Where two sets of files first differ, for a failure message.
std::string first_difference(const std::map<std::string, std::string>& expected,
                             const std::map<std::string, std::string>& actual) {
    for (const auto& [name, content] : expected) {
        const auto found = actual.find(name);
        if (found == actual.end()) {
            return "missing " + name;
        }
        if (found->second != content) {
            std::size_t at = 0;
            while (at < content.size() && at < found->second.size() &&
                   content[at] == found->second[at]) {
                ++at;
            }
            const std::size_t from =
                content.rfind('\n', at) == std::string::npos ? 0 : content.rfind('\n', at) + 1;
            return name + " differs at byte " + std::to_string(at) +
                   ":\n  bot: " + content.substr(from, at - from + 80) +
                   "\n  ours: " + found->second.substr(from, at - from + 80);
        }
    }
    for (const auto& [name, content] : actual) {
        if (!expected.contains(name)) {
            return "extra " + name;
        }
    }
    return "";
}

/// How many of the archive's name tables were fed by more than one playlist id.
std::size_t tables_fed_by_several_ids(const std::filesystem::path& repo) {
    engine::Options options;
    options.repo = repo.string();
    options.links = true;
    options.quiet = true;
    options.use_cache = false;
    engine::Analysis analysis = engine::analyse(options);
    bool complete = true;
    auto built = engine::build_tables(analysis, options, complete);
    const auto named =
        engine::name_tables(analysis, engine::tables_at_tip(std::move(built), analysis));
    return static_cast<std::size_t>(std::count_if(
        named.begin(), named.end(), [](const auto& table) { return table.ids.size() > 1; }));
}

#ifdef __SANITIZE_ADDRESS__
constexpr std::uint64_t k_archives = 8;
#else
constexpr std::uint64_t k_archives = 40;
#endif

/// Generated archives of `era`, each compared with the files its bot wrote, without the
/// cache, with a cache filled at an earlier revision, and with the cache as it is.
void expect_the_bots_files(synth::Era era, std::size_t& files, std::size_t& continued) {
    for (std::uint64_t seed = 1; seed <= k_archives; ++seed) {
        test::TempDir dir;
        synth::GeneratorOptions generate;
        generate.seed = seed;
        generate.playlists = 3 + static_cast<int>(seed % 6);
        generate.days = 20 + static_cast<int>(seed * 7 % 50);
        generate.tracks = 4 + static_cast<int>(seed * 5 % 30);
        generate.quirks = seed % 4 != 0;
        generate.era = era;
        generate.github = seed % 2 ? "example/playlist-archive" : "some-one/a.fork_of-it";
        const auto repo = dir.path() / "archive";
        synth::generate_archive(repo, generate);
        SCOPED_TRACE("seed " + std::to_string(seed));

        const auto expected = bot_files(repo, "HEAD", dir);
        ASSERT_FALSE(expected.empty());
        files += expected.size();
        // The GitHub name from the origin remote, or given.
        const auto without_cache = archive_layout(repo, dir, {"--no-cache"});
        EXPECT_EQ(first_difference(expected, without_cache), "");
        EXPECT_EQ(archive_layout(repo, dir, {"--no-cache", "--github", generate.github}),
                  without_cache);
        // The cache, filled at an earlier revision and continued to the tip.
        const auto earlier = archive_layout(repo, dir, {"--rev", "HEAD~6"});
        EXPECT_EQ(first_difference(bot_files(repo, "HEAD~6", dir), earlier), "");
        EXPECT_EQ(first_difference(expected, archive_layout(repo, dir, {})), "");
        EXPECT_EQ(first_difference(expected, archive_layout(repo, dir, {})), "") << "cache as is";
        // A damaged cache is said and not used: the files are the same.
        for (const auto& entry :
             std::filesystem::directory_iterator(repo / ".git" / "gh-analyze")) {
            if (entry.path().extension() == ".cache") {
                std::string bytes = test::read_file(entry.path());
                bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5a);
                std::ofstream(entry.path(), std::ios::binary | std::ios::trunc) << bytes;
            }
        }
        EXPECT_EQ(first_difference(expected, archive_layout(repo, dir, {})), "") << "damaged";
        if (generate.quirks && era == synth::Era::y2021) {
            continued += tables_fed_by_several_ids(repo);
        }
    }
}

TEST(Differential, ArchiveLayoutIsTheFilesThe2021BotWrote) {
    std::size_t files = 0;
    std::size_t continued = 0;
    expect_the_bots_files(synth::Era::y2021, files, continued);
    // The archives had tables that continued from one playlist id to another.
    EXPECT_GT(continued, k_archives / 4);
    EXPECT_GT(files, k_archives * 3);
}

TEST(Differential, ArchiveLayoutIsTheFilesTheCurrentBotWrote) {
    std::size_t files = 0;
    std::size_t continued = 0;
    expect_the_bots_files(synth::Era::current, files, continued);
    EXPECT_GT(files, k_archives * 6); // an .md and a .json per playlist
}

/// The real current-era files in fixtures/bot: the pretty JSON of a playlist first scraped
/// on 2023-05-23, taken in as one scrape, renders its real cumulative markdown (but for the
/// one length that changed between the two commits) and its real cumulative JSON.
TEST(ArchiveLayout, TheRealCurrentEraFilesFromTheirPrettyJson) {
    const auto fixtures = test::source_dir() / "fixtures" / "bot";
    const std::string json = test::read_file(fixtures / "pretty-0DGFHitamINEEhQGIJbisL.json");
    pretty::View view;
    view.parse(json, pretty::Form::json);
    ASSERT_TRUE(view.read_json());
    tables::CurrentEraTable table;
    table.apply("2023-05-23", view);
    ASSERT_EQ(table.rows.size(), 30u);
    const writers::ArchiveLinks links{"playlists/plain", "playlists/pretty",
                                      "mackorone/spotify-playlist-archive"};
    std::string expected = test::read_file(fixtures / "cumulative-0DGFHitamINEEhQGIJbisL.md");
    const std::string earlier = "[New Skin For The Old Ceremony](https://open.spotify.com/album/"
                                "6LXadMatlf17dDrWzJO9eL) | 3:04 |";
    ASSERT_NE(expected.find(earlier), std::string::npos);
    expected.replace(expected.find(earlier) + earlier.size() - 6, 4, "2:59");
    EXPECT_EQ(writers::render_archive_current_markdown("0DGFHitamINEEhQGIJbisL", table, links),
              expected);

    // The real cumulative JSON's three tracks, as they are in ours.
    const auto excerpt = nlohmann::json::parse(
        test::read_file(fixtures / "cumulative-0DGFHitamINEEhQGIJbisL.excerpt.json"));
    const auto ours = nlohmann::json::parse(
        writers::render_archive_current_json("0DGFHitamINEEhQGIJbisL", table));
    for (const auto& field : {"date_first_scraped", "description", "name", "url"}) {
        EXPECT_EQ(ours[field], excerpt[field]) << field;
    }
    ASSERT_EQ(excerpt["tracks"].size(), 3u);
    for (const auto& track : excerpt["tracks"]) {
        const auto same = std::find(ours["tracks"].begin(), ours["tracks"].end(), track);
        EXPECT_NE(same, ours["tracks"].end()) << track.dump();
    }
    // And as Python's json.dumps writes it: the excerpt's bytes are in ours.
    const std::string ours_text =
        writers::render_archive_current_json("0DGFHitamINEEhQGIJbisL", table);
    const std::string first_track =
        test::read_file(fixtures / "cumulative-0DGFHitamINEEhQGIJbisL.excerpt.json");
    const auto begin = first_track.find("    {\n      \"album\"");
    const auto end = first_track.find("\n    }", begin);
    ASSERT_NE(end, std::string::npos);
    EXPECT_NE(ours_text.find(first_track.substr(begin, end - begin)), std::string::npos);
    EXPECT_TRUE(ours_text.ends_with("}\n"));
}

TEST(ArchiveLayout, TheCurrentErasEscapingAndSummary) {
    EXPECT_EQ(writers::escape_archive_markdown("a\\b. c#(d)[e]-f*g_h`i|j~k"),
              "a\\\\b\\. c\\#\\(d\\)\\[e\\]\\-f\\*g\\_h\\`i\\|j\\~k");
    EXPECT_EQ(writers::escape_archive_markdown("&#x2F;&amp;"), "&\\#x2F;&amp;");
    EXPECT_EQ(writers::escape_archive_markdown("1. 2.3"), "1\\. 2.3");
    EXPECT_EQ(writers::archive_summary(0, 0), "0 song - 0 sec");
    EXPECT_EQ(writers::archive_summary(1, 59'999), "1 song - 59 sec");
    EXPECT_EQ(writers::archive_summary(8, (29 * 60 + 53) * 1000), "8 songs - 29 min 53 sec");
    EXPECT_EQ(writers::archive_summary(30, (2 * 3600 + 4 * 60 + 7) * 1000),
              "30 songs - 2 hr 4 min");
    EXPECT_EQ(writers::archive_summary(3433, (8 * 86400 + 21 * 60) * 1000ULL),
              "3,433 songs - 8 day 0 hr 21 min");
    EXPECT_EQ(writers::length_current(45'000), "0:45");
    EXPECT_EQ(writers::length_current(3'723'000), "1:02:03");
}

TEST(ArchiveLayout, LengthsAsThe2021GeneratorWroteThem) {
    EXPECT_EQ(writers::length_2021(235'000), "3:55");
    EXPECT_EQ(writers::length_2021(45'900), "45");
    EXPECT_EQ(writers::length_2021(5'000), "5");
    EXPECT_EQ(writers::length_2021(600'000), "10:00");
    EXPECT_EQ(writers::length_2021(3'600'000), "1:00:00");
    EXPECT_EQ(writers::length_2021(36'061'000), "10:01:01");
    EXPECT_EQ(writers::length_2021(999), "");
}

TEST(ArchiveLayout, GitHubNames) {
    EXPECT_EQ(engine::parse_github_name("mackorone/spotify-playlist-archive"),
              "mackorone/spotify-playlist-archive");
    EXPECT_EQ(engine::parse_github_name("a.b_c-d/e.f"), "a.b_c-d/e.f");
    for (const char* bad : {"", "owner", "owner/", "/repo", "a/b/c", "../repo", "a/..",
                            "own er/repo", "owner/re\npo", "owner/repo?x=1"}) {
        EXPECT_EQ(engine::parse_github_name(bad), std::nullopt) << bad;
    }
}

/// The error a gh-analyze command (its name, then its arguments) fails with; none if it
/// does not fail.
std::optional<Error> command_error(const std::vector<std::string>& args) {
    testing::internal::CaptureStdout();
    std::optional<Error> failed;
    try {
        commands::find_command(args.front())->run({args.begin() + 1, args.end()});
    } catch (const Error& error) {
        failed = error;
    }
    EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
    return failed;
}

/// A small 2021-era archive whose origin remote is `origin` (none when empty).
std::filesystem::path small_archive(const test::TempDir& dir, const std::string& origin,
                                    std::optional<synth::Era> era = synth::Era::y2021) {
    synth::GeneratorOptions generate;
    generate.playlists = 2;
    generate.days = 5;
    generate.tracks = 3;
    generate.era = era;
    const auto repo = dir.path() / "archive";
    synth::generate_archive(repo, generate);
    const std::string q = test::shell_quote(repo.string());
    test::run("git -C " + q + " remote remove origin 2>/dev/null || true");
    if (!origin.empty()) {
        test::run("git -C " + q + " remote add origin " + test::shell_quote(origin));
    }
    return repo;
}

TEST(ArchiveLayout, TheGitHubNameComesFromTheOriginRemoteOrIsAUsageError) {
    for (const auto& [origin, expected] : std::vector<std::pair<std::string, std::string>>{
             {"https://github.com/owner/repo.git", "owner/repo"},
             {"git@github.com:owner/repo.git", "owner/repo"},
             {"ssh://git@github.com/owner/repo", "owner/repo"},
             {"https://github.com/owner/repo/", "owner/repo"}}) {
        test::TempDir dir;
        const auto repo = small_archive(dir, origin);
        const auto files = archive_layout(repo, dir, {});
        ASSERT_FALSE(files.empty());
        EXPECT_NE(files.begin()->second.find("https://github.githistory.xyz/" + expected +
                                             "/blob/main/playlists/plain/"),
                  std::string::npos)
            << origin;
    }
    for (const std::string origin : {"", "https://gitlab.com/owner/repo.git"}) {
        test::TempDir dir;
        const auto repo = small_archive(dir, origin);
        const auto error = command_error({"cumulative", "--repo", repo.string(), "--layout",
                                          "archive", "--out", (dir.path() / "out").string(), "-q"});
        ASSERT_TRUE(error) << "no usage error without a GitHub name, origin " << origin;
        EXPECT_EQ(error->code(), ExitCode::usage);
        EXPECT_NE(std::string(error->what()).find("--github OWNER/REPO"), std::string::npos)
            << error->what();
        EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
    }
}

TEST(ArchiveLayout, UsageErrors) {
    test::TempDir dir;
    const auto repo = small_archive(dir, "https://github.com/owner/repo");
    const std::string out = (dir.path() / "out").string();
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--layout", "archive"},
             {"--layout", "archive", "--out", out, "--format", "csv"},
             {"--layout", "archive", "--out", out, "--no-links"},
             {"--layout", "archive", "--out", out, "--github", "not a name"},
             {"--layout", "archives", "--out", out},
             {"--keep-existing", "--out", out},
             {"--layout", "archive", "--out", out, "--key", "title-artists"},
             {"--layout", "archive", "--out", out, "--follow-renames"}}) {
        std::vector<std::string> full = {"cumulative", "--repo", repo.string(), "-q"};
        full.insert(full.end(), args.begin(), args.end());
        const auto error = command_error(full);
        ASSERT_TRUE(error) << "no usage error for " << args.back();
        EXPECT_EQ(error->code(), ExitCode::usage) << error->what();
    }
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(ArchiveLayout, AnArchiveWithoutPrettyViewsIsAnErrorNamingTheirDirectory) {
    test::TempDir dir;
    const auto repo = small_archive(dir, "https://github.com/owner/repo", std::nullopt);
    const auto error = command_error({"cumulative", "--repo", repo.string(), "--layout", "archive",
                                      "--out", (dir.path() / "out").string(), "-q"});
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code(), ExitCode::data);
    EXPECT_NE(std::string(error->what()).find("playlists/pretty"), std::string::npos)
        << error->what();
}

} // namespace
} // namespace gh

namespace gh {
namespace {

/// (title, added, removed) of every row of a 2021 bot's cumulative file.
std::multiset<std::tuple<std::string, std::string, std::string>>
bot_rows(const std::string& markdown) {
    std::multiset<std::tuple<std::string, std::string, std::string>> rows;
    for (const auto& line : test::lines_of(markdown)) {
        // `| title | artists | album | length | added | removed |`, a title linked to its
        // track (nothing is escaped, so a title may hold " | " itself: the dates are read
        // from the end, the title from its link).
        if (!line.starts_with("| ") || !line.ends_with(" |") || line.starts_with("| Title") ||
            line.size() < 20) {
            continue;
        }
        const auto removed_at = line.rfind(" | ", line.size() - 3);
        const auto added_at = line.rfind(" | ", removed_at - 1);
        const std::string added = line.substr(added_at + 3, removed_at - added_at - 3);
        const std::string removed = line.substr(removed_at + 3, line.size() - 2 - removed_at - 3);
        if (added.size() != 10) {
            continue;
        }
        const auto link = line.find("](https://open.spotify.com/track/");
        const std::string title = line.starts_with("| [") && link != std::string::npos
                                      ? line.substr(3, link - 3)
                                      : line.substr(2, line.find(" | ") - 2);
        rows.emplace(title, added, removed);
    }
    return rows;
}

// A replaced id's table continued as its successor's is the table the 2019-2021 bot kept
// for the name they shared, row for row.
TEST(Differential, AFollowedTableIsTheBotsTableOfItsName) {
    std::size_t compared = 0;
    for (std::uint64_t seed = 1; seed <= k_archives; ++seed) {
        test::TempDir dir;
        synth::GeneratorOptions generate;
        generate.seed = seed;
        generate.playlists = 4 + static_cast<int>(seed % 5);
        generate.days = 30 + static_cast<int>(seed * 7 % 40);
        generate.tracks = 6 + static_cast<int>(seed * 5 % 20);
        generate.quirks = true;
        generate.era = synth::Era::y2021;
        const auto repo = dir.path() / "archive";
        synth::generate_archive(repo, generate);
        SCOPED_TRACE("seed " + std::to_string(seed));
        const auto bot = bot_files(repo, "HEAD", dir);

        engine::Options options;
        options.repo = repo.string();
        options.quiet = true;
        options.use_cache = false;
        options.links = true; // titles as the views split them, as the bot's are
        engine::Analysis analysis = engine::analyse(options);
        bool complete = true;
        auto tables =
            engine::tables_at_tip(engine::build_tables(analysis, options, complete), analysis);
        std::map<std::string, std::size_t> names_of;
        std::map<std::string, std::set<std::string>> carriers; // of each name
        std::vector<const tables::PlaylistTable*> all;
        for (const auto& table : tables) {
            names_of[table.id] = table.names.size();
            for (const auto& change : table.names) {
                carriers[change.name].insert(table.id);
            }
            all.push_back(&table);
        }
        const auto changes = engine::detect_id_changes(analysis, all);
        const auto followed = engine::follow_id_changes(analysis, tables, changes, true);
        for (const auto& table : followed) {
            if (table.former_ids.empty()) {
                continue;
            }
            // Only chains whose playlists never had another name, and whose name no other
            // playlist had: the bot's name table is then theirs alone.
            bool one_name = names_of.at(table.id) == 1;
            std::set<std::string> chain = {table.id};
            for (const auto& id : table.former_ids) {
                one_name = one_name && names_of.at(id) == 1;
                chain.insert(id);
            }
            one_name = one_name && carriers[table.name] == chain;
            const auto file = bot.find(table.name + ".md");
            if (!one_name || file == bot.end()) {
                continue;
            }
            std::multiset<std::tuple<std::string, std::string, std::string>> ours;
            for (const auto& row : table.rows) {
                ours.emplace(std::string(row.title), analysis.labels.dates.at(row.added),
                             row.removed ? analysis.labels.dates.at(*row.removed) : "");
            }
            EXPECT_EQ(ours, bot_rows(file->second)) << table.name;
            ++compared;
        }
    }
    EXPECT_GT(compared, k_archives / 2);
}

TEST(FollowRenames, TheCommandListsFormerIdsAndTheExportTheChanges) {
    test::TempDir dir;
    synth::GeneratorOptions generate;
    generate.seed = 3;
    generate.playlists = 8;
    generate.days = 60;
    generate.quirks = true;
    generate.era = synth::Era::y2021;
    const auto repo = dir.path() / "archive";
    synth::generate_archive(repo, generate);
    const auto [code, text] = test::run_command(
        {"cumulative", "--repo", repo.string(), "-q", "--follow-renames", "--format", "json"});
    ASSERT_EQ(code, ExitCode::ok);
    const auto followed = nlohmann::json::parse(text);
    const auto [plain_code, plain_text] =
        test::run_command({"cumulative", "--repo", repo.string(), "-q", "--format", "json"});
    const auto per_id = nlohmann::json::parse(plain_text);
    std::vector<std::string> former;
    for (const auto& table : followed) {
        for (const auto& id : table.value("former_ids", nlohmann::json::array())) {
            former.push_back(id.get<std::string>());
        }
        EXPECT_EQ(table.contains("former_ids"),
                  !table.value("former_ids", nlohmann::json::array()).empty());
    }
    ASSERT_FALSE(former.empty());
    // A former id's table is part of its successor's, not on its own.
    EXPECT_EQ(followed.size() + former.size(), per_id.size());
    // Without --follow-renames, no table lists former ids.
    for (const auto& table : per_id) {
        EXPECT_FALSE(table.contains("former_ids"));
    }
    // Asked for by its former id, the continued table is given.
    const auto [one_code, one] =
        test::run_command({"cumulative", "--repo", repo.string(), "-q", "--follow-renames",
                           "--format", "json", "--playlist", former.front()});
    const auto selected = nlohmann::json::parse(one);
    ASSERT_TRUE(selected.is_object()) << one;
    EXPECT_EQ(selected["former_ids"].front(), former.front());

    // The export's id_changes table has one row per change.
    const auto csv = dir.path() / "csv";
    ASSERT_EQ(
        test::run_command({"export", "--repo", repo.string(), "-q", "--csv", csv.string()}).first,
        ExitCode::ok);
    const auto lines = test::lines_of(test::read_file(csv / "id_changes.csv"));
    ASSERT_EQ(lines.size(), former.size() + 1);
    EXPECT_EQ(lines.front(), "old_id,new_id,name,deleted_commit,deleted_date,appeared_commit,"
                             "appeared_date\r");
    for (const auto& id : former) {
        EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
            return line.starts_with(id + ",");
        })) << id;
    }
}

} // namespace
} // namespace gh

namespace gh {
namespace {

// History cut short (a graft makes a later commit the first): the files the bot wrote at
// the tip know rows and dates from before the cut. --keep-existing gives them back, so the
// files equal the bot's again; without it they do not.
TEST(Differential, KeepExistingGivesBackWhatHistoryBeforeACutKnew) {
    for (const auto era : {synth::Era::y2021, synth::Era::current}) {
        std::size_t differing_without = 0;
        for (std::uint64_t seed = 1; seed <= k_archives / 4; ++seed) {
            test::TempDir dir;
            synth::GeneratorOptions generate;
            generate.seed = seed;
            generate.playlists = 6;
            generate.days = 50;
            generate.quirks = true;
            generate.era = era;
            const auto repo = dir.path() / "archive";
            synth::generate_archive(repo, generate);
            const std::string q = test::shell_quote(repo.string());
            test::run("git -C " + q + " replace --graft $(git -C " + q + " rev-parse HEAD~20)");
            SCOPED_TRACE("seed " + std::to_string(seed) + " era " +
                         std::to_string(static_cast<int>(era)));
            const auto bot = bot_files(repo, "HEAD", dir);
            const auto kept = archive_layout(repo, dir, {"--keep-existing", "--no-cache"});
            // Every file, those of playlists history does not know at all included.
            EXPECT_EQ(first_difference(bot, kept), "");
            for (const auto& [name, content] : archive_layout(repo, dir, {"--no-cache"})) {
                differing_without += bot.at(name) != content;
            }
        }
        EXPECT_GT(differing_without, 0u);
    }
}

TEST(ArchiveLayout, ExistingRowsAreKeyedByTheirLinesWithBracketsAndPipes) {
    const std::string file =
        "[pretty](/playlists/pretty/X.md) - cumulative - [plain](/playlists/plain/id) "
        "([githistory](https://github.githistory.xyz/o/r/blob/main/playlists/plain/id))\n\n"
        "### [X](https://open.spotify.com/playlist/id)\n\n> \n\n"
        "| Title | Artist(s) | Album | Length | Added | Removed |\n|---|---|---|---|---|---|\n"
        "| [7/11](https://open.spotify.com/track/a) | [Beyoncé](https://open.spotify.com/artist/b)"
        " | [BEYONCÉ [Platinum Edition]](https://open.spotify.com/album/c) | 3:33 | 2020-01-31 |  "
        "|\n"
        "| [Pipe | Dream](https://open.spotify.com/track/d) | [The | Band](https://open.spotify."
        "com/artist/e), [Tyler, The Creator](https://open.spotify.com/artist/f) | [A|B](https://"
        "open.spotify.com/album/g) | 45 | 2019-06-01 | 2019-07-01 |\n"
        "| Local | Someone | Tape |  | 2019-05-30 |  |";
    const auto rows = writers::parse_archive_2021_rows(file);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows.at("7/11 -- beyoncé -- beyoncé [platinum edition]").added, "2020-01-31");
    EXPECT_EQ(rows.at("pipe | dream -- the | band, tyler, the creator -- a|b").added, "2019-06-01");
    EXPECT_EQ(rows.at("local -- someone -- tape").line,
              "| Local | Someone | Tape |  | 2019-05-30 |  |");
}

} // namespace
} // namespace gh

namespace gh {
namespace {

// Playlist files whose names are shorter than a string's own storage (hand-made ones): the
// name tables are built whatever the ids' lengths.
TEST(ArchiveLayout, PlaylistsWithShortFileNames) {
    test::TempDir dir;
    const auto repo = dir.path() / "repo";
    std::filesystem::create_directories(repo / "playlists" / "plain");
    std::filesystem::create_directories(repo / "playlists" / "pretty");
    const std::string q = test::shell_quote(repo.string());
    test::run("git -C " + q + " init -q -b main");
    const std::vector<std::pair<std::string, std::string>> files = {
        {"0AAAAAAAAAAAAAAAAAAAAA", "Bbb"}, {"5short", "Aaa"}, {"9ZZZZZZZZZZZZZZZZZZZZZ", "Ccc"}};
    for (const auto& [id, name] : files) {
        std::ofstream(repo / "playlists" / "plain" / id) << name << "\n\nT -- A -- B";
    }
    std::ofstream(repo / "playlists" / "pretty" / "Aaa.md")
        << "pretty - [plain](/playlists/plain/5short)\n\n|---|\n";
    test::run("cd " + q +
              " && git add -A && git -c user.name=a -c user.email=a@b commit -q -m day");
    const auto written = archive_layout(repo, dir, {"--github", "o/r", "--no-cache"});
    EXPECT_EQ(written.size(), 3u);
    EXPECT_TRUE(written.contains("Aaa.md"));
    EXPECT_NE(written.at("Aaa.md").find("[plain](/playlists/plain/5short)"), std::string::npos);
}

} // namespace
} // namespace gh
