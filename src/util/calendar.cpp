#include "util/calendar.hpp"

#include "util/error.hpp"
#include "util/parse_number.hpp"

#include <chrono>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

namespace gh {

struct TimeZone::Zone {
    std::unique_ptr<icu::TimeZone> zone;
};

TimeZone::TimeZone() = default;
TimeZone::TimeZone(TimeZone&&) noexcept = default;
TimeZone& TimeZone::operator=(TimeZone&&) noexcept = default;
TimeZone::~TimeZone() = default;

TimeZone TimeZone::named(std::string_view name) {
    TimeZone result;
    if (name == "UTC" || name == "utc" || name == "Etc/UTC") {
        return result;
    }
    const auto id = icu::UnicodeString::fromUTF8(
        icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
    std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(id));
    icu::UnicodeString canonical;
    zone->getID(canonical);
    if (canonical == icu::UnicodeString("Etc/Unknown")) {
        throw Error::usage("unknown time zone '{}': expected an IANA name such as "
                           "'Europe/Berlin' or 'UTC'",
                           name);
    }
    result.m_zone = std::make_unique<Zone>(Zone{std::move(zone)});
    result.m_name = name;
    return result;
}

std::int32_t TimeZone::day_of(std::int64_t unix_seconds) const {
    std::int64_t local = unix_seconds;
    if (m_zone) {
        int32_t raw = 0;
        int32_t dst = 0;
        UErrorCode status = U_ZERO_ERROR;
        m_zone->zone->getOffset(static_cast<UDate>(unix_seconds) * 1000.0, false, raw, dst, status);
        if (U_FAILURE(status)) {
            throw Error(fmt::format("cannot convert time {} to zone {}: {}", unix_seconds, m_name,
                                    u_errorName(status)));
        }
        local += (raw + dst) / 1000;
    }
    // Floor division: times before 1970 belong to negative days.
    return static_cast<std::int32_t>(local >= 0 ? local / 86400 : (local - 86399) / 86400);
}

std::string format_day(std::int32_t day) {
    const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{day}}};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()),
                       static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

std::optional<std::int32_t> parse_day(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    int year = 0;
    unsigned month = 0;
    unsigned day = 0;
    const auto number = [&](std::size_t at, std::size_t length, auto& value) {
        return parse_number(text.substr(at, length), value);
    };
    if (!number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day)) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                                           std::chrono::day{day}};
    if (!date.ok()) {
        return std::nullopt;
    }
    return static_cast<std::int32_t>(std::chrono::sys_days{date}.time_since_epoch().count());
}

} // namespace gh
