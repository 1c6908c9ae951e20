// build/under5: the command-line entry point. Each subcommand is a thin layer
// over a module; see ARCHITECTURE.md.
#include <atomic>
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <unistd.h>

#include "app/routes.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "auth/session.h"
#include "auth/username.h"
#include "care/cli.h"
#include "care/service.h"
#include "emergency/service.h"
#include "cli/commands.h"
#include "cli/memory.h"
#include "core/date.h"
#include "core/log.h"
#include "fhir/cli.h"
#include "http/server.h"
#include "http/web_app.h"
#include "indicator/cli.h"
#include "indicator/service.h"
#include "orgunit/load.h"
#include "publish/cli.h"
#include "publish/publication.h"
#include "registry/jsonl.h"
#include "report/cli.h"
#include "report/signoff.h"
#include "report/template.h"
#include "snapshot/checkpointer.h"
#include "store/open.h"
#include "store/schema.h"
#include "store/store.h"

#if __has_include("growth/zscore_csv.h")
#include "growth/zscore_csv.h"
#define U5_HAVE_GROWTH 1
#endif

namespace fs = std::filesystem;
using namespace u5;

namespace {

int Fail(const Status& st) {
  std::cerr << "error: " << st.ToString() << "\n";
  return st.code() == Code::invalid || st.code() == Code::bad_request ? 2 : 1;
}

std::string DefaultDataDir(const char* argv0) {
  if (const char* env = std::getenv("U5_DATA_DIR")) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) exe = fs::absolute(argv0);
  for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path())
    if (fs::exists(dir / "data" / "vn-admin")) return (dir / "data").string();
  return "data";
}

}  // namespace

