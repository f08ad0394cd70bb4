#include "tables/membership.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace gh::tables {

void MembershipLedger::record(const Version& version) {
    for (const std::uint32_t key : version.ended) {
        Membership& entry = m_keys.at(key);
        if (!entry.present) {
            throw std::logic_error(fmt::format("key {} ended a stint it was not in", key));
        }
        // Seen gone in this version: the previous one was the last to have it.
        entry.removed = version.snapshot;
        entry.last_seen = m_last_snapshot;
        entry.days_present += version.day - entry.stint_start;
        entry.present = false;
        --m_present;
    }
    for (const std::uint32_t key : version.started) {
        Membership& entry = m_keys.at(key);
        if (entry.present) {
            throw std::logic_error(fmt::format("key {} started a stint it was already in", key));
        }
        // New, or back after a removal: `added` stays the first version's.
        if (entry.stints == 0) {
            entry.added = version.snapshot;
        }
        entry.removed.reset();
        ++entry.stints;
        entry.stint_start = version.day;
        entry.present = true;
        ++m_present;
    }
    m_last_snapshot = version.snapshot;
}

Membership MembershipLedger::at(std::uint32_t key, std::int32_t tip_day) const {
    Membership entry = m_keys[key];
    if (entry.present) {
        entry.last_seen = m_last_snapshot;
        entry.days_present += tip_day - entry.stint_start;
    }
    return entry;
}

MembershipLedger MembershipLedger::restore(std::vector<Membership> keys,
                                           std::uint32_t last_snapshot) {
    MembershipLedger ledger;
    ledger.m_keys = std::move(keys);
    ledger.m_last_snapshot = last_snapshot;
    ledger.m_present = static_cast<std::uint32_t>(std::count_if(
        ledger.m_keys.begin(), ledger.m_keys.end(), [](const Membership& m) { return m.present; }));
    return ledger;
}

} // namespace gh::tables
