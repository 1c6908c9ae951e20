// JSONL import and export of registry records: one record a line, as the API
// shows it ("type" plus the record's fields, with version/created_at/
// updated_at/deleted_at/delete_reason preserved so an export re-imports
// unchanged). A file is imported whole or not at all. Format: docs/jsonl.md.
#pragma once
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace u5::registry {

struct ImportError {
  size_t line;
  std::string field;
  std::string message;
};

struct ImportResult {
  size_t lines = 0;
  size_t imported = 0;
  std::vector<ImportError> errors;  // at most max_errors
};

struct ImportOptions {
  size_t max_errors = 100;
  std::function<void(std::string_view stage, size_t done, size_t total)> progress;
};

// Ok when every line was valid and all were stored in one transaction;
// Invalid (with result->errors) when any line was bad: nothing is stored.
Status ImportJsonl(store::Store& store, std::istream& in, ImportResult* result, const ImportOptions& opts = {});
// The same from the file's bytes (a mapped file: no copy of a large file).
Status ImportJsonl(store::Store& store, std::string_view text, ImportResult* result, const ImportOptions& opts = {});
// Every record as JSONL; records of a type with a read_permission (death
// reviews) only when `confidential` is set, so that an export made for
// analysis or transfer does not carry the review board's findings.
Status ExportJsonl(store::Store& store, std::ostream& out, size_t* count, bool confidential = false);

}  // namespace u5::registry
