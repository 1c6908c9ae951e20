// The registry's record types and their fields, read from the form
// definitions (data/forms/registry.json) so that a field or bound is an edit
// of data, not of code.
#pragma once
#include <map>
#include <optional>
#include <string>
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
  std::string label_vi, label_en;
  std::string subject;        // "", "woman", "child", "under5"
  bool pregnancy_required = false;
  std::vector<FieldSpec> fields;  // declaration order; events include the common fields first
  const FieldSpec* Field(const std::string& n) const;
};

class Schema {
 public:
  // The schema compiled into the binary.
  static const Schema& Builtin();
  const TypeSpec* Type(const std::string& name) const;
  std::vector<std::string> TypeNames() const;
  int version() const { return version_; }

 private:
  std::map<std::string, TypeSpec> types_;
  int version_ = 0;
};

}  // namespace u5::registry
