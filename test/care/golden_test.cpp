// Golden guard of the full recomputation: a generated population (children of
// every age, past five included, women with several pregnancies, dead persons,
// doses too early, too late or twice) goes through Service::RecomputeAll, and
// everything the service shows of each person (due lists on several dates,
// every alert with its dates, the worklist bounds) is reduced to one hash a
// person and compared with test/care/golden/recompute.txt. The file was
// written by the straightforward engine before any speed work, so a faster
// engine must reproduce it exactly; a changed rule or schedule is a deliberate
// rewrite: U5_CARE_GOLDEN_WRITE=1 build-h/test/care/care_test --gtest_filter='CareGolden*'.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "care/service.h"
#include "care/worklist.h"
#include "population.h"

namespace u5::test {
namespace {

using nlohmann::json;

// A generator of our own: the output must not depend on a library's distributions.
struct Rng {
  uint64_t s;
  uint64_t Next() {
    s += 0x9e3779b97f4a7c15ULL;
    uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int Int(int lo, int hi) { return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1)); }
  bool Chance(int percent) { return Int(0, 99) < percent; }
};

Date Day(int y, unsigned m, unsigned d) { return DateFromYmd(y, m, d); }

struct Gen {
  Rng rng{20261126};
  int next_event = 0;

  // Short ids and UUID-like ones, as imported and generated records have.
  std::string EventId() {
    char buf[48];
    const int n = next_event++;
    if (n % 3 == 0) std::snprintf(buf, sizeof buf, "E%d", n);
    else std::snprintf(buf, sizeof buf, "0190a1b2-c3d4-7e5f-8a9b-%012d", n);
    return buf;
  }
  void Add(care::History& h, const std::string& type, Date d, const json& fields, const std::string& pregnancy = "") {
    h.events.push_back(care::FactFromBody(EventId(), type, pregnancy, d, fields.dump()));
    if (type == "death") h.death = h.death ? std::min(*h.death, d) : d;
  }

  void Child(care::History& h) {
    const Date b = h.person.birth;
    const int span = 2200;
    if (rng.Chance(70)) {
      json f = {{"birth_weight_g", rng.Int(1500, 4000)}, {"gestational_weeks", rng.Int(32, 41)}};
      if (rng.Chance(80)) f["hepb_birth_dose_24h"] = rng.Chance(60);
      Add(h, "newborn", b, f);
    }
    static const char* vaccines[] = {"hepb", "bcg", "dtp_hepb_hib", "dtp_hepb_hib_ipv", "dtp", "opv", "ipv",
                                     "measles", "mr", "mmr", "je", "td", "rota"};
    for (const char* v : vaccines) {
      const int n = rng.Int(0, 4);
      Date prev = b;
      for (int k = 0; k < n; ++k) {
        // Mostly in order and on time, sometimes early, late or out of order.
        const Date d = rng.Chance(75) ? Date{prev.days + rng.Int(20, 120)} : Date{b.days + rng.Int(0, span)};
        prev = d;
        json f = {{"vaccine", v}, {"dose", k + 1}};
        Add(h, "immunization", d, f);
      }
    }
    for (int k = rng.Int(0, 16); k > 0; --k) {
      json f = {{"weight_kg", rng.Int(3, 18)}};
      if (rng.Chance(8)) f["sam"] = true;
      Add(h, "growth", Date{b.days + rng.Int(0, span)}, f);
    }
    for (int k = rng.Int(0, 6); k > 0; --k) Add(h, "vitamin_a", Date{b.days + rng.Int(150, 1200)}, {{"dose_iu", 100000}});
    for (int k = rng.Int(0, 3); k > 0; --k) {
      static const char* kinds[] = {"pneumonia", "severe_pneumonia", "diarrhoea", "cough"};
      Add(h, "illness", Date{b.days + rng.Int(0, span)},
          {{"kind", kinds[rng.Int(0, 3)]}, {"antibiotic", rng.Chance(50)}, {"ors", rng.Chance(60)},
           {"zinc", rng.Chance(50)}, {"referred", rng.Chance(15)}});
    }
    for (int k = rng.Int(0, 2); k > 0; --k) {
      json f = json::object();
      if (const int p = rng.Int(0, 2); p < 2) f["place"] = p ? "home" : "facility";
      Add(h, "postnatal_visit", Date{b.days + rng.Int(0, 45)}, f);
    }
  }

