#include "indicator/catalogue.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "core/id.h"

namespace u5::indicator {

const TargetOp* FindTargetOp(std::string_view name) {
  for (const TargetOp& op : kTargetOps)
    if (op.name == name) return &op;
  return nullptr;
}

bool IsIntervalMethod(const std::string& m) { return m == "wilson" || m == "poisson_exact" || m == "none"; }

std::string TargetOpNames() {
  std::string out;
  for (const TargetOp& op : kTargetOps) (out += out.empty() ? "" : ", ") += op.name;
  return out;
}
namespace {

using nlohmann::json;

Status Bad(const std::string& where, const std::string& why) {
  return Status::Invalid("catalogue", "catalogue: " + where + ": " + why);
}

Status ParseOp(const std::string& s, Op* op) {
  static const std::pair<const char*, Op> k[] = {
      {"=", Op::eq},          {"!=", Op::ne},         {"in", Op::in},       {"<", Op::lt},
      {"<=", Op::le},         {">", Op::gt},          {">=", Op::ge},       {"exists", Op::exists},
      {"missing", Op::missing}, {"nonempty", Op::nonempty}, {"prefix_in", Op::prefix_in}};
  for (const auto& [name, o] : k)
    if (s == name) { *op = o; return Status::Ok(); }
  return Status::Invalid("op", "unknown operator '" + s + "'");
}

// The value sets of the catalogue being parsed (Catalogue::Parse sets it), for
// conditions that name one.
thread_local const std::vector<ValueSet>* g_value_sets = nullptr;

Status ParseConds(const json& arr, const std::string& where, std::vector<Cond>* out) {
  if (arr.is_null()) return Status::Ok();
  if (!arr.is_array()) return Bad(where, "conditions must be a list");
  for (const auto& c : arr) {
    Cond cond;
    if (c.contains("any")) {
      cond.op = Op::any;
      U5_RETURN_IF_ERROR(ParseConds(c["any"], where, &cond.any));
    } else {
      if (!c.contains("field") || !c["field"].is_string() || !c.contains("op") || !c["op"].is_string())
        return Bad(where, "a condition needs field and op");
      cond.field = c["field"];
      if (Status st = ParseOp(c["op"].get<std::string>(), &cond.op); !st.ok()) return Bad(where, st.message());
      cond.value = c.value("value", json());
      if (c.contains("value_set")) {
        // The list is resolved here, once: the compiled rules see a plain "in".
        if (!c["value_set"].is_string()) return Bad(where, "value_set must be a name");
        cond.value_set = c["value_set"];
        if (cond.op != Op::in) return Bad(where, "value_set " + cond.value_set + " needs op \"in\"");
        if (c.contains("value")) return Bad(where, "condition on " + cond.field + " has both value and value_set");
        const ValueSet* vs = nullptr;
        if (g_value_sets)
          for (const auto& v : *g_value_sets)
            if (v.id == cond.value_set) vs = &v;
        if (!vs) return Bad(where, "unknown value_set '" + cond.value_set + "'");
        cond.value = vs->values;
      }
      if (cond.op != Op::exists && cond.op != Op::missing && cond.op != Op::nonempty && cond.value.is_null())
        return Bad(where, "condition on " + cond.field + " needs a value");
    }
    out->push_back(std::move(cond));
  }
  return Status::Ok();
}

Status ParseRelated(const json& arr, const std::string& where, std::vector<Related>* out) {
  if (arr.is_null()) return Status::Ok();
  if (!arr.is_array()) return Bad(where, "related must be a list");
  for (const auto& r : arr) {
    Related rel;
    rel.scope = r.value("scope", "person");
    if (rel.scope != "person" && rel.scope != "pregnancy" && rel.scope != "newborns" && rel.scope != "linked")
      return Bad(where, "related scope must be person, pregnancy, newborns or linked");
    rel.link = r.value("link", "");
    if (rel.scope == "linked" && rel.link.empty()) return Bad(where, "the linked scope needs link (the field naming the unit)");
    if (rel.scope != "linked" && !rel.link.empty()) return Bad(where, "link applies to the linked scope");
    rel.record = r.value("record", "");
    if (rel.record.empty()) return Bad(where, "related needs a record type");
    U5_RETURN_IF_ERROR(ParseConds(r.value("where", json()), where, &rel.where));
    rel.min_count = r.value("min_count", 1);
    rel.max_count = r.value("max_count", -1);
    rel.distinct = r.value("distinct", "");
    rel.same_year = r.value("same_year", false);
    if (r.contains("min_months_before")) {
      const auto& m = r["min_months_before"];
      if (!m.is_number_integer() || m.get<int>() < 0) return Bad(where, "min_months_before must be a whole number >= 0");
      rel.min_months_before = m.get<int>();
    }
    if (r.contains("before_months")) {
      const auto& b = r["before_months"];
      if (!b.is_number_integer() || b.get<int>() < 1 || b.get<int>() > 1200)
        return Bad(where, "before_months must be a whole number of months from 1 to 1200");
      rel.before_months = b.get<int>();
    }
    if (r.contains("window_days")) {
      const auto& w = r["window_days"];
      if (!w.is_array() || w.size() != 2) return Bad(where, "window_days must be [from, to]");
      rel.window_min = w[0].get<int>();
      rel.window_max = w[1].get<int>();
    }
    rel.min_count_field = r.value("min_count_field", "");
    if (!rel.min_count_field.empty() && rel.scope != "newborns")
      return Bad(where, "min_count_field applies to the newborns scope");
    if (rel.scope == "newborns") {
      // A newborn counts once whatever its records: counting distinct values
      // would mix newborns and records, and an age here would be the mother's.
      if (!rel.distinct.empty()) return Bad(where, "distinct does not apply to the newborns scope");
      std::function<bool(const std::vector<Cond>&)> ages = [&](const std::vector<Cond>& cs) {
        for (const auto& c : cs)
          if ((!c.field.empty() && c.field[0] == '$') || ages(c.any)) return true;
        return false;
      };
      if (ages(rel.where)) return Bad(where, "age fields ($age_*) do not apply to the newborns scope; use window_days");
    }
    out->push_back(std::move(rel));
  }
  return Status::Ok();
}

Status ParseUnit(const json& j, const std::string& where, UnitSpec* u) {
  if (!j.is_object() || !j.contains("record")) return Bad(where, "needs a record type");
  u->record = j["record"];
  U5_RETURN_IF_ERROR(ParseConds(j.value("where", json()), where, &u->where));
  U5_RETURN_IF_ERROR(ParseRelated(j.value("related", json()), where, &u->related));
  u->weight = j.value("weight", "");
  u->latest_per_person = j.value("latest_per_person", false);
  const std::string date = j.contains("date") && j["date"].is_string() ? j["date"].get<std::string>() : "";
  if (j.contains("date") && date != "last_related" && date != "birthday")
    return Bad(where, "date must be last_related or birthday");
  u->date_last_related = date == "last_related";
  if (date == "birthday") {
    if (u->record != "person") return Bad(where, "date birthday needs record person");
    const json b = j.value("birthday_months", json());
    if (!b.is_number_integer() || b.get<int>() < 1 || b.get<int>() > 1200)
      return Bad(where, "date birthday needs birthday_months, a whole number of months from 1 to 1200");
    u->birthday_months = b.get<int>();
  } else if (j.contains("birthday_months")) {
    return Bad(where, "birthday_months needs date birthday");
  }
  if (j.contains("date_field")) {
    if (!j["date_field"].is_string() || j["date_field"].get<std::string>().empty()) return Bad(where, "date_field must name a date field");
    if (u->record == "person" || j.contains("date") || j.contains("once_per"))
      return Bad(where, "date_field needs an event type and combines with neither date nor once_per");
    u->date_field = j["date_field"];
  }
  if (j.contains("once_per")) {
    const json& o = j["once_per"];
    if (o == "pregnancy") u->once_per = OncePer::pregnancy;
    else if (o == "year") u->once_per = OncePer::year;
    else return Bad(where, "once_per must be \"pregnancy\" or \"year\"");
    if (u->record == "person" || u->record.empty()) return Bad(where, "once_per needs an event type as record");
    if (u->date_last_related) return Bad(where, "once_per and \"date\": \"last_related\" do not combine");
  }
  return Status::Ok();
}

Status ParseIndicator(const json& j, Indicator* ind) {
  if (!j.contains("id") || !j["id"].is_string()) return Bad("indicators", "an indicator has no id");
  ind->id = j["id"];
  const std::string w = "indicator " + ind->id;
  for (auto [key, dst] : {std::pair{"name_vi", &ind->name_vi}, {"name_en", &ind->name_en}, {"kind", &ind->kind},
                          {"unit", &ind->unit}, {"direction", &ind->direction}, {"source", &ind->source},
                          {"basis", &ind->basis}, {"numerator_text", &ind->numerator_text},
                          {"denominator_text", &ind->denominator_text}})
    *dst = j.value(key, "");
  if (ind->direction != "lower_is_better" && ind->direction != "higher_is_better")
    return Bad(w, "direction must be lower_is_better or higher_is_better");
  ind->multiplier = j.value("multiplier", 1.0);
  ind->disaggregations = j.value("disaggregations", std::vector<std::string>{});
  ind->interval = j.value("interval", "");
  if (!ind->interval.empty() && !IsIntervalMethod(ind->interval))
    return Bad(w, "interval must be wilson, poisson_exact or none, not '" + ind->interval + "'");
  if (j.contains("compute")) {
    const json& c = j["compute"];
    ind->computable = true;
    ind->annual_only = c.value("annual_only", false);
    if (!c.contains("denominator")) return Bad(w, "compute needs a denominator");
    const json& d = c["denominator"];
    if (d.contains("aggregate")) {
      ind->den_aggregate = true;
      ind->den_element = d["aggregate"];
    } else {
      U5_RETURN_IF_ERROR(ParseUnit(d, w + " denominator", &ind->den));
      if (d.contains("scale_aggregate")) {
        if (!d["scale_aggregate"].is_string()) return Bad(w, "scale_aggregate must name a data element");
        ind->den_scale_element = d["scale_aggregate"];
        const json per = d.value("scale_per", json(1));
        if (!per.is_number() || per.get<double>() <= 0) return Bad(w, "scale_per must be a number > 0");
        ind->den_scale_per = per.get<double>();
      }
    }
    if (c.contains("numerator_flag")) {
      if (ind->den_aggregate) return Bad(w, "numerator_flag needs a counted denominator");
      ind->num_is_flag = true;
      U5_RETURN_IF_ERROR(ParseConds(c["numerator_flag"].value("where", json()), w, &ind->flag_where));
      U5_RETURN_IF_ERROR(ParseRelated(c["numerator_flag"].value("related", json()), w, &ind->flag_related));
    } else if (c.contains("numerator")) {
      U5_RETURN_IF_ERROR(ParseUnit(c["numerator"], w + " numerator", &ind->num));
      if (ind->num.latest_per_person) return Bad(w, "latest_per_person applies to a denominator with numerator_flag");
    } else {
      return Bad(w, "compute needs numerator or numerator_flag");
    }
  } else {
    ind->not_computable = j.value("not_computable", "no computation rule");
  }
  return Status::Ok();
}

Status ParseSmallNumbers(const json& j, SmallNumbers* s) {
  if (j.is_null()) return Status::Ok();
  if (!j.is_object()) return Bad("small_numbers", "must be an object");
  const json conf = j.value("confidence", json(0.95));
  if (!conf.is_number() || !(conf.get<double>() > 0 && conf.get<double>() < 1))
    return Bad("small_numbers.confidence", "must be a number between 0 and 1 (0.95)");
  s->confidence = conf.get<double>();
  for (auto [key, dst] : {std::pair{"min_events", &s->min_events}, {"min_denominator", &s->min_denominator}}) {
    const json v = j.value(key, json(*dst));
    if (!v.is_number_integer() || v.get<int64_t>() < 0)
      return Bad(std::string("small_numbers.") + key, "must be a whole number >= 0");
    *dst = v.get<int64_t>();
  }
  const json by = j.value("interval_by_kind", json::object());
  if (!by.is_object()) return Bad("small_numbers.interval_by_kind", "must map an indicator kind to a method");
  for (auto it = by.begin(); it != by.end(); ++it) {
    if (!it.value().is_string() || !IsIntervalMethod(it.value().get<std::string>()))
      return Bad("small_numbers.interval_by_kind." + it.key(), "must be wilson, poisson_exact or none");
    s->method_by_kind[it.key()] = it.value().get<std::string>();
  }
  s->source = j.value("source", "");
  return Status::Ok();
}

}  // namespace

Status Catalogue::Parse(const std::string& text, Catalogue* out) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return Bad("file", "not a JSON object");
  Catalogue c;
  if (j.contains("matrix_years")) {
    c.first_year_ = j["matrix_years"][0];
    c.last_year_ = j["matrix_years"][1];
    if (c.first_year_ < 1990 || c.last_year_ < c.first_year_ || c.last_year_ - c.first_year_ > 40)
      return Bad("matrix_years", "must be [first, last] with at most 40 years");
  }
  const json sets = j.value("value_sets", json::object());  // named: items() of a temporary would dangle
  if (!sets.is_object()) return Bad("value_sets", "must be an object of named lists");
  for (const auto& [id, vj] : sets.items()) {
    ValueSet vs;
    vs.id = id;
    const std::string w = "value_set " + id;
    if (!vj.is_object() || !vj.contains("values") || !vj["values"].is_array() || vj["values"].empty())
      return Bad(w, "needs a non-empty list of values");
    for (const auto& v : vj["values"]) {
      if (!v.is_string()) return Bad(w, "values must be strings");
      vs.values.push_back(v);
    }
    if (!vj.contains("source") || !vj["source"].is_string() || vj["source"].get<std::string>().empty())
      return Bad(w, "needs the source that defines it");
    vs.source = vj["source"];
    vs.name_en = vj.value("name_en", "");
    vs.name_vi = vj.value("name_vi", "");
    vs.note = vj.value("note", "");
    c.value_sets_.push_back(std::move(vs));
  }
  g_value_sets = &c.value_sets_;
  struct Reset {
    ~Reset() { g_value_sets = nullptr; }
  } reset;
  U5_RETURN_IF_ERROR(ParseSmallNumbers(j.value("small_numbers", json()), &c.small_numbers_));
  c.death_analysis_ = j.value("death_analysis", json::object());
  if (!c.death_analysis_.is_object() || !c.death_analysis_.value("dimensions", json::object()).is_object() ||
      !c.death_analysis_.value("icd10_chapters", json::array()).is_array())
    return Bad("death_analysis", "must be {dimensions: {...}, icd10_chapters: [...]}");
  std::set<std::string> ids;
  for (const auto& de : j.value("data_elements", json::array())) c.data_elements_.push_back(de.value("id", ""));
  for (const auto& ij : j.value("indicators", json::array())) {
    Indicator ind;
    U5_RETURN_IF_ERROR(ParseIndicator(ij, &ind));
    if (!ids.insert(ind.id).second) return Bad("indicators", "duplicate id " + ind.id);
    if (!ind.den_scale_element.empty() &&
        std::find(c.data_elements_.begin(), c.data_elements_.end(), ind.den_scale_element) == c.data_elements_.end())
      return Bad("indicator " + ind.id, "scale_aggregate " + ind.den_scale_element + " is not in data_elements");
    c.indicators_.push_back(std::move(ind));
  }
  for (const auto& pj : j.value("plans", json::array())) {
    Plan p;
    p.id = pj.value("id", "");
    p.province = pj.value("province", "");
    p.province_en = pj.value("province_en", p.province);
    p.orgunit = pj.value("orgunit", "");
    p.document = pj.value("document", json("")).is_string() ? pj.value("document", "") : "";
    p.targets_missing = pj.value("targets_missing", "");
    p.successor_orgunit = pj.value("successor_orgunit", "");
    p.applies_to = pj.value("applies_to", "");
    if (p.id.empty() || p.orgunit.empty()) return Bad("plans", "a plan needs id and orgunit");
    if (!p.applies_to.empty() && p.applies_to != "every_province")
      return Bad("plan " + p.id, "applies_to must be every_province");
    for (const auto& tj : pj.value("targets", json::array())) {
      Target t;
      t.plan = p.id;
      t.indicator = tj.value("indicator", "");
      if (!ids.count(t.indicator)) return Bad("plan " + p.id, "target for unknown indicator '" + t.indicator + "'");
      t.year = tj.value("year", 0);
      t.op = tj.value("op", "");
      t.value = tj.value("value", 0.0);
      t.printed = t.printed_vi = tj.value("printed", "");
      t.printed_en = tj.value("printed_en", "");
      t.note = tj.value("note", "");
      t.maintain = tj.value("maintain", false);
      if (tj.contains("baseline_year")) t.baseline_year = tj["baseline_year"].get<int>();
      if (t.op == "increase_pct_vs_2020") t.baseline_year = 2020;
      const TargetOp* op = FindTargetOp(t.op);
      if (!op) return Bad("plan " + p.id, "unknown target operator '" + t.op + "'");
      if (op->needs_baseline_year && !t.baseline_year)
        return Bad("plan " + p.id, t.op + " needs baseline_year");
      p.targets.push_back(std::move(t));
    }
    for (const auto& bj : pj.value("baseline", json::array())) {
      Baseline b;
      b.indicator = bj.value("indicator", "");
      b.year = bj.value("year", 0);
      b.value = bj.value("value", 0.0);
      b.printed = bj.value("printed", "");
      b.source = bj.value("source", "routine");
      b.scope = bj.value("scope", "");
      p.baseline.push_back(std::move(b));
    }
    c.plans_.push_back(std::move(p));
  }
  c.digest_ = Sha256Hex(text);
  *out = std::move(c);
  return Status::Ok();
}

