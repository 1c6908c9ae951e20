// Validation of one registry record: type and bounds of each field (from the
// form definitions), then the rules that relate fields and records (no event
// before birth or in the future, ANC within its pregnancy, ...). On success
// the record is returned in canonical form, ready for the store.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "store/record.h"

namespace u5::store { class Store; }
namespace simdjson::dom { class object; }

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
  std::string pregnancy_id;  // ANC visits and deliveries
  std::string outcome;       // pregnancies: "ongoing", "delivered", ... ("" when not recorded)
};

// The dates of a person's live events that bound her birth and death: the
// earliest event, the latest event other than a death, and her death.
struct PersonEvents {
  std::optional<Date> first, last_alive, death;
  std::string first_type, last_alive_type;
  // Her ANC visits, deliveries and stillbirths with their pregnancy: a
  // pregnancy ends at its delivery or stillbirth, so no ANC visit of it may be dated after.
  struct OfPregnancy {
    std::string id, type, pregnancy_id;
    Date date;
  };
  std::vector<OfPregnancy> of_pregnancy;
  // Her pregnancies, so a woman's death is judged against them (maternal_candidate).
  struct Pregnancy {
    std::string id;
    std::optional<Date> lmp;
    std::string outcome;
  };
  std::vector<Pregnancy> pregnancies;
  // Adds one event unless its id is `except` (the record being validated);
  // `facts` gives a pregnancy's lmp and outcome.
  void Add(const std::string& id, const std::string& type, Date date, const std::string& except,
           const std::string& pregnancy_id = "", const EventFacts* facts = nullptr);
};

// What validation needs to know about other records. The importer layers the
// records of the file being imported over the store's.
class Lookup {
 public:
  virtual ~Lookup() = default;
  virtual std::optional<PersonFacts> Person(const std::string& id) = 0;
  virtual std::optional<EventFacts> Event(const std::string& id) = 0;
  virtual bool OrgUnit(const std::string& id) = 0;
  // The person's live events, leaving out the event `except`; a lookup that
  // cannot tell answers none, and the rules between them are not checked.
  virtual PersonEvents EventsOf(const std::string& person_id, const std::string& except) {
    (void)person_id;
    (void)except;
    return {};
  }
};

class StoreLookup : public Lookup {
 public:
  explicit StoreLookup(store::Store& s) : store_(s) {}
  std::optional<PersonFacts> Person(const std::string& id) override;
  std::optional<EventFacts> Event(const std::string& id) override;
  bool OrgUnit(const std::string& id) override;
  PersonEvents EventsOf(const std::string& person_id, const std::string& except) override;

 private:
  store::Store& store_;
};

// Facts about a validated record, for layering in a Lookup.
PersonFacts FactsOfPerson(const store::Record& r);
EventFacts FactsOfEvent(const store::Record& r);

// Validates `in` as a record of `type`. A missing "id" gets a new UUIDv7.
// The envelope (version, timestamps) of `out` is left for the caller.
Status Validate(const std::string& type, const nlohmann::json& in, Lookup& lookup, Date today, store::Record* out);
// The same; when it fails on fields, `field_errors` receives one Invalid per
// faulty field (unknown fields first, then in the schema's order), the returned
// Status being the first of them. A failed rule between fields or records is
// returned alone, as the field checks found nothing.
Status Validate(const std::string& type, const nlohmann::json& in, Lookup& lookup, Date today, store::Record* out,
                std::vector<Status>* field_errors);
// The same for a line of a JSONL file, read straight from simdjson's parse so
// that a million lines are not first copied into nlohmann trees. The envelope
// keys (type, version, created_at, updated_at, deleted_at, delete_reason) are
// not fields and are passed over. The caller sends only what nlohmann would
// read alike: no key twice (and, in the importer, no escapes or control characters).
Status ValidateLine(const std::string& type, const simdjson::dom::object& in, Lookup& lookup, Date today, store::Record* out);

}  // namespace u5::registry
