#include "report/suppress.h"

#include <set>
#include <utility>

#include "auth/small_cells.h"

namespace u5::report {
namespace {

int64_t CountOf(const Cell& c) { return c.num ? static_cast<int64_t>(*c.num) : 0; }

void Hide(Cell& c) {
  c.num.reset();
  c.text = kSuppressedMark;
  // The interval would give the hidden value back.
  c.ci_low.reset();
  c.ci_high.reset();
  c.small = false;
}

}  // namespace

void SuppressSmallCells(Report* r, int threshold) {
  std::set<std::pair<std::string, std::string>> hidden;  // (indicator, orgunit)
  for (HeadlineItem& h : r->headline) {
    if (!auth::IsSmallCell({h.num, h.den}, threshold)) continue;
    hidden.emplace(h.indicator, r->orgunit);
    h.num = h.den = 0;
    h.value.reset();
    h.status = "suppressed";
    h.ci_low.reset();
    h.ci_high.reset();
    h.small = h.uncertain = false;
  }
  for (Table& t : r->tables) {
    if (t.id == "headline") {
      // Columns: numerator, denominator, value, unit, target, target year, status, interval.
      for (Row& row : t.rows) {
        if (!hidden.count({row.orgunit, r->orgunit})) continue;
        for (size_t c : {0u, 1u, 2u, 6u, 7u})
          if (c < row.cells.size()) Hide(row.cells[c]);
      }
      continue;
    }
    // Section tables: numerator, denominator and value columns per indicator.
    for (size_t c = 0; c + 2 < t.columns.size(); ++c) {
      const std::string& ind = t.columns[c].indicator;
      if (ind.empty() || t.columns[c + 1].indicator != ind || t.columns[c + 2].indicator != ind) continue;
      std::vector<size_t> parts;
      std::vector<auth::CountCell> cells;
      const Row* total = nullptr;
      for (size_t i = 0; i < t.rows.size(); ++i) {
        const Row& row = t.rows[i];
        if (c + 2 >= row.cells.size()) continue;
        if (row.total) {
          total = &row;
          continue;
        }
        parts.push_back(i);
        cells.push_back({CountOf(row.cells[c]), CountOf(row.cells[c + 1])});
      }
      const bool total_small = total && auth::IsSmallCell({CountOf(total->cells[c]), CountOf(total->cells[c + 1])}, threshold);
      std::vector<bool> hide = total_small ? std::vector<bool>(parts.size(), true) : auth::CellsToHide(cells, threshold);
      auto hide_row = [&](Row& row) {
        for (size_t k = 0; k < 3; ++k) Hide(row.cells[c + k]);
        hidden.emplace(ind, row.orgunit);
      };
      for (size_t k = 0; k < parts.size(); ++k)
        if (hide[k]) hide_row(t.rows[parts[k]]);
      if (total_small)
        for (Row& row : t.rows)
          if (row.total) hide_row(row);
      c += 2;
    }
  }
  std::vector<DataValue> kept;
  for (DataValue& v : r->values)
    if (!hidden.count({v.indicator, v.orgunit}) && !auth::IsSmallCell({v.num, v.den}, threshold)) kept.push_back(std::move(v));
  r->values = std::move(kept);
}

}  // namespace u5::report
