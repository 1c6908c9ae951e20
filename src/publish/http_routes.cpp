#include "publish/http_routes.h"

#include <nlohmann/json.hpp>

#include "auth/roles.h"
#include "auth/scope.h"
#include "publish/publication.h"

namespace u5::publish {
namespace {

using nlohmann::json;
constexpr auto& Json = http::JsonReply;
constexpr auto& Err = http::ErrorReply;

http::Response Post(const RouteContext& ctx, http::Call& c) {
  json b;
  if (Status st = http::ParseJsonObject(c.req.body, &b); !st.ok()) return Err(st);
  PublishInput in;
  for (auto [k, out] : {std::pair<const char*, std::string*>{"orgunit", &in.orgunit}, {"period", &in.period}})
    if (Status st = http::OptionalText(b, k, out); !st.ok()) return Err(st);
  if (in.orgunit.empty() || !c.store.OrgUnitExists(in.orgunit))
    return Err(Status::Invalid("orgunit", "orgunit must be a province of the 2025 scheme (e.g. 12)"));
  if (!auth::CanSee(c.store, c.who, in.orgunit)) return Err(Status::Forbidden("orgunit " + in.orgunit + " is outside your org units"));
  indicator::Service* svc = c.service<indicator::Service>();
  if (!svc) return Err(Status::Internal("the indicator engine is not running in this process"));
  c.Stamp("");  // the publication's entry is written with its row
  in.username = c.who.username;
  in.user_id = c.who.user_id;
  in.remote = c.req.remote;
  in.public_dir = ctx.public_dir;
  PublishResult r;
  if (Status st = Publish(c.store, *svc, in, &r); !st.ok()) return Err(st);
  return Json(201, {{"orgunit", r.row.orgunit}, {"period", r.row.period}, {"published_at", r.row.at},
                    {"version", r.row.version}, {"files", r.files}});
}

http::Response List(http::Call& c) {
  std::string ou;
  if (Status st = auth::ResolveOrgUnit(c.store, c.who, c.query("orgunit"), &ou); !st.ok()) return Err(st);
  std::vector<store::PublicationRow> rows;
  if (Status st = c.store.publications().List(ou, &rows); !st.ok()) return Err(st);
  json items = json::array();
  for (const auto& r : rows)
    items.push_back({{"orgunit", r.orgunit}, {"period", r.period}, {"version", r.version}, {"published_at", r.at},
                     {"signed_off_at", r.signed_off_at}, {"sha256", r.sha256},
                     {"files", {r.orgunit + "/" + r.period + ".json", r.orgunit + "/" + r.period + ".csv"}}});
  return Json(200, {{"orgunit", ou}, {"items", items}});
}

}  // namespace

http::Routes Routes(const RouteContext& ctx) {
  using http::Audit;
  using http::Call;
  return {
      {"GET", "publications", auth::kAggregateRead, Audit::none, [](Call& c) { return List(c); }},
      {"POST", "publications", auth::kReportSignoff, Audit::write, [ctx](Call& c) { return Post(ctx, c); }},
  };
}

}  // namespace u5::publish
