#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

namespace gh::tables {

/// One key's membership of one playlist so far: the fields of SPEC "Semantics". Versions
/// are named by their snapshot index (which names the commit) and dated by day numbers.
struct Membership {
    std::uint32_t added = 0;              ///< the first version containing it
    std::uint32_t last_seen = 0;          ///< the last version containing it (see below)
    std::optional<std::uint32_t> removed; ///< the first version after its last appearance
    std::uint32_t stints = 0;
    std::int64_t days_present = 0; ///< of the stints that ended
    std::int32_t stint_start = 0;  ///< the day the open stint began, while present
    bool present = false;          ///< in the latest version
};

/// The rules of SPEC "Semantics", and nothing else: given, version by version, the keys
/// that started a stint and those that ended one, it keeps every key's `added`,
/// `last_seen`, `removed`, `stints` and `days_present`. Keys are numbers given out by
/// `add_key`; what a key is (a line, its lowercase form, its title and artists) and how a
/// version's keys are found is the caller's business.
///
/// While a key is present its `last_seen` is the latest version's and its open stint has
/// not been counted in `days_present`: `at` adds both for a revision on a given day.
class MembershipLedger {
  public:
    /// Changed whenever a rule changes; part of the cache's format (cache::Settings), so
    /// that a cache written under other rules is never continued.
    static constexpr std::uint32_t k_rules_version = 1;

    /// One version of the playlist. A key is in `started` when this version has it and the
    /// previous one did not, in `ended` when the previous version had it and this one does
    /// not; a deleted playlist is a version that ends every present key.
    struct Version {
        std::uint32_t snapshot = 0;
        std::int32_t day = 0;
        std::span<const std::uint32_t> started;
        std::span<const std::uint32_t> ended;
    };

    /// A key never seen: absent, no stint. Returns its number.
    std::uint32_t add_key() {
        m_keys.emplace_back();
        return static_cast<std::uint32_t>(m_keys.size() - 1);
    }
    std::uint32_t keys() const { return static_cast<std::uint32_t>(m_keys.size()); }
    bool present(std::uint32_t key) const { return m_keys[key].present; }
    std::uint32_t present_count() const { return m_present; }
    /// The snapshot of the latest version recorded.
    std::uint32_t last_snapshot() const { return m_last_snapshot; }

    /// Applies one version. Throws std::logic_error when `started` names a present key or
    /// `ended` an absent one (the caller's diff is wrong).
    void record(const Version& version);

    /// A key's membership as of a revision on `tip_day`: its open stint ends there.
    Membership at(std::uint32_t key, std::int32_t tip_day) const;

    /// A key's membership as recorded (open stint not counted), for saving.
    const Membership& entry(std::uint32_t key) const { return m_keys[key]; }

    /// A ledger as saved: every key's entry and the latest version's snapshot.
    static MembershipLedger restore(std::vector<Membership> keys, std::uint32_t last_snapshot);

  private:
    std::vector<Membership> m_keys;
    std::uint32_t m_last_snapshot = 0;
    std::uint32_t m_present = 0;
};

} // namespace gh::tables
