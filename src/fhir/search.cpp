// FHIR search (docs/fhir.md "Interactions"): the parameters of each resource
// type become one store query over the caller's org unit (an indexed range:
// name search through the folded-name index, lists through the org unit,
// type and date index), and a page of its records becomes a searchset Bundle.
#include <algorithm>
#include <cctype>
#include <set>

#include "auth/scope.h"
#include "core/date.h"
#include "core/text.h"
#include "fhir/elements.h"
#include "fhir/mapper.h"
#include "fhir/server_util.h"
#include "fhir/write.h"
#include "http/api.h"
#include "store/orgunits.h"
#include "store/store.h"

namespace u5::fhir {
namespace {

using http::Call;
using http::Response;

constexpr int kDefaultCount = 50;
constexpr int kMaxCount = 1000;
// Name and citizen id searches read matches in the store's stages: their pages are bounded as the JSON API's.
constexpr int kMaxNameCount = 200;
constexpr int kMaxNameOffset = 1000;

std::vector<std::pair<std::string, std::string>> Params(const http::Request& req) {
  std::vector<std::pair<std::string, std::string>> out;
  if (req.raw_query.empty()) {
    for (const auto& kv : req.query) out.push_back(kv);
    return out;
  }
  std::string_view q = req.raw_query;
  while (!q.empty()) {
    const size_t amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    out.emplace_back(http::PercentDecode(part.substr(0, eq), true),
                     eq == std::string_view::npos ? "" : http::PercentDecode(part.substr(eq + 1), true));
  }
  return out;
}

std::string Encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~' || ch == ':' || ch == ',') {
      out.push_back(static_cast<char>(ch));
    } else {
      out.push_back('%');
      out.push_back(hex[ch >> 4]);
      out.push_back(hex[ch & 15]);
    }
  }
  return out;
}

// A date search value with its prefix narrows [from, to] (or sets the range
// left out, for ne). The value's precision is its range: 2025 is the year.
Status DateParam(const std::string& name, const std::string& raw, store::ListQuery* q) {
  std::string prefix = "eq", v = raw;
  if (v.size() > 2 && std::isalpha(static_cast<unsigned char>(v[0])) && std::isalpha(static_cast<unsigned char>(v[1]))) {
    prefix = v.substr(0, 2);
    v = v.substr(2);
  }
  if (v.size() > 10 && v[10] == 'T') v = v.substr(0, 10);  // a dateTime: registry dates are days
  std::optional<Date> lo, hi;
  if (v.size() == 4 && ParseDate(v + "-01-01")) {
    lo = ParseDate(v + "-01-01"), hi = ParseDate(v + "-12-31");
  } else if (v.size() == 7 && ParseDate(v + "-01")) {
    lo = ParseDate(v + "-01");
    hi = Date{AddMonths(*lo, 1).days - 1};
  } else if (v.size() == 10) {
    lo = hi = ParseDate(v);
  }
  if (!lo || !hi) return Status::Invalid(name, name + " must be a date YYYY, YYYY-MM or YYYY-MM-DD with an optional prefix");
  auto narrow_from = [&](Date d) {
    const std::string s = FormatDate(d);
    if (q->from.empty() || s > q->from) q->from = s;
  };
  auto narrow_to = [&](Date d) {
    const std::string s = FormatDate(d);
    if (q->to.empty() || s < q->to) q->to = s;
  };
  if (prefix == "eq") {
    narrow_from(*lo), narrow_to(*hi);
  } else if (prefix == "ne") {
    if (!q->not_from.empty()) return Status::Invalid(name, name + ": one ne value at most");
    q->not_from = FormatDate(*lo), q->not_to = FormatDate(*hi);
  } else if (prefix == "lt" || prefix == "eb") {
    narrow_to(Date{lo->days - 1});
  } else if (prefix == "le") {
    narrow_to(*hi);
  } else if (prefix == "gt" || prefix == "sa") {
    narrow_from(Date{hi->days + 1});
  } else if (prefix == "ge") {
    narrow_from(*lo);
  } else {
    return Status::Invalid(name, name + ": unknown prefix " + prefix + " (eq, ne, lt, le, gt, ge, sa, eb)");
  }
  return Status::Ok();
}

