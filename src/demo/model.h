// Internal to the demo generator: communes with their calibrated rates, the
// record emitter (ids, timestamps, defects) and the per-family generators.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "demo/generator.h"
#include "demo/json_body.h"
#include "demo/names.h"
#include "demo/profile.h"
#include "demo/rng.h"
#include "store/record.h"

namespace u5::demo {

// Rates of one commune after the remote/other split (docs/demo.md, "Communes").
struct Rates {
  double anc4, facility, home_skilled, home_village_midwife, postnatal_week1;
  double low_birth_weight, eenc_facility, eenc_home, early_breastfeeding;
  double full_immunization, vitamin_a, pneumonia_antibiotic;
  double haz_mean, whz_mean;   // shifts of the WHO standard giving the stunting and wasting prevalence
  double under5_death, neonatal_share, infant_share;
  double stillbirth, maternal_death, caesarean, station_share;
  double pneumonia_per_year, diarrhoea_per_year, fever_per_year, injury_per_year;
  double vaccine_delay_days;   // mean delay after the due age
};

struct Commune {
  std::string code, name, division_type;
  int64_t population = 0;
  bool population_estimated = false;
  double area_km2 = 0;
  bool remote = false, town = false;
  double births_per_year = 0;
  const Profile* profile = nullptr;
  Rates rates{};
  std::vector<std::string> villages;
};

struct Woman {
  std::string id, name, village, poverty;
  Date birth{};
  Ethnic ethnic = Ethnic::kinh;
  Date free_from{};   // no new pregnancy before this lmp
  int para = 0;
  bool previous_caesarean = false;
  Date last_birth{-100000};
  bool emitted = false, dead = false;
};

struct Child {
  std::string id, name, sex;
  Date birth{};
  Ethnic ethnic = Ethnic::kinh;
  bool female = false;
  bool hepb_birth_dose = false;
  bool born_in_window = false;
  bool facility_birth = false;
};

// Collects records in insertion order (a person before its events, a
// pregnancy before its visits) and hands full batches to `flush`.
class Emitter {
 public:
  Emitter(const Options& opts, Date window_from, Date window_to, Sink flush);

  Date from() const { return from_; }
  Date to() const { return to_; }
  bool InWindow(Date d) const { return d >= from_ && d <= to_; }
  const DefectRates& defects() const { return opts_.defects; }

  // A UUIDv7 whose timestamp is `d` at `minute` (local time) and random bits from rng.
  std::string NewId(Rng& rng, Date d, int minute);
  // Fills envelope, id-derived columns and the body (adding id, and the
  // defect note when one is drawn). `defect_tag` forces a given note.
  Status Person(Rng& rng, store::Record&& r, JsonBody& body, const char* defect_tag = nullptr);
  Status Event(Rng& rng, store::Record&& r, JsonBody& body, const char* defect_tag = nullptr);
  // Draws whether an optional-field defect applies to the next record.
  bool DrawMissing(Rng& rng) { return rng.Chance(opts_.defects.missing_optional); }
  Status Flush();
  int64_t persons() const { return persons_; }
  int64_t events() const { return events_; }

 private:
  Status Push(Rng& rng, store::Record&& r, JsonBody& body, const char* tag);

  const Options& opts_;
  Date from_, to_;
  Sink flush_;
  std::vector<store::Record> batch_;
  int64_t persons_ = 0, events_ = 0;
};

// Generates every birth (and pregnancy) of a commune with its care events.
Status GenerateCommune(const Commune& c, Emitter& out, Rng& rng, int64_t births, Date births_from, Date births_to);
// Events of one live-born child from birth (or the window start) to the window end.
Status GenerateChildLife(const Commune& c, Emitter& out, Rng& rng, const Child& child, const Woman* mother);
// Periodic health checks of a child dated lo..hi (health_check.cpp), from the child's own random stream.
Status GenerateHealthChecks(const Commune& c, Emitter& out, const Child& child, Date lo, Date hi);

// Deaths (deaths.cpp): where a death happened, its notification fields, and
// its review with the board's actions.
struct DeathFacts {
  std::string death_id, person_id;
  const char* icd10 = nullptr;
  const char* contributing = nullptr;   // a contributing cause the review may add
  const char* icd_mm_group = nullptr;   // maternal deaths
  bool maternal = false, perinatal = false, at_facility = false;
};
struct ReviewPlan {
  enum Kind { none, draft, complete } status = none;
  Date date{};
};
const char* DrawDeathPlace(Rng& rng, const Commune& c);
// Time and place of death, and the notification with its derived hours (none yet when it would fall after the window).
void AddNotification(Rng& rng, const Commune& c, const Emitter& out, JsonBody& b, Date d, int minute, std::string_view place,
                     Ethnic ethnic);
// Whether and when the death is reviewed, and how far the review got.
ReviewPlan PlanReview(Rng& rng, const Emitter& out, Date death, bool maternal);
Status EmitReview(const Commune& c, Emitter& out, Rng& rng, const ReviewPlan& plan, const DeathFacts& d);

// Calibration helpers (model.cpp).
double InverseNormalCdf(double p);
void CalibrateRates(std::vector<Commune>& communes);

}  // namespace u5::demo

namespace u5::demo {

// "2025-12-05" (FormatDate without printf, for the hot path).
std::string IsoDate(Date d);
// "2025-12-05T08:30:00+07:00"
std::string LocalDateTime(Date d, int minute);
// New event/person record with the common columns filled.
store::Record NewEvent(Emitter& out, Rng& rng, const char* type, const std::string& person_id,
                       const std::string& orgunit, Date d, int minute);
// The commune's health station if it has one, else the commune itself.
std::string StationOf(const Commune& c);

}  // namespace u5::demo
