#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

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

// The API's record collections come from registry.json; these are the
// addresses clients (the web app, scripts, other systems) already use.
TEST(Schema, CollectionsOfTheApiInTheFilesOrder) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"persons", "person"},         {"pregnancies", "pregnancy"},
      {"anc-visits", "anc_visit"},   {"deliveries", "delivery"},
      {"newborns", "newborn"},       {"postnatal-visits", "postnatal_visit"},
      {"immunizations", "immunization"}, {"growth-measurements", "growth"},
      {"vitamin-a", "vitamin_a"},    {"illnesses", "illness"},
      {"injuries", "injury"},        {"referrals", "referral"},
      {"deaths", "death"},          {"stillbirths", "stillbirth"},
      {"death-reviews", "death_review"}, {"review-actions", "review_action"},
      {"health-checks", "health_check"}};
  EXPECT_EQ(Collections(), expected);
  for (const auto& [collection, type] : expected) {
    EXPECT_EQ(TypeOfCollection(collection), type);
    EXPECT_EQ(CollectionOfType(type), collection);
    EXPECT_EQ(Schema::Builtin().Type(type)->collection, collection);
  }
}

TEST(Schema, EveryTypeHasOneCollection) {
  std::set<std::string> seen;
  for (const std::string& type : Schema::Builtin().TypeNames()) {
    const std::string c = CollectionOfType(type);
    EXPECT_FALSE(c.empty()) << type;
    EXPECT_TRUE(seen.insert(c).second) << c << " names two types";
    EXPECT_EQ(c.find_first_not_of("abcdefghijklmnopqrstuvwxyz-"), std::string::npos) << c;
  }
  EXPECT_EQ(seen.size(), Collections().size());
}

TEST(Schema, UnknownCollectionOrTypeIsEmpty) {
  for (const char* name : {"", "person", "anc_visit", "Persons", "persons/", "users", "schema"}) {
    EXPECT_EQ(TypeOfCollection(name), "") << name;
  }
  for (const char* name : {"", "persons", "anc-visits", "Person", "user"}) {
    EXPECT_EQ(CollectionOfType(name), "") << name;
  }
}

}  // namespace
}  // namespace u5::registry
