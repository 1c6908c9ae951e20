#include "registry/jsonl.h"

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <optional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/date.h"
#include "core/json_body.h"
#include "core/text.h"
#include "registry/json_record.h"
#include "registry/schema.h"
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
  // The file's events of the person, and the store's when the person is not
  // new in this file (a new person has none stored).
  PersonEvents EventsOf(const std::string& person_id, const std::string& except) override {
    PersonEvents out = persons.count(person_id) ? PersonEvents{} : base_.EventsOf(person_id, except);
    // A stored record that the file writes again is judged by the file's copy.
    std::erase_if(out.of_pregnancy, [&](const PersonEvents::OfPregnancy& o) { return events.count(o.id) > 0; });
    std::erase_if(out.pregnancies, [&](const PersonEvents::Pregnancy& p) { return events.count(p.id) > 0; });
    auto it = events_by_person.find(person_id);
    if (it != events_by_person.end())
      for (const auto* event : it->second) {
        const EventFacts& e = event->second;
        out.Add(event->first, e.type, e.date, except, e.pregnancy_id, &e);
      }
    return out;
  }
  // Entries of `events` (whose nodes stay where they are), in file order.
  std::unordered_map<std::string, std::vector<const std::pair<const std::string, EventFacts>*>> events_by_person;

 private:
  StoreLookup base_;
};

const char* kEnvelope[] = {"type", "version", "created_at", "updated_at", "deleted_at", "delete_reason"};

std::string Str(const json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string Str(const simdjson::dom::object& o, const char* k) {
  std::string_view v;
  return o.at_key(k).get_string().get(v) ? std::string() : std::string(v);
}

// A line's envelope fields, read alike from either parser.
struct Envelope {
  int64_t version = 1;
  Status error;  // a version that is not a whole number >= 1, or a deleted_at that is not a string
  std::string created, updated, deleted_at, reason;
  bool deleted = false;
};

template <class Object>
Envelope ReadEnvelopeStrings(const Object& o, bool has_deleted_at, Envelope e) {
  e.created = Str(o, "created_at");
  e.updated = Str(o, "updated_at");
  e.deleted = has_deleted_at;
  e.deleted_at = Str(o, "deleted_at");
  e.reason = Str(o, "delete_reason");
  if (e.deleted && e.deleted_at.empty()) e.error = Status::Invalid("deleted_at", "deleted_at must be a timestamp string");
  return e;
}

Envelope ReadEnvelope(const json& j) {
  Envelope e;
  if (auto v = j.find("version"); v != j.end()) {
    if (!v->is_number_integer() || v->get<int64_t>() < 1) e.error = Status::Invalid("version", "version must be a whole number >= 1");
    else e.version = v->get<int64_t>();
  }
  return ReadEnvelopeStrings(j, j.contains("deleted_at"), std::move(e));
}

Envelope ReadEnvelope(const simdjson::dom::object& o) {
  Envelope e;
  if (simdjson::dom::element v; !o.at_key("version").get(v)) {
    int64_t version = 0;
    if (v.is_int64()) version = int64_t(v);
    else if (v.is_uint64()) version = static_cast<int64_t>(uint64_t(v));  // as nlohmann's get<int64_t>
    if (!(v.is_int64() || v.is_uint64()) || version < 1) e.error = Status::Invalid("version", "version must be a whole number >= 1");
    else e.version = version;
  }
  return ReadEnvelopeStrings(o, !o.at_key("deleted_at").error(), std::move(e));
}

// Whether simdjson reads a line as nlohmann does, so that it can be validated
// from simdjson with the same outcome. A key given twice is not (nlohmann keeps
// the last, simdjson finds the first). Escapes and control characters are where
// the two parsers' rules (lone surrogates, raw control bytes) could part with a
// library update: those lines, rare in files that programs write, are left to
// nlohmann too. A line simdjson refuses goes to nlohmann, which names the fault.
bool Plain(std::string_view line) {
  for (unsigned char c : line)
    if (c < 0x20 || c == '\\') return false;
  return true;
}
bool KeysDistinct(const simdjson::dom::object& o) {
  std::string_view keys[32];
  size_t n = 0;
  for (const simdjson::dom::key_value_pair kv : o) {
    if (n == std::size(keys)) return false;
    keys[n++] = kv.key;
  }
  std::sort(keys, keys + n);
  return std::adjacent_find(keys, keys + n) == keys + n;
}

}  // namespace

