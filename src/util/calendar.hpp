#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gh {

/// The zone in which commit times become calendar dates. Dates are UTC by default so
/// that the same archive gives the same tables wherever the tool runs.
class TimeZone {
  public:
    /// "UTC", or an IANA name such as "America/New_York"; throws a usage Error otherwise.
    static TimeZone named(std::string_view name);
    static TimeZone utc() { return TimeZone(); }

    TimeZone(TimeZone&&) noexcept;
    TimeZone& operator=(TimeZone&&) noexcept;
    ~TimeZone();

    /// Days since 1970-01-01 of the local calendar date at `unix_seconds`, which must
    /// have a date (has_date).
    std::int32_t day_of(std::int64_t unix_seconds) const;

    const std::string& name() const { return m_name; }

  private:
    TimeZone();
    struct Zone;
    std::unique_ptr<Zone> m_zone; ///< null for UTC
    std::string m_name = "UTC";
};

/// Commit times that have a date: from 1970-01-01 to 9999-12-31 (UTC). Later ones
/// cannot be written as YYYY-MM-DD, and git writes no earlier ones.
inline constexpr std::int64_t k_first_dated_time = 0;
inline constexpr std::int64_t k_last_dated_time = 253402300799;
inline bool has_date(std::int64_t unix_seconds) {
    return unix_seconds >= k_first_dated_time && unix_seconds <= k_last_dated_time;
}
/// The day numbers of those times in any zone (a zone moves a date by a day at most).
inline constexpr std::int32_t k_first_dated_day = -1;
inline constexpr std::int32_t k_last_dated_day = 2932897;

/// `YYYY-MM-DD` of a day number.
std::string format_day(std::int32_t day);

/// The day number of a `YYYY-MM-DD` date, or nothing when the text is not such a date.
std::optional<std::int32_t> parse_day(std::string_view text);

} // namespace gh
