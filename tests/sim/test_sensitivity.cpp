// The sensitivity estimators on functions whose indices are known in closed form: Ishigami's and
// Sobol's G for the Sobol indices, linear and interacting functions for Morris's effects.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "confsim/sim/sensitivity.hpp"

using namespace confsim;

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<double> evaluate(const std::vector<std::vector<double>>& points,
                             const std::function<double(const std::vector<double>&)>& f) {
  std::vector<double> out;
  for (const auto& p : points) out.push_back(f(p));
  return out;
}

// Ishigami and Homma (1990), a = 7, b = 0.1, on [−π, π]³.
double ishigami(const std::vector<double>& u) {
  const double a = 7, b = 0.1;
  const double x1 = -kPi + 2 * kPi * u[0], x2 = -kPi + 2 * kPi * u[1], x3 = -kPi + 2 * kPi * u[2];
  return std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1);
}

const std::vector<double> kG = {0, 1, 4.5, 9, 99, 99};
double sobol_g(const std::vector<double>& u) {
  double g = 1;
  for (std::size_t i = 0; i < kG.size(); ++i) g *= (std::abs(4 * u[i] - 2) + kG[i]) / (1 + kG[i]);
  return g;
}

}  // namespace

TEST_CASE("Sobol indices of the Ishigami function are its analytical ones, inside their bootstrap intervals",
          "[sensitivity][sobol]") {
  const double a = 7, b = 0.1, pi4 = std::pow(kPi, 4), pi8 = std::pow(kPi, 8);
  const double v1 = 0.5 * std::pow(1 + b * pi4 / 5, 2), v2 = a * a / 8, v13 = b * b * pi8 * 8 / 225;
  const double v = v1 + v2 + v13;
  const auto design = sim::saltelli_design(8192, 3);
  REQUIRE(design.points.size() == 5 * 8192);
  const auto s = sim::sobol_indices(design, evaluate(design.points, ishigami), 200, 0.99, 11);
  const std::vector<double> first = {v1 / v, v2 / v, 0}, total = {(v1 + v13) / v, v2 / v, v13 / v};
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("parameter " << i + 1 << ": S1 " << s.first[i] << " [" << s.first_low[i] << ", " << s.first_high[i]
                      << "], ST " << s.total[i] << " [" << s.total_low[i] << ", " << s.total_high[i] << "]");
    CHECK(s.first[i] == Approx(first[i]).margin(0.02));
    CHECK(s.total[i] == Approx(total[i]).margin(0.02));
    CHECK(s.first_low[i] <= first[i]);
    CHECK(first[i] <= s.first_high[i]);
    CHECK(s.total_low[i] <= total[i]);
    CHECK(total[i] <= s.total_high[i]);
    CHECK(s.first_low[i] < s.first_high[i]);
  }
  CHECK(s.variance == Approx(v).epsilon(0.02));
}

TEST_CASE("Sobol indices of Sobol's G function rank its parameters by their a", "[sensitivity][sobol]") {
  std::vector<double> partial;
  double product = 1;
  for (double ai : kG) {
    partial.push_back(1 / (3 * (1 + ai) * (1 + ai)));
    product *= 1 + partial.back();
  }
  const double v = product - 1;
  const auto design = sim::saltelli_design(8192, kG.size());
  const auto s = sim::sobol_indices(design, evaluate(design.points, sobol_g), 0, 0.95, 1);
  for (std::size_t i = 0; i < kG.size(); ++i) {
    INFO("parameter " << i + 1);
    CHECK(s.first[i] == Approx(partial[i] / v).margin(0.02));
    CHECK(s.total[i] == Approx(partial[i] * product / (1 + partial[i]) / v).margin(0.02));
  }
  CHECK(s.first[0] > s.first[1]);
  CHECK(s.first[1] > s.first[2]);
  CHECK(s.total[2] > s.total[3]);
}

TEST_CASE("a Saltelli design is A, B and each AB_i, from one Sobol sequence without its origin",
          "[sensitivity][design]") {
  const auto d = sim::saltelli_design(64, 4);
  REQUIRE(d.points.size() == 6 * 64);
  for (const auto& p : d.points)
    for (double x : p) {
      CHECK(x >= 0);
      CHECK(x < 1);
    }
  CHECK(d.points[0] != std::vector<double>(4, 0.0));
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 64; ++j) {
      const auto& ab = d.points[(2 + i) * 64 + j];
      for (std::size_t c = 0; c < 4; ++c) CHECK(ab[c] == (c == i ? d.points[64 + j][c] : d.points[j][c]));
    }
  CHECK_THROWS(sim::sobol_indices(d, std::vector<double>(10), 0, 0.95, 1));
}

TEST_CASE("Morris effects of a linear function are its slopes, with no spread", "[sensitivity][morris]") {
  const std::vector<double> slope = {3, -2, 0.5, 0};
  const auto d = sim::morris_design(20, 4, 4, 5);
  REQUIRE(d.points.size() == 20 * 5);
  const auto m = sim::morris_effects(d, evaluate(d.points, [&](const std::vector<double>& x) {
                                       double y = 0;
                                       for (std::size_t i = 0; i < 4; ++i) y += slope[i] * x[i];
                                       return y;
                                     }));
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(m.mu[i] == Approx(slope[i]).margin(1e-9));
    CHECK(m.mu_star[i] == Approx(std::abs(slope[i])).margin(1e-9));
    CHECK(m.sigma[i] == Approx(0).margin(1e-9));
  }
}

TEST_CASE("Morris trajectories move one parameter a step at a time, inside the cube, the same for a seed",
          "[sensitivity][morris]") {
  const auto d = sim::morris_design(30, 6, 4, 9);
  CHECK(d.delta == Approx(4.0 / 6));
  for (std::size_t t = 0; t < 30; ++t)
    for (std::size_t s = 0; s < 6; ++s) {
      const auto& from = d.points[t * 7 + s];
      const auto& to = d.points[t * 7 + s + 1];
      std::size_t changed = 0;
      for (std::size_t i = 0; i < 6; ++i) {
        CHECK(to[i] >= 0);
        CHECK(to[i] <= 1);
        if (from[i] != to[i]) {
          ++changed;
          CHECK(std::abs(to[i] - from[i]) == Approx(d.delta));
          CHECK(i == d.moved[t][s]);
        }
      }
      CHECK(changed == 1);
    }
  CHECK(sim::morris_design(30, 6, 4, 9).points == d.points);
  CHECK(sim::morris_design(30, 6, 4, 10).points != d.points);
  // Interactions show as spread; G's important parameters have the larger mu*.
  const auto g = sim::morris_effects(d, evaluate(d.points, sobol_g));
  CHECK(g.mu_star[0] > g.mu_star[2]);
  CHECK(g.mu_star[2] > g.mu_star[5]);
  CHECK(g.sigma[0] > 0);
  CHECK_THROWS(sim::morris_design(5, 3, 3, 1));  // odd levels
}