Status Catalogue::Load(const std::string& data_dir, Catalogue* out) {
  const std::string path = data_dir + "/indicators/catalogue.json";
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    Status st = Parse(ss.str(), out);
    if (st.ok()) {
      out->origin_ = path;
      return st;
    }
    return st;  // a broken edited file is reported, not silently replaced
  }
  *out = Builtin();
  return Status::Ok();
}

const Catalogue& Catalogue::Builtin() {
  static const Catalogue c = [] {
    Catalogue x;
    Status st = Parse(kBuiltinCatalogue, &x);
    if (!st.ok()) throw std::runtime_error("built-in indicator catalogue: " + st.message());
    x.origin_ = "built-in";
    return x;
  }();
  return c;
}

const Indicator* Catalogue::Find(const std::string& id) const {
  int i = IndexOf(id);
  return i < 0 ? nullptr : &indicators_[i];
}

int Catalogue::IndexOf(const std::string& id) const {
  for (size_t i = 0; i < indicators_.size(); ++i)
    if (indicators_[i].id == id) return static_cast<int>(i);
  return -1;
}

bool Catalogue::IsEnterable(const std::string& id) const {
  if (Find(id)) return true;
  for (const auto& d : data_elements_)
    if (d == id) return true;
  return false;
}

const ValueSet* Catalogue::FindValueSet(const std::string& id) const {
  for (const auto& v : value_sets_)
    if (v.id == id) return &v;
  return nullptr;
}

const Plan* Catalogue::FindPlan(const std::string& id) const {
  for (const auto& p : plans_)
    if (p.id == id) return &p;
  return nullptr;
}

}  // namespace u5::indicator
