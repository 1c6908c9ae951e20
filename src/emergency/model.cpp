#include "emergency/model.h"

#include <cstdio>

#include "core/date.h"

namespace u5::emergency {

using nlohmann::json;

std::string FormatInstant(int64_t t) {
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t sec = t - days * 86400;
  int y;
  unsigned m, d;
  YmdFromDate(Date{static_cast<int32_t>(days)}, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d, static_cast<int>(sec / 3600),
                static_cast<int>(sec / 60 % 60), static_cast<int>(sec % 60));
  return buf;
}

std::optional<int64_t> ParseInstant(std::string_view s) {
  // A step happens at a clock time: a date alone, which core reads as midnight, is refused.
  if (s.size() <= 10) return std::nullopt;
  return u5::ParseInstant(s);
}

std::string ToBody(const Case& c) {
  json times = json::object();
  for (const auto& [k, v] : c.times) times[k] = v;
  json esc = json::array();
  for (const auto& e : c.escalated) esc.push_back({{"orgunit", e.orgunit}, {"at", e.at}});
  json j = {{"id", c.id}, {"patient_kind", c.patient_kind}, {"person_id", c.person_id}, {"person_orgunit", c.person_orgunit},
            {"patient_label", c.patient_label}, {"level", c.level}, {"reason", c.reason}, {"from_orgunit", c.from_orgunit},
            {"to_orgunit", c.to_orgunit}, {"note", c.note}, {"created_by", c.created_by}, {"raised_at", c.raised_at},
            {"times", times}, {"outcome", c.outcome}, {"escalated", esc}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Status FromBody(const std::string& body, Case* out) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object()) return Status::Internal("stored emergency is not JSON");
  try {
    Case c;
    c.id = j.at("id");
    c.patient_kind = j.at("patient_kind");
    c.person_id = j.value("person_id", "");
    c.person_orgunit = j.value("person_orgunit", "");
    c.patient_label = j.value("patient_label", "");
    c.level = j.at("level");
    c.reason = j.at("reason");
    c.from_orgunit = j.at("from_orgunit");
    c.to_orgunit = j.at("to_orgunit");
    c.note = j.value("note", "");
    c.created_by = j.value("created_by", "");
    c.raised_at = j.at("raised_at");
    for (auto it = j.at("times").begin(); it != j.at("times").end(); ++it) c.times[it.key()] = it.value().get<int64_t>();
    c.outcome = j.value("outcome", "");
    for (const auto& e : j.at("escalated")) c.escalated.push_back({e.at("orgunit"), e.at("at")});
    *out = std::move(c);
  } catch (const json::exception& e) {
    return Status::Internal(std::string("stored emergency is malformed: ") + e.what());
  }
  return Status::Ok();
}

std::string NextStep(const Case& c, const Config& cfg) {
  for (const auto& s : cfg.steps)
    if (!c.times.count(s.id)) return s.id;
  return {};
}

Status ApplyStep(Case* c, const Config& cfg, const std::string& step, int64_t at, const std::string& outcome, int64_t now) {
  if (!cfg.FindStep(step)) return Status::Invalid("step", "unknown step '" + step + "'");
  if (c->times.count(step)) return Status::Invalid("step", step + " was already entered");
  const std::string next = NextStep(*c, cfg);
  if (step != next) return Status::Invalid("step", step + " is not the next step (" + next + " is)");
  int64_t prev = c->raised_at;
  for (const auto& [k, v] : c->times) prev = std::max(prev, v);
  if (at < prev) return Status::Invalid("at", "the time is before the previous step's (" + FormatInstant(prev) + ")");
  if (at > now) return Status::Invalid("at", "the time is in the future");
  if (step == "outcome") {
    if (outcome.empty()) return Status::Invalid("outcome", "the outcome step needs an outcome");
    if (!cfg.HasOutcome(outcome)) return Status::Invalid("outcome", "unknown outcome '" + outcome + "'");
    c->outcome = outcome;
  } else if (!outcome.empty()) {
    return Status::Invalid("outcome", "only the outcome step takes an outcome");
  }
  c->times[step] = at;
  return Status::Ok();
}

int64_t EscalationDueAt(const Case& c, const Config& cfg, size_t k) {
  const Level* l = cfg.FindLevel(c.level);
  const int64_t ack = l ? l->ack_within_minutes : cfg.levels.front().ack_within_minutes;
  return c.raised_at + ack * 60 + static_cast<int64_t>(k) * cfg.repeat_after_minutes * 60;
}

size_t EscalationsDue(const Case& c, const Config& cfg, int64_t now) {
  if (c.closed() || c.times.count("acknowledged")) return c.escalated.size();
  size_t n = 0;
  while (n < cfg.chain.size() && now > EscalationDueAt(c, cfg, n)) ++n;
  return std::max(n, c.escalated.size());
}

json CaseJson(const Case& c, const Config& cfg, const std::map<std::string, std::string>& names,
              const std::optional<std::string>& person_name) {
  auto unit = [&](const std::string& id) {
    auto it = names.find(id);
    return json{{"id", id}, {"name", it == names.end() ? id : it->second}};
  };
  json j = {{"id", c.id}, {"version", c.version}, {"patient_kind", c.patient_kind}, {"patient_label", c.patient_label},
            {"level", c.level}, {"reason", c.reason}, {"from_orgunit", unit(c.from_orgunit)},
            {"to_orgunit", unit(c.to_orgunit)}, {"raised_at", FormatInstant(c.raised_at)},
            {"status", c.closed() ? "closed" : "open"}, {"created_by", c.created_by}};
  if (!c.person_id.empty()) j["person_id"] = c.person_id;
  if (person_name) j["person_name"] = *person_name;
  if (!c.note.empty()) j["note"] = c.note;
  for (const auto& [k, v] : c.times) j[k + "_at"] = FormatInstant(v);
  if (!c.outcome.empty()) j["outcome"] = c.outcome;
  json esc = json::array();
  for (const auto& e : c.escalated) esc.push_back({{"orgunit", unit(e.orgunit)}, {"at", FormatInstant(e.at)}});
  j["escalated"] = esc;
  const std::string next = NextStep(c, cfg);
  j["next_step"] = next.empty() ? json(nullptr) : json(next);
  if (const Level* l = cfg.FindLevel(c.level)) {
    // When the board's timers run out, so the web app need not compute them.
    j["ack_due_at"] = FormatInstant(c.raised_at + int64_t{l->ack_within_minutes} * 60);
    j["treat_due_at"] = FormatInstant(c.raised_at + int64_t{l->treat_within_minutes} * 60);
  }
  return j;
}

}  // namespace u5::emergency
