// `under5 fhir-import` and `under5 fhir-export`: a transaction Bundle file
// into the database through the FHIR write path (all or nothing), and the
// records of an org unit out as $export's NDJSON files or as one transaction
// Bundle that re-imports keeping ids (docs/fhir.md).
#pragma once
#include <ostream>
#include <string>

#include "audit/entry.h"
#include "store/store.h"

namespace u5::fhir {

struct CliOptions {
  std::string file;         // fhir-import: the Bundle
  std::string orgunit;      // fhir-export: the org unit (its subtree)
  std::string out_dir;      // fhir-export: NDJSON files, one per resource type
  std::string bundle_path;  // fhir-export: one transaction Bundle of PUT entries
  audit::Entry audit;       // who runs the command (cli::CliAuditEntry); action and detail are set here
};

// 0 stored; 2 a bad Bundle (the entry and element named on `err`), nothing stored; 1 failed.
int RunFhirImportCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err);
// 0 written; 2 bad options; 1 failed.
int RunFhirExportCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err);

}  // namespace u5::fhir
