#include "cli/commands.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <iostream>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/demo_accounts.h"
#include "auth/password.h"
#include "auth/session.h"
#include "cli/memory.h"
#include "core/date.h"
#include "core/log.h"
#include "emergency/demo.h"
#include "indicator/service.h"
#include "orgunit/load.h"
#include "publish/publication.h"
#include "report/model.h"
#include "report/signoff.h"
#include "registry/jsonl.h"
#include "store/copy.h"

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

Status EnsureOrgUnits(store::Store& store, const std::string& data_dir) {
  return orgunit::LoadOrgUnits(store, data_dir, [](std::string_view stage, size_t done, size_t total) {
    std::cerr << "\rloading org units: " << stage << " " << done << "/" << total << "      " << std::flush;
    if (done == total) std::cerr << "\n";
  });
}

Status SignAuditHead(store::Store& store, const audit::HeadPaths& paths) {
  int64_t seq = 0;
  std::string hash;
  U5_RETURN_IF_ERROR(store.AuditChainHead(&seq, &hash));
  audit::HeadSigner signer(paths.key, paths.heads);
  return signer.Sign(seq, hash);
}

int AuditVerify(store::Store& store, const audit::HeadPaths& paths, std::ostream& err) {
  auto fail = [&](int64_t good, const std::string& what) {
    err << "audit verify FAILED after " << good << " good entries: " << what << "\n";
    return 3;
  };
  int64_t head_seq = 0;
  std::string head_hash;
  if (Status st = store.AuditChainHead(&head_seq, &head_hash); !st.ok()) return fail(0, st.message());
  // The signed heads: every one must carry a good signature before it is trusted.
  std::vector<audit::Head> heads;
  Status read = audit::ReadHeads(paths.heads, &heads);
  if (!read.ok() && read.code() != Code::not_found) return fail(0, read.message());
  std::string pub_path = paths.pub, public_key;
  if (!heads.empty()) {
    if (access(pub_path.c_str(), F_OK) != 0 && access(paths.key.c_str(), F_OK) == 0) pub_path = paths.key;
    if (Status st = audit::LoadPublicKey(pub_path, &public_key); !st.ok())
      return fail(0, "no public key to check the signed heads with: " + st.message());
    for (const audit::Head& h : heads) {
      if (!audit::VerifySignature(h, public_key))
        return fail(0, "the signed head on line " + std::to_string(h.line) + " of " + paths.heads + " (entry " +
                           std::to_string(h.seq) + ") does not verify with the public key " + pub_path +
                           " (forged, altered, or signed with another key)");
      if (h.count != h.seq)
        return fail(0, "the signed head on line " + std::to_string(h.line) + " counts " + std::to_string(h.count) +
                           " entries for seq " + std::to_string(h.seq));
    }
  }
  audit::HeadsCheck check(heads);
  int64_t checked = 0;
  if (Status st = store.VerifyAudit(&checked, [&](const audit::Entry& e) { return check.Visit(e); }); !st.ok())
    return fail(checked, st.message());
  if (Status st = check.Finish(checked); !st.ok()) return fail(checked, st.message());
  if (checked > 0 && heads.empty())
    return fail(checked, "no signed heads: " + paths.heads + (read.ok() ? " is empty" : " is missing") +
                             " but the log holds " + std::to_string(checked) +
                             " entries, so a rewritten or shortened log could not be told apart");
  err << "audit verify ok: " << checked << " entries, chain intact";
  if (!heads.empty()) {
    const audit::Head& last = heads.back();
    err << "; " << heads.size() << " signed heads verified with " << pub_path << ", the last at entry " << last.seq
        << " signed " << last.at << "; " << (checked - last.seq) << " entries after it";
  }
  err << "; entries by record match the log\n";
  return 0;
}

