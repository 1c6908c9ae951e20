#include "fhir/export.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <unordered_map>

#include "core/date.h"
#include "core/id.h"
#include "auth/roles.h"
#include "auth/scope.h"
#include "core/log.h"
#include "fhir/write.h"
#include "fhir/server_util.h"
#include "registry/schema.h"

namespace u5::fhir {
namespace {

namespace fs = std::filesystem;

// The store's UTC form of an instant (NowIso), so updated_at compares as text.
std::string UtcIso(int64_t seconds) {
  const int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  const int64_t rem = seconds - days * 86400;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.000Z", FormatDate(Date{static_cast<int32_t>(days)}).c_str(),
                static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return buf;
}

// Every live record of `type` filed under `orgunit`, a page at a time.
Status ForEachListed(store::Store& store, const std::string& type, const std::string& orgunit,
                     const std::function<Status(const store::Record&)>& fn) {
  store::ListQuery q;
  q.type = type;
  q.orgunit = orgunit;
  q.limit = 1000;
  std::vector<store::Record> page;
  do {
    if (Status st = store.List(q, &page); !st.ok()) return st;
    for (const store::Record& r : page)
      if (Status st = fn(r); !st.ok()) return st;
    if (!page.empty()) q.after = page.back().id;
  } while (static_cast<int>(page.size()) == q.limit);
  return Status::Ok();
}

// The registry types whose records give one of `types` (all when empty).
std::vector<std::string> RegistryTypesFor(const std::vector<std::string>& types) {
  std::set<std::string> wanted;
  for (const ResourceKind& k : Kinds())
    if (types.empty() || std::find(types.begin(), types.end(), k.resource_type) != types.end())
      wanted.insert(k.registry_types.begin(), k.registry_types.end());
  std::vector<std::string> out;
  for (const auto& [collection, t] : registry::Schema::Builtin().Collections())
    if (wanted.count(t)) out.push_back(t);
  return out;
}

}  // namespace

Status ParseTypes(const std::string& param, std::vector<std::string>* out) {
  out->clear();
  size_t start = 0;
  while (start <= param.size()) {
    const size_t comma = std::min(param.find(',', start), param.size());
    const std::string t = param.substr(start, comma - start);
    const auto& kinds = Kinds();
    if (std::none_of(kinds.begin(), kinds.end(), [&](const ResourceKind& k) { return k.resource_type == t; }))
      return Status::Invalid("_type", "_type: " + (t.empty() ? std::string("an empty type") : t) + " is not a resource type this server exports");
    if (std::find(out->begin(), out->end(), t) == out->end()) out->push_back(t);
    start = comma + 1;
  }
  return Status::Ok();
}

Status ParseSince(const std::string& param, std::string* out) {
  // An instant has a time with seconds and a zone (FHIR datatypes.html#instant).
  const bool zoned = param.size() >= 20 && param[10] == 'T' &&
                     (param.back() == 'Z' || param[param.size() - 6] == '+' || param[param.size() - 6] == '-');
  auto t = zoned ? ParseInstant(param) : std::nullopt;
  if (!t) return Status::Invalid("_since", "_since must be an instant such as 2025-01-31T08:00:00+07:00");
  *out = UtcIso(*t);
  return Status::Ok();
}

Status ForEachExported(store::Store& store, Context& ctx, const ExportQuery& q,
                       const std::function<Status(const store::Record&, std::vector<ResourceText>&)>& fn,
                       const std::function<void(size_t records)>& progress, bool with_meta) {
  size_t seen = 0;
  std::vector<ResourceText> resources;
  auto each = [&](const store::Record& r) -> Status {
    if (++seen % 1000 == 0 && progress) progress(seen);
    if (!q.since.empty() && r.updated_at < q.since) return Status::Ok();
    if (q.visible && !q.visible(r)) return Status::Ok();
    if (Status st = ToFhirText(r, ctx, &resources, with_meta); !st.ok()) return st;
    if (!q.types.empty())
      std::erase_if(resources, [&](const ResourceText& res) {
        return std::find(q.types.begin(), q.types.end(), res.type) == q.types.end();
      });
    return resources.empty() ? Status::Ok() : fn(r, resources);
  };
  for (const std::string& type : RegistryTypesFor(q.types))
    for (const std::string& orgunit : q.orgunits) {
      if (type != "person") {
        if (Status st = ForEachListed(store, type, orgunit, each); !st.ok()) return st;
        continue;
      }
      // Mothers before their children, so a transaction of the export finds each child's mother.
      for (bool with_mother : {false, true})
        if (Status st = ForEachListed(store, type, orgunit,
                                      [&](const store::Record& r) { return r.mother_id.has_value() == with_mother ? each(r) : Status::Ok(); });
            !st.ok())
          return st;
    }
  if (progress) progress(seen);
  return Status::Ok();
}

Status ExportNdjson(store::Store& store, Context& ctx, const ExportQuery& q, const std::string& dir,
                    const std::function<void(size_t records)>& progress, ExportResult* out) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Internal("cannot create " + dir + ": " + ec.message());
  std::map<std::string, std::pair<std::ofstream, size_t>> files;
  *out = {};
  Status st = ForEachExported(store, ctx, q, [&](const store::Record&, std::vector<ResourceText>& resources) -> Status {
    ++out->records;
    for (const ResourceText& res : resources) {
      const std::string& type = res.type;
      auto it = files.find(type);
      if (it == files.end()) {
        it = files.emplace(type, std::pair{std::ofstream(dir + "/" + type + ".ndjson", std::ios::binary), size_t{0}}).first;
        if (!it->second.first) return Status::Internal("cannot write " + dir + "/" + type + ".ndjson");
      }
      it->second.first << res.text << '\n';
      ++it->second.second;
      ++out->resources;
    }
    return Status::Ok();
  }, progress);
  if (!st.ok()) return st;
  for (auto& [type, f] : files) {
    f.first.close();
    if (!f.first) return Status::Internal("cannot write " + dir + "/" + type + ".ndjson");
    out->files.push_back({type, dir + "/" + type + ".ndjson", f.second});
  }
  return Status::Ok();
}

