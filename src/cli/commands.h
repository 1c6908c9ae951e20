#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "audit/entry.h"
#include "audit/signed_heads.h"
#include "core/status.h"
#include "demo/run.h"
#include "store/open.h"
#include "store/store.h"

namespace u5::cli {

// An audit entry for an action taken on the command line (the operator's
// login name, remote "cli").
audit::Entry CliAuditEntry(std::string action, std::string detail);

// Loads the administrative units into the database if it has none yet.
Status EnsureOrgUnits(store::Store& store, const std::string& data_dir);
// Signs the audit chain head into the heads file if it moved since the last
// signed head (commands that append audit entries call it at their end).
Status SignAuditHead(store::Store& store, const audit::HeadPaths& paths);
// `under5 audit verify`: the chain, the signed heads and the runs by record.
// 0 when everything holds, 3 otherwise (the message names what failed).
int AuditVerify(store::Store& store, const audit::HeadPaths& paths, std::ostream& err);

int Import(store::Store& store, const std::string& path);
int Demo(store::Store& store, const store::Location& where, const demo::CliArgs& args, const std::string& data_dir);

// `under5 copy`: the SQLite file `from` (checked first: an under5 database of
// a known schema) into the store `to` (org units loaded if missing), with
// progress and a summary on `err`; the target's audit head signed at the end.
// 0, or 2 for bad input, 1 for a failure (a run again resumes).
int Copy(const std::string& from, const store::Location& to, int batch, const std::string& data_dir,
         const audit::HeadPaths& to_heads, std::ostream& err);

// The demo accounts (auth/demo_accounts.h) whose password is still one of the
// published demo passwords, disabled ones included.
Status UsersWithDemoPasswords(store::Store& store, std::vector<std::string>* usernames);
// For `serve` without --demo: 0 when no user has a published demo password;
// else prints who and how to fix it to `err` (naming the store as
// `store_flag`, "--db FILE" or "--pg URI") and returns the exit code.
int RefuseDemoPasswords(store::Store& store, const std::string& store_flag, std::ostream& err);
// `user passwd`: sets a user's password read from the first line of `in`,
// after the password policy, and ends the user's sessions.
int SetUserPassword(store::Store& store, const std::string& username, std::istream& in, std::ostream& err);

}  // namespace u5::cli
