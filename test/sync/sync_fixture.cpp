#include "sync/sync_fixture.h"

#include "http/records.h"
#include "registry/schema.h"

namespace u5::test {

using nlohmann::json;

void LocalCopy::Apply(const json& page) {
  if (page.value("reset", false)) {
    records.clear();
    due.clear();
  }
  for (const json& r : page["records"]) {
    const std::string id = r["id"];
    if (r.contains("deleted_at")) {
      records.erase(id);
      due.erase(id);
      if (r["type"] == "person")
        for (auto it = records.begin(); it != records.end();)
          it = it->second.value("person_id", "") == id ? records.erase(it) : std::next(it);
    } else {
      records[id] = r;
    }
  }
  for (const json& d : page["due"]) due[d["person_id"]] = d;
  cursor = page["cursor"];
}

json SyncFixture::Page(const std::string& token, const std::string& cursor, int limit, int* status, const std::string& orgunit) {
  std::map<std::string, std::string> q = {{"limit", std::to_string(limit)}};
  if (!cursor.empty()) q["cursor"] = cursor;
  if (!orgunit.empty()) q["orgunit"] = orgunit;
  http::Response r = Call("GET", "/api/v1/sync/changes", token, "", q);
  *status = r.status;
  return json::parse(r.body, nullptr, false);
}

int SyncFixture::SyncAll(const std::string& token, LocalCopy* copy, int limit) {
  for (int pages = 1;; ++pages) {
    int status = 0;
    json page = Page(token, copy->cursor, limit, &status);
    EXPECT_EQ(status, 200) << page.dump();
    if (status != 200) return pages;
    copy->Apply(page);
    if (!page["more"].get<bool>()) return pages;
  }
}

json SyncFixture::Push(const std::string& token, const json& writes, int* status, const std::string& client) {
  http::Response r = Call("POST", "/api/v1/sync/push", token, json{{"client_id", client}, {"writes", writes}}.dump());
  *status = r.status;
  json b = json::parse(r.body, nullptr, false);
  return r.status == 200 ? b["results"] : b;
}

std::map<std::string, json> SyncFixture::ServerScope(const std::string& orgunit) {
  std::map<std::string, json> out;
  store::ListQuery q;
  q.type = "person";
  q.orgunit = orgunit;
  q.limit = 1000000;
  std::vector<store::Record> persons;
  EXPECT_TRUE(s->List(q, &persons).ok());
  for (const store::Record& p : persons) {
    store::Record person;
    std::vector<store::Record> events;
    if (!s->Handbook(p.id, &person, &events).ok()) continue;  // deleted
    out[p.id] = http::RecordJson(person);
    for (const store::Record& e : events)
      if (registry::ReadPermission(e.type).empty()) out[e.id] = http::RecordJson(e);
  }
  return out;
}

}  // namespace u5::test
