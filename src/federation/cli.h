// `under5 push` (docs/federation.md): a province's monthly aggregates to the national instance.
#pragma once
#include <iosfwd>
#include <string>

#include "audit/entry.h"
#include "federation/push.h"
#include "store/store.h"

namespace u5::federation {

struct CliOptions {
  std::string engines_dir, data_dir;
  PushOptions push;
  audit::Entry audit;  // who runs the push (cli:<user>): the province's own record of it
};

// 0 when every month is held by the national side as this database counts
// it; non-zero with the reason on `err` otherwise (2: bad options).
int RunPushCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err);

}  // namespace u5::federation