namespace {

// Pass 1: the facts that other lines may refer to (a child's mother, an ANC
// visit's pregnancy), read with simdjson so forward references work without
// keeping the parsed file in memory. Each part of the file is read on a thread
// of its own into lists, which are then layered in file order.
struct Gathered {
  std::vector<std::pair<std::string, PersonFacts>> persons;
  std::vector<std::pair<std::string, EventFacts>> events;
};

void GatherFacts(simdjson::dom::parser& parser, std::string_view line, Gathered& out) {
  simdjson::dom::element doc;
  if (parser.parse(line.data(), line.size(), /*realloc_if_needed=*/true).get(doc)) return;
  simdjson::dom::object o;
  if (doc.get_object().get(o)) return;
  // The last of a key given twice, as nlohmann (which validates such a line) keeps it.
  auto str = [&](std::string_view k) {
    std::string_view v, last;
    bool found = false;
    for (const simdjson::dom::key_value_pair kv : o)
      if (kv.key == k) found = !kv.value.get_string().get(v) && (last = v, true);
    return found ? std::string(last) : std::string();
  };
  const std::string type = str("type"), id = str("id");
  if (type.empty() || id.empty()) return;
  if (type == "person") {
    if (auto birth = ParseDate(str("birth_date"))) out.persons.emplace_back(id, PersonFacts{str("sex"), *birth, str("mother_id")});
    return;
  }
  auto date = ParseDate(str("date"));
  if (!date) return;
  EventFacts e{type, str("person_id"), *date, ParseDate(str("lmp")), str("pregnancy_id"), type == "pregnancy" ? str("outcome") : ""};
  for (char& ch : e.pregnancy_id) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));  // as validated
  if (!e.lmp && type == "pregnancy")
    if (auto edd = ParseDate(str("edd"))) e.lmp = Date{edd->days - 280};
  out.events.emplace_back(id, std::move(e));
}

struct Numbered {
  size_t line;
  store::Record record;
};

// Validated chunks of lines handed to the storing thread in file order: the
// validators work on chunks out of order, at most kWindow chunks ahead of the
// writer, so memory stays bounded and the stored order is the file's order
// (an export lists records in the order they were stored).
class ChunkPipeline {
 public:
  static constexpr size_t kLines = 1024, kWindow = 32;
  explicit ChunkPipeline(size_t chunks) : chunks_(chunks), slots_(kWindow), ready_(kWindow, false) {}

  // A validator claims the next chunk, or nothing when all are claimed.
  std::optional<size_t> Claim() {
    std::unique_lock lock(mu_);
    if (next_ >= chunks_) return std::nullopt;
    const size_t c = next_++;
    room_.wait(lock, [&] { return c < written_ + kWindow; });
    return c;
  }
  void Deliver(size_t c, std::vector<Numbered> records) {
    std::lock_guard lock(mu_);
    slots_[c % kWindow] = std::move(records);
    ready_[c % kWindow] = true;
    delivered_.notify_all();
  }
  // The writer takes chunk c (c = 0, 1, 2, ... in turn).
  std::vector<Numbered> Take(size_t c) {
    std::unique_lock lock(mu_);
    delivered_.wait(lock, [&] { return ready_[c % kWindow]; });
    std::vector<Numbered> out = std::move(slots_[c % kWindow]);
    ready_[c % kWindow] = false;
    written_ = c + 1;
    room_.notify_all();
    return out;
  }

 private:
  const size_t chunks_;
  std::mutex mu_;
  std::condition_variable room_, delivered_;
  std::vector<std::vector<Numbered>> slots_;
  std::vector<bool> ready_;
  size_t next_ = 0, written_ = 0;
};

}  // namespace

Status ImportJsonl(store::Store& store, std::istream& in, ImportResult* result, const ImportOptions& opts) {
  *result = ImportResult{};
  // Read in large blocks: an istreambuf_iterator copies one character at a time
  // (about a second for a million records). A file's size is known up front, so
  // one read fills one allocation; a stream of unknown size grows geometrically.
  std::string buffer;
  {
    size_t block = size_t{1} << 16;
    const auto start = in.tellg();
    if (start >= 0 && in.seekg(0, std::ios::end)) {
      const auto end = in.tellg();
      in.seekg(start);
      if (end > start) block = static_cast<size_t>(end - start) + 1;  // + 1 meets the end in the same read
    }
    in.clear();
    size_t have = 0;
    while (true) {
      buffer.resize(have + block);
      in.read(buffer.data() + have, static_cast<std::streamsize>(block));
      have += static_cast<size_t>(in.gcount());
      if (!in) break;
      block = std::max(block, have);
    }
    buffer.resize(have);
  }
  if (in.bad()) return Status::Internal("read error");
  return ImportJsonl(store, std::string_view(buffer), result, opts);
}

