#include "report/calendar.h"

#include <nlohmann/json.hpp>

namespace u5::report {

extern const char* const kBuiltinHolidays;

namespace {

Status Bad(const std::string& field, const std::string& why) { return Status::Invalid(field, "holidays: " + why); }

Status Days(const nlohmann::json& arr, const std::string& field, std::set<int32_t>* out) {
  if (arr.is_null()) return Status::Ok();
  if (!arr.is_array()) return Bad(field, field + " must be a list of dates");
  for (const auto& d : arr) {
    const auto date = d.is_string() ? ParseDate(d.get<std::string>()) : std::nullopt;
    if (!date) return Bad(field, field + " must hold dates YYYY-MM-DD");
    out->insert(date->days);
  }
  return Status::Ok();
}

}  // namespace

Status WorkCalendar::Parse(const std::string& text, WorkCalendar* out) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return Bad("file", "not a JSON object");
  WorkCalendar c;
  for (const auto& f : j.value("fixed", nlohmann::json::array())) {
    const int m = f.value("month", 0), d = f.value("day", 0);
    if (m < 1 || m > 12 || d < 1 || d > 31) return Bad("fixed", "a fixed holiday needs month 1-12 and day 1-31");
    c.fixed_.insert(m * 100 + d);
  }
  const nlohmann::json years = j.value("years", nlohmann::json::object());
  if (!years.is_object()) return Bad("years", "years must map a year to its days");
  for (const auto& [y, v] : years.items()) {
    U5_RETURN_IF_ERROR(Days(v.value("days", nlohmann::json()), "days", &c.off_));
    U5_RETURN_IF_ERROR(Days(v.value("working_weekend_days", nlohmann::json()), "working_weekend_days", &c.working_));
  }
  *out = std::move(c);
  return Status::Ok();
}

const WorkCalendar& WorkCalendar::Builtin() {
  static const WorkCalendar cal = [] {
    WorkCalendar c;
    const Status st = Parse(kBuiltinHolidays, &c);
    if (!st.ok()) throw std::runtime_error("built-in holidays_vn.json: " + st.message());
    return c;
  }();
  return cal;
}

bool WorkCalendar::IsWorkingDay(Date d) const {
  if (working_.count(d.days)) return true;
  // 1970-01-01 was a Thursday: weekday 0 = Monday ... 6 = Sunday.
  const int weekday = ((d.days + 3) % 7 + 7) % 7;
  if (weekday >= 5 || off_.count(d.days)) return false;
  int y;
  unsigned m, day;
  YmdFromDate(d, y, m, day);
  return !fixed_.count(static_cast<int>(m * 100 + day));
}

Date WorkCalendar::AddWorkingDays(Date d, int n) const {
  while (n > 0) {
    d.days++;
    if (IsWorkingDay(d)) n--;
  }
  return d;
}

}  // namespace u5::report
