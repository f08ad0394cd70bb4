#include "synth/scenario.hpp"

#include "synth/archive_writer.hpp"
#include "util/calendar.hpp"

#include <charconv>
#include <map>
#include <sstream>

namespace gh::synth {

namespace {

struct ScenarioCommit {
    git_oid id{};
    DirState dir;
    std::string readme = "Playlist archive\n";
};

std::vector<std::string> words(std::string_view line) {
    std::vector<std::string> result;
    std::istringstream stream{std::string(line)};
    std::string word;
    while (stream >> word) {
        result.push_back(word);
    }
    return result;
}

class ScenarioBuilder {
  public:
    ScenarioBuilder(const std::filesystem::path& path, std::string_view origin)
        : m_writer(path), m_origin(origin) {}

    void run(std::string_view text) {
        std::istringstream lines{std::string(text)};
        std::string line;
        while (std::getline(lines, line)) {
            ++m_line;
            if (m_put) {
                content_line(line);
            } else if (!line.empty() && line[0] != '#' &&
                       line.find_first_not_of(' ') != std::string::npos) {
                statement(words(line), line);
            }
        }
        if (m_put) {
            error("'put {}' has no 'end'", m_put_name);
        }
        flush_commit();
        if (m_commits.empty()) {
            error("the scenario has no commit");
        }
        m_writer.finish(m_commits.at(m_head.empty() ? m_last : m_head).id);
    }

  private:
    template <typename... Args>
    [[noreturn]] void error(fmt::format_string<Args...> format, Args&&... args) const {
        fail("{}:{}: {}", m_origin, m_line, fmt::format(format, std::forward<Args>(args)...));
    }

    void statement(const std::vector<std::string>& w, const std::string& line) {
        const std::string& verb = w[0];
        if (verb == "commit") {
            start_commit(w);
        } else if (verb == "head" && w.size() == 2) {
            m_head = w[1];
        } else if (!m_current) {
            error("'{}' before the first 'commit'", verb);
        } else if (verb == "put" && w.size() >= 2) {
            // The name is the rest of the line: hand-made files have spaces in their names.
            m_put_name = line.substr(line.find("put") + 4);
            m_put_final_newline = !m_put_name.ends_with(" nonl");
            if (!m_put_final_newline) {
                m_put_name.resize(m_put_name.size() - 5);
            }
            m_put = true;
            m_put_content.clear();
        } else if (verb == "delete" && w.size() >= 2) {
            const std::string name = line.substr(line.find("delete") + 7);
            if (m_current->dir.erase(name) == 0) {
                error("cannot delete {}: no such entry", name);
            }
        } else if (verb == "mkdir" && w.size() == 2) {
            m_current->dir[w[1]] = m_writer.write_subdirectory("file", "inside a directory\n");
        } else if (verb == "symlink" && w.size() == 3) {
            m_current->dir[w[1]] = {m_writer.write_blob(w[2]), GIT_FILEMODE_LINK};
        } else if (verb == "readme" && w.size() >= 2) {
            m_current->readme = line.substr(line.find("readme") + 7) + "\n";
        } else if (verb == "take" && w.size() == 2) {
            m_current->dir = find(w[1]).dir;
        } else {
            error("cannot read '{}': expected commit, put, delete, mkdir, symlink, readme, take "
                  "or head",
                  line);
        }
    }

    void content_line(const std::string& line) {
        if (line == "end") {
            if (!m_put_final_newline && !m_put_content.empty()) {
                m_put_content.pop_back();
            }
            m_current->dir[m_put_name] = {m_writer.write_blob(m_put_content), GIT_FILEMODE_BLOB};
            m_put = false;
        } else if (line == "|") {
            m_put_content += '\n';
        } else if (line.starts_with("| ")) {
            m_put_content += line.substr(2) + '\n';
        } else if (line.starts_with("\\| ")) {
            m_put_content += unescape(line.substr(3)) + '\n';
        } else {
            error("a line of 'put {}' must start with '| ' (or be 'end')", m_put_name);
        }
    }

