#include "registry/jsonl.h"

#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "core/date.h"
#include "core/text.h"
#include "registry/json_record.h"
#include "registry/validate.h"

namespace u5::registry {
namespace {

using nlohmann::json;

// Facts of the file's own records (read before validation) layered over the store.
class FileLookup : public Lookup {
 public:
  explicit FileLookup(store::Store& s) : base_(s) {}
  std::unordered_map<std::string, PersonFacts> persons;
  std::unordered_map<std::string, EventFacts> events;

  std::optional<PersonFacts> Person(const std::string& id) override {
    auto it = persons.find(id);
    if (it != persons.end()) return it->second;
    return base_.Person(id);
  }
  std::optional<EventFacts> Event(const std::string& id) override {
    auto it = events.find(id);
    if (it != events.end()) return it->second;
    return base_.Event(id);
  }
  bool OrgUnit(const std::string& id) override { return base_.OrgUnit(id); }

 private:
  StoreLookup base_;
};

const char* kEnvelope[] = {"type", "version", "created_at", "updated_at", "deleted_at", "delete_reason"};

std::string Str(const json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Status ImportJsonl(store::Store& store, std::istream& in, ImportResult* result, const ImportOptions& opts) {
  *result = ImportResult{};
  auto fail = [&](size_t line, std::string field, std::string msg) {
    if (result->errors.size() < opts.max_errors) result->errors.push_back({line, std::move(field), std::move(msg)});
  };
  auto failed_count = size_t{0};

  // Pass 1: parse every line; gather the facts other lines may refer to.
  std::vector<std::pair<size_t, json>> docs;
  FileLookup lookup(store);
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (!text::IsValidUtf8(line)) { fail(lineno, "", "line is not valid UTF-8"); ++failed_count; continue; }
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded()) { fail(lineno, "", "malformed JSON"); ++failed_count; continue; }
    if (!j.is_object()) { fail(lineno, "", "line must be a JSON object"); ++failed_count; continue; }
    const std::string type = Str(j, "type");
    const std::string id = Str(j, "id");
    if (type == "person" && !id.empty()) {
      auto birth = ParseDate(Str(j, "birth_date"));
      if (birth) lookup.persons[id] = PersonFacts{Str(j, "sex"), *birth, Str(j, "mother_id")};
    } else if (!type.empty() && !id.empty()) {
      auto date = ParseDate(Str(j, "date"));
      if (date) {
        EventFacts e{type, Str(j, "person_id"), *date, ParseDate(Str(j, "lmp"))};
        if (!e.lmp && type == "pregnancy") {
          if (auto edd = ParseDate(Str(j, "edd"))) e.lmp = Date{edd->days - 280};
        }
        lookup.events[id] = e;
      }
    }
    docs.emplace_back(lineno, std::move(j));
    if (opts.progress && docs.size() % 100000 == 0) opts.progress("parse", docs.size(), 0);
  }
  result->lines = lineno;
  if (in.bad()) return Status::Internal("read error");

  // Pass 2: validate every record.
  std::vector<store::Record> records;
  records.reserve(docs.size());
  std::unordered_set<std::string> seen;
  const Date today = Today();
  for (size_t i = 0; i < docs.size(); ++i) {
    auto& [ln, j] = docs[i];
    const std::string type = Str(j, "type");
    if (type.empty()) { fail(ln, "type", "type is required"); ++failed_count; continue; }
    json fields = j;
    for (const char* k : kEnvelope) fields.erase(k);
    store::Record r;
    Status st = Validate(type, fields, lookup, today, &r);
    if (st.ok() && !seen.insert(r.id).second) st = Status::Conflict("id " + r.id + " appears twice in the file", "id");
    store::Record existing;
    if (st.ok() && store.Find(r.id, &existing).ok()) st = Status::Conflict("a record with id " + r.id + " already exists", "id");
    if (st.ok()) {
      r.version = 1;
      if (j.contains("version")) {
        if (!j["version"].is_number_integer() || j["version"].get<int64_t>() < 1) st = Status::Invalid("version", "version must be a whole number >= 1");
        else r.version = j["version"].get<int64_t>();
      }
      const std::string now = NowIso();
      r.created_at = Str(j, "created_at").empty() ? now : Str(j, "created_at");
      r.updated_at = Str(j, "updated_at").empty() ? r.created_at : Str(j, "updated_at");
      if (j.contains("deleted_at")) {
        r.deleted_at = Str(j, "deleted_at");
        r.delete_reason = Str(j, "delete_reason");
        if (r.deleted_at->empty()) st = Status::Invalid("deleted_at", "deleted_at must be a timestamp string");
      }
    }
    if (!st.ok()) {
      fail(ln, st.field(), st.message());
      ++failed_count;
      continue;
    }
    records.push_back(std::move(r));
    if (opts.progress && records.size() % 100000 == 0) opts.progress("validate", records.size(), docs.size());
  }
  if (failed_count > 0)
    return Status::Invalid(result->errors.empty() ? "" : result->errors.front().field,
                           std::to_string(failed_count) + " bad line(s); nothing was imported");
  docs.clear();
  if (opts.progress) opts.progress("store", 0, records.size());
  U5_RETURN_IF_ERROR(store.InsertBatch(records));
  result->imported = records.size();
  if (opts.progress) opts.progress("store", records.size(), records.size());
  return Status::Ok();
}

Status ExportJsonl(store::Store& store, std::ostream& out, size_t* count) {
  *count = 0;
  return store.ForEach(
      [&](const store::Record& r) {
        out << ToJson(r).dump() << '\n';
        ++*count;
        return out ? Status::Ok() : Status::Internal("write error");
      },
      /*include_deleted=*/true);
}

}  // namespace u5::registry
