// A child's periodic health checks (TT 23/2017, QĐ 2246/2024): one in each age
// band at the commune's coverage, each with the growth measurement taken at it
// (as the web form records both). Drawn from the child's own random stream, so
// adding them left every other record of a seed as it was.
#include <algorithm>
#include <cmath>

#include "demo/model.h"
#include "growth/lms.h"
#include "growth/who_tables.h"
#include "registry/growth_status.h"
#include "registry/health_check.h"

namespace u5::demo {
namespace {

using growth::Indicator;

double Round1(double v) { return std::round(v * 10) / 10; }

// Share of band checks done: local choice (no coverage figure was found; the
// plans' target is > 95 %), lower where the station is far (docs/demo.md).
double Coverage(const Commune& c) {
  if (c.remote) return 0.72;
  return c.profile && c.profile->mountain ? 0.84 : 0.9;
}

struct Measured {
  double weight, length;
  bool lying;
};

// Length at the child's height-for-age z, weight at its weight-for-length z, as growth records are drawn.
Measured Draw(Rng& rng, const Child& ch, Date d, double haz, double whz) {
  const int sex = ch.female ? 2 : 1;
  const int age = d.days - ch.birth.days;
  const bool lying = CompletedMonths(ch.birth, d) < 24;
  const auto lhfa = growth::who_table(Indicator::length_height_for_age, sex);
  const double length = std::clamp(Round1(growth::lms_value(lhfa.at(std::min(age, lhfa.last)), haz + 0.2 * rng.Normal())), 35.0, 130.0);
  const auto wfl = growth::who_table(lying ? Indicator::weight_for_length : Indicator::weight_for_height, sex);
  const int lx = static_cast<int>(std::lround(length * 10));
  const double w = whz + std::sqrt(0.5) * rng.Normal();
  const auto wfa = growth::who_table(Indicator::weight_for_age, sex);
  const double weight = wfl.contains(lx) ? growth::lms_value(wfl.at(lx), std::clamp(w, -3.0, 3.0))
                                         : growth::lms_value(wfa.at(std::min(age, wfa.last)), w);
  return {std::clamp(Round1(weight), 0.5, 40.0), length, lying};
}

const char* const kTopicsInfant[] = {"breastfeeding", "immunization", "hygiene", "development_play"};
const char* const kTopicsToddler[] = {"complementary_feeding", "nutrition", "micronutrients", "immunization", "injury_prevention",
                                      "development_play", "illness_danger_signs"};
const char* const kTopicsChild[] = {"nutrition", "injury_prevention", "hygiene", "dental_care", "illness_danger_signs"};

}  // namespace

Status GenerateHealthChecks(const Commune& c, Emitter& out, const Child& ch, Date lo, Date hi) {
  Rng rng(HashText(ch.id), "health_check");
  const double haz = c.rates.haz_mean + std::sqrt(0.96) * rng.Normal(), whz = c.rates.whz_mean + std::sqrt(0.5) * rng.Normal();
  const double missed_milestone = c.remote ? 0.06 : 0.04;
  for (const auto& band : registry::MilestoneBands()) {
    const Date start = MonthsCompletedOn(ch.birth, band.from_months);
    const Date end{MonthsCompletedOn(ch.birth, band.to_months).days - 1};
    if (start > hi) break;
    if (!rng.Chance(Coverage(c))) continue;
    // Most checks early in the band (the day the family is called), the rest later in it.
    const int room = end.days - start.days;
    const Date d{start.days + (rng.Chance(0.7) ? static_cast<int>(rng.Below(static_cast<uint32_t>(std::min(room, 30)) + 1))
                                               : static_cast<int>(rng.Below(static_cast<uint32_t>(room) + 1)))};
    if (d < lo || d > hi) continue;
    const Measured m = Draw(rng, ch, d, haz, whz);
    nlohmann::json growth = {{"weight_kg", m.weight}, {"length_cm", m.length}, {"measure", m.lying ? "l" : "h"}};
    registry::AddGrowthStatus(growth, ch.sex, d.days - ch.birth.days);

    nlohmann::json in = {{"weight_kg", m.weight}, {"length_cm", m.length}, {"measure", m.lying ? "l" : "h"}};
    nlohmann::json achieved = nlohmann::json::array(), not_achieved = nlohmann::json::array();
    for (const auto& id : band.milestones) (rng.Chance(missed_milestone) ? not_achieved : achieved).push_back(id);
    if (!achieved.empty()) in["milestones_achieved"] = achieved;
    if (!not_achieved.empty()) in["milestones_not_achieved"] = not_achieved;
    const bool delay = not_achieved.size() >= 2;
    in["development"] = delay ? "suspected_delay" : "on_track";
    auto poor = [&](const char* k) { return growth[k] == "moderate" || growth[k] == "severe"; };
    const bool refer = growth.value("sam", false) || (delay && rng.Chance(0.5)) || rng.Chance(0.01);
    in["conclusion"] = refer ? "refer" : (!not_achieved.empty() || poor("stunting") || poor("wasting")) ? "needs_follow_up" : "healthy";
    if (refer) {
      in["referral"] = true;
      in["referral_to"] = "Trung tâm Y tế khu vực";
    }
    nlohmann::json topics = nlohmann::json::array();
    auto add = [&](auto& list) {
      for (const char* t : list)
        if (rng.Chance(0.35)) topics.push_back(t);
    };
    if (band.to_months <= 7) add(kTopicsInfant);
    else if (band.to_months <= 24) add(kTopicsToddler);
    else add(kTopicsChild);
    if (!topics.empty()) in["counselling"] = topics;
    U5_RETURN_IF_ERROR(registry::HealthCheckRules(in, ch.sex, ch.birth, d));

    const int minute = 8 * 60 + static_cast<int>(rng.Below(8 * 60));
    auto r = NewEvent(out, rng, "health_check", ch.id, c.code, d, minute);
    JsonBody b;
    for (auto it = in.begin(); it != in.end(); ++it) b.Raw(it.key(), it.value().dump());
    U5_RETURN_IF_ERROR(out.Event(rng, std::move(r), b));
    auto g = NewEvent(out, rng, "growth", ch.id, c.code, d, minute + 1);
    JsonBody gb;
    for (auto it = growth.begin(); it != growth.end(); ++it) gb.Raw(it.key(), it.value().dump());
    U5_RETURN_IF_ERROR(out.Event(rng, std::move(g), gb));
  }
  return Status::Ok();
}

}  // namespace u5::demo
