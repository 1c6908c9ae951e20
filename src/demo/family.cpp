// Women, pregnancies, antenatal visits, deliveries and newborns of a commune.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "demo/model.h"

namespace u5::demo {

std::string LocalDateTime(Date d, int minute) {
  std::string s = IsoDate(d);
  const int h = minute / 60 % 24, m = minute % 60;
  s += 'T';
  s += static_cast<char>('0' + h / 10);
  s += static_cast<char>('0' + h % 10);
  s += ':';
  s += static_cast<char>('0' + m / 10);
  s += static_cast<char>('0' + m % 10);
  s += ":00+07:00";
  return s;
}

store::Record NewEvent(Emitter& out, Rng& rng, const char* type, const std::string& person_id,
                       const std::string& orgunit, Date d, int minute) {
  store::Record r;
  r.type = type;
  r.id = out.NewId(rng, d, minute);
  r.person_id = person_id;
  r.orgunit_id = orgunit;
  r.date = IsoDate(d);
  return r;
}

std::string StationOf(const Commune& c) { return c.town ? c.code : "tyt:" + c.code; }

namespace {

double Round1(double v) { return std::round(v * 10) / 10; }

Ethnic DrawEthnic(Rng& rng, const Commune& c) {
  const auto& mix = c.remote ? c.profile->ethnic_remote : c.profile->ethnic_other;
  std::vector<double> w;
  for (const auto& e : mix) w.push_back(e.second);
  return mix[rng.Pick(w)].first;
}

Woman NewWoman(Emitter& out, Rng& rng, const Commune& c, Date birth_of_child) {
  Woman w;
  const double mean_age = c.remote ? 23 : c.town ? 29 : 27;
  const double age = std::clamp(mean_age + 5 * rng.Normal(), 15.5, 45.0);
  w.birth = Date{birth_of_child.days - static_cast<int>(age * 365.25)};
  w.ethnic = DrawEthnic(rng, c);
  w.name = PersonName(rng, w.ethnic, true);
  w.village = c.villages[rng.Below(static_cast<uint32_t>(c.villages.size()))];
  const double poor = c.remote ? 0.25 : c.town ? 0.01 : 0.05;
  const double near = c.remote ? 0.15 : c.town ? 0.02 : 0.06;
  const double u = rng.Uniform();
  w.poverty = u < poor ? "poor" : u < poor + near ? "near_poor" : "none";
  w.para = age < 20 ? 0 : static_cast<int>(rng.Below(c.remote ? 3 : 2));
  w.id = out.NewId(rng, w.birth, 8 * 60);
  return w;
}

Status EmitWoman(Emitter& out, Rng& rng, const Commune& c, Woman& w) {
  if (w.emitted) return Status::Ok();
  w.emitted = true;
  store::Record r;
  r.id = w.id;
  r.orgunit_id = c.code;
  r.full_name = w.name;
  r.sex = "female";
  r.date = IsoDate(w.birth);
  JsonBody b;
  const bool missing = out.DrawMissing(rng);
  if (rng.Chance(c.remote ? 0.6 : 0.9)) r.phone = PhoneNumber(rng);
  if (!missing) {
    b.Str("ethnicity", EthnicCode(w.ethnic)).Str("village", w.village);
  }
  b.Str("poverty", w.poverty);
  return out.Person(rng, std::move(r), b, missing ? kTagMissing : nullptr);
}

struct AncPlan {
  std::vector<int> days;  // gestational days of the visits
};

AncPlan PlanAnc(Rng& rng, const Commune& c, int ga_days) {
  AncPlan p;
  auto add = [&](int lo_w, int hi_days) {
    const int lo = lo_w * 7;
    if (hi_days < lo) return false;
    p.days.push_back(lo + static_cast<int>(rng.Below(static_cast<uint32_t>(hi_days - lo + 1))));
    return true;
  };
  if (rng.Chance(c.rates.anc4)) {
    // One visit in each trimester, a fourth late in the third (before delivery).
    add(6, 13 * 7 + 6);
    add(14, 26 * 7 + 6);
    if (add(28, std::min(33 * 7 + 6, ga_days - 8))) {
      const int last = p.days.back();
      add((last + 7 + 6) / 7, ga_days - 1);
      if (p.days.back() != last && rng.Chance(0.4)) add((p.days.back() + 7 + 6) / 7, ga_days - 1);
    }
  } else {
    // Fewer than four visits, starting late; some women come only to deliver.
    const int n = static_cast<int>(c.remote ? rng.Pick({0.2, 0.3, 0.3, 0.2}) : rng.Pick({0.05, 0.25, 0.35, 0.35}));
    int day = (8 + static_cast<int>(rng.Below(16))) * 7;
    for (int i = 0; i < n && day < ga_days; ++i) {
      p.days.push_back(day);
      day += 28 + static_cast<int>(rng.Below(42));
    }
  }
  std::sort(p.days.begin(), p.days.end());
  p.days.erase(std::unique(p.days.begin(), p.days.end()), p.days.end());
  return p;
}

const char* PickTest(Rng& rng, double positive) {
  const double u = rng.Uniform();
  return u < positive ? "positive" : u < 0.05 ? "not_done" : "negative";
}

// Pregnancy, its visits and (if within the window) delivery, newborn and child.
Status Pregnancy(const Commune& c, Emitter& out, Rng& rng, Woman& w, Date birth) {
  const Rates& x = c.rates;
  const bool lbw = rng.Chance(x.low_birth_weight);
  const bool preterm = rng.Chance(lbw ? 0.55 : 0.05);
  const int ga_weeks = preterm ? 37 - static_cast<int>(1 + std::min(8.0, rng.Exponential(2.0))) : rng.Between(37, 41);
  const int ga_days = ga_weeks * 7 + static_cast<int>(rng.Below(7));
  const Date lmp{birth.days - ga_days};
  const bool delivered = birth <= out.to();
  const AncPlan plan = PlanAnc(rng, c, ga_days);
  std::vector<Date> visits;
  for (int d : plan.days)
    if (Date{lmp.days + d} <= out.to()) visits.push_back(Date{lmp.days + d});
  const Date reg = visits.empty() ? birth : visits.front();
  if (reg > out.to()) return Status::Ok();  // not yet known to the health station
  U5_RETURN_IF_ERROR(EmitWoman(out, rng, c, w));
  const int age = CompletedYears(w.birth, birth);

  // Pregnancy
  // Minute 0: before any visit or delivery of the same day in id order.
  auto preg = NewEvent(out, rng, "pregnancy", w.id, c.code, reg, 0);
  const std::string preg_id = preg.id;
  {
    JsonBody b;
    b.Str("lmp", IsoDate(lmp)).Str("edd", IsoDate(Date{lmp.days + 280}));
    const bool missing = out.DrawMissing(rng);
    if (!missing) b.Int("gravida", w.para + 1 + (rng.Chance(0.1) ? 1 : 0)).Int("para", w.para);
    std::vector<std::string_view> risks;
    if (age < 18) risks.push_back("age_under_18");
    if (age > 35) risks.push_back("age_over_35");
    if (w.previous_caesarean) risks.push_back("previous_caesarean");
    if (rng.Chance(0.12)) risks.push_back("anaemia");
    if (birth.days - w.last_birth.days < 730) risks.push_back("short_birth_interval");
    if (!risks.empty()) b.StrList("risk_factors", risks);
    b.Str("outcome", delivered ? "delivered" : "ongoing");
    U5_RETURN_IF_ERROR(out.Event(rng, std::move(preg), b, missing ? kTagMissing : nullptr));
  }

  // Antenatal visits
  const double base_weight = 42 + rng.Uniform() * 18;
  const double hb_base = rng.Chance(0.2) ? 9.8 : 11.8;
  for (size_t i = 0; i < visits.size(); ++i) {
    const Date d = visits[i];
    if (delivered && d >= birth) break;
    auto r = NewEvent(out, rng, "anc_visit", w.id, c.code, d, 8 * 60 + static_cast<int>(rng.Below(8 * 60)));
    r.pregnancy_id = preg_id;
    JsonBody b;
    const int gd = d.days - lmp.days;
    const int weeks = gd / 7;
    b.Int("gestational_weeks", weeks).Int("trimester", weeks < 14 ? 1 : weeks < 28 ? 2 : 3);
    const bool missing = out.DrawMissing(rng);
    if (!missing) {
      b.Num("weight_kg", Round1(base_weight + std::max(0, weeks - 12) * 0.42));
      const int sys = rng.Between(95, 130);
      b.Int("bp_systolic", sys).Int("bp_diastolic", std::min(sys - 20, rng.Between(58, 88)));
    }
    if (i == 0 || weeks >= 28) b.Num("hemoglobin_g_dl", Round1(hb_base + rng.Normal() * 0.8));
    if (i == 0) {
      b.Str("hiv_test", PickTest(rng, 0.001)).Str("syphilis_test", PickTest(rng, 0.002)).Str("hepb_test", PickTest(rng, 0.08));
    }
    b.Bool("iron_folate", rng.Chance(0.75));
    if (i < 2 && w.para == 0) b.Int("tetanus_dose", static_cast<int>(i) + 1);
    const bool risk = rng.Chance(0.06);
    b.Bool("risk_detected", risk);
    if (risk) b.Bool("referred", rng.Chance(0.5));
    U5_RETURN_IF_ERROR(out.Event(rng, std::move(r), b, missing ? kTagMissing : nullptr));
  }
  w.free_from = Date{birth.days + 365};
  if (!delivered) return Status::Ok();

  // Delivery
  const bool stillbirth = rng.Chance(x.stillbirth);
  const bool facility = rng.Chance(x.facility);
  const bool at_station = facility && rng.Chance(x.station_share);
  const int minute = 1 + static_cast<int>(rng.Below(22 * 60));
  auto del = NewEvent(out, rng, "delivery", w.id, c.code, birth, minute);
  del.pregnancy_id = preg_id;
  const std::string delivery_id = del.id;
  bool caesarean = false;
  bool complicated = false;
  {
    JsonBody b;
    b.Str("delivered_at", LocalDateTime(birth, minute));
    if (facility) {
      b.Str("place", "facility");
      if (at_station) b.Str("facility", StationOf(c));
      const char* who[] = {"doctor", "midwife", "assistant_doctor", "nurse"};
      b.Str("attendant", at_station ? who[1 + rng.Below(2)] : who[rng.Pick({0.55, 0.35, 0.05, 0.05})]);
      const double u = rng.Uniform();
      caesarean = !at_station && u < x.caesarean;
      b.Str("mode", caesarean ? "caesarean" : u < x.caesarean + 0.02 ? "assisted_vaginal" : "vaginal");
    } else {
      b.Str("place", rng.Chance(0.12) ? "on_the_way" : "home");
      const double u = rng.Uniform();
      const char* att = u < x.home_skilled ? (rng.Chance(0.5) ? "assistant_doctor" : "midwife")
                        : u < x.home_skilled + x.home_village_midwife ? "village_midwife"
                        : rng.Chance(0.8) ? "relative" : "none";
      b.Str("attendant", att).Str("mode", "vaginal");
    }
    b.Int("live_births", stillbirth ? 0 : 1).Int("stillbirths", stillbirth ? 1 : 0).Int("gestational_weeks", ga_weeks);
    if (rng.Chance(0.05)) {
      complicated = true;
      const char* kinds[] = {"haemorrhage", "pre_eclampsia", "obstructed_labour", "retained_placenta", "infection"};
      b.StrList("complications", {kinds[rng.Pick({0.35, 0.25, 0.2, 0.1, 0.1})]});
    }
    U5_RETURN_IF_ERROR(out.Event(rng, std::move(del), b));
  }
  if (complicated && (!facility || at_station)) {
    // Red alert: the station or the village sends the woman up.
    auto r = NewEvent(out, rng, "referral", w.id, c.code, birth, minute + 30);
    JsonBody b;
    b.Str("from_orgunit", StationOf(c)).Str("to_facility_name", "Bệnh viện Đa khoa tỉnh").Str("reason", "Biến chứng khi đẻ");
    const int dep = std::min(minute + 30, 22 * 60);
    b.Str("referred_at", LocalDateTime(birth, dep)).Str("arrived_at", LocalDateTime(birth, std::min(dep + 60 + static_cast<int>(rng.Below(60)), 23 * 60 + 59)));
    b.Bool("red_alert", true);
    U5_RETURN_IF_ERROR(out.Event(rng, std::move(r), b));
  }
  w.para += 1;
  w.previous_caesarean = w.previous_caesarean || caesarean;
  w.last_birth = birth;
  w.free_from = Date{birth.days + 450};

  // Maternal death within 42 days
  if (rng.Chance(x.maternal_death)) {
    const Date d{birth.days + static_cast<int>(rng.Below(43))};
    if (d <= out.to()) {
      w.dead = true;
      auto r = NewEvent(out, rng, "death", w.id, c.code, d, 12 * 60);
      JsonBody b;
      const size_t k = rng.Pick({0.45, 0.2, 0.1, 0.25});
      const char* cat[] = {"maternal_haemorrhage", "maternal_hypertension", "maternal_sepsis", "maternal_other"};
      const char* icd[] = {"O72.1", "O15.0", "O85", "O99.8"};
      const char* txt[] = {"Băng huyết sau đẻ", "Sản giật", "Nhiễm khuẩn hậu sản", "Nguyên nhân sản khoa khác"};
      b.Str("place", d == birth ? "facility" : rng.Chance(0.5) ? "home" : "on_the_way");
      b.Int("age_at_death_days", d.days - w.birth.days).Str("age_group", "older");
      b.Str("cause_category", cat[k]).Str("icd10", icd[k]).Str("cause_text", txt[k]);
      // Derived as the registry does: a death within 42 days of her delivery is a maternal death candidate.
      b.Bool("maternal_death", true).Str("category", "maternal").Bool("maternal_candidate", true);
      U5_RETURN_IF_ERROR(out.Event(rng, std::move(r), b));
    }
  }
  if (stillbirth) return Status::Ok();

  // Child and newborn record
  Child ch;
  ch.birth = birth;
  ch.female = !rng.Chance(0.527);  // sex ratio at birth about 112 boys per 100 girls
  ch.sex = ch.female ? "female" : "male";
  ch.ethnic = w.ethnic;
  ch.born_in_window = birth >= out.from();
  ch.facility_birth = facility;
  ch.hepb_birth_dose = rng.Chance(facility ? 0.88 : 0.3);
  {
    store::Record r;
    r.id = out.NewId(rng, birth, minute + 1);
    ch.id = r.id;
    r.orgunit_id = c.code;
    r.full_name = ChildName(rng, ch.ethnic, ch.female, w.name);
    r.sex = ch.sex;
    r.date = IsoDate(birth);
    r.mother_id = w.id;
    JsonBody b;
    const bool missing = out.DrawMissing(rng);
    if (!missing) b.Str("ethnicity", EthnicCode(ch.ethnic)).Str("village", w.village);
    b.Str("poverty", w.poverty);
    U5_RETURN_IF_ERROR(out.Person(rng, std::move(r), b, missing ? kTagMissing : nullptr));
  }
  if (ch.born_in_window) {
    auto r = NewEvent(out, rng, "newborn", ch.id, c.code, birth, minute + 2);
    JsonBody b;
    b.Str("delivery_id", delivery_id);
    const bool missing = out.DrawMissing(rng);
    const bool weighed = facility || rng.Chance(0.6);
    if (weighed && !missing) {
      const int g = lbw ? static_cast<int>(2499 - std::min(1700.0, rng.Exponential(350)))
                        : static_cast<int>(std::clamp(3150 + 380 * rng.Normal(), 2500.0, 4600.0));
      b.Int("birth_weight_g", g);
    }
    b.Int("gestational_weeks", std::max(22, ga_weeks));
    const bool eenc = rng.Chance(facility ? x.eenc_facility : x.eenc_home);
    b.Bool("drying", eenc || rng.Chance(0.7)).Bool("skin_to_skin", eenc).Bool("delayed_cord_clamping", eenc);
    b.Bool("breastfed_within_1h", rng.Chance(x.early_breastfeeding));
    b.Bool("vitamin_k1", rng.Chance(facility ? 0.95 : 0.3)).Bool("hepb_birth_dose_24h", ch.hepb_birth_dose);
    b.Bool("resuscitated", rng.Chance(lbw ? 0.12 : 0.02));
    if (lbw && facility) b.Bool("kangaroo_care", rng.Chance(0.7));
    if (facility && c.town && rng.Chance(0.5)) b.StrList("screening", {"hearing", "metabolic"});
    U5_RETURN_IF_ERROR(out.Event(rng, std::move(r), b, missing ? kTagMissing : nullptr));
  }
  return GenerateChildLife(c, out, rng, ch, &w);
}

Status Miscarriage(const Commune& c, Emitter& out, Rng& rng, Date reg) {
  Woman w = NewWoman(out, rng, c, reg);
  U5_RETURN_IF_ERROR(EmitWoman(out, rng, c, w));
  const Date lmp{reg.days - (6 + static_cast<int>(rng.Below(8))) * 7};
  auto r = NewEvent(out, rng, "pregnancy", w.id, c.code, reg, 7 * 60);
  JsonBody b;
  b.Str("lmp", IsoDate(lmp)).Str("edd", IsoDate(Date{lmp.days + 280}));
  b.Int("gravida", w.para + 1).Int("para", w.para);
  b.Str("outcome", rng.Chance(0.8) ? "miscarriage" : "lost_to_follow_up");
  return out.Event(rng, std::move(r), b);
}

}  // namespace

Status GenerateCommune(const Commune& c, Emitter& out, Rng& rng, int64_t births, Date from, Date to) {
  std::vector<Date> dates(static_cast<size_t>(births));
  const uint32_t span = static_cast<uint32_t>(to.days - from.days + 1);
  for (auto& d : dates) d = Date{from.days + static_cast<int>(rng.Below(span))};
  std::sort(dates.begin(), dates.end());
  std::vector<Woman> pool;
  pool.reserve(dates.size());
  for (Date birth : dates) {
    Woman* w = nullptr;
    if (!pool.empty() && rng.Chance(0.45)) {
      for (int tries = 0; tries < 4 && !w; ++tries) {
        Woman& cand = pool[rng.Below(static_cast<uint32_t>(pool.size()))];
        const int age = CompletedYears(cand.birth, birth);
        if (!cand.dead && cand.free_from.days + 280 <= birth.days && age >= 17 && age <= 44) w = &cand;
      }
    }
    if (!w) {
      pool.push_back(NewWoman(out, rng, c, birth));
      w = &pool.back();
    }
    if (birth < out.from()) {
      // Born before the registry's window: the child is registered, its
      // pregnancy and birth were not.
      U5_RETURN_IF_ERROR(EmitWoman(out, rng, c, *w));
      w->para += 1;
      w->last_birth = birth;
      w->free_from = Date{birth.days + 450};
      Child ch;
      ch.birth = birth;
      ch.female = !rng.Chance(0.527);
      ch.sex = ch.female ? "female" : "male";
      ch.ethnic = w->ethnic;
      store::Record r;
      r.id = out.NewId(rng, birth, 9 * 60);
      ch.id = r.id;
      r.orgunit_id = c.code;
      r.full_name = ChildName(rng, ch.ethnic, ch.female, w->name);
      r.sex = ch.sex;
      r.date = IsoDate(birth);
      r.mother_id = w->id;
      JsonBody b;
      b.Str("ethnicity", EthnicCode(ch.ethnic)).Str("village", w->village).Str("poverty", w->poverty);
      U5_RETURN_IF_ERROR(out.Person(rng, std::move(r), b));
      U5_RETURN_IF_ERROR(GenerateChildLife(c, out, rng, ch, w));
    } else {
      U5_RETURN_IF_ERROR(Pregnancy(c, out, rng, *w, birth));
    }
    if (birth >= out.from() && rng.Chance(0.06)) {
      const Date reg{birth.days - static_cast<int>(rng.Below(200))};
      if (reg >= out.from() && reg <= out.to()) U5_RETURN_IF_ERROR(Miscarriage(c, out, rng, reg));
    }
  }
  return Status::Ok();
}

}  // namespace u5::demo
