// Same arguments and seed give a byte-identical export; another seed does not.
#include <gtest/gtest.h>

#include <sstream>

#include "demo/generator.h"
#include "demo/rng.h"
#include "demo_fixture.h"
#include "registry/jsonl.h"

namespace u5::demo {
namespace {

std::string ExportOf(const std::string& name, uint64_t seed) {
  const std::string path = testing::NewDbWithOrgUnits(name);
  std::unique_ptr<store::Store> s;
  EXPECT_TRUE(store::OpenSqliteStore(path, &s).ok());
  Options o;
  o.provinces = {"12"};
  o.children = 1500;
  o.from_year = 2025;
  o.to_year = 2026;
  o.seed = seed;
  o.today = DateFromYmd(2026, 11, 25);
  o.batch_records = 5000;  // several batches and transactions
  o.commit_records = 12000;
  Stats stats;
  Status st = Generate(*s, o, &stats);
  EXPECT_TRUE(st.ok()) << st.ToString();
  std::ostringstream out;
  size_t n = 0;
  // With the review board's records (death reviews), so that every generated record is compared.
  EXPECT_TRUE(registry::ExportJsonl(*s, out, &n, /*confidential=*/true).ok());
  EXPECT_EQ(static_cast<int64_t>(n), stats.persons + stats.events);
  EXPECT_GT(n, 10000u);
  return out.str();
}

TEST(DemoDeterminism, SameSeedSameExportOtherSeedOtherExport) {
  const std::string a = ExportOf("a.db", 7);
  const std::string b = ExportOf("b.db", 7);
  const std::string c = ExportOf("c.db", 8);
  EXPECT_EQ(HashText(a), HashText(b));
  EXPECT_TRUE(a == b);
  EXPECT_NE(HashText(a), HashText(c));
}

}  // namespace
}  // namespace u5::demo