int main(int argc, char** argv) {
  u5::cli::ReexecWithHugePagesIfUseful(argc, argv);
  CLI::App app{"under5: registry, care due, indicators and reports for Vietnam's under-5 mortality programme"};
  app.require_subcommand(1);
  std::string data_dir = DefaultDataDir(argv[0]);
  app.add_option("--data", data_dir, "reference data folder (org units, ...)")->capture_default_str();

  // serve
  std::string db_path, pg_uri, engines_dir, host = "127.0.0.1", static_dir;
  // Every command over a store names it with exactly one of --db and --pg
  // (store::ParseLocation); those that start the engines may move their snapshots.
  auto add_store = [&](CLI::App* c, bool engines) {
    c->add_option("--db", db_path, "SQLite database file (or --pg)");
    c->add_option("--pg", pg_uri, "PostgreSQL URI, e.g. postgresql://under5@db1/under5 (or --db)");
    if (engines)
      c->add_option("--engines-dir", engines_dir,
                    "folder of the engines' snapshots (default <db>.engines; with --pg <database name>.engines here)");
  };
  int port = 8080, threads = 0;
  auto* serve = app.add_subcommand("serve", "serve the web app and JSON API");
  add_store(serve, true);
  serve->add_option("--port", port, "TCP port")->check(CLI::Range(0, 65535))->capture_default_str();
  serve->add_option("--host", host, "address to listen on")->capture_default_str();
  serve->add_option("--threads", threads, "worker threads (0 = one per core)");
  serve->add_option("--static", static_dir, "serve the web app from this folder instead of the one built into the binary");
  bool demo_mode = false;
  serve->add_flag("--demo", demo_mode,
                  "demo mode: the printed demo accounts log in without changing their password (without --demo, a "
                  "database where any user still has a published demo password is refused)");
  http::ServerOptions so;
  int idle_timeout_s = 30;
  serve->add_option("--tls-cert", so.tls_cert, "PEM certificate (chain): serve HTTPS only, with Secure cookies and HSTS");
  serve->add_option("--tls-key", so.tls_key, "PEM private key of --tls-cert");
  serve->add_option("--max-connections", so.max_connections, "open connections at most; the next gets 503")
      ->check(CLI::Range(1, 1000000))->capture_default_str();
  serve->add_option("--idle-timeout", idle_timeout_s, "seconds a connection may wait for its next request's header")
      ->check(CLI::Range(1, 3600))->capture_default_str();
  http::ApiOptions api_opts;
  // Per user, on the routes that answer many records (lists, searches, exports): an operator
  // raises them for a bulk client (an interface engine, a benchmark) rather than adding users.
  serve->add_option("--bulk-burst", api_opts.bulk_burst, "bulk requests (lists, searches, exports) a user may make at once")
      ->check(CLI::Range(1, 1000000))->capture_default_str();
  serve->add_option("--bulk-per-minute", api_opts.bulk_per_minute, "bulk requests a user may make a minute after the burst")
      ->check(CLI::Range(1, 10000000))->capture_default_str();
  std::string public_dir;
  serve->add_option("--public-dir", public_dir, "where publications are written (default <db>.public, created when missing)");
  serve->add_option("--trusted-proxy", so.trusted_proxies,
                    "address of a reverse proxy whose X-Forwarded-For/-Proto are believed (repeat for several)");
  // The published indicators (docs/publication.md), served under /public/ from files, and a server
  // of only those with no database at all, for a province's public website.
  int public_port = 8081;
  auto* serve_public = app.add_subcommand("serve-public", "serve only the published indicators (/public/), with no database");
  serve_public->add_option("--public-dir", public_dir, "folder of the published files")->required();
  serve_public->add_option("--port", public_port, "TCP port")->check(CLI::Range(0, 65535))->capture_default_str();
  serve_public->add_option("--host", host, "address to listen on")->capture_default_str();
  serve_public->add_option("--threads", threads, "worker threads (0 = one per core)");
  serve_public->add_option("--static", static_dir, "the web app's files (public.html, assets, maps) from this folder instead of the binary");

  // migrate
  int to_version = -1;
  auto* migrate = app.add_subcommand("migrate", "create or upgrade a database's schema");
  add_store(migrate, false);
  migrate->add_option("--to", to_version, "stop at this schema version (default: latest)");

  // import / export
  std::string jsonl_path, out_path;
  auto* import = app.add_subcommand("import", "import records from a JSONL file (all or nothing)");
  add_store(import, false);
  import->add_option("file", jsonl_path, "JSONL file, one record a line (docs/jsonl.md)")->required();
  auto* exportc = app.add_subcommand("export", "export every record as JSONL");
  add_store(exportc, false);
  exportc->add_option("--out", out_path, "output file (default: standard output)");
  bool confidential = false;
  exportc->add_flag("--include-confidential", confidential,
                    "also export the records only the review board may read (death reviews; docs/security.md)");

  // user add
  std::string username, role, full_name;
  std::vector<std::string> orgunits;
  auto* user = app.add_subcommand("user", "manage users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "add a user; the password is read from standard input");
  add_store(user_add, false);
  user_add->add_option("--username", username, "user name")->required();
  user_add->add_option("--role", role, "commune_worker, district_officer, province_officer, ministry or admin")->required();
  user_add->add_option("--orgunit", orgunits, "org unit code (repeat for several)")->required();
  user_add->add_option("--name", full_name, "full name");
  auto* user_passwd = user->add_subcommand("passwd", "set a user's password, read from standard input; ends their sessions");
  add_store(user_passwd, false);
  user_passwd->add_option("--username", username, "user name")->required();

  // demo
  auto* demo = app.add_subcommand("demo", "create a demo database (org units, demo user, demo records)");
  add_store(demo, true);
  demo::CliArgs demo_args;
  demo::AddCliOptions(demo, &demo_args);

  // zscore
  std::string zin, zout;
  auto* zscore = app.add_subcommand("zscore", "WHO growth z-scores for a CSV file (anthro's column names)");
  zscore->add_option("--in", zin, "input CSV")->required();
  zscore->add_option("--out", zout, "output CSV")->required();

  // indicators, plan-eval, mortality (src/indicator/cli.cpp)
  indicator::CliOptions ind;
  auto* indicators = app.add_subcommand("indicators", "indicator values (numerator, denominator, value) for an org unit and period");
  add_store(indicators, true);
  indicators->add_option("--orgunit", ind.orgunit, "org unit code (12, 03390, pre2025:24, VN)")->required();
  indicators->add_option("--period", ind.period, "2025, 2025S1, 2025Q3, 2025-06 or 2025-01-01..2025-03-31")->required();
  indicators->add_option("--ids", ind.ids, "comma-separated indicator ids (default: all)");
  indicators->add_option("--format", ind.format, "csv or json")->capture_default_str();
  auto* plan_eval = app.add_subcommand("plan-eval", "evaluate a plan's targets: one row per target");
  add_store(plan_eval, true);
  plan_eval->add_option("--plan", ind.plan, "plan id (lai_chau_u5_2030, ...) or 'all'")->required();
  plan_eval->add_option("--orgunit", ind.orgunit, "evaluate at this org unit instead of the plan's");
  plan_eval->add_option("--year", ind.year, "only the targets of this year");
  plan_eval->add_option("--as-of", ind.as_of, "evaluation date (default: today)");
  plan_eval->add_option("--format", ind.format, "csv or json")->capture_default_str();

  auto* mortality = app.add_subcommand("mortality", "cohort (life-table) neonatal, infant and under-5 mortality over five years (DHS method)");
  add_store(mortality, true);
  mortality->add_option("--orgunit", ind.orgunit, "org unit code (a province or district; 12, pre2025:24, VN)")->required();
  mortality->add_option("--year", ind.year, "the window's last year: five years ending 31 December (default: last year)");
  mortality->add_option("--as-of", ind.as_of, "cut the window at this date (default: today)");
  mortality->add_option("--format", ind.format, "csv or json")->capture_default_str();

  // report, signoff (src/report/cli.cpp)
  report::CliOptions rep;
  auto* report_cmd = app.add_subcommand("report", "a plan's periodic report from the records: xlsx, pdf, csv, adx or dvs (DHIS2)");
  // --template and --period are required unless --list (checked below: CLI11's
  // required() cannot depend on another flag).
  bool list_reports = false;
  report_cmd->add_flag("--list", list_reports, "print the report template ids, one a line, and exit");
  add_store(report_cmd, true);
  report_cmd->add_option("--template", rep.template_id, "report template in data/reports (lai_chau_6m, hai_phong_annual, ...) (required)");
  report_cmd->add_option("--period", rep.period, "2026S1, 2026, ... (the template's period kind) (required)");
  report_cmd->add_option("--orgunit", rep.orgunit, "org unit (default: the template's)");
  report_cmd->add_option("--format", rep.format, "xlsx, pdf, csv, adx or dvs")->capture_default_str();
  report_cmd->add_option("--out", rep.out, "output file (csv, adx, dvs: default standard output)");
  report_cmd->add_option("--as-of", rep.as_of, "sign-off state and evaluation as of this day (default: today)");
  report_cmd->add_flag("--bom", rep.bom, "CSV: start with a UTF-8 BOM (for Excel)");
  report_cmd->add_option("--lang", rep.lang, "language of the printed words: vi (default) or en")->capture_default_str();
  auto* signoff_cmd = app.add_subcommand("signoff", "a commune confirms (closes) or reopens its figures of a period");
  add_store(signoff_cmd, true);
  signoff_cmd->add_option("action", rep.action, "close, reopen or status")->required();
  signoff_cmd->add_option("--orgunit", rep.orgunit, "the commune (or facility) signing off")->required();
  signoff_cmd->add_option("--period", rep.period, "2026S1, 2026, 2026-06, ...")->required();
  signoff_cmd->add_option("--user", rep.user, "who confirms")->required();
  signoff_cmd->add_option("--reason", rep.reason, "why a closed period is reopened (required for reopen)");

  // publish (src/publish/cli.cpp)
  publish::CliOptions pub;
  auto* publish_cmd = app.add_subcommand("publish", "publish a province's signed-off period as public files (docs/publication.md)");
  add_store(publish_cmd, true);
  publish_cmd->add_option("--orgunit", pub.orgunit, "the province (2025 scheme, e.g. 12)")->required();
  publish_cmd->add_option("--period", pub.period, "a year (2025) or half year (2026S1, 2026S2)")->required();
  publish_cmd->add_option("--user", pub.user, "who publishes")->required();
  publish_cmd->add_option("--public-dir", pub.public_dir, "where the files go (default <db>.public; with --pg <database name>.public)");

  // worklist (src/care/cli.cpp)
  care::CliOptions care_opts;
  auto* worklist = app.add_subcommand("worklist", "whom to see: care due and alerts for an org unit, by village, most urgent first");
  add_store(worklist, true);
  worklist->add_option("--orgunit", care_opts.orgunit, "commune (or any org unit) code")->required();
  worklist->add_option("--date", care_opts.date, "first day (\"today\"), YYYY-MM-DD")->required();
  worklist->add_option("--days", care_opts.days, "days covered")->capture_default_str();
  worklist->add_option("--village", care_opts.village, "only this village");
  worklist->add_option("--kind", care_opts.kind, "only this kind of care: epi, anc, pnc, growth, vitamin_a or health_check");
  worklist->add_option("--list", care_opts.list, "current, long_lost (every item overdue beyond the limit) or set_aside (moved away, not found)")->capture_default_str();
  worklist->add_option("--format", care_opts.format, "csv, json or text (printable)")->capture_default_str();

  // audit verify
  auto* audit_cmd = app.add_subcommand("audit", "the audit trail");
  audit_cmd->require_subcommand(1);
  auto* audit_verify = audit_cmd->add_subcommand("verify", "check the hash chain; names the first edited or deleted entry");
  add_store(audit_verify, false);
  // Signed heads of the audit chain (audit/signed_heads.h): the key outside the
  // database, the heads in their own append-only file; both default beside it.
  std::string audit_key, audit_heads, audit_pub;
  int audit_sign_seconds = 5;
  for (CLI::App* c : {serve, import, exportc, user_add, demo, signoff_cmd, report_cmd, publish_cmd, audit_verify}) {
    c->add_option("--audit-key", audit_key, "audit signing key (default <db>.audit-key, created 0600 on first use)");
    c->add_option("--audit-heads", audit_heads, "append-only file of signed audit heads (default <db>.audit-heads)");
  }
  audit_verify->add_option("--audit-pub", audit_pub, "public key to check the signed heads with (default <key>.pub)");
  serve->add_option("--audit-sign-interval", audit_sign_seconds, "seconds between signed audit heads")
      ->check(CLI::Range(1, 3600))->capture_default_str();
  int checkpoint_seconds = 300;
  serve->add_option("--checkpoint-seconds", checkpoint_seconds,
                    "seconds between snapshots of the indicator and care engines (docs/snapshots.md)")
      ->check(CLI::Range(1, 86400))->capture_default_str();
  int follow_ms = 250;
  serve->add_option("--follow-ms", follow_ms,
                    "milliseconds between looks at the change log for writes made by other processes or "
                    "servers on the same database (0: only at checkpoints)")
      ->check(CLI::Range(0, 60000))->capture_default_str();

  // fhir-import, fhir-export (src/fhir/cli.cpp, docs/fhir.md)
  fhir::CliOptions fhir_opts;
  auto* fhir_import = app.add_subcommand("fhir-import", "store a FHIR transaction Bundle file (all or nothing)");
  add_store(fhir_import, false);
  fhir_import->add_option("file", fhir_opts.file, "the Bundle (JSON, type transaction)")->required();
  auto* fhir_export = app.add_subcommand("fhir-export", "the records of an org unit as FHIR NDJSON files or one transaction Bundle");
  add_store(fhir_export, false);
  fhir_export->add_option("--orgunit", fhir_opts.orgunit, "the org unit (its subtree: 12, 03390, ...)")->required();
  fhir_export->add_option("--out", fhir_opts.out_dir, "folder of the NDJSON files, one per resource type");
  fhir_export->add_option("--bundle", fhir_opts.bundle_path, "one transaction Bundle of PUT entries (re-imports keeping ids)");
  for (CLI::App* c : {fhir_import, fhir_export}) {
    c->add_option("--audit-key", audit_key, "audit signing key (default <db>.audit-key, created 0600 on first use)");
    c->add_option("--audit-heads", audit_heads, "append-only file of signed audit heads (default <db>.audit-heads)");
  }

  // copy: a commune's SQLite file into a province server (docs/deploy.md).
  std::string copy_from, copy_to_pg, copy_to_db;
  int copy_batch = 2000;
  auto* copy_cmd = app.add_subcommand("copy", "copy a commune's SQLite database into a province's PostgreSQL (again: only what is missing)");
  copy_cmd->add_option("--from-db", copy_from, "the commune's SQLite database file")->required();
  copy_cmd->add_option("--to-pg", copy_to_pg, "the province's PostgreSQL URI");
  copy_cmd->add_option("--to-db", copy_to_db, "or another SQLite file (a district's)");
  copy_cmd->add_option("--batch", copy_batch, "records or audit entries a transaction")->check(CLI::Range(1, 1000000))->capture_default_str();
  copy_cmd->add_option("--audit-key", audit_key, "the target's audit signing key (default <target>.audit-key)");
  copy_cmd->add_option("--audit-heads", audit_heads, "the target's signed audit heads (default <target>.audit-heads)");

  CLI11_PARSE(app, argc, argv);
  log::Init();

  if (*zscore) {
#ifdef U5_HAVE_GROWTH
    return growth::run_zscore_csv(zin, zout, std::cerr);
#else
    std::cerr << "zscore: not built\n";
    return 1;
#endif
  }

  if (*serve_public) {
    so.host = host;
    so.port = static_cast<unsigned short>(public_port);
    so.threads = threads;
    so.static_dir = static_dir;
    so.embedded = http::EmbeddedWebApp();
    so.public_dir = public_dir;
    http::Server server(so);
    if (Status st = server.Start(); !st.ok()) return Fail(st);
    log::Info("serving", {{"url", "http://" + host + ":" + std::to_string(server.port()) + "/public/"}, {"public_dir", public_dir}});
    server.Run();
    return 0;
  }

  if (*copy_cmd) {
    store::Location to;
    if (copy_to_pg.empty() == copy_to_db.empty())
      return Fail(Status::Invalid("--to-pg", "give the target: --to-pg URI (or --to-db FILE), one of them"));
    if (Status st = store::ParseLocation(copy_to_db, copy_to_pg, "", &to); !st.ok()) return Fail(st);
    return cli::Copy(copy_from, to, copy_batch, data_dir, audit::DefaultHeadPaths(to.base, audit_key, audit_heads), std::cerr);
  }

  // Every other command has a store: where it is, and the local files named after it.
  store::Location loc;
  if (Status st = store::ParseLocation(db_path, pg_uri, engines_dir, &loc); !st.ok() && !(*report_cmd && list_reports))
    return Fail(st);

  if (*migrate) {
    int now = 0;
    if (Status st = store::Migrate(loc, to_version, &now); !st.ok()) return Fail(st);
    std::cerr << "schema version " << now << "\n";
    return 0;
  }

  if (*report_cmd) {
    if (list_reports) {
      for (const std::string& id : report::ListTemplates(data_dir)) std::cout << id << "\n";
      return 0;
    }
    for (const auto& [flag, value] : {std::pair{"--template", &rep.template_id}, {"--period", &rep.period}})
      if (value->empty()) {
        std::cerr << "error: invalid [" << flag << "]: " << flag << " is required (or --list)\n";
        return 2;
      }
  }

  std::unique_ptr<store::Store> st_store;
  if (Status st = store::OpenStore(loc, &st_store); !st.ok()) return Fail(st);
  if (Status st = cli::EnsureOrgUnits(*st_store, data_dir); !st.ok()) return Fail(st);
  store::Store& store = *st_store;
  // Events of a signed-off period stay as confirmed, whichever command writes.
  report::GuardSignedOffPeriods(store);
  const audit::HeadPaths head_paths = audit::DefaultHeadPaths(loc.base, audit_key, audit_heads, audit_pub);
  // Whatever a command appended to the audit log is signed when it ends (serve signs as it goes).
  struct SignAtEnd {
    store::Store& store;
    const audit::HeadPaths& paths;
    bool on;
    ~SignAtEnd() {
      if (Status st = on ? cli::SignAuditHead(store, paths) : Status::Ok(); !st.ok())
        std::cerr << "error: the audit head was not signed: " << st.ToString() << "\n";
    }
  } sign_at_end{store, head_paths, !*audit_verify && !*serve};

  ind.engines_dir = loc.engines_dir;
  ind.data_dir = data_dir;
  if (*indicators) return indicator::RunIndicatorsCommand(store, ind, std::cout, std::cerr);
  if (*plan_eval) return indicator::RunPlanEvalCommand(store, ind, std::cout, std::cerr);
  if (*mortality) return indicator::RunMortalityCommand(store, ind, std::cout, std::cerr);
  rep.engines_dir = loc.engines_dir;
  rep.data_dir = data_dir;
  if (*report_cmd) return report::RunReportCommand(store, rep, std::cout, std::cerr);
  if (*signoff_cmd) return report::RunSignoffCommand(store, rep, std::cout, std::cerr);
  pub.engines_dir = loc.engines_dir;
  if (pub.public_dir.empty()) pub.public_dir = publish::DefaultPublicDir(loc.base);
  pub.data_dir = data_dir;
  if (*publish_cmd) return publish::RunPublishCommand(store, pub, std::cout, std::cerr);
  fhir_opts.audit = cli::CliAuditEntry("", "");
  if (*fhir_import) {
    cli::KeepFreedMemory(cli::Workload::kBulkLoad);
    return fhir::RunFhirImportCommand(store, fhir_opts, std::cout, std::cerr);
  }
  if (*fhir_export) return fhir::RunFhirExportCommand(store, fhir_opts, std::cout, std::cerr);
  care_opts.engines_dir = loc.engines_dir;
  care_opts.data_dir = data_dir;
  if (*worklist) return care::RunWorklistCommand(store, care_opts, std::cout, std::cerr);
  if (*serve) {
    // A new password must pass the dictionary check; without the dictionary
    // every change would fail, so say so now.
    if (Status st = auth::CheckPasswordDictionary(); !st.ok()) return Fail(st);
    // Anyone can read the published demo passwords: outside demo mode, no account may still have one.
    if (!demo_mode)
      if (int rc = cli::RefuseDemoPasswords(store, loc.Flag(), std::cerr); rc != 0) return rc;
    cli::KeepFreedMemory(cli::Workload::kServer);
    std::unique_ptr<indicator::Service> indicator_service;
    // Both engines start from their snapshots in the engines folder (docs/snapshots.md).
    if (Status st = indicator::Service::Open(store, data_dir, &indicator_service, indicator::Service::SnapshotPath(loc.engines_dir));
        !st.ok())
      return Fail(st);
    indicator::Service::Attach(store, indicator_service.get());
    std::unique_ptr<care::Service> care_service;
    if (Status st = care::Service::Open(store, data_dir, &care_service); !st.ok()) return Fail(st);
    care_service->SetSnapshotPath(loc.engines_dir + "/care.snap");
    care::Service::Attach(store, care_service.get());
    snapshot::Checkpointer checkpoints(
        store,
        {[&](int64_t* seq) { return indicator_service->Checkpoint(seq); },
         [&](int64_t* seq) { return care_service->Checkpoint(seq); }},
        std::chrono::seconds(checkpoint_seconds));
    checkpoints.SetFollow({[&](int64_t* seq) { return indicator_service->Follow(seq); },
                           [&](int64_t* seq) { return care_service->Follow(seq); }},
                          std::chrono::milliseconds(follow_ms));
    emergency::Config red_alert;
    if (Status st = emergency::Config::Load(data_dir, &red_alert); !st.ok()) return Fail(st);
    emergency::Service emergency_service(store, std::move(red_alert));
    emergency::Service::Attach(store, &emergency_service);
    // Alerts nobody acknowledged escalate on the clock, not only when someone looks.
    emergency_service.StartTicker(std::chrono::seconds(15));
    // Roles are data (data/roles/roles.json); without the file the compiled-in copy holds.
    if (std::filesystem::exists(data_dir + "/roles/roles.json"))
      if (Status st = auth::LoadRoles(data_dir + "/roles/roles.json"); !st.ok()) return Fail(st);
    api_opts.demo_mode = demo_mode;
    if (public_dir.empty()) public_dir = publish::DefaultPublicDir(loc.base);
    std::filesystem::create_directories(public_dir);
    http::Api api(store, app::Routes({data_dir, "", public_dir, loc.Beside(".fhir-export")}), api_opts);
    audit::HeadSigner head_signer(head_paths.key, head_paths.heads);
    audit::PeriodicHeadSigner signing(
        head_signer, [&store](int64_t* seq, std::string* hash) { return store.AuditChainHead(seq, hash); },
        std::chrono::seconds(audit_sign_seconds));
    // At the end: the last read entries, then the head that covers them.
    auto final_audit = [&] {
      api.FlushAudit();
      if (Status st = signing.Stop(); !st.ok()) log::Error("audit_head_sign_failed", {{"error", st.ToString()}});
    };
    so.idle_timeout = std::chrono::seconds(idle_timeout_s);
    so.host = host;
    so.port = static_cast<unsigned short>(port);
    so.threads = threads;
    so.static_dir = static_dir;
    so.embedded = http::EmbeddedWebApp();
    so.public_dir = public_dir;
    http::Server server(api, so);
    if (Status st = server.Start(); !st.ok()) return Fail(st);
    log::Info("serving", {{"url", (server.tls() ? "https://" : "http://") + host + ":" + std::to_string(server.port())},
                          {"db", loc.Display()}});
    // Build the indicator matrix and the due lists now rather than on the first
    // dashboard or worklist request; requests that need them wait for it. The
    // two engines read the database on their own connections, one core each.
    const int64_t warm_t0 = NowMillis();
    std::atomic<int> warming{2};
    auto warm = [&warming, &checkpoints, warm_t0](const char* engine, auto& service) {
      return std::thread([engine, warm_t0, &service, &warming, &checkpoints] {
        Status st = service->Refresh();
        log::Info("engine_ready", {{"engine", engine}, {"ms", NowMillis() - warm_t0}, {"status", st.ok() ? "ok" : st.ToString()}});
        // Checkpoints begin once both engines are built (before, one would build them).
        if (--warming == 0) checkpoints.Start();
      });
    };
    std::thread warm_indicators = warm("indicators", indicator_service);
    std::thread warm_care = warm("care", care_service);
    server.Run();
    if (warming > 0) {
      // Stopped while an engine was still reading the province (tens of seconds
      // on a full one): warming only reads, so nothing is lost by not waiting;
      // what the requests wrote is committed and the read audit is flushed here.
      final_audit();
      log::Info("stopped", {{"during_warmup", true}});
      std::fflush(nullptr);
      std::_Exit(0);
    }
    warm_indicators.join();
    warm_care.join();
    // A clean stop leaves snapshots of every write: the next start replays nothing.
    if (Status st = checkpoints.Stop(); !st.ok()) log::Error("checkpoint_failed", {{"error", st.ToString()}});
    final_audit();
    return 0;
  }
  if (*audit_verify) return cli::AuditVerify(store, head_paths, std::cerr);
  if (*import) return cli::Import(store, jsonl_path);
  if (*exportc) {
    size_t n = 0;
    Status st;
    if (out_path.empty()) {
      st = registry::ExportJsonl(store, std::cout, &n, confidential);
    } else {
      std::ofstream out(out_path, std::ios::binary);
      if (!out) return Fail(Status::Invalid("--out", "cannot write " + out_path));
      st = registry::ExportJsonl(store, out, &n, confidential);
    }
    if (!st.ok()) return Fail(st);
    store.AppendAudit({cli::CliAuditEntry("export", "{\"records\":" + std::to_string(n) + (confidential ? ",\"confidential\":true" : "") + "}")});
    std::cerr << "exported " << n << " records\n";
    return 0;
  }
  if (*user_add) {
    if (Status st = auth::CheckUsername(username); !st.ok()) return Fail(st);
    std::string password;
    if (isatty(STDIN_FILENO)) std::cerr << "password: ";
    std::getline(std::cin, password);
    if (Status st = auth::CheckPasswordPolicy(password, {username, full_name}); !st.ok()) return Fail(st);
    if (Status st = auth::AddUser(store, username, password, role, orgunits, full_name); !st.ok()) return Fail(st);
    nlohmann::json detail = {{"username", username}, {"role", role}, {"orgunits", orgunits}};
    store.AppendAudit({cli::CliAuditEntry("user_add", detail.dump())});
    std::cerr << "user " << username << " added\n";
    return 0;
  }
  if (*user_passwd) {
    if (isatty(STDIN_FILENO)) std::cerr << "new password: ";
    return cli::SetUserPassword(store, username, std::cin, std::cerr);
  }
  if (*demo) return cli::Demo(store, loc, demo_args, data_dir);
  return 0;
}
