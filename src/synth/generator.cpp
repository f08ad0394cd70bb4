#include "synth/generator.hpp"

#include "plain/track_key.hpp"
#include "synth/archive_writer.hpp"
#include "util/calendar.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <set>

namespace gh::synth {

std::uint64_t Random::next() {
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

namespace {

constexpr std::array<std::string_view, 32> k_words{
    "Love",  "Night",  "Summer", "Fire",   "Heart", "Dream", "Blue",    "Gold",
    "River", "Dance",  "Rain",   "Light",  "Wild",  "Home",  "Stars",   "Ocean",
    "Bad",   "Sweet",  "Young",  "Ghost",  "Paper", "Glass", "Echo",    "Storm",
    "Slow",  "Silver", "Neon",   "Velvet", "Sugar", "Magic", "Gravity", "Thunder"};

constexpr std::array<std::string_view, 16> k_artists{
    "MAX",          "Whethan",      "Coleman Hell", "Beyoncé",     "Tyler, The Creator", "ZAYN",
    "Elina",        "Said the Sky", "Neon Dreams",  "KangHyeWon",  "Sigur Rós",          "ΣΩΣ Band",
    "İlkay Akkaya", "<MISSING>",    "Jax Jones",    "Madison Beer"};

/// Tracks (title, artist or none, album) whose lines real archives contain and that break
/// naive tools.
constexpr std::array<std::array<std::string_view, 3>, 10> k_awkward_tracks{
    {{"7/11", "Beyoncé", "BEYONCÉ [Platinum Edition]"},
     {"Pipe | Dream", "The | Band", "A|B"},
     {"<script>alert(1)</script>", "Hacker", "<b>Bold</b>"},
     {"+Plus Start", "=Equals", "-Minus"},
     {"Bell\x07Title", "Control", "Chars"},
     {"-- ・ -・・", "Morse", "-- Leading Dashes"},
     {"ΟΔΟΣ", "ΣΩΣ Band", "ΤΕΛΟΣ"},
     {"İstanbul", "İlkay Akkaya", "İSTANBUL"},
     {"Empty Fields", "", ""},
     {"Three -- Separators", "Album", "Extra"}}};

/// A track whose names hold every character the current era escapes (with an era only,
/// so that archives without one stay as they were).
constexpr std::array<std::string_view, 3> k_escaped_track{
    "Under_score ~Tilde~ #1 `Code` *Star* \\Back", "Dot. Dash-", "[Brackets] (Parens) | Pipe"};

Track awkward_track(const std::array<std::string_view, 3>& names) {
    const auto& [title, artist, album] = names;
    Track track;
    track.title = title;
    track.album = album;
    if (!artist.empty()) {
        track.artists.emplace_back(artist);
    }
    return track;
}

std::string playlist_id(Random& random) {
    return "37i9dQZF1D" + base62(random, 12);
}

/// `YYYY-MM-DD HH:MM:SS` (UTC), as Spotify's `added_at`.
std::string time_text(std::int64_t time) {
    return fmt::format("{} {:02}:{:02}:{:02}", format_day(static_cast<std::int32_t>(time / 86400)),
                       time % 86400 / 3600, time % 3600 / 60, time % 60);
}

/// A track in a playlist, and when Spotify says it was added there.
struct Entry {
    Entry(Track given) : track(std::move(given)) {}

    Track track;
    std::optional<std::int64_t> added_at; ///< null for some: Spotify does not always know
    bool dated = false; ///< `added_at` is settled when the bot first scrapes the entry
};

struct PlaylistModel {
    std::string id;
    std::string name;
    std::string description; ///< may span lines
    /// In playlist order (the plain file sorts them): a replacement takes its place.
    std::vector<Entry> tracks;
    std::vector<Track> removed; ///< candidates for re-adding
    bool present = true;
    bool empty_file = false; ///< registered but not scraped yet
    bool scraped = false;    ///< the bot has scraped it once
    /// Bumped by every change, so that an unchanged playlist's blob is not written again.
    std::uint64_t revision = 0;
    /// Bumped when Spotify corrects a track's length: the bot scrapes the playlist again and
    /// only its pretty view changes, not its plain file.
    std::uint64_t corrections = 0;
    std::optional<std::pair<std::uint64_t, git_oid>> written;
};

class Generator {
  public:
    Generator(const std::filesystem::path& path, const GeneratorOptions& options)
        : m_options(options), m_random(options.seed), m_bot_random(options.seed ^ k_bot_stream),
          m_writer(path, options.dir), m_final_newline(options.era == Era::current) {
        if (options.era) {
            m_bot = make_bot(*options.era, {options.github, options.dir});
        }
    }

    GeneratedArchive run() {
        create_playlists();
        for (int day = 0; day < m_options.days; ++day) {
            const std::int64_t time = m_options.start_time + std::int64_t{day} * 86400 +
                                      static_cast<std::int64_t>(m_random.below(3600));
            if (m_options.quirks && day > 0 && day % 23 == 11 && day + 5 < m_options.days) {
                day = side_branch_carrying_snapshots(day, time);
                continue;
            }
            daily_changes(day);
            std::int64_t commit_time = time;
            if (m_options.quirks && day % 17 == 9) {
                commit_time = m_last_time - 3 * 3600; // a skewed clock: older than its parent
            }
            commit_main(commit_time, fmt::format("Daily snapshot {}", day));
            if (m_options.quirks) {
                after_commit_quirks(day, time);
            }
        }
        m_writer.finish(m_head);
        if (m_options.era) {
            m_writer.add_remote("origin",
                                fmt::format("https://github.com/{}.git", m_options.github));
        }
        m_result.playlists = m_playlists.size();
        return m_result;
    }

  private:
    /// The bot's own random stream, so that an era changes nothing the generator draws.
    static constexpr std::uint64_t k_bot_stream = 0x5b07c0de5b07c0deULL;

    Track random_track() {
        Track track = random_names();
        if (m_options.era) {
            identify(track, m_options.seed);
        }
        return track;
    }

    Track random_names() {
        const auto word = [&] { return k_words[m_random.below(k_words.size())]; };
        Track track;
        track.title = word();
        if (m_random.chance(0.6)) {
            track.title += fmt::format(" {}", word());
        }
        if (m_random.chance(0.1)) {
            track.title = fmt::format("{} - {} Remix", track.title, word());
        }
        track.artists.emplace_back(k_artists[m_random.below(k_artists.size())]);
        if (m_random.chance(0.3)) {
            track.artists.emplace_back(k_artists[m_random.below(k_artists.size())]);
        }
        track.album = m_random.chance(0.5) ? track.title : fmt::format("{} {}", word(), word());
        // With quirks, each awkward line comes once first, so that every archive has all.
        if (m_options.quirks && m_awkward_given < k_awkward_tracks.size()) {
            return awkward_track(k_awkward_tracks[m_awkward_given++]);
        }
        if (m_options.quirks && m_options.era && m_awkward_given == k_awkward_tracks.size()) {
            ++m_awkward_given;
            return awkward_track(k_escaped_track);
        }
        if (m_options.quirks && m_random.chance(0.02)) {
            return awkward_track(k_awkward_tracks[m_random.below(k_awkward_tracks.size())]);
        }
        return track;
    }

    void create_playlists() {
        for (int i = 0; i < m_options.playlists; ++i) {
            PlaylistModel playlist;
            playlist.id = playlist_id(m_random);
            playlist.name = fmt::format("{} {} Mix", k_words[m_random.below(k_words.size())],
                                        k_words[m_random.below(k_words.size())]);
            playlist.description = m_random.chance(0.2)
                                       ? std::string()
                                       : fmt::format("The best {} tracks, updated daily.",
                                                     k_words[m_random.below(k_words.size())]);
            for (int t = 0; t < m_options.tracks; ++t) {
                playlist.tracks.push_back({random_track()});
            }
            m_result.changed_lines += playlist.tracks.size(); // the first version adds them all
            m_playlists.push_back(std::move(playlist));
        }
        if (m_options.quirks && m_playlists.size() >= 4) {
            m_playlists[1].description = "First line of a long description.\nSecond line.";
            m_playlists[2].description = "A description\n\nwith a blank line inside.";
            m_playlists[3].empty_file = true; // newly registered: scraped from day 1 on
            if (m_options.era && m_playlists.size() > 4) {
                // Spotify's descriptions hold HTML entities, which the current era escapes too.
                m_playlists[4].description = "Hits &amp; misses &#x2F; all day.";
            }
            if (!m_playlists[0].tracks.empty()) {
                const Entry duplicate = m_playlists[0].tracks.front();
                m_playlists[0].tracks.push_back(duplicate); // the same track twice
            }
        }
        if (m_options.era) {
            give_unique_names();
        }
    }

    /// Two playlists of one name would share their views in 2019-2021, where views are
    /// named by name; the real archive avoided that by hand.
    void give_unique_names() {
        std::set<std::string> taken;
        for (auto& playlist : m_playlists) {
            const std::string name = playlist.name;
            for (int n = 2; !taken.insert(playlist.name).second; ++n) {
                playlist.name = fmt::format("{} {}", name, n);
            }
        }
    }

    void change_playlist(PlaylistModel& playlist) {
        ++playlist.revision;
        if (playlist.tracks.empty()) {
            playlist.tracks.push_back({random_track()});
            ++m_result.changed_lines;
            return;
        }
        const auto replaced = std::max<std::size_t>(
            1, static_cast<std::size_t>(m_options.churn *
                                        static_cast<double>(playlist.tracks.size())));
        m_result.changed_lines += 2 * replaced;
        for (std::size_t i = 0; i < replaced; ++i) {
            const auto at = m_random.below(playlist.tracks.size());
            playlist.removed.push_back(playlist.tracks[at].track);
            if (!playlist.removed.empty() && m_random.chance(0.2)) {
                const auto back = m_random.below(playlist.removed.size());
                playlist.tracks[at] = {playlist.removed[back]}; // re-added after removal
            } else {
                playlist.tracks[at] = {random_track()};
            }
        }
        if (m_random.chance(0.1)) {
            playlist.tracks.push_back({random_track()});
            ++m_result.changed_lines;
        } else if (m_random.chance(0.1) && playlist.tracks.size() > 1) {
            playlist.tracks.pop_back();
            ++m_result.changed_lines;
        }
    }

    /// A playlist's tracks change; with an era, so may what Spotify says about them.
    void change(PlaylistModel& playlist) {
        change_playlist(playlist);
        if (m_options.era && !playlist.tracks.empty()) {
            drift(playlist.tracks[m_bot_random.below(playlist.tracks.size())], playlist);
        }
    }

    /// Now and then Spotify respells a track's album or corrects its length (the track, its
    /// url and its row in the current era stay the same), or gives an earlier `added_at`.
    void drift(Entry& chosen, PlaylistModel& playlist) {
        const std::string id = chosen.track.id;
        const auto roll = m_bot_random.below(10);
        if (roll == 0 && chosen.dated) {
            const std::int64_t since = chosen.added_at.value_or(m_last_time);
            chosen.added_at =
                since - static_cast<std::int64_t>(1 + m_bot_random.below(400)) * 86400;
        }
        const std::int32_t correction = static_cast<std::int32_t>(m_bot_random.below(9'000)) + 1;
        if (id.empty()) {
            return; // a local file has no identity to keep
        }
        if (roll == 1) {
            for (auto& entry : playlist.tracks) {
                if (entry.track.id == id) {
                    entry.track.album += " (Deluxe)";
                    m_result.changed_lines += 2;
                }
            }
        } else if (roll == 2) {
            correct_length(playlist, id, correction);
        }
    }

    /// Spotify corrects the length of track `id` (a local file, without one, has none to
    /// correct). On a day the playlist's tracks did not change, the archive's bot rewrote its
    /// pretty view (and the length in its cumulative table) all the same.
    void correct_length(PlaylistModel& playlist, const std::string& id, std::int32_t correction) {
        for (auto& entry : playlist.tracks) {
            if (!id.empty() && entry.track.id == id) {
                entry.track.duration_ms = std::max(30'000, entry.track.duration_ms - correction);
                ++playlist.corrections;
            }
        }
    }

    void daily_changes(int day) {
        for (auto& playlist : m_playlists) {
            if (!playlist.present) {
                continue;
            }
            if (playlist.empty_file && day > 0) {
                playlist.empty_file = false;
                ++playlist.revision;
            } else if (m_random.chance(m_options.change_rate)) {
                change(playlist);
            } else if (m_bot && !playlist.tracks.empty() && m_bot_random.chance(0.03)) {
                const std::string id =
                    playlist.tracks[m_bot_random.below(playlist.tracks.size())].track.id;
                const auto correction = static_cast<std::int32_t>(m_bot_random.below(9'000)) + 1;
                correct_length(playlist, id, correction);
            }
        }
    }

    /// The file as the archive's bot writes it: sorted by the lowercased line, stable.
    std::string render(const PlaylistModel& playlist, bool sorted_header = false) const {
        if (playlist.empty_file) {
            return {};
        }
        std::vector<std::string> lines;
        for (const auto& entry : playlist.tracks) {
            lines.push_back(plain_line(entry.track));
        }
        std::vector<std::string> header{playlist.name};
        std::string_view description = playlist.description;
        while (true) {
            const auto end = description.find('\n');
            header.emplace_back(description.substr(0, end));
            if (end == std::string_view::npos) {
                break;
            }
            description.remove_prefix(end + 1);
        }
        header.emplace_back();
        if (sorted_header) {
            lines.insert(lines.end(), header.begin(), header.end());
            header.clear();
        }
        std::vector<std::pair<std::string, std::string>> keyed;
        for (auto& line : lines) {
            keyed.emplace_back(plain::python_lower(line), std::move(line));
        }
        std::stable_sort(keyed.begin(), keyed.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        std::string text;
        for (const auto& line : header) {
            text += line + '\n';
        }
        for (const auto& [key, line] : keyed) {
            text += line + '\n';
        }
        // Before the archive's 2022 format change, files had no final newline.
        if (!m_final_newline) {
            text.pop_back();
        }
        return text;
    }

    DirState state(const std::string& sorted_header_id = {}) {
        DirState dir = m_extra_entries;
        for (auto& playlist : m_playlists) {
            if (!playlist.present) {
                continue;
            }
            if (playlist.id == sorted_header_id) {
                dir[playlist.id] = {m_writer.write_blob(render(playlist, true)), GIT_FILEMODE_BLOB};
                continue;
            }
            // The final newline flag is part of the content, so it is part of the revision.
            const std::uint64_t revision = playlist.revision * 2 + (m_final_newline ? 1 : 0);
            if (!playlist.written || playlist.written->first != revision) {
                playlist.written = {revision, m_writer.write_blob(render(playlist))};
            }
            dir[playlist.id] = {playlist.written->second, GIT_FILEMODE_BLOB};
        }
        return dir;
    }

    /// What the bot would see: the playlists that are present and scraped, by id, with
    /// their revision and corrections.
    using Seen = std::pair<std::uint64_t, std::uint64_t>;
    std::map<std::string, Seen> scrapable_revisions() const {
        std::map<std::string, Seen> revisions;
        for (const auto& playlist : m_playlists) {
            if (playlist.present && !playlist.empty_file) {
                revisions.emplace(playlist.id, Seen(playlist.revision, playlist.corrections));
            }
        }
        return revisions;
    }

    /// The bot's run for a commit at `time`: it scrapes the playlists that changed since
    /// its last run and lets go of those that are gone. Returns the files it wrote.
    std::vector<BotFile> bot_run(std::int64_t time) {
        std::vector<BotFile> written;
        if (!m_bot) {
            return written;
        }
        const std::string date = format_day(static_cast<std::int32_t>(time / 86400));
        auto revisions = scrapable_revisions();
        for (const auto& [id, revision] : m_bot_seen) {
            if (revisions.count(id) == 0) {
                m_bot->remove(id, date, written);
            }
        }
        for (auto& playlist : m_playlists) {
            const auto now = revisions.find(playlist.id);
            const auto seen = m_bot_seen.find(playlist.id);
            if (now == revisions.end() ||
                (seen != m_bot_seen.end() && seen->second == now->second)) {
                continue;
            }
            date_entries(playlist, time);
            m_bot->scrape(scrape_of(playlist), date, written);
        }
        m_bot_seen = std::move(revisions);
        return written;
    }

    /// Settles Spotify's `added_at` of the entries the bot sees for the first time: some
    /// hours before the scrape, or long before it for tracks that were there before the
    /// playlist's first scrape, and now and then null.
    void date_entries(PlaylistModel& playlist, std::int64_t time) {
        const std::uint64_t span = playlist.scraped ? 6 * 3600 : 2 * 365 * 86400;
        playlist.scraped = true;
        for (auto& entry : playlist.tracks) {
            if (entry.dated) {
                continue;
            }
            entry.dated = true;
            if (!m_bot_random.chance(0.05)) {
                entry.added_at = time - 1 - static_cast<std::int64_t>(m_bot_random.below(span));
            }
        }
    }

    Scrape scrape_of(const PlaylistModel& playlist) {
        Scrape scrape;
        scrape.id = playlist.id;
        scrape.name = playlist.name;
        scrape.description = playlist.description;
        for (const auto& entry : playlist.tracks) {
            scrape.tracks.push_back({entry.track, entry.added_at
                                                      ? std::optional(time_text(*entry.added_at))
                                                      : std::nullopt});
        }
        scrape.followers = 1'000 + static_cast<std::int64_t>(m_bot_random.below(500'000));
        scrape.snapshot_id = base62(m_bot_random, 32);
        return scrape;
    }

    /// Writes the bot's files into the directories beside the plain one.
    void apply(const std::vector<BotFile>& files, BesideState& beside) {
        for (const auto& file : files) {
            DirState& dir = beside[file.dir];
            if (file.content) {
                dir[file.name] = {m_writer.write_blob(*file.content), GIT_FILEMODE_BLOB};
            } else {
                dir.erase(file.name);
            }
        }
    }

    git_oid commit(const DirState& dir, const BesideState& beside, std::vector<git_oid> parents,
                   std::int64_t time, std::string_view message,
                   std::string_view readme = "Playlist archive\n") {
        const git_oid id = m_writer.commit(dir, parents, time, message, readme, beside);
        ++m_result.commits;
        m_result.merges += parents.size() > 1;
        m_last_time = time;
        return id;
    }

    /// A commit on main of the playlists as they are, with the bot's files of its run.
    void commit_main(std::int64_t time, std::string_view message) {
        std::vector<git_oid> parents;
        if (m_result.commits > 0) {
            parents.push_back(m_head);
        }
        apply(bot_run(time), m_beside);
        m_head = commit(state(), m_beside, parents, time, message);
    }

    /// Real archives hold merges whose second parent carries days of bot snapshots while
    /// the first parent only touched files outside the playlists: first-parent walks lose
    /// those days. Returns the last day the side branch covered.
    int side_branch_carrying_snapshots(int day, std::int64_t time) {
        const git_oid fork = m_head;
        const git_oid readme_only = commit(m_current_dir, m_beside, {fork}, time, "Update README",
                                           "Playlist archive (edited)\n");
        git_oid side = fork;
        const int last = day + 3;
        for (int d = day; d <= last; ++d) {
            const std::int64_t at = time + (d - day) * 86400 + 60;
            daily_changes(d);
            m_current_dir = state();
            apply(bot_run(at), m_beside);
            side = commit(m_current_dir, m_beside, {side}, at,
                          fmt::format("Daily snapshot {} (bot branch)", d));
        }
        // The merge takes the side branch's playlists: TREESAME to its second parent.
        m_head = commit(m_current_dir, m_beside, {readme_only, side}, time + 3 * 86400 + 120,
                        "Merge branch 'bot'", "Playlist archive (edited)\n");
        // A hand edit on a branch whose merge kept main's files: TREESAME to its first parent.
        DirState edited = m_current_dir;
        if (!edited.empty()) {
            edited.begin()->second = {m_writer.write_blob("hand edit\n"), GIT_FILEMODE_BLOB};
        }
        const git_oid hand =
            commit(edited, m_beside, {m_head}, m_last_time + 30, "Edit a playlist by hand");
        m_head = commit(m_current_dir, m_beside, {m_head, hand}, m_last_time + 30,
                        "Merge, keeping ours");
        return last;
    }

    void after_commit_quirks(int day, std::int64_t time) {
        const int days = m_options.days;
        m_current_dir = state();
        if (day == days / 3 && !m_playlists.empty()) {
            // One bot run sorted the header lines into the body; the next run fixed it.
            m_head =
                commit(state(m_playlists.back().id), m_beside, {m_head}, time + 600, "Bad bot run");
            commit_main(time + 1200, "Fix bad bot run");
        }
        if (day == days / 4) {
            // A playlist URL committed as a path makes a directory inside the plain directory.
            m_extra_entries["https:"] = m_writer.write_subdirectory("open.spotify.com", "oops\n");
            commit_main(time + 900, "Add playlist");
        }
        if (day == days / 4 + 2) {
            m_extra_entries.clear();
            commit_main(time + 900, "Remove bad path");
        }
        if (day == days / 2 && m_playlists.size() > 5) {
            m_playlists[5].present = false; // deleted, re-added three days later
            if (!m_options.era) {
                m_final_newline = true; // and the files gain a final newline (an era keeps its own)
            }
            commit_main(time + 900, "Remove playlist");
        }
        if (day == days / 2 + 3 && m_playlists.size() > 5) {
            m_playlists[5].present = true;
            commit_main(time + 900, "Re-add playlist");
        }
        if (day == (2 * days) / 3 && m_playlists.size() > 6) {
            m_playlists[6].id = playlist_id(m_random); // renamed: a new file, the old one gone
            commit_main(time + 900, "Rename playlist");
        }
        if (day == (3 * days) / 4 && m_playlists.size() > 7) {
            // Two branches change different playlists; the merge differs from both parents.
            const git_oid fork = m_head;
            const DirState fork_dir = state();
            const BesideState fork_beside = m_beside;
            const auto branch_edit = [&](PlaylistModel& playlist, std::int64_t at,
                                         std::string_view message) {
                change(playlist);
                DirState dir = fork_dir;
                dir[playlist.id] = {m_writer.write_blob(render(playlist)), GIT_FILEMODE_BLOB};
                // Each branch has the bot's files of the fork but for this playlist's.
                const auto files = bot_run(at);
                BesideState beside = fork_beside;
                apply(files, beside);
                apply(files, m_beside);
                return commit(dir, beside, {fork}, at, message);
            };
            const git_oid left = branch_edit(m_playlists[7], time + 1000, "Edit on main");
            const git_oid right =
                branch_edit(m_playlists[8 % m_playlists.size()], time + 1100, "Edit on a branch");
            m_head = commit(state(), m_beside, {left, right}, time + 1200, "Merge branch 'edit'");
        }
        if (m_options.era) {
            id_change_quirks(day, time);
        }
        m_current_dir = state();
    }

    /// The archive's id changes (SPEC "Playlist ids change"), with an era only, so that
    /// archives without one stay as they were: a broken id replaced by hand a few days after
    /// its file was deleted, and a name that moves to a new id while the old id carries on
    /// under another name. The 2019-2021 tables, kept by name, continue across both.
    void id_change_quirks(int day, std::int64_t time) {
        const int days = m_options.days;
        const int broken_on = (2 * days) / 5;
        if (day == broken_on && day + 4 < days && m_playlists.size() > 4) {
            m_playlists[4].present = false;
            commit_main(time + 1300, "Remove broken playlist");
        }
        if (day == broken_on + 4 && m_playlists.size() > 4 && !m_playlists[4].present) {
            m_playlists[4].id = playlist_id(m_bot_random);
            m_playlists[4].present = true;
            commit_main(time + 1300, "Replace broken playlist id");
        }
        if (day == (3 * days) / 5 && m_playlists.size() > 2) {
            m_playlists.push_back(successor(m_playlists[2]));
            m_playlists[2].name += " (Archive)";
            ++m_playlists[2].revision;
            commit_main(time + 1300, "Move a name to a new id");
        }
    }

    /// A new playlist that takes over `playlist`'s name and tracks, as Spotify lists them
    /// in a playlist it has never scraped.
    PlaylistModel successor(const PlaylistModel& playlist) {
        PlaylistModel next;
        next.id = playlist_id(m_bot_random);
        next.name = playlist.name;
        next.description = playlist.description;
        for (const auto& entry : playlist.tracks) {
            next.tracks.push_back({entry.track});
        }
        return next;
    }

    GeneratorOptions m_options;
    Random m_random;
    Random m_bot_random;
    std::size_t m_awkward_given = 0;
    ArchiveWriter m_writer;
    std::vector<PlaylistModel> m_playlists;
    DirState m_extra_entries;
    DirState m_current_dir;
    git_oid m_head{};
    std::int64_t m_last_time = 0;
    bool m_final_newline;
    GeneratedArchive m_result;
    std::unique_ptr<Bot> m_bot; ///< only with an era
    /// The revision of each playlist at the bot's last run, by id.
    std::map<std::string, Seen> m_bot_seen;
    BesideState m_beside; ///< the bot's files as of its last run on main
};

} // namespace

GeneratedArchive generate_archive(const std::filesystem::path& path,
                                  const GeneratorOptions& options) {
    return Generator(path, options).run();
}

} // namespace gh::synth
