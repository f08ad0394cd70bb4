#pragma once

#include "plain/track_key.hpp"
#include "tables/membership.hpp"
#include "tables/track_links.hpp"
#include "util/text_index.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gh::pretty {
class View;
struct Track;
} // namespace gh::pretty

namespace gh::tables {

/// A track key's life in one playlist: one row of the cumulative table. Its texts are
/// held by the table's `texts`; its dates are snapshot indices, as MembershipLedger::at
/// gives them for the analysed revision.
struct TrackRow {
    std::string_view key;
    /// Title, artists and album as in the latest version that had it: as its pretty view
    /// gave them when the row is linked, else split from its line at the first two ` -- `.
    std::string_view title;
    std::string_view artists;
    std::string_view album;
    std::uint32_t added = 0;              ///< snapshot index of the first version containing it
    std::uint32_t last_seen = 0;          ///< snapshot index of the last version containing it
    std::optional<std::uint32_t> removed; ///< first version after its last appearance
    std::uint32_t stints = 0;
    std::int64_t days_present = 0;
    /// Where the track, its artists and its album are on Spotify, and its length: from the
    /// pretty view of the last commit that had the track (README, "Links and lengths"),
    /// joined to its line. `linked` is false, and the rest empty, when none could be.
    bool linked = false;
    std::string_view track_url;
    std::string_view album_url;
    std::string_view artist_links; ///< encoded (tables::artist_links reads it)
    std::optional<std::uint32_t> length_ms;
};

/// True when `line` is the track line `row`'s title, artists and album were taken from
/// (they are its fields, joined by the separator).
bool shows_line(const TrackRow& row, std::string_view line);

/// A name a playlist took: from the version of snapshot `snapshot` on, until the next.
struct NameChange {
    std::uint32_t snapshot = 0;
    std::string name;
    bool operator==(const NameChange&) const = default;
};

/// A playlist id replaced by another: `from` was deleted at snapshot `deleted`, and `to`
/// first carried `from`'s name at snapshot `appeared`, within 7 days of it (found by
/// engine::detect_id_changes, listed by the export).
struct IdChange {
    std::string from;
    std::string to;
    std::string name;
    std::uint32_t deleted = 0;
    std::uint32_t appeared = 0;
};

/// The cumulative table of one playlist, rows sorted by key (byte order).
struct PlaylistTable {
    std::string id;
    std::string name; ///< from the latest version of the file
    std::string description;
    /// Every name the file's line 1 gave it, from its first version with content on, each
    /// with the version that gave it (a deletion changes none).
    std::vector<NameChange> names;
    /// The pretty view the present rows' links were taken from (its blob id's raw bytes),
    /// or empty: a later run re-links them when the view at its revision is another.
    std::string present_view;
    /// The ids this table was continued from (--follow-renames), oldest first.
    std::vector<std::string> former_ids;
    std::vector<TrackRow> rows;
    std::uint32_t versions = 0;
    bool deleted = false; ///< the file is absent at the tip
    /// Lines after the first track that are not tracks, summed over all versions.
    std::uint32_t stray_lines = 0;
    /// The first (snapshot, line) at which such a line was seen, for messages.
    std::optional<std::pair<std::uint32_t, std::uint32_t>> first_stray;
    /// Where the rows' texts are (shared by copies of the table, so that a copy of a
    /// builder's table outlives the builder): a table's rows are views, not copies.
    std::shared_ptr<TextArena> texts = std::make_shared<TextArena>();
};

/// Day numbers (days since 1970-01-01 in the chosen time zone) of every snapshot and of
/// the analysed revision, which ends the stints of tracks still present.
struct Calendar {
    std::vector<std::int32_t> snapshot_days;
    std::int32_t tip_day = 0;
};

/// What the outputs show of each snapshot: its date and commit id as text, so that writers
/// know nothing about git.
struct SnapshotLabels {
    std::vector<std::string> dates;   ///< `YYYY-MM-DD`, per snapshot index
    std::vector<std::string> commits; ///< full hex commit ids, per snapshot index
};

/// One playlist's table in the making: versions are applied in order, and the table can
/// be read at any point, so a later run can continue from a saved builder (the cache).
/// The builder matches lines and finds which keys each version started and ended; the
/// rules that turn those into dates and stints are the MembershipLedger's, which numbers
/// its keys as the builder numbers its rows. A deletion is a version with no tracks: its
/// present tracks end there and return as a new stint.
///
/// Consecutive versions of a playlist share almost all their lines, in the same order,
/// so each version is compared line by line with the previous one: an unchanged line
/// costs a comparison, and only changed lines are looked up, keyed and counted. The work
/// per version is a scan of the file plus what changed, not the size of the table.
class TableBuilder {
  public:
    TableBuilder(std::string id, plain::KeyMode key_mode);
    TableBuilder(TableBuilder&&) noexcept = default;
    TableBuilder& operator=(TableBuilder&&) noexcept = default;
    /// Not copyable: rows point at the lines they were shown from.
    TableBuilder(const TableBuilder&) = delete;
    TableBuilder& operator=(const TableBuilder&) = delete;

