#include "emergency/config.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace u5::emergency {

extern const char* const kBuiltinRedAlert;

namespace {

using nlohmann::json;

Status Need(const json& o, const char* k, const std::string& where) {
  if (!o.contains(k) || (o[k].is_string() && o[k].get<std::string>().empty()))
    return Status::Invalid(where + "." + k, std::string("missing ") + k);
  return Status::Ok();
}

}  // namespace

const Level* Config::FindLevel(const std::string& id) const {
  for (const auto& l : levels)
    if (l.id == id) return &l;
  return nullptr;
}
const Reason* Config::FindReason(const std::string& id) const {
  for (const auto& r : reasons)
    if (r.id == id) return &r;
  return nullptr;
}
const Step* Config::FindStep(const std::string& id) const {
  for (const auto& s : steps)
    if (s.id == id) return &s;
  return nullptr;
}
bool Config::HasKind(const std::string& id) const {
  for (const auto& k : patient_kinds)
    if (k.id == id) return true;
  return false;
}
bool Config::HasOutcome(const std::string& id) const {
  for (const auto& o : outcomes)
    if (o.id == id) return true;
  return false;
}

Status Config::FromJson(const std::string& text, Config* out) {
  Config c;
  c.raw = json::parse(text, nullptr, false);
  if (!c.raw.is_object()) return Status::Invalid("red_alert", "red_alert.json is not a JSON object");
  try {
    for (const auto& l : c.raw.at("levels")) {
      const std::string where = "levels." + l.value("id", std::string("?"));
      for (const char* k : {"id", "label_vi", "label_en", "ack_within_minutes", "treat_within_minutes", "source"})
        U5_RETURN_IF_ERROR(Need(l, k, where));
      Level x{l["id"], l["label_vi"], l["label_en"], l["source"], l["ack_within_minutes"], l["treat_within_minutes"]};
      if (x.ack_within_minutes < 1 || x.treat_within_minutes < 1)
        return Status::Invalid(where, "minutes must be at least 1");
      c.levels.push_back(std::move(x));
    }
    for (const auto& k : c.raw.at("patient_kinds")) c.patient_kinds.push_back({k.at("id"), k.at("label_vi"), k.at("label_en")});
    for (const auto& o : c.raw.at("outcomes")) c.outcomes.push_back({o.at("id"), o.at("label_vi"), o.at("label_en")});
    for (const auto& r : c.raw.at("reasons")) {
      Reason x{r.at("id"), r.at("label_vi"), r.at("label_en"), r.at("patient").get<std::vector<std::string>>()};
      for (const auto& p : x.patient)
        if (!c.HasKind(p)) return Status::Invalid("reasons." + x.id, "unknown patient kind '" + p + "'");
      c.reasons.push_back(std::move(x));
    }
    for (const auto& s : c.raw.at("steps")) {
      Step x{s.at("id"), s.at("owner"), s.at("label_vi"), s.at("label_en")};
      if (x.owner != "from" && x.owner != "to") return Status::Invalid("steps." + x.id, "owner must be \"from\" or \"to\"");
      c.steps.push_back(std::move(x));
    }
    if (c.steps.empty() || c.steps.front().id != "acknowledged" || c.steps.back().id != "outcome")
      return Status::Invalid("steps", "the steps begin with acknowledged and end with outcome");
    const json& e = c.raw.at("escalation");
    U5_RETURN_IF_ERROR(Need(e, "source", "escalation"));
    c.chain = e.at("chain").get<std::vector<std::string>>();
    for (const auto& t : c.chain)
      if (t != "coordinator" && t != "province") return Status::Invalid("escalation.chain", "unknown target '" + t + "'");
    c.repeat_after_minutes = e.at("repeat_after_minutes");
    if (c.repeat_after_minutes < 1) return Status::Invalid("escalation.repeat_after_minutes", "must be at least 1");
    for (const auto& k : e.at("coordinators")) {
      U5_RETURN_IF_ERROR(Need(k, "source", "escalation.coordinators"));
      c.coordinators[k.at("province")] = k.at("orgunit");
    }
  } catch (const json::exception& ex) {
    return Status::Invalid("red_alert", std::string("malformed red_alert.json: ") + ex.what());
  }
  if (c.levels.empty()) return Status::Invalid("levels", "at least one level");
  *out = std::move(c);
  return Status::Ok();
}

Status Config::Load(const std::string& data_dir, Config* out) {
  std::string text = kBuiltinRedAlert;
  if (!data_dir.empty()) {
    std::ifstream in(std::filesystem::path(data_dir) / "emergency" / "red_alert.json", std::ios::binary);
    if (in) {
      std::ostringstream ss;
      ss << in.rdbuf();
      text = ss.str();
    }
  }
  return FromJson(text, out);
}

const Config& Config::Builtin() {
  static const Config c = [] {
    Config x;
    if (Status st = FromJson(kBuiltinRedAlert, &x); !st.ok()) throw std::runtime_error("builtin red_alert.json: " + st.ToString());
    return x;
  }();
  return c;
}

json ConfigJson(const Config& c) {
  json levels = json::array(), reasons = json::array(), steps = json::array(), outcomes = json::array(), kinds = json::array();
  for (const auto& l : c.levels)
    levels.push_back({{"id", l.id}, {"label_vi", l.label_vi}, {"label_en", l.label_en},
                      {"ack_within_minutes", l.ack_within_minutes}, {"treat_within_minutes", l.treat_within_minutes},
                      {"source", l.source}});
  for (const auto& r : c.reasons)
    reasons.push_back({{"id", r.id}, {"label_vi", r.label_vi}, {"label_en", r.label_en}, {"patient", r.patient}});
  for (const auto& s : c.steps)
    steps.push_back({{"id", s.id}, {"owner", s.owner}, {"label_vi", s.label_vi}, {"label_en", s.label_en}});
  for (const auto& o : c.outcomes) outcomes.push_back({{"id", o.id}, {"label_vi", o.label_vi}, {"label_en", o.label_en}});
  for (const auto& k : c.patient_kinds) kinds.push_back({{"id", k.id}, {"label_vi", k.label_vi}, {"label_en", k.label_en}});
  return {{"levels", levels}, {"reasons", reasons}, {"steps", steps}, {"outcomes", outcomes}, {"patient_kinds", kinds},
          {"escalation", c.raw.at("escalation")}};
}

}  // namespace u5::emergency
