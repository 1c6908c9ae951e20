#include "care/history.h"

#include <algorithm>
#include <charconv>
#include <simdjson.h>

namespace u5::care {

const std::vector<std::string>& UsedTypes() {
  static const std::vector<std::string> k = {"pregnancy", "anc_visit", "delivery", "newborn", "postnatal_visit",
                                              "immunization", "growth", "vitamin_a", "illness", "death", "stillbirth",
                                              "health_check"};
  return k;
}

namespace {

// Bodies carry many derived numbers (z-scores) no rule reads; skip them to keep facts small.
bool FieldUsed(std::string_view f) {
  static const std::vector<std::string_view> k = {
      "trimester", "tetanus_dose", "iron_folate", "mms", "hiv_test", "syphilis_test", "hepb_test", "risk_detected",
      "risk_factors", "lmp", "edd", "outcome", "delivered_at", "birth_weight_g", "gestational_weeks",
      "hepb_birth_dose_24h", "days_after_birth", "place", "vaccine", "dose", "sam", "kind", "antibiotic", "ors",
      "zinc", "referred", "village", "dose_iu", "campaign_round", "age_band"};
  return std::find(k.begin(), k.end(), f) != k.end();
}

}  // namespace

const std::string* Fact::Get(std::string_view name) const {
  for (const auto& [k, v] : fields)
    if (k == name) return &v;
  return nullptr;
}

std::optional<int> Fact::Int(std::string_view name) const {
  const std::string* v = Get(name);
  if (!v) return std::nullopt;
  // from_chars, not stoi: a value out of int's range (or a lone "-") is "no number", never an exception.
  int out = 0;
  const char* end = v->data() + v->size();
  const auto [stop, ec] = std::from_chars(v->data(), end, out);
  if (ec != std::errc() || stop != end) return std::nullopt;
  return out;
}

bool Fact::True(std::string_view name) const {
  const std::string* v = Get(name);
  return v && *v == std::string_view("true");
}

bool Fact::Is(std::string_view name, std::string_view json_text) const {
  const std::string* v = Get(name);
  return v && *v == json_text;
}

bool TypeUsed(const std::string& type) {
  const auto& k = UsedTypes();
  return std::find(k.begin(), k.end(), type) != k.end();
}

Fact FactFromBody(const std::string& id, const std::string& type, const std::string& pregnancy_id, Date date,
                  std::string_view body_json) {
  Fact f;
  f.id = id;
  f.type = type;
  f.pregnancy_id = pregnancy_id;
  f.date = date;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body_json.data(), body_json.size()).get(doc) != simdjson::SUCCESS) return f;
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return f;
  for (auto [key, value] : obj) {
    if (!FieldUsed(key)) continue;
    f.fields.emplace_back(std::string(key), simdjson::minify(value));
  }
  return f;
}

History HistoryFromRecords(const store::Record& person, const std::vector<store::Record>& events) {
  History h;
  h.person.id = person.id;
  h.person.orgunit = person.orgunit_id;
  h.person.full_name = person.full_name;
  h.person.sex = person.sex;
  h.person.birth = ParseDate(person.date).value_or(Date{});
  h.person.phone = person.phone.value_or("");
  h.person.mother_id = person.mother_id.value_or("");
  Fact pf = FactFromBody(person.id, "person", "", h.person.birth, person.body);
  if (const std::string* v = pf.Get("village"); v && v->size() >= 2) h.person.village = v->substr(1, v->size() - 2);
  for (const auto& e : events) {
    if (e.deleted_at || !TypeUsed(e.type)) continue;
    const Date d = ParseDate(e.date).value_or(Date{});
    if (e.type == "death") h.death = h.death ? std::min(*h.death, d) : d;
    h.events.push_back(FactFromBody(e.id, e.type, e.pregnancy_id.value_or(""), d, e.body));
  }
  std::stable_sort(h.events.begin(), h.events.end(), [](const Fact& a, const Fact& b) { return a.date < b.date; });
  return h;
}

}  // namespace u5::care
