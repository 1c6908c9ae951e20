// The stores a parametrised test runs on (names ending /sqlite and
// /postgres), a fresh empty store of either kind for one test, and seeding
// through the Store interface so that one code path serves both.
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/open.h"
#include "store/store.h"
#include "support/store_kind.h"

namespace u5::test {

// The kinds every parametrised suite of this header runs on (StoreKind, StoreKindName: store_kind.h).
std::vector<StoreKind> TestedStores();
// How gtest prints the parameter ("sqlite", "postgres") in names and failures.
void PrintTo(StoreKind kind, std::ostream* os);

// One store for one test. SQLite: the file `dir`/t.db. PostgreSQL: a new
// database on the test cluster, dropped with this object, whose local files
// (engines, publications, audit key and heads) are where every command puts
// them by default (named after the database in the working directory) and
// are removed with it.
class TestStoreLocation {
 public:
  TestStoreLocation(StoreKind kind, const std::string& dir);
  // The same, but a PostgreSQL store is a copy of the database `pg_template`
  // (TestPgTemplate, e.g. OrgUnitPgTemplate()) instead of an empty one.
  TestStoreLocation(StoreKind kind, const std::string& dir, const std::string& pg_template);
  ~TestStoreLocation();
  TestStoreLocation(const TestStoreLocation&) = delete;
  TestStoreLocation& operator=(const TestStoreLocation&) = delete;

  const store::Location& location() const { return loc_; }
  StoreKind kind() const { return kind_; }
  // The flags naming the store to any command ("--db FILE" or "--pg URI").
  std::vector<std::string> StoreArgs() const;
  Status Open(std::unique_ptr<store::Store>* out) const { return store::OpenStore(loc_, out); }
  // Raw SQL on the file or database beside the commands under test, in text
  // both dialects accept: what a command really left there. Throws on an SQL error.
  std::string QueryOne(const std::string& sql) const;
  int64_t QueryInt(const std::string& sql) const;

 private:
  struct PgDb;
  StoreKind kind_;
  store::Location loc_;
  std::unique_ptr<PgDb> pg_;
};

// The mini org-unit tree (store_kind.h) and the hospital bv:12-sannhi under
// 03390 that receives its red alerts, written through store.orgunit_writer().
void SeedMiniOrgUnitsAndHospital(store::Store& store);

}  // namespace u5::test

// INSTANTIATE_TEST_SUITE_P of a TEST_P suite over TestedStores().
#define U5_ON_BOTH_STORES(suite) \
  INSTANTIATE_TEST_SUITE_P(, suite, ::testing::ValuesIn(::u5::test::TestedStores()), ::u5::test::StoreKindName)
