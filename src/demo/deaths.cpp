// What follows a death in the demo: its notification (where, who told the
// commune, how late), the review per QĐ 4869/QĐ-BYT 2014 and the actions the
// board decided, each dated consistently and never after the window's end.
// The shares are the demo's own choices (docs/demo.md, "Deaths").
#include <algorithm>
#include <cmath>
#include <iterator>
#include <vector>

#include "demo/model.h"

namespace u5::demo {
namespace {

// Hours from the death to the notification: most on the day, some late.
double NotificationDelayHours(Rng& rng) {
  const double u = rng.Uniform();
  if (u < 0.60) return rng.Uniform(0.5, 12);
  if (u < 0.82) return rng.Uniform(12, 24);
  if (u < 0.95) return rng.Uniform(24, 72);
  return rng.Uniform(72, 30 * 24);
}

const char* const kDelayNotes[] = {
    "Gia đình không nhận biết dấu hiệu nguy hiểm, chờ đến sáng hôm sau mới đi khám",
    "Đường từ bản ra trạm xa, không có xe, phải khiêng bằng cáng",
    "Trạm y tế thiếu thuốc cấp cứu, chuyển tuyến muộn",
};
const char* const kActions[] = {
    "Tập huấn nhận biết dấu hiệu nguy hiểm cho nhân viên y tế thôn, bản",
    "Truyền thông cho các gia đình về đưa trẻ và bà mẹ đi khám sớm",
    "Bổ sung thuốc cấp cứu sản khoa và sơ sinh tại trạm y tế",
    "Lập phương án vận chuyển cấp cứu từ thôn, bản đến trạm y tế",
    "Tập huấn hồi sức sơ sinh cho cán bộ trạm y tế",
    "Rà soát quy trình chuyển tuyến với bệnh viện tuyến trên",
    "Quản lý thai nghén nguy cơ cao tại xã",
    "Tập huấn chăm sóc thiết yếu bà mẹ, trẻ sơ sinh (EENC)",
};
const char* const kFollowUps[] = {
    "Đã thực hiện, báo cáo tại giao ban tháng",
    "Đã hoàn thành; sẽ kiểm tra lại sau 6 tháng",
    "Đã làm xong, có biên bản kèm theo",
};

std::string BoardName(Rng& rng) { return PersonName(rng, Ethnic::kinh, rng.Chance(0.6)); }

}  // namespace

const char* DrawDeathPlace(Rng& rng, const Commune& c) {
  static const char* const kPlaces[] = {"home", "on_the_way", "commune_station", "district_hospital", "province_hospital", "other"};
  return c.remote ? kPlaces[rng.Pick({0.45, 0.10, 0.15, 0.20, 0.08, 0.02})]
                  : kPlaces[rng.Pick({0.15, 0.05, 0.05, 0.35, 0.38, 0.02})];
}

void AddNotification(Rng& rng, const Commune& c, const Emitter& out, JsonBody& b, Date d, int minute, std::string_view place,
                     Ethnic ethnic) {
  b.Str("time_of_death", LocalDateTime(d, minute)).Str("place", place);
  const bool station = place == "commune_station";
  const bool hospital = place == "district_hospital" || place == "province_hospital";
  if (station) b.Str("place_facility", StationOf(c));
  const int notified = minute + static_cast<int>(NotificationDelayHours(rng) * 60);
  const Date on{d.days + notified / (24 * 60)};
  // Not notified yet when the notification would fall after the window: the
  // record awaits its notification details, as on a worklist.
  if (on >= out.to()) return;
  static const char* const kHomeRoles[] = {"village_health_worker", "family", "commune_health_worker", "police_or_authority"};
  const char* role = station ? "commune_health_worker" : hospital ? "hospital" : kHomeRoles[rng.Pick({0.55, 0.30, 0.10, 0.05})];
  const bool staff = station || hospital;
  b.Str("notified_by", PersonName(rng, staff ? Ethnic::kinh : ethnic, rng.Chance(0.5)));
  b.Str("notifier_role", role).Str("notified_at", LocalDateTime(on, notified % (24 * 60)));
  // As registry::Validate derives it: hours to one decimal.
  b.Num("hours_to_notification", std::round(static_cast<double>(notified - minute) * 60 / 360.0) / 10);
}

ReviewPlan PlanReview(Rng& rng, const Emitter& out, Date death, bool maternal) {
  ReviewPlan p;
  const size_t k = maternal ? rng.Pick({0.85, 0.07, 0.08}) : rng.Pick({0.45, 0.15, 0.40});
  p.date = Date{death.days + (maternal ? rng.Between(7, 30) : rng.Between(10, 60))};
  p.status = k == 0 ? ReviewPlan::complete : k == 1 ? ReviewPlan::draft : ReviewPlan::none;
  if (p.date > out.to()) p.status = ReviewPlan::none;  // awaiting its review
  return p;
}

Status EmitReview(const Commune& c, Emitter& out, Rng& rng, const ReviewPlan& plan, const DeathFacts& d) {
  if (plan.status == ReviewPlan::none) return Status::Ok();
  const bool complete = plan.status == ReviewPlan::complete;
  auto r = NewEvent(out, rng, "death_review", d.person_id, c.code, plan.date, 10 * 60);
  const std::string review_id = r.id;
  JsonBody b;
  b.Str("death_id", d.death_id).Str("status", complete ? "complete" : "draft");
  b.Str("review_type", d.at_facility && rng.Chance(0.6) ? "facility" : d.maternal && rng.Chance(0.1) ? "confidential" : "community");
  b.Str("board_chair", BoardName(rng)).Str("board_secretary", BoardName(rng)).Str("board_commune_health", BoardName(rng));
  if (d.maternal || d.perinatal) b.Str("board_obstetrician", BoardName(rng));
  if (!d.maternal) b.Str("board_paediatrician", BoardName(rng));
  if (d.maternal) b.Str("board_midwife", BoardName(rng));
  b.Str("underlying_icd10", d.icd10);
  if (!complete) return out.Event(rng, std::move(r), b);

  if (d.contributing && rng.Chance(0.4)) b.Str("contributing_icd10", d.contributing);
  if (d.maternal) b.Str("icd_mm_group", d.icd_mm_group);
  if (d.perinatal) {
    static const char* const kM[] = {"m1_placenta_cord_membranes", "m2_pregnancy_complications", "m3_labour_delivery",
                                     "m4_medical_surgical", "m5_none"};
    b.Str("icd_pm_timing", "neonatal").Str("icd_pm_maternal", kM[rng.Pick({0.10, 0.15, 0.20, 0.05, 0.50})]);
  }
  const bool delay1 = rng.Chance(c.remote ? 0.6 : 0.4);
  const bool delay2 = rng.Chance(c.remote ? 0.5 : 0.2);
  const bool delay3 = rng.Chance(0.3);
  b.Bool("delay1_seeking", delay1).Bool("delay2_reaching", delay2).Bool("delay3_receiving", delay3);
  if (delay1) b.Str("delay1_note", kDelayNotes[0]);
  if (delay2) b.Str("delay2_note", kDelayNotes[1]);
  if (delay3) b.Str("delay3_note", kDelayNotes[2]);
  if (delay1) b.StrList("factors_family", rng.Chance(0.4) ? std::vector<std::string_view>{"late_recognition", "cost"}
                                                          : std::vector<std::string_view>{"late_recognition"});
  if (delay2) b.StrList("factors_administrative", {c.remote ? "distance_geography" : "transport_unavailable"});
  if (delay3) b.StrList("factors_health_worker", {rng.Chance(0.5) ? "delayed_referral" : "late_diagnosis"});
  static const char* const kAvoid[] = {"avoidable", "possibly_avoidable", "not_avoidable", "undetermined"};
  const size_t avoid = delay1 || delay2 || delay3 ? rng.Pick({0.45, 0.35, 0.15, 0.05}) : rng.Pick({0.10, 0.30, 0.45, 0.15});
  b.Str("avoidability", kAvoid[avoid]);
  b.Str("findings", delay1 || delay2 || delay3 ? "Có chậm trễ trong phát hiện, đi lại hoặc xử trí; cần củng cố mạng lưới y tế thôn, bản"
                                               : "Không phát hiện chậm trễ; tiếp tục theo dõi");
  U5_RETURN_IF_ERROR(out.Event(rng, std::move(r), b));

  // The board's actions: 1-3, due in one to four months; some done, some still open past their date.
  const int n = 1 + static_cast<int>(rng.Below(3));
  for (int i = 0; i < n; ++i) {
    auto a = NewEvent(out, rng, "review_action", d.person_id, c.code, plan.date, 10 * 60 + 30 + i);
    JsonBody ab;
    const Date due{plan.date.days + rng.Between(30, 120)};
    const double owner = rng.Uniform();
    ab.Str("review_id", review_id).Str("what", kActions[rng.Below(static_cast<uint32_t>(std::size(kActions)))]);
    ab.Str("owner_orgunit", owner < 0.6 ? c.code : owner < 0.9 ? StationOf(c) : c.profile->code);
    ab.Str("due_date", IsoDate(due));
    const bool past_due = due <= out.to();
    if (rng.Chance(past_due ? 0.7 : 0.25)) {
      const int latest = std::min(out.to().days, due.days + (past_due ? 30 : 0));
      const Date done{std::min(latest, plan.date.days + rng.Between(7, std::max(7, latest - plan.date.days)))};
      ab.Str("status", "done").Str("done_date", IsoDate(done)).Str("follow_up", kFollowUps[rng.Below(static_cast<uint32_t>(std::size(kFollowUps)))]);
    } else {
      ab.Str("status", "open");
    }
    U5_RETURN_IF_ERROR(out.Event(rng, std::move(a), ab));
  }
  return Status::Ok();
}

}  // namespace u5::demo
