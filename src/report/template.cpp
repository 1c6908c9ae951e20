#include "report/template.h"

#include "report/calendar.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace u5::report {
namespace {

using nlohmann::json;

Status Str(const json& j, const char* k, std::string* out, bool required = true) {
  if (!j.contains(k)) return required ? Status::Invalid(k, std::string("template: '") + k + "' is required") : Status::Ok();
  if (!j[k].is_string()) return Status::Invalid(k, std::string("template: '") + k + "' must be a string");
  *out = j[k].get<std::string>();
  return Status::Ok();
}

Status Strs(const json& j, const char* k, std::vector<std::string>* out) {
  if (!j.contains(k)) return Status::Ok();
  if (!j[k].is_array()) return Status::Invalid(k, std::string("template: '") + k + "' must be a list of strings");
  for (const auto& e : j[k]) {
    if (!e.is_string()) return Status::Invalid(k, std::string("template: '") + k + "' must be a list of strings");
    out->push_back(e.get<std::string>());
  }
  return Status::Ok();
}

std::optional<Date> DateField(const json& j, const char* k, Status* st) {
  if (!j.contains(k)) return std::nullopt;
  auto d = j[k].is_string() ? ParseDate(j[k].get<std::string>()) : std::nullopt;
  if (!d) *st = Status::Invalid(k, std::string("template: '") + k + "' must be a date YYYY-MM-DD");
  return d;
}

// The parts of a statistics form: rows, level, periods, regime dates, due in working days.
Status ParseForm(const json& j, Template* t) {
  const std::string w = "template " + t->id + ": ";
  U5_RETURN_IF_ERROR(Str(j, "level", &t->level));
  if (t->level != "commune" && t->level != "province") return Status::Invalid("level", w + "level must be commune or province");
  U5_RETURN_IF_ERROR(Strs(j, "period_kinds", &t->period_kinds));
  if (t->period_kinds.empty()) return Status::Invalid("period_kinds", w + "period_kinds must list month, quarter, half or year");
  if (j.contains("by_sex") && !j["by_sex"].is_boolean()) return Status::Invalid("by_sex", w + "by_sex must be true or false");
  t->by_sex = j.value("by_sex", false);
  Status st;
  t->effective_from = DateField(j, "effective_from", &st);
  t->effective_to = DateField(j, "effective_to", &st);
  U5_RETURN_IF_ERROR(st);
  if (t->effective_from && t->effective_to && *t->effective_to < *t->effective_from)
    return Status::Invalid("effective_to", w + "effective_to is before effective_from");
  const json due = j.value("due", json());
  const json n = due.is_object() ? due.value("working_days_after", json()) : json();
  if (!n.is_number_integer() || n.get<int>() < 1 || n.get<int>() > 60)
    return Status::Invalid("due", w + "due needs working_days_after, a whole number of working days from 1 to 60");
  t->due_working_days = n.get<int>();
  if (!j.contains("rows") || !j["rows"].is_array() || j["rows"].empty()) return Status::Invalid("rows", w + "a statistics form needs rows");
  for (const auto& r : j["rows"]) {
    FormRow fr;
    if (!r.is_object()) return Status::Invalid("rows", w + "a row must be an object");
    for (auto [k, dst] : {std::pair{"id", &fr.id}, {"label_vi", &fr.label_vi}, {"label_en", &fr.label_en}})
      U5_RETURN_IF_ERROR(Str(r, k, dst));
    for (auto [k, dst] : {std::pair{"indicator", &fr.indicator}, {"note_vi", &fr.note_vi}, {"note_en", &fr.note_en}})
      U5_RETURN_IF_ERROR(Str(r, k, dst, false));
    const std::string count = r.value("count", "numerator");
    if (count != "numerator" && count != "denominator") return Status::Invalid("rows", w + "row " + fr.id + ": count must be numerator or denominator");
    fr.denominator = count == "denominator";
    // A row the records cannot count must say why.
    if (fr.indicator.empty() && (fr.note_vi.empty() || fr.note_en.empty()))
      return Status::Invalid("rows", w + "row " + fr.id + " has no indicator and needs note_vi and note_en saying why");
    t->rows.push_back(std::move(fr));
  }
  return Status::Ok();
}

}  // namespace

