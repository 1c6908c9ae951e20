// The demo generator: a synthetic but realistic registry for whole provinces
// (women, pregnancies, births, children 0-59 months and every kind of care
// event), deterministic by seed. The model is described in docs/demo.md.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "store/store.h"

namespace u5::demo {

// Shares of records carrying a deliberate defect; each such record has a
// note starting with its tag so tests and trainers can find them.
struct DefectRates {
  double late_entry = 0.02;          // "[demo:late_entry]": entered 30-120 days after the event
  double missing_optional = 0.01;    // "[demo:missing_optional]": optional fields left out
  double implausible_growth = 0.002; // "[demo:implausible]": growth weight with |WHZ| > 5 (WHO flag), inside registry bounds
};
inline constexpr const char* kTagLate = "[demo:late_entry]";
inline constexpr const char* kTagMissing = "[demo:missing_optional]";
inline constexpr const char* kTagImplausible = "[demo:implausible]";

struct Options {
  std::vector<std::string> provinces = {"12"};  // 2025 province codes
  int from_year = 0, to_year = 0;  // 0 = the last five full years plus the current one
  int64_t children = 0;            // 0 = births from population; else about this many children under five
  uint64_t seed = 2030;
  Date today = Today();            // nothing is dated after this
  DefectRates defects;
  size_t batch_records = 100000;   // records handed over (and sorted by id) at a time
  // Records per transaction. One transaction by default: into a new database
  // the store then builds its indexes once, by sorting, at the commit.
  size_t commit_records = SIZE_MAX;
};

struct Stats {
  int64_t persons = 0, events = 0, births = 0, communes = 0;
  double seconds = 0;
};

// Called after each commune with the share of the expected births generated
// (0..1) and the records generated so far; the store lags behind by a batch
// or two, and its index build follows the last call.
using Progress = std::function<void(double done, int64_t records)>;

// Receives full batches of records, in an order the store accepts (a person
// before its events, a pregnancy before its visits). The sink takes the
// records and leaves `batch` empty; it may swap in a recycled vector.
using Sink = std::function<Status(std::vector<store::Record>& batch)>;

// As below, but hands the records to `sink` instead of a store (`orgunits`
// only gives the provinces' communes).
Status GenerateTo(const Sink& sink, store::Store& orgunits, const Options& opts, Stats* stats,
                  const Progress& progress = {});

// Reads the provinces' communes from `store` and stores the generated records
// through it. Fails before writing anything when a province is unknown. Once
// the communes are read, the calling thread's connection of `store` is closed,
// so that a load into an empty file has it to itself.
Status Generate(store::Store& store, const Options& opts, Stats* stats,
                const Progress& progress = {});

}  // namespace u5::demo
