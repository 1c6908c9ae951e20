// Packed entries (packed.h): what is packed is what is unpacked, whatever the
// strings (UUIDs or not, long, empty, shared or a person's own), and a block
// cut or with a count, offset or number out of range is refused.
#include "care/packed.h"

#include <gtest/gtest.h>

#include <cstring>

namespace u5::care {
namespace {

Entry Unusual() {
  Entry e;
  e.person = {"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "03390", std::string(300, 'x'), "female", "Bản Hon", "", "NOT-A-UUID"};
  e.person.birth = Date{19000};
  e.wake = Date{19010};
  e.until = Date{INT32_MAX};
  e.plan.person_id = e.person.id;
  e.plan.birth = e.person.birth;
  Item a;
  a.id = "anc.t1@0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B";  // upper case: kept as text
  a.rule = "anc.t1";
  a.group = "anc";
  a.pregnancy_id = "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B";
  a.done = Date{19020};
  a.done_event = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c";
  a.rejected = {{"ev-1", Date{19001}, "before the minimum age"}, {"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d", Date{19002}, "after the maximum age"}};
  a.earliest = Date{19000}, a.due = Date{19005}, a.late = Date{19030};
  a.max = Date{-5};
  Item b;
  b.id = "anc.t2@p";
  b.rule = "anc.t2";
  b.group = "anc";
  b.pregnancy_id = "p";
  b.closed = "pregnancy ended";
  b.after = 0;
  b.interval = Span{4, 'w'};
  b.grace_days = 28;
  b.last_done = Date{0};
  Item c;
  c.id = "vita@2026-06";
  c.rule = "vita";
  c.group = "vitamin_a";
  c.vaccine = true;
  c.after = 1;
  e.plan.items = {a, b, c};
  Alert x;
  x.rule = "vaccine_overdue";
  x.person_id = e.person.id;
  x.item_id = "vita@2026-06";
  x.id = x.rule + ":" + x.person_id + ":" + x.item_id;
  x.from = Date{19100};
  x.message = "Tiêm chủng: quá hạn hơn 30 ngày";
  x.message_en = std::string(600, 'm');
  Alert y = x;
  y.rule = "high_risk_not_seen";
  y.record_id = "rec";
  y.item_id = "";
  y.id = "high_risk_not_seen:rec:2026-01-01";
  y.until = Date{19200};
  Alert z = y;
  z.id = "delivery_missing:rec";
  z.rule = "delivery_missing";
  e.alerts = {x, y, z};
  return e;
}

std::string Text(const Entry& e) {
  std::string s = e.person.id + "|" + e.person.orgunit + "|" + e.person.full_name + "|" + e.person.sex + "|" + e.person.village +
                  "|" + e.person.phone + "|" + e.person.mother_id + "|" + std::to_string(e.person.birth.days) + "|" +
                  std::to_string(e.wake.days) + "," + std::to_string(e.until.days) + "|" + e.plan.person_id +
                  std::to_string(e.plan.birth.days) + std::to_string(e.plan.dead) + std::to_string(e.plan.child);
  auto d = [](const std::optional<Date>& x) { return x ? std::to_string(x->days) : std::string("-"); };
  for (const Item& it : e.plan.items) {
    s += "\n" + it.id + "|" + std::string(it.rule) + "|" + std::string(it.group) + "|" + it.pregnancy_id + "|" + it.done_event + "|" +
         std::string(it.closed) + "|" + d(it.done) + d(it.last_done) + "|" + std::to_string(it.earliest.days) + "," +
         std::to_string(it.due.days) + "," + std::to_string(it.late.days) + "," + d(it.max) + "|" + std::to_string(it.after) + "|" +
         (it.interval ? std::to_string(it.interval->n) + it.interval->unit : "-") + "|" + std::to_string(it.grace_days) +
         std::to_string(it.vaccine);
    for (const auto& r : it.rejected) s += "|" + r.event_id + "@" + std::to_string(r.date.days) + ":" + std::string(r.reason);
  }
  for (const Alert& a : e.alerts)
    s += "\n" + a.id + "|" + a.rule + "|" + a.person_id + "|" + a.record_id + "|" + a.item_id + "|" + std::to_string(a.from.days) +
         d(a.until) + "|" + a.message + "|" + a.message_en;
  return s;
}

TEST(CarePacked, UnpackGivesWhatWasPacked) {
  Tables t;
  Packer packer(t);
  const Entry e = Unusual();
  Block b = packer.Pack(e);
  EXPECT_EQ(BlockId(b.get()), e.person.id);
  EXPECT_EQ(BlockWake(b.get()), e.wake);
  EXPECT_EQ(BlockUntil(b.get()), e.until);
  EXPECT_TRUE(ValidBlock(b.get(), BlockBytes(b.get()), t));
  EXPECT_TRUE(ValidShapes(&t));
  Entry out;
  Unpack(b.get(), t, &out);
  EXPECT_EQ(Text(out), Text(e));
  // Over an entry that held more (its buffers reused): the same.
  Entry big = Unusual();
  big.plan.items.resize(10);
  big.alerts.resize(7);
  Unpack(b.get(), t, &big);
  EXPECT_EQ(Text(big), Text(e));
  // Lite, then each item's and alert's strings: the same again.
  Entry lite;
  UnpackLite(b.get(), t, &lite);
  EXPECT_TRUE(lite.plan.items[0].id.empty() && lite.alerts[0].message.empty());
  EXPECT_EQ(lite.alerts[1].rule, "high_risk_not_seen");
  for (size_t i = 0; i < lite.plan.items.size(); ++i) UnpackItemText(b.get(), t, i, &lite.plan.items[i]);
  for (size_t i = 0; i < lite.alerts.size(); ++i) UnpackAlertText(b.get(), t, i, &lite.alerts[i]);
  EXPECT_EQ(Text(lite), Text(e));
  Person p;
  UnpackPerson(b.get(), t, &p);
  EXPECT_EQ(p.full_name, e.person.full_name);
  EXPECT_EQ(p.mother_id, "NOT-A-UUID");
}

TEST(CarePacked, BrokenBlocksAreRefused) {
  Tables t;
  Packer packer(t);
  Block b = packer.Pack(Unusual());
  const size_t bytes = BlockBytes(b.get());
  std::vector<uint32_t> w(b.get(), b.get() + bytes / 4);
  // Cut: the size no longer matches, or the fixed part does not fit.
  for (size_t cut = 0; cut < bytes; cut += 4) EXPECT_FALSE(ValidBlock(w.data(), cut, t)) << cut;
  auto refused = [&](size_t word, uint32_t value) {
    std::vector<uint32_t> x = w;
    x[word] = value;
    return !ValidBlock(x.data(), bytes, t);
  };
  // Head: size, counts, a text offset past the end, a name past the table.
  EXPECT_TRUE(refused(0, static_cast<uint32_t>(bytes + 4)));
  EXPECT_TRUE(refused(1, 1000));
  EXPECT_TRUE(refused(2, 1000));
  EXPECT_TRUE(refused(3, 0));
  EXPECT_TRUE(refused(9, 0x00ffffff));
  EXPECT_TRUE(refused(14, 0x80000000u | 999999));
  // First item (after the 15 words of the head): its shape, and an `after` not before it.
  EXPECT_TRUE(refused(15 + 9, 999999));
  EXPECT_TRUE(refused(15 + 9, 0));
  EXPECT_TRUE(refused(15 + 10, 0x00020005));  // after = 5 on item 0 (its 2 rejected kept)
  EXPECT_TRUE(refused(15 + 6, 0x7ffffff0));   // its id's offset
  // Flags no entry has.
  EXPECT_TRUE(refused(7, 8));
  EXPECT_TRUE(ValidBlock(w.data(), bytes, t));
}

}  // namespace
}  // namespace u5::care
