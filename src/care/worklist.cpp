#include "care/worklist.h"

#include <algorithm>
#include <sstream>

#include "core/text.h"

namespace u5::care {
namespace {

using nlohmann::json;

std::string Csv(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string AgeText(Date birth, Date on) {
  const int m = CompletedMonths(birth, on);
  if (m < 1) return std::to_string(on.days - birth.days) + " ngày";
  if (m < 60) return std::to_string(m) + " tháng";
  return std::to_string(CompletedYears(birth, on)) + " tuổi";
}

}  // namespace

const char* const kNoVillage = "(chưa ghi thôn/bản)";

bool OnList(const ItemView& v, Date to) {
  if (v.state == State::due || v.state == State::overdue) return true;
  return v.state == State::upcoming && v.due <= to;
}

const char* WorkListName(WorkListKind k) {
  switch (k) {
    case WorkListKind::current: return "current";
    case WorkListKind::long_lost: return "long_lost";
    case WorkListKind::set_aside: return "set_aside";
  }
  return "current";
}

std::optional<WorkListKind> ParseWorkList(std::string_view s) {
  for (auto k : {WorkListKind::current, WorkListKind::long_lost, WorkListKind::set_aside})
    if (s == WorkListName(k)) return k;
  return std::nullopt;
}

bool KnownKind(const Schedule& s, std::string_view kind) {
  // Vaccine series are the group "epi"; every other group is the prefix of its rules' ids.
  if (kind == "epi") return !s.series().empty();
  return std::any_of(s.rules().begin(), s.rules().end(), [&](const Rule& r) {
    return r.id.size() > kind.size() && r.id.compare(0, kind.size(), kind) == 0 && r.id[kind.size()] == '.';
  });
}

namespace {

const std::string& VillageOf(const Person& p) {
  static const std::string none = kNoVillage;
  return p.village.empty() ? none : p.village;
}

// Village names in Vietnamese order, the persons without one last.
std::string VillageKey(const std::string& v) { return v == kNoVillage ? std::string("\xff") : text::VietnameseSortKey(v); }

// Long lost: every listed item overdue beyond the limit, and no alert but the
// overdue-dose ones (which only repeat what the items say). Any other alert, or
// one item within the limit, keeps the person on the current list.
bool LongLost(const WorkPerson& w, int limit_days) {
  if (w.items.empty()) return false;
  for (const auto& v : w.items)
    if (v.state != State::overdue || v.days_overdue <= limit_days) return false;
  for (const Alert* a : w.alerts)
    if (a->rule != "vaccine_overdue") return false;
  return true;
}

}  // namespace

Status BuildWorklist(Service& service, const WorklistQuery& q, Worklist* out) {
  out->query = q;
  out->villages.clear();
  out->persons = out->items = 0;
  out->current = out->long_lost = out->set_aside = 0;
  out->by_village.clear();
  std::map<std::string, size_t> by_village;
  std::unordered_map<std::string, FollowUp> follow;
  U5_RETURN_IF_ERROR(service.FollowUps(&follow));
  const int limit = service.schedule().alerts().long_lost_overdue_days;
  std::vector<WorkPerson> found;
  if (!follow.empty()) {
    // The set-aside persons of the subtree: few, looked up one by one.
    std::vector<std::string> units;
    U5_RETURN_IF_ERROR(service.Subtree(q.orgunit, &units));
    std::sort(units.begin(), units.end());
    for (const auto& [id, f] : follow) {
      auto e = service.Snapshot(id);
      if (!e || !std::binary_search(units.begin(), units.end(), e->person.orgunit)) continue;
      if (q.list == WorkListKind::set_aside) ++by_village[VillageOf(e->person)];
      if (!q.village.empty() && VillageOf(e->person) != q.village) continue;
      ++out->set_aside;
      if (q.list != WorkListKind::set_aside) continue;
      WorkPerson w;
      w.entry = std::move(e);
      w.follow_up = f;
      found.push_back(std::move(w));
    }
  }
  DueList dl;
  std::vector<size_t> listed, active;
  std::vector<int> copied;
  U5_RETURN_IF_ERROR(service.ForEachCandidateLite(q.orgunit, q.from, q.to, [&](const Service::Candidate& c) {
    const Entry& e = c.lite;
    if (follow.count(e.person.id)) return;
    WorkPerson w;
    Evaluate(e.plan, q.from, &dl);
    listed.clear();
    active.clear();
    for (size_t i = 0; i < dl.items.size(); ++i)
      if (OnList(dl.items[i], q.to) && (q.kind.empty() || dl.items[i].item->group == q.kind)) {
        w.items.push_back(dl.items[i]);
        listed.push_back(i);
      }
    if (!q.kind.empty() && w.items.empty()) return;
    for (size_t i = 0; i < e.alerts.size(); ++i)
      if (e.alerts[i].ActiveOn(q.from)) {
        w.alerts.push_back(&e.alerts[i]);
        active.push_back(i);
      }
    if (w.items.empty() && w.alerts.empty()) return;
    const bool lost = LongLost(w, limit);
    const bool asked = lost == (q.list == WorkListKind::long_lost) && q.list != WorkListKind::set_aside;
    if (asked) ++by_village[VillageOf(e.person)];
    if (!q.village.empty() && VillageOf(e.person) != q.village) return;
    ++(lost ? out->long_lost : out->current);
    if (!asked) return;
    // The entry kept holds what the list shows: the person, the listed items
    // and those they wait for, and the active alerts, each with its strings.
    auto kept = std::make_shared<Entry>();
    kept->person = e.person;
    kept->wake = e.wake;
    kept->until = e.until;
    kept->plan.person_id = e.plan.person_id;
    kept->plan.dead = e.plan.dead;
    kept->plan.child = e.plan.child;
    kept->plan.birth = e.plan.birth;
    copied.assign(e.plan.items.size(), -1);
    auto copy = [&](size_t i) {
      if (copied[i] < 0) {
        copied[i] = static_cast<int>(kept->plan.items.size());
        kept->plan.items.push_back(e.plan.items[i]);
        c.ItemText(i, &kept->plan.items.back());
        kept->plan.items.back().after = -1;  // its index is the whole plan's
      }
      return &kept->plan.items[static_cast<size_t>(copied[i])];
    };
    kept->plan.items.reserve(2 * listed.size());  // pointers are taken: no reallocation
    for (size_t k = 0; k < listed.size(); ++k) {
      ItemView& v = w.items[k];
      v.item = copy(listed[k]);
      if (v.after) v.after = copy(static_cast<size_t>(e.plan.items[listed[k]].after));
    }
    kept->alerts.reserve(active.size());
    for (size_t k = 0; k < active.size(); ++k) {
      kept->alerts.push_back(e.alerts[active[k]]);
      c.AlertText(active[k], &kept->alerts.back());
      w.alerts[k] = &kept->alerts.back();
    }
    w.entry = std::move(kept);
    found.push_back(std::move(w));
  }));
  std::map<std::string, size_t> group_of;
  for (auto& w : found) {
    w.phone = w.person().phone;
    if (!w.person().mother_id.empty()) {
      if (Person m; service.Contact(w.person().mother_id, &m)) {
        w.mother_name = std::move(m.full_name);
        if (w.phone.empty()) w.phone = std::move(m.phone);
      }
    }
    w.first_due = q.to;
    for (const auto& v : w.items) {
      w.rank = std::max(w.rank, v.state == State::overdue ? 2 : v.state == State::due ? 1 : 0);
      w.days_overdue = std::max(w.days_overdue, v.days_overdue);
      if (v.days_overdue <= limit) w.recent_overdue = std::max(w.recent_overdue, v.days_overdue);
      w.first_due = std::min(w.first_due, v.due);
    }
    if (!w.alerts.empty()) w.rank = 3;
    out->items += w.items.size();
    ++out->persons;
    const std::string& village = VillageOf(w.person());
    auto [it, fresh] = group_of.emplace(village, out->villages.size());
    if (fresh) out->villages.push_back({village, {}});
    out->villages[it->second].persons.push_back(std::move(w));
  }
  // Overdue within the limit first: on the current list a dose years late
  // must not put its child above those who can still be caught up this week.
  const bool lost_list = q.list == WorkListKind::long_lost;
  for (auto& g : out->villages)
    std::sort(g.persons.begin(), g.persons.end(), [lost_list](const WorkPerson& a, const WorkPerson& b) {
      if (a.rank != b.rank) return a.rank > b.rank;
      const int ao = lost_list ? a.days_overdue : a.recent_overdue, bo = lost_list ? b.days_overdue : b.recent_overdue;
      if (ao != bo) return ao > bo;
      if (a.first_due != b.first_due) return a.first_due < b.first_due;
      return a.person().id < b.person().id;
    });
  std::vector<std::pair<std::string, size_t>> keys;
  for (size_t i = 0; i < out->villages.size(); ++i)
    keys.emplace_back(VillageKey(out->villages[i].village), i);
  std::sort(keys.begin(), keys.end());
  std::vector<VillageGroup> sorted;
  for (const auto& [k, i] : keys) sorted.push_back(std::move(out->villages[i]));
  out->villages = std::move(sorted);
  std::vector<std::pair<std::string, std::pair<std::string, size_t>>> vk;
  for (auto& [v, n] : by_village) vk.push_back({VillageKey(v), {v, n}});
  std::sort(vk.begin(), vk.end());
  for (auto& [k, vn] : vk) out->by_village.push_back(std::move(vn));
  return Status::Ok();
}

json ItemJson(const Schedule& s, const ItemView& v) {
  // nlohmann::json takes std::string; rule, group and reasons are views.
  auto str = [](std::string_view x) { return std::string(x); };
  const Item& it = *v.item;
  json j = {{"id", it.id}, {"rule", str(it.rule)}, {"group", str(it.group)}, {"label", str(s.Label(it.rule))},
            {"label_vi", str(s.Label(it.rule))}, {"label_en", str(s.LabelEn(it.rule))}, {"status", StateName(v.state)},
            {"earliest", FormatDate(v.earliest)}, {"due", FormatDate(v.due)}, {"late", FormatDate(v.late)},
            {"max", v.max ? json(FormatDate(*v.max)) : json(nullptr)}};
  if (it.done) j["done"] = FormatDate(*it.done);
  if (it.last_done) j["last_done"] = FormatDate(*it.last_done);
  if (!it.done_event.empty()) j["event_id"] = it.done_event;
  if (!it.pregnancy_id.empty()) j["pregnancy_id"] = it.pregnancy_id;
  if (v.waiting) j["waiting_for"] = v.after->id;
  if (v.state == State::overdue) j["days_overdue"] = v.days_overdue;
  if (v.state == State::missed && !it.closed.empty()) j["reason"] = str(it.closed);
  if (!it.rejected.empty()) {
    json r = json::array();
    for (const auto& x : it.rejected) r.push_back({{"event_id", x.event_id}, {"date", FormatDate(x.date)}, {"reason", str(x.reason)}});
    j["not_counted"] = r;
  }
  return j;
}

json AlertJson(const Alert& a) {
  json j = {{"id", a.id}, {"rule", a.rule}, {"person_id", a.person_id}, {"since", FormatDate(a.from)}, {"message", a.message},
            {"message_vi", a.message}, {"message_en", a.message_en}};
  if (!a.record_id.empty()) j["record_id"] = a.record_id;
  if (!a.item_id.empty()) j["item_id"] = a.item_id;
  return j;
}

json WorklistJson(const Schedule& s, const Worklist& w) {
  json villages = json::array(), by_village = json::array();
  for (const auto& [v, n] : w.by_village) by_village.push_back({{"village", v}, {"persons", n}});
  for (const auto& g : w.villages) {
    json persons = json::array();
    for (const auto& p : g.persons) {
      json items = json::array(), alerts = json::array();
      for (const auto& v : p.items) items.push_back(ItemJson(s, v));
      for (const Alert* a : p.alerts) alerts.push_back(AlertJson(*a));
      persons.push_back({{"person_id", p.person().id}, {"full_name", p.person().full_name}, {"birth_date", FormatDate(p.person().birth)},
                         {"age", AgeText(p.person().birth, w.query.from)}, {"sex", p.person().sex}, {"phone", p.phone},
                         {"mother_name", p.mother_name}, {"orgunit", p.person().orgunit}, {"urgency", p.rank},
                         {"days_overdue", p.days_overdue}, {"items", items}, {"alerts", alerts}});
      if (p.follow_up)
        persons.back()["follow_up"] = {{"status", p.follow_up->status}, {"date", p.follow_up->date}, {"reason", p.follow_up->reason},
                                       {"by", p.follow_up->by}, {"at", p.follow_up->at}};
    }
    villages.push_back({{"village", g.village}, {"persons", persons}});
  }
  const WorklistQuery& q = w.query;
  return {{"orgunit", q.orgunit}, {"from", FormatDate(q.from)}, {"to", FormatDate(q.to)},
          {"village", q.village.empty() ? json(nullptr) : json(q.village)}, {"kind", q.kind.empty() ? json(nullptr) : json(q.kind)},
          {"list", WorkListName(q.list)}, {"long_lost_overdue_days", s.alerts().long_lost_overdue_days},
          {"counts", {{"current", w.current}, {"long_lost", w.long_lost}, {"set_aside", w.set_aside}}},
          {"village_counts", by_village}, {"persons", w.persons}, {"items", w.items}, {"villages", villages}};
}

std::string WorklistCsv(const Schedule& s, const Worklist& w) {
  std::ostringstream o;
  o << "village,urgency,person_id,full_name,birth_date,age,phone,mother_name,item,label,status,due,late,days_overdue,alerts\n";
  for (const auto& g : w.villages)
    for (const auto& p : g.persons) {
      std::string alerts;
      for (const Alert* a : p.alerts) alerts += (alerts.empty() ? "" : "; ") + a->rule;
      auto row = [&](const std::string& item, const std::string& label, const std::string& status, const std::string& due,
                     const std::string& late, int overdue) {
        o << Csv(g.village) << ',' << p.rank << ',' << p.person().id << ',' << Csv(p.person().full_name) << ','
          << FormatDate(p.person().birth) << ',' << Csv(AgeText(p.person().birth, w.query.from)) << ',' << p.phone << ','
          << Csv(p.mother_name) << ',' << item << ',' << Csv(label) << ',' << status << ',' << due << ',' << late << ','
          << overdue << ',' << Csv(alerts) << '\n';
      };
      for (const auto& v : p.items)
        row(v.item->id, std::string(s.Label(v.item->rule)), StateName(v.state), FormatDate(v.due), FormatDate(v.late), v.days_overdue);
      if (p.items.empty()) row("", "", p.follow_up ? p.follow_up->status : "alert", "", "", 0);
    }
  return o.str();
}

std::string WorklistText(const Schedule& s, const Worklist& w) {
  std::ostringstream o;
  o << "DANH SÁCH CẦN GẶP — " << w.query.orgunit << " — từ " << FormatDate(w.query.from) << " đến " << FormatDate(w.query.to)
    << " (" << w.persons << " người)\n";
  for (const auto& g : w.villages) {
    o << "\n== " << g.village << " (" << g.persons.size() << ") ==\n";
    for (const auto& p : g.persons) {
      o << "[ ] " << p.person().full_name << ", " << AgeText(p.person().birth, w.query.from);
      if (!p.mother_name.empty()) o << ", mẹ: " << p.mother_name;
      o << ", ĐT: " << (p.phone.empty() ? "—" : p.phone) << "\n";
      if (p.follow_up) o << "      ~ " << p.follow_up->status << " " << p.follow_up->date << ": " << p.follow_up->reason << "\n";
      for (const Alert* a : p.alerts) o << "      ! " << a->message << "\n";
      for (const auto& v : p.items) {
        o << "      - " << s.Label(v.item->rule) << ": " << StateName(v.state);
        if (v.state == State::overdue) o << " " << v.days_overdue << " ngày";
        else o << " (hạn " << FormatDate(v.due) << ")";
        o << "\n";
      }
    }
  }
  return o.str();
}

}  // namespace u5::care