  void Woman(care::History& h) {
    for (int k = rng.Int(1, 3); k > 0; --k) {
      const Date lmp = Date{Day(2019, 1, 1).days + rng.Int(0, 2900)};
      json f = json::object();
      const int dates = rng.Int(0, 9);
      if (dates < 7) f["lmp"] = FormatDate(lmp);
      if (dates >= 4 && dates < 9) f["edd"] = FormatDate(Date{lmp.days + 280 + rng.Int(-7, 7)});
      static const char* outcomes[] = {"ongoing", "live_birth", "miscarriage", "abortion", "ectopic", "lost_to_follow_up"};
      if (rng.Chance(60)) f["outcome"] = outcomes[rng.Int(0, 5)];
      if (rng.Chance(30)) f["risk_factors"] = rng.Chance(50) ? json::array({"hypertension"}) : json::array();
      const std::string pid = EventId();
      h.events.push_back(care::FactFromBody(pid, "pregnancy", "", Date{lmp.days + rng.Int(30, 120)}, f.dump()));
      for (int v = rng.Int(0, 6); v > 0; --v) {
        const int day = rng.Int(20, 290);
        json a = {{"trimester", day < 98 ? 1 : day < 196 ? 2 : 3}};
        if (rng.Chance(40)) a["tetanus_dose"] = rng.Int(1, 5);
        if (rng.Chance(50)) a[rng.Chance(50) ? "iron_folate" : "mms"] = rng.Chance(80);
        static const char* tests[] = {"negative", "positive", "not_done"};
        for (const char* t : {"hiv_test", "syphilis_test", "hepb_test"})
          if (rng.Chance(50)) a[t] = tests[rng.Int(0, 2)];
        if (rng.Chance(10)) a["risk_detected"] = true;
        Add(h, "anc_visit", Date{lmp.days + day}, a, pid);
      }
      if (rng.Chance(55)) {
        const Date d{lmp.days + rng.Int(180, 300)};
        Add(h, "delivery", d, {{"place", "facility"}}, pid);
        for (int v = rng.Int(0, 3); v > 0; --v) {
          json p = json::object();
          if (const int x = rng.Int(0, 2); x < 2) p["place"] = x ? "home" : "facility";
          Add(h, "postnatal_visit", Date{d.days + rng.Int(0, 50)}, p, rng.Chance(50) ? pid : "");
        }
      }
      if (rng.Chance(20)) Add(h, "immunization", Date{lmp.days - rng.Int(0, 2000)}, {{"vaccine", rng.Chance(50) ? "td" : "tt"}, {"dose", rng.Int(1, 4)}});
      if (rng.Chance(10)) Add(h, "immunization", Date{lmp.days + rng.Int(0, 250)}, {{"vaccine", "td"}});
    }
  }

