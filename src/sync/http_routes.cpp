#include "sync/http_routes.h"

#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "auth/roles.h"
#include "auth/scope.h"
#include "care/http_routes.h"
#include "care/service.h"
#include "core/date.h"
#include "core/id.h"
#include "core/log.h"
#include "core/text.h"
#include "http/records.h"
#include "registry/schema.h"
#include "registry/validate.h"
#include "store/store.h"
#include "sync/cursor.h"
#include "sync/layout.h"

namespace u5::sync {
namespace {

using nlohmann::json;
using http::ErrorReply;

constexpr int kDefaultLimit = 500, kMaxLimit = 5000;
constexpr size_t kMaxWrites = 200;
// Brotli's quality for the feed's pages (docs/performance.md "Sync pages"): 5 % smaller than the
// API's 4 for 2.5 times its CPU, still a small part of the time a page takes to cross 3G.
constexpr int kFeedBrotliQuality = 6;

// Whether the caller's role may read records of `type` (death reviews are the
// review board's), as the handbook leaves them out for others.
bool MayRead(const auth::Principal& who, const std::string& type) {
  const std::string& perm = registry::ReadPermission(type);
  return perm.empty() || auth::Can(who, perm);
}

Status LimitParam(const http::Call& c, int* limit) {
  const std::string l = c.query("limit");
  *limit = kDefaultLimit;
  if (l.empty()) return Status::Ok();
  if (l.size() > 4 || l.find_first_not_of("0123456789") != std::string::npos || std::stoi(l) < 1 || std::stoi(l) > kMaxLimit)
    return Status::Invalid("limit", "limit must be a whole number from 1 to " + std::to_string(kMaxLimit));
  *limit = std::stoi(l);
  return Status::Ok();
}

// The subtrees a sync covers: the one asked for, else every org unit of the
// user (a worker of two communes keeps both), else the country for a
// country-wide role. Refusals are audited.
std::optional<http::Response> Roots(http::Call& c, std::vector<std::string>* roots) {
  const std::string asked = c.query("orgunit");
  if (asked.empty() && !c.who.orgunits.empty()) {
    *roots = c.who.orgunits;
    return std::nullopt;
  }
  std::string ou;
  Status st = auth::ResolveOrgUnit(c.store, c.who, asked, &ou);
  if (st.code() == Code::forbidden) return http::Refused(c, st, "", "", asked);
  if (!st.ok()) return ErrorReply(st);
  *roots = {ou};
  return std::nullopt;
}

http::Response Changes(http::Call& c) {
  care::Service* care = c.service<care::Service>();
  if (!care) return ErrorReply(Status::Internal("the care service is not running"));
  store::SyncQuery q;
  if (Status st = LimitParam(c, &q.limit); !st.ok()) return ErrorReply(st);
  if (auto refused = Roots(c, &q.roots)) return *refused;
  const std::string text = c.query("cursor");
  std::optional<Cursor> cur;
  if (!text.empty()) cur = DecodeCursor(text);
  bool reset = !text.empty() && !cur;
  q.first = !cur || cur->first;
  if (cur) {
    q.after_seq = cur->after_seq;
    q.after_id = cur->after_id;
    // A later sync also learns which persons left the scope since its run began (moved away).
    if (!q.first) q.left_since = cur->base;
  }
  store::SyncPage page;
  if (Status st = c.store.SyncChanges(q, &page); !st.ok()) return ErrorReply(st);
  // Another database's cursor, one from a restored copy (ahead of this log), or
  // one older than a bulk or org unit load (rows loaded without positions): start over.
  if (cur && (cur->db_id != page.db_id || cur->base < page.everything_seq || cur->base > page.head ||
              cur->after_seq > page.head)) {
    reset = true;
    cur.reset();
    q = store::SyncQuery{.roots = std::move(q.roots), .first = true, .limit = q.limit};
    if (Status st = c.store.SyncChanges(q, &page); !st.ok()) return ErrorReply(st);
  }
  Cursor next{.db_id = page.db_id, .base = cur ? cur->base : page.head, .first = q.first};
  if (page.more) {
    next.after_seq = page.persons.back().seq;
    next.after_id = page.persons.back().person.id;
  } else {
    // Complete up to the head of this page's snapshot: the next sync asks what came after it.
    next = Cursor{.db_id = page.db_id, .base = page.head, .first = false, .after_seq = page.head};
  }

  std::unordered_map<std::string, care::FollowUp> follow;
  if (Status st = care->FollowUps(&follow); !st.ok()) return ErrorReply(st);
  const Date today = Today();
  http::AuditNote note{.via = "sync", .orgunit = q.roots.front()};
  std::vector<json> records;
  std::string due;
  for (const store::SyncPerson& p : page.persons) {
    auto add = [&](const store::Record& r) {
      records.push_back(http::RecordJson(r));
      note.records.push_back(r.id);
    };
    add(p.person);
    for (const store::Record& e : p.events)
      if (MayRead(c.who, e.type)) add(e);
    if (p.person.deleted_at) continue;
    care::Entry entry;
    if (!care->Get(p.person.id, &entry).ok()) continue;
    auto f = follow.find(p.person.id);
    json d = care::DueJson(care->schedule(), entry, today, f == follow.end() ? nullptr : &f->second);
    // Open items only: done and missed ones are history the records already hold, and were
    // most of a first sync's bytes (docs/sync.md).
    json open = json::array();
    for (json& item : d["items"])
      if (item.value("status", "") != "done" && item.value("status", "") != "missed") open.push_back(std::move(item));
    d["items"] = std::move(open);
    if (!due.empty()) due += ',';
    due += d.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  http::Response r;
  r.body = "{\"cursor\":" + json(EncodeCursor(next)).dump() + ",\"more\":" + (page.more ? "true" : "false") +
           ",\"reset\":" + (reset ? "true" : "false") + ",\"server_time\":" + json(NowIso()).dump() +
           ",\"records\":";
  AppendGroups(records, r.body);
  r.body += ",\"out_of_scope\":" + json(page.left).dump() + ",\"due\":[" + due + "]}";
  // The cursor and `more` again as headers: a client can ask for the next page as soon as this
  // one's headers arrive, so the server makes it while this one crosses a slow line.
  r.headers["Sync-Cursor"] = EncodeCursor(next);
  r.headers["Sync-More"] = page.more ? "true" : "false";
  r.audit = std::move(note);
  r.brotli_quality = kFeedBrotliQuality;
  return r;
}

// ---- push

// The record routes, to apply each write through its own route's handler.
const http::Router& RecordRouter() {
  static const http::Router router(http::RecordRoutes());
  return router;
}

json Rejected(const std::string& id, const std::string& error, const std::string& field, const std::string& message) {
  return {{"id", id}, {"status", "rejected"}, {"error", error}, {"field", field}, {"message", message},
          {"errors", json::array({{{"field", field}, {"reason", message}}})}};
}

// A route's error answer as a rejected result, with its error, field and every faulty field.
json RejectedFrom(const std::string& id, const http::Response& r, bool refused_for_scope) {
  json b = json::parse(r.body, nullptr, false);
  if (!b.is_object()) b = json::object();
  std::string field = b.value("field", "");
  // A scope refusal names no field; the org unit is what the client must change.
  if (field.empty() && r.status == 403) field = refused_for_scope ? "orgunit" : "collection";
  json out = Rejected(id, b.value("error", "invalid"), field, b.value("message", ""));
  if (b.contains("errors") && b["errors"].is_array()) out["errors"] = b["errors"];
  return out;
}

class Pusher {
 public:
  explicit Pusher(http::Call& c) : c_(c) {}

  json Apply(const json& w) {
    if (!w.is_object()) return Rejected("", "invalid", "writes", "each write must be an object");
    std::string id;
    if (auto it = w.find("id"); it != w.end() && it->is_string()) id = it->get<std::string>();
    auto text = [&](const char* k, std::string* out) {
      auto it = w.find(k);
      if (it == w.end() || !it->is_string()) return false;
      *out = it->get<std::string>();
      return true;
    };
    std::string op, collection;
    if (!text("op", &op) || (op != "insert" && op != "update" && op != "delete"))
      return Rejected(id, "invalid", "op", "op must be insert, update or delete");
    if (!text("collection", &collection)) return Rejected(id, "invalid", "collection", "collection is required");
    std::string type;
    for (const auto& [coll, t] : registry::Collections())
      if (coll == collection) type = t;
    if (type.empty()) return Rejected(id, "invalid", "collection", "no collection " + collection + " (GET /api/v1/schema)");
    if (!text("id", &id) || !IsUuid(id)) return Rejected(id, "invalid", "id", "id must be a lower-case hyphenated UUID");
    json body = json::object();
    if (op != "delete") {
      auto it = w.find("body");
      if (it == w.end() || !it->is_object()) return Rejected(id, "invalid", "body", "body must be an object");
      body = *it;
      if (body.contains("id") && body["id"] != id) return Rejected(id, "invalid", "id", "id in the body differs from the write's id");
      body["id"] = id;
    }
    int64_t base = 0;
    if (op != "insert") {
      auto it = w.find("base_version");
      if (it == w.end() || !it->is_number_integer() || it->get<int64_t>() < 1)
        return Rejected(id, "invalid", "base_version", "base_version must be a whole number from 1 (the version the change was based on)");
      base = it->get<int64_t>();
    }
    std::string reason;
    if (op == "delete" && (!text("reason", &reason) || reason.empty() || !text::IsValidUtf8(reason)))
      return Rejected(id, "invalid", "reason", "reason for deletion is required");

    store::Record cur;
    const bool exists = c_.store.Get(type, id, &cur).ok();
    // Whose writes these are: a rejected write of a person holds back the rest of that person's.
    std::string person = type == "person" ? id : exists ? cur.person_id : "";
    if (auto it = body.find("person_id"); person.empty() && it != body.end() && it->is_string()) person = it->get<std::string>();
    if (!person.empty() && rejected_persons_.count(person))
      return Rejected(id, "depends_on_rejected", type == "person" ? "id" : "person_id",
                      "an earlier write of person " + person + " in this push was rejected");
    json result = Decide(op, collection, type, id, body, base, reason, exists, cur);
    if (result["status"] == "rejected" && !person.empty()) rejected_persons_.insert(person);
    return result;
  }

  // Ids whose stored state the answer shows besides the caller's own new writes.
  std::vector<std::string> shown;
  bool stamped = false;

 private:
  json Decide(const std::string& op, const std::string& collection, const std::string& type, const std::string& id,
              const json& body, int64_t base, const std::string& reason, bool exists, const store::Record& cur) {
    if (exists) {
      const int64_t retry_version = op == "insert" ? 1 : base + 1;
      const bool current = op != "insert" && cur.version == base && !cur.deleted_at;
      if (!current) {
        // The server's state, read through the GET route: a record the caller may not see is an unknown id.
        http::Response got = Route("GET", collection, id, "", "");
        if (got.status != 200) return RejectedFrom(id, got, false);
        store::Record kept;
        if (retry_version <= cur.version && c_.store.GetVersion(type, id, retry_version, &kept).ok() &&
            SameWrite(op, type, body, reason, kept)) {
          shown.push_back(id);
          return {{"id", id}, {"status", "stored"}, {"version", kept.version}, {"record", http::RecordJson(kept)}};
        }
        shown.push_back(id);
        return Conflict(id, got);
      }
    }
    http::Response r = op == "insert"   ? Route("POST", collection, "", body.dump(), "")
                       : op == "update" ? Route("PUT", collection, id, body.dump(), std::to_string(base))
                                        : Route("DELETE", collection, id, json{{"reason", reason}}.dump(), std::to_string(base));
    if (r.status == 200 || r.status == 201) {
      json rec = json::parse(r.body, nullptr, false);
      return {{"id", id}, {"status", "stored"}, {"version", rec.value("version", 0)}, {"record", rec}};
    }
    json b = json::parse(r.body, nullptr, false);
    // Another writer came between the check above and the write: the same conflict.
    if (r.status == 409 && b.is_object() && b.value("field", "") == "version") {
      http::Response got = Route("GET", collection, id, "", "");
      if (got.status == 200) {
        shown.push_back(id);
        return Conflict(id, got);
      }
    }
    return RejectedFrom(id, r, refused_);
  }

  static json Conflict(const std::string& id, const http::Response& got) {
    return {{"id", id}, {"status", "conflict"}, {"error", "conflict"},
            {"message", "the record changed on the server since the version this write was based on"},
            {"record", json::parse(got.body, nullptr, false)}};
  }

  // Whether the kept version `kept` is what this write would have stored: a
  // retry of a write whose answer was lost (docs/sync.md "Idempotency").
  bool SameWrite(const std::string& op, const std::string& type, const json& body, const std::string& reason,
                 const store::Record& kept) {
    if (op == "delete") return kept.deleted_at && kept.delete_reason == text::Nfc(reason);
    if (kept.deleted_at) return false;
    registry::StoreLookup lookup(c_.store);
    store::Record r;
    std::vector<Status> errors;
    return registry::Validate(type, body, lookup, Today(), &r, &errors).ok() && r.body == kept.body;
  }

  // One write or read through the record route that serves it, as the caller.
  http::Response Route(const std::string& method, const std::string& collection, const std::string& id,
                       const std::string& body, const std::string& if_match) {
    http::Request req = c_.req;
    req.method = method;
    req.path = "/api/v1/" + collection + (id.empty() ? "" : "/" + id);
    req.query.clear();
    req.raw_query.clear();
    req.body = body;
    req.if_match = if_match;
    const http::Router::Match m = RecordRouter().Find(method, req.path);
    if (!m.route) return ErrorReply(Status::Internal("no record route for " + method + " " + req.path));
    http::Call call{req, c_.who, c_.store, m.params, c_.token};
    http::Response r = http::Router::Invoke(m, call);
    stamped = stamped || call.stamped;
    refused_ = false;
    // A refusal's note (scope) or a role refused a record type: audited as the
    // API audits them for the ordinary routes.
    if (r.audit && r.audit->action.ends_with("_denied")) {
      refused_ = true;
      Audit(*r.audit);
    } else if (r.status == 403 && m.route->audit != http::Audit::none) {
      Audit(http::AuditNote{.action = "write_denied", .via = m.route->pattern, .record_type = registry::TypeOfCollection(collection),
                            .record_id = id});
    }
    return r;
  }

  void Audit(const http::AuditNote& n) {
    audit::Entry e = c_.Stamp(n.action);
    e.record_type = n.record_type;
    e.record_id = n.record_id;
    e.orgunit_id = n.orgunit;
    e.detail = json{{"via", "sync_push"}}.dump();
    if (Status st = c_.store.AppendAudit({e}); !st.ok())
      log::Error("audit_append_failed", {{"action", e.action}, {"error", st.ToString()}});
  }

  http::Call& c_;
  std::unordered_set<std::string> rejected_persons_;
  bool refused_ = false;
};

http::Response Push(http::Call& c) {
  json in;
  if (Status st = http::ParseJsonObject(c.req.body, &in); !st.ok()) return ErrorReply(st);
  std::string client;
  if (Status st = http::OptionalText(in, "client_id", &client); !st.ok()) return ErrorReply(st);
  if (client.empty() || client.size() > 64 || !text::IsValidUtf8(client))
    return ErrorReply(Status::Invalid("client_id", "client_id (the installation's id, at most 64 characters) is required"));
  auto writes = in.find("writes");
  if (writes == in.end() || !writes->is_array() || writes->empty())
    return ErrorReply(Status::Invalid("writes", "writes must be a list of 1 to 200 writes"));
  if (writes->size() > kMaxWrites)
    return ErrorReply(Status::Invalid("writes", "at most 200 writes a push; send the rest in the next one"));
  Pusher p(c);
  json results = json::array();
  size_t stored = 0;
  for (const json& w : *writes) {
    results.push_back(p.Apply(w));
    stored += results.back()["status"] == "stored";
  }
  log::Info("sync_push", {{"user", c.who.username}, {"client", client}, {"writes", writes->size()}, {"stored", stored}});
  http::Response r = http::JsonReply(200, {{"results", results}});
  // One entry for the push: which installation, and the stored states the answer showed.
  r.audit = http::AuditNote{.via = "sync_push", .records = std::move(p.shown),
                            .detail = {{"client", client}, {"writes", std::to_string(writes->size())}}};
  c.stamped = c.stamped || p.stamped;
  return r;
}

}  // namespace

http::Routes Routes() {
  using A = http::Audit;
  return {
      {"GET", "sync/changes", auth::kPersonRead, A::person_read, Changes, false, true},
      {"POST", "sync/push", auth::kPersonWrite, A::write, Push, false, true},
  };
}

}  // namespace u5::sync
