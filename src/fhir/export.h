// Bulk export (FHIR Bulk Data Access IG, NDJSON) of the records filed under
// some org units, and the same resources as one transaction Bundle of PUT
// entries (`under5 fhir-export --bundle`, re-imported keeping ids). Jobs of
// `$export` run on their own thread, write their files into a folder beside
// the database and are polled at a status URL (docs/fhir.md).
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "fhir/mapping.h"
#include "http/route.h"
#include "store/store.h"

namespace u5::fhir {

using nlohmann::json;

struct ExportQuery {
  std::vector<std::string> orgunits;  // records filed under these subtrees
  std::vector<std::string> types;     // _type: these resource types only; empty: every type
  std::string since;                  // _since: records updated at or after this instant; empty: all
  // Whether the caller may see the record (its org unit and, for an event, its
  // person's); null: every record (the command line).
  std::function<bool(const store::Record&)> visible;
};

// `_type`: a comma-separated list of the resource types the server exchanges
// (fhir::Kinds()); Invalid naming "_type" otherwise.
Status ParseTypes(const std::string& param, std::vector<std::string>* out);
// `_since`: a FHIR instant (2025-01-31T08:00:00+07:00, or Z); Invalid naming
// "_since" otherwise. *out is the same instant in UTC as the store writes
// updated_at, so the two compare as text.
Status ParseSince(const std::string& param, std::string* out);

// Hands `fn` each live record of the query with its resources (fhir::ToFhirText,
// without meta when `with_meta` is false),
// in an order a transaction can be planned in: persons without a mother,
// persons with one, then events type by type as registry.json lists them
// (pregnancies before their visits and deliveries). `progress` hears the
// records read so far.
Status ForEachExported(store::Store& store, Context& ctx, const ExportQuery& q,
                       const std::function<Status(const store::Record&, std::vector<ResourceText>&)>& fn,
                       const std::function<void(size_t records)>& progress = nullptr, bool with_meta = true);

struct ExportFile {
  std::string type;  // the resource type, one file each
  std::string path;  // <dir>/<type>.ndjson
  size_t count = 0;  // resources (lines)
};
struct ExportResult {
  std::vector<ExportFile> files;  // by type, only types with resources
  size_t records = 0;
  size_t resources = 0;
};
// Writes one NDJSON file per resource type into `dir` (created if needed).
Status ExportNdjson(store::Store& store, Context& ctx, const ExportQuery& q, const std::string& dir,
                    const std::function<void(size_t records)>& progress, ExportResult* out);
// Writes the resources as one transaction Bundle of PUT entries (If-Match
// left out: the target is a fresh database).
Status ExportBundle(store::Store& store, Context& ctx, const ExportQuery& q, std::ostream& out,
                    const std::function<void(size_t records)>& progress, ExportResult* result);

// The `$export` jobs of a server: each runs on its own thread with its own
// store connection, writes into <dir>/<job id>/, and is kept until its owner
// deletes it or `keep` has passed since it ended.
class ExportJobs {
 public:
  struct Options {
    std::string dir;                                  // e.g. <db>.fhir-export; emptied at start
    std::chrono::seconds keep = std::chrono::hours(1);
  };
  struct Job {
    std::string id, user_id, username, remote, orgunit, request_url, transaction_time;
    enum class State { running, done, failed } state = State::running;
    size_t records_done = 0;
    ExportResult result;
    std::string error;
    std::chrono::steady_clock::time_point ended;
  };
  explicit ExportJobs(Options opts);
  ~ExportJobs();  // waits for running jobs, then deletes every job's files

  // Starts a job on `store` for the user `meta` names (user_id, username,
  // remote, orgunit, request_url); its id. A finished job appends one audit
  // entry: action export, the org unit, the records and resources counted.
  std::string Start(store::Store& store, ExportQuery q, Job meta);
  // The job when it is `user_id`'s; nullopt for an unknown job or another user's.
  std::optional<Job> Get(const std::string& id, const std::string& user_id);
  // Deletes a job's files; false when unknown or another user's.
  bool Delete(const std::string& id, const std::string& user_id);

 private:
  void Sweep();  // deletes the jobs kept past `keep`; holds mu_
  Options opts_;
  std::mutex mu_;
  std::map<std::string, Job> jobs_;
  int running_ = 0;  // job threads not yet ended (they are detached)
  std::condition_variable idle_;
};

// The routes of $export (FHIR Bulk Data Access IG): kick-off at
// GET /fhir/$export (the caller's org units) and GET /fhir/Group/{orgunit}/$export
// (202 and Content-Location), the status at /fhir/$export-status/{job} (GET:
// 202 with X-Progress, then the manifest; DELETE: the files go), the files at
// /fhir/$export-file/{job}/{Type}.ndjson. Files under `dir`, kept `keep`.
http::Routes ExportRoutes(const ExportJobs::Options& opts);

}  // namespace u5::fhir
