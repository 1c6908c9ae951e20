#include "federation/push.h"

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "core/date.h"
#include "federation/adx.h"
#include "federation/client.h"
#include "indicator/period.h"
#include "report/render.h"
#include "report/template.h"

namespace u5::federation {

bool Pushed(const indicator::Indicator& ind) {
  return ind.computable && !ind.den_aggregate && ind.den_scale_element.empty() && !ind.annual_only;
}

Status ComputeMonth(indicator::Service& svc, store::Store& store, const std::string& province, const std::string& month,
                    store::NationalPart* out) {
  *out = {province, month, {}};
  indicator::Period p;
  U5_RETURN_IF_ERROR(indicator::ParsePeriod(month, &p));
  if (p.kind != indicator::PeriodKind::month) return Status::Invalid("period", "a push is by month (YYYY-MM), not " + month);
  std::vector<store::OrgUnit> units;
  U5_RETURN_IF_ERROR(store.orgunits().Children(province, &units));
  U5_RETURN_IF_ERROR(svc.Refresh());
  for (const store::OrgUnit& u : units) {
    if (u.kind != "commune") continue;
    for (const indicator::Indicator& ind : svc.catalogue().indicators()) {
      if (!Pushed(ind)) continue;
      indicator::IndicatorValue v;
      U5_RETURN_IF_ERROR(svc.Value(ind.id, u.id, p, &v));
      out->values.push_back({u.id, ind.id, v.num, v.den, v.value && v.den > 0 ? FormatValue(*v.value) : ""});
    }
  }
  return Status::Ok();
}

std::vector<std::string> AdxDocuments(const store::NationalPart& part, size_t max_bytes, const std::string& exported_at) {
  report::Template t;
  t.dataset_code = kDataSet;
  report::Report r;
  r.tmpl = &t;
  indicator::ParsePeriod(part.period, &r.period);
  std::vector<std::string> docs;
  size_t bytes = 0;
  auto flush = [&] {
    if (r.values.empty()) return;
    docs.push_back(report::ToAdx(r, exported_at));
    r.values.clear();
    bytes = 0;
  };
  // About 80 bytes a data value: a commune starts a new document when it would pass the limit.
  for (size_t i = 0; i < part.values.size();) {
    size_t j = i;
    while (j < part.values.size() && part.values[j].orgunit == part.values[i].orgunit) ++j;
    const size_t commune_bytes = (j - i) * 3 * 80;
    if (bytes > 0 && bytes + commune_bytes > max_bytes) flush();
    for (size_t k = i; k < j; ++k) {
      const store::NationalValue& v = part.values[k];
      report::DataValue dv{v.indicator, v.orgunit, v.num, v.den, std::nullopt};
      if (!v.value.empty()) dv.value = std::stod(v.value);
      r.values.push_back(std::move(dv));
    }
    bytes += commune_bytes;
    i = j;
  }
  flush();
  return docs;
}

namespace {

Status ReplyError(const std::string& what, const HttpReply& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  std::string msg = j.is_object() && j.contains("message") ? j["message"].get<std::string>() : r.body.substr(0, 300);
  if (j.is_object() && j.contains("field")) msg += " (field " + j["field"].get<std::string>() + ")";
  return Status::Internal(what + ": HTTP " + std::to_string(r.status) + ": " + msg);
}

std::vector<std::string> Months(const std::string& from, const std::string& to) {
  std::vector<std::string> out;
  int y = std::stoi(from.substr(0, 4)), m = std::stoi(from.substr(5, 2));
  const int ty = std::stoi(to.substr(0, 4)), tm = std::stoi(to.substr(5, 2));
  while (y < ty || (y == ty && m <= tm)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    out.push_back(buf);
    if (++m == 13) m = 1, ++y;
  }
  return out;
}

}  // namespace

Status Push(indicator::Service& svc, store::Store& store, const PushOptions& o, std::ostream& progress, PushTotals* totals) {
  *totals = {};
  for (const auto& [flag, month] : {std::pair{"--from", &o.from}, {"--to-period", &o.to}}) {
    indicator::Period p;
    if (!indicator::ParsePeriod(*month, &p).ok() || p.kind != indicator::PeriodKind::month)
      return Status::Invalid(flag, std::string(flag) + " must be a month YYYY-MM, not '" + *month + "'");
  }
  if (o.to < o.from) return Status::Invalid("--to-period", "--to-period is before --from");
  std::ifstream cf(o.credential_file);
  if (!cf) return Status::Invalid("--credential-file", "cannot read " + o.credential_file);
  std::stringstream ss;
  ss << cf.rdbuf();
  auto cred = nlohmann::json::parse(ss.str(), nullptr, false);
  if (!cred.is_object() || !cred.contains("username") || !cred.contains("password") || !cred["username"].is_string() ||
      !cred["password"].is_string())
    return Status::Invalid("--credential-file", o.credential_file + " must hold {\"username\": ..., \"password\": ...}");
  Client client;
  U5_RETURN_IF_ERROR(Client::Make(o.url, &client));
  HttpReply r;
  U5_RETURN_IF_ERROR(client.Request("POST", "/api/v1/auth/login",
                                    nlohmann::json{{"username", cred["username"]}, {"password", cred["password"]}}.dump(), &r));
  if (r.status != 200) return ReplyError("sign-in at the national instance", r);
  client.set_token(nlohmann::json::parse(r.body, nullptr, false).value("token", ""));

  // What the national side holds already: months equal to ours are not sent again.
  U5_RETURN_IF_ERROR(client.Request("GET", "/api/v1/national/holdings?from=" + o.from + "&to=" + o.to, "", &r));
  if (r.status != 200) return ReplyError("holdings", r);
  const auto held = nlohmann::json::parse(r.body, nullptr, false);
  const std::string province = held.value("province", "");
  std::map<std::string, std::string> fingerprint;
  for (const auto& m : held.value("months", nlohmann::json::array())) fingerprint[m["period"]] = m["fingerprint"];
  // Each line flushed as it is written: an operator (or a log) follows a long push month by month.
  // Every database holds the whole country's org units: a push of a province it
  // has no records of would send zeros over that province's real figures.
  store::ListQuery mine;
  mine.type = "person";
  mine.orgunit = province;
  int64_t persons = 0;
  U5_RETURN_IF_ERROR(store.Count(mine, &persons));
  if (persons == 0)
    return Status::Invalid("--credential-file", "the account pushes province '" + province +
                                                    "', of which this database holds no records");
  progress << "push: province " << province << " to " << o.url << ", " << o.from << " to " << o.to << std::endl;

  for (const std::string& month : Months(o.from, o.to)) {
    store::NationalPart part;
    U5_RETURN_IF_ERROR(ComputeMonth(svc, store, province, month, &part));
    const std::string mine = store::NationalFingerprint(part.values);
    if (fingerprint[month] == mine) {
      ++totals->months_unchanged;
      totals->unchanged += static_cast<int64_t>(part.values.size());
      progress << "  " << month << ": unchanged (" << part.values.size() << " values held)" << std::endl;
      continue;
    }
    const std::vector<std::string> docs = AdxDocuments(part, o.part_bytes, NowIso());
    int64_t accepted = 0, replaced = 0, unchanged = 0;
    std::string theirs;
    for (size_t i = 0; i < docs.size(); ++i) {
      U5_RETURN_IF_ERROR(client.Request("POST", "/api/v1/national/adx", nlohmann::json{{"adx", docs[i]}}.dump(), &r));
      if (r.status != 200) return ReplyError(month + " part " + std::to_string(i + 1) + "/" + std::to_string(docs.size()), r);
      const auto a = nlohmann::json::parse(r.body, nullptr, false);
      accepted += a.value("accepted", int64_t{0});
      replaced += a.value("replaced", int64_t{0});
      unchanged += a.value("unchanged", int64_t{0});
      theirs = a.value("fingerprint", "");
      ++totals->parts;
    }
    // The national side must now hold exactly this month: a commune it holds
    // that we no longer send would make its totals differ from ours.
    if (theirs != mine)
      return Status::Internal(month + ": the national instance holds other values than this province sent "
                                      "(a commune it holds that this database does not have?)");
    ++totals->months_sent;
    totals->accepted += accepted;
    totals->replaced += replaced;
    totals->unchanged += unchanged;
    progress << "  " << month << ": " << part.values.size() << " values in " << docs.size() << " parts: " << accepted
             << " accepted, " << replaced << " replaced, " << unchanged << " unchanged" << std::endl;
  }
  progress << "push: done: " << totals->months_sent << " months sent, " << totals->months_unchanged
           << " unchanged; values " << totals->accepted << " accepted, " << totals->replaced << " replaced, "
           << totals->unchanged << " unchanged\n";
  return Status::Ok();
}

Status PushAudited(indicator::Service& svc, store::Store& store, const PushOptions& o, const audit::Entry& audit,
                   std::ostream& progress, PushTotals* totals) {
  const Status st = Push(svc, store, o, progress, totals);
  audit::Entry e = audit;
  e.action = "national_push";
  e.record_type = "national_value";
  e.detail = nlohmann::json{{"to", o.url}, {"from", o.from}, {"to_period", o.to},
                            {"months_sent", totals->months_sent}, {"months_unchanged", totals->months_unchanged},
                            {"parts", totals->parts}, {"accepted", totals->accepted}, {"replaced", totals->replaced},
                            {"unchanged", totals->unchanged}, {"result", st.ok() ? "ok" : st.ToString()}}.dump();
  U5_RETURN_IF_ERROR(store.AppendAudit({e}));
  return st;
}

}  // namespace u5::federation
