#include "sync/sync_fixture.h"

#include <algorithm>

#include "http/records.h"
#include "registry/schema.h"

namespace u5::test {

using nlohmann::json;

std::vector<json> Records(const json& page) {
  const json& groups = page.at("records");
  std::vector<json> out;
  if (!groups.is_array()) return out;
  // Every id first: a reference may name a record of a later group or row.
  std::vector<json> ids;
  for (const json& g : groups) {
    const json& cols = g.at("columns");
    const auto id = std::find(cols.begin(), cols.end(), "id");
    for (const json& v : g.at("values").at(id - cols.begin())) ids.push_back(v);
  }
  for (const json& g : groups) {
    const json& cols = g.at("columns");
    const json& vals = g.at("values");
    const json refs = g.value("refs", json::array());
    const size_t at = out.size(), rows = vals.empty() ? 0 : vals[0].size();
    for (size_t i = 0; i < rows; ++i) out.push_back(json{{"type", g.at("type")}});
    for (size_t c = 0; c < cols.size(); ++c) {
      const bool ref = std::find(refs.begin(), refs.end(), cols[c]) != refs.end();
      for (size_t i = 0; i < rows; ++i) {
        const json& v = vals[c][i];
        if (v.is_null()) continue;
        out[at + i][cols[c].get<std::string>()] = ref && v.is_number_integer() ? ids.at(v.get<size_t>()) : v;
      }
    }
  }
  return out;
}

void LocalCopy::Apply(const json& page) {
  if (page.value("reset", false)) {
    records.clear();
    due.clear();
  }
  for (const json& r : Records(page)) {
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
  // A person moved out of the scope leaves with their events and due list.
  for (const json& id : page["out_of_scope"]) {
    records.erase(id.get<std::string>());
    due.erase(id.get<std::string>());
    for (auto it = records.begin(); it != records.end();)
      it = it->second.value("person_id", "") == id ? records.erase(it) : std::next(it);
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

// A record as the feed gives it: as GET answers it, less the two timestamps.
json AsFed(const store::Record& r) {
  json j = http::RecordJson(r);
  j.erase("created_at");
  j.erase("updated_at");
  return j;
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
    out[p.id] = AsFed(person);
    for (const store::Record& e : events)
      if (registry::ReadPermission(e.type).empty()) out[e.id] = AsFed(e);
  }
  return out;
}

}  // namespace u5::test