    /// Applies the next version: the file's bytes, or nothing when it was deleted. The
    /// bytes must stay valid until the next call (they are compared with the next version).
    void apply(std::uint32_t snapshot, std::int32_t day, std::optional<std::string_view> content);

    /// Gives `rows` the links and length of the track of `view` (the pretty view the engine
    /// chose for them: see engine/analysis.cpp, link_rows) that is their line, joined on the text
    /// `name -- artists -- album` (so a row takes the track its title, artists and album
    /// were shown from); a row no track joins has none. Returns how many rows had none,
    /// and puts them in `unjoined` when it is given.
    std::uint32_t link_rows(std::span<const std::uint32_t> rows, const pretty::View& view,
                            std::vector<std::uint32_t>* unjoined = nullptr);

    /// The table as of a revision on `tip_day`, which ends the stints still open.
    PlaylistTable table(std::int32_t tip_day) const;
    /// The same, without a copy; the builder is spent.
    PlaylistTable release_table(std::int32_t tip_day) &&;

    /// Records which pretty view the present rows were linked from (see PlaylistTable).
    void set_present_view(std::string view) { m_state.table.present_view = std::move(view); }

    const std::string& id() const { return m_state.table.id; }
    std::uint32_t versions() const { return m_state.table.versions; }

    /// What is kept of a row between versions besides the row itself and its membership.
    struct RowState {
        /// Shown from two different lines at some point (say "Song" and "SONG"): its title
        /// must then be re-derived whenever it is seen, not only when its line changes.
        bool several_lines = false;
        /// Anything of the row changed since the state was restored (not saved): a row
        /// that did not is saved again as it was.
        bool changed = false;
    };

    /// The builder's whole state, for saving and restoring (see cache/). The rows of
    /// `table` hold texts only while it is built: their memberships are in `ledger` (key
    /// numbers are row indices). The latest version's track lines and their rows are kept
    /// too, so that a restored builder compares the next version with them instead of
    /// keying every line again.
    struct State {
        PlaylistTable table;
        std::vector<RowState> rows;
        MembershipLedger ledger;
        std::vector<std::string_view> latest_lines; ///< in table.texts
        std::vector<std::uint32_t> latest_rows;
        /// The first rows are in key order (a saved state keeps them so): only rows added
        /// since need sorting when the table is read.
        std::uint32_t sorted_rows = 0;
        /// For a state restored from a saved form: that form, and where each restored
        /// row's bytes start in it (one more entry for where the last one ends).
        std::string_view saved;
        std::vector<std::uint32_t> saved_rows;
    };
    /// The state; call `detach` first if versions were applied since the last call.
    const State& state() const { return m_state; }
    /// The rows' indices in key order (byte order), as the table lists them.
    const std::vector<std::uint32_t>& key_order() const;
    /// Throws std::invalid_argument when the rows said to be in key order are not (or a
    /// key is there twice), or the ledger has not one key per row.
    static TableBuilder restore(State state, plain::KeyMode key_mode);

    /// Copies the latest version's track lines into the state, so that the builder no
    /// longer refers to the bytes passed to `apply` (they may be freed after this).
    void detach();

