#pragma once
// Summaries of samples shared by scoring, comparison and sensitivity analysis.
#include <vector>

namespace confsim::sim {

// The q-quantile of values, interpolating linearly between order statistics (R's type 7); NaN for none.
double quantile(std::vector<double> values, double q);

}  // namespace confsim::sim
