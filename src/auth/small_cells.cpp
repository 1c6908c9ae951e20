#include "auth/small_cells.h"

#include <algorithm>

namespace u5::auth {

namespace {
bool Small(int64_t c, int threshold) { return c > 0 && c < threshold; }

int64_t Count(const nlohmann::json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_number_integer() ? j[k].get<int64_t>() : 0;
}
}  // namespace

bool IsSmallCell(const CountCell& c, int threshold) {
  return Small(c.numerator, threshold) || Small(c.denominator, threshold);
}

std::vector<bool> CellsToHide(const std::vector<CountCell>& cells, int threshold) {
  std::vector<bool> hide(cells.size(), false);
  size_t hidden = 0;
  for (size_t i = 0; i < cells.size(); ++i)
    if (IsSmallCell(cells[i], threshold)) hide[i] = true, ++hidden;
  if (hidden != 1) return hide;
  // The complement: the smallest shown cell, preferring one that has counts
  // (hiding a zero cell would not stop "total minus the others").
  size_t best = cells.size();
  for (size_t i = 0; i < cells.size(); ++i) {
    if (hide[i]) continue;
    auto key = [&](size_t k) { return std::make_tuple(cells[k].numerator == 0 && cells[k].denominator == 0, cells[k].numerator, cells[k].denominator); };
    if (best == cells.size() || key(i) < key(best)) best = i;
  }
  if (best < cells.size()) hide[best] = true;
  return hide;
}

void SuppressSmallCells(nlohmann::json& item, int threshold) {
  if (!item.is_object()) return;
  const CountCell total{Count(item, "numerator"), Count(item, "denominator")};
  const bool has_breakdown = item.contains("breakdown") && item["breakdown"].is_object() &&
                             item["breakdown"].contains("groups") && item["breakdown"]["groups"].is_object();
  auto blank = [](nlohmann::json& cell) {
    cell.erase("numerator");
    cell.erase("denominator");
    if (cell.contains("value")) cell["value"] = nullptr;
    // An interval around a hidden value would give it back.
    for (const char* k : {"ci_low", "ci_high"})
      if (cell.contains(k)) cell[k] = nullptr;
    cell["suppressed"] = true;
  };
  if (IsSmallCell(total, threshold)) {
    blank(item);
    if (has_breakdown)
      for (auto& [k, g] : item["breakdown"]["groups"].items()) blank(g);
    return;
  }
  if (!has_breakdown) return;
  auto& groups = item["breakdown"]["groups"];
  std::vector<std::string> keys;
  std::vector<CountCell> cells;
  for (auto it = groups.begin(); it != groups.end(); ++it) {
    keys.push_back(it.key());
    cells.push_back({Count(it.value(), "numerator"), Count(it.value(), "denominator")});
  }
  const std::vector<bool> hide = CellsToHide(cells, threshold);
  for (size_t i = 0; i < keys.size(); ++i)
    if (hide[i]) blank(groups[keys[i]]);
}

}  // namespace u5::auth
