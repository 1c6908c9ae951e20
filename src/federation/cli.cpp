#include "federation/cli.h"

#include <ostream>

#include "indicator/service.h"

namespace u5::federation {

int RunPushCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err) {
  auto fail = [&err](const Status& st) {
    err << "error: " << st.ToString() << "\n";
    return st.code() == Code::invalid ? 2 : 1;
  };
  std::unique_ptr<indicator::Service> svc;
  // The indicator engine starts from its snapshot beside the database when there is one.
  if (Status st = indicator::Service::Open(store, o.data_dir, &svc, indicator::Service::SnapshotPath(o.engines_dir)); !st.ok())
    return fail(st);
  PushTotals totals;
  // Audited on this side too, success or not: what was sent where, and what the national side said.
  if (Status st = PushAudited(*svc, store, o.push, o.audit, out, &totals); !st.ok()) return fail(st);
  return 0;
}

}  // namespace u5::federation
