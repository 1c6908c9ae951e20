// The FHIR tests' demo province: a new SQLite file with Vietnam's org units
// and `opts.children` children of Lai Châu made by the demo generator.
#pragma once
#include <memory>
#include <string>

#include "core/status.h"
#include "demo/generator.h"
#include "orgunit/load.h"
#include "store/store.h"

namespace u5::test {

inline Status OpenDemoStore(const std::string& path, const demo::Options& opts, std::unique_ptr<store::Store>* out) {
  U5_RETURN_IF_ERROR(store::OpenSqliteStore(path, out));
  U5_RETURN_IF_ERROR(orgunit::LoadOrgUnits(**out, U5_DATA_DIR));
  demo::Stats stats;
  return demo::Generate(**out, opts, &stats);
}

inline Status OpenDemoStore(const std::string& path, int children, std::unique_ptr<store::Store>* out) {
  demo::Options opts;
  opts.children = children;
  return OpenDemoStore(path, opts, out);
}

}  // namespace u5::test
