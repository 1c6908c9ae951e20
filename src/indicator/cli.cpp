#include "indicator/cli.h"

#include "indicator/json_out.h"
#include "indicator/lifetable.h"
#include "indicator/service.h"
#include "orgunit/orgunit.h"

namespace u5::indicator {
namespace {

int Fail(std::ostream& err, const Status& st) {
  err << "error: " << st.ToString() << "\n";
  return st.code() == Code::invalid || st.code() == Code::bad_request || st.code() == Code::not_found ? 2 : 1;
}

Status Open(store::Store& store, const CliOptions& o, std::unique_ptr<Service>* svc) {
  if (o.format != "csv" && o.format != "json") return Status::Invalid("--format", "format must be csv or json");
  return Service::Open(store, o.data_dir, svc, Service::SnapshotPath(o.engines_dir));
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

}  // namespace

int RunIndicatorsCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err) {
  std::unique_ptr<Service> svc;
  if (Status st = Open(store, o, &svc); !st.ok()) return Fail(err, st);
  std::string ou;
  if (Status st = orgunit::ResolveOrgUnit(store, o.orgunit, &ou); !st.ok()) return Fail(err, st);
  Period p;
  if (Status st = ParsePeriod(o.period, &p); !st.ok()) return Fail(err, st);
  std::vector<std::string> ids = Split(o.ids);
  if (ids.empty())
    for (const auto& i : svc->catalogue().indicators()) ids.push_back(i.id);
  std::vector<IndicatorValue> vs;
  for (const auto& id : ids) {
    IndicatorValue v;
    if (Status st = svc->Value(id, ou, p, &v); !st.ok()) return Fail(err, st);
    vs.push_back(std::move(v));
  }
  if (o.format == "json") {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& v : vs) items.push_back(ToJson(v));
    out << nlohmann::json{{"orgunit", ou}, {"period", p.text}, {"items", items}}.dump(1) << "\n";
  } else {
    out << ValuesCsv(vs);
  }
  return 0;
}

int RunPlanEvalCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err) {
  std::unique_ptr<Service> svc;
  if (Status st = Open(store, o, &svc); !st.ok()) return Fail(err, st);
  std::string ou;
  if (!o.orgunit.empty())
    if (Status st = orgunit::ResolveOrgUnit(store, o.orgunit, &ou); !st.ok()) return Fail(err, st);
  Date as_of = Today();
  if (!o.as_of.empty()) {
    auto d = ParseDate(o.as_of);
    if (!d) return Fail(err, Status::Invalid("--as-of", "as-of must be a date YYYY-MM-DD"));
    as_of = *d;
  }
  std::vector<std::string> plans = o.plan == "all" ? std::vector<std::string>{} : std::vector<std::string>{o.plan};
  if (plans.empty())
    for (const auto& p : svc->catalogue().plans()) plans.push_back(p.id);
  std::vector<TargetEval> all;
  for (const auto& plan : plans) {
    std::vector<TargetEval> es;
    if (Status st = svc->Evaluate(plan, ou, o.year, as_of, &es); !st.ok()) return Fail(err, st);
    all.insert(all.end(), es.begin(), es.end());
  }
  if (o.format == "json") {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : all) items.push_back(ToJson(e));
    out << nlohmann::json{{"as_of", FormatDate(as_of)}, {"items", items}}.dump(1) << "\n";
  } else {
    out << EvaluationCsv(all);
  }
  return 0;
}

int RunMortalityCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err) {
  if (o.format != "csv" && o.format != "json") return Fail(err, Status::Invalid("--format", "format must be csv or json"));
  CohortQuery q;
  if (Status st = orgunit::ResolveOrgUnit(store, o.orgunit, &q.orgunit); !st.ok()) return Fail(err, st);
  q.as_of = Today();
  if (!o.as_of.empty()) {
    auto d = ParseDate(o.as_of);
    if (!d) return Fail(err, Status::Invalid("--as-of", "as-of must be a date YYYY-MM-DD"));
    q.as_of = *d;
  }
  int y = 0;
  unsigned m = 0, d = 0;
  YmdFromDate(q.as_of, y, m, d);
  q.year = o.year.value_or(y - 1);
  CohortAnswer a;
  if (Status st = CohortMortality(store, q, &a); !st.ok()) return Fail(err, st);
  if (o.format == "json")
    out << CohortJson(a).dump(1) << "\n";
  else
    out << CohortCsv(a);
  if (a.precision.level != "ok") err << "note: " << a.precision.note << "\n";
  return 0;
}

}  // namespace u5::indicator
