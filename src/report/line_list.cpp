#include "report/line_list.h"

#include <algorithm>
#include <map>

#include "core/date.h"
#include "report/render.h"

namespace u5::report {
namespace {

using nlohmann::json;

json Body(const store::Record& r) {
  json b = json::parse(r.body, nullptr, false);
  return b.is_object() ? b : json::object();
}

std::string Str(const json& b, const char* k) {
  auto it = b.find(k);
  return it != b.end() && it->is_string() ? it->get<std::string>() : "";
}

// "2026-05-04T08:30:00+07:00" -> "2026-05-04 08:30": the minute is enough on paper.
std::string Minute(const std::string& iso) {
  std::string s = iso.substr(0, 16);
  if (s.size() > 10 && s[10] == 'T') s[10] = ' ';
  return s;
}

// Pregnant or within 42 days of the end of a pregnancy at `died`, from her
// records: a delivery or stillbirth in the 42 days before, or a pregnancy
// begun in the 301 days (43 weeks) before and not yet ended by one. The
// notification's own flags (maternal_death, derived maternal_candidate) say
// "yes" where her records do not tell which.
std::string PregnancyWord(const json& death, const std::vector<store::Record>& events, Date died) {
  std::map<std::string, Date> ended;  // pregnancy id -> its first delivery or stillbirth
  for (const auto& e : events) {
    if (e.type != "delivery" && e.type != "stillbirth") continue;
    const auto d = ParseDate(e.date);
    if (!d || *d > died) continue;
    if (died.days - d->days <= 42) return "within_42_days";
    if (e.pregnancy_id && (!ended.count(*e.pregnancy_id) || *d < ended[*e.pregnancy_id])) ended[*e.pregnancy_id] = *d;
  }
  for (const auto& e : events) {
    if (e.type != "pregnancy") continue;
    const json b = Body(e);
    const auto start = ParseDate(Str(b, "lmp").empty() ? e.date : Str(b, "lmp"));
    if (!start || *start > died || died.days - start->days > 301 || ended.count(e.id)) continue;
    return "pregnant";
  }
  return death.value("maternal_death", false) || death.value("maternal_candidate", false) ? "yes" : "no";
}

}  // namespace

Status BuildDeathsOfWomen(store::Store& store, const Template& t, const LineListOptions& o, Report* out) {
  Report r;
  r.tmpl = &t;
  r.lang = o.lang;
  r.orgunit = o.orgunit;
  r.period = o.period;
  r.as_of = o.as_of;
  r.line_list = true;
  if (t.cumulative) r.period.from = DateFromYmd(o.period.year, 1, 1);
  store::OrgUnit self;
  U5_RETURN_IF_ERROR(store.orgunits().Get(o.orgunit, &self));
  r.orgunit_name = self.name;
  const Lang L = o.lang;
  auto word = [&](const std::string& w) {
    auto it = t.words.find(w);
    return it == t.words.end() ? w : Pick(L, it->second.first, it->second.second);
  };

  std::vector<store::Record> deaths;
  store::ListQuery q;
  q.type = "death";
  q.orgunit = o.orgunit;
  q.from = FormatDate(r.period.from);
  q.to = FormatDate(r.period.to);
  q.limit = 1000;
  for (;;) {
    std::vector<store::Record> page;
    U5_RETURN_IF_ERROR(store.List(q, &page));
    deaths.insert(deaths.end(), page.begin(), page.end());
    if (static_cast<int>(page.size()) < q.limit) break;
    q.after = page.back().id;
  }
  std::sort(deaths.begin(), deaths.end(), [](const store::Record& a, const store::Record& b) {
    return std::tie(a.date, a.id) < std::tie(b.date, b.id);
  });

  Table tb;
  tb.id = t.list;
  tb.title_vi = t.title_vi;
  tb.title_en = t.title_en;
  tb.code_title_vi = "STT";
  tb.code_title_en = "No.";
  tb.name_title_vi = "Họ và tên";
  tb.name_title_en = "Full name";
  for (const auto& c : t.columns) tb.columns.push_back({c.title_vi, c.title_en, "", false, "", ""});
  std::map<std::string, std::string> commune_names;
  for (const auto& d : deaths) {
    store::Record person;
    std::vector<store::Record> events;
    Status st = store.Handbook(d.person_id, &person, &events);
    if (st.code() == Code::not_found) continue;  // the person was deleted: no longer on the list
    U5_RETURN_IF_ERROR(st);
    const auto birth = ParseDate(person.date);
    const auto died = ParseDate(d.date);
    if (person.sex != "female" || !birth || !died) continue;
    const int age = CompletedYears(*birth, *died);
    if (age < 15 || age > 49) continue;
    const json db = Body(d);
    const json pb = Body(person);
    if (!commune_names.count(d.orgunit_id)) {
      store::OrgUnit u;
      commune_names[d.orgunit_id] = store.orgunits().Get(d.orgunit_id, &u).ok() ? u.name : d.orgunit_id;
    }
    std::string reviewed = word("not_reviewed");
    for (const auto& e : events)
      if (e.type == "death_review") {
        const json rb = Body(e);
        if (Str(rb, "death_id") == d.id && Str(rb, "status") == "complete") reviewed = word("reviewed") + " " + e.date;
      }
    std::string cause = Str(db, "cause_text");
    if (cause.empty()) cause = Str(db, "cause_category");
    if (!Str(db, "icd10").empty()) cause += (cause.empty() ? "" : " ") + std::string("(ICD-10 ") + Str(db, "icd10") + ")";
    const std::string place = Str(db, "place");
    const json pl = o.place_labels.value(place, json::object());
    const std::string notified = Str(db, "notified_at").empty() ? d.created_at : Str(db, "notified_at");
    const std::string time = Str(db, "time_of_death");
    Row row;
    row.orgunit = std::to_string(tb.rows.size() + 1);
    row.name = person.full_name;
    for (const auto& c : t.columns) {
      Cell cell;
      if (c.id == "age") cell.num = age;
      else if (c.id == "village") cell.text = Str(pb, "village");
      else if (c.id == "commune") cell.text = commune_names[d.orgunit_id];
      else if (c.id == "death_date") cell.text = time.empty() ? d.date : Minute(time);
      else if (c.id == "place") cell.text = place.empty() ? "" : pl.value(L == Lang::en ? "en" : "vi", place);
      else if (c.id == "pregnancy") cell.text = word(PregnancyWord(db, events, *died));
      else if (c.id == "cause") cell.text = cause;
      else if (c.id == "notified_at") cell.text = Minute(notified);
      else if (c.id == "reviewed") cell.text = reviewed;
      row.cells.push_back(std::move(cell));
    }
    tb.rows.push_back(std::move(row));
    if (std::find(r.persons.begin(), r.persons.end(), d.person_id) == r.persons.end()) r.persons.push_back(d.person_id);
  }
  r.tables.push_back(std::move(tb));
  *out = std::move(r);
  return Status::Ok();
}

std::string LineListCsv(const Report& r, bool bom) {
  std::string o = bom ? "\xEF\xBB\xBF" : "";
  o += "no,full_name";
  for (const auto& c : r.tmpl->columns) o += "," + c.id;
  o += "\r\n";
  for (const auto& t : r.tables)
    for (const auto& row : t.rows) {
      o += row.orgunit + "," + CsvField(row.name);
      for (const auto& c : row.cells) o += "," + CsvField(c.num ? std::to_string(static_cast<int64_t>(*c.num)) : c.text);
      o += "\r\n";
    }
  return o;
}

}  // namespace u5::report
