#include "support/records.h"

#include <nlohmann/json.hpp>

#include "core/id.h"
#include "core/text.h"

namespace u5::test {

store::Record PersonRecord(const std::string& name, const std::string& birth, const std::string& orgunit) {
  store::Record r;
  r.type = "person";
  r.id = NewUuid7();
  r.orgunit_id = orgunit;
  r.full_name = name;
  r.name_folded = text::Fold(name);
  r.sex = "female";
  r.date = birth;
  r.version = 1;
  r.created_at = r.updated_at = "2026-01-01T00:00:00.000Z";
  r.body = nlohmann::json{{"id", r.id}, {"full_name", name}}.dump();
  return r;
}

store::Record EventRecord(const store::Record& person, const std::string& type, const std::string& date) {
  store::Record r;
  r.type = type;
  r.id = NewUuid7();
  r.person_id = person.id;
  r.orgunit_id = person.orgunit_id;
  r.date = date;
  r.version = 1;
  r.created_at = r.updated_at = "2026-01-01T00:00:00.000Z";
  r.body = nlohmann::json{{"id", r.id}, {"date", date}}.dump();
  return r;
}

}  // namespace u5::test
