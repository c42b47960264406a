#include "confsim/sim/outbursts.hpp"

#include <cmath>

namespace confsim::sim {
namespace {
template <class T>
void mean_and_sd(const std::vector<T>& values, double& mean, double& sd) {
  mean = sd = 0;
  if (values.empty()) return;
  for (const T& v : values) mean += static_cast<double>(v);
  mean /= static_cast<double>(values.size());
  if (values.size() < 2) return;
  for (const T& v : values) sd += (static_cast<double>(v) - mean) * (static_cast<double>(v) - mean);
  sd = std::sqrt(sd / static_cast<double>(values.size() - 1));
}
}  // namespace

OutburstStatistics find_outbursts(const std::vector<double>& series, double threshold) {
  OutburstStatistics stats;
  bool inside = false;
  Outburst current;
  for (std::size_t t = 0; t < series.size(); ++t) {
    const double v = series[t];
    if (!inside && v > threshold) {
      inside = true;
      current = {static_cast<std::int64_t>(t), 0, 0};
    } else if (inside && v < threshold) {
      inside = false;
      current.end = static_cast<std::int64_t>(t);
      stats.outbursts.push_back(current);
    }
    if (inside) current.total += v;
  }
  for (std::size_t i = 1; i < stats.outbursts.size(); ++i)
    stats.waits.push_back(stats.outbursts[i].start - stats.outbursts[i - 1].end);
  std::vector<double> totals;
  for (const auto& o : stats.outbursts) totals.push_back(o.total);
  mean_and_sd(totals, stats.mean_total, stats.sd_total);
  mean_and_sd(stats.waits, stats.mean_wait, stats.sd_wait);
  return stats;
}

}  // namespace confsim::sim
