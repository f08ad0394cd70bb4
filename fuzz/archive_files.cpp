// Fuzzes what --layout archive reads besides the plain files: an existing cumulative file
// of either era (--keep-existing takes the bytes of any file under playlists/cumulative)
// and a pretty JSON view fed to the current era's table; and renders what they give.

#include "plain/track_key.hpp"
#include "pretty/pretty_view.hpp"
#include "support.hpp"
#include "tables/current_era_table.hpp"
#include "writers/archive_layout.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace {

using namespace gh;

/// The current era's files of `table` can be written, and its JSON read back.
void check_rendering(const tables::CurrentEraTable& table) {
    const writers::ArchiveLinks links{"playlists/plain", "playlists/pretty", "o/r"};
    const std::string markdown = writers::render_archive_current_markdown("id", table, links);
    GH_FUZZ_REQUIRE(markdown.ends_with(" Prior content cannot be recovered.\n"));
    const std::string json = writers::render_archive_current_json("id", table);
    const auto parsed = nlohmann::json::parse(json, nullptr, false);
    GH_FUZZ_REQUIRE(parsed.is_object() && parsed["tracks"].size() == table.rows.size());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes = fuzz::as_text(data, size);

    // A 2019-2021 cumulative file: each row kept is one of its lines, under its own key.
    const auto rows = writers::parse_archive_2021_rows(bytes);
    for (const auto& [key, row] : rows) {
        GH_FUZZ_REQUIRE(bytes.find(row.line) != std::string_view::npos);
        GH_FUZZ_REQUIRE(row.added.size() == 10);
        GH_FUZZ_REQUIRE(plain::python_lower(key) == key);
    }
    tables::PlaylistTable empty;
    empty.id = "id";
    writers::KeptRows keep{&rows, 0};
    const std::string rendered =
        writers::render_archive_2021(empty, "Name", {}, {"plain", "pretty", "o/r"}, &keep);
    GH_FUZZ_REQUIRE(keep.kept == rows.size());

    // A current-era cumulative JSON kept, and the same bytes as a pretty JSON view.
    tables::CurrentEraTable table;
    try {
        const std::size_t kept = table.keep_existing(bytes);
        GH_FUZZ_REQUIRE(kept == table.rows.size());
        check_rendering(table);
    } catch (const std::invalid_argument&) {
        // A file that cannot be read is kept not even in part.
        GH_FUZZ_REQUIRE(table.rows.empty() && table.first_scraped.empty());
    }
    pretty::View view;
    view.parse(bytes, pretty::Form::json);
    tables::CurrentEraTable viewed;
    viewed.apply("2020-01-01", view);
    viewed.apply("2020-01-02", view); // the same view again changes nothing but its presence
    for (const auto& [key, row] : viewed.rows) {
        GH_FUZZ_REQUIRE(row.removed.empty() && row.added.size() == 10);
    }
    viewed.remove("2020-01-03");
    check_rendering(viewed);
    return 0;
}
