// The archive's bot as it was in 2019-2021: views named by the playlist's name, nothing
// escaped, no final newline.

#include "plain/track_key.hpp"
#include "synth/views.hpp"

#include <fmt/format.h>
#include <map>

namespace gh::synth::views {

namespace {

struct Row {
    Track track; ///< as last seen: its links and length are the latest
    std::string added;
    std::string removed; ///< empty while present
};

/// A table of 2019-2021. The bot kept one per playlist *name*, so a table continues when
/// its name moves to another id.
struct Table {
    std::string id; ///< of the playlist that last carried the name
    std::string description;
    std::map<std::string, Row> rows; ///< by the lowercased plain line, in key order
};

/// The file a name's views are written to; links to it write spaces as `%20`.
std::string file_name(std::string_view name) {
    return fmt::format("{}.md", name);
}

std::string linked_file_name(std::string_view name) {
    std::string linked;
    for (const char c : file_name(name)) {
        linked += c == ' ' ? std::string("%20") : std::string(1, c);
    }
    return linked;
}

/// The 2019-2021 rules (SPEC "Semantics"): a row is added the first day its key is seen,
/// removed the first day it is seen absent and cleared when it comes back; a present row
/// takes the track's latest links and length.
void update(Table& table, const std::vector<ScrapedTrack>& tracks, std::string_view date) {
    std::map<std::string, const Track*> present;
    for (const auto& scraped : tracks) {
        present[plain::python_lower(plain_line(scraped.track))] = &scraped.track;
    }
    for (auto& [key, row] : table.rows) {
        if (row.removed.empty() && present.count(key) == 0) {
            row.removed = date;
        }
    }
    for (const auto& [key, track] : present) {
        auto [row, is_new] = table.rows.try_emplace(key);
        if (is_new) {
            row->second.added = date;
        }
        row->second.removed.clear();
        row->second.track = *track;
    }
}

class Bot2021 final : public Bot {
  public:
    explicit Bot2021(BotSettings settings) : m_settings(std::move(settings)) {}

    void scrape(const Scrape& scrape, std::string_view date,
                std::vector<BotFile>& written) override {
        const auto carried = m_names.find(scrape.id);
        if (carried != m_names.end() && carried->second != scrape.name) {
            release(carried->second, scrape.id, date, written);
        }
        m_names[scrape.id] = scrape.name;
        m_owners[scrape.name] = scrape.id;
        Table& table = m_tables[scrape.name];
        table.id = scrape.id;
        table.description = scrape.description;
        update(table, scrape.tracks, date);
        written.push_back({"pretty", file_name(scrape.name), pretty(scrape)});
        written.push_back({"cumulative", file_name(scrape.name), cumulative(scrape.name, table)});
    }

    void remove(std::string_view id, std::string_view date,
                std::vector<BotFile>& written) override {
        const auto carried = m_names.find(std::string(id));
        if (carried == m_names.end()) {
            return;
        }
        const std::string name = carried->second;
        m_names.erase(carried);
        release(name, id, date, written);
    }

  private:
    /// `id` no longer carries `name`. Unless another id has taken the name meanwhile, the
    /// name's pretty view goes and its table's present rows are removed.
    void release(const std::string& name, std::string_view id, std::string_view date,
                 std::vector<BotFile>& written) {
        const auto owner = m_owners.find(name);
        if (owner == m_owners.end() || owner->second != id) {
            return;
        }
        m_owners.erase(owner);
        Table& table = m_tables[name];
        update(table, {}, date);
        written.push_back({"pretty", file_name(name), std::nullopt});
        written.push_back({"cumulative", file_name(name), cumulative(name, table)});
    }

    /// Line 1, the heading and the description, each followed by a blank line.
    std::string header(std::string_view view, std::string_view name, std::string_view id,
                       std::string_view description) const {
        const std::string other = linked_file_name(name);
        return fmt::format("{}\n\n{}\n\n> {}\n\n",
                           line_one(m_settings, Era::y2021, view, other, id), heading(name, id),
                           description);
    }

    std::string pretty(const Scrape& scrape) const {
        std::string text = header("pretty", scrape.name, scrape.id, scrape.description);
        text += "| No. | Title | Artist(s) | Album | Length |\n|---|---|---|---|---|";
        for (std::size_t i = 0; i < scrape.tracks.size(); ++i) {
            text += fmt::format("\n| {} | {} |", i + 1,
                                track_cells(scrape.tracks[i].track, Era::y2021));
        }
        return text;
    }

    std::string cumulative(std::string_view name, const Table& table) const {
        std::string text = header("cumulative", name, table.id, table.description);
        text +=
            "| Title | Artist(s) | Album | Length | Added | Removed |\n|---|---|---|---|---|---|";
        for (const auto& [key, row] : table.rows) {
            text += fmt::format("\n| {} | {} | {} |", track_cells(row.track, Era::y2021), row.added,
                                row.removed);
        }
        return text;
    }

    BotSettings m_settings;
    std::map<std::string, std::string> m_names;  ///< the name each present id carries
    std::map<std::string, std::string> m_owners; ///< the id that carries each name
    std::map<std::string, Table> m_tables;       ///< by name, deleted ones included
};

} // namespace

std::unique_ptr<Bot> make_bot_2021(BotSettings settings) {
    return std::make_unique<Bot2021>(std::move(settings));
}

} // namespace gh::synth::views