namespace {

// A regular file mapped read-only: the import reads a file of hundreds of MB
// where the kernel already holds it, instead of copying it into as much fresh
// memory (zeroed page by page first: tenths of a second on this kind of VM).
// A file truncated during the import would end the process (SIGBUS) before the
// commit: nothing is stored, as after any crash.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (p != MAP_FAILED) {
        data_ = static_cast<const char*>(p);
        size_ = static_cast<size_t>(st.st_size);
      }
    }
    close(fd);
  }
  ~MappedFile() {
    if (data_) munmap(const_cast<char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  // Empty when the file is not a non-empty regular file (a pipe, /dev/stdin): read it as a stream.
  std::string_view text() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace

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
  const MappedFile mapped(path);
  Status st = mapped.text().empty() ? registry::ImportJsonl(store, in, &result, opts)
                                    : registry::ImportJsonl(store, mapped.text(), &result, opts);
  for (const auto& e : result.errors)
    std::cerr << path << ":" << e.line << ": " << (e.field.empty() ? "" : e.field + ": ") << e.message << "\n";
  if (!st.ok()) {
    std::cerr << "error: " << st.message() << "\n";
    return st.code() == Code::internal ? 1 : 2;
  }
  std::cerr << "imported " << result.imported << " records from " << result.lines << " lines\n";
  return 0;
}

namespace {

Status PublishDemoYear(store::Store& store, const store::Location& where, const std::string& data_dir, const std::string& province) {
  store::User tinh;
  if (!store.GetUser("tinh", &tinh).ok()) return Status::Ok();  // no province account in this demo
  std::unique_ptr<indicator::Service> svc;
  U5_RETURN_IF_ERROR(indicator::Service::Open(store, data_dir, &svc, indicator::Service::SnapshotPath(where.engines_dir)));
  indicator::Period year;
  U5_RETURN_IF_ERROR(indicator::ParsePeriod("2025", &year));
  report::SignoffAction a{province, year.text, tinh.username, "", report::FiguresJson(*svc, province, year), Today(), tinh.id, "demo"};
  U5_RETURN_IF_ERROR(report::ClosePeriod(store, a));
  publish::PublishInput in{province, year.text, tinh.username, tinh.id, "demo", publish::DefaultPublicDir(where.base), ""};
  publish::PublishResult r;
  U5_RETURN_IF_ERROR(publish::Publish(store, *svc, in, &r));
  std::fprintf(stderr, "demo: %s %s signed off and published into %s\n", province.c_str(), year.text.c_str(), in.public_dir.c_str());
  return Status::Ok();
}

}  // namespace

int Demo(store::Store& store, const store::Location& where, const demo::CliArgs& args, const std::string& data_dir) {
  store::User existing;
  if (store.GetUser("demo", &existing).ok()) {
    std::cerr << "demo database already initialised\n";
    return 0;
  }
  KeepFreedMemory(Workload::kBulkLoad);
  std::string province, commune;
  Status st = demo::RunFromCli(store, where.target, args, &province, &commune);
  // The published password (auth/demo_accounts.h): `serve` refuses this
  // database without --demo until every such password is changed. It is a
  // known password, not an initial one handed to a person, so the accounts
  // are not marked as having to change it (the users page would say so).
  for (const auth::DemoAccount& a : auth::DemoAccounts()) {
    if (a.orgunit && !store.OrgUnitExists(a.orgunit)) continue;
    const std::string unit = a.orgunit ? a.orgunit : a.province ? province : commune;
    if (st.ok()) st = auth::AddUser(store, a.username, auth::kDemoPassword, a.role, {unit}, a.full_name, false);
  }
  // A year of red-alert referrals, a few still open now (docs/demo.md).
  emergency::Config red_alert;
  if (st.ok()) st = emergency::Config::Load(data_dir, &red_alert);
  emergency::DemoSummary alerts;
  if (st.ok()) st = emergency::GenerateDemo(store, red_alert, province, NowMillis() / 1000, args.seed, &alerts);
  if (st.ok() && alerts.cases > 0)
    std::fprintf(stderr, "demo: %d red-alert referrals (%d red, %d escalated, %d still open, %d died, %d transferred)\n",
                 alerts.cases, alerts.red, alerts.escalated, alerts.open, alerts.died, alerts.transferred);
  // The province officer signs off the province's year 2025 and publishes it,
  // so the public page has a publication (docs/demo.md). Events dated in 2025
  // under the province are frozen from then on.
  if (st.ok()) st = PublishDemoYear(store, where, data_dir, province);
  if (!st.ok()) {
    std::cerr << "error: " << st.ToString() << "\n";
    return st.code() == Code::invalid ? 2 : 1;
  }
  return 0;
}

int Copy(const std::string& from, const store::Location& to, int batch, const std::string& data_dir,
         const audit::HeadPaths& to_heads, std::ostream& err) {
  auto fail = [&](const Status& st) {
    err << "error: " << st.ToString() << "\n";
    return st.code() == Code::invalid ? 2 : 1;
  };
  int version = 0;
  if (Status st = store::CheckSqliteDatabase(from, &version); !st.ok()) return fail(st);
  std::unique_ptr<store::Store> source, target;
  if (Status st = store::OpenSqliteStore(from, &source); !st.ok()) return fail(st);
  if (Status st = store::OpenStore(to, &target); !st.ok()) return fail(st);
  if (Status st = EnsureOrgUnits(*target, data_dir); !st.ok()) return fail(st);
  store::CopyOptions o;
  o.batch = batch;
  o.source_name = from;
  o.actor = CliAuditEntry("copy", "");
  o.progress = [&err](std::string_view stage, int64_t done) { err << "copy: " << stage << " " << done << "\n"; };
  store::CopyReport r;
  Status st = store::CopyStore(*source, *target, o, &r);
  // What was committed before a failure is signed as well: a run again resumes from it.
  if (Status sign = SignAuditHead(*target, to_heads); !sign.ok() && st.ok()) st = sign;
  if (!st.ok()) {
    err << "copy stopped; what was committed stays, and running the same copy again resumes\n";
    return fail(st);
  }
  err << "copied " << from << " (schema " << version << ") into " << to.Display() << ": records " << r.records_added
      << " added, " << r.records_replaced << " brought up to the source's version, " << r.records_kept
      << " already there; users " << r.users_added << " added, " << r.users_kept << " already there; audit entries "
      << r.audit_copied << "; care acknowledgements " << r.care_acks << ", follow-up statuses " << r.care_statuses
      << "; emergencies " << r.emergencies_added << " added, " << r.emergencies_replaced << " updated; entered values "
      << r.aggregates << ", sign-off rows " << r.signoffs << "\n";
  for (const std::string& u : r.users_taken)
    err << "warning: user " << u << " not copied: the target has another user of that name\n";
  return 0;
}

Status UsersWithDemoPasswords(store::Store& store, std::vector<std::string>* usernames) {
  usernames->clear();
  // Only the demo accounts can hold a published password: every other way to
  // set one (user add, user passwd, the API) applies the policy, which refuses
  // them. Checking those few keeps serve's start free of an argon2id check per user.
  for (const auto& a : auth::DemoAccounts()) {
    store::User u;
    if (!store.GetUser(a.username, &u).ok()) continue;
    for (const std::string& pw : auth::PublishedDemoPasswords())
      if (auth::VerifyPassword(pw, u.password_hash)) {
        usernames->push_back(u.username);
        break;
      }
  }
  return Status::Ok();
}

int RefuseDemoPasswords(store::Store& store, const std::string& store_flag, std::ostream& err) {
  std::vector<std::string> users;
  if (Status st = UsersWithDemoPasswords(store, &users); !st.ok()) {
    err << "error: " << st.ToString() << "\n";
    return 1;
  }
  if (users.empty()) return 0;
  std::string names, passwords;
  for (const auto& u : users) names += (names.empty() ? "" : ", ") + u;
  for (const auto& p : auth::PublishedDemoPasswords()) passwords += (passwords.empty() ? "" : ", ") + p;
  err << "error: refusing to serve " << store_flag << " without --demo: these users still have a published demo password ("
      << passwords << "), which anyone can look up: " << names << "\n"
      << "Give each a new password (read from standard input; the password policy applies), e.g.\n";
  for (const auto& u : users) err << "  build/under5 user passwd " << store_flag << " --username " << u << "\n";
  err << "or serve this demo database with --demo.\n";
  return 2;
}

int SetUserPassword(store::Store& store, const std::string& username, std::istream& in, std::ostream& err) {
  store::User u;
  if (!store.GetUser(username, &u).ok()) {
    err << "error: invalid [username]: no user " << username << "\n";
    return 2;
  }
  std::string password;
  std::getline(in, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (Status st = auth::CheckPasswordPolicy(password, {u.username, u.full_name}, "password"); !st.ok()) {
    err << "error: " << st.ToString() << "\n";
    return st.code() == Code::invalid ? 2 : 1;
  }
  // A password set by the operator is final, as with `user add`. SaveUser
  // ends every session of the user with the changed hash, in the audit
  // entry's transaction.
  u.must_change_password = false;
  audit::Entry e = CliAuditEntry("user_password_reset", nlohmann::json({{"changed", nlohmann::json::object()}}).dump());
  e.at = NowIso();
  e.record_type = "user";
  e.record_id = u.id;
  if (!u.orgunits.empty()) e.orgunit_id = u.orgunits.front();
  Status st = auth::HashPassword(password, &u.password_hash);
  if (st.ok()) st = store.SaveUser(u, false, e);
  if (!st.ok()) {
    err << "error: " << st.ToString() << "\n";
    return 1;
  }
  err << "password of " << username << " changed; their sessions ended\n";
  return 0;
}

}  // namespace u5::cli
