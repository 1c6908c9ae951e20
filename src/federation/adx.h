// ADX (IHE QRPH Aggregate Data Exchange) as the push carries it: the
// province side writes it with report::ToAdx, the national side reads it here
// (libxml2), checks it against data/reports/schema/adx.xsd and turns each
// group into the values of one commune and month (docs/federation.md).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "indicator/catalogue.h"
#include "store/national.h"

namespace u5::federation {

// The data set code of a push: one group per commune and month.
inline constexpr const char* kDataSet = "U5_NATIONAL_MONTHLY";

struct AdxValue {
  std::string data_element, value;
};
struct AdxGroup {
  std::string orgunit, period, dataset;
  std::vector<AdxValue> values;
};
struct AdxDocument {
  std::string exported;
  std::vector<AdxGroup> groups;
};

// Parses `xml`; with `schema_path` it must also validate against that XSD.
// Invalid naming field "adx" and the parser's or validator's first complaint.
Status ParseAdx(std::string_view xml, const std::string& schema_path, AdxDocument* out);

// The month of an ADX period ("2026-07-01/P1M" -> "2026-07"); Invalid otherwise.
Status AdxMonth(const std::string& period, std::string* month);

// A group's data values as catalogue indicators' (numerator, denominator,
// value) triples: each data element U5_<ID>_NUM / _DEN / _VAL of an indicator
// of `cat`; NUM and DEN required and whole, non-negative numbers.
Status GroupValues(const indicator::Catalogue& cat, const AdxGroup& g, std::vector<store::NationalValue>* out);

// "%.4f", the one way both sides write a value.
std::string FormatValue(double v);

}  // namespace u5::federation
