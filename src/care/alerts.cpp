#include "care/alerts.h"

namespace u5::care {
namespace {

std::optional<Date> DateField(const Fact& f, const char* k) {
  const std::string* v = f.Get(k);
  if (!v || v->size() < 3) return std::nullopt;
  return ParseDate(std::string_view(*v).substr(1, v->size() - 2));
}

void VaccineAlerts(const Schedule& s, const Plan& plan, std::vector<Alert>* out) {
  for (const auto& it : plan.items) {
    if (!it.vaccine || it.done) continue;
    Date late = it.late;
    if (it.after >= 0) {
      const Item& prev = plan.items[static_cast<size_t>(it.after)];
      if (!prev.done) continue;  // the earlier dose carries the alert
      if (it.interval) late = std::max(late, Date{std::max(it.due, it.interval->After(*prev.done)).days + it.grace_days});
    }
    Alert a;
    a.rule = "vaccine_overdue";
    a.id.reserve(a.rule.size() + plan.person_id.size() + it.id.size() + 2);
    a.id.append(a.rule).append(":").append(plan.person_id).append(":").append(it.id);
    a.person_id = plan.person_id;
    a.item_id = it.id;
    a.from = Date{late.days + s.alerts().vaccine_overdue_days + 1};
    a.until = it.max;
    a.message = std::string(s.Label(it.rule)) + ": quá hạn hơn " + std::to_string(s.alerts().vaccine_overdue_days) + " ngày";
    if (!a.until || a.from <= *a.until) out->push_back(std::move(a));
  }
}

void PregnancyAlerts(const Schedule& s, const History& h, std::vector<Alert>* out) {
  const AlertConfig& c = s.alerts();
  for (const auto& p : h.events) {
    if (p.type != "pregnancy") continue;
    std::optional<Date> edd = DateField(p, "edd");
    if (!edd) if (auto lmp = DateField(p, "lmp")) edd = Date{lmp->days + 280};
    bool delivered = false, risk = false;
    Date last_seen = p.date;
    for (const auto& e : h.events) {
      if (e.pregnancy_id != p.id) continue;
      if (e.type == "delivery") delivered = true;
      if (e.type == "anc_visit") {
        last_seen = std::max(last_seen, e.date);
        risk = risk || e.True("risk_detected");
      }
    }
    const std::string* outcome = p.Get("outcome");
    const bool open = !delivered && (!outcome || *outcome == "\"ongoing\"");
    if (!open) continue;
    const std::string* rf = p.Get("risk_factors");
    risk = risk || (rf && *rf != "[]");
    if (risk) {
      Alert a;
      a.rule = "high_risk_not_seen";
      a.id = a.rule + ":" + p.id + ":" + FormatDate(last_seen);
      a.person_id = h.person.id;
      a.record_id = p.id;
      a.from = Date{last_seen.days + c.high_risk_not_seen_days + 1};
      a.message = "Thai nguy cơ cao chưa được khám từ " + FormatDate(last_seen);
      out->push_back(std::move(a));
    }
    if (edd) {
      Alert a;
      a.rule = "delivery_missing";
      a.id = a.rule + ":" + p.id;
      a.person_id = h.person.id;
      a.record_id = p.id;
      a.from = Date{edd->days + c.delivery_missing_after_edd_days + 1};
      a.message = "Chưa có thông tin cuộc đẻ, quá ngày dự sinh " + FormatDate(*edd) + " hơn " +
                  std::to_string(c.delivery_missing_after_edd_days) + " ngày";
      out->push_back(std::move(a));
    }
  }
}

void ChildAlerts(const Schedule& s, const History& h, std::vector<Alert>* out) {
  const AlertConfig& c = s.alerts();
  const Date birth = h.person.birth;
  for (size_t i = 0; i < h.events.size(); ++i) {
    const Fact& e = h.events[i];
    if (e.type == "newborn") {
      const auto w = e.Int("birth_weight_g"), ga = e.Int("gestational_weeks");
      const bool lbw = w && *w < c.low_birth_weight_g, preterm = ga && *ga < c.preterm_weeks;
      if (!lbw && !preterm) continue;
      bool visited = false;
      for (const auto& v : h.events)
        if (v.type == "postnatal_visit" && v.date.days - birth.days <= c.newborn_home_visit_days &&
            (!v.Get("place") || v.Is("place", "\"home\"")))
          visited = true;
      if (visited) continue;
      Alert a;
      a.rule = "newborn_no_home_visit";
      a.id = a.rule + ":" + h.person.id;
      a.person_id = h.person.id;
      a.record_id = e.id;
      a.from = Date{birth.days + c.newborn_home_visit_days + 1};
      a.until = Date{birth.days + 42};
      a.message = std::string(lbw ? "Trẻ nhẹ cân" : "Trẻ đẻ non") + " chưa được thăm tại nhà trong tuần đầu";
      out->push_back(std::move(a));
    } else if (e.type == "growth" && e.True("sam")) {
      std::optional<Date> next;
      for (size_t j = i + 1; j < h.events.size() && !next; ++j)
        if (h.events[j].type == "growth" && h.events[j].date > e.date) next = h.events[j].date;
      const Date deadline{e.date.days + c.sam_followup_days};
      if (next && *next <= deadline) continue;
      Alert a;
      a.rule = "sam_no_followup";
      a.id = a.rule + ":" + e.id;
      a.person_id = h.person.id;
      a.record_id = e.id;
      a.from = Date{deadline.days + 1};
      if (next) a.until = Date{next->days - 1};
      a.message = "Suy dinh dưỡng cấp tính nặng ngày " + FormatDate(e.date) + " chưa được theo dõi lại trong " +
                  std::to_string(c.sam_followup_days) + " ngày";
      out->push_back(std::move(a));
    } else if (e.type == "illness") {
      const bool pneumonia = e.Is("kind", "\"pneumonia\"") || e.Is("kind", "\"severe_pneumonia\"");
      const bool diarrhoea = e.Is("kind", "\"diarrhoea\"");
      if (!pneumonia && !diarrhoea) continue;
      if (e.True("referred")) continue;
      if (pneumonia && e.True("antibiotic")) continue;
      if (diarrhoea && e.True("ors") && e.True("zinc")) continue;
      Alert a;
      a.rule = "untreated_illness";
      a.id = a.rule + ":" + e.id;
      a.person_id = h.person.id;
      a.record_id = e.id;
      a.from = e.date;
      a.until = Date{e.date.days + c.untreated_illness_days};
      a.message = pneumonia ? "Viêm phổi chưa ghi nhận kháng sinh" : "Tiêu chảy chưa ghi nhận ORS và kẽm";
      out->push_back(std::move(a));
    }
  }
}

}  // namespace

std::vector<Alert> BuildAlerts(const Schedule& schedule, const History& h, const Plan& plan) {
  std::vector<Alert> out;
  if (plan.dead) return out;
  if (plan.child) {
    VaccineAlerts(schedule, plan, &out);
    ChildAlerts(schedule, h, &out);
  } else {
    PregnancyAlerts(schedule, h, &out);
  }
  // Child alerts stop at the fifth birthday, as the due list does.
  if (plan.child)
    for (auto& a : out) {
      const Date end{Span{60, 'm'}.After(plan.birth).days - 1};
      a.until = a.until ? std::min(*a.until, end) : end;
    }
  std::erase_if(out, [](const Alert& a) { return a.until && *a.until < a.from; });
  return out;
}

}  // namespace u5::care
