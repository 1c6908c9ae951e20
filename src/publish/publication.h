// A province's publication of a signed-off period (docs/publication.md, the
// contract with the public page): the JSON and CSV files built from the
// indicator service with small cells suppressed, written atomically into the
// public dir, and the store's row with its audit entry.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "indicator/period.h"
#include "indicator/service.h"
#include "store/publications.h"
#include "store/store.h"

namespace u5::publish {

struct PublishInput {
  std::string orgunit, period;
  std::string username, user_id, remote;  // who publishes (audit entry, store row)
  std::string public_dir;
  std::string at;  // ISO 8601 UTC of the publication; empty: now (tests fix it)
};

struct PublishResult {
  store::PublicationRow row;
  std::vector<std::string> files;  // relative to the public dir
};

// The public dir of a database when none is given: "<db file>.public".
std::string DefaultPublicDir(const std::string& db_path);

// The checks of a publication request: 422 on orgunit (not a 2025-scheme
// province) or period (not a year or half year), 409 on period when the
// province's period is not signed off (its latest sign-off action is not
// "close"). The caller checks the user's scope.
Status CheckRequest(store::Store& store, const std::string& orgunit, const std::string& period, indicator::Period* p,
                    std::string* signed_off_at);

// Builds, writes and records the publication (a new version when published before).
Status Publish(store::Store& store, indicator::Service& svc, const PublishInput& in, PublishResult* out);

// The publication JSON of (province, period), with published_at and version
// as given; `earlier` are the store's rows of the province (for the trend).
Status BuildPublication(store::Store& store, indicator::Service& svc, const std::string& orgunit, const indicator::Period& p,
                        const std::vector<store::PublicationRow>& earlier, nlohmann::json* out);
// The same figures as the contract's CSV (UTF-8 with BOM, CRLF).
std::string PublicationCsv(const nlohmann::json& pub);

}  // namespace u5::publish
