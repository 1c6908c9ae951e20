#include "care/cli.h"

#include <filesystem>

#include "care/service.h"
#include "care/worklist.h"

namespace u5::care {

int RunWorklistCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err) {
  auto date = ParseDate(o.date);
  if (!date) {
    err << "error: --date must be YYYY-MM-DD\n";
    return 2;
  }
  if (o.days < 1 || o.days > 93) {
    err << "error: --days must be 1 to 93\n";
    return 2;
  }
  if (o.format != "csv" && o.format != "json" && o.format != "text") {
    err << "error: --format is csv, json or text\n";
    return 2;
  }
  if (!store.OrgUnitExists(o.orgunit)) {
    err << "error: unknown org unit '" << o.orgunit << "'\n";
    return 2;
  }
  const auto list = ParseWorkList(o.list);
  if (!list) {
    err << "error: --list is current, long_lost or set_aside\n";
    return 2;
  }
  std::unique_ptr<Service> svc;
  Status st = Service::Open(store, o.data_dir, &svc);
  // The server's snapshot, when there is a server's folder: the list comes from
  // it and the persons changed since, not from every record.
  if (st.ok() && !o.engines_dir.empty() && std::filesystem::is_directory(o.engines_dir))
    svc->SetSnapshotPath(o.engines_dir + "/care.snap");
  if (st.ok() && !o.kind.empty() && !KnownKind(svc->schedule(), o.kind)) {
    err << "error: --kind is epi, anc, pnc, growth, vitamin_a or health_check\n";
    return 2;
  }
  WorklistQuery q{o.orgunit, *date, Date{date->days + o.days - 1}, o.village, o.kind, *list};
  Worklist w;
  if (st.ok()) st = BuildWorklist(*svc, q, &w);
  if (!st.ok()) {
    err << "error: " << st.ToString() << "\n";
    return 1;
  }
  if (o.format == "json") out << WorklistJson(svc->schedule(), w).dump(2) << "\n";
  else if (o.format == "text") out << WorklistText(svc->schedule(), w);
  else out << WorklistCsv(svc->schedule(), w);
  err << w.persons << " persons, " << w.items << " items (lists: " << w.current << " current, " << w.long_lost << " long lost, "
      << w.set_aside << " set aside)\n";
  return 0;
}

}  // namespace u5::care
