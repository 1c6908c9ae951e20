#include "care/plan.h"
#include "care/overwrite.h"

#include <algorithm>

namespace u5::care {
namespace {

// Type and kind names compared as views: lengths first, no strlen.
using namespace std::string_view_literals;

Date Max(Date a, Date b) { return a < b ? b : a; }

// `json` is the JSON text of the string `text` (no escapes in the ids compared).
bool IsJsonString(const std::string& json, std::string_view text) {
  return json.size() == text.size() + 2 && json.front() == '"' && json.back() == '"' &&
         std::string_view(json).substr(1, text.size()) == text;
}
Date Min(Date a, Date b) { return a < b ? a : b; }

// A plan's items are written over the ones it held (overwrite.h): a plan rebuilt
// in place (its entry not shared) keeps its items' string buffers. Ids are
// assigned, not moved, for that reason.
constexpr size_t kItemSize = 232;  // sizeof(Item) on 64-bit libstdc++ (checked there only)

// Every field back to its default, the strings keeping their buffers.
// A field added to Item must be reset here (the size check is a reminder).
void ResetItem(Item& it) {
  static_assert(sizeof(void*) != 8 || sizeof(Item) == kItemSize, "reset the new field of Item below, then update kItemSize");
  it.id.clear();
  it.rule = {};
  it.group = {};
  it.pregnancy_id.clear();
  it.done_event.clear();
  it.rejected.clear();
  it.closed = {};
  it.done.reset();
  it.last_done.reset();
  it.earliest = it.due = it.late = Date{};
  it.max.reset();
  it.after = -1;
  it.interval.reset();
  it.grace_days = 0;
  it.vaccine = false;
}
using Out = Overwrite<Item, ResetItem>;

// One step of a chain of doses, windows as dates (before dependency).
struct Step {
  std::string_view id;  // the schedule's dose id, or a tetanus dose's id kept by TetanusItems
  std::string_view rule;
  Date earliest, due, late;
  std::optional<Date> max;
  std::optional<Span> interval;
  int grace_days = 0;
};

struct Given {
  const std::string* id;  // into the history, which outlives the plan's construction
  Date date;
};

// Effective window of a step whose previous step happened (or will happen) on `prev`.
void Shift(Date e, Date d, Date l, const std::optional<Span>& interval, int grace_days, std::optional<Date> prev,
           Date* earliest, Date* due, Date* late) {
  *earliest = e;
  *due = d;
  *late = l;
  if (prev && interval) {
    const Date after = interval->After(*prev);
    *earliest = Max(*earliest, after);
    *due = Max(*due, after);
    *late = Max(*late, Date{due->days + grace_days});
  }
}
void Shift(const Step& s, std::optional<Date> prev, Date* earliest, Date* due, Date* late) {
  Shift(s.earliest, s.due, s.late, s.interval, s.grace_days, prev, earliest, due, late);
}

// Assigns recorded doses to the steps in order: a dose counts for the first
// open step when it falls inside that step's window; one given too early is
// rejected (it counts for nothing: the dose must be repeated).
void Chain(std::vector<Step>& steps, std::vector<Given>& given, std::string_view group, Out* plan) {
  std::stable_sort(given.begin(), given.end(), [](const Given& a, const Given& b) { return a.date < b.date; });
  size_t g = 0;
  std::optional<Date> prev;
  const int first = static_cast<int>(plan->size());
  for (size_t k = 0; k < steps.size(); ++k) {
    Step& s = steps[k];
    Item& it = plan->Add();
    it.id.assign(s.id);
    it.rule = s.rule;
    it.group = group;
    it.vaccine = group == "epi";
    it.earliest = s.earliest;
    it.due = s.due;
    it.late = s.late;
    it.max = s.max;
    it.interval = s.interval;
    it.grace_days = s.grace_days;
    if (k > 0) it.after = first + static_cast<int>(k) - 1;
    const bool prev_done = k == 0 || (*plan)[it.after].done.has_value();
    if (prev_done) {
      Date e, d, l;
      Shift(s, prev, &e, &d, &l);
      while (g < given.size()) {
        const Given& x = given[g];
        if (x.date < e) {
          it.rejected.push_back({*x.id, x.date, x.date < s.earliest ? "before the minimum age" : "before the minimum interval"});
          ++g;
          continue;
        }
        if (s.max && x.date > *s.max) {
          it.rejected.push_back({*x.id, x.date, "after the maximum age"});
          ++g;
          continue;
        }
        it.done = x.date;
        it.done_event = *x.id;
        ++g;
        break;
      }
      if (it.done) prev = it.done;
    }
  }
}

bool Matches(const Match& m, const Fact& f, std::optional<Date> anchor) {
  if (f.type != m.type) return false;
  for (const auto& [field, values] : m.where) {
    const std::string* v = f.Get(field);
    const std::string_view actual = v ? std::string_view(*v) : std::string_view("null");
    if (std::find(values.begin(), values.end(), actual) == values.end()) return false;
  }
  if (!m.any_true.empty() && std::none_of(m.any_true.begin(), m.any_true.end(), [&](const std::string& k) { return f.True(k); }))
    return false;
  if (anchor && m.from && f.date < m.from->After(*anchor)) return false;
  if (anchor && m.to && f.date > m.to->After(*anchor)) return false;
  return true;
}

struct Pregnancy {
  const Fact* record = nullptr;
  Date lmp, edd;
  std::optional<Date> delivery;
  std::optional<Date> ended;  // delivery, or the last known date of a pregnancy closed by its outcome
};

std::vector<Pregnancy> Pregnancies(const History& h) {
  std::vector<Pregnancy> out;
  for (const auto& e : h.events) {
    if (e.type != "pregnancy"sv) continue;
    Pregnancy p;
    p.record = &e;
    auto date = [&](const char* k) -> std::optional<Date> {
      const std::string* v = e.Get(k);
      if (!v || v->size() < 3) return std::nullopt;
      return ParseDate(std::string_view(*v).substr(1, v->size() - 2));
    };
    auto lmp = date("lmp"), edd = date("edd");
    if (!lmp && edd) lmp = Date{edd->days - 280};
    if (!edd && lmp) edd = Date{lmp->days + 280};
    if (!lmp) continue;
    p.lmp = *lmp;
    p.edd = *edd;
    Date last = e.date;
    std::optional<Date> stillbirth;
    for (const auto& x : h.events) {
      if (x.pregnancy_id != e.id) continue;
      last = Max(last, x.date);
      if (x.type == "delivery"sv && !p.delivery) p.delivery = x.date;
      if (x.type == "stillbirth"sv && !stillbirth) stillbirth = x.date;
    }
    // A stillbirth without a delivery record ends the pregnancy on its date: no more antenatal care is due.
    if (p.delivery) p.ended = p.delivery;
    else if (stillbirth) p.ended = stillbirth;
    else if (const std::string* o = e.Get("outcome"); o && *o != "\"ongoing\"") p.ended = last;
    out.push_back(p);
  }
  return out;
}

void WindowItem(const Rule& r, Date anchor, const std::vector<const Fact*>& candidates, std::string_view suffix,
                std::string_view group, std::optional<Date> ended, Out* plan) {
  Item& it = plan->Add();
  it.id.append(r.id).append(suffix);
  it.rule = r.id;
  it.group = group;
  it.earliest = r.min_age.After(anchor);
  it.due = r.due_age.After(anchor);
  it.late = r.late_age.After(anchor);
  if (r.max_age) it.max = r.max_age.value().After(anchor);
  if (r.end_age) {
    // The day the age is reached as ages in months count it (the registry's age
    // bands): born 31 August, 10 months are completed on 1 July, not 30 June.
    const Span& e = *r.end_age;
    const Date end = e.unit == 'm' || e.unit == 'y' ? MonthsCompletedOn(anchor, e.unit == 'y' ? 12 * e.n : e.n) : e.After(anchor);
    it.max = Date{end.days - 1};
  }
  int n = 0;
  for (const Fact* f : candidates) {
    if (!Matches(r.match, *f, anchor)) continue;
    if (++n == r.count) {
      it.done = f->date;
      it.done_event = f->id;
      break;
    }
  }
  if (!it.done && ended) {
    it.max = it.max ? Min(*it.max, *ended) : *ended;
    it.closed = "pregnancy ended";
  }
}

// Tetanus toxoid in pregnancy: the doses this pregnancy needs depend on the
// doses the woman had before (recorded dose numbers).
void TetanusItems(const Rule& r, const History& h, const Pregnancy& p, Out* plan) {
  int prior = 0;
  thread_local std::vector<Given> given;
  given.clear();
  const Date end = p.ended.value_or(p.edd);
  for (const auto& e : h.events) {
    std::optional<int> dose;
    if (e.type == "anc_visit"sv) dose = e.Int("tetanus_dose");
    else if (e.type == "immunization"sv && (e.Is("vaccine", "\"td\"") || e.Is("vaccine", "\"tt\""))) dose = e.Int("dose").value_or(1);
    if (!dose) continue;
    if (e.date < p.lmp) prior = std::max(prior, *dose);
    else if (e.date <= end) {
      if (given.empty()) prior = std::max(prior, *dose - 1);
      given.push_back({&e.id, e.date});
    }
  }
  const int needed = prior >= 5 ? 0 : prior >= 2 ? 1 : 2 - prior;
  std::optional<Date> max = r.before_edd ? r.before_edd->Before(p.edd) : p.edd;
  thread_local std::vector<Step> steps;
  thread_local std::vector<std::string> ids;
  steps.clear();
  ids.resize(static_cast<size_t>(std::max(needed, 0)));
  for (int k = 0; k < needed; ++k)
    ids[k].assign(r.id).append(".").append(std::to_string(k + 1)).append("@").append(p.record->id);
  for (int k = 0; k < needed; ++k) {
    Step s;
    s.id = ids[k];
    s.rule = r.id;
    s.earliest = r.min_age.After(p.lmp);
    s.due = r.due_age.After(p.lmp);
    s.late = r.late_age.After(p.lmp);
    s.max = max;
    if (k > 0) {
      s.interval = r.min_interval;
      s.grace_days = r.min_interval->After(p.lmp).days - p.lmp.days;
    }
    steps.push_back(std::move(s));
  }
  const size_t first = plan->size();
  Chain(steps, given, "anc", plan);
  for (size_t i = first; i < plan->size(); ++i) {
    (*plan)[i].pregnancy_id = p.record->id;
    if (!(*plan)[i].done && p.ended) {
      (*plan)[i].max = (*plan)[i].max ? Min(*(*plan)[i].max, *p.ended) : *p.ended;
      (*plan)[i].closed = "pregnancy ended";
    }
  }
}

// A child's doses given, read once for all series: the vaccine's JSON text of
// an immunization, or the newborn record (whose flags may record a dose).
struct Dosed {
  const Fact* fact;
  const std::string* vaccine;  // null for a newborn record
};

void SeriesItems(const Series& s, const History& h, const std::vector<Dosed>& dosed, Out* plan) {
  const Date b = h.person.birth;
  // Scratch reused from person to person: a province is 187,000 plans.
  thread_local std::vector<Step> steps;
  thread_local std::vector<Given> given;
  steps.clear();
  given.clear();
  for (const auto& d : s.doses) {
    if (d.prov.Off()) continue;  // kept in the schedule with its source, never in a plan
    Step st;
    st.id = d.id;
    st.rule = d.id;
    st.earliest = d.min_age.After(b);
    st.due = d.due_age.After(b);
    st.late = d.late_age.After(b);
    if (d.max_age) st.max = d.max_age->After(b);
    st.interval = d.min_interval;
    st.grace_days = st.late.days - st.due.days;
    steps.push_back(std::move(st));
  }
  if (steps.empty()) return;  // every dose of the series is off
  for (const Dosed& x : dosed) {
    const Fact& e = *x.fact;
    if (x.vaccine) {
      if (std::any_of(s.vaccines.begin(), s.vaccines.end(), [&](const std::string& v) { return IsJsonString(*x.vaccine, v); }))
        given.push_back({&e.id, e.date});
    } else if (!s.newborn_flag.empty() && e.True(s.newborn_flag)) {
      given.push_back({&e.id, e.date});
    }
  }
  Chain(steps, given, "epi", plan);
}

void RecurringItem(const Rule& r, const History& h, Out* plan) {
  const Date b = h.person.birth;
  std::optional<Date> last;
  const std::string* last_id = nullptr;
  for (const auto& e : h.events)
    if (Matches(r.match, e, b)) {
      last = e.date;
      last_id = &e.id;
    }
  const Date from = last.value_or(b);
  const Band* band = nullptr;
  for (const auto& x : r.bands)
    if (from >= x.from_age.After(b) && from < x.to_age.After(b)) band = &x;
  if (!band) return;
  const Date due = band->every.After(from);
  std::optional<Date> max;
  if (r.max_age) {
    max = Date{r.max_age->After(b).days - 1};
    if (due > *max) return;
  }
  Item& it = plan->Add();
  it.id = r.id;
  it.rule = r.id;
  it.group = "growth";
  it.last_done = last;
  if (last_id) it.done_event = *last_id;
  it.due = it.earliest = due;
  it.late = Date{due.days + (r.grace ? r.grace->After(due).days - due.days : 0)};
  it.max = max;
}

void CampaignItems(const Rule& r, const History& h, Out* plan) {
  const Date b = h.person.birth;
  const Date first = r.min_age.After(b), stop = r.max_age->After(b);
  int y0, y1;
  unsigned m, d;
  YmdFromDate(first, y0, m, d);
  YmdFromDate(stop, y1, m, d);
  for (int y = y0; y <= y1; ++y)
    for (int month : r.months) {
      const Date start = DateFromYmd(y, static_cast<unsigned>(month), 1);
      if (start < first || start >= stop) continue;
      const Date end = Date{Span{1, 'm'}.After(start).days - 1};
      Item& it = plan->Add();
      char suffix[16];
      std::snprintf(suffix, sizeof suffix, "@%04d-%02d", y, month);
      it.id.append(r.id).append(suffix);
      it.rule = r.id;
      it.group = "vitamin_a";
      it.earliest = it.due = start;
      it.late = Date{end.days + 1};
      it.max = end;
      for (const auto& e : h.events)
        if (e.type == r.match.type && e.date >= start && e.date <= end) {
          it.done = e.date;
          it.done_event = e.id;
          break;
        }
      }
}

}  // namespace

const char* StateName(State s) {
  switch (s) {
    case State::done: return "done";
    case State::upcoming: return "upcoming";
    case State::due: return "due";
    case State::overdue: return "overdue";
    case State::missed: return "missed";
  }
  return "?";
}

Plan BuildPlan(const Schedule& schedule, const History& h) {
  Plan plan;
  BuildPlan(schedule, h, &plan);
  return plan;
}

void BuildPlan(const Schedule& schedule, const History& h, Plan* into) {
  Plan& plan = *into;
  plan.person_id = h.person.id;
  plan.birth = h.person.birth;
  plan.dead = h.death.has_value();
  plan.child = false;
  Out out(plan.items);
  if (plan.dead) return;
  const auto pregnancies = Pregnancies(h);
  plan.child = pregnancies.empty();
  // The exact number of items, or a few more: plans are kept in memory for
  // everyone, and a vector grown by doubling would hold up to twice that.
  size_t capacity = 0;
  if (plan.child) {
    for (const auto& s : schedule.series())
      for (const auto& d : s.doses) capacity += !d.prov.Off();
    for (const auto& r : schedule.rules()) {
      if (r.subject != "child"sv || r.prov.Off()) continue;
      if (r.kind == "window"sv || r.kind == "recurring"sv) ++capacity;
      else if (r.kind == "campaign"sv) capacity += r.months.size() * static_cast<size_t>(
          (r.max_age->After(plan.birth).days - r.min_age.After(plan.birth).days) / 365 + 2);
    }
  } else {
    size_t per_pregnancy = 0;
    for (const auto& r : schedule.rules())
      if (!r.prov.Off())
        per_pregnancy += r.kind == "tetanus"sv ? 2 : (r.subject == "pregnancy"sv || r.subject == "mother"sv) && r.kind == "window"sv;
    capacity = per_pregnancy * pregnancies.size();
  }
  plan.items.reserve(capacity);
  if (plan.child) {
    thread_local std::vector<Dosed> dosed;
    dosed.clear();
    for (const auto& e : h.events) {
      if (e.type == "immunization"sv) {
        if (const std::string* v = e.Get("vaccine")) dosed.push_back({&e, v});
      } else if (e.type == "newborn"sv) {
        dosed.push_back({&e, nullptr});
      }
    }
    for (const auto& s : schedule.series()) SeriesItems(s, h, dosed, &out);
    thread_local std::vector<const Fact*> all;
    all.clear();
    for (const auto& e : h.events) all.push_back(&e);
    for (const auto& r : schedule.rules()) {
      if (r.subject != "child"sv || r.prov.Off()) continue;
      if (r.kind == "window"sv)
        WindowItem(r, h.person.birth, all, "", std::string_view(r.id).substr(0, r.id.find('.')), std::nullopt, &out);
      else if (r.kind == "recurring"sv) RecurringItem(r, h, &out);
      else if (r.kind == "campaign"sv) CampaignItems(r, h, &out);
    }
    return;
  }
  thread_local std::vector<const Fact*> own, after_delivery;
  std::string suffix;
  for (const auto& p : pregnancies) {
    own.clear();
    after_delivery.clear();
    for (const auto& e : h.events)
      if (e.pregnancy_id == p.record->id) own.push_back(&e);
    if (p.delivery)
      for (const auto& e : h.events)
        if (e.date >= *p.delivery) after_delivery.push_back(&e);
    suffix.assign("@").append(p.record->id);
    for (const auto& r : schedule.rules()) {
      if (r.prov.Off()) continue;
      const size_t before = out.size();
      if (r.subject == "pregnancy"sv && r.kind == "window"sv) WindowItem(r, p.lmp, own, suffix, "anc", p.ended, &out);
      else if (r.subject == "pregnancy"sv && r.kind == "tetanus"sv) TetanusItems(r, h, p, &out);
      else if (r.subject == "mother"sv && r.kind == "window"sv && p.delivery)
        WindowItem(r, *p.delivery, after_delivery, suffix, "pnc", std::nullopt, &out);
      for (size_t i = before; i < out.size(); ++i) out[i].pregnancy_id = p.record->id;
    }
  }
}

DueList Evaluate(const Plan& plan, Date today) {
  DueList out;
  Evaluate(plan, today, &out);
  return out;
}

void Evaluate(const Plan& plan, Date today, DueList* result) {
  DueList& out = *result;
  out.items.clear();
  out.next_visit.reset();
  if (plan.dead) return;
  // The programme follows children to their fifth birthday.
  if (plan.child && today >= Span{60, 'm'}.After(plan.birth)) return;
  out.items.reserve(plan.items.size());
  for (size_t i = 0; i < plan.items.size(); ++i) {
    const Item& it = plan.items[i];
    ItemView v;
    v.item = &it;
    v.earliest = it.earliest;
    v.due = it.due;
    v.late = it.late;
    v.max = it.max;
    if (it.after >= 0) {
      const ItemView& p = out.items[static_cast<size_t>(it.after)];
      v.after = p.item;
      std::optional<Date> prev;
      if (p.item->done) prev = p.item->done;
      else if (p.state != State::missed) {
        prev = Max(today, p.earliest);
        v.waiting = true;
      }
      if (!prev && !it.done) {
        v.state = State::missed;
        out.items.push_back(v);
        continue;
      }
      if (prev) Shift(it.earliest, it.due, it.late, it.interval, it.grace_days, prev, &v.earliest, &v.due, &v.late);
    }
    if (it.done) v.state = State::done;
    else if (!it.closed.empty() && it.max && today > *it.max) v.state = State::missed;
    else if (v.max && (v.earliest > *v.max || today > *v.max)) v.state = State::missed;
    else if (v.waiting || today < v.due) v.state = State::upcoming;
    else if (today < v.late) v.state = State::due;
    else {
      v.state = State::overdue;
      v.days_overdue = today.days - v.late.days;
    }
    if (v.state != State::done && v.state != State::missed) {
      const Date when = Max(today, v.due);
      if (!out.next_visit || when < *out.next_visit) out.next_visit = when;
    }
    out.items.push_back(v);
  }
}

}  // namespace u5::care
