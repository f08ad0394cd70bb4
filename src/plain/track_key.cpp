#include "plain/track_key.hpp"

#include "plain/plain_file.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <memory>
#include <unicode/ucasemap.h>
#include <unicode/utf8.h>

namespace gh::plain {

namespace {

struct CaseMapCloser {
    void operator()(UCaseMap* map) const { ucasemap_close(map); }
};

/// The root-locale case map: Python's str.lower() applies no language rules.
const UCaseMap* root_case_map() {
    static const std::unique_ptr<UCaseMap, CaseMapCloser> map = [] {
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<UCaseMap, CaseMapCloser> created(ucasemap_open("", 0, &status));
        if (U_FAILURE(status)) {
            throw Error(fmt::format("cannot open ICU case mapping: {}", u_errorName(status)));
        }
        return created;
    }();
    return map.get();
}

std::string icu_lower(std::string_view text) {
    std::string lowered(text.size() + text.size() / 2 + 8, '\0');
    for (int attempt = 0; attempt < 2; ++attempt) {
        UErrorCode status = U_ZERO_ERROR;
        const int32_t length = ucasemap_utf8ToLower(
            root_case_map(), lowered.data(), static_cast<int32_t>(lowered.size()), text.data(),
            static_cast<int32_t>(text.size()), &status);
        if (status == U_BUFFER_OVERFLOW_ERROR) {
            lowered.assign(static_cast<std::size_t>(length), '\0');
            continue;
        }
        if (U_FAILURE(status)) {
            throw Error(fmt::format("cannot lowercase '{}': {}", text, u_errorName(status)));
        }
        lowered.resize(static_cast<std::size_t>(length));
        return lowered;
    }
    throw Error(fmt::format("cannot lowercase '{}': output keeps growing", text));
}

/// ICU maps ill-formed UTF-8 to U+FFFD; Python never sees such text, and a key must
/// not merge two different byte strings, so lowercase only the well-formed runs.
std::string lower_keeping_ill_formed(std::string_view text) {
    std::string lowered;
    lowered.reserve(text.size());
    std::size_t run_start = 0;
    std::size_t i = 0;
    const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
    const auto length = static_cast<int32_t>(text.size());
    while (i < text.size()) {
        int32_t next = static_cast<int32_t>(i);
        UChar32 c = 0;
        U8_NEXT(bytes, next, length, c);
        if (c < 0) {
            lowered += icu_lower(text.substr(run_start, i - run_start));
            lowered.append(text.substr(i, static_cast<std::size_t>(next) - i));
            run_start = static_cast<std::size_t>(next);
        }
        i = static_cast<std::size_t>(next);
    }
    lowered += icu_lower(text.substr(run_start));
    return lowered;
}

} // namespace

std::string python_lower(std::string_view text) {
    const bool ascii = std::all_of(text.begin(), text.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii) {
        std::string lowered(text);
        for (char& c : lowered) {
            if (c >= 'A' && c <= 'Z') {
                c = static_cast<char>(c - 'A' + 'a');
            }
        }
        return lowered;
    }
    return lower_keeping_ill_formed(text);
}

std::string track_key(std::string_view line, KeyMode mode) {
    if (mode == KeyMode::title_artists) {
        const TrackLine track = split_track_line(line, 0);
        std::string joined(track.title);
        joined += k_field_separator;
        joined += track.artists;
        return python_lower(joined);
    }
    return python_lower(line);
}

} // namespace gh::plain
