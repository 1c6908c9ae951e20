// The province side of the push (docs/federation.md): each month's
// aggregates by commune, every catalogue indicator counted from records with
// its numerator and denominator, sent as ADX to the national instance in
// parts of whole communes, each part applied there atomically. Before a month
// it asks what the national side holds (a fingerprint per province and
// month) and skips a month already held as it is: a repeated or resumed push
// sends only what is missing or changed.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "audit/entry.h"
#include "core/status.h"
#include "indicator/service.h"
#include "store/national.h"
#include "store/store.h"

namespace u5::federation {

// Indicators a push carries: computed from records with a counted
// denominator (an entered denominator, a population, is the national side's own).
bool Pushed(const indicator::Indicator& ind);

// Every pushed indicator of every commune of `province` for `month` (YYYY-MM).
Status ComputeMonth(indicator::Service& svc, store::Store& store, const std::string& province, const std::string& month,
                    store::NationalPart* out);

// The part's ADX documents (report::ToAdx, data set kDataSet), whole communes
// each, every document at most about `max_bytes`.
std::vector<std::string> AdxDocuments(const store::NationalPart& part, size_t max_bytes, const std::string& exported_at);

struct PushOptions {
  std::string url;              // http://host:port of the national instance
  std::string credential_file;  // JSON {"username", "password"} of a province_push user there
  std::string from, to;         // months, YYYY-MM, inclusive
  size_t part_bytes = 256 * 1024;
};

struct PushTotals {
  int64_t months_sent = 0, months_unchanged = 0, parts = 0;
  int64_t accepted = 0, replaced = 0, unchanged = 0;
};

// Pushes the months [from, to] of the credential's province; a line of
// progress a month on `progress`. Stops at the first failure with its reason.
Status Push(indicator::Service& svc, store::Store& store, const PushOptions& o, std::ostream& progress, PushTotals* totals);

// Push, then one `national_push` entry in this database's audit trail (who:
// `audit`'s user; where to, the months, the counts, the result), success or not.
Status PushAudited(indicator::Service& svc, store::Store& store, const PushOptions& o, const audit::Entry& audit,
                   std::ostream& progress, PushTotals* totals);

}  // namespace u5::federation
