#include "population.h"

#include <memory>

#include "core/date.h"
#include "core/id.h"
#include "registry/validate.h"

namespace u5::test {

Population::Population(StoreKind kind) : db_(kind) {}

indicator::Service& Population::service() {
  if (!service_) {
    Status st = indicator::Service::Open(store(), U5_DATA_DIR, &service_);
    if (!st.ok()) throw std::runtime_error(st.ToString());
  }
  return *service_;
}

nlohmann::json Population::Resolve(nlohmann::json fields) const {
  for (const char* k : {"mother_id", "pregnancy_id", "delivery_id", "person_id", "death_id", "review_id"})
    if (fields.contains(k) && fields[k].is_string() && ids_.count(fields[k].get<std::string>()))
      fields[k] = ids_.at(fields[k].get<std::string>());
  return fields;
}

std::string Population::Person(const std::string& key, const std::string& sex, const std::string& birth,
                               const std::string& orgunit, nlohmann::json fields) {
  fields["full_name"] = "Người " + key;
  fields["sex"] = sex;
  fields["birth_date"] = birth;
  fields["orgunit"] = orgunit;
  fields["id"] = NewUuid7();
  inputs_[key] = fields;
  types_[key] = "person";
  registry::StoreLookup lookup(store());
  store::Record r;
  Status st = registry::Validate("person", Resolve(fields), lookup, Today(), &r);
  if (!st.ok()) throw std::runtime_error(key + ": " + st.ToString());
  r.created_at = r.updated_at = NowIso();
  st = store().Insert(r);
  if (!st.ok()) throw std::runtime_error(key + ": " + st.ToString());
  ids_[key] = r.id;
  return r.id;
}

std::string Population::Event(const std::string& key, const std::string& type, const std::string& who,
                              const std::string& date, const std::string& orgunit, nlohmann::json fields) {
  fields["person_id"] = who;
  fields["date"] = date;
  fields["orgunit"] = orgunit;
  fields["id"] = NewUuid7();
  inputs_[key] = fields;
  types_[key] = type;
  registry::StoreLookup lookup(store());
  store::Record r;
  Status st = registry::Validate(type, Resolve(fields), lookup, Today(), &r);
  if (!st.ok()) throw std::runtime_error(key + ": " + st.ToString());
  r.created_at = r.updated_at = NowIso();
  st = store().Insert(r);
  if (!st.ok()) throw std::runtime_error(key + ": " + st.ToString());
  ids_[key] = r.id;
  return r.id;
}

void Population::Update(const std::string& key, const nlohmann::json& changes) {
  nlohmann::json fields = inputs_.at(key);
  for (auto it = changes.begin(); it != changes.end(); ++it) fields[it.key()] = it.value();
  store::Record cur;
  Status st = store().Get(types_.at(key), ids_.at(key), &cur);
  if (!st.ok()) throw std::runtime_error(key + ": " + st.ToString());
  registry::StoreLookup lookup(store());
  store::Record r;
  st = registry::Validate(types_.at(key), Resolve(fields), lookup, Today(), &r);
  if (!st.ok()) throw std::runtime_error(key + ": " + st.ToString());
  st = store().Update(r, cur.version);
  if (!st.ok()) throw std::runtime_error(key + ": " + st.ToString());
  inputs_[key] = fields;
}

void Population::Delete(const std::string& key) {
  store::Record cur, out;
  Status st = store().Get(types_.at(key), ids_.at(key), &cur);
  if (st.ok()) st = store().SoftDelete(types_.at(key), ids_.at(key), cur.version, "test", &out);
  if (!st.ok()) throw std::runtime_error(key + ": " + st.ToString());
}

nlohmann::json Population::Body(const std::string& key) {
  store::Record r;
  Status st = store().Get(types_.at(key), ids_.at(key), &r);
  if (!st.ok()) throw std::runtime_error(key + ": " + st.ToString());
  return nlohmann::json::parse(r.body);
}

indicator::Cell Population::Counts(const std::string& indicator, const std::string& orgunit, const std::string& period) {
  indicator::Period p;
  Status st = indicator::ParsePeriod(period, &p);
  if (!st.ok()) throw std::runtime_error(st.ToString());
  indicator::IndicatorValue v;
  st = service().Value(indicator, orgunit, p, &v);
  if (!st.ok()) throw std::runtime_error(st.ToString());
  return {v.num, v.den};
}

}  // namespace u5::test