Status ExportBundle(store::Store& store, Context& ctx, const ExportQuery& q, std::ostream& out,
                    const std::function<void(size_t records)>& progress, ExportResult* result) {
  *result = {};
  // Written entry by entry: a province's Bundle is far larger than it is worth holding as one json value.
  out << R"({"resourceType":"Bundle","type":"transaction")";
  // meta is the source's (version, time): the target database writes its own.
  Status st = ForEachExported(store, ctx, q, [&](const store::Record&, std::vector<ResourceText>& resources) -> Status {
    ++result->records;
    for (const ResourceText& res : resources) {
      // FHIR allows no empty array: "entry" opens with the first one.
      out << (result->resources++ ? ",\n" : R"(,"entry":[)" "\n") << R"({"resource":)" << res.text
          << R"(,"request":{"method":"PUT","url":")" << res.type << '/' << res.id << "\"}}";
    }
    return Status::Ok();
  }, progress, /*with_meta=*/false);
  if (!st.ok()) return st;
  out << (result->resources ? "\n]}\n" : "}\n");
  if (!out) return Status::Internal("cannot write the Bundle");
  return Status::Ok();
}

ExportJobs::ExportJobs(Options opts) : opts_(std::move(opts)) {
  // Jobs live in memory: files a previous run left have no job to fetch them.
  std::error_code ec;
  fs::remove_all(opts_.dir, ec);
}

ExportJobs::~ExportJobs() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return running_ == 0; });
  // With the server gone nobody can fetch them.
  std::error_code ec;
  fs::remove_all(opts_.dir, ec);
}

void ExportJobs::Sweep() {
  const auto now = std::chrono::steady_clock::now();
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->second.state != Job::State::running && now - it->second.ended > opts_.keep) {
      std::error_code ec;
      fs::remove_all(opts_.dir + "/" + it->first, ec);
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
}

