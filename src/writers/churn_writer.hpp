#pragma once

#include "tables/churn.hpp"

#include <string>
#include <vector>

namespace gh::writers {

/// How churn statistics are written: an aligned table for people, CSV (RFC 4180), or a
/// JSON array of objects in which numbers stay numbers and an undefined statistic is null.
enum class ChurnFormat { table, csv, json };

/// One row per summary: a playlist each, and the one of all playlists together.
std::string render_churn_summaries(const std::vector<tables::ChurnSummary>& summaries,
                                   ChurnFormat format);

/// One row per playlist and period of a time series by `period`.
std::string render_churn_series(const std::vector<tables::PeriodStats>& series,
                                tables::Period period, ChurnFormat format);

} // namespace gh::writers
