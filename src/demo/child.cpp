// A child's care from birth (or the window's start) to the window's end or
// death: postnatal visits, vaccines, growth, vitamin A, illness, injuries.
#include <algorithm>
#include <cmath>

#include "demo/model.h"
#include "growth/lms.h"
#include "growth/who_tables.h"
#include "registry/growth_status.h"

namespace u5::demo {
namespace {

using growth::Indicator;

double Round1(double v) { return std::round(v * 10) / 10; }

struct Span {
  Date lo, hi;  // inclusive; empty when lo > hi
  bool Has(Date d) const { return d >= lo && d <= hi; }
};

struct Vaccine {
  const char* name;
  int dose;
  int due_days;
  bool first_year;  // part of "fully immunized before the first birthday"
};
// Vietnam's EPI schedule as the demo uses it (docs/demo.md).
const Vaccine kSchedule[] = {
    {"bcg", 1, 0, true},        {"dtp_hepb_hib", 1, 61, true}, {"opv", 1, 61, true},  {"dtp_hepb_hib", 2, 91, true},
    {"opv", 2, 91, true},       {"dtp_hepb_hib", 3, 122, true}, {"opv", 3, 122, true}, {"ipv", 1, 152, false},
    {"measles", 1, 274, true},  {"ipv", 2, 274, false},        {"je", 1, 365, false}, {"je", 2, 379, false},
    {"mr", 1, 548, false},      {"dtp", 4, 548, false},        {"je", 3, 730, false},
};

Status Vaccines(const Commune& c, Emitter& out, Rng& rng, const Child& ch, Span span) {
  const Rates& x = c.rates;
  const bool full = rng.Chance(x.full_immunization);
  const bool late = !full && rng.Chance(0.35);
  // Children who are not fully immunized stop at a random visit of the first year.
  const int stop = full || late ? 1000 : static_cast<int>(rng.Below(9));
  Date prev{ch.birth.days - 28};
  int prev_due = -1;
  Date visit{};
  const size_t n = sizeof kSchedule / sizeof kSchedule[0];
  for (size_t i = 0; i < n; ++i) {
    const Vaccine& v = kSchedule[i];
    if (static_cast<int>(i) >= stop) break;
    if (!full && !late && i >= 9) break;
    if (v.due_days != prev_due) {
      // Doses due together are given at one visit.
      double delay = rng.Exponential(x.vaccine_delay_days);
      if (full) delay = std::min(delay, 20.0);
      if (late && std::string_view(v.name) == "measles") delay = 95 + rng.Below(90);
      int day = std::max(prev.days + 28, ch.birth.days + v.due_days + static_cast<int>(delay));
      if (v.due_days == 0) day = ch.birth.days + static_cast<int>(std::min(delay, 28.0));
      if (v.due_days == 379) day = prev.days + 7 + static_cast<int>(rng.Below(8));
      visit = Date{day};
      prev = visit;
      prev_due = v.due_days;
      if (!full && !late && rng.Chance(0.03)) break;
    }
    if (!span.Has(visit)) continue;
    auto r = NewEvent(out, rng, "immunization", ch.id, c.code, visit, 8 * 60 + static_cast<int>(rng.Below(9 * 60)));
    JsonBody b;
    b.Str("vaccine", v.name).Int("dose", v.dose);
    const bool missing = out.DrawMissing(rng);
    if (!missing) b.Str("facility", StationOf(c));
    if (!missing && rng.Chance(0.5)) {
      int y;
      unsigned m, d;
      YmdFromDate(visit, y, m, d);
      b.Str("lot", std::string(v.name).substr(0, 3) + std::to_string(y % 100 * 100 + m) + "-" + std::to_string(100 + rng.Below(900)));
    }
    U5_RETURN_IF_ERROR(out.Event(rng, std::move(r), b, missing ? kTagMissing : nullptr));
  }
  if (ch.hepb_birth_dose && span.Has(ch.birth)) {
    auto r = NewEvent(out, rng, "immunization", ch.id, c.code, ch.birth, 23 * 60);
    JsonBody b;
    b.Str("vaccine", "hepb").Int("dose", 0);
    if (!ch.facility_birth || c.remote) b.Str("facility", StationOf(c));
    U5_RETURN_IF_ERROR(out.Event(rng, std::move(r), b));
  }
  return Status::Ok();
}

// Weight at a weight-for-length/height z on the WHO restricted scale
// (beyond +-3 SD the distance is measured in 2-3 SD steps, as anthro does).
double WeightAt(const growth::Lms& p, double z) {
  if (z > 3) {
    const double sd3 = growth::lms_value(p, 3), sd2 = growth::lms_value(p, 2);
    return sd3 + (z - 3) * (sd3 - sd2);
  }
  if (z < -3) {
    const double sd3 = growth::lms_value(p, -3), sd2 = growth::lms_value(p, -2);
    return sd3 + (z + 3) * (sd2 - sd3);
  }
  return growth::lms_value(p, z);
}

struct GrowthState {
  double haz_child, whz_child, hc_z;
};

Status Measure(const Commune& c, Emitter& out, Rng& rng, const Child& ch, const GrowthState& g, Date d) {
  const int sex = ch.female ? 2 : 1;
  const int age = d.days - ch.birth.days;
  const bool lying = CompletedMonths(ch.birth, d) < 24;
  const double haz = g.haz_child + 0.2 * rng.Normal();
  const double whz = g.whz_child + std::sqrt(0.5) * rng.Normal();
  const auto lhfa = growth::who_table(Indicator::length_height_for_age, sex);
  const double length = std::clamp(Round1(growth::lms_value(lhfa.at(std::min(age, lhfa.last)), haz)), 35.0, 130.0);
  const auto wfl = growth::who_table(lying ? Indicator::weight_for_length : Indicator::weight_for_height, sex);
  const int lx = static_cast<int>(std::lround(length * 10));
  const bool implausible = wfl.contains(lx) && rng.Chance(out.defects().implausible_growth);
  double weight;
  if (wfl.contains(lx)) {
    weight = WeightAt(wfl.at(lx), implausible ? 6.0 : whz);
  } else {
    const auto wfa = growth::who_table(Indicator::weight_for_age, sex);
    weight = growth::lms_value(wfa.at(std::min(age, wfa.last)), whz);
  }
  weight = std::clamp(Round1(weight), 0.5, 40.0);
  auto r = NewEvent(out, rng, "growth", ch.id, c.code, d, 8 * 60 + static_cast<int>(rng.Below(9 * 60)));
  // The registry derives z-scores and nutrition status from the inputs; the
  // demo calls the same code so the stored body is what validation gives.
  nlohmann::json in = nlohmann::json::object();
  const bool missing = !implausible && out.DrawMissing(rng);
  in["weight_kg"] = weight;
  if (!missing) {
    in["length_cm"] = length;
    in["measure"] = lying ? "l" : "h";
  }
  if (lying && rng.Chance(0.3)) {
    const auto hc = growth::who_table(Indicator::head_circumference_for_age, sex);
    in["head_circumference_cm"] = std::clamp(Round1(growth::lms_value(hc.at(std::min(age, hc.last)), g.hc_z)), 25.0, 60.0);
  }
  const auto ac = growth::who_table(Indicator::arm_circumference_for_age, sex);
  if (CompletedMonths(ch.birth, d) >= 6 && ac.contains(age) && rng.Chance(0.3)) {
    const double muac = growth::lms_value(ac.at(age), whz) * 10;
    in["muac_mm"] = static_cast<long long>(std::clamp(static_cast<int>(std::lround(muac)), 60, 250));
  }
  registry::AddGrowthStatus(in, ch.sex, age);
  JsonBody b;
  for (auto it = in.begin(); it != in.end(); ++it) b.Raw(it.key(), it.value().dump());
  const char* tag = implausible ? kTagImplausible : missing ? kTagMissing : nullptr;
  return out.Event(rng, std::move(r), b, tag);
}

Status Growth(const Commune& c, Emitter& out, Rng& rng, const Child& ch, Span span) {
  GrowthState g{c.rates.haz_mean + std::sqrt(0.96) * rng.Normal(), c.rates.whz_mean + std::sqrt(0.5) * rng.Normal(), 0.8 * rng.Normal()};
  // Every other month under two years, then at the June and December rounds.
  for (int m = 1; m < 24; m += 2) {
    const Date d{AddMonths(ch.birth, m).days + rng.Between(-3, 5)};
    if (span.Has(d) && CompletedMonths(ch.birth, d) < 24 && d > ch.birth && rng.Chance(0.85))
      U5_RETURN_IF_ERROR(Measure(c, out, rng, ch, g, d));
  }
  int y;
  unsigned mo, dd;
  YmdFromDate(AddMonths(ch.birth, 24), y, mo, dd);
  for (; y <= 9999; ++y) {
    for (unsigned month : {6u, 12u}) {
      const Date d = DateFromYmd(y, month, 1 + rng.Below(15));
      const int age_m = CompletedMonths(ch.birth, d);
      if (age_m >= 60 || d > span.hi) return Status::Ok();
      if (age_m >= 24 && span.Has(d) && rng.Chance(0.8)) U5_RETURN_IF_ERROR(Measure(c, out, rng, ch, g, d));
    }
  }
  return Status::Ok();
}

Status VitaminA(const Commune& c, Emitter& out, Rng& rng, const Child& ch, Span span) {
  int y;
  unsigned m, d;
  YmdFromDate(AddMonths(ch.birth, 6), y, m, d);
  for (; y <= 9999; ++y) {
    for (unsigned month : {6u, 12u}) {
      const Date date = DateFromYmd(y, month, 1 + rng.Below(5));
      const int age_m = CompletedMonths(ch.birth, date);
      if (age_m >= 36 || date > span.hi) return Status::Ok();
      if (age_m < 6 || !span.Has(date) || !rng.Chance(c.rates.vitamin_a)) continue;
      auto r = NewEvent(out, rng, "vitamin_a", ch.id, c.code, date, 8 * 60 + static_cast<int>(rng.Below(8 * 60)));
      JsonBody b;
      b.Int("dose_iu", age_m < 12 ? 100000 : 200000).Str("campaign_round", month == 6 ? "june" : "december");
      U5_RETURN_IF_ERROR(out.Event(rng, std::move(r), b));
    }
  }
  return Status::Ok();
}

Status Referral(const Commune& c, Emitter& out, Rng& rng, const std::string& person, Date d, const char* reason) {
  const int minute = 8 * 60 + static_cast<int>(rng.Below(10 * 60));
  auto r = NewEvent(out, rng, "referral", person, c.code, d, minute + 1);
  JsonBody b;
  b.Str("from_orgunit", StationOf(c)).Str("to_facility_name", c.remote ? "Trung tâm Y tế khu vực" : "Bệnh viện Sản Nhi tỉnh");
  b.Str("reason", reason).Str("referred_at", LocalDateTime(d, minute));
  b.Str("arrived_at", LocalDateTime(d, minute + 30 + static_cast<int>(rng.Below(150))));
  b.Bool("red_alert", false);
  return out.Event(rng, std::move(r), b);
}

Status Illness(const Commune& c, Emitter& out, Rng& rng, const Child& ch, Span span, Date death, const char* died_of) {
  const Rates& x = c.rates;
  const double rate = x.pneumonia_per_year + x.diarrhoea_per_year + x.fever_per_year;
  auto emit = [&](Date d, const char* kind, bool died) -> Status {
    auto r = NewEvent(out, rng, "illness", ch.id, c.code, d, 8 * 60 + static_cast<int>(rng.Below(9 * 60)));
    JsonBody b;
    const std::string_view k = kind;
    b.Str("kind", kind);
    bool refer = false;
    if (k == "pneumonia" || k == "severe_pneumonia") {
      refer = k == "severe_pneumonia";
      b.Bool("antibiotic", refer ? rng.Chance(0.95) : rng.Chance(x.pneumonia_antibiotic));
    } else if (k == "diarrhoea") {
      const size_t dh = rng.Pick({0.8, 0.17, 0.03});
      const char* levels[] = {"none", "some", "severe"};
      refer = dh == 2;
      b.Str("dehydration", levels[dh]).Bool("ors", rng.Chance(dh ? 0.85 : 0.65)).Bool("zinc", rng.Chance(0.55));
      b.Bool("antibiotic", rng.Chance(0.1));
    } else {
      b.Bool("antibiotic", rng.Chance(0.2));
    }
    b.Bool("referred", refer);
    b.Str("outcome", died ? "died" : refer ? "referred" : "recovered");
    U5_RETURN_IF_ERROR(out.Event(rng, std::move(r), b));
    if (refer && !died) return Referral(c, out, rng, ch.id, d, k == "diarrhoea" ? "Tiêu chảy mất nước nặng" : "Viêm phổi nặng");
    return Status::Ok();
  };
  Date d = span.lo;
  while (true) {
    d = Date{d.days + 1 + static_cast<int>(rng.Exponential(365.0 / rate))};
    if (d > span.hi) break;
    const double u = rng.Uniform() * rate;
    const char* kind = u < x.pneumonia_per_year ? (rng.Chance(0.15) ? "severe_pneumonia" : "pneumonia")
                       : u < x.pneumonia_per_year + x.diarrhoea_per_year ? "diarrhoea"
                       : "fever";
    U5_RETURN_IF_ERROR(emit(d, kind, false));
  }
  if (died_of && out.InWindow(death)) return emit(death, died_of, true);
  return Status::Ok();
}

const char* InjuryKind(Rng& rng, int age_months, const char** place) {
  if (age_months < 12) {
    const char* kinds[] = {"fall", "burn", "suffocation", "choking", "other"};
    const char* places[] = {"home", "home", "home", "home", "other"};
    const size_t k = rng.Pick({0.35, 0.2, 0.15, 0.2, 0.1});
    *place = places[k];
    return kinds[k];
  }
  // Drowning grows with mobility: the commonest injury of older children.
  const double drown = age_months < 24 ? 0.12 : 0.3;
  const char* kinds[] = {"drowning", "fall", "traffic", "burn", "animal_bite", "poisoning", "other"};
  const char* places[] = {"water", "home", "road", "home", "field", "home", "other"};
  const size_t k = rng.Pick({drown, 0.25, 0.14, 0.12, 0.1, 0.05, 0.05});
  *place = places[k];
  return kinds[k];
}

Status Injuries(const Commune& c, Emitter& out, Rng& rng, const Child& ch, Span span, Date death, const char* died_of) {
  auto emit = [&](Date d, const char* kind, const char* place, const char* outcome) -> Status {
    auto r = NewEvent(out, rng, "injury", ch.id, c.code, d, 8 * 60 + static_cast<int>(rng.Below(12 * 60)));
    JsonBody b;
    b.Str("kind", kind).Str("place", place).Str("outcome", outcome);
    return out.Event(rng, std::move(r), b);
  };
  Date d = span.lo;
  while (true) {
    d = Date{d.days + 1 + static_cast<int>(rng.Exponential(365.0 / c.rates.injury_per_year))};
    if (d > span.hi) break;
    const char* place;
    const char* kind = InjuryKind(rng, CompletedMonths(ch.birth, d), &place);
    U5_RETURN_IF_ERROR(emit(d, kind, place, rng.Chance(0.98) ? "recovered" : "disabled"));
  }
  if (died_of && out.InWindow(death)) {
    const std::string_view k = died_of;
    return emit(death, died_of, k == "drowning" ? "water" : k == "traffic" ? "road" : "home", "died");
  }
  return Status::Ok();
}

struct Cause {
  const char* category;
  const char* icd10;
  const char* text;
  const char* illness;  // illness kind recorded on the day, or nullptr
  const char* injury;   // injury kind recorded on the day, or nullptr
  const char* contributing = nullptr;  // a contributing cause a review may name
};

const Cause kNeonatal[] = {{"prematurity", "P07.3", "Đẻ non", nullptr, nullptr},
                           {"birth_asphyxia", "P21.9", "Ngạt khi sinh", nullptr, nullptr},
                           {"neonatal_sepsis", "P36.9", "Nhiễm khuẩn sơ sinh", nullptr, nullptr, "P07.3"},
                           {"congenital", "Q24.9", "Dị tật tim bẩm sinh", nullptr, nullptr},
                           {"pneumonia", "P23.9", "Viêm phổi sơ sinh", nullptr, nullptr},
                           {"unknown", "R99", "Không rõ nguyên nhân", nullptr, nullptr}};
const double kNeonatalW[] = {0.34, 0.24, 0.14, 0.12, 0.08, 0.08};
const Cause kPostNeonatal[] = {{"pneumonia", "J18.9", "Viêm phổi", "severe_pneumonia", nullptr, "E43"},
                               {"diarrhoea", "A09", "Tiêu chảy", "diarrhoea", nullptr, "E43"},
                               {"congenital", "Q24.9", "Dị tật tim bẩm sinh", nullptr, nullptr},
                               {"malnutrition", "E43", "Suy dinh dưỡng nặng", nullptr, nullptr},
                               {"injury_other", "W75", "Ngạt thở", nullptr, "suffocation"},
                               {"infection_other", "A41.9", "Nhiễm khuẩn huyết", "fever", nullptr},
                               {"other", "R68.8", "Nguyên nhân khác", nullptr, nullptr}};
const double kPostNeonatalW[] = {0.32, 0.14, 0.16, 0.06, 0.07, 0.13, 0.12};
const Cause kChild[] = {{"injury_drowning", "W74", "Đuối nước", nullptr, "drowning"},
                        {"injury_traffic", "V89.2", "Tai nạn giao thông", nullptr, "traffic"},
                        {"injury_other", "W19", "Ngã", nullptr, "fall"},
                        {"pneumonia", "J18.9", "Viêm phổi", "severe_pneumonia", nullptr},
                        {"diarrhoea", "A09", "Tiêu chảy", "diarrhoea", nullptr},
                        {"infection_other", "A41.9", "Nhiễm khuẩn huyết", "fever", nullptr},
                        {"other", "R68.8", "Nguyên nhân khác", nullptr, nullptr}};
const double kChildW[] = {0.30, 0.10, 0.08, 0.20, 0.10, 0.10, 0.12};

template <size_t N>
const Cause& PickCause(Rng& rng, const Cause (&causes)[N], const double (&w)[N]) {
  return causes[rng.Pick(w)];
}

}  // namespace

Status GenerateChildLife(const Commune& c, Emitter& out, Rng& rng, const Child& ch, const Woman* mother) {
  const Rates& x = c.rates;
  // Death: about half of under-5 deaths in the first 28 days, most of those in the first week.
  Date death{ch.birth.days + 100000};
  const Cause* cause = nullptr;
  if (rng.Chance(x.under5_death)) {
    const double u = rng.Uniform();
    int age;
    if (u < x.neonatal_share) {
      const double v = rng.Uniform();
      age = v < 0.4 ? 0 : v < 0.75 ? rng.Between(1, 6) : rng.Between(7, 27);
      cause = &PickCause(rng, kNeonatal, kNeonatalW);
    } else if (u < x.infant_share) {
      age = 28 + static_cast<int>(337 * std::pow(rng.Uniform(), 1.6));
      cause = &PickCause(rng, kPostNeonatal, kPostNeonatalW);
    } else {
      age = 365 + static_cast<int>(1460 * std::pow(rng.Uniform(), 1.3));
      age = std::min(age, AddMonths(ch.birth, 60).days - 1 - ch.birth.days);
      cause = &PickCause(rng, kChild, kChildW);
    }
    death = Date{ch.birth.days + age};
  }
  const Date five = Date{AddMonths(ch.birth, 60).days - 1};
  Span span{std::max(ch.birth, out.from()), std::min({out.to(), Date{death.days - 1}, five})};

  if (ch.born_in_window && mother) {
    // Postnatal care: day-1 check after facility births, a week-1 home visit.
    if (ch.facility_birth && rng.Chance(0.6)) {
      const Date d{ch.birth.days + static_cast<int>(rng.Below(2))};
      if (span.Has(d)) {
        auto r = NewEvent(out, rng, "postnatal_visit", ch.id, c.code, d, 20 * 60);
        JsonBody b;
        b.Int("days_after_birth", d.days - ch.birth.days).Str("place", "facility").Str("visitor", "health_worker");
        b.Bool("danger_signs", false);
        U5_RETURN_IF_ERROR(out.Event(rng, std::move(r), b));
      }
    }
    if (rng.Chance(x.postnatal_week1)) {
      const Date d{ch.birth.days + rng.Between(2, 7)};
      if (span.Has(d)) {
        const char* visitor = rng.Chance(c.remote ? 0.5 : 0.8) ? "health_worker" : "village_health_worker";
        const bool danger = rng.Chance(0.04);
        auto r = NewEvent(out, rng, "postnatal_visit", ch.id, c.code, d, 9 * 60);
        JsonBody b;
        b.Int("days_after_birth", d.days - ch.birth.days).Str("place", "home").Str("visitor", visitor);
        b.Bool("danger_signs", danger);
        if (danger) b.Bool("referred", true);
        U5_RETURN_IF_ERROR(out.Event(rng, std::move(r), b));
        if (!mother->dead) {
          auto m = NewEvent(out, rng, "postnatal_visit", mother->id, c.code, d, 9 * 60 + 20);
          JsonBody mb;
          mb.Str("place", "home").Str("visitor", visitor).Bool("danger_signs", false);
          U5_RETURN_IF_ERROR(out.Event(rng, std::move(m), mb));
        }
      }
    }
  }
  U5_RETURN_IF_ERROR(Vaccines(c, out, rng, ch, span));
  U5_RETURN_IF_ERROR(Growth(c, out, rng, ch, span));
  U5_RETURN_IF_ERROR(VitaminA(c, out, rng, ch, span));
  U5_RETURN_IF_ERROR(GenerateHealthChecks(c, out, ch, span.lo, span.hi));
  U5_RETURN_IF_ERROR(Illness(c, out, rng, ch, span, death, cause ? cause->illness : nullptr));
  U5_RETURN_IF_ERROR(Injuries(c, out, rng, ch, span, death, cause ? cause->injury : nullptr));
  if (cause && out.InWindow(death)) {
    auto r = NewEvent(out, rng, "death", ch.id, c.code, death, 23 * 60 + 30);
    DeathFacts facts{.death_id = r.id, .person_id = ch.id, .icd10 = cause->icd10, .contributing = cause->contributing};
    JsonBody b;
    const int age = death.days - ch.birth.days;
    const int months = CompletedMonths(ch.birth, death);
    b.Int("age_at_death_days", age).Str("age_group", age < 28 ? "neonatal" : months < 12 ? "post_neonatal" : "child_1_4");
    b.Str("category", age < 7 ? "early_neonatal" : age < 28 ? "late_neonatal" : months < 12 ? "post_neonatal" : "child_1_4");
    if (mother) b.Str("mother_id", mother->id);
    const std::string_view place = DrawDeathPlace(rng, c);
    facts.at_facility = place == "commune_station" || place == "district_hospital" || place == "province_hospital";
    facts.perinatal = age < 7;
    // Before 23:30, the minute the record's id is stamped at.
    AddNotification(rng, c, out, b, death, static_cast<int>(rng.Below(23 * 60 + 30)), place, ch.ethnic);
    b.Str("cause_category", cause->category).Str("icd10", cause->icd10).Str("cause_text", cause->text);
    const ReviewPlan review = PlanReview(rng, out, death, false);
    U5_RETURN_IF_ERROR(out.Event(rng, std::move(r), b));
    U5_RETURN_IF_ERROR(EmitReview(c, out, rng, review, facts));
  }
  return Status::Ok();
}

}  // namespace u5::demo
