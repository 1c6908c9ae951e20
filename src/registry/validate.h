// Validation of one registry record: type and bounds of each field (from the
// form definitions), then the rules that relate fields and records (no event
// before birth or in the future, ANC within its pregnancy, ...). On success
// the record is returned in canonical form, ready for the store.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/date.h"
#include "core/status.h"
#include "store/record.h"

namespace u5::store { class Store; }

namespace u5::registry {

struct PersonFacts {
  std::string sex;
  Date birth;
  std::string mother_id;
};

struct EventFacts {
  std::string type;
  std::string person_id;
  Date date;
  std::optional<Date> lmp;  // pregnancies
};

// What validation needs to know about other records. The importer layers the
// records of the file being imported over the store's.
class Lookup {
 public:
  virtual ~Lookup() = default;
  virtual std::optional<PersonFacts> Person(const std::string& id) = 0;
  virtual std::optional<EventFacts> Event(const std::string& id) = 0;
  virtual bool OrgUnit(const std::string& id) = 0;
};

class StoreLookup : public Lookup {
 public:
  explicit StoreLookup(store::Store& s) : store_(s) {}
  std::optional<PersonFacts> Person(const std::string& id) override;
  std::optional<EventFacts> Event(const std::string& id) override;
  bool OrgUnit(const std::string& id) override;

 private:
  store::Store& store_;
};

// Facts about a validated record, for layering in a Lookup.
PersonFacts FactsOfPerson(const store::Record& r);
EventFacts FactsOfEvent(const store::Record& r);

// Validates `in` as a record of `type`. A missing "id" gets a new UUIDv7.
// The envelope (version, timestamps) of `out` is left for the caller.
Status Validate(const std::string& type, const nlohmann::json& in, Lookup& lookup, Date today, store::Record* out);

}  // namespace u5::registry
