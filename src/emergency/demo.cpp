#include "emergency/demo.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/id.h"
#include "demo/rng.h"
#include "emergency/model.h"
#include "store/emergencies.h"

namespace u5::emergency {
namespace {

// Delays in minutes: lognormal with the given median and log-scale spread.
// Medians are a local choice for a mountain province (docs/demo.md).
double Lognormal(demo::Rng& rng, double median, double sigma) { return median * std::exp(sigma * rng.Normal()); }

int64_t Minutes(double m) { return static_cast<int64_t>(std::llround(m * 60)); }

struct KindMix {
  const char* kind;
  double weight;
  std::vector<const char*> reasons;
  std::vector<double> reason_weights;
  const char* label;
};

}  // namespace

Status GenerateDemo(store::Store& store, const Config& cfg, const std::string& province, int64_t now, uint64_t seed,
                    DemoSummary* out) {
  *out = {};
  std::vector<store::OrgUnit> communes;
  U5_RETURN_IF_ERROR(store.orgunits().Children(province, &communes));
  std::vector<std::string> stations, hospitals;
  for (const auto& c : communes) {
    std::vector<store::OrgUnit> units;
    U5_RETURN_IF_ERROR(store.orgunits().Children(c.id, &units));
    for (const auto& u : units)
      if (u.kind == "facility") (u.id.rfind("tyt:", 0) == 0 ? stations : hospitals).push_back(u.id);
  }
  if (stations.empty() || hospitals.empty()) return Status::Ok();
  std::string sannhi = hospitals.front(), general = hospitals.front(), regional = hospitals.back();
  for (const auto& h : hospitals) {
    if (h.find("sannhi") != std::string::npos) sannhi = h;
    if (h.find("dktinh") != std::string::npos) general = h;
  }
  const std::vector<KindMix> kinds = {
      {"mother", 0.55,
       {"postpartum_haemorrhage", "eclampsia", "obstructed_labour", "ruptured_uterus", "maternal_sepsis", "other"},
       {0.38, 0.22, 0.18, 0.04, 0.10, 0.08}, "Sản phụ"},
      {"newborn", 0.30,
       {"newborn_asphyxia", "newborn_respiratory_distress", "preterm_vlbw", "neonatal_sepsis", "other"},
       {0.30, 0.25, 0.25, 0.15, 0.05}, "Trẻ sơ sinh"},
      {"child", 0.15, {"severe_pneumonia", "severe_dehydration", "injury_drowning", "other"}, {0.45, 0.25, 0.20, 0.10},
       "Trẻ em"},
  };
  demo::Rng rng(seed, "emergency");
  std::vector<store::EmergencyRow> rows;
  // About one referral a station every six weeks over the past year, then
  // four recent ones still open.
  const int n_past = static_cast<int>(stations.size()) * 9;
  const int64_t year = 365 * 86400;
  auto draw_case = [&](int64_t raised, bool past, int open_upto) {
    Case c;
    const uint64_t a = rng.Next(), b = rng.Next();  // ids from the seed, as the demo's records
    c.id = FormatUuid7(static_cast<uint64_t>(raised) * 1000, static_cast<uint16_t>(a & 0xfff), b);
    const KindMix& k = kinds[rng.Pick({kinds[0].weight, kinds[1].weight, kinds[2].weight})];
    c.patient_kind = k.kind;
    c.reason = k.reasons[rng.Pick(k.reason_weights)];
    c.patient_label = k.label;
    if (c.patient_kind == "mother") c.patient_label += ", " + std::to_string(rng.Between(17, 44)) + " tuổi";
    c.level = rng.Chance(0.6) ? "red" : rng.Chance(0.75) ? "orange" : "yellow";
    if (!past && open_upto == 0) c.level = "red";  // the unacknowledged one shows an escalation
    c.from_orgunit = stations[rng.Below(static_cast<uint32_t>(stations.size()))];
    c.to_orgunit = c.patient_kind == "child" ? (rng.Chance(0.5) ? general : sannhi) : (rng.Chance(0.7) ? sannhi : regional);
    c.created_by = "demo";
    c.raised_at = raised;
    // The timeline: each delay after the previous step.
    // Medians: acknowledged 2.5 min, team ready 5, departed 8, on the road 30,
    // treated 6 after arrival, outcome 10 h later.
    const double delays[] = {Lognormal(rng, 2.5, 0.6), Lognormal(rng, 5, 0.5), Lognormal(rng, 8, 0.6),
                             Lognormal(rng, 30, 0.5), Lognormal(rng, 6, 0.6), Lognormal(rng, 600, 0.8)};
    int64_t t = raised;
    const int steps = past ? 6 : open_upto;
    for (int i = 0; i < steps; ++i) {
      t += Minutes(delays[i]);
      if (!past && t > now) break;
      c.times[cfg.steps[static_cast<size_t>(i)].id] = t;
    }
    if (c.times.count("outcome")) {
      const double u = rng.Uniform();
      c.outcome = u < 0.94 ? "alive" : u < 0.98 ? "transferred" : "died";
    }
    // The escalations its acknowledgement delay implies (province or coordinator, as the service would).
    const int64_t acked = c.times.count("acknowledged") ? c.times["acknowledged"] : now;
    for (size_t i = 0; i < cfg.chain.size() && acked > EscalationDueAt(c, cfg, i); ++i) {
      auto co = cfg.coordinators.find(province);
      const bool coord = cfg.chain[i] == "coordinator" && co != cfg.coordinators.end() && co->second != c.to_orgunit;
      c.escalated.push_back({coord ? co->second : province, EscalationDueAt(c, cfg, i)});
    }
    out->cases++;
    out->open += !c.closed();
    out->escalated += !c.escalated.empty();
    out->red += c.level == "red";
    out->died += c.outcome == "died";
    out->transferred += c.outcome == "transferred";
    rows.push_back({c.id, 1, c.closed() ? "closed" : "open", FormatInstant(c.raised_at), c.from_orgunit, c.to_orgunit,
                    ToBody(c)});
  };
  std::vector<int64_t> times;
  for (int i = 0; i < n_past; ++i) times.push_back(now - year + static_cast<int64_t>(rng.Uniform() * (year - 86400)));
  std::sort(times.begin(), times.end());
  for (int64_t t : times) draw_case(t, true, 6);
  // Open now: raised 50, 25, 12 and 7 minutes ago, at different steps; the last unacknowledged.
  const int64_t ago[] = {50, 25, 12, 7};
  const int upto[] = {4, 3, 1, 0};
  for (int i = 0; i < 4; ++i) draw_case(now - ago[i] * 60, false, upto[i]);
  audit::Entry e;
  e.username = "demo";
  e.action = "create";
  e.record_type = "emergency";
  e.orgunit_id = province;
  e.detail = "{\"via\":\"demo\",\"cases\":" + std::to_string(rows.size()) + "}";
  return store.emergencies().InsertMany(rows, e);
}

}  // namespace u5::emergency
