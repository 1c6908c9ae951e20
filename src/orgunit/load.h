// Loads Vietnam's administrative units (both the pre-2025 three-level and the
// 2025 two-level structure), the commune health stations, the NSO old->new
// conversion table and the closure table into the orgunit tables of
// migration 1. See data/vn-admin/SOURCES.md for the files read. The files are
// parsed and checked here; the store writes the rows (store/orgunit_writer.h).
//
// Id contract (other modules rely on it):
//   VN                      country (scheme root)
//   12, 03349               2025 province (2 digits) / commune (5 digits), scheme vn2025,
//                           valid_from 2025-07-01
//   pre2025:12 / :105 / :03349  pre-2025 province / district / commune, valid_to 2025-06-30
//   tyt:03349               commune health station of 2025 commune 03349 (scheme facility)
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/store.h"

namespace u5::orgunit {

using LoadProgress = std::function<void(std::string_view stage, size_t done, size_t total)>;

// `data_dir` is the repository's data/ folder (files under data_dir/vn-admin).
// Does nothing (reads no file) when the orgunit table already has rows.
// Otherwise everything is written in one transaction: on any error nothing is
// left behind.
Status LoadOrgUnits(store::Store& store, const std::string& data_dir, const LoadProgress& progress = {});

}  // namespace u5::orgunit
