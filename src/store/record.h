// A stored registry record: common envelope columns plus the validated body.
// Persons and events share the envelope; the body is canonical JSON produced
// by the registry validator, so the store never interprets health content.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace u5::store {

struct Record {
  std::string type;        // "person" or an event type ("anc_visit", "immunization", ...)
  std::string id;          // UUID
  std::string person_id;   // events: whose record; persons: empty
  std::optional<std::string> pregnancy_id;
  std::string orgunit_id;
  std::string date;        // persons: birth date; events: event date (ISO)
  int64_t version = 1;
  std::string created_at, updated_at;
  std::optional<std::string> deleted_at, delete_reason;
  std::string body;        // JSON object text
  // Person-only search columns.
  std::string full_name, name_folded, sex;
  std::optional<std::string> phone, citizen_id, mother_id;

  bool is_person() const { return type == "person"; }
};

}  // namespace u5::store
