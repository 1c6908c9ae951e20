#include "registry/health_check.h"

#include <algorithm>

#include "registry/growth_status.h"

extern const char kMilestonesJson[];

namespace u5::registry {
namespace {

std::vector<MilestoneBand> Parse() {
  const auto root = nlohmann::json::parse(kMilestonesJson);
  std::vector<MilestoneBand> out;
  for (const auto& b : root.at("bands")) {
    MilestoneBand band;
    band.id = b.at("id").get<std::string>();
    band.from_months = b.at("from_months").get<int>();
    band.to_months = b.at("to_months").get<int>();
    for (const auto& m : b.at("milestones")) band.milestones.push_back(m.at("id").get<std::string>());
    out.push_back(std::move(band));
  }
  return out;
}

std::string BandNames() {
  std::string s;
  for (const auto& b : MilestoneBands())
    s.append(s.empty() ? "" : ", ").append(std::to_string(b.from_months)).append("-").append(std::to_string(b.to_months - 1));
  return s;
}

}  // namespace

const std::vector<MilestoneBand>& MilestoneBands() {
  static const std::vector<MilestoneBand> bands = Parse();
  return bands;
}

const MilestoneBand* BandAt(int completed_months) {
  for (const auto& b : MilestoneBands())
    if (completed_months >= b.from_months && completed_months < b.to_months) return &b;
  return nullptr;
}

Status HealthCheckRules(nlohmann::json& body, const std::string& sex, Date birth, Date date) {
  const int months = CompletedMonths(birth, date);
  const MilestoneBand* band = BandAt(months);
  if (!band)
    return Status::Invalid("date", "date: the child is " + std::to_string(months) +
                                       " months old; periodic health checks are made in the age bands " + BandNames() + " months");
  body["age_band"] = band->id;
  // A milestone is judged once, and only the band's own: a list from another
  // band would mean the form showed the wrong age.
  for (const char* key : {"milestones_achieved", "milestones_not_achieved"}) {
    if (!body.contains(key)) continue;
    for (const auto& m : body[key]) {
      const std::string id = m.get<std::string>();
      if (std::find(band->milestones.begin(), band->milestones.end(), id) == band->milestones.end())
        return Status::Invalid(key, std::string(key) + ": '" + id + "' is not a milestone of the age band " + band->id);
    }
  }
  if (body.contains("milestones_achieved") && body.contains("milestones_not_achieved"))
    for (const auto& m : body["milestones_achieved"])
      if (std::find(body["milestones_not_achieved"].begin(), body["milestones_not_achieved"].end(), m) != body["milestones_not_achieved"].end())
        return Status::Invalid("milestones_not_achieved", "milestones_not_achieved: '" + m.get<std::string>() + "' is also marked achieved");
  if (body.contains("measure") && !body.contains("length_cm"))
    return Status::Invalid("measure", "measure (l/h) is given without length_cm");
  if (body.contains("referral_to") && !body.value("referral", false))
    return Status::Invalid("referral_to", "referral_to is given but referral is not yes");
  if (body["conclusion"] == "refer" && !body.value("referral", false))
    return Status::Invalid("referral", "referral must be yes when the conclusion is to refer");
  // The same z-scores and nutrition status as a growth measurement of that day.
  if (body.contains("weight_kg") || body.contains("length_cm")) AddGrowthStatus(body, sex, date.days - birth.days);
  return Status::Ok();
}

}  // namespace u5::registry
