#include "indicator/figures.h"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace u5::indicator {

using nlohmann::json;

namespace {

std::string Str(const json& j, const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; }

Status ParseParts(const json& j, const char* key, std::map<std::string, std::vector<std::string>>* out) {
  if (!j.contains(key) || !j[key].is_object()) return Status::Invalid(key, std::string(key) + " must be an object");
  for (auto& [ind, parts] : j[key].items()) {
    if (!parts.is_array()) return Status::Invalid(key, std::string(key) + "." + ind + " must be a list of elements");
    for (const auto& p : parts) (*out)[ind].push_back(p.get<std::string>());
  }
  return Status::Ok();
}

}  // namespace

Status Figures::Parse(std::string_view text, Figures* out) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Invalid("figures", "figures.json is not a JSON object");
  Figures f;
  std::set<std::string> seen;
  for (const auto& g : j.value("groups", json::array())) {
    FigureGroup fg{Str(g, "id"), Str(g, "label_vi"), Str(g, "label_en"), Str(g, "source"), Str(g, "level"), {}};
    if (fg.id.empty() || fg.label_vi.empty() || fg.label_en.empty()) return Status::Invalid("groups", "a group needs id, label_vi and label_en");
    if (fg.level != "area" && fg.level != "facility") return Status::Invalid("groups", "group " + fg.id + ": level must be area or facility");
    for (const auto& e : g.value("elements", json::array())) {
      FigureElement fe{Str(e, "id"), Str(e, "label_vi"), Str(e, "label_en"), Str(e, "unit"), e.value("max", 0.0)};
      if (fe.id.empty() || !(fe.max > 0)) return Status::Invalid("elements", "group " + fg.id + ": an element needs an id and a positive max");
      if (!seen.insert(fe.id).second) return Status::Invalid("elements", "element " + fe.id + " is listed twice");
      fg.elements.push_back(fe);
    }
    f.groups_.push_back(std::move(fg));
  }
  U5_RETURN_IF_ERROR(ParseParts(j, "derived", &f.derived_));
  U5_RETURN_IF_ERROR(ParseParts(j, "specialist", &f.specialist_));
  for (const auto& [ind, parts] : f.derived_)
    for (const auto& p : parts)
      if (!f.Find(p)) return Status::Invalid("derived", ind + " sums unknown element " + p);
  for (const auto& n : j.value("norms", json::array())) {
    StaffingNorm sn{Str(n, "plan"), Str(n, "indicator"), Str(n, "scope"), Str(n, "printed"), Str(n, "note"),
                    n.value("min_total", 0.0), n.value("min_specialist", 0.0)};
    if (!f.derived_.count(sn.indicator)) return Status::Invalid("norms", "norm of " + sn.plan + ": no staff elements sum " + sn.indicator);
    if (sn.min_specialist > 0 && !f.specialist_.count(sn.indicator))
      return Status::Invalid("norms", "norm of " + sn.plan + ": no specialist elements for " + sn.indicator);
    f.norms_.push_back(std::move(sn));
  }
  const json fac = j.value("facilities", json::object());
  for (const auto& x : fac.value("id_prefixes", json::array())) f.facility_prefixes_.push_back(x.get<std::string>());
  for (const auto& x : fac.value("kinds", json::array())) f.facility_kinds_.push_back(x.get<std::string>());
  f.facilities_source_ = Str(fac, "source");
  if (f.facility_prefixes_.empty() && f.facility_kinds_.empty())
    return Status::Invalid("facilities", "facilities needs id_prefixes or kinds (where staffing is entered)");
  *out = std::move(f);
  return Status::Ok();
}

Status Figures::Load(const std::string& data_dir, Figures* out) {
  std::ifstream in(data_dir + "/indicators/figures.json", std::ios::binary);
  if (!in) {
    *out = Builtin();
    return Status::Ok();
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), out);
}

const Figures& Figures::Builtin() {
  static const Figures f = [] {
    Figures x;
    Status st = Parse(kBuiltinFigures, &x);
    if (!st.ok()) throw std::runtime_error("built-in figures.json: " + st.message());
    return x;
  }();
  return f;
}

const FigureElement* Figures::Find(const std::string& id) const {
  for (const auto& g : groups_)
    for (const auto& e : g.elements)
      if (e.id == id) return &e;
  return nullptr;
}

const FigureGroup* Figures::GroupOf(const std::string& element) const {
  for (const auto& g : groups_)
    for (const auto& e : g.elements)
      if (e.id == element) return &g;
  return nullptr;
}

const std::vector<std::string>& Figures::Parts(const std::string& indicator) const {
  static const std::vector<std::string> kNone;
  auto it = derived_.find(indicator);
  return it == derived_.end() ? kNone : it->second;
}

const std::vector<std::string>& Figures::SpecialistParts(const std::string& indicator) const {
  static const std::vector<std::string> kNone;
  auto it = specialist_.find(indicator);
  return it == specialist_.end() ? kNone : it->second;
}

bool Figures::IsStaffedFacility(const std::string& id, const std::string& kind) const {
  for (const auto& p : facility_prefixes_)
    if (id.rfind(p, 0) == 0) return true;
  for (const auto& k : facility_kinds_)
    if (kind == k) return true;
  return false;
}

NormVerdict Figures::Judge(const StaffingNorm& n, const Staffing& s) const {
  NormVerdict v;
  for (const auto& p : Parts(n.indicator))
    if (auto it = s.find(p); it != s.end()) v.entered = true, v.total += it->second;
  for (const auto& p : SpecialistParts(n.indicator))
    if (auto it = s.find(p); it != s.end()) v.specialist += it->second;
  v.meets = v.entered && v.total >= n.min_total && v.specialist >= n.min_specialist;
  return v;
}

NormCompliance Figures::Compliance(const StaffingNorm& n, const std::vector<Staffing>& facilities) const {
  NormCompliance c;
  c.facilities = static_cast<int>(facilities.size());
  for (const auto& s : facilities) {
    NormVerdict v = Judge(n, s);
    c.entered += v.entered;
    c.meeting += v.meets;
  }
  if (c.entered > 0) c.share = 100.0 * c.meeting / c.entered;
  return c;
}

}  // namespace u5::indicator
