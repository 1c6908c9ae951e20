#include "care/schedule.h"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/id.h"

namespace u5::care {

extern const char* const kBuiltinEpi;
extern const char* const kBuiltinCare;
extern const char* const kBuiltinAlerts;

namespace {

using nlohmann::json;

Status SpanField(const json& j, const char* key, const std::string& where, std::optional<Span>* out, bool required) {
  out->reset();
  if (!j.contains(key) || j[key].is_null()) {
    if (required) return Status::Invalid(where + "." + key, "missing");
    return Status::Ok();
  }
  if (!j[key].is_string()) return Status::Invalid(where + "." + key, "must be a string like \"2m\"");
  *out = ParseSpan(j[key].get<std::string>());
  if (!*out) return Status::Invalid(where + "." + key, "bad age or delay '" + j[key].get<std::string>() + "'");
  return Status::Ok();
}

Status Req(const json& j, const char* key, const std::string& where, Span* out) {
  std::optional<Span> s;
  U5_RETURN_IF_ERROR(SpanField(j, key, where, &s, true));
  *out = *s;
  return Status::Ok();
}

std::string Str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

bool NonEmptyString(const json& j, const char* key) { return j.contains(key) && j[key].is_string() && !j[key].get<std::string>().empty(); }

// A row's source and confidence (Provenance). A schedule row that cannot say
// where it comes from is refused, so that no value reaches a worklist without
// its text or the mark that it is an assumption.
Status ReadProvenance(const json& j, const std::string& where, Provenance* p) {
  if (!j.contains("source") || j["source"].is_null())
    return Status::Invalid(where + ".source", "missing: every schedule row names its source {document, article, note}");
  const json& src = j["source"];
  if (!src.is_object()) return Status::Invalid(where + ".source", "must be an object {document, article, note}");
  if (!NonEmptyString(src, "document")) return Status::Invalid(where + ".source.document", "missing: the text the row comes from");
  if (!NonEmptyString(src, "note")) return Status::Invalid(where + ".source.note", "missing: what the text gives, or why there is none");
  if (!src.contains("article") || !src["article"].is_string()) return Status::Invalid(where + ".source.article", "missing: the article or section (\"\" when none)");
  p->document = src["document"].get<std::string>();
  p->article = src["article"].get<std::string>();
  p->source_note = src["note"].get<std::string>();
  p->confidence = Str(j, "confidence");
  static const std::vector<std::string> kConfidence = {"read", "secondary", "cited", "none"};
  if (std::find(kConfidence.begin(), kConfidence.end(), p->confidence) == kConfidence.end())
    return Status::Invalid(where + ".confidence", "must be read, secondary, cited or none");
  if (p->confidence != "none" && p->article.empty())
    return Status::Invalid(where + ".source.article", "missing: the article or section of a text that was read or cited");
  p->note = Str(j, "note");
  if (j.contains("unsourced")) {
    if (!j["unsourced"].is_array()) return Status::Invalid(where + ".unsourced", "must be a list of field names or [\"row\"]");
    static const std::vector<std::string> kFields = {"row", "min_age", "due_age", "late_age", "max_age", "min_interval"};
    for (const auto& f : j["unsourced"]) {
      if (!f.is_string() || std::find(kFields.begin(), kFields.end(), f.get<std::string>()) == kFields.end())
        return Status::Invalid(where + ".unsourced", "unknown field " + f.dump());
      p->unsourced.push_back(f.get<std::string>());
    }
  }
  if ((p->confidence == "none") != p->RowUnsourced())
    return Status::Invalid(where + ".confidence", "confidence none goes with unsourced [\"row\"], and only with it");
  if (j.contains("off")) {
    p->off = Str(j, "off");
    if (p->off != "unsourced" && p->off != "beyond_under5")
      return Status::Invalid(where + ".off", "must be \"unsourced\" or \"beyond_under5\"");
    if (p->off == "unsourced" && p->confidence != "none")
      return Status::Invalid(where + ".off", "off as unsourced, but its confidence is " + p->confidence);
    if (p->note.empty()) return Status::Invalid(where + ".note", "an off row says why in its note");
  }
  return Status::Ok();
}

// The programme follows children to their fifth birthday (plan.cpp), so a
// dose due at 60 months or later can never be on a due list: it is kept with
// its source, marked off, and an unmarked one is an error of the data.
Status CheckUnderFive(const Dose& d, const std::string& where) {
  const Date birth{0};
  const bool beyond = d.due_age.After(birth) >= Span{60, 'm'}.After(birth);
  if (beyond && d.prov.off.empty()) return Status::Invalid(where + ".off", "due at 60 months or later: must be off \"beyond_under5\"");
  if (!beyond && d.prov.off == "beyond_under5") return Status::Invalid(where + ".off", "beyond_under5, but due before 60 months");
  return Status::Ok();
}

Status ReadMatch(const json& j, const std::string& where, Match* m) {
  if (!j.is_object() || !j.contains("type")) return Status::Invalid(where + ".match", "needs a record type");
  m->type = Str(j, "type");
  if (j.contains("where"))
    for (const auto& [field, values] : j["where"].items())
      for (const auto& v : values) m->where[field].push_back(v.dump());
  if (j.contains("any_true"))
    for (const auto& f : j["any_true"]) m->any_true.push_back(f.get<std::string>());
  U5_RETURN_IF_ERROR(SpanField(j, "from", where + ".match", &m->from, false));
  U5_RETURN_IF_ERROR(SpanField(j, "to", where + ".match", &m->to, false));
  return Status::Ok();
}

Status ParseEpi(const json& root, std::vector<Series>* out) {
  if (!root.contains("series") || !root["series"].is_array()) return Status::Invalid("epi.series", "missing");
  for (const auto& sj : root["series"]) {
    Series s;
    s.id = Str(sj, "id");
    s.label_vi = Str(sj, "label_vi");
    s.label_en = Str(sj, "label_en");
    s.newborn_flag = Str(sj, "newborn_flag");
    if (sj.contains("enabled")) return Status::Invalid("epi." + s.id + ".enabled", "replaced by \"off\" on each dose row");
    for (const auto& v : sj.at("vaccines")) s.vaccines.push_back(v.get<std::string>());
    for (const auto& dj : sj.at("doses")) {
      Dose d;
      d.id = Str(dj, "id");
      d.label = Str(dj, "dose");
      d.label_vi = Str(dj, "label_vi");
      d.label_en = Str(dj, "label_en");
      const std::string where = "epi." + d.id;
      if (d.id.empty()) return Status::Invalid("epi." + s.id, "a dose without id");
      U5_RETURN_IF_ERROR(Req(dj, "min_age", where, &d.min_age));
      U5_RETURN_IF_ERROR(Req(dj, "due_age", where, &d.due_age));
      U5_RETURN_IF_ERROR(Req(dj, "late_age", where, &d.late_age));
      U5_RETURN_IF_ERROR(SpanField(dj, "max_age", where, &d.max_age, false));
      U5_RETURN_IF_ERROR(SpanField(dj, "min_interval", where, &d.min_interval, false));
      U5_RETURN_IF_ERROR(ReadProvenance(dj, where, &d.prov));
      U5_RETURN_IF_ERROR(CheckUnderFive(d, where));
      // Labels are shown as they are: a dose needs its name in both languages.
      if (d.label_vi.empty()) return Status::Invalid(where + ".label_vi", "missing: every dose names itself in Vietnamese");
      if (d.label_en.empty()) return Status::Invalid(where + ".label_en", "missing: every dose names itself in English");
      s.doses.push_back(std::move(d));
    }
    out->push_back(std::move(s));
  }
  return Status::Ok();
}

Status ParseCare(const json& root, std::vector<Rule>* out) {
  if (!root.contains("rules") || !root["rules"].is_array()) return Status::Invalid("care.rules", "missing");
  static const std::vector<std::string> kKinds = {"window", "tetanus", "recurring", "campaign", "not_tracked"};
  for (const auto& rj : root["rules"]) {
    Rule r;
    r.id = Str(rj, "id");
    r.kind = Str(rj, "kind");
    r.subject = Str(rj, "subject");
    r.anchor = Str(rj, "anchor");
    r.label_vi = Str(rj, "label_vi");
    r.label_en = Str(rj, "label_en");
    const std::string where = "care." + r.id;
    if (std::find(kKinds.begin(), kKinds.end(), r.kind) == kKinds.end()) return Status::Invalid(where + ".kind", "unknown kind '" + r.kind + "'");
    U5_RETURN_IF_ERROR(ReadProvenance(rj, where, &r.prov));
    if (r.kind == "not_tracked") {
      out->push_back(std::move(r));
      continue;
    }
    U5_RETURN_IF_ERROR(ReadMatch(rj.value("match", json::object({{"type", "anc_visit"}})), where, &r.match));
    if (rj.contains("count")) r.count = rj["count"].get<int>();
    std::optional<Span> s;
    for (auto [key, dst] : {std::pair{"min_age", &r.min_age}, {"due_age", &r.due_age}, {"late_age", &r.late_age}}) {
      U5_RETURN_IF_ERROR(SpanField(rj, key, where, &s, r.kind == "window" || r.kind == "tetanus"));
      if (s) *dst = *s;
    }
    U5_RETURN_IF_ERROR(SpanField(rj, "max_age", where, &r.max_age, false));
    U5_RETURN_IF_ERROR(SpanField(rj, "end_age", where, &r.end_age, false));
    if (r.end_age && (r.kind != "window" || r.max_age))
      return Status::Invalid(where + ".end_age", "end_age is for window rules without max_age");
    U5_RETURN_IF_ERROR(SpanField(rj, "min_interval", where, &r.min_interval, r.kind == "tetanus"));
    U5_RETURN_IF_ERROR(SpanField(rj, "before_edd", where, &r.before_edd, false));
    U5_RETURN_IF_ERROR(SpanField(rj, "grace", where, &r.grace, false));
    if (rj.contains("bands"))
      for (const auto& bj : rj["bands"]) {
        Band b;
        U5_RETURN_IF_ERROR(Req(bj, "from_age", where + ".bands", &b.from_age));
        U5_RETURN_IF_ERROR(Req(bj, "to_age", where + ".bands", &b.to_age));
        U5_RETURN_IF_ERROR(Req(bj, "every", where + ".bands", &b.every));
        r.bands.push_back(b);
      }
    if (rj.contains("months"))
      for (const auto& m : rj["months"]) r.months.push_back(m.get<int>());
    if (r.kind == "recurring" && r.bands.empty()) return Status::Invalid(where + ".bands", "a recurring rule needs bands");
    if (r.kind == "campaign" && (r.months.empty() || !r.max_age)) return Status::Invalid(where + ".months", "a campaign needs months and max_age");
    if ((r.subject == "pregnancy" || r.subject == "mother") && r.kind != "tetanus" && r.kind != "window")
      return Status::Invalid(where + ".subject", "pregnancy rules are window or tetanus rules");
    out->push_back(std::move(r));
  }
  return Status::Ok();
}

bool ReadFile(const std::filesystem::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace

std::optional<Span> ParseSpan(const std::string& s) {
  if (s.size() < 2) return std::nullopt;
  const char unit = s.back();
  const std::string num = s.substr(0, s.size() - 1);
  if (num.find_first_not_of("0123456789") != std::string::npos || num.size() > 4) return std::nullopt;
  const int n = std::stoi(num);
  switch (unit) {
    case 'h':  // hours round up to whole days: registry dates have no time of day
      return Span{(n + 23) / 24, 'd'};
    case 'd': case 'w': case 'm': case 'y':
      return Span{n, unit};
    default:
      return std::nullopt;
  }
}

Date Span::After(Date from) const {
  switch (unit) {
    case 'w': return Date{from.days + 7 * n};
    case 'm': return AddMonths(from, n);
    case 'y': return AddMonths(from, 12 * n);
    default: return Date{from.days + n};
  }
}

Date Span::Before(Date from) const {
  switch (unit) {
    case 'w': return Date{from.days - 7 * n};
    case 'm': return AddMonths(from, -n);
    case 'y': return AddMonths(from, -12 * n);
    default: return Date{from.days - n};
  }
}

bool Provenance::RowUnsourced() const { return std::find(unsourced.begin(), unsourced.end(), "row") != unsourced.end(); }

Status Schedule::FromJson(const std::string& epi, const std::string& care, const std::string& alerts, Schedule* out) {
  Schedule s;
  // Each text's length first, so that no two sets of texts hash alike by moving a boundary.
  s.source_hash_ = Sha256Hex(std::to_string(epi.size()) + ":" + epi + std::to_string(care.size()) + ":" + care +
                             std::to_string(alerts.size()) + ":" + alerts);
  try {
    U5_RETURN_IF_ERROR(ParseEpi(json::parse(epi), &s.series_));
    U5_RETURN_IF_ERROR(ParseCare(json::parse(care), &s.rules_));
    json a = json::parse(alerts);
    Status bad;
    auto num = [&](const char* k, int* dst) {
      if (!a.contains(k) || !bad.ok()) return;
      *dst = a[k].get<int>();
      // A threshold given in the file names its source like a schedule row.
      const std::string where = std::string("alerts.sources.") + k;
      if (!a.contains("sources") || !a["sources"].contains(k)) {
        bad = Status::Invalid(where, "missing: every threshold names its source and confidence");
        return;
      }
      bad = ReadProvenance(a["sources"][k], where, &s.alerts_.sources[k]);
    };
    num("vaccine_overdue_days", &s.alerts_.vaccine_overdue_days);
    num("high_risk_not_seen_days", &s.alerts_.high_risk_not_seen_days);
    num("delivery_missing_after_edd_days", &s.alerts_.delivery_missing_after_edd_days);
    num("low_birth_weight_g", &s.alerts_.low_birth_weight_g);
    num("preterm_weeks", &s.alerts_.preterm_weeks);
    num("newborn_home_visit_days", &s.alerts_.newborn_home_visit_days);
    num("sam_followup_days", &s.alerts_.sam_followup_days);
    num("untreated_illness_days", &s.alerts_.untreated_illness_days);
    num("long_lost_overdue_days", &s.alerts_.long_lost_overdue_days);
    U5_RETURN_IF_ERROR(bad);
    for (const auto& x : s.series_)
      for (const auto& d : x.doses) s.dose_labels_.emplace(d.id, std::pair{d.label_vi, d.label_en});
  } catch (const json::exception& e) {
    return Status::Invalid("schedules", std::string("malformed schedule: ") + e.what());
  }
  *out = std::move(s);
  return Status::Ok();
}

Status Schedule::Load(const std::string& data_dir, Schedule* out) {
  std::string epi = kBuiltinEpi, care = kBuiltinCare, alerts = kBuiltinAlerts;
  if (!data_dir.empty()) {
    const auto dir = std::filesystem::path(data_dir) / "schedules";
    std::string text;
    if (ReadFile(dir / "epi.json", &text)) epi = text;
    if (ReadFile(dir / "care.json", &text)) care = text;
    if (ReadFile(dir / "alerts.json", &text)) alerts = text;
  }
  return FromJson(epi, care, alerts, out);
}

const Schedule& Schedule::Builtin() {
  static const Schedule s = [] {
    Schedule x;
    Status st = FromJson(kBuiltinEpi, kBuiltinCare, kBuiltinAlerts, &x);
    if (!st.ok()) throw std::runtime_error("builtin schedule: " + st.ToString());
    return x;
  }();
  return s;
}

std::string_view Schedule::Label(std::string_view item_id) const {
  if (auto it = dose_labels_.find(item_id); it != dose_labels_.end()) return it->second.first;
  for (const auto& r : rules_)
    if (item_id.starts_with(r.id)) return r.label_vi;
  return item_id;
}

std::string_view Schedule::LabelEn(std::string_view item_id) const {
  if (auto it = dose_labels_.find(item_id); it != dose_labels_.end()) return it->second.second;
  for (const auto& r : rules_)
    if (item_id.starts_with(r.id)) return r.label_en;
  return item_id;
}

}  // namespace u5::care
