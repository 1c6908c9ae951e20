#include "care/deaths.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/date.h"

namespace u5::care {

extern const char* const kBuiltinDeaths;

namespace {

using nlohmann::json;

// Seconds since the epoch, as core/date.h's ParseInstant.
int64_t Seconds(Clock::time_point t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); }

// The civil date in Vietnam (UTC+7) at instant `s`.
Date VietnamDate(int64_t s) { return Date{static_cast<int32_t>((s + 7 * 3600) / 86400 - ((s + 7 * 3600) % 86400 < 0))}; }

// An instant written in Vietnam's time, as the registry writes date-times.
std::string IsoVietnam(int64_t s) {
  const int64_t local = s + 7 * 3600;
  const Date d = VietnamDate(s);
  const int64_t sec = local - int64_t{d.days} * 86400;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d+07:00", FormatDate(d).c_str(), static_cast<int>(sec / 3600),
                static_cast<int>(sec / 60 % 60), static_cast<int>(sec % 60));
  return buf;
}

bool Has(const json& b, const char* k) { return b.contains(k) && !b[k].is_null(); }

// Which review deadline a death falls under; "" for a death that needs none
// (a woman 15-49 who was not a maternal death candidate).
std::string ReviewClass(const json& b) {
  const std::string cat = b.value("category", "");
  if (cat == "maternal" || b.value("maternal_candidate", false)) return "maternal";
  if (cat == "early_neonatal" || cat == "late_neonatal") return "perinatal";
  if (cat == "post_neonatal" || cat == "child_1_4") return "child";
  return {};
}

}  // namespace

Status DeathDeadlines::FromJson(const std::string& text, DeathDeadlines* out) {
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::Invalid("deaths.json", "schedules/deaths.json is not a JSON object");
  DeathDeadlines d;
  // Every value must name its source (a local choice says so), as the other schedules do.
  auto get = [&](const char* k, int* v) -> Status {
    if (!j.contains(k) || !j[k].is_number_integer() || j[k].get<int>() < 0)
      return Status::Invalid(std::string("deaths.json.") + k, std::string("schedules/deaths.json: ") + k + " must be a whole number of 0 or more");
    if (!j.contains("sources") || !j["sources"].contains(k))
      return Status::Invalid(std::string("deaths.json.") + k, std::string("schedules/deaths.json: ") + k + " has no source");
    *v = j[k].get<int>();
    return Status::Ok();
  };
  U5_RETURN_IF_ERROR(get("notification_within_hours", &d.notification_within_hours));
  U5_RETURN_IF_ERROR(get("details_complete_within_hours", &d.details_complete_within_hours));
  U5_RETURN_IF_ERROR(get("action_reminder_days_before_due", &d.action_reminder_days));
  const json r = j.value("review_within_days", json::object());
  if (!j.contains("sources") || !j["sources"].contains("review_within_days"))
    return Status::Invalid("deaths.json.review_within_days", "schedules/deaths.json: review_within_days has no source");
  for (auto [k, v] : {std::pair{"maternal", &d.review_maternal_days}, std::pair{"perinatal", &d.review_perinatal_days},
                      std::pair{"child", &d.review_child_days}}) {
    if (!r.contains(k) || !r[k].is_number_integer() || r[k].get<int>() < 0)
      return Status::Invalid("deaths.json.review_within_days", std::string("schedules/deaths.json: review_within_days.") + k + " must be a whole number of 0 or more");
    *v = r[k].get<int>();
  }
  *out = d;
  return Status::Ok();
}

Status DeathDeadlines::Load(const std::string& data_dir, DeathDeadlines* out) {
  std::string text = kBuiltinDeaths;
  if (!data_dir.empty()) {
    std::ifstream in(std::filesystem::path(data_dir) / "schedules" / "deaths.json", std::ios::binary);
    if (in) {
      std::ostringstream ss;
      ss << in.rdbuf();
      text = ss.str();
    }
  }
  return FromJson(text, out);
}

