#include "care/alerts.h"
#include "care/overwrite.h"

namespace u5::care {
namespace {

// Type and kind names compared as views: lengths first, no strlen.
using namespace std::string_view_literals;

std::optional<Date> DateField(const Fact& f, const char* k) {
  const std::string* v = f.Get(k);
  if (!v || v->size() < 3) return std::nullopt;
  return ParseDate(std::string_view(*v).substr(1, v->size() - 2));
}

// Every field back to its default, the strings keeping their buffers.
void ResetAlert(Alert& a) {
  std::string keep[] = {std::move(a.id), std::move(a.rule), std::move(a.person_id), std::move(a.record_id),
                        std::move(a.item_id), std::move(a.message), std::move(a.message_en)};
  a = Alert{};
  for (auto& k : keep) k.clear();
  a.id = std::move(keep[0]);
  a.rule = std::move(keep[1]);
  a.person_id = std::move(keep[2]);
  a.record_id = std::move(keep[3]);
  a.item_id = std::move(keep[4]);
  a.message = std::move(keep[5]);
  a.message_en = std::move(keep[6]);
}
using Out = Overwrite<Alert, ResetAlert>;

void VaccineAlerts(const Schedule& s, const Plan& plan, Out* out) {
  for (const auto& it : plan.items) {
    if (!it.vaccine || it.done) continue;
    Date late = it.late;
    if (it.after >= 0) {
      const Item& prev = plan.items[static_cast<size_t>(it.after)];
      if (!prev.done) continue;  // the earlier dose carries the alert
      if (it.interval) late = std::max(late, Date{std::max(it.due, it.interval->After(*prev.done)).days + it.grace_days});
    }
    const Date from{late.days + s.alerts().vaccine_overdue_days + 1};
    if (it.max && from > *it.max) continue;
    Alert& a = out->Add();
    a.rule = "vaccine_overdue";
    a.id.append(a.rule).append(":").append(plan.person_id).append(":").append(it.id);
    a.person_id = plan.person_id;
    a.item_id = it.id;
    a.from = from;
    a.until = it.max;
    a.message.append(s.Label(it.rule)).append(": quá hạn hơn ").append(std::to_string(s.alerts().vaccine_overdue_days)).append(" ngày");
    a.message_en.append(s.LabelEn(it.rule)).append(": more than ").append(std::to_string(s.alerts().vaccine_overdue_days)).append(" days overdue");
  }
}

void PregnancyAlerts(const Schedule& s, const History& h, Out* out) {
  const AlertConfig& c = s.alerts();
  for (const auto& p : h.events) {
    if (p.type != "pregnancy"sv) continue;
    std::optional<Date> edd = DateField(p, "edd");
    if (!edd) if (auto lmp = DateField(p, "lmp")) edd = Date{lmp->days + 280};
    bool delivered = false, risk = false;
    Date last_seen = p.date;
    for (const auto& e : h.events) {
      if (e.pregnancy_id != p.id) continue;
      // A stillbirth ends the pregnancy as a delivery does (it is not the mother's death).
      if (e.type == "delivery"sv || e.type == "stillbirth"sv) delivered = true;
      if (e.type == "anc_visit"sv) {
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
      Alert& a = out->Add();
      a.rule = "high_risk_not_seen";
      a.id.append(a.rule).append(":").append(p.id).append(":").append(FormatDate(last_seen));
      a.person_id = h.person.id;
      a.record_id = p.id;
      a.from = Date{last_seen.days + c.high_risk_not_seen_days + 1};
      a.message.append("Thai nguy cơ cao chưa được khám từ ").append(FormatDateDmy(last_seen));
      a.message_en.append("High-risk pregnancy not seen since ").append(FormatDateDmy(last_seen));
    }
    if (edd) {
      Alert& a = out->Add();
      a.rule = "delivery_missing";
      a.id.append(a.rule).append(":").append(p.id);
      a.person_id = h.person.id;
      a.record_id = p.id;
      a.from = Date{edd->days + c.delivery_missing_after_edd_days + 1};
      a.message.append("Chưa có thông tin cuộc đẻ, quá ngày dự sinh ").append(FormatDateDmy(*edd)).append(" hơn ")
          .append(std::to_string(c.delivery_missing_after_edd_days)).append(" ngày");
      a.message_en.append("No delivery recorded more than ").append(std::to_string(c.delivery_missing_after_edd_days))
          .append(" days after the expected date ").append(FormatDateDmy(*edd));
    }
  }
}

void ChildAlerts(const Schedule& s, const History& h, Out* out) {
  const AlertConfig& c = s.alerts();
  const Date birth = h.person.birth;
  for (size_t i = 0; i < h.events.size(); ++i) {
    const Fact& e = h.events[i];
    if (e.type == "newborn"sv) {
      const auto w = e.Int("birth_weight_g"), ga = e.Int("gestational_weeks");
      const bool lbw = w && *w < c.low_birth_weight_g, preterm = ga && *ga < c.preterm_weeks;
      if (!lbw && !preterm) continue;
      bool visited = false;
      for (const auto& v : h.events)
        if (v.type == "postnatal_visit"sv && v.date.days - birth.days <= c.newborn_home_visit_days &&
            (!v.Get("place") || v.Is("place", "\"home\"")))
          visited = true;
      if (visited) continue;
      Alert& a = out->Add();
      a.rule = "newborn_no_home_visit";
      a.id.append(a.rule).append(":").append(h.person.id);
      a.person_id = h.person.id;
      a.record_id = e.id;
      a.from = Date{birth.days + c.newborn_home_visit_days + 1};
      a.until = Date{birth.days + 42};
      a.message.append(lbw ? "Trẻ nhẹ cân" : "Trẻ đẻ non").append(" chưa được thăm tại nhà trong tuần đầu");
      a.message_en.append(lbw ? "Low-birth-weight" : "Preterm").append(" newborn not visited at home in the first week");
    } else if (e.type == "growth"sv && e.True("sam")) {
      std::optional<Date> next;
      for (size_t j = i + 1; j < h.events.size() && !next; ++j)
        if (h.events[j].type == "growth"sv && h.events[j].date > e.date) next = h.events[j].date;
      const Date deadline{e.date.days + c.sam_followup_days};
      if (next && *next <= deadline) continue;
      Alert& a = out->Add();
      a.rule = "sam_no_followup";
      a.id.append(a.rule).append(":").append(e.id);
      a.person_id = h.person.id;
      a.record_id = e.id;
      a.from = Date{deadline.days + 1};
      if (next) a.until = Date{next->days - 1};
      a.message.append("Suy dinh dưỡng cấp tính nặng ngày ").append(FormatDateDmy(e.date)).append(" chưa được theo dõi lại trong ")
          .append(std::to_string(c.sam_followup_days)).append(" ngày");
      a.message_en.append("Severe acute malnutrition on ").append(FormatDateDmy(e.date)).append(" not followed up within ")
          .append(std::to_string(c.sam_followup_days)).append(" days");
    } else if (e.type == "illness"sv) {
      const bool pneumonia = e.Is("kind", "\"pneumonia\"") || e.Is("kind", "\"severe_pneumonia\"");
      const bool diarrhoea = e.Is("kind", "\"diarrhoea\"");
      if (!pneumonia && !diarrhoea) continue;
      if (e.True("referred")) continue;
      if (pneumonia && e.True("antibiotic")) continue;
      if (diarrhoea && e.True("ors") && e.True("zinc")) continue;
      Alert& a = out->Add();
      a.rule = "untreated_illness";
      a.id.append(a.rule).append(":").append(e.id);
      a.person_id = h.person.id;
      a.record_id = e.id;
      a.from = e.date;
      a.until = Date{e.date.days + c.untreated_illness_days};
      a.message = pneumonia ? "Viêm phổi chưa ghi nhận kháng sinh" : "Tiêu chảy chưa ghi nhận ORS và kẽm";
      a.message_en = pneumonia ? "Pneumonia with no antibiotic recorded" : "Diarrhoea with no ORS and zinc recorded";
    }
  }
}

}  // namespace

std::vector<Alert> BuildAlerts(const Schedule& schedule, const History& h, const Plan& plan) {
  std::vector<Alert> out;
  BuildAlerts(schedule, h, plan, &out);
  return out;
}

void BuildAlerts(const Schedule& schedule, const History& h, const Plan& plan, std::vector<Alert>* alerts) {
  {
    Out out(*alerts);
    if (plan.dead) return;
    if (plan.child) {
      VaccineAlerts(schedule, plan, &out);
      ChildAlerts(schedule, h, &out);
    } else {
      PregnancyAlerts(schedule, h, &out);
    }
  }
  // Child alerts stop at the fifth birthday, as the due list does.
  if (plan.child)
    for (auto& a : *alerts) {
      const Date end{Span{60, 'm'}.After(plan.birth).days - 1};
      a.until = a.until ? std::min(*a.until, end) : end;
    }
  std::erase_if(*alerts, [](const Alert& a) { return a.until && *a.until < a.from; });
}

}  // namespace u5::care