bool Template::AcceptsPeriod(indicator::PeriodKind k) const {
  static const char* kNames[] = {"month", "quarter", "half", "year"};
  if (k == indicator::PeriodKind::range) return false;
  return std::find(period_kinds.begin(), period_kinds.end(), kNames[static_cast<int>(k)]) != period_kinds.end();
}

Date DueDate(const Template& t, const indicator::Period& p) {
  if (t.due_working_days > 0) return WorkCalendar::Builtin().AddWorkingDays(p.to, t.due_working_days);
  return Date{t.DueBefore(p.year).days - 1};
}

Date Template::DueBefore(int year) const {
  return DateFromYmd(year + due_year_offset, static_cast<unsigned>(due_month), static_cast<unsigned>(due_day));
}

Status ParseTemplate(const std::string& text, Template* out) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::Invalid("template", "template: not a JSON object");
  Template t;
  U5_RETURN_IF_ERROR(Str(j, "kind", &t.kind, false));
  if (t.kind != "indicators" && t.kind != "line_list" && t.kind != "statistics_form")
    return Status::Invalid("kind", "template: kind must be indicators, line_list or statistics_form");
  for (auto [k, dst] : {std::pair{"id", &t.id}, {"title_vi", &t.title_vi}, {"issuing_body_vi", &t.issuing_body_vi}})
    U5_RETURN_IF_ERROR(Str(j, k, dst));
  U5_RETURN_IF_ERROR(Str(j, "period_kind", &t.period_kind, !t.statistics_form()));
  // A line list or a statistics form measures no plan and exports no data
  // set; its org unit is the caller's.
  for (auto [k, dst] : {std::pair{"plan", &t.plan}, {"orgunit", &t.orgunit}, {"dataset_code", &t.dataset_code}})
    U5_RETURN_IF_ERROR(Str(j, k, dst, t.kind == "indicators"));
  if (t.statistics_form()) U5_RETURN_IF_ERROR(ParseForm(j, &t));
  if (t.line_list()) {
    U5_RETURN_IF_ERROR(Str(j, "list", &t.list));
    U5_RETURN_IF_ERROR(Str(j, "permission", &t.permission));
    if (t.list != "deaths_women_15_49") return Status::Invalid("list", "template " + t.id + ": list must be deaths_women_15_49");
    if (t.permission.empty()) return Status::Invalid("permission", "template " + t.id + ": a line list names persons and needs a permission");
    if (j.contains("cumulative") && !j["cumulative"].is_boolean()) return Status::Invalid("cumulative", "template: 'cumulative' must be true or false");
    t.cumulative = j.value("cumulative", false);
    static const char* kColumns[] = {"age", "village", "commune", "death_date", "place", "pregnancy", "cause", "notified_at", "reviewed"};
    if (!j.contains("columns") || !j["columns"].is_array() || j["columns"].empty())
      return Status::Invalid("columns", "template " + t.id + ": a line list needs columns");
    for (const auto& c : j["columns"]) {
      ListColumn lc;
      if (!c.is_object()) return Status::Invalid("columns", "template " + t.id + ": a column must be an object");
      U5_RETURN_IF_ERROR(Str(c, "id", &lc.id));
      U5_RETURN_IF_ERROR(Str(c, "title_vi", &lc.title_vi));
      U5_RETURN_IF_ERROR(Str(c, "title_en", &lc.title_en));
      if (std::find(std::begin(kColumns), std::end(kColumns), lc.id) == std::end(kColumns))
        return Status::Invalid("columns", "template " + t.id + ": unknown column '" + lc.id + "'");
      t.columns.push_back(std::move(lc));
    }
    const json words = j.value("words", json::object());
    if (!words.is_object()) return Status::Invalid("words", "template " + t.id + ": words must map a word to {vi, en}");
    for (const auto& [k, v] : words.items()) {
      if (!v.is_object() || !v.value("vi", json()).is_string() || !v.value("en", json()).is_string())
        return Status::Invalid("words", "template " + t.id + ": word '" + k + "' needs vi and en");
      t.words[k] = {v["vi"].get<std::string>(), v["en"].get<std::string>()};
    }
    for (const char* w : {"yes", "no", "pregnant", "within_42_days", "reviewed", "not_reviewed"})
      if (!t.words.count(w)) return Status::Invalid("words", "template " + t.id + ": words needs '" + w + "'");
  }
  for (auto [k, dst] : {std::pair{"title_en", &t.title_en}, {"issuing_parent_vi", &t.issuing_parent_vi},
                        {"number_vi", &t.number_vi}, {"place_vi", &t.place_vi},
                        {"issuing_parent_en", &t.issuing_parent_en}, {"issuing_body_en", &t.issuing_body_en}, {"number_en", &t.number_en}})
    U5_RETURN_IF_ERROR(Str(j, k, dst, false));
  if (t.period_kinds.empty()) t.period_kinds = {t.period_kind};
  for (const auto& k : t.period_kinds)
    if (k != "half" && k != "year" && k != "quarter" && k != "month")
      return Status::Invalid(t.statistics_form() ? "period_kinds" : "period_kind",
                             "template " + t.id + ": period_kind must be month, quarter, half or year");
  t.period_kind = t.period_kinds.front();
  U5_RETURN_IF_ERROR(Strs(j, "legal_basis_vi", &t.legal_basis_vi));
  U5_RETURN_IF_ERROR(Strs(j, "legal_basis_en", &t.legal_basis_en));
  U5_RETURN_IF_ERROR(Strs(j, "recipients_vi", &t.recipients_vi));
  U5_RETURN_IF_ERROR(Strs(j, "recipients_en", &t.recipients_en));
  U5_RETURN_IF_ERROR(Strs(j, "headline", &t.headline));
  if (t.line_list() || t.statistics_form()) {
    *out = std::move(t);
    return Status::Ok();
  }
  if (!j.contains("due") || !j["due"].is_object()) return Status::Invalid("due", "template " + t.id + ": 'due' is required");
  const json& d = j["due"];
  t.due_month = d.value("before_month", 0);
  t.due_day = d.value("before_day", 0);
  t.due_year_offset = d.value("year_offset", 0);
  if (t.due_month < 1 || t.due_month > 12 || t.due_day < 1 || t.due_day > 31)
    return Status::Invalid("due", "template " + t.id + ": due needs before_month 1-12 and before_day 1-31");
  if (!j.contains("sections") || !j["sections"].is_array() || j["sections"].empty())
    return Status::Invalid("sections", "template " + t.id + ": at least one section is required");
  for (const auto& s : j["sections"]) {
    SectionSpec sp;
    if (!s.is_object()) return Status::Invalid("sections", "template " + t.id + ": a section must be an object");
    U5_RETURN_IF_ERROR(Str(s, "id", &sp.id));
    U5_RETURN_IF_ERROR(Str(s, "title_vi", &sp.title_vi));
    U5_RETURN_IF_ERROR(Str(s, "title_en", &sp.title_en, false));
    U5_RETURN_IF_ERROR(Strs(s, "indicators", &sp.indicators));
    if (sp.indicators.empty()) return Status::Invalid("sections", "template " + t.id + ": section " + sp.id + " has no indicators");
    t.sections.push_back(std::move(sp));
  }
  *out = std::move(t);
  return Status::Ok();
}

Status LoadTemplate(const std::string& data_dir, const std::string& id, Template* out) {
  if (id.empty() || id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
    return Status::Invalid("template", "template id must be lower-case letters, digits and _");
  const std::string path = data_dir + "/reports/" + id + ".json";
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("no report template '" + id + "' (" + path + ")", "template");
  std::stringstream ss;
  ss << in.rdbuf();
  U5_RETURN_IF_ERROR(ParseTemplate(ss.str(), out));
  if (out->id != id) return Status::Invalid("template", path + ": id '" + out->id + "' differs from the file name");
  return Status::Ok();
}

std::vector<std::string> ListTemplates(const std::string& data_dir) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(data_dir + "/reports", ec))
    if (e.path().extension() == ".json" && e.path().stem() != "mapping" && e.path().stem() != "holidays_vn") ids.push_back(e.path().stem().string());
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace u5::report
