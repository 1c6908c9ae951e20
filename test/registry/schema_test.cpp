#include <gtest/gtest.h>

#include "registry/schema.h"

namespace u5::registry {
namespace {

TEST(Schema, TypesFromFormData) {
  const Schema& s = Schema::Builtin();
  EXPECT_GE(s.version(), 1);
  for (const char* t : {"person", "pregnancy", "anc_visit", "delivery", "newborn", "postnatal_visit", "immunization",
                        "growth", "vitamin_a", "illness", "injury", "referral", "death"}) {
    const TypeSpec* spec = s.Type(t);
    ASSERT_NE(spec, nullptr) << t;
    EXPECT_FALSE(spec->label_vi.empty());
    ASSERT_NE(spec->Field("id"), nullptr) << t;
    EXPECT_NE(spec->Field("orgunit"), nullptr) << t;
    if (std::string(t) != "person") {
      EXPECT_TRUE(spec->Field("person_id")->required) << t;
      EXPECT_TRUE(spec->Field("date")->required) << t;
    }
  }
  EXPECT_EQ(s.Type("alien"), nullptr);
  EXPECT_TRUE(s.Type("anc_visit")->pregnancy_required);
  EXPECT_TRUE(s.Type("anc_visit")->Field("pregnancy_id")->required);
  EXPECT_TRUE(s.Type("anc_visit")->Field("trimester")->derived);
  const FieldSpec* bw = s.Type("newborn")->Field("birth_weight_g");
  ASSERT_TRUE(bw->min && bw->max);
  EXPECT_LT(*bw->min, *bw->max);
}

}  // namespace
}  // namespace u5::registry
