#include "report/template.h"

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

}  // namespace

Date Template::DueBefore(int year) const {
  return DateFromYmd(year + due_year_offset, static_cast<unsigned>(due_month), static_cast<unsigned>(due_day));
}

Status ParseTemplate(const std::string& text, Template* out) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::Invalid("template", "template: not a JSON object");
  Template t;
  U5_RETURN_IF_ERROR(Str(j, "kind", &t.kind, false));
  if (t.kind != "indicators" && t.kind != "line_list")
    return Status::Invalid("kind", "template: kind must be indicators or line_list");
  for (auto [k, dst] : {std::pair{"id", &t.id}, {"period_kind", &t.period_kind}, {"title_vi", &t.title_vi},
                        {"issuing_body_vi", &t.issuing_body_vi}})
    U5_RETURN_IF_ERROR(Str(j, k, dst));
  // A line list measures no plan and exports no data set; its org unit is the caller's.
  for (auto [k, dst] : {std::pair{"plan", &t.plan}, {"orgunit", &t.orgunit}, {"dataset_code", &t.dataset_code}})
    U5_RETURN_IF_ERROR(Str(j, k, dst, !t.line_list()));
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
  if (t.period_kind != "half" && t.period_kind != "year" && t.period_kind != "quarter" && t.period_kind != "month")
    return Status::Invalid("period_kind", "template " + t.id + ": period_kind must be month, quarter, half or year");
  U5_RETURN_IF_ERROR(Strs(j, "legal_basis_vi", &t.legal_basis_vi));
  U5_RETURN_IF_ERROR(Strs(j, "legal_basis_en", &t.legal_basis_en));
  U5_RETURN_IF_ERROR(Strs(j, "recipients_vi", &t.recipients_vi));
  U5_RETURN_IF_ERROR(Strs(j, "recipients_en", &t.recipients_en));
  U5_RETURN_IF_ERROR(Strs(j, "headline", &t.headline));
  if (t.line_list()) {
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
    if (e.path().extension() == ".json" && e.path().stem() != "mapping") ids.push_back(e.path().stem().string());
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace u5::report
