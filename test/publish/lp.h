// A small dense two-phase simplex (Bland's rule, so it cannot cycle) for the
// suppression attack: min or max of one variable over {x >= 0 : A x = b}.
// Tables with their totals are network-flow systems (totally unimodular), so
// the optimum of the linear programme is an integer and equals the bound over
// non-negative integers.
#pragma once
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

namespace u5::publish::test {

// nullopt: infeasible; +-infinity: unbounded.
inline std::optional<double> Optimize(std::vector<std::vector<double>> A, std::vector<double> b, size_t var,
                                      bool maximize) {
  const double eps = 1e-9;
  const size_t m = A.size(), n = m ? A[0].size() : 0;
  for (size_t i = 0; i < m; ++i)
    if (b[i] < 0) {
      for (double& a : A[i]) a = -a;
      b[i] = -b[i];
    }
  // Tableau: n structural + m artificial columns, then the right-hand side.
  const size_t cols = n + m + 1;
  std::vector<std::vector<double>> T(m, std::vector<double>(cols, 0));
  std::vector<size_t> basis(m);
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < n; ++j) T[i][j] = A[i][j];
    T[i][n + i] = 1;
    T[i][cols - 1] = b[i];
    basis[i] = n + i;
  }
  // Minimises cost·x over the current tableau; false when unbounded.
  auto run = [&](const std::vector<double>& cost, size_t allowed) {
    for (;;) {
      size_t enter = cols;
      for (size_t j = 0; j < allowed && enter == cols; ++j) {
        double r = cost[j];
        for (size_t i = 0; i < m; ++i) r -= cost[basis[i]] * T[i][j];
        if (r < -eps) enter = j;
      }
      if (enter == cols) return true;
      size_t leave = m;
      double best = 0;
      for (size_t i = 0; i < m; ++i)
        if (T[i][enter] > eps) {
          const double ratio = T[i][cols - 1] / T[i][enter];
          if (leave == m || ratio < best - eps || (std::fabs(ratio - best) <= eps && basis[i] < basis[leave]))
            leave = i, best = ratio;
        }
      if (leave == m) return false;
      const double p = T[leave][enter];
      for (double& x : T[leave]) x /= p;
      for (size_t i = 0; i < m; ++i)
        if (i != leave && std::fabs(T[i][enter]) > eps) {
          const double f = T[i][enter];
          for (size_t j = 0; j < cols; ++j) T[i][j] -= f * T[leave][j];
        }
      basis[leave] = enter;
    }
  };
  std::vector<double> phase1(n + m, 0);
  for (size_t i = 0; i < m; ++i) phase1[n + i] = 1;
  run(phase1, n + m);
  double infeas = 0;
  for (size_t i = 0; i < m; ++i)
    if (basis[i] >= n) infeas += T[i][cols - 1];
  if (infeas > 1e-6) return std::nullopt;
  // Drive artificial variables still basic (at zero) out where possible.
  for (size_t i = 0; i < m; ++i)
    if (basis[i] >= n)
      for (size_t j = 0; j < n; ++j)
        if (std::fabs(T[i][j]) > eps) {
          const double p = T[i][j];
          for (double& x : T[i]) x /= p;
          for (size_t k = 0; k < m; ++k)
            if (k != i && std::fabs(T[k][j]) > eps) {
              const double f = T[k][j];
              for (size_t c = 0; c < cols; ++c) T[k][c] -= f * T[i][c];
            }
          basis[i] = j;
          break;
        }
  std::vector<double> cost(n + m, 0);
  cost[var] = maximize ? -1 : 1;
  if (!run(cost, n)) return maximize ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < m; ++i)
    if (basis[i] == var) return T[i][cols - 1];
  return 0.0;
}

}  // namespace u5::publish::test