std::string ExportJobs::Start(store::Store& store, ExportQuery q, Job meta) {
  std::lock_guard<std::mutex> lock(mu_);
  Sweep();
  meta.id = RandomHex(16);
  meta.state = Job::State::running;
  meta.transaction_time = NowIso();
  jobs_[meta.id] = meta;
  const std::string id = meta.id;
  ++running_;
  std::thread([this, &store, id, q = std::move(q), meta = std::move(meta)] {
    StoreContext ctx(store);
    ExportResult result;
    Status st = ExportNdjson(store, ctx, q, opts_.dir + "/" + id, [&](size_t n) {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = jobs_.find(id); it != jobs_.end()) it->second.records_done = n;
    }, &result);
    if (st.ok()) {
      // Person-level data left the registry for this user: one entry naming the org unit and the count.
      audit::Entry e;
      e.user_id = meta.user_id;
      e.username = meta.username;
      e.remote = meta.remote;
      e.at = NowIso();
      e.action = "export";
      e.orgunit_id = meta.orgunit;
      e.detail = json({{"via", "fhir $export"}, {"records", result.records}, {"resources", result.resources},
                       {"types", q.types}, {"since", q.since}})
                     .dump();
      st = store.AppendAudit({e});
    }
    if (!st.ok()) log::Error("fhir_export_failed", {{"job", id}, {"error", st.ToString()}});
    // The job's thread ends here; its store connection with it.
    store.ReleaseConnection();
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = jobs_.find(id); it == jobs_.end()) {
      std::error_code ec;  // deleted while it ran
      fs::remove_all(opts_.dir + "/" + id, ec);
    } else {
      it->second.state = st.ok() ? Job::State::done : Job::State::failed;
      it->second.error = st.ok() ? "" : st.message();
      it->second.result = std::move(result);
      it->second.ended = std::chrono::steady_clock::now();
    }
    --running_;
    idle_.notify_all();
  }).detach();
  return id;
}

std::optional<ExportJobs::Job> ExportJobs::Get(const std::string& id, const std::string& user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Sweep();
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.user_id != user_id) return std::nullopt;
  return it->second;
}

bool ExportJobs::Delete(const std::string& id, const std::string& user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.user_id != user_id) return false;
  std::error_code ec;
  fs::remove_all(opts_.dir + "/" + id, ec);
  jobs_.erase(it);  // a running job finds its entry gone and removes what it wrote
  return true;
}

namespace {

constexpr const char* kFhirJson = "application/fhir+json";

// The kick-off: the org units are checked by the route, the rest here.
http::Response KickOff(http::Call& c, ExportJobs& jobs, std::vector<std::string> orgunits, const std::string& named) {
  ExportQuery q;
  q.orgunits = std::move(orgunits);
  if (const std::string t = c.query("_type"); !t.empty())
    if (Status st = ParseTypes(t, &q.types); !st.ok()) return http::ErrorReply(st);
  if (const std::string s = c.query("_since"); !s.empty())
    if (Status st = ParseSince(s, &q.since); !st.ok()) return http::ErrorReply(st);
  if (const std::string f = c.query("_outputFormat");
      !f.empty() && f != "application/fhir+ndjson" && f != "application/ndjson" && f != "ndjson")
    return http::ErrorReply(Status::Invalid("_outputFormat", "_outputFormat: only application/fhir+ndjson is written"));
  const auth::Principal who = c.who;
  store::Store& store = c.store;
  // Each line a resource the caller may see, decided as for a read of it
  // (fhir::MaySee), each person's answer remembered for her other records.
  auto person_seen = std::make_shared<std::unordered_map<std::string, bool>>();
  q.visible = [who, &store, person_seen](const store::Record& r) {
    if (r.is_person() || !auth::CanSee(store, who, r.orgunit_id)) return MaySee(store, who, r);
    auto it = person_seen->find(r.person_id);
    if (it == person_seen->end()) it = person_seen->emplace(r.person_id, MaySee(store, who, r)).first;
    return it->second;
  };
  std::string request = BaseUrl(c) + c.req.path.substr(std::string("/fhir").size());
  std::string sep = "?";
  for (const auto& [k, v] : c.req.query) request += sep + k + "=" + v, sep = "&";
  ExportJobs::Job meta;
  meta.user_id = c.who.user_id;
  meta.username = c.who.username;
  meta.remote = c.req.remote;
  meta.orgunit = named;
  meta.request_url = request;
  const std::string id = jobs.Start(c.store, std::move(q), std::move(meta));
  http::Response r = http::JsonReply(202, {{"resourceType", "OperationOutcome"},
                                           {"issue", {{{"severity", "information"}, {"code", "informational"},
                                                       {"diagnostics", "export started; poll the Content-Location"}}}}});
  r.content_type = kFhirJson;
  r.headers["Content-Location"] = BaseUrl(c) + "/$export-status/" + id;
  return r;
}

http::Response UnknownJob() { return http::ErrorReply(Status::NotFound("no such export (or it was deleted or expired)")); }

}  // namespace