    std::string unescape(std::string_view text) const {
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] != '\\' || i + 1 == text.size()) {
                out += text[i];
                continue;
            }
            const char next = text[++i];
            if (next == 't') {
                out += '\t';
            } else if (next == 'r') {
                out += '\r';
            } else if (next == 'x' && i + 2 < text.size()) {
                unsigned value = 0;
                std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
                out += static_cast<char>(value);
                i += 2;
            } else {
                out += next;
            }
        }
        return out;
    }

    const ScenarioCommit& find(const std::string& name) const {
        const auto found = m_commits.find(name);
        if (found == m_commits.end()) {
            error("no commit named '{}' before this line", name);
        }
        return found->second;
    }

    void start_commit(const std::vector<std::string>& w) {
        flush_commit();
        if (w.size() < 2) {
            error("'commit' needs a name");
        }
        m_current_name = w[1];
        if (m_commits.contains(m_current_name)) {
            error("a commit named '{}' exists already", m_current_name);
        }
        m_current = ScenarioCommit();
        m_parents.clear();
        m_time.reset();
        for (std::size_t i = 2; i < w.size(); ++i) {
            if (w[i].starts_with("parents=")) {
                std::string_view list = std::string_view(w[i]).substr(8);
                while (!list.empty()) {
                    const auto comma = list.find(',');
                    m_parents.push_back(std::string(list.substr(0, comma)));
                    list = comma == std::string_view::npos ? std::string_view()
                                                           : list.substr(comma + 1);
                }
            } else if (w[i].starts_with("time=")) {
                m_time = parse_time(w[i].substr(5));
            } else {
                error("cannot read '{}': expected parents=A,B or time=YYYY-MM-DDTHH:MM:SSZ", w[i]);
            }
        }
        if (!m_time) {
            error("commit {} needs time=YYYY-MM-DDTHH:MM:SSZ", m_current_name);
        }
        if (!m_parents.empty()) {
            const auto& first = find(m_parents.front());
            m_current->dir = first.dir;
            m_current->readme = first.readme;
        }
    }

    std::int64_t parse_time(const std::string& text) const {
        const auto day = parse_day(std::string_view(text).substr(0, 10));
        int h = 0, m = 0, s = 0;
        if (!day || text.size() != 20 || text[10] != 'T' || text[19] != 'Z' ||
            std::sscanf(text.c_str() + 11, "%2d:%2d:%2d", &h, &m, &s) != 3) {
            error("cannot read time '{}': expected YYYY-MM-DDTHH:MM:SSZ", text);
        }
        return std::int64_t{*day} * 86400 + h * 3600 + m * 60 + s;
    }

    void flush_commit() {
        if (!m_current) {
            return;
        }
        std::vector<git_oid> parents;
        for (const auto& parent : m_parents) {
            parents.push_back(find(parent).id);
        }
        m_current->id =
            m_writer.commit(m_current->dir, parents, *m_time,
                            fmt::format("Scenario commit {}", m_current_name), m_current->readme);
        m_commits[m_current_name] = std::move(*m_current);
        m_last = m_current_name;
        m_current.reset();
    }

    ArchiveWriter m_writer;
    std::string m_origin;
    std::size_t m_line = 0;
    std::map<std::string, ScenarioCommit> m_commits;
    std::optional<ScenarioCommit> m_current;
    std::string m_current_name;
    std::vector<std::string> m_parents;
    std::optional<std::int64_t> m_time;
    std::string m_head;
    std::string m_last;
    bool m_put = false;
    bool m_put_final_newline = true;
    std::string m_put_name;
    std::string m_put_content;
};

} // namespace

void build_scenario(std::string_view scenario, const std::filesystem::path& path,
                    std::string_view origin) {
    ScenarioBuilder(path, origin).run(scenario);
}

} // namespace gh::synth
