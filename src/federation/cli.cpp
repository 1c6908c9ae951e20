#include "federation/cli.h"

#include <nlohmann/json.hpp>
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
  if (Status st = indicator::Service::Open(store, o.data_dir, &svc, indicator::Service::SnapshotPath(o.db_path)); !st.ok())
    return fail(st);
  PushTotals totals;
  const Status st = Push(*svc, store, o.push, out, &totals);
  // Audited on this side too, success or not: what was sent where, and what the national side said.
  audit::Entry e = o.audit;
  e.action = "national_push";
  e.record_type = "national_value";
  e.detail = nlohmann::json{{"to", o.push.url}, {"from", o.push.from}, {"to_period", o.push.to},
                            {"months_sent", totals.months_sent}, {"months_unchanged", totals.months_unchanged},
                            {"parts", totals.parts}, {"accepted", totals.accepted}, {"replaced", totals.replaced},
                            {"unchanged", totals.unchanged}, {"result", st.ok() ? "ok" : st.ToString()}}.dump();
  if (Status as = store.AppendAudit({e}); !as.ok()) return fail(as);
  if (!st.ok()) return fail(st);
  return 0;
}

}  // namespace u5::federation
