#include "registry/jsonl.h"

#include <simdjson.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

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

namespace {

// Pass 1: the facts that other lines may refer to (a child's mother, an ANC
// visit's pregnancy), read with simdjson so forward references work without
// keeping the parsed file in memory.
void GatherFacts(simdjson::dom::parser& parser, std::string_view line, FileLookup& lookup) {
  simdjson::dom::element doc;
  if (parser.parse(line.data(), line.size(), /*realloc_if_needed=*/true).get(doc)) return;
  simdjson::dom::object o;
  if (doc.get_object().get(o)) return;
  auto str = [&](const char* k) {
    std::string_view v;
    return o[k].get_string().get(v) ? std::string() : std::string(v);
  };
  const std::string type = str("type"), id = str("id");
  if (type.empty() || id.empty()) return;
  if (type == "person") {
    if (auto birth = ParseDate(str("birth_date"))) lookup.persons[id] = PersonFacts{str("sex"), *birth, str("mother_id")};
    return;
  }
  auto date = ParseDate(str("date"));
  if (!date) return;
  EventFacts e{type, str("person_id"), *date, ParseDate(str("lmp"))};
  if (!e.lmp && type == "pregnancy")
    if (auto edd = ParseDate(str("edd"))) e.lmp = Date{edd->days - 280};
  lookup.events[id] = std::move(e);
}

struct Numbered {
  size_t line;
  store::Record record;
};

// A bounded hand-over between the validating thread and the storing thread.
class BatchQueue {
 public:
  void Push(std::vector<Numbered> batch) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return q_.size() < kMaxBatches; });
    q_.push_back(std::move(batch));
    not_empty_.notify_one();
  }
  void Close() {
    std::unique_lock lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }
  bool Pop(std::vector<Numbered>* out) {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return !q_.empty() || closed_; });
    if (q_.empty()) return false;
    *out = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return true;
  }

 private:
  static constexpr size_t kMaxBatches = 16;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<std::vector<Numbered>> q_;
  bool closed_ = false;
};

}  // namespace

Status ImportJsonl(store::Store& store, std::istream& in, ImportResult* result, const ImportOptions& opts) {
  *result = ImportResult{};
  std::mutex errors_mu;
  std::atomic<size_t> failed{0};
  auto fail = [&](size_t line, std::string field, std::string msg) {
    std::lock_guard lock(errors_mu);
    ++failed;
    if (result->errors.size() < opts.max_errors) result->errors.push_back({line, std::move(field), std::move(msg)});
  };

  const std::string buffer((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::Internal("read error");
  std::vector<std::pair<size_t, std::string_view>> lines;  // (line number, text)
  {
    size_t pos = 0, lineno = 0;
    while (pos < buffer.size()) {
      size_t end = buffer.find('\n', pos);
      if (end == std::string::npos) end = buffer.size();
      ++lineno;
      std::string_view l(buffer.data() + pos, end - pos);
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      if (l.find_first_not_of(" \t") != std::string_view::npos) lines.emplace_back(lineno, l);
      pos = end + 1;
    }
    result->lines = lineno;
  }

  FileLookup lookup(store);
  {
    simdjson::dom::parser parser;
    lookup.persons.reserve(lines.size() / 4);
    lookup.events.reserve(lines.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      GatherFacts(parser, lines[i].second, lookup);
      if (opts.progress && (i + 1) % 200000 == 0) opts.progress("index", i + 1, lines.size());
    }
  }

  std::unique_ptr<store::BulkWriter> writer;
  U5_RETURN_IF_ERROR(store.OpenBulk(&writer));

  // Validation runs on its own thread while this one stores: the two halves
  // cost about the same, so the pipeline nearly halves the import time.
  BatchQueue queue;
  std::thread validator([&] {
    const Date today = Today();
    const std::string now = NowIso();
    std::vector<Numbered> batch;
    for (size_t i = 0; i < lines.size(); ++i) {
      const auto& [ln, text] = lines[i];
      if (failed >= opts.max_errors) break;
      if (!text::IsValidUtf8(text)) { fail(ln, "", "line is not valid UTF-8"); continue; }
      json j = json::parse(text, nullptr, false);
      if (j.is_discarded()) { fail(ln, "", "malformed JSON"); continue; }
      if (!j.is_object()) { fail(ln, "", "line must be a JSON object"); continue; }
      const std::string type = Str(j, "type");
      if (type.empty()) { fail(ln, "type", "type is required"); continue; }
      store::Record r;
      r.version = 1;
      Status st;
      if (auto v = j.find("version"); v != j.end()) {
        if (!v->is_number_integer() || v->get<int64_t>() < 1) st = Status::Invalid("version", "version must be a whole number >= 1");
        else r.version = v->get<int64_t>();
      }
      const std::string created = Str(j, "created_at"), updated = Str(j, "updated_at");
      const bool deleted = j.contains("deleted_at");
      const std::string deleted_at = Str(j, "deleted_at"), reason = Str(j, "delete_reason");
      if (deleted && deleted_at.empty()) st = Status::Invalid("deleted_at", "deleted_at must be a timestamp string");
      for (const char* k : kEnvelope) j.erase(k);
      if (st.ok()) st = Validate(type, j, lookup, today, &r);
      if (!st.ok()) { fail(ln, st.field(), st.message()); continue; }
      r.created_at = created.empty() ? now : created;
      r.updated_at = updated.empty() ? r.created_at : updated;
      if (deleted) {
        r.deleted_at = deleted_at;
        r.delete_reason = reason;
      }
      if (failed > 0) continue;  // keep validating to report more errors, but store nothing
      batch.push_back({ln, std::move(r)});
      if (batch.size() == 1024) queue.Push(std::exchange(batch, {}));
      if (opts.progress && (i + 1) % 200000 == 0) opts.progress("validate", i + 1, lines.size());
    }
    if (!batch.empty() && failed == 0) queue.Push(std::move(batch));
    queue.Close();
  });

  std::vector<Numbered> batch;
  size_t stored = 0;
  Status store_error;
  while (queue.Pop(&batch)) {
    if (failed > 0) continue;  // drain so the validator never blocks
    for (const Numbered& n : batch) {
      Status st = writer->Add(n.record);
      if (!st.ok()) {
        if (st.code() == Code::internal) store_error = st;
        fail(n.line, st.field(), st.message());
        break;
      }
      ++stored;
    }
  }
  validator.join();
  if (!store_error.ok()) return store_error;
  if (failed > 0) {
    std::sort(result->errors.begin(), result->errors.end(), [](const ImportError& a, const ImportError& b) { return a.line < b.line; });
    return Status::Invalid(result->errors.empty() ? "" : result->errors.front().field,
                           std::to_string(failed.load()) + " bad line(s); nothing was imported");
  }
  if (opts.progress) opts.progress("commit", stored, lines.size());
  U5_RETURN_IF_ERROR(writer->Commit());
  result->imported = stored;
  return Status::Ok();
}

Status ExportJsonl(store::Store& store, std::ostream& out, size_t* count) {
  *count = 0;
  return store.ForEach(
      [&](const store::Record& r) {
        out << ToJsonText(r) << '\n';
        ++*count;
        return out ? Status::Ok() : Status::Internal("write error");
      },
      /*include_deleted=*/true);
}

}  // namespace u5::registry