http::Routes ExportRoutes(const ExportJobs::Options& opts) {
  ExportJobs::Options o = opts;
  // Never the current folder: the jobs' folder is emptied at start.
  if (o.dir.empty()) o.dir = (fs::temp_directory_path() / ("under5-fhir-export-" + RandomHex(8))).string();
  auto jobs = std::make_shared<ExportJobs>(o);
  using A = http::Audit;
  http::Routes routes;
  // The caller's own org units: all of them (the whole country for a country-wide role).
  routes.push_back({"GET", "/fhir/$export", auth::kPersonRead, A::none, [jobs](http::Call& c) {
                      std::vector<std::string> units = c.who.orgunits;
                      if (units.empty() || auth::CountryWide(c.who)) {
                        std::string ou;
                        if (Status st = auth::ResolveOrgUnit(c.store, c.who, "", &ou); !st.ok()) return http::ErrorReply(st);
                        units = {ou};
                      }
                      std::string named;
                      for (const std::string& u : units) named += (named.empty() ? "" : ",") + u;
                      return KickOff(c, *jobs, units, named);
                    }, false, true});
  routes.push_back({"GET", "/fhir/Group/{orgunit}/$export", auth::kPersonRead, A::none, [jobs](http::Call& c) {
                      std::string ou;
                      if (Status st = auth::ResolveOrgUnit(c.store, c.who, c.param(0), &ou); !st.ok()) {
                        if (st.code() == Code::forbidden) return http::Refused(c, st, "", "", c.param(0));
                        return http::ErrorReply(st);
                      }
                      return KickOff(c, *jobs, {ou}, ou);
                    }, false, true});
  routes.push_back({"GET", "/fhir/$export-status/{job}", auth::kPersonRead, A::none, [jobs](http::Call& c) {
                      auto job = jobs->Get(c.param(0), c.who.user_id);
                      if (!job) return UnknownJob();
                      if (job->state == ExportJobs::Job::State::running) {
                        http::Response r;
                        r.status = 202;
                        r.body.clear();
                        r.headers["X-Progress"] = std::to_string(job->records_done) + " records read";
                        r.headers["Retry-After"] = "2";
                        return r;
                      }
                      if (job->state == ExportJobs::Job::State::failed)
                        return http::ErrorReply(Status::Internal("the export failed: " + job->error));
                      json output = json::array();
                      for (const ExportFile& f : job->result.files)
                        output.push_back({{"type", f.type}, {"url", BaseUrl(c) + "/$export-file/" + job->id + "/" + f.type + ".ndjson"}, {"count", f.count}});
                      return http::JsonReply(200, {{"transactionTime", job->transaction_time},
                                                   {"request", job->request_url},
                                                   {"requiresAccessToken", true},
                                                   {"output", output},
                                                   {"error", json::array()}});
                    }});
  routes.push_back({"DELETE", "/fhir/$export-status/{job}", auth::kPersonRead, A::none, [jobs](http::Call& c) {
                      if (!jobs->Delete(c.param(0), c.who.user_id)) return UnknownJob();
                      http::Response r;
                      r.status = 202;
                      return r;
                    }});
  routes.push_back({"GET", "/fhir/$export-file/{job}/{file}", auth::kPersonRead, A::person_read, [jobs](http::Call& c) {
                      auto job = jobs->Get(c.param(0), c.who.user_id);
                      if (!job || job->state != ExportJobs::Job::State::done) return UnknownJob();
                      for (const ExportFile& f : job->result.files) {
                        if (f.type + ".ndjson" != c.param(1)) continue;
                        std::ifstream in(f.path, std::ios::binary);
                        http::Response r;
                        r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
                        if (!in && !in.eof()) return http::ErrorReply(Status::Internal("cannot read " + f.path));
                        r.content_type = "application/fhir+ndjson";
                        // The lines are persons' records: each download is an entry naming the export and its count.
                        r.audit = http::AuditNote{.via = "fhir $export file", .orgunit = job->orgunit,
                                                  .detail = {{"job", job->id}, {"type", f.type}, {"count", std::to_string(f.count)}}};
                        return r;
                      }
                      return UnknownJob();
                    }});
  return routes;
}

}  // namespace u5::fhir
