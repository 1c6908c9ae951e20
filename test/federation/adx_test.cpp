// ADX both ways: what the province writes (report::ToAdx through
// AdxDocuments) validates against data/reports/schema/adx.xsd and reads back
// as the same values; bad documents are refused naming the field.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "federation/adx.h"
#include "federation/push.h"
#include "indicator/catalogue.h"
#include "support/temp_dir.h"

namespace u5::federation {
namespace {

const std::string kSchema = std::string(U5_SOURCE_DIR) + "/data/reports/schema/adx.xsd";

store::NationalPart SamplePart() {
  store::NationalPart p{"12", "2026-07", {}};
  int n = 0;
  for (const char* ou : {"03390", "03394", "03397"})
    for (const auto& ind : indicator::Catalogue::Builtin().indicators())
      if (Pushed(ind)) {
        ++n;
        const int64_t den = n % 4 == 0 ? 0 : n % 17 + 1;
        const int64_t num = den ? n % (den + 1) : 0;
        p.values.push_back({ou, ind.id, num, den, den ? FormatValue(100.0 * num / den) : ""});
      }
  return p;
}

TEST(Adx, PartsRoundTripThroughTheSchema) {
  const store::NationalPart part = SamplePart();
  ASSERT_GT(part.values.size(), 30u);
  // Small parts: whole communes each, several documents.
  const auto docs = AdxDocuments(part, 4096, "2026-08-01T00:00:00Z");
  ASSERT_EQ(docs.size(), 3u);
  std::vector<store::NationalValue> back;
  for (const std::string& xml : docs) {
    AdxDocument doc;
    Status st = ParseAdx(xml, kSchema, &doc);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << xml.substr(0, 400);
    for (const AdxGroup& g : doc.groups) {
      EXPECT_EQ(g.dataset, kDataSet);
      std::string month;
      ASSERT_TRUE(AdxMonth(g.period, &month).ok());
      EXPECT_EQ(month, "2026-07");
      std::vector<store::NationalValue> vs;
      ASSERT_TRUE(GroupValues(indicator::Catalogue::Builtin(), g, &vs).ok());
      back.insert(back.end(), vs.begin(), vs.end());
    }
  }
  EXPECT_EQ(store::NationalFingerprint(back), store::NationalFingerprint(part.values));
  // And xmllint, the schema's other reader, agrees on the first document.
  test::TempDir dir;
  test::WriteFile(dir.File("a.xml"), docs[0]);
  const std::string cmd = "xmllint --noout --schema " + kSchema + " " + dir.File("a.xml") + " 2>/dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

TEST(Adx, BadDocumentsNameTheField) {
  AdxDocument doc;
  Status st = ParseAdx("<adx", kSchema, &doc);
  EXPECT_EQ(st.field(), "adx");
  // Well-formed but not ADX: a value that is not a number.
  st = ParseAdx(R"(<adx xmlns="urn:ihe:qrph:adx:2015" exported="2026-08-01T00:00:00Z"><group orgUnit="03390" period="2026-07-01/P1M" dataSet="U5_NATIONAL_MONTHLY"><dataValue dataElement="U5_FACILITY_DELIVERY_NUM" value="many"/></group></adx>)",
                kSchema, &doc);
  EXPECT_EQ(st.field(), "adx");
  EXPECT_NE(st.message().find("schema"), std::string::npos) << st.message();

  std::string month;
  EXPECT_EQ(AdxMonth("2026-01-01/P6M", &month).field(), "period");
  EXPECT_EQ(AdxMonth("2026-13-01/P1M", &month).field(), "period");

  std::vector<store::NationalValue> vs;
  const auto& cat = indicator::Catalogue::Builtin();
  AdxGroup g{"03390", "2026-07-01/P1M", kDataSet, {{"U5_NO_SUCH_THING_NUM", "1"}}};
  EXPECT_EQ(GroupValues(cat, g, &vs).field(), "dataElement");
  g.values = {{"U5_FACILITY_DELIVERY_NUM", "1"}};  // no denominator
  EXPECT_EQ(GroupValues(cat, g, &vs).field(), "dataElement");
  g.values = {{"U5_FACILITY_DELIVERY_NUM", "1.5"}, {"U5_FACILITY_DELIVERY_DEN", "2"}};
  EXPECT_EQ(GroupValues(cat, g, &vs).field(), "value");
  g.values = {{"U5_FACILITY_DELIVERY_NUM", "1"}, {"U5_FACILITY_DELIVERY_DEN", "2"}, {"U5_FACILITY_DELIVERY_VAL", "50"}};
  ASSERT_TRUE(GroupValues(cat, g, &vs).ok());
  ASSERT_EQ(vs.size(), 1u);
  EXPECT_EQ(vs[0].value, "50.0000");
}

}  // namespace
}  // namespace u5::federation
