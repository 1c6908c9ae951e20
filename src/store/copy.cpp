#include "store/copy.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/date.h"
#include "store/aggregates.h"
#include "store/care_acks.h"
#include "store/emergencies.h"
#include "store/signoffs.h"

namespace u5::store {

namespace {

using nlohmann::json;

void Progress(const CopyOptions& o, std::string_view stage, int64_t done) {
  if (o.progress) o.progress(stage, done);
}

audit::Entry Actor(const CopyOptions& o, const std::string& action, const std::string& type, const std::string& id,
                   json detail) {
  audit::Entry e = o.actor;
  e.action = action;
  e.record_type = type;
  e.record_id = id;
  detail["source"] = o.source_name;
  e.detail = detail.dump();
  return e;
}

// A record present in `to` at a lower version than in `from`: the source's
// versions after the target's replayed in order (a version the source did not
// keep is stood in for by the next it kept), so that both end at the same
// version and state.
Status CatchUp(Store& from, Store& to, const Record& target, const Record& source) {
  std::vector<Record> versions;  // newest first
  U5_RETURN_IF_ERROR(from.Versions(source.type, source.id, &versions));
  std::map<int64_t, Record> by_version;
  for (Record& v : versions) by_version.emplace(v.version, std::move(v));
  if (target.deleted_at) return Status::Ok();  // a deletion is final on both sides
  for (int64_t k = target.version + 1; k <= source.version; ++k) {
    auto it = by_version.lower_bound(k);
    const Record& state = it == by_version.end() ? source : it->second;
    if (state.deleted_at) {
      Record out;
      return to.SoftDelete(state.type, state.id, k - 1, state.delete_reason.value_or(""), &out);
    }
    Record r = state;
    U5_RETURN_IF_ERROR(to.Update(r, k - 1));
  }
  return Status::Ok();
}

Status CopyRecords(Store& from, Store& to, const CopyOptions& o, CopyReport* rep, std::set<std::string>* orgunits) {
  std::vector<Record> batch;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    std::unique_ptr<BulkWriter> bulk;
    U5_RETURN_IF_ERROR(to.OpenBulk(&bulk));
    for (const Record& r : batch) U5_RETURN_IF_ERROR(bulk->Add(r));
    U5_RETURN_IF_ERROR(bulk->Commit());
    rep->records_added += static_cast<int64_t>(batch.size());
    batch.clear();
    Progress(o, "records", rep->records_added + rep->records_replaced + rep->records_kept);
    return Status::Ok();
  };
  // Persons come before events and events in id order, so a batch's
  // references point at rows committed before it or within it.
  Status st = from.ForEach(
      [&](const Record& r) -> Status {
        orgunits->insert(r.orgunit_id);
        Record cur;
        Status got = to.Get(r.type, r.id, &cur);
        if (got.code() == Code::not_found) {
          batch.push_back(r);
          return static_cast<int>(batch.size()) >= o.batch ? flush() : Status::Ok();
        }
        U5_RETURN_IF_ERROR(got);
        if (cur.version >= r.version) {
          ++rep->records_kept;
          return Status::Ok();
        }
        // An update refers to rows the pending batch may hold.
        U5_RETURN_IF_ERROR(flush());
        U5_RETURN_IF_ERROR(CatchUp(from, to, cur, r));
        ++rep->records_replaced;
        return Status::Ok();
      },
      /*include_deleted=*/true);
  U5_RETURN_IF_ERROR(st);
  return flush();
}

Status CopyUsers(Store& from, Store& to, const CopyOptions& o, CopyReport* rep, std::set<std::string>* orgunits) {
  std::vector<User> users;
  U5_RETURN_IF_ERROR(from.ListUsers(&users));
  for (const User& u : users) {
    orgunits->insert(u.orgunits.begin(), u.orgunits.end());
    User cur;
    if (to.GetUserById(u.id, &cur).ok()) {
      ++rep->users_kept;
      continue;
    }
    if (to.GetUser(u.username, &cur).ok()) {
      rep->users_taken.push_back(u.username);
      continue;
    }
    audit::Entry e = Actor(o, "user_copy", "user", u.id, {{"username", u.username}, {"role", u.role}, {"orgunits", u.orgunits}});
    if (!u.orgunits.empty()) e.orgunit_id = u.orgunits.front();
    U5_RETURN_IF_ERROR(to.SaveUser(u, /*create=*/true, e));
    ++rep->users_added;
  }
  Progress(o, "users", rep->users_added + rep->users_kept);
  return Status::Ok();
}

Status CopyAudit(Store& from, Store& to, const CopyOptions& o, CopyReport* rep) {
  ChangeLogHead source;
  U5_RETURN_IF_ERROR(from.ChangeHead(&source));
  // Where the last run stopped: the newest marker naming this source.
  int64_t after = 0;
  AuditQuery last;
  last.record_id = source.db_id;
  last.newest_first = true;
  last.limit = 1;
  std::vector<audit::Entry> markers;
  U5_RETURN_IF_ERROR(to.ListAudit(last, &markers));
  if (!markers.empty()) {
    const json d = json::parse(markers.front().detail, nullptr, false);
    if (!d.is_object() || !d.contains("source_seq") || !d["source_seq"].is_number_integer())
      return Status::Internal("the copy marker at audit entry " + std::to_string(markers.front().seq) + " is unreadable");
    after = d["source_seq"].get<int64_t>();
  }
  for (;;) {
    AuditQuery q;
    q.after_seq = after;
    q.limit = o.batch;
    std::vector<audit::Entry> entries;
    U5_RETURN_IF_ERROR(from.ListAudit(q, &entries));
    if (entries.empty()) break;
    const audit::Entry& end = entries.back();
    audit::Entry marker = Actor(o, "copy_audit", "audit_source", source.db_id,
                                {{"source_seq", end.seq}, {"source_hash", end.hash}, {"entries", entries.size()},
                                 {"first_source_seq", entries.front().seq}});
    after = end.seq;
    const int64_t n = static_cast<int64_t>(entries.size());
    // Re-chained in the target: its store sets seq, prev_hash and hash.
    for (audit::Entry& e : entries) e.seq = 0, e.prev_hash.clear(), e.hash.clear();
    entries.push_back(std::move(marker));
    U5_RETURN_IF_ERROR(to.AppendAudit(std::move(entries)));
    rep->audit_copied += n;
    Progress(o, "audit entries", rep->audit_copied);
  }
  return Status::Ok();
}

Status CopyCare(Store& from, Store& to, const CopyOptions& o, CopyReport* rep) {
  std::vector<CareAck> src, have;
  U5_RETURN_IF_ERROR(from.care_acks().List(&src));
  U5_RETURN_IF_ERROR(to.care_acks().List(&have));
  std::set<std::string> known;
  for (const CareAck& a : have) known.insert(a.alert_id);
  for (const CareAck& a : src) {
    if (known.count(a.alert_id)) continue;
    U5_RETURN_IF_ERROR(to.care_acks().Put(a, Actor(o, "care_ack_copy", "person", a.person_id, {{"alert", a.alert_id}})));
    ++rep->care_acks;
  }
  std::vector<CarePersonStatus> statuses, have_statuses;
  U5_RETURN_IF_ERROR(from.care_acks().ListStatuses(&statuses));
  U5_RETURN_IF_ERROR(to.care_acks().ListStatuses(&have_statuses));
  std::set<std::string> set_aside;
  for (const CarePersonStatus& s : have_statuses) set_aside.insert(s.person_id);
  for (const CarePersonStatus& s : statuses) {
    if (set_aside.count(s.person_id)) continue;
    U5_RETURN_IF_ERROR(
        to.care_acks().PutStatus(s, Actor(o, "care_status_copy", "person", s.person_id, {{"status", s.status}})));
    ++rep->care_statuses;
  }
  Progress(o, "care acknowledgements", rep->care_acks + rep->care_statuses);
  return Status::Ok();
}

Status CopyEmergencies(Store& from, Store& to, const CopyOptions& o, CopyReport* rep) {
  std::vector<EmergencyRow> rows, fresh;
  U5_RETURN_IF_ERROR(from.emergencies().List(false, "", &rows));
  for (EmergencyRow& r : rows) {
    EmergencyRow cur;
    Status got = to.emergencies().Get(r.id, &cur);
    if (got.code() == Code::not_found) {
      fresh.push_back(std::move(r));
      continue;
    }
    U5_RETURN_IF_ERROR(got);
    if (cur.version >= r.version) continue;
    // No history is kept of a case: its latest state, updated until the versions meet.
    for (int64_t v = cur.version; v < r.version; ++v) {
      EmergencyRow next = r;
      U5_RETURN_IF_ERROR(to.emergencies().Update(next, v, Actor(o, "emergency_copy", "emergency", r.id, {{"version", v + 1}})));
    }
    ++rep->emergencies_replaced;
  }
  for (size_t i = 0; i < fresh.size(); i += static_cast<size_t>(o.batch)) {
    std::vector<EmergencyRow> part(fresh.begin() + static_cast<std::ptrdiff_t>(i),
                                   fresh.begin() + static_cast<std::ptrdiff_t>(std::min(fresh.size(), i + o.batch)));
    U5_RETURN_IF_ERROR(to.emergencies().InsertMany(part, Actor(o, "emergency_copy", "emergency", "", {{"cases", part.size()}})));
    rep->emergencies_added += static_cast<int64_t>(part.size());
  }
  Progress(o, "emergencies", rep->emergencies_added + rep->emergencies_replaced);
  return Status::Ok();
}

// The period codes of the reporting calendar (years, halves, quarters,
// months: report/due.h) from 2015 to next year, the periods a commune enters
// figures for and signs off. A store keeps no list of the periods it holds.
std::vector<std::string> CalendarPeriods() {
  std::vector<std::string> out;
  const int last = std::stoi(NowIso().substr(0, 4)) + 1;
  for (int y = 2015; y <= last; ++y) {
    const std::string year = std::to_string(y);
    out.push_back(year);
    for (const char* half : {"S1", "S2"}) out.push_back(year + half);
    for (int q = 1; q <= 4; ++q) out.push_back(year + "Q" + std::to_string(q));
    for (int m = 1; m <= 12; ++m) out.push_back(year + (m < 10 ? "-0" : "-") + std::to_string(m));
  }
  return out;
}

// Entered aggregate values by (element, org unit, period, source) and sign-off
// histories by (org unit, period), of the org units the commune's records and
// users name: a value or history the target lacks is written (a history's
// rows in order); one it has is kept, since the province may have acted on it.
Status CopyPeriods(Store& from, Store& to, const CopyOptions& o, CopyReport* rep, const std::set<std::string>& orgunits) {
  for (const std::string& period : CalendarPeriods()) {
    for (const std::string& unit : orgunits) {
      std::vector<AggregateValue> values, have;
      U5_RETURN_IF_ERROR(from.aggregates().List(unit, period, "", &values));
      if (!values.empty()) U5_RETURN_IF_ERROR(to.aggregates().List(unit, period, "", &have));
      for (const AggregateValue& v : values) {
        const bool there = std::any_of(have.begin(), have.end(), [&](const AggregateValue& h) {
          return h.element == v.element && h.source == v.source;
        });
        if (there) continue;
        audit::Entry e = Actor(o, "aggregate_copy", "aggregate", v.element, {{"period", period}, {"source", v.source}});
        e.orgunit_id = unit;
        U5_RETURN_IF_ERROR(to.aggregates().Put(v, e));
        ++rep->aggregates;
      }
      std::vector<SignoffRow> rows, target_rows;
      U5_RETURN_IF_ERROR(from.signoffs().History(unit, period, &rows));
      if (rows.empty()) continue;
      U5_RETURN_IF_ERROR(to.signoffs().History(unit, period, &target_rows));
      if (!target_rows.empty()) continue;
      int64_t last = 0;
      for (SignoffRow row : rows) {
        audit::Entry e = Actor(o, "signoff_copy", "signoff", unit + "/" + period, {{"action", row.action}});
        e.orgunit_id = unit;
        U5_RETURN_IF_ERROR(to.signoffs().Append(&row, last, e));
        last = row.seq;
        ++rep->signoffs;
      }
    }
  }
  Progress(o, "entered figures and sign-offs", rep->aggregates + rep->signoffs);
  return Status::Ok();
}

}  // namespace

Status CopyStore(Store& from, Store& to, const CopyOptions& options, CopyReport* report) {
  CopyOptions o = options;
  o.batch = std::max(1, o.batch);
  *report = {};
  // Users before records (nothing refers to them, but an operator watching the
  // progress sees who can sign in first); the audit trail last, so that its
  // marker never claims more than the rows written before it.
  std::set<std::string> orgunits;
  U5_RETURN_IF_ERROR(CopyUsers(from, to, o, report, &orgunits));
  U5_RETURN_IF_ERROR(CopyRecords(from, to, o, report, &orgunits));
  U5_RETURN_IF_ERROR(CopyCare(from, to, o, report));
  U5_RETURN_IF_ERROR(CopyEmergencies(from, to, o, report));
  U5_RETURN_IF_ERROR(CopyPeriods(from, to, o, report, orgunits));
  return CopyAudit(from, to, o, report);
}

}  // namespace u5::store
