#include "cli/commands.h"

#include <fstream>
#include <iostream>

#include "auth/session.h"
#include "cli/memory.h"
#include "core/log.h"
#include "orgunit/load.h"
#include "registry/jsonl.h"
#include "store/sqlite.h"

namespace u5::cli {

audit::Entry CliAuditEntry(std::string action, std::string detail) {
  audit::Entry e;
  const char* user = std::getenv("USER");
  e.user_id = "cli";
  e.username = std::string("cli:") + (user ? user : "unknown");
  e.remote = "cli";
  e.action = std::move(action);
  e.detail = std::move(detail);
  return e;
}

Status EnsureOrgUnits(const std::string& db_path, const std::string& data_dir) {
  store::Db db;
  U5_RETURN_IF_ERROR(store::Db::Open(db_path, &db));
  return orgunit::LoadOrgUnits(db, data_dir, [](std::string_view stage, size_t done, size_t total) {
    std::cerr << "\rloading org units: " << stage << " " << done << "/" << total << "      " << std::flush;
    if (done == total) std::cerr << "\n";
  });
}

int Import(store::Store& store, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "error: cannot read " << path << "\n";
    return 2;
  }
  KeepFreedMemory(Workload::kBulkLoad);
  registry::ImportResult result;
  registry::ImportOptions opts;
  opts.progress = [](std::string_view stage, size_t done, size_t total) {
    log::Info("import_progress", {{"stage", stage}, {"done", done}, {"total", total}});
  };
  Status st = registry::ImportJsonl(store, in, &result, opts);
  for (const auto& e : result.errors)
    std::cerr << path << ":" << e.line << ": " << (e.field.empty() ? "" : e.field + ": ") << e.message << "\n";
  if (!st.ok()) {
    std::cerr << "error: " << st.message() << "\n";
    return st.code() == Code::internal ? 1 : 2;
  }
  std::cerr << "imported " << result.imported << " records from " << result.lines << " lines\n";
  return 0;
}

int Demo(store::Store& store, const std::string& db_path, const demo::CliArgs& args) {
  store::User existing;
  if (store.GetUser("demo", &existing).ok()) {
    std::cerr << "demo database already initialised\n";
    return 0;
  }
  KeepFreedMemory(Workload::kBulkLoad);
  std::string province, commune;
  Status st = demo::RunFromCli(store, db_path, args, &province, &commune);
  if (st.ok()) st = auth::AddUser(store, "demo", "demo-u5-2030", "commune_worker", {commune}, "Cán bộ trạm y tế (demo)", true);
  if (st.ok()) st = auth::AddUser(store, "tinh", "demo-u5-2030", "province_officer", {province}, "Cán bộ Sở Y tế (demo)", true);
  if (!st.ok()) {
    std::cerr << "error: " << st.ToString() << "\n";
    return st.code() == Code::invalid ? 2 : 1;
  }
  return 0;
}

}  // namespace u5::cli