    /// What one version changed, for commands that follow a playlist through time
    /// (history, churn, export). Rows are indices into `state().table.rows`.
    struct Change {
        std::uint32_t snapshot = 0;
        std::int32_t day = 0;
        std::vector<std::uint32_t> started; ///< rows that began a stint (new or re-added)
        std::vector<std::uint32_t> ended;   ///< rows that were removed
        std::uint32_t size = 0;             ///< keys present after this version
        std::uint32_t track_lines = 0;      ///< track lines in the file (duplicates too)
        bool deleted = false;
        std::string previous_name; ///< the name and description before this version
        std::string previous_description;
    };
    using Observer = std::function<void(const TableBuilder&, const Change&)>;

    /// Calls `observer` after every version applied from now on.
    void observe(Observer observer) { m_observer = std::move(observer); }

  private:
    struct Seen; // receives one version's lines
    /// A track line of the previous version and its row. `run_end` is the index after
    /// the last line of the block of lines that follow one another directly in the
    /// previous version's bytes (separated by a bare newline) that this line is part of.
    struct KnownLine {
        std::string_view text;
        std::uint32_t row;
        std::uint32_t run_end = 0;
        /// The same line in the table's texts, which outlive the version's bytes.
        std::string_view kept;
    };

    bool match_previous(std::string_view line);
    std::size_t match_run(std::string_view rest, std::uint32_t& number);
    void see_known(const KnownLine& known, std::string_view line);
    void see_changed(std::string_view line);
    std::optional<std::uint32_t> find_stored(std::string_view line, std::uint64_t hash) const;
    std::uint32_t add_stored(std::string_view line, std::uint64_t hash);
    void see_stored(std::uint32_t stored, std::string_view line);
    void see(std::uint32_t row, std::string_view line, std::string_view kept);
    /// Finds the rows this version ended: present before, not seen in it.
    void find_ended();
    /// Takes a joined pretty track's links and length into a row.
    void take_links(std::uint32_t row, const pretty::View& view, const pretty::Track& track);
    /// Leaves a row without links.
    void drop_links(std::uint32_t row);
    static PlaylistTable finish(PlaylistTable table, const State& state, std::int32_t tip_day,
                                const std::vector<std::uint32_t>& order);

    State m_state;
    plain::KeyMode m_key_mode;
    /// Every distinct line seen (copied into the table's texts) with its row, indexed by text,
    /// for lines that differ from the previous version's.
    struct StoredLine {
        std::string_view text;
        std::uint32_t row;
    };
    std::vector<StoredLine> m_stored;
    TextIndex m_lines; ///< values: indices into m_stored
    /// Key -> row, for the rows after the first `sorted_rows` (those are found by bisection).
    TextIndex m_keys;
    /// The stored line each row's title, artists and album were taken from (its text's
    /// address), or null.
    std::vector<const char*> m_display;
    /// The version count at which each row was last seen.
    std::vector<std::uint32_t> m_seen_in;
    /// The previous version's track lines, in file order, and how far this version has
    /// matched them; `m_previous_known` is false after a restore (no bytes to compare).
    std::vector<KnownLine> m_previous;
    std::vector<KnownLine> m_current;
    /// The previous version's bytes, while they are still valid (until `detach`).
    std::string_view m_previous_bytes;
    std::size_t m_cursor = 0;
    bool m_previous_known = true;
    std::optional<std::size_t> m_matched; ///< the previous line the last line matched
    /// Set by Seen::known_track for a line seen before (its index in m_stored), and the
    /// hash of the last line it looked up.
    std::optional<std::uint32_t> m_known_stored;
    std::uint64_t m_line_hash = 0;
    /// The version being applied.
    std::uint32_t m_snapshot = 0;
    /// Rows of previous lines that this version did not match: they may be gone.
    std::vector<std::uint32_t> m_unmatched;
    /// key_order's result, while no row has been added since.
    mutable std::vector<std::uint32_t> m_key_order;
    Observer m_observer;
    Change m_change; ///< filled while a version is applied, when observed
    /// The rows the version being applied started and ended (see MembershipLedger).
    std::vector<std::uint32_t> m_started;
    std::vector<std::uint32_t> m_ended;
    /// link_rows' working space, kept between calls: the rows by the hash of their line,
    /// whether each was joined, and the texts it builds.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> m_rows_by_hash;
    std::vector<bool> m_row_joined;
    std::string m_join_text;
    std::string m_joined_artists;
    std::string m_track_line;
};

} // namespace gh::tables