std::vector<DeathFollowUp> DeathFollowUps(const DeathDeadlines& d, const std::vector<store::Record>& records,
                                          Clock::time_point now_tp, const FollowUpScope& scope) {
  const int64_t now = Seconds(now_tp);
  const Date today = VietnamDate(now);
  std::map<std::string, bool> reviewed;  // death id -> a complete review exists
  std::vector<std::pair<const store::Record*, json>> bodies;
  for (const auto& r : records) {
    json b = json::parse(r.body, nullptr, false);
    if (!b.is_object()) continue;
    if (r.type == "death_review" && b.value("status", "") == "complete") reviewed[b.value("death_id", "")] = true;
    bodies.emplace_back(&r, std::move(b));
  }
  std::vector<DeathFollowUp> out;
  for (const auto& [r, b] : bodies) {
    DeathFollowUp f{.record_type = r->type, .record_id = r->id, .person_id = r->person_id, .orgunit = r->orgunit_id};
    if (r->type == "death" || r->type == "stillbirth") {
      const auto died = Has(b, "time_of_death") ? ParseInstant(b["time_of_death"].get<std::string>()) : ParseInstant(r->date);
      if (!died) continue;
      // Time, place and who notified when: what a review needs to start.
      const bool complete = Has(b, "time_of_death") && Has(b, "place") && (Has(b, "notified_by") || Has(b, "notifier_role")) &&
                            Has(b, "notified_at");
      if (!complete) {
        // Not yet notified: due within notification_within_hours; notified
        // but incomplete: within details_complete_within_hours.
        const bool notified = Has(b, "notified_at");
        const int64_t due = *died + int64_t{notified ? d.details_complete_within_hours : d.notification_within_hours} * 3600;
        DeathFollowUp n = f;
        n.kind = notified ? "notification_incomplete" : "notification_due";
        n.due = IsoVietnam(due);
        n.overdue = now > due;
        n.message_vi = notified ? "Bổ sung thông tin báo tử (thời gian, nơi tử vong, người báo)"
                                : "Báo tử: ghi người báo và thời điểm báo";
        n.message_en = notified ? "Complete the death notification (time, place, who notified)"
                                : "Notify the death: record who notified and when";
        out.push_back(std::move(n));
      }
      const std::string cls = r->type == "death" ? ReviewClass(b) : "perinatal";  // a stillbirth is perinatal
      if (scope.reviews && !cls.empty() && !reviewed.count(r->id)) {
        const int days = cls == "maternal" ? d.review_maternal_days : cls == "perinatal" ? d.review_perinatal_days : d.review_child_days;
        const Date due{ParseDate(r->date)->days + days};
        DeathFollowUp v = f;
        v.kind = "review_due";
        v.due = FormatDate(due);
        v.overdue = today > due;
        v.message_vi = "Thẩm định ca tử vong (hạn " + FormatDateDmy(due) + ")";
        v.message_en = "Review this death (due " + FormatDateDmy(due) + ")";
        out.push_back(std::move(v));
      }
    } else if (r->type == "review_action" && b.value("status", "") == "open") {
      const auto due = ParseDate(b.value("due_date", ""));
      if (!due || today.days < due->days - d.action_reminder_days) continue;
      f.kind = "action_due";
      f.orgunit = b.value("owner_orgunit", r->orgunit_id);
      f.due = FormatDate(*due);
      f.overdue = today > *due;
      f.message_vi = "Hành động sau thẩm định: " + b.value("what", "");
      f.message_en = "Action from a death review: " + b.value("what", "");
      out.push_back(std::move(f));
    }
  }
  // Alerts first, then by deadline.
  std::stable_sort(out.begin(), out.end(), [](const DeathFollowUp& a, const DeathFollowUp& b) {
    return a.overdue != b.overdue ? a.overdue : a.due < b.due;
  });
  return out;
}

json FollowUpJson(const DeathFollowUp& f) {
  return {{"kind", f.kind},         {"record_type", f.record_type}, {"record_id", f.record_id}, {"person_id", f.person_id},
          {"orgunit", f.orgunit},   {"due", f.due},                 {"overdue", f.overdue},     {"message", f.message_vi},
          {"message_en", f.message_en}};
}

}  // namespace u5::care
