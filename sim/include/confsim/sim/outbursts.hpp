#pragma once
// Outbursts in a series, as Epstein (2002) measures them for Run 2: an outburst begins when the
// series rises above a threshold and ends when it falls below it again.
#include <cstdint>
#include <vector>

namespace confsim::sim {

struct Outburst {
  std::int64_t start = 0;  // first tick above the threshold
  std::int64_t end = 0;    // first tick below it again (or the series' length if it never falls)
  double total = 0;        // sum of the series over [start, end): the paper's "total activation"
};

struct OutburstStatistics {
  std::vector<Outburst> outbursts;       // complete ones only (rose and fell within the series)
  std::vector<std::int64_t> waits;       // ticks from the end of one outburst to the start of the next
  double mean_total = 0, sd_total = 0;   // over outbursts
  double mean_wait = 0, sd_wait = 0;     // over waits
};

// Outbursts of `series` above `threshold`; a value equal to the threshold neither starts nor ends one.
OutburstStatistics find_outbursts(const std::vector<double>& series, double threshold);

}  // namespace confsim::sim
