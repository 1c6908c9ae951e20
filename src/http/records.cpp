#include "http/records.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "auth/roles.h"
#include "auth/scope.h"
#include "core/date.h"
#include "core/log.h"
#include "core/text.h"
#include "http/growth_chart.h"
#include "registry/icd10.h"
#include "registry/json_record.h"
#include "registry/schema.h"
#include "registry/validate.h"

namespace u5::http {

using nlohmann::json;

// A review action's `overdue` is derived at read (open and due before today),
// since it changes with the day, not the record.
json RecordJson(const store::Record& r) {
  json j = registry::ToJson(r);
  if (r.type == "review_action" && !r.deleted_at)
    j["overdue"] = j.value("status", "") == "open" && j.value("due_date", "") < FormatDate(Today());
  return j;
}

namespace {

Response RecordResponse(int status, const store::Record& r) {
  Response resp = JsonReply(status, RecordJson(r));
  resp.headers["ETag"] = "\"" + std::to_string(r.version) + "\"";
  return resp;
}

// Parses an If-Match header ("3", "\"3\"", W/"3") or a body "version".
std::optional<int64_t> ExpectedVersion(const Request& req, const json& body) {
  std::string v = req.if_match;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (!v.empty()) {
    if (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoll(v);
  }
  if (body.is_object() && body.contains("version") && body["version"].is_number_integer()) return body["version"].get<int64_t>();
  return std::nullopt;
}

// A body "version" of another type than a whole number is refused naming it, not mistaken for a missing If-Match.
Status CheckBodyVersion(const json& body) {
  auto it = body.find("version");
  if (it == body.end() || it->is_null() || it->is_number_integer()) return Status::Ok();
  return Status::Invalid("version", "version must be a whole number (the record's version)");
}

Status LimitParam(const Call& c, int* limit) {
  const std::string l = c.query("limit");
  if (l.empty()) return Status::Ok();
  if (l.size() > 4 || l.find_first_not_of("0123456789") != std::string::npos || std::stoi(l) < 1 || std::stoi(l) > 1000)
    return Status::Invalid("limit", "limit must be a whole number from 1 to 1000");
  *limit = std::stoi(l);
  return Status::Ok();
}

// What the store answers for an id it does not have; a record outside the
// caller's scope gets the same answer, so ids cannot be probed.
Status Missing(const std::string& type, const std::string& id) { return Status::NotFound(type + " " + id + " not found", "id"); }

// Whether the caller's role may read records of `type`: a type with a
// read_permission (death reviews) is for its holders only, wherever events are shown.
bool MayRead(const auth::Principal& who, const std::string& type) {
  const std::string& perm = registry::ReadPermission(type);
  return perm.empty() || auth::Can(who, perm);
}

// The org unit that owns a review action (owner_orgunit), "" for other records.
std::string ActionOwner(const store::Record& r) {
  if (r.type != "review_action") return {};
  const json b = json::parse(r.body, nullptr, false);
  return b.is_object() ? b.value("owner_orgunit", "") : "";
}

// A record is visible when its org unit, and for events its person's, is in
// the caller's scope; a review action also to the users of the org unit that
// owns it, who carry it out wherever the death was.
bool Visible(Call& c, const store::Record& r) {
  if (const std::string owner = ActionOwner(r); !owner.empty() && auth::CanSee(c.store, c.who, owner)) return true;
  if (!auth::CanSee(c.store, c.who, r.orgunit_id)) return false;
  if (r.is_person()) return true;
  store::Record p;
  return !c.store.Get("person", r.person_id, &p).ok() || auth::CanSee(c.store, c.who, p.orgunit_id);
}

// The stored record `id` of `type` when the caller may see it; otherwise the
// answer of an unknown id, with the refusal's audit note.
std::optional<Response> Load(Call& c, const std::string& type, const std::string& id, store::Record* out) {
  if (Status st = c.store.Get(type, id, out); !st.ok()) return ErrorReply(st);
  if (!Visible(c, *out)) return Refused(c, Missing(type, id), type, id, out->orgunit_id);
  return std::nullopt;
}

// The person's handbook (person, live events, mother) when the caller may see
// it; otherwise the answer of an unknown id, deleted or not. Shared, not copied:
// the store may keep it for the next read.
std::optional<Response> LoadHandbook(Call& c, const std::string& id, std::shared_ptr<const store::PersonBook>* book) {
  Status st = c.store.SharedHandbook(id, book);
  if (st.ok() && auth::CanSee(c.store, c.who, (*book)->person.orgunit_id)) return std::nullopt;
  if (st.ok() || st.code() == Code::not_found) {
    store::Record p;
    if (!c.store.Get("person", id, &p).ok()) return ErrorReply(Missing("person", id));
    if (!auth::CanSee(c.store, c.who, p.orgunit_id)) return Refused(c, Missing("person", id), "person", id, p.orgunit_id);
  }
  return ErrorReply(st);
}

// The person's and each event's JSON text, made once per book (the store keeps
// books): a review action's is left empty and written at each answer, as its
// `overdue` changes with the day.
const std::vector<std::string>& RecordTexts(const store::PersonBook& book) {
  std::call_once(book.derived->once, [&] {
    std::vector<std::string>& texts = book.derived->texts;
    texts.reserve(1 + book.events.size());
    texts.push_back(registry::ToJsonText(book.person));
    for (const auto& e : book.events) texts.push_back(e.type == "review_action" ? std::string() : registry::ToJsonText(e));
  });
  return book.derived->texts;
}

// The org unit a list or search covers (auth/scope.h), refusals audited.
std::optional<Response> Scope(Call& c, std::string* orgunit) {
  const std::string asked = c.query("orgunit");
  Status st = auth::ResolveOrgUnit(c.store, c.who, asked, orgunit);
  if (st.ok()) return std::nullopt;
  if (st.code() == Code::forbidden) return Refused(c, st, "", "", asked);
  return ErrorReply(st);
}

Response List(Call& c, const std::string& type) {
  store::ListQuery q;
  q.type = type;
  if (auto r = Scope(c, &q.orgunit)) return *r;
  q.from = c.query("from");
  q.to = c.query("to");
  if (!q.from.empty() && !ParseDate(q.from)) return ErrorReply(Status::Invalid("from", "from must be a date YYYY-MM-DD"));
  if (!q.to.empty() && !ParseDate(q.to)) return ErrorReply(Status::Invalid("to", "to must be a date YYYY-MM-DD"));
  q.person_id = c.query("person_id");
  q.after = c.query("cursor");
  if (Status st = LimitParam(c, &q.limit); !st.ok()) return ErrorReply(st);
  std::vector<store::Record> rs;
  if (Status st = c.store.List(q, &rs); !st.ok()) return ErrorReply(st);
  json items = json::array();
  AuditNote note{.via = "list", .record_type = type, .orgunit = q.orgunit};
  for (const auto& r : rs) {
    note.records.push_back(r.id);
    items.push_back(RecordJson(r));
  }
  json out = {{"items", items}, {"next_cursor", nullptr}};
  if (static_cast<int>(rs.size()) == q.limit) out["next_cursor"] = rs.back().id;
  Response resp = JsonReply(200, out);
  resp.audit = std::move(note);
  return resp;
}

// A create whose client-made id is already stored: when version 1 of that record is
// what this create would store, it is a retry of a create whose answer was lost,
// answered as the first time (200, that version) rather than a duplicate or an
// error; otherwise nothing (the caller answers the conflict). As the sync push
// recognises retries (docs/sync.md "Idempotency"), for online writes too.
std::optional<Response> Repeated(Call& c, const store::Record& r) {
  store::Record cur, first;
  if (!c.store.Get(r.type, r.id, &cur).ok() || !Visible(c, cur)) return std::nullopt;
  if (!c.store.GetVersion(r.type, r.id, 1, &first).ok() || first.deleted_at || first.body != r.body)
    return std::nullopt;
  Response resp = RecordResponse(200, first);
  resp.headers["Location"] = "/api/v1/" + registry::CollectionOfType(r.type) + "/" + r.id;
  resp.audit = AuditNote{.via = "create_repeated", .record_type = r.type, .record_id = r.id, .orgunit = r.orgunit_id};
  return resp;
}

Response Create(Call& c, const std::string& type) {
  json in;
  if (Status st = ParseJsonObject(c.req.body, &in); !st.ok()) return ErrorReply(st);
  registry::StoreLookup lookup(c.store);
  store::Record r;
  std::vector<Status> field_errors;
  if (Status st = registry::Validate(type, in, lookup, Today(), &r, &field_errors); !st.ok())
    return FieldErrorsReply(st, field_errors);
  if (!auth::CanSee(c.store, c.who, r.orgunit_id))
    return Refused(c, Status::Forbidden("orgunit " + r.orgunit_id + " is outside your org units"), r.type, r.id, r.orgunit_id);
  if (!r.is_person()) {
    store::Record person;
    c.store.Get("person", r.person_id, &person);
    // The registry's answer for an unknown person (validate.cpp), so persons of other communes cannot be probed.
    if (!auth::CanSee(c.store, c.who, person.orgunit_id))
      return Refused(c, Status::Invalid("person_id", "person_id: no person with id " + r.person_id), r.type, r.id, r.orgunit_id);
  }
  r.version = 1;
  r.created_at = r.updated_at = NowIso();
  const audit::Entry entry = c.Stamp("create");
  if (Status st = c.store.Insert(r, &entry); !st.ok()) {
    if (st.code() == Code::conflict && st.field() == "id")
      if (auto again = Repeated(c, r)) return *again;
    return ErrorReply(st);
  }
  log::Info("record_created", {{"type", type}, {"id", r.id}, {"user", c.who.username}});
  Response resp = RecordResponse(201, r);
  resp.headers["Location"] = "/api/v1/" + registry::CollectionOfType(type) + "/" + r.id;
  return resp;
}

Response Get(Call& c, const std::string& type) {
  store::Record r;
  if (auto refused = Load(c, type, c.param(0), &r)) return *refused;
  Response resp = RecordResponse(200, r);
  resp.audit = AuditNote{.via = "get", .record_type = r.type, .record_id = r.id, .orgunit = r.orgunit_id};
  return resp;
}

// What the users of an action's owner org unit may change (docs/registry.md):
// status, done_date and follow_up, nothing else; the review board edits all.
// `in` becomes the stored action with those three fields taken from the request.
Status OwnerUpdate(Call& c, const store::Record& cur, json* in) {
  if (!auth::Can(c.who, auth::kPersonWrite) || !auth::CanSee(c.store, c.who, ActionOwner(cur)))
    return Status::Forbidden("only the review board or the users of the action's owner org unit may update it");
  static const std::set<std::string> kOwnerFields = {"status", "done_date", "follow_up"};
  // What a client sends back of the record as it read it, and that validation ignores or derives.
  static const std::set<std::string> kEnvelope = {"id", "version", "type", "created_at", "updated_at", "overdue"};
  json next = registry::ToJson(cur);
  for (const std::string& k : kEnvelope) next.erase(k);
  for (auto it = in->begin(); it != in->end(); ++it) {
    if (kOwnerFields.count(it.key()) || kEnvelope.count(it.key())) continue;
    if (!next.contains(it.key()) || next[it.key()] != it.value())
      return Status::Invalid(it.key(), it.key() + ": the owner org unit may change only status, done_date and follow_up");
  }
  for (const std::string& k : kOwnerFields) {
    next.erase(k);
    if (in->contains(k)) next[k] = (*in)[k];
  }
  *in = std::move(next);
  return Status::Ok();
}

Response Update(Call& c, const std::string& type) {
  const std::string& id = c.param(0);
  json in;
  if (Status st = ParseJsonObject(c.req.body, &in); !st.ok()) return ErrorReply(st);
  if (Status st = CheckBodyVersion(in); !st.ok()) return ErrorReply(st);
  auto expected = ExpectedVersion(c.req, in);
  if (!expected) return ErrorReply(Status::Invalid("If-Match", "If-Match header (the record's version) is required to update"));
  store::Record cur;
  if (auto refused = Load(c, type, id, &cur)) return *refused;
  const bool owner_update = type == "review_action" && !auth::Can(c.who, auth::kDeathReview);
  if (owner_update)
    if (Status st = OwnerUpdate(c, cur, &in); !st.ok()) return ErrorReply(st);
  if (in.contains("id") && in["id"] != id) return ErrorReply(Status::Invalid("id", "id in the body differs from the URL"));
  in["id"] = id;
  if (!cur.is_person() && in.contains("person_id") && in["person_id"] != cur.person_id)
    return ErrorReply(Status::Invalid("person_id", "person_id of an event cannot change"));
  registry::StoreLookup lookup(c.store);
  store::Record r;
  std::vector<Status> field_errors;
  if (Status st = registry::Validate(type, in, lookup, Today(), &r, &field_errors); !st.ok())
    return FieldErrorsReply(st, field_errors);
  // The owner's users keep the action's org unit (OwnerUpdate), which may lie outside their own.
  if (!owner_update && !auth::CanSee(c.store, c.who, r.orgunit_id))
    return Refused(c, Status::Forbidden("orgunit " + r.orgunit_id + " is outside your org units"), r.type, r.id, r.orgunit_id);
  const audit::Entry entry = c.Stamp("update");
  if (Status st = c.store.Update(r, *expected, &entry); !st.ok()) return ErrorReply(st);
  log::Info("record_updated", {{"type", type}, {"id", id}, {"user", c.who.username}, {"version", r.version}});
  return RecordResponse(200, r);
}

Response Delete(Call& c, const std::string& type) {
  const std::string& id = c.param(0);
  json in = json::object();
  if (!c.req.body.empty())
    if (Status st = ParseJsonObject(c.req.body, &in); !st.ok()) return ErrorReply(st);
  if (Status st = CheckBodyVersion(in); !st.ok()) return ErrorReply(st);
  std::string reason = c.query("reason");
  if (Status st = OptionalText(in, "reason", &reason); !st.ok()) return ErrorReply(st);
  if (reason.empty() || !text::IsValidUtf8(reason)) return ErrorReply(Status::Invalid("reason", "reason for deletion is required"));
  auto expected = ExpectedVersion(c.req, in);
  if (!expected) return ErrorReply(Status::Invalid("If-Match", "If-Match header (the record's version) is required to delete"));
  store::Record cur;
  if (auto refused = Load(c, type, id, &cur)) return *refused;
  store::Record out;
  const audit::Entry entry = c.Stamp("delete");
  if (Status st = c.store.SoftDelete(type, id, *expected, text::Nfc(reason), &out, &entry); !st.ok()) return ErrorReply(st);
  log::Info("record_deleted", {{"type", type}, {"id", id}, {"user", c.who.username}});
  return RecordResponse(200, out);
}

// A whole-number query parameter within [lo, hi], or `fallback` when absent; else 422 naming it.
Status IntParam(const Call& c, const char* name, int lo, int hi, int fallback, int* out) {
  const std::string v = c.query(name);
  *out = fallback;
  if (v.empty()) return Status::Ok();
  if (v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos || std::stoi(v) < lo || std::stoi(v) > hi)
    return Status::Invalid(name, std::string(name) + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  *out = std::stoi(v);
  return Status::Ok();
}

// Who a person is to tell namesakes apart: their id, name, birth date and sex.
json Relative(const store::Record& r) {
  return {{"id", r.id}, {"full_name", r.full_name}, {"birth_date", r.date}, {"sex", r.sex}};
}

// Search pages: `limit` 1-100 (default 20) from `offset` 0-1000, `has_more` when
// another page follows. Each match carries its mother (a child) or its children
// (a woman), those the caller may see, so namesakes can be told apart; every
// person shown is in the audit entry.
Response Search(Call& c) {
  store::SearchQuery q;
  if (auto r = Scope(c, &q.orgunit)) return *r;
  const std::string name = c.query("q");
  if (!text::IsValidUtf8(name)) return ErrorReply(Status::BadRequest("q is not valid UTF-8", "q"));
  q.name_folded = text::Fold(name);
  q.phone = c.query("phone");
  q.citizen_id = c.query("citizen_id");
  if (q.name_folded.empty() && q.phone.empty() && q.citizen_id.empty())
    return ErrorReply(Status::Invalid("q", "give q (name), phone or citizen_id"));
  int limit = 0;
  if (Status st = IntParam(c, "limit", 1, 100, 20, &limit); !st.ok()) return ErrorReply(st);
  if (Status st = IntParam(c, "offset", 0, 1000, 0, &q.offset); !st.ok()) return ErrorReply(st);
  q.limit = limit + 1;  // one more than shown tells whether another page follows
  std::vector<store::Record> rs;
  if (Status st = c.store.SearchPersons(q, &rs); !st.ok()) return ErrorReply(st);
  const bool has_more = static_cast<int>(rs.size()) > limit;
  if (has_more) rs.resize(limit);

  std::unordered_map<std::string, store::Record> mothers;
  std::vector<std::string> ids;
  for (const auto& r : rs) {
    ids.push_back(r.id);
    if (r.mother_id && !mothers.contains(*r.mother_id)) {
      store::Record m;
      if (c.store.Get("person", *r.mother_id, &m).ok() && !m.deleted_at && auth::CanSee(c.store, c.who, m.orgunit_id))
        mothers.emplace(m.id, std::move(m));
    }
  }
  std::vector<store::Record> kids;
  if (Status st = c.store.Children(ids, &kids); !st.ok()) return ErrorReply(st);
  std::unordered_map<std::string, json> children;
  for (const auto& k : kids)
    if (auth::CanSee(c.store, c.who, k.orgunit_id)) children[*k.mother_id].push_back(Relative(k));

  // Vietnamese alphabetical order of the page's matches.
  std::vector<std::pair<std::string, size_t>> keys;
  for (size_t i = 0; i < rs.size(); ++i) keys.emplace_back(text::VietnameseSortKey(rs[i].full_name), i);
  std::sort(keys.begin(), keys.end());
  json items = json::array();
  AuditNote note{.via = "search", .record_type = "person", .orgunit = q.orgunit};
  for (const auto& [k, i] : keys) {
    const store::Record& r = rs[i];
    note.records.push_back(r.id);
    json item = registry::ToJson(r);
    if (auto m = r.mother_id ? mothers.find(*r.mother_id) : mothers.end(); m != mothers.end()) {
      item["mother"] = Relative(m->second);
      note.records.push_back(m->first);
    }
    if (auto ch = children.find(r.id); ch != children.end()) {
      for (const auto& k : ch->second) note.records.push_back(k["id"]);
      item["children"] = ch->second;
    }
    items.push_back(std::move(item));
  }
  Response resp = JsonReply(200, {{"items", items}, {"offset", q.offset}, {"limit", limit}, {"has_more", has_more}});
  resp.audit = std::move(note);
  return resp;
}

Response Growth(Call& c) {
  std::shared_ptr<const store::PersonBook> book;
  if (auto refused = LoadHandbook(c, c.param(0), &book)) return *refused;
  const store::Record& person = book->person;
  Response resp = JsonReply(200, GrowthChart(person, book->events));
  resp.audit = AuditNote{.via = "growth", .record_type = "person", .record_id = person.id, .orgunit = person.orgunit_id};
  return resp;
}

Response GrowthReferenceRoute(Call& c) {
  const std::string sex = c.query("sex");
  if (sex != "male" && sex != "female") return ErrorReply(Status::Invalid("sex", "sex must be male or female"));
  return JsonReply(200, GrowthReference(sex));
}

Response Handbook(Call& c) {
  std::shared_ptr<const store::PersonBook> book;
  if (auto refused = LoadHandbook(c, c.param(0), &book)) return *refused;
  const store::Record& person = book->person;
  const std::vector<store::Record>& events = book->events;
  // Spliced as text: the handbook is the most read page, and re-parsing every body costs more than the query.
  Response r;
  const std::vector<std::string>& texts = RecordTexts(*book);
  // Room for every record's text at once: no reallocation and copy on the way.
  size_t room = 512;
  for (const auto& t : texts) room += t.size();
  r.body.reserve(room);
  r.body += "{\"person\":";
  r.body += texts[0];
  const std::optional<store::Record>& mother = book->mother;
  // Written as text, keys in nlohmann's (sorted) order, strings as its dump() writes them.
  if (mother) {
    r.body += ",\"mother\":{\"full_name\":";
    registry::AppendJsonString(mother->full_name, r.body, /*strict=*/true);
    r.body += ",\"id\":";
    registry::AppendJsonString(mother->id, r.body, true);
    r.body += '}';
  }
  // Her children, those the caller may see, so the mother's book links to each child's.
  std::shared_ptr<const std::vector<store::Record>> kids;
  if (Status st = c.store.SharedChildren(person.id, &kids); !st.ok()) return ErrorReply(st);
  r.body += ",\"children\":[";
  std::string child_ids;
  for (const auto& k : *kids)
    if (auth::CanSee(c.store, c.who, k.orgunit_id)) {
      // Relative(k) as text.
      r.body += child_ids.empty() ? "{\"birth_date\":" : ",{\"birth_date\":";
      registry::AppendJsonString(k.date, r.body, true);
      r.body += ",\"full_name\":";
      registry::AppendJsonString(k.full_name, r.body, true);
      r.body += ",\"id\":";
      registry::AppendJsonString(k.id, r.body, true);
      r.body += ",\"sex\":";
      registry::AppendJsonString(k.sex, r.body, true);
      r.body += '}';
      child_ids += (child_ids.empty() ? "" : ",") + k.id;
    }
  r.body += ']';
  r.body += ",\"events\":[";
  bool first = true;
  for (size_t i = 0; i < events.size(); ++i) {
    const store::Record& e = events[i];
    // Death reviews are omitted for those without the review board's permission.
    if (!MayRead(c.who, e.type)) continue;
    if (!first) r.body += ',';
    first = false;
    if (e.type == "review_action") r.body += RecordJson(e).dump();
    else r.body += texts[1 + i];
  }
  r.body += "]}";
  // The mother's and children's names are shown too, so they are named with the person.
  AuditNote note{.via = "handbook", .record_type = "person", .record_id = person.id, .orgunit = person.orgunit_id};
  if (mother) note.detail.emplace_back("mother", mother->id);
  if (!child_ids.empty()) note.detail.emplace_back("children", child_ids);
  r.audit = std::move(note);
  return r;
}

// The ICD-10 code picker: codes by prefix, then titles holding every word of q.
Response Icd10Codes(Call& c) {
  const std::string q = c.query("q");
  if (!text::IsValidUtf8(q)) return ErrorReply(Status::BadRequest("q is not valid UTF-8", "q"));
  if (q.empty() || q.size() > 100) return ErrorReply(Status::Invalid("q", "q (a code or words of its title, at most 100 characters) is required"));
  int limit = 0;
  if (Status st = IntParam(c, "limit", 1, 100, 20, &limit); !st.ok()) return ErrorReply(st);
  json items = json::array();
  for (const registry::Icd10Code* code : registry::Icd10::Builtin().Search(q, limit))
    items.push_back({{"code", code->code}, {"title_en", code->title_en}});
  return JsonReply(200, {{"items", items}, {"source", registry::kIcd10Source}});
}

Response Schema() {
  json types = json::array();
  for (const auto& [coll, type] : registry::Collections()) {
    const auto* t = registry::Schema::Builtin().Type(type);
    json fields = json::array();
    for (const auto& f : t->fields) {
      json fj = {{"name", f.name}, {"required", f.required}, {"derived", f.derived}};
      if (!f.values.empty()) fj["values"] = f.values;
      if (f.min) fj["min"] = *f.min;
      if (f.max) fj["max"] = *f.max;
      fields.push_back(fj);
    }
    json tj = {{"type", type}, {"collection", coll}, {"label", {{"vi", t->label_vi}, {"en", t->label_en}}}, {"fields", fields}};
    // So a client shows a confidential type (death reviews) only to those who hold its permission.
    if (!t->read_permission.empty()) tj["read_permission"] = t->read_permission;
    if (!t->write_permission.empty()) tj["write_permission"] = t->write_permission;
    types.push_back(std::move(tj));
  }
  return JsonReply(200, {{"version", registry::Schema::Builtin().version()}, {"types", types}});
}

}  // namespace

Routes RecordRoutes() {
  using auth::kPersonRead;
  using auth::kPersonWrite;
  using A = Audit;
  Routes k = {
      {"GET", "schema", "", A::none, [](Call&) { return Schema(); }},
      {"GET", "codes/icd10", "", A::none, Icd10Codes},
      // Before persons/{id}: a literal segment wins over "{id}" anyway, listed first for the reader.
      {"GET", "persons/search", kPersonRead, A::person_read, Search, false, true},
      {"GET", "persons/{id}/handbook", kPersonRead, A::person_read, Handbook},
      {"GET", "persons/{id}/growth", kPersonRead, A::person_read, Growth},
      {"GET", "growth/reference", "", A::none, GrowthReferenceRoute},
  };
  // Each record type's collection is data (data/forms/registry.json).
  // A type's read_permission / write_permission (death reviews: death.review)
  // replaces person.read / person.write on its routes. A review action is
  // written by the board, but the users of its owner org unit may close it:
  // its PUT needs a session only and the handler decides (OwnerUpdate).
  for (const auto& [coll, type] : registry::Collections()) {
    const std::string t = type;
    const registry::TypeSpec* spec = registry::Schema::Builtin().Type(type);
    const std::string read = spec->read_permission.empty() ? kPersonRead : spec->read_permission;
    const std::string write = spec->write_permission.empty() ? kPersonWrite : spec->write_permission;
    const std::string put = type == "review_action" ? "" : write;
    k.push_back({"GET", coll, read, A::person_read, [t](Call& c) { return List(c, t); }, false, true});
    k.push_back({"POST", coll, write, A::write, [t](Call& c) { return Create(c, t); }});
    k.push_back({"GET", coll + "/{id}", read, A::person_read, [t](Call& c) { return Get(c, t); }});
    k.push_back({"PUT", coll + "/{id}", put, A::write, [t](Call& c) { return Update(c, t); }});
    k.push_back({"DELETE", coll + "/{id}", write, A::write, [t](Call& c) { return Delete(c, t); }});
  }
  return k;
}

}  // namespace u5::http
