#include "sync/layout.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace u5::sync {

using nlohmann::json;

namespace {

// Fields no client of the feed reads (the web app keeps them out of forms and
// timelines); two unique timestamps a record were a fifth of a page's bytes.
bool Left(const std::string& key) { return key == "type" || key == "created_at" || key == "updated_at"; }

}  // namespace

void AppendGroups(const std::vector<json>& records, std::string& out) {
  // Groups in the order their type first appears (persons first: each comes before its events).
  std::vector<std::string> order;
  std::unordered_map<std::string, std::vector<const json*>> groups;
  for (const json& r : records) {
    const std::string type = r.value("type", "");
    auto [it, added] = groups.try_emplace(type);
    if (added) order.push_back(type);
    it->second.push_back(&r);
  }
  std::unordered_map<std::string, int64_t> ordinal;
  int64_t n = 0;
  for (const std::string& t : order)
    for (const json* r : groups[t]) ordinal.emplace(r->value("id", ""), n++);

  json list = json::array();
  for (const std::string& t : order) {
    const std::vector<const json*>& rs = groups[t];
    // Columns by how many rows hold them, then by name: stable for a client that caches them.
    std::map<std::string, size_t> count;
    std::map<std::string, bool> strings, linked;
    for (const json* r : rs)
      for (auto it = r->begin(); it != r->end(); ++it) {
        if (Left(it.key()) || it->is_null()) continue;
        ++count[it.key()];
        auto [s, fresh] = strings.try_emplace(it.key(), true);
        s->second = s->second && it->is_string();
        if (it.key() != "id" && it->is_string() && ordinal.count(it->get_ref<const std::string&>())) linked[it.key()] = true;
      }
    std::vector<std::string> columns;
    for (const auto& [k, c] : count) columns.push_back(k);
    std::stable_sort(columns.begin(), columns.end(), [&](const std::string& a, const std::string& b) { return count[a] > count[b]; });
    // A column is a reference column only when all its values are strings: a number there is then an ordinal, never a value.
    json refs = json::array();
    for (const std::string& k : columns)
      if (linked[k] && strings[k]) refs.push_back(k);
    json values = json::array();
    for (const std::string& k : columns) {
      const bool ref = linked[k] && strings[k];
      json col = json::array();
      for (const json* r : rs) {
        auto it = r->find(k);
        if (it == r->end()) {
          col.push_back(nullptr);
          continue;
        }
        auto o = ref ? ordinal.find(it->get_ref<const std::string&>()) : ordinal.end();
        if (o != ordinal.end()) col.push_back(o->second);
        else col.push_back(*it);
      }
      values.push_back(std::move(col));
    }
    json g = {{"type", t}, {"columns", std::move(columns)}, {"values", std::move(values)}};
    if (!refs.empty()) g["refs"] = std::move(refs);
    list.push_back(std::move(g));
  }
  out += list.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace u5::sync
