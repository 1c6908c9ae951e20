#include "fhir/elements.h"

#include <gtest/gtest.h>

#include "fhir/mapping.h"

namespace u5::fhir {
namespace {

TEST(FhirIds, PrimaryAndPartIds) {
  auto p = ParseId("0176bb86-8fb5-7119-9245-9c5c697dc0df");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->record_id, "0176bb86-8fb5-7119-9245-9c5c697dc0df");
  EXPECT_EQ(p->part, "");
  auto q = ParseId("0176bb86-8fb5-7119-9245-9c5c697dc0df-weight");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->record_id, "0176bb86-8fb5-7119-9245-9c5c697dc0df");
  EXPECT_EQ(q->part, "weight");
  for (const char* bad : {"", "abc", "0176bb86-8fb5-7119-9245-9c5c697dc0dX", "0176bb86-8fb5-7119-9245-9c5c697dc0df-",
                          "0176bb86-8fb5-7119-9245-9c5c697dc0df_weight", "0176bb86-8fb5-7119-9245-9c5c697dc0df-we ight"})
    EXPECT_FALSE(ParseId(bad)) << bad;
}

TEST(FhirElements, ReferencesNameTheirElementWhenWrong) {
  json enc = {{"resourceType", "Encounter"}, {"subject", {{"reference", "Patient/abc"}}}};
  std::string id;
  ASSERT_TRUE(ReadRef(enc, "subject", "Patient", "Encounter.subject", true, &id).ok());
  EXPECT_EQ(id, "abc");
  Status st = ReadRef(enc, "subject", "Group", "Encounter.subject", true, &id);
  EXPECT_EQ(st.field(), "Encounter.subject");
  st = ReadRef(enc, "episodeOfCare", "EpisodeOfCare", "Encounter.episodeOfCare", true, &id);
  EXPECT_EQ(st.field(), "Encounter.episodeOfCare");
  EXPECT_TRUE(ReadRef(enc, "episodeOfCare", "EpisodeOfCare", "Encounter.episodeOfCare", false, &id).ok());
  EXPECT_EQ(id, "");
}

TEST(FhirElements, ExtensionsAndCodes) {
  json res = {{"resourceType", "Encounter"}};
  AddExtension(res, "iron-folate", "Boolean", true);
  json v;
  ASSERT_TRUE(ReadExtension(res, "iron-folate", "Boolean", "Encounter.extension", &v).ok());
  EXPECT_EQ(v, true);
  EXPECT_FALSE(ReadExtension(res, "iron-folate", "Integer", "Encounter.extension", &v).ok());
  res["type"] = json::array({Concept(kRecordTypeSystem, "anc_visit").ToJson()});
  std::string code;
  ASSERT_TRUE(ReadCode(res, "type", kRecordTypeSystem, "Encounter.type", true, &code).ok());
  EXPECT_EQ(code, "anc_visit");
  EXPECT_EQ(ReadCode(res, "type", kSnomed, "Encounter.type", true, &code).field(), "Encounter.type.coding");
  res["photo"] = 1;
  EXPECT_EQ(OnlyKnownElements(res, {"type"}).field(), "Encounter.photo");
}

TEST(FhirElements, OrgUnitReferenceByIdentifier) {
  json enc = {{"serviceProvider", OrgUnitRef("03388", "Phường Đoàn Kết").ToJson()}};
  std::string id;
  ASSERT_TRUE(ReadOrgUnitRef(enc, "serviceProvider", "Encounter.serviceProvider", true, &id).ok());
  EXPECT_EQ(id, "03388");
  enc["serviceProvider"] = {{"reference", "Organization/1"}};
  EXPECT_EQ(ReadOrgUnitRef(enc, "serviceProvider", "Encounter.serviceProvider", true, &id).field(),
            "Encounter.serviceProvider.identifier");
}

}  // namespace
}  // namespace u5::fhir
