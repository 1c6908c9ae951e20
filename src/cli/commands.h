#pragma once
#include <string>

#include "audit/entry.h"
#include "core/status.h"
#include "demo/run.h"
#include "store/store.h"

namespace u5::cli {

// An audit entry for an action taken on the command line (the operator's
// login name, remote "cli").
audit::Entry CliAuditEntry(std::string action, std::string detail);

// Loads the administrative units into the database if it has none yet.
Status EnsureOrgUnits(const std::string& db_path, const std::string& data_dir);
int Import(store::Store& store, const std::string& path);
int Demo(store::Store& store, const std::string& db_path, const demo::CliArgs& args);

}  // namespace u5::cli
