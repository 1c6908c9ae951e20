// What a national instance stores (tables national_*, migration 26;
// docs/federation.md): the monthly aggregates each province pushes, one value
// per commune, indicator and month, and the mark that makes a database a
// national instance, after which the store refuses every person-level record.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "audit/entry.h"
#include "core/status.h"

namespace u5::store {

struct NationalValue {
  std::string orgunit, indicator;
  int64_t num = 0, den = 0;
  std::string value;  // as pushed, 4 decimals; empty: no value (no denominator)
};

// One part of a push: some communes of one province for one month.
struct NationalPart {
  std::string province, period;  // 2025 province code, YYYY-MM
  std::vector<NationalValue> values;
};

struct NationalApplied {
  int64_t accepted = 0;   // new (commune, indicator, month)
  int64_t replaced = 0;   // held with other figures: the old row goes to the history
  int64_t unchanged = 0;  // held with the same figures: nothing written
};

// What the national side holds of one province and month: its values' count
// and their fingerprint (NationalFingerprint), which a pusher compares with its own.
struct NationalHolding {
  std::string period;
  int64_t values = 0;
  std::string fingerprint;
};

// Sums of numerators and denominators over a range of months, by province
// (and by commune when asked) and indicator.
struct NationalSum {
  std::string province, orgunit, indicator;  // orgunit empty unless by commune
  int64_t num = 0, den = 0;
  int64_t months = 0;  // distinct months summed
};

// SHA-256 (hex) of the values sorted by (commune, indicator), one line each
// "orgunit|indicator|num|den|value": the same on both sides of a push.
std::string NationalFingerprint(std::vector<NationalValue> values);
// A province's values grouped by month (YYYY-MM) as Holdings answers them, in month order.
std::vector<NationalHolding> NationalHoldings(std::map<std::string, std::vector<NationalValue>> by_month);

class National {
 public:
  virtual ~National() = default;
  // Makes this database a national instance (idempotent), with `audit` in the
  // same transaction; Conflict when it already holds person-level records.
  virtual Status MarkNational(const audit::Entry& audit) = 0;
  virtual Status IsNational(bool* out) = 0;
  // Applies one part in one transaction: new values inserted, changed ones
  // replaced (the old row kept in the history), equal ones left alone. Then
  // `stamp` gets the counts to complete the audit entry written in the same
  // transaction.
  virtual Status Apply(const NationalPart& part, const audit::Entry& audit,
                       const std::function<void(const NationalApplied&, audit::Entry*)>& stamp,
                       NationalApplied* out) = 0;
  // Each month of [from, to] (YYYY-MM) the province has values for, in order.
  virtual Status Holdings(const std::string& province, const std::string& from, const std::string& to,
                          std::vector<NationalHolding>* out) = 0;
  // Sums over the months [from, to]; `indicators` empty: all; `province`
  // empty: every province; `by_commune`: one row per commune instead.
  virtual Status Sums(const std::string& from, const std::string& to, const std::vector<std::string>& indicators,
                      const std::string& province, bool by_commune, std::vector<NationalSum>* out) = 0;
};

}  // namespace u5::store
