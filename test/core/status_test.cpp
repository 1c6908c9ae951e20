#include <gtest/gtest.h>

#include "core/status.h"

namespace u5 {
namespace {

TEST(Status, CodesMapToHttp) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(Status::Ok().http_status(), 200);
  EXPECT_EQ(Status::Invalid("f", "m").http_status(), 422);
  EXPECT_EQ(Status::BadRequest("m").http_status(), 400);
  EXPECT_EQ(Status::Unauthenticated("m").http_status(), 401);
  EXPECT_EQ(Status::Forbidden("m").http_status(), 403);
  EXPECT_EQ(Status::NotFound("m").http_status(), 404);
  EXPECT_EQ(Status::Conflict("m").http_status(), 409);
  EXPECT_EQ(Status::TooLarge("m").http_status(), 413);
  EXPECT_EQ(Status::Internal("m").http_status(), 500);
}

TEST(Status, CarriesField) {
  Status s = Status::Invalid("birth_date", "birth_date is in the future");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.field(), "birth_date");
  EXPECT_STREQ(s.code_name(), "invalid");
  EXPECT_EQ(s.ToString(), "invalid [birth_date]: birth_date is in the future");
}

Status FailsAtSecond(int* reached) {
  *reached = 1;
  U5_RETURN_IF_ERROR(Status::Ok());
  *reached = 2;
  U5_RETURN_IF_ERROR(Status::Conflict("stale", "version"));
  *reached = 3;
  return Status::Ok();
}

TEST(Status, ReturnIfError) {
  int reached = 0;
  Status s = FailsAtSecond(&reached);
  EXPECT_EQ(reached, 2);
  EXPECT_EQ(s.code(), Code::conflict);
}

}  // namespace
}  // namespace u5