  std::vector<care::History> Population(int n) {
    static const char* communes[] = {"03390", "03388"};
    std::vector<care::History> out;
    for (int i = 0; i < n; ++i) {
      care::History h;
      char id[48];
      std::snprintf(id, sizeof id, i % 2 ? "P%05d" : "0190ffee-0000-7000-8000-%012d", i);
      h.person.id = id;
      h.person.orgunit = communes[rng.Int(0, 1)];
      h.person.full_name = "Người " + std::to_string(i);
      h.person.village = rng.Chance(50) ? "Bản Hon" : "";
      const int kind = rng.Int(0, 99);
      if (kind < 65) {
        h.person.sex = rng.Chance(50) ? "male" : "female";
        // Born 2015..2026: many past five on every date looked at, many under.
        h.person.birth = Date{Day(2015, 1, 1).days + rng.Int(0, 4300)};
        if (kind >= 5) Child(h);
      } else {
        h.person.sex = "female";
        h.person.birth = Date{Day(1980, 1, 1).days + rng.Int(0, 9000)};
        if (kind < 95) Woman(h);
      }
      if (rng.Chance(3)) Add(h, "death", Date{h.person.birth.days + rng.Int(0, 3000)}, {{"cause_category", "other"}});
      std::stable_sort(h.events.begin(), h.events.end(), [](const care::Fact& a, const care::Fact& b) {
        return a.date != b.date ? a.date < b.date : a.id < b.id;
      });
      out.push_back(std::move(h));
    }
    return out;
  }
};

uint64_t Fnv(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// Everything shown of a person, on dates from before most births to after the last.
std::string Shown(const care::Schedule& s, const care::Entry& e) {
  std::string out = e.person.orgunit + "|" + e.person.village + "|" + std::to_string(e.plan.dead) +
                    std::to_string(e.plan.child) + "|" + std::to_string(e.wake.days) + "," + std::to_string(e.until.days) + "|";
  for (const auto& a : e.alerts) {
    out += care::AlertJson(a).dump();
    out += a.until ? FormatDate(*a.until) : "-";
  }
  care::DueList dl;
  for (const char* day : {"2016-06-01", "2019-02-28", "2021-03-01", "2022-12-31", "2023-07-15", "2024-06-15",
                          "2025-06-02", "2026-01-10", "2026-11-26", "2027-03-01", "2031-01-01"}) {
    const Date on = *ParseDate(day);
    care::Evaluate(e.plan, on, &dl);
    out += "\n";
    out += day;
    if (dl.next_visit) out += ">" + FormatDate(*dl.next_visit);
    for (const auto& v : dl.items) out += care::ItemJson(s, v).dump();
  }
  return out;
}

std::string GoldenPath() { return std::string(U5_CARE_GOLDEN) + "/recompute.txt"; }

// One line a person: hash of what is shown, item and alert counts.
std::map<std::string, std::string> Lines(care::Service& svc, size_t* items = nullptr, size_t* alerts = nullptr) {
  std::map<std::string, std::string> got;
  EXPECT_TRUE(svc.ForEachIn("VN", [&](const care::Entry& e) {
    if (items) *items += e.plan.items.size();
    if (alerts) *alerts += e.alerts.size();
    char line[64];
    std::snprintf(line, sizeof line, "%016llx %zu %zu", static_cast<unsigned long long>(Fnv(Shown(svc.schedule(), e))),
                  e.plan.items.size(), e.alerts.size());
    got[e.person.id] = line;
  }).ok());
  return got;
}

void ExpectGolden(const std::map<std::string, std::string>& got, const char* when) {
  std::ifstream f(GoldenPath());
  ASSERT_TRUE(f) << GoldenPath();
  std::map<std::string, std::string> want;
  std::string id, rest;
  while (f >> id && std::getline(f, rest)) want[id] = rest.substr(1);
  ASSERT_EQ(want.size(), got.size()) << when;
  size_t differ = 0;
  for (const auto& [pid, line] : want) {
    const auto it = got.find(pid);
    const std::string g = it == got.end() ? "absent" : it->second;
    if (g != line && ++differ <= 10) ADD_FAILURE() << when << ": " << pid << ": golden " << line << ", now " << g;
  }
  EXPECT_EQ(differ, 0u) << when;
}

class CareGolden : public OnEachStore {};

TEST_P(CareGolden, FullRecomputeShowsWhatTheStraightforwardEngineShowed) {
  Population pop(GetParam());
  std::unique_ptr<care::Service> svc;
  ASSERT_TRUE(care::Service::Open(pop.store(), "", &svc).ok());
  Gen gen;
  const std::vector<care::History> hs = gen.Population(3000);
  svc->RecomputeAll(hs);
  size_t items = 0, alerts = 0;
  const auto first = Lines(*svc, &items, &alerts);
  ASSERT_EQ(first.size(), hs.size());
  // The population must exercise the engine (not a test of empty plans).
  EXPECT_GT(items, 40000u);
  EXPECT_GT(alerts, 2000u);
  if (std::getenv("U5_CARE_GOLDEN_WRITE")) {
    std::ofstream f(GoldenPath());
    for (const auto& [id, line] : first) f << id << ' ' << line << '\n';
    GTEST_SKIP() << "wrote " << GoldenPath();
  }
  ExpectGolden(first, "first recompute");

  // Entries rebuilt in place over other content: every person first gets the
  // history of the next one (a woman's entry rebuilt as a child's, a dead
  // person's as a living one, more items over fewer and fewer over more), then
  // their own again.
  std::vector<care::History> shifted = hs;
  for (size_t i = 0; i < hs.size(); ++i) {
    const care::History& next = hs[(i + 1) % hs.size()];
    shifted[i].events = next.events;
    shifted[i].death = next.death;
    shifted[i].person.birth = next.person.birth;
    shifted[i].person.orgunit = next.person.orgunit;
  }
  // Snapshots held outside the service (as a worklist holds them) are not
  // rebuilt in place: they still show what they showed.
  std::vector<std::pair<std::shared_ptr<const care::Entry>, std::string>> held;
  for (size_t i = 0; i < hs.size(); i += 97) {
    auto e = svc->Snapshot(hs[i].person.id);
    ASSERT_TRUE(e);
    held.emplace_back(e, Shown(svc->schedule(), *e));
  }
  svc->RecomputeAll(shifted);
  const auto other = Lines(*svc);
  size_t changed = 0;
  for (const auto& [id, line] : other) changed += line != first.at(id);
  EXPECT_GT(changed, hs.size() / 2) << "the shifted population must differ";
  for (const auto& [e, shown] : held) EXPECT_EQ(Shown(svc->schedule(), *e), shown) << e->person.id;
  held.clear();
  svc->RecomputeAll(hs);
  ExpectGolden(Lines(*svc), "recompute over other content");
  svc->RecomputeAll(hs);
  ExpectGolden(Lines(*svc), "recompute over the same content");
}

U5_ON_SQLITE_ONLY(CareGolden);

}  // namespace
}  // namespace u5::test
