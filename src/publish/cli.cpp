#include "publish/cli.h"

#include "publish/publication.h"

namespace u5::publish {

int RunPublishCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const Status& st) {
    err << "error: " << st.ToString() << "\n";
    return st.code() == Code::invalid ? 2 : 1;
  };
  store::User u;
  if (!store.GetUser(o.user, &u).ok())
    return fail(Status::Invalid("--user", "no user '" + o.user + "' (a publication is recorded under a user's id)"));
  std::unique_ptr<indicator::Service> svc;
  if (Status st = indicator::Service::Open(store, o.data_dir, &svc, indicator::Service::SnapshotPath(o.engines_dir)); !st.ok()) return fail(st);
  PublishInput in{o.orgunit, o.period, u.username, u.id, "cli", o.public_dir, ""};
  PublishResult r;
  if (Status st = Publish(store, *svc, in, &r); !st.ok()) return fail(st);
  out << r.row.orgunit << "," << r.row.period << ",version " << r.row.version << "," << in.public_dir << "\n";
  return 0;
}

}  // namespace u5::publish
