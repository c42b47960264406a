#include "confsim/sim/sensitivity.hpp"

#include <algorithm>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "confsim/sim/distributions.hpp"
#include "confsim/sim/rng.hpp"
#include "confsim/sim/statistics.hpp"

namespace confsim::sim {
namespace {

double mean(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

// The indices from the base rows listed in `rows` (all of them, or a bootstrap resample).
void estimate(const SaltelliDesign& d, const std::vector<double>& f, const std::vector<std::size_t>& rows,
              std::vector<double>& first, std::vector<double>& total, double& variance) {
  const std::size_t n = d.base;
  std::vector<double> ab;
  ab.reserve(2 * rows.size());
  for (std::size_t j : rows) {
    ab.push_back(f[j]);
    ab.push_back(f[n + j]);
  }
  const double m = mean(ab);
  variance = 0;
  for (double y : ab) variance += (y - m) * (y - m);
  variance /= static_cast<double>(ab.size() - 1);
  first.assign(d.parameters, 0.0);
  total.assign(d.parameters, 0.0);
  for (std::size_t i = 0; i < d.parameters; ++i) {
    const std::size_t block = (2 + i) * n;
    double s1 = 0, st = 0;
    for (std::size_t j : rows) {
      const double fa = f[j], fb = f[n + j], fab = f[block + j];
      s1 += fb * (fab - fa);
      st += (fa - fab) * (fa - fab);
    }
    const auto count = static_cast<double>(rows.size());
    first[i] = variance > 0 ? s1 / count / variance : 0.0;
    total[i] = variance > 0 ? st / (2 * count) / variance : 0.0;
  }
}

}  // namespace

SaltelliDesign saltelli_design(std::size_t base, std::size_t parameters) {
  if (base < 2 || parameters < 1) throw std::invalid_argument("a Saltelli design needs 2 or more base rows and a parameter");
  SaltelliDesign d{base, parameters, {}};
  boost::random::sobol sequence(2 * parameters);
  sequence.discard(2 * parameters);  // the origin is the first point; it is nobody's sample
  const long double scale = static_cast<long double>(boost::random::sobol::max()) + 1.0L;
  std::vector<std::vector<double>> a(base, std::vector<double>(parameters)), b = a;
  for (std::size_t j = 0; j < base; ++j) {
    for (std::size_t i = 0; i < parameters; ++i) a[j][i] = static_cast<double>(sequence() / scale);
    for (std::size_t i = 0; i < parameters; ++i) b[j][i] = static_cast<double>(sequence() / scale);
  }
  d.points = a;
  d.points.insert(d.points.end(), b.begin(), b.end());
  for (std::size_t i = 0; i < parameters; ++i)
    for (std::size_t j = 0; j < base; ++j) {
      auto row = a[j];
      row[i] = b[j][i];
      d.points.push_back(std::move(row));
    }
  return d;
}

SobolIndices sobol_indices(const SaltelliDesign& d, const std::vector<double>& outputs, std::size_t resamples,
                           double confidence, std::uint64_t seed) {
  if (outputs.size() != d.points.size())
    throw std::invalid_argument("expected one output per design point (" + std::to_string(d.points.size()) + "), got " +
                                std::to_string(outputs.size()));
  SobolIndices s;
  std::vector<std::size_t> all(d.base);
  std::iota(all.begin(), all.end(), std::size_t{0});
  estimate(d, outputs, all, s.first, s.total, s.variance);
  s.first_low = s.first_high = s.first;
  s.total_low = s.total_high = s.total;
  if (resamples == 0) return s;
  std::vector<std::vector<double>> first_draws(d.parameters), total_draws(d.parameters);
  std::vector<std::size_t> rows(d.base);
  std::vector<double> first, total;
  double variance = 0;
  for (std::size_t r = 0; r < resamples; ++r) {
    RandomStream draw(seed, StreamOwner::world, r, 0, Purpose::sensitivity_bootstrap);
    for (auto& row : rows) row = static_cast<std::size_t>(draw_integer(draw, 0, static_cast<std::int64_t>(d.base) - 1));
    estimate(d, outputs, rows, first, total, variance);
    for (std::size_t i = 0; i < d.parameters; ++i) {
      first_draws[i].push_back(first[i]);
      total_draws[i].push_back(total[i]);
    }
  }
  const double tail = (1 - confidence) / 2;
  for (std::size_t i = 0; i < d.parameters; ++i) {
    s.first_low[i] = quantile(first_draws[i], tail);
    s.first_high[i] = quantile(first_draws[i], 1 - tail);
    s.total_low[i] = quantile(total_draws[i], tail);
    s.total_high[i] = quantile(total_draws[i], 1 - tail);
  }
  return s;
}

MorrisDesign morris_design(std::size_t trajectories, std::size_t parameters, std::size_t levels, std::uint64_t seed) {
  if (levels < 2 || levels % 2 != 0) throw std::invalid_argument("Morris levels must be even and at least 2");
  if (trajectories < 1 || parameters < 1) throw std::invalid_argument("a Morris design needs a trajectory and a parameter");
  MorrisDesign d{trajectories, parameters, levels, static_cast<double>(levels) / (2.0 * static_cast<double>(levels - 1)),
                 {}, {}};
  const auto top = static_cast<std::int64_t>(levels / 2 - 1);  // starting levels 0 … levels/2 − 1 leave room for +Δ
  for (std::size_t t = 0; t < trajectories; ++t) {
    RandomStream draw(seed, StreamOwner::world, t, 0, Purpose::morris_design);
    std::vector<double> x(parameters);
    std::vector<double> step(parameters);
    for (std::size_t i = 0; i < parameters; ++i) {
      const double level = static_cast<double>(draw_integer(draw, 0, top)) / static_cast<double>(levels - 1);
      const bool up = draw_integer(draw, 0, 1) == 1;
      x[i] = up ? level : 1.0 - level;  // moving down starts in the upper half, mirrored
      step[i] = up ? d.delta : -d.delta;
    }
    std::vector<std::size_t> order(parameters);
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (std::size_t i = 0; i + 1 < parameters; ++i)
      std::swap(order[i], order[static_cast<std::size_t>(draw_integer(draw, static_cast<std::int64_t>(i),
                                                                        static_cast<std::int64_t>(parameters) - 1))]);
    d.points.push_back(x);
    for (std::size_t i : order) {
      x[i] += step[i];
      d.points.push_back(x);
    }
    d.moved.push_back(order);
  }
  return d;
}

MorrisEffects morris_effects(const MorrisDesign& d, const std::vector<double>& outputs) {
  const std::size_t per = d.parameters + 1;
  if (outputs.size() != d.trajectories * per)
    throw std::invalid_argument("expected one output per design point (" + std::to_string(d.trajectories * per) +
                                "), got " + std::to_string(outputs.size()));
  std::vector<std::vector<double>> effects(d.parameters);
  for (std::size_t t = 0; t < d.trajectories; ++t)
    for (std::size_t s = 0; s < d.parameters; ++s) {
      const std::size_t i = d.moved[t][s];
      const std::size_t before = t * per + s;
      const double dx = d.points[before + 1][i] - d.points[before][i];
      effects[i].push_back((outputs[before + 1] - outputs[before]) / dx);
    }
  MorrisEffects m;
  for (const auto& e : effects) {
    const double mu = mean(e);
    double absolute = 0, squares = 0;
    for (double x : e) {
      absolute += std::abs(x);
      squares += (x - mu) * (x - mu);
    }
    m.mu.push_back(mu);
    m.mu_star.push_back(absolute / static_cast<double>(e.size()));
    m.sigma.push_back(e.size() > 1 ? std::sqrt(squares / static_cast<double>(e.size() - 1)) : 0.0);
  }
  return m;
}

}  // namespace confsim::sim
