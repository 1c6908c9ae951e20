#include "store/record_rows.h"

#include <algorithm>
#include <mutex>

#include <nlohmann/json.hpp>

namespace u5::store {

void DescribeRecordWrite(audit::Entry* e, const Record* before, const Record& after) {
  e->record_type = after.type;
  e->record_id = after.id;
  e->orgunit_id = after.orgunit_id;
  nlohmann::json detail = {{"version", after.version}};
  const nlohmann::json now = nlohmann::json::parse(after.body, nullptr, false);
  if (!before) {
    nlohmann::json fields = nlohmann::json::array();
    if (now.is_object())
      for (auto it = now.begin(); it != now.end(); ++it) fields.push_back(it.key());
    detail["fields"] = fields;
  } else {
    const nlohmann::json old = nlohmann::json::parse(before->body, nullptr, false);
    nlohmann::json changed = nlohmann::json::object();
    if (old.is_object() && now.is_object()) {
      for (auto it = now.begin(); it != now.end(); ++it)
        if (!old.contains(it.key()) || old[it.key()] != it.value()) changed[it.key()] = {old.value(it.key(), nlohmann::json()), it.value()};
      for (auto it = old.begin(); it != old.end(); ++it)
        if (!now.contains(it.key())) changed[it.key()] = {it.value(), nullptr};
    }
    if (!changed.empty()) detail["changed"] = changed;
    if (after.deleted_at && !before->deleted_at) detail["delete_reason"] = after.delete_reason.value_or("");
  }
  e->detail = detail.dump();
}

Status DuplicateId(const std::string& id) { return Status::Conflict("a record with id " + id + " already exists", "id"); }

Status VersionMismatch(int64_t stored, int64_t expected) {
  return Status::Conflict("version is " + std::to_string(stored) + ", not " + std::to_string(expected), "version");
}

Status CheckReplaceable(const Record& cur, int64_t expected, bool deleting) {
  if (cur.deleted_at)
    return Status::NotFound(cur.type + " " + cur.id + (deleting ? " is already deleted" : " is deleted"), "id");
  if (cur.version != expected) return VersionMismatch(cur.version, expected);
  return Status::Ok();
}

Status CheckChainEntry(const audit::Entry& e, int64_t expected_seq, const std::string& prev_hash) {
  const std::string where = "audit entry " + std::to_string(e.seq);
  if (e.seq != expected_seq)
    return Status::Invalid("seq", "audit entry " + std::to_string(expected_seq) + " is missing (deleted); the next entry is " + std::to_string(e.seq));
  if (e.prev_hash != prev_hash)
    return Status::Invalid("prev_hash", where + " does not follow entry " + std::to_string(e.seq - 1) + " (an entry was removed or replaced)");
  if (audit::ComputeHash(e) != e.hash) return Status::Invalid("hash", where + " was altered: its hash does not match its content");
  return Status::Ok();
}

void WriteHooks::Subscribe(ChangeListener l) {
  std::unique_lock lock(mu_);
  listeners_.push_back(std::move(l));
}

void WriteHooks::AddGuard(WriteGuard g) {
  std::unique_lock lock(mu_);
  guards_.push_back(std::move(g));
}

Status WriteHooks::Check(const Record& r) {
  std::shared_lock lock(mu_);
  for (const WriteGuard& g : guards_) U5_RETURN_IF_ERROR(g(r));
  return Status::Ok();
}

bool WriteHooks::HasListeners() {
  std::shared_lock lock(mu_);
  return !listeners_.empty();
}

void WriteHooks::Notify(std::optional<Record> before, const Record& after) {
  std::shared_lock lock(mu_);
  if (listeners_.empty()) return;
  Change c{std::move(before), after};
  for (const auto& l : listeners_) l(c);
}

namespace {
std::string Arg(const SqlDialect& d, std::vector<std::string>* args, const std::string& v) {
  args->push_back(v);
  return d.placeholder + std::to_string(args->size());
}
}  // namespace

std::string ListWhereSql(const SqlDialect& d, const ListQuery& q, std::vector<std::string>* args) {
  const bool person = q.type == "person";
  std::string where = person ? " FROM person WHERE 1=1" : " FROM event WHERE 1=1";
  auto arg = [&](const std::string& v) { return Arg(d, args, v); };
  if (!person && !q.type.empty()) where += " AND type=" + arg(q.type);
  if (!person && q.type.empty() && !q.types.empty()) {
    where += " AND type IN (";
    for (size_t i = 0; i < q.types.size(); ++i) where += (i ? "," : "") + arg(q.types[i]);
    where += ")";
  }
  // The unary + keeps SQLite's planner off the org unit index, so that walk_ids reads the id order.
  const std::string ou_col = d.unary_plus_hint && q.walk_ids && q.sort.empty() ? "+orgunit_id" : "orgunit_id";
  if (!q.orgunit.empty()) where += " AND " + ou_col + " IN (SELECT descendant FROM orgunit_closure WHERE ancestor=" + arg(q.orgunit) + ")";
  const std::string date_col = person ? "birth_date" : "event_date";
  if (!q.from.empty()) where += " AND " + date_col + ">=" + arg(q.from);
  if (!q.to.empty()) where += " AND " + date_col + "<=" + arg(q.to);
  if (!q.not_from.empty() && !q.not_to.empty())
    where += " AND " + date_col + " NOT BETWEEN " + arg(q.not_from) + " AND " + arg(q.not_to);
  if (!person && !q.person_id.empty()) where += " AND person_id=" + arg(q.person_id);
  if (!q.after.empty()) where += " AND id>" + arg(q.after);
  if (!q.include_deleted) where += " AND deleted_at IS NULL";
  return where;
}

Status ListSql(const SqlDialect& d, const ListQuery& q, std::string* sql, std::vector<std::string>* args) {
  const bool person = q.type == "person";
  *sql = std::string("SELECT ") + (person ? kPersonCols : kEventCols) + ListWhereSql(d, q, args);
  const std::string date_col = person ? "birth_date" : "event_date";
  if (q.sort == "date" || q.sort == "-date" || q.sort == "updated" || q.sort == "-updated") {
    const bool desc = q.sort.front() == '-';
    *sql += " ORDER BY " + (q.sort.find("date") != std::string::npos ? date_col : std::string("updated_at")) +
            (desc ? " DESC, id DESC" : ", id");
  } else if (!q.sort.empty()) {
    return Status::Invalid("_sort", "unknown order " + q.sort);
  } else {
    *sql += " ORDER BY id";
  }
  *sql += " LIMIT " + std::to_string(std::clamp(q.limit, 1, 1000)) + " OFFSET " + std::to_string(std::max(q.offset, 0));
  return Status::Ok();
}

// Name search in up to three stages, each adding matches until the limit:
//  1. names that start with the typed text ("nguyen thi m");
//  2. names whose given name starts with the last typed word, the other words
//     starting the rest of the name ("mai", "nguyen mai", "nguyen thi m");
//  3. the same with the first typed word as the given name ("mai nguyen").
// Each is a B-tree range (per org unit when scoped), fast however common the name.
Status SearchStagesSql(const SqlDialect& d, const SearchQuery& q, int limit, const std::vector<Record>& out,
                       const SearchRun& run_sql, const NextGiven& next_given) {
  std::vector<std::string> words;
  for (size_t i = 0; i < q.name_folded.size();) {
    size_t j = q.name_folded.find(' ', i);
    if (j == std::string::npos) j = q.name_folded.size();
    if (j > i) words.push_back(q.name_folded.substr(i, j - i));
    i = j + 1;
  }
  auto run = [&](const std::string& from_where, const std::vector<std::string>& args) -> Status {
    std::string sql = "SELECT p.id, p.version, p.created_at, p.updated_at, p.deleted_at, p.delete_reason, p.orgunit_id, "
                      "p.full_name, p.name_folded, p.sex, p.birth_date, p.phone, p.citizen_id, p.mother_id, p.body " +
                      from_where + " AND p.deleted_at IS NULL";
    std::vector<std::string> all = args;
    auto arg = [&](const std::string& v) { return Arg(d, &all, v); };
    if (!q.phone.empty()) sql += " AND p.phone=" + arg(q.phone);
    if (!q.citizen_id.empty()) sql += " AND p.citizen_id=" + arg(q.citizen_id);
    if (!q.orgunit.empty())
      sql += " AND p.orgunit_id IN (SELECT descendant FROM orgunit_closure WHERE ancestor=" + arg(q.orgunit) + ")";
    // Earlier stages' matches come again here and are skipped, hence the margin.
    sql += " LIMIT " + std::to_string(2 * limit);
    return run_sql(sql, all);
  };
  const std::string p1 = std::string(1, d.placeholder) + "1", p2 = std::string(1, d.placeholder) + "2";
  const std::string range = "FROM person p WHERE p.name_rev >= " + p1 + " AND p.name_rev < " + p2;
  if (words.empty()) return run("FROM person p WHERE 1=1", {});

  std::string typed;
  for (const auto& w : words) typed += (typed.empty() ? "" : " ") + w;
  U5_RETURN_IF_ERROR(run("FROM person p WHERE p.name_folded >= " + p1 + " AND p.name_folded < " + p2, {typed, typed + d.range_end}));
  if (static_cast<int>(out.size()) >= limit) return Status::Ok();

  // Given name first: words[given] is a prefix of the given name, the other words in
  // their order are a prefix of the rest of the name ("nguyen mai" -> given "mai*",
  // rest "nguyen*"). name_rev is "<given> <family> <middle>", so each distinct given
  // name matching the prefix is one B-tree range: a skip-scan over distinct given names.
  auto given_first = [&](size_t given) -> Status {
    std::string rest;
    for (size_t i = 0; i < words.size(); ++i)
      if (i != given) rest += (rest.empty() ? "" : " ") + words[i];
    const std::string hi = words[given] + d.range_end;
    if (rest.empty()) return run(range, {words[given], hi});
    std::string cursor = words[given];
    for (int distinct = 0; distinct < 500 && static_cast<int>(out.size()) < limit; ++distinct) {
      std::optional<std::string> name_rev;
      U5_RETURN_IF_ERROR(next_given(cursor, hi, &name_rev));
      if (!name_rev) break;
      const std::string g = name_rev->substr(0, name_rev->find(' '));
      const std::string lo = g + " " + rest;
      U5_RETURN_IF_ERROR(run(range, {lo, lo + d.range_end}));
      cursor = g + " " + d.range_end;  // past every name with this given name
    }
    return Status::Ok();
  };
  U5_RETURN_IF_ERROR(given_first(words.size() - 1));
  if (static_cast<int>(out.size()) >= limit || words.size() < 2) return Status::Ok();
  return given_first(0);
}

}  // namespace u5::store
