#include "indicator/death_analysis.h"

#include <algorithm>

namespace u5::indicator {

bool IsDeathDimension(const std::string& by) {
  for (const char* d : kDeathDimensions)
    if (by == d) return true;
  return false;
}

std::vector<Icd10Chapter> ReadIcd10Chapters(const nlohmann::json& da) {
  std::vector<Icd10Chapter> out;
  for (const auto& c : da.value("icd10_chapters", nlohmann::json::array()))
    out.push_back({c.value("id", ""), c.value("from", ""), c.value("to", "")});
  return out;
}

std::string Icd10Group(const std::vector<Icd10Chapter>& chapters, const std::string& code) {
  if (code.size() < 3) return "";
  const std::string head = code.substr(0, 3);
  for (const auto& c : chapters)
    if (head >= c.from && head <= c.to) return "icd10_" + c.id;
  return "";
}

namespace {

const Val& At(const PersonRecords& p, const EventData& e, int slot) {
  static const Val kMissing;
  return slot < 0 ? kMissing : p.vals[e.vals + static_cast<uint32_t>(slot)];
}

bool IsTrue(const Val& v) { return v.kind == ValKind::boolean && v.truthy; }

// The category the registry derives (death.category), for records stored
// before it was derived: maternal when flagged, else by age at death.
std::string CategoryByAge(const PersonRecords& p, Date on, bool maternal) {
  if (maternal) return "maternal";
  const int days = on.days - p.birth.days;
  if (days < 7) return "early_neonatal";
  if (days < 28) return "late_neonatal";
  const int months = CompletedMonths(p.birth, on);
  if (months < 12) return "post_neonatal";
  if (months < 60) return "child_1_4";
  const int years = CompletedYears(p.birth, on);
  if (p.sex == 1 && years >= 15 && years <= 49) return "woman_15_49";
  return "other";
}

}  // namespace

void ExtractDeaths(Rules& rules, const std::vector<Icd10Chapter>& chapters, const PersonRecords& p,
                   std::vector<DeathRow>* out) {
  const DeathSlots& s = rules.death_slots();
  auto str = [&](const Val& v, const char* fallback) {
    return v.kind == ValKind::string && v.truthy ? v.str : rules.Intern(fallback);
  };
  for (const EventData& e : p.events) {
    const int k = e.type == s.death ? 0 : e.type == s.stillbirth ? 1 : -1;
    if (k < 0 || e.self < 0) continue;
    DeathRow row;
    row.day = e.date.days;
    row.ou = e.ou;
    const Val& cat = At(p, e, s.category[k]);
    if (cat.kind == ValKind::string && cat.truthy) row.category = cat.str;
    else if (k == 1) row.category = rules.Intern("stillbirth_" + rules.Str(str(At(p, e, s.timing), "unknown")));
    else row.category = rules.Intern(CategoryByAge(p, e.date, IsTrue(At(p, e, s.maternal)) || IsTrue(At(p, e, s.candidate))));
    row.place = str(At(p, e, s.place[k]), "unknown");
    // The latest complete review naming this record (by date; on one day the
    // one created last, UUIDv7 ids sorting by creation).
    const EventData* review = nullptr;
    const std::string& self = p.keys[static_cast<size_t>(e.self)];
    for (const EventData& r : p.events) {
      if (r.type != s.review) continue;
      const Val& link = At(p, r, s.link);
      const Val& status = At(p, r, s.status);
      if (link.kind != ValKind::string || rules.Str(link.str) != self) continue;
      if (status.kind != ValKind::string || rules.Str(status.str) != "complete") continue;
      if (!review || r.date > review->date ||
          (r.date == review->date && r.self >= 0 && review->self >= 0 &&
           p.keys[static_cast<size_t>(r.self)] > p.keys[static_cast<size_t>(review->self)]))
        review = &r;
    }
    if (!review) {
      row.cause_group = row.avoidability = rules.Intern("not_reviewed");
    } else {
      row.reviewed = true;
      const Val& mm = At(p, *review, s.mm_group);
      const Val& pm = At(p, *review, s.pm_timing);
      const Val& icd = At(p, *review, s.icd10);
      std::string group;
      if (mm.kind == ValKind::string && mm.truthy) group = rules.Str(mm.str);
      else if (pm.kind == ValKind::string && pm.truthy) group = "pm_" + rules.Str(pm.str);
      else if (icd.kind == ValKind::string) group = Icd10Group(chapters, rules.Str(icd.str));
      row.cause_group = rules.Intern(group.empty() ? "unknown" : group);
      row.avoidability = str(At(p, *review, s.avoidability), "undetermined");
      for (int d = 0; d < 3; ++d)
        if (IsTrue(At(p, *review, s.delay[d]))) row.delays |= static_cast<uint8_t>(1u << d);
    }
    out->push_back(row);
  }
}

}  // namespace u5::indicator
