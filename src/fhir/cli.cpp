#include "fhir/cli.h"

#include <chrono>
#include <fstream>

#include <nlohmann/json.hpp>

#include "auth/session.h"
#include "core/date.h"
#include "fhir/bundle.h"
#include "fhir/export.h"

namespace u5::fhir {
namespace {

using nlohmann::json;

int Fail(std::ostream& err, const Status& st) {
  err << "error: " << (st.field().empty() ? "" : st.field() + ": ") << st.message() << "\n";
  return st.code() == Code::invalid || st.code() == Code::bad_request ? 2 : 1;
}

// One line redrawn in place (\r), ended by the caller's summary.
std::function<void(size_t)> ProgressTo(std::ostream& err, const char* what) {
  return [&err, what](size_t n) { err << "\r" << what << " " << n << " records" << std::flush; };
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int RunFhirImportCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err) {
  const auto t0 = std::chrono::steady_clock::now();
  std::ifstream in(o.file, std::ios::binary);
  if (!in) return Fail(err, Status::Invalid("file", "cannot read " + o.file));
  json bundle;
  {
    // Read whole, then parsed: nlohmann's parser runs several times faster over memory than over a stream.
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bundle = json::parse(text, nullptr, false);
  }
  if (bundle.is_discarded()) return Fail(err, Status::BadRequest(o.file + " is not JSON"));
  ParsedBundle b;
  if (Status st = ParseBundle(std::move(bundle), &b); !st.ok()) return Fail(err, st);
  if (b.type != "transaction") return Fail(err, Status::Invalid("Bundle.type", "fhir-import stores a transaction Bundle (all or nothing)"));
  bundle = json();  // the parsed entries hold what is needed
  const double parsed_s = SecondsSince(t0);
  // The operator holds the database file, as for `under5 import`: no org unit limits them.
  const auth::Principal operator_{.user_id = o.audit.user_id, .username = o.audit.username, .role = "admin"};
  BundleOptions opts;
  opts.stamp = [&](const std::string& action) {
    audit::Entry e = o.audit;
    e.action = action;
    e.at = NowIso();
    return e;
  };
  opts.bulk_creates = true;
  opts.progress = [&err](size_t done, size_t total) { err << "\rplanned " << done << " of " << total << " entries" << std::flush; };
  BundleAnswer answer;
  Status st = RunBundle(b, operator_, store, opts, &answer);
  err << "\n";
  if (!st.ok()) {
    err << "nothing stored\n";
    return Fail(err, st);
  }
  const double s = SecondsSince(t0);
  out << answer.resources << " resources, " << answer.records << " records\n";
  err << "imported " << answer.resources << " resources (" << answer.records << " records) in " << s << " s (JSON parse "
      << parsed_s << " s): " << static_cast<int64_t>(answer.resources / std::max(s, 1e-9)) << " resources/s\n";
  return 0;
}

int RunFhirExportCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err) {
  if (o.out_dir.empty() == o.bundle_path.empty())
    return Fail(err, Status::Invalid("--out", "give --out DIR (NDJSON files) or --bundle FILE (a transaction Bundle), one of them"));
  if (!store.OrgUnitExists(o.orgunit)) return Fail(err, Status::Invalid("--orgunit", "no org unit " + o.orgunit));
  const auto t0 = std::chrono::steady_clock::now();
  StoreContext ctx(store);
  ExportQuery q;
  q.orgunits = {o.orgunit};
  ExportResult result;
  Status st;
  if (!o.out_dir.empty()) {
    st = ExportNdjson(store, ctx, q, o.out_dir, ProgressTo(err, "read"), &result);
  } else {
    std::ofstream file(o.bundle_path, std::ios::binary);
    if (!file) return Fail(err, Status::Invalid("--bundle", "cannot write " + o.bundle_path));
    st = ExportBundle(store, ctx, q, file, ProgressTo(err, "read"), &result);
    file.close();
    if (st.ok() && !file) st = Status::Internal("cannot write " + o.bundle_path);
  }
  err << "\n";
  if (!st.ok()) return Fail(err, st);
  audit::Entry e = o.audit;
  e.action = "export";
  e.orgunit_id = o.orgunit;
  e.detail = json({{"via", "fhir-export"}, {"records", result.records}, {"resources", result.resources}}).dump();
  if (Status a = store.AppendAudit({e}); !a.ok()) return Fail(err, a);
  for (const ExportFile& f : result.files) out << f.type << "\t" << f.count << "\t" << f.path << "\n";
  err << "exported " << result.resources << " resources of " << result.records << " records in " << SecondsSince(t0) << " s\n";
  return 0;
}

}  // namespace u5::fhir
