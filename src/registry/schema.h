// The registry's record types and their fields, read from the form
// definitions (data/forms/registry.json) so that a field or bound is an edit
// of data, not of code.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace u5::registry {

enum class FieldType { uuid, name, string, enumeration, enum_list, integer, number, boolean, date, datetime, ref, orgunit, phone, citizen_id };

struct FieldSpec {
  std::string name;
  FieldType type = FieldType::string;
  bool required = false;
  bool derived = false;        // computed by the server; input is ignored
  bool not_future = false;
  bool not_before_birth = false;
  std::optional<double> min, max;
  std::optional<std::string> min_date;
  size_t max_length = 0;
  std::vector<std::string> values;  // enum, enum_list
  std::vector<long long> one_of;    // integer
  std::string ref;                  // ref: "person", "delivery", ...
  std::string pattern;              // named pattern, e.g. "icd10"
};

struct TypeSpec {
  std::string name;
  std::string collection;     // its name in the API's addresses: /api/v1/<collection>
  std::string label_vi, label_en;
  std::string subject;        // "", "woman", "child", "under5"
  bool pregnancy_required = false;
  // The permission a user needs, beyond person.read / person.write, to read or
  // write records of this type ("" = none): death reviews are for the review
  // board only, wherever a person's events are read (docs/security.md).
  std::string read_permission, write_permission;
  std::vector<FieldSpec> fields;  // declaration order; events include the common fields first
  const FieldSpec* Field(const std::string& n) const;
};

class Schema {
 public:
  // The schema compiled into the binary.
  static const Schema& Builtin();
  const TypeSpec* Type(const std::string& name) const;
  std::vector<std::string> TypeNames() const;
  // (collection, type) of every record type, in the order of the file.
  const std::vector<std::pair<std::string, std::string>>& Collections() const { return collections_; }
  int version() const { return version_; }

 private:
  std::map<std::string, TypeSpec> types_;
  std::vector<std::pair<std::string, std::string>> collections_;
  int version_ = 0;
};

// The record collections of the API, written once in data/forms/registry.json
// (each type's "collection"); of the built-in schema. Both answer "" for a name
// they do not know.
std::string TypeOfCollection(const std::string& collection);  // "anc-visits" -> "anc_visit"
std::string CollectionOfType(const std::string& type);        // "anc_visit" -> "anc-visits"
// (collection, type) of every record type, in the order of registry.json.
const std::vector<std::pair<std::string, std::string>>& Collections();
// The type's read_permission ("" for none or an unknown type).
const std::string& ReadPermission(const std::string& type);

}  // namespace u5::registry
