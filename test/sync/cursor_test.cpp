#include "sync/cursor.h"

#include <gtest/gtest.h>

namespace u5::sync {
namespace {

TEST(SyncCursor, RoundTrips) {
  const Cursor c{.db_id = "0123abcd", .base = 42, .first = true, .after_seq = 17, .after_id = "01930000-0000-7000-8000-000000000001"};
  const auto back = DecodeCursor(EncodeCursor(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->db_id, c.db_id);
  EXPECT_EQ(back->base, 42);
  EXPECT_TRUE(back->first);
  EXPECT_EQ(back->after_seq, 17);
  EXPECT_EQ(back->after_id, c.after_id);
  const auto last = DecodeCursor(EncodeCursor({.db_id = "ff", .base = 9, .first = false, .after_seq = 9}));
  ASSERT_TRUE(last);
  EXPECT_FALSE(last->first);
  EXPECT_EQ(last->after_id, "");
}

TEST(SyncCursor, RefusesWhatItDidNotWrite) {
  for (const char* bad : {"x", "s1", "s2.ab.1.0.1.", "s1..1.0.1.", "s1.ab.-1.0.1.", "s1.ab.1.2.1.", "s1.ab.1.0.x.",
                          "s1.ab.1.0.1.id.more", "s1.ab.99999999999999999999.0.1."})
    EXPECT_FALSE(DecodeCursor(bad)) << bad;
}

}  // namespace
}  // namespace u5::sync
