// The FHIR tests' demo province: a fresh store of either kind with Vietnam's
// org units (support/orgunit_store.h) and `opts.children` children of Lai Châu
// made by the demo generator.
#pragma once
#include <memory>
#include <stdexcept>

#include "demo/generator.h"
#include "support/orgunit_store.h"

namespace u5::test {

// Throws when the province cannot be made.
inline std::unique_ptr<OrgUnitStore> OpenDemoStore(StoreKind kind, const demo::Options& opts) {
  auto s = std::make_unique<OrgUnitStore>(kind);
  demo::Stats stats;
  Status st = demo::Generate(s->store(), opts, &stats);
  if (!st.ok()) throw std::runtime_error(st.ToString());
  return s;
}

inline std::unique_ptr<OrgUnitStore> OpenDemoStore(StoreKind kind, int children) {
  demo::Options opts;
  opts.children = children;
  return OpenDemoStore(kind, opts);
}

}  // namespace u5::test