Status WholeParam(const std::string& name, const std::string& v, int lo, int hi, int* out) {
  if (v.empty() || v.size() > 7 || v.find_first_not_of("0123456789") != std::string::npos || std::stoi(v) < lo || std::stoi(v) > hi)
    return Status::Invalid(name, name + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  *out = std::stoi(v);
  return Status::Ok();
}

// Each record of the resource type's registry types gives exactly one resource of it (the Bundle's total is the records').
bool OnePerRecord(const std::string& type) {
  for (const Mapper& m : Mappers()) {
    const bool part = std::find(m.part_types.begin(), m.part_types.end(), type) != m.part_types.end();
    if (part || (m.primary_type != type && Produces(type, m.registry_type))) return false;
  }
  return true;
}

struct Spec {
  std::string id, identifier_system, identifier, name, patient;
  std::set<std::string> include;  // "patient": the Patients of the page's records
  int count = kDefaultCount, offset = 0;
  std::string total;  // _total: none, estimate, accurate; "" as the scope allows
  bool name_search = false;
};

}  // namespace

Response Search(Call& c, const std::shared_ptr<Places>& places) {
  const std::string& type = c.param(0);
  if (!Served(type)) return NotSupported(type);
  const bool patient_type = type == "Patient";
  store::ListQuery q;
  Spec spec;
  std::string orgunit;
  std::vector<std::pair<std::string, std::string>> kept;  // the parameters the links repeat
  for (const auto& [k, v] : Params(c.req)) {
    Status st;
    if (k != "_offset") kept.emplace_back(k, v);
    if (k == "_id") {
      spec.id = v;
    } else if (k == "identifier") {
      const size_t bar = v.find('|');
      if (bar == std::string::npos) st = Status::Invalid(k, "identifier must be <system>|<value>");
      else spec.identifier_system = v.substr(0, bar), spec.identifier = v.substr(bar + 1);
      if (st.ok() && spec.identifier_system != kRecordIdSystem && !(patient_type && spec.identifier_system == kCitizenIdSystem))
        st = Status::Invalid(k, "identifier: " + type + " is not searched by the system " + spec.identifier_system);
    } else if (k == "name" && patient_type) {
      if (!text::IsValidUtf8(v) || text::Fold(v).empty()) st = Status::Invalid(k, "name must be text");
      spec.name = text::Fold(v);
    } else if (k == "birthdate" && patient_type) {
      st = DateParam(k, v, &q);
    } else if (k == "date" && !patient_type) {
      st = DateParam(k, v, &q);
    } else if ((k == "patient" || k == "subject") && !patient_type) {
      spec.patient = v.rfind("Patient/", 0) == 0 ? v.substr(8) : v;
      if (spec.patient.empty()) st = Status::Invalid(k, k + " must be a Patient id");
    } else if (k == "organization") {
      orgunit = v;
    } else if (k == "_count") {
      st = WholeParam(k, v, 1, kMaxCount, &spec.count);
    } else if (k == "_offset") {
      st = WholeParam(k, v, 0, 1000000, &spec.offset);
    } else if (k == "_sort") {
      const bool desc = v.starts_with('-');
      const std::string key = desc ? v.substr(1) : v;
      const std::string date_key = patient_type ? "birthdate" : "date";
      if (key == date_key) q.sort = desc ? "-date" : "date";
      else if (key == "_lastUpdated") q.sort = desc ? "-updated" : "updated";
      else st = Status::Invalid(k, "_sort must be " + date_key + " or _lastUpdated (with - for descending)");
    } else if (k == "_total") {
      if (v != "none" && v != "estimate" && v != "accurate") st = Status::Invalid(k, "_total must be none, estimate or accurate");
      spec.total = v;
    } else if (k == "_include") {
      if (patient_type || (v != type + ":patient" && v != type + ":subject"))
        st = Status::Invalid(k, "_include: " + type + " includes " + (patient_type ? "nothing" : type + ":patient or " + type + ":subject"));
      spec.include.insert("patient");
    } else {
      st = Status::Invalid(k, "unknown search parameter " + k + " for " + type + " (GET /fhir/metadata)");
    }
    if (!st.ok()) return http::ErrorReply(st);
  }
  if (Status st = auth::ResolveOrgUnit(c.store, c.who, orgunit, &q.orgunit); !st.ok()) {
    if (st.code() == Code::forbidden) return http::Refused(c, Status::Forbidden(st.message(), "organization"), "", "", orgunit);
    return http::ErrorReply(Status::Invalid("organization", st.message()));
  }
  spec.name_search = !spec.name.empty() || spec.identifier_system == kCitizenIdSystem;
  if (spec.name_search && (!q.from.empty() || !q.to.empty() || !q.not_from.empty() || !q.sort.empty()))
    return http::ErrorReply(Status::Invalid("name", "name and identifier (citizen id) searches take no birthdate or _sort"));
  if (spec.name_search && (spec.count > kMaxNameCount || spec.offset > kMaxNameOffset))
    return http::ErrorReply(Status::Invalid("_count", "name searches give at most " + std::to_string(kMaxNameCount) +
                                                          " a page, from at most the " + std::to_string(kMaxNameOffset) + "th"));

  // The records of the page.
  std::vector<store::Record> records;
  std::optional<int64_t> total;
  std::string wanted_id;  // a resource id asked for (_id, identifier): only that resource
  if (!spec.id.empty() || spec.identifier_system == kRecordIdSystem) {
    wanted_id = spec.id.empty() ? spec.identifier : spec.id;
    if (!spec.id.empty() && !spec.identifier.empty() && spec.id != spec.identifier) wanted_id.clear();
    store::Record r;
    const auto rid = ParseId(wanted_id);
    if (rid && c.store.Find(rid->record_id, &r).ok() && !r.deleted_at && Produces(type, r.type) &&
        MaySee(c.store, c.who, r) && c.store.InSubtree(q.orgunit, r.orgunit_id) &&
        (spec.patient.empty() || r.person_id == spec.patient) && (q.from.empty() || r.date >= q.from) &&
        (q.to.empty() || r.date <= q.to) && spec.offset == 0)
      records.push_back(std::move(r));
  } else if (spec.name_search) {
    store::SearchQuery sq;
    sq.name_folded = spec.name;
    if (spec.identifier_system == kCitizenIdSystem) sq.citizen_id = spec.identifier;
    sq.orgunit = q.orgunit;
    sq.offset = spec.offset;
    sq.limit = spec.count;
    if (Status st = c.store.SearchPersons(sq, &records); !st.ok()) return http::ErrorReply(st);
  } else {
    for (const ResourceKind& k : Kinds())
      if (k.resource_type == type) q.types = k.registry_types;
    if (patient_type) q.type = "person", q.types.clear();
    q.person_id = spec.patient;
    q.limit = spec.count;
    q.offset = spec.offset;
    // Over a province or the country, sorting or counting every match costs
    // seconds: a page by id walks the ids instead, and the total is counted
    // only when asked (_total=accurate) or the search is one person's.
    store::OrgUnit ou;
    const bool large = c.store.orgunits().Get(q.orgunit, &ou).ok() && ou.kind != "commune" && ou.kind != "facility";
    q.walk_ids = large && spec.patient.empty() && q.from.empty() && q.to.empty() && q.not_from.empty();
    if (Status st = c.store.List(q, &records); !st.ok()) return http::ErrorReply(st);
    const bool count = spec.total == "accurate" || (spec.total.empty() && (!large || !spec.patient.empty()));
    if (count && OnePerRecord(type)) {
      int64_t n = 0;
      if (Status st = c.store.Count(q, &n); !st.ok()) return http::ErrorReply(st);
      total = n;
    }
  }
  if (!wanted_id.empty() || (spec.name_search && static_cast<int>(records.size()) < spec.count)) total = spec.offset + records.size();

  // The page's resources, then the Patients they name when asked, spliced as text.
  // A search for Patients shows no RelatedPerson: the mothers it would name are not read.
  struct WithoutMothers : StoreContext {
    using StoreContext::StoreContext;
    std::optional<store::Record> Person(const std::string&) override { return std::nullopt; }
  };
  std::unique_ptr<StoreContext> ctx_owner =
      type == "Patient" ? std::make_unique<WithoutMothers>(c.store, places) : std::make_unique<StoreContext>(c.store, places);
  StoreContext& ctx = *ctx_owner;
  const std::string base = BaseUrl(c);
  std::string entries;
  http::AuditNote note{.via = "fhir search", .record_type = patient_type ? "person" : "", .orgunit = q.orgunit};
  auto add = [&](const ResourceText& res, const char* mode) {
    entries += entries.empty() ? "{\"fullUrl\":\"" : ",{\"fullUrl\":\"";
    entries += base + "/" + res.type + "/" + res.id;  // ids and types need no escaping (ParseId, Kinds)
    entries += "\",\"resource\":" + res.text + ",\"search\":{\"mode\":\"" + mode + "\"}}";
  };
  std::vector<std::string> persons;
  std::vector<ResourceText> group;
  for (const store::Record& r : records) {
    if (Status st = ToFhirText(r, ctx, &group); !st.ok()) return http::ErrorReply(st);
    bool shown = false;
    for (const ResourceText& res : group) {
      if (res.type != type || (!wanted_id.empty() && res.id != wanted_id)) continue;
      add(res, "match");
      shown = true;
    }
    if (!shown) continue;
    note.records.push_back(r.id);
    if (!r.is_person() && spec.include.count("patient") &&
        std::find(persons.begin(), persons.end(), r.person_id) == persons.end())
      persons.push_back(r.person_id);
  }
  for (const std::string& pid : persons) {
    store::Record p;
    if (!c.store.Get("person", pid, &p).ok() || p.deleted_at || !MaySee(c.store, c.who, p)) continue;
    if (Status st = ToFhirText(p, ctx, &group); !st.ok()) return http::ErrorReply(st);
    if (group.empty()) continue;
    add(group.front(), "include");
    note.records.push_back(p.id);
  }

  std::string query;
  for (const auto& [k, v] : kept) query += (query.empty() ? "" : "&") + Encode(k) + "=" + Encode(v);
  auto link = [&](const char* rel, int offset) {
    std::string url = base + "/" + type + "?" + query + (query.empty() ? "" : "&") + "_offset=" + std::to_string(offset);
    return json{{"relation", rel}, {"url", std::move(url)}};
  };
  json links = json::array({link("self", spec.offset)});
  const bool more = wanted_id.empty() && static_cast<int>(records.size()) == spec.count &&
                    (!spec.name_search || spec.offset + spec.count <= kMaxNameOffset);
  if (more) links.push_back(link("next", spec.offset + spec.count));
  if (spec.offset > 0) links.push_back(link("previous", std::max(0, spec.offset - spec.count)));
  json bundle = {{"resourceType", "Bundle"}, {"type", "searchset"}, {"link", std::move(links)}};
  if (total) bundle["total"] = *total;
  Response r;
  r.body = bundle.dump(-1, ' ', false, json::error_handler_t::replace);
  r.body.pop_back();  // the closing brace: the entries follow
  if (!entries.empty()) r.body += ",\"entry\":[" + entries + "]";
  r.body += "}";
  r.content_type = "application/fhir+json";
  r.audit = std::move(note);
  return r;
}

}  // namespace u5::fhir
