// GET /fhir/metadata: the CapabilityStatement built from the routes served
// and the resource types the mappers produce, so that it cannot claim an
// interaction or a type the server does not answer.
#include <algorithm>

#include "core/date.h"
#include "fhir/mapping.h"
#include "fhir/server.h"
#include "store/schema.h"

namespace u5::fhir {
namespace {

// The search parameters search.cpp reads, by resource type.
json SearchParams(const std::string& type) {
  auto p = [](const char* name, const char* kind, const char* doc) {
    return json{{"name", name}, {"type", kind}, {"documentation", doc}};
  };
  json out = json::array({p("_id", "token", "the resource id"),
                          p("identifier", "token", "system|value: the under5 record id, and for Patient the citizen id (CCCD)"),
                          p("organization", "reference", "the org unit (https://under5.vn/fhir/sid/orgunit) whose records are searched; default: the user's"),
                          p("_count", "number", "page size, 1-1000 (default 50)"),
                          p("_offset", "number", "the page's first record (the paging links set it)"),
                          p("_total", "token", "accurate: count every match; by default counted within a commune or for one person"),
                          p("_sort", "special", type == "Patient" ? "birthdate, _lastUpdated, with - for descending"
                                                                  : "date, _lastUpdated, with - for descending")});
  if (type == "Patient") {
    out.push_back(p("name", "string", "accent-insensitive: the start of the full name, or the given name first"));
    out.push_back(p("birthdate", "date", "with prefixes eq, ne, lt, le, gt, ge, sa, eb; repeatable"));
  } else {
    out.push_back(p("patient", "reference", "Patient/<id>: the person's records"));
    out.push_back(p("subject", "reference", "the same as patient"));
    out.push_back(p("date", "date", "the record's date, with prefixes eq, ne, lt, le, gt, ge, sa, eb; repeatable"));
  }
  return out;
}

}  // namespace

json Capability(const http::Routes& served) {
  // The interactions the routes answer, from their method and pattern.
  std::vector<std::pair<std::string, std::string>> fhir;  // method, pattern after /fhir
  for (const http::Route& r : served)
    if (r.pattern == "/fhir" || r.pattern.rfind("/fhir/", 0) == 0) fhir.emplace_back(r.method, r.pattern.substr(5));
  auto has = [&](const char* method, const std::string& pattern) {
    return std::find(fhir.begin(), fhir.end(), std::make_pair(std::string(method), pattern)) != fhir.end();
  };
  json resources = json::array();
  for (const ResourceKind& k : Kinds()) {
    const std::string& t = k.resource_type;
    auto on = [&](const char* method, const std::string& generic) {
      std::string specific = generic;
      if (const size_t at = specific.find("{type}"); at != std::string::npos) specific.replace(at, 6, t);
      return has(method, generic) || has(method, specific);
    };
    json interactions = json::array();
    auto add = [&](const char* code, bool on_route) {
      if (on_route) interactions.push_back({{"code", code}});
    };
    add("read", on("GET", "/{type}/{id}"));
    add("vread", on("GET", "/{type}/{id}/_history/{vid}"));
    add("update", on("PUT", "/{type}/{id}"));
    add("delete", on("DELETE", "/{type}/{id}"));
    add("history-instance", on("GET", "/{type}/{id}/_history"));
    add("create", on("POST", "/{type}"));
    add("search-type", on("GET", "/{type}"));
    if (interactions.empty()) continue;  // no route answers this type
    json res = {{"type", t}, {"interaction", interactions}, {"versioning", "versioned"}, {"readHistory", true},
                {"updateCreate", on("PUT", "/{type}/{id}")}, {"conditionalCreate", on("POST", "/{type}")},
                {"conditionalUpdate", false}, {"conditionalDelete", "not-supported"}};
    if (on("GET", "/{type}")) {
      res["searchParam"] = SearchParams(t);
      if (t != "Patient") res["searchInclude"] = json::array({t + ":patient", t + ":subject"});
    }
    if (t == "Patient" && has("GET", "/Patient/{id}/$everything"))
      res["operation"] = json::array({{{"name", "everything"},
                                       {"definition", "http://hl7.org/fhir/OperationDefinition/Patient-everything"}}});
    resources.push_back(std::move(res));
  }
  json rest = {{"mode", "server"},
               {"security", {{"cors", false},
                             {"description", "Sessions of the JSON API (POST /api/v1/auth/login): Authorization: Bearer <token> "
                                             "or the session cookie; the same roles, scope and audit (docs/security.md)"}}}};
  if (!resources.empty()) rest["resource"] = std::move(resources);
  json interactions = json::array();
  if (has("POST", "")) {
    interactions.push_back({{"code", "transaction"}});
    interactions.push_back({{"code", "batch"}});
  }
  if (!interactions.empty()) rest["interaction"] = interactions;
  if (has("GET", "/$export"))
    rest["operation"] = json::array({{{"name", "export"}, {"definition", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"}}});
  return {{"resourceType", "CapabilityStatement"},
          {"status", "active"},
          {"date", FormatDate(Today())},  // when the statement was built: at the server's start
          {"publisher", "under5"},
          {"kind", "instance"},
          {"software", {{"name", "under5"}, {"version", "schema " + std::to_string(store::LatestSchemaVersion())}}},
          {"implementation", {{"description", "under5: the registry of Vietnam's mothers and children under five"}}},
          {"fhirVersion", "4.0.1"},
          {"format", json::array({"application/fhir+json", "json"})},
          {"rest", json::array({rest})}};
}

http::Route CapabilityRoute(const http::Routes& served) {
  // Built once: the route list does not change while serving.
  auto body = std::make_shared<const std::string>(Capability(served).dump());
  http::Route r{"GET", "/fhir/metadata", "", http::Audit::none, [body](http::Call&) {
                  http::Response resp;
                  resp.body = *body;
                  resp.content_type = "application/fhir+json";
                  return resp;
                }};
  r.is_public = true;
  return r;
}

}  // namespace u5::fhir