Status ImportJsonl(store::Store& store, std::string_view buffer, ImportResult* result, const ImportOptions& opts) {
  *result = ImportResult{};
  std::mutex errors_mu;
  std::atomic<size_t> failed{0};
  auto fail = [&](size_t line, std::string field, std::string msg) {
    std::lock_guard lock(errors_mu);
    ++failed;
    if (result->errors.size() < opts.max_errors) result->errors.push_back({line, std::move(field), std::move(msg)});
  };
  std::vector<std::pair<size_t, std::string_view>> lines;  // (line number, text)
  {
    size_t pos = 0, lineno = 0;
    while (pos < buffer.size()) {
      size_t end = buffer.find('\n', pos);
      if (end == std::string_view::npos) end = buffer.size();
      ++lineno;
      std::string_view l(buffer.data() + pos, end - pos);
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      if (l.find_first_not_of(" \t") != std::string_view::npos) lines.emplace_back(lineno, l);
      pos = end + 1;
    }
    result->lines = lineno;
  }

  const unsigned workers = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  FileLookup lookup(store);
  // Ids the file gives more than once. Their second line is refused here, by
  // line, whatever the store: a store that checks ids row by row (SQLite) would
  // name it, but one that copies a batch at a time (PostgreSQL's COPY into
  // empty tables) finds the duplicate only at the batch, with no line.
  std::unordered_set<std::string> given_twice, written_once;
  {
    std::vector<Gathered> parts(workers);
    {
      std::vector<std::jthread> readers;
      for (unsigned w = 0; w < workers; ++w)
        readers.emplace_back([&, w] {
          simdjson::dom::parser parser;
          for (size_t i = lines.size() * w / workers, end = lines.size() * (w + 1) / workers; i < end; ++i)
            GatherFacts(parser, lines[i].second, parts[w]);
        });
    }
    if (opts.progress) opts.progress("index", lines.size(), lines.size());
    // Persons and events go into maps of their own: one thread each. A later
    // line with the same id overrides an earlier one's facts (that line is
    // refused below), but its person keeps the first one's event list.
    std::vector<std::string> twice_persons;
    std::jthread persons([&] {
      lookup.persons.reserve(lines.size() / 4);
      for (Gathered& part : parts)
        for (auto& [id, facts] : part.persons) {
          // try_emplace leaves id and facts as they were when the id is there already.
          auto [it, added] = lookup.persons.try_emplace(std::move(id), std::move(facts));
          if (!added) {
            it->second = std::move(facts);
            twice_persons.push_back(std::move(id));
          }
        }
    });
    lookup.events.reserve(lines.size());
    for (Gathered& part : parts)
      for (auto& [id, facts] : part.events) {
        auto [it, added] = lookup.events.try_emplace(std::move(id), std::move(facts));
        if (added) {
          lookup.events_by_person[it->second.person_id].push_back(&*it);
        } else {
          it->second = std::move(facts);
          given_twice.insert(std::move(id));
        }
      }
    persons.join();
    for (std::string& id : twice_persons) given_twice.insert(std::move(id));
  }

  std::unique_ptr<store::BulkWriter> writer;
  U5_RETURN_IF_ERROR(store.OpenBulk(&writer));

  // Validation runs on worker threads while this one stores: validating a
  // line costs more than storing it, so one validator per core (at most four)
  // keeps the writer busy.
  const size_t chunks = (lines.size() + ChunkPipeline::kLines - 1) / ChunkPipeline::kLines;
  ChunkPipeline pipeline(chunks);
  const Date today = Today();
  const std::string now = NowIso();
  // The envelope (kEnvelope) is read by whichever parser read the line; what
  // follows the record's own validation is the same for both.
  auto finish = [&](size_t ln, const Envelope& env, Status st, store::Record& r) -> std::optional<store::Record> {
    if (!st.ok()) { fail(ln, st.field(), st.message()); return std::nullopt; }
    r.created_at = env.created.empty() ? now : env.created;
    r.updated_at = env.updated.empty() ? r.created_at : env.updated;
    if (env.deleted) {
      r.deleted_at = env.deleted_at;
      r.delete_reason = env.reason;
    }
    return std::move(r);
  };
  // A plain line is validated from simdjson's parse.
  auto validate_plain = [&](size_t ln, const simdjson::dom::object& o) -> std::optional<store::Record> {
    const std::string type = Str(o, "type");
    if (type.empty()) { fail(ln, "type", "type is required"); return std::nullopt; }
    const Envelope env = ReadEnvelope(o);
    store::Record r;
    r.version = env.version;
    Status st = env.error;
    if (st.ok()) st = ValidateLine(type, o, lookup, today, &r);
    return finish(ln, env, st, r);
  };
  auto validate_line = [&](simdjson::dom::parser& parser, size_t ln, std::string_view text) -> std::optional<store::Record> {
    if (!text::IsValidUtf8(text)) { fail(ln, "", "line is not valid UTF-8"); return std::nullopt; }
    if (simdjson::dom::object o; Plain(text) && !parser.parse(text.data(), text.size()).get_object().get(o) && KeysDistinct(o))
      return validate_plain(ln, o);
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) {
      // A number beyond a double or nesting too deep is the field's fault: name it as the API does.
      Status why = ParseJsonObject(text, &j);
      if (why.code() == Code::invalid) fail(ln, why.field(), why.message());
      else fail(ln, "", "malformed JSON");
      return std::nullopt;
    }
    if (!j.is_object()) { fail(ln, "", "line must be a JSON object"); return std::nullopt; }
    const std::string type = Str(j, "type");
    if (type.empty()) { fail(ln, "type", "type is required"); return std::nullopt; }
    const Envelope env = ReadEnvelope(j);
    for (const char* k : kEnvelope) j.erase(k);
    store::Record r;
    r.version = env.version;
    Status st = env.error;
    if (st.ok()) st = Validate(type, j, lookup, today, &r);
    return finish(ln, env, st, r);
  };
  auto validator = [&] {
    simdjson::dom::parser parser;
    while (auto c = pipeline.Claim()) {
      std::vector<Numbered> out;
      const size_t first = *c * ChunkPipeline::kLines, last = std::min(lines.size(), first + ChunkPipeline::kLines);
      for (size_t i = first; i < last && failed < opts.max_errors; ++i) {
        auto r = validate_line(parser, lines[i].first, lines[i].second);
        // Once a line failed nothing is stored: validation goes on only to report more errors.
        if (r && failed == 0) out.push_back({lines[i].first, std::move(*r)});
      }
      pipeline.Deliver(*c, std::move(out));
    }
  };
  std::vector<std::thread> validators;
  for (unsigned w = 0; w < workers; ++w) validators.emplace_back(validator);

  size_t stored = 0;
  Status store_error;
  for (size_t c = 0; c < chunks; ++c) {
    std::vector<Numbered> batch = pipeline.Take(c);
    if (opts.progress && (c + 1) * ChunkPipeline::kLines / 200000 != c * ChunkPipeline::kLines / 200000)
      opts.progress("validate", std::min(lines.size(), (c + 1) * ChunkPipeline::kLines), lines.size());
    if (failed > 0) continue;  // drain so no validator waits for room
    for (const Numbered& n : batch) {
      if (!given_twice.empty() && given_twice.count(n.record.id) && !written_once.insert(n.record.id).second) {
        fail(n.line, "id", "a record with id " + n.record.id + " is given more than once in the file");
        break;
      }
      Status st = writer->Add(n.record);
      if (!st.ok()) {
        if (st.code() == Code::internal) store_error = st;
        fail(n.line, st.field(), st.message());
        break;
      }
      ++stored;
    }
  }
  for (std::thread& t : validators) t.join();
  // Millions of small blocks that validation no longer needs: freed on a
  // thread of their own (a second of one core) while the commit builds indexes.
  std::jthread release([persons = std::move(lookup.persons), events = std::move(lookup.events),
                        by_person = std::move(lookup.events_by_person)]() mutable {
    persons.clear();
    events.clear();
    by_person.clear();
  });
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

Status ExportJsonl(store::Store& store, std::ostream& out, size_t* count, bool confidential) {
  *count = 0;
  return store.ForEach(
      [&](const store::Record& r) {
        if (!confidential && !ReadPermission(r.type).empty()) return Status::Ok();
        out << ToJsonText(r) << '\n';
        ++*count;
        return out ? Status::Ok() : Status::Internal("write error");
      },
      /*include_deleted=*/true);
}

}  // namespace u5::registry
