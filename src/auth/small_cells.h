// Small-cell suppression for aggregate answers given to roles that must never
// see a single person (ministry) and for public output (docs/security.md):
//  1. a count c with 0 < c < threshold is small; a cell (numerator,
//     denominator) with either count small is hidden;
//  2. when the total is hidden, its whole breakdown is hidden;
//  3. when exactly one cell of a breakdown is hidden and the total is shown,
//     the hidden one could be worked out as total minus the others, so the
//     smallest other non-zero cell is hidden too (its complement).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

namespace u5::auth {

struct CountCell {
  int64_t numerator = 0, denominator = 0;
};

bool IsSmallCell(const CountCell& c, int threshold);
// Which cells of one breakdown to hide (rules 1 and 3), given the total is shown.
std::vector<bool> CellsToHide(const std::vector<CountCell>& cells, int threshold);
// Applies the rules to one indicator answer as the indicator API writes it
// ({"value","numerator","denominator","breakdown":{"groups":{k:{numerator,denominator}}}}):
// hidden cells become {"suppressed": true} and lose their counts and value.
void SuppressSmallCells(nlohmann::json& item, int threshold);

}  // namespace u5::auth
