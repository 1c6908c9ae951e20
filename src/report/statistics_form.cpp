#include "report/statistics_form.h"

namespace u5::report {
namespace {

Column Col(Label k, bool numeric) { return {Tr(Lang::vi, k), Tr(Lang::en, k), {}, numeric, {}, {}}; }
Cell Count(std::optional<int64_t> n) { return n ? Cell{static_cast<double>(*n), {}, 0} : Cell{}; }
Cell Text(std::string s) { return Cell{std::nullopt, std::move(s), 0}; }

// A row's count at an org unit: empty when the row is not recorded or its
// indicator is not computed from the records (never 0 for "unknown").
Status RowCount(indicator::Service& svc, const FormRow& row, const std::string& ou, const indicator::Period& p,
                std::optional<int64_t>* out) {
  out->reset();
  if (row.indicator.empty()) return Status::Ok();
  // An annual-only indicator answers 0 for a month: no count, so the cell stays empty.
  if (svc.catalogue().Find(row.indicator)->annual_only && p.kind != indicator::PeriodKind::year) return Status::Ok();
  indicator::IndicatorValue v;
  U5_RETURN_IF_ERROR(svc.Value(row.indicator, ou, p, &v));
  if (v.from_records) *out = row.denominator ? v.den : v.num;
  return Status::Ok();
}

std::string CountedAs(Lang l, const indicator::Catalogue& cat, const FormRow& row) {
  if (row.indicator.empty()) return Tr(l, Label::form_not_recorded, {Pick(l, row.note_vi, row.note_en)});
  const indicator::Indicator* ind = cat.Find(row.indicator);
  std::string s = Tr(l, Label::form_counted_as, {Tr(l, row.denominator ? Label::form_denominator : Label::form_numerator),
                                                 Pick(l, ind->name_vi, ind->name_en), ind->id});
  const std::string& note = Pick(l, row.note_vi, row.note_en);
  return note.empty() ? s : s + "; " + note;
}

}  // namespace

Status BuildStatisticsForm(indicator::Service& svc, store::Store& store, const Template& t, const BuildOptions& o, Report* out) {
  Report r;
  r.tmpl = &t;
  r.lang = o.lang;
  r.as_of = o.as_of;
  const Lang L = o.lang;
  r.orgunit = o.orgunit.empty() ? t.orgunit : o.orgunit;
  if (r.orgunit.empty()) return Status::Invalid("orgunit", "template " + t.id + " needs the orgunit of the " + t.level + " that files it");
  U5_RETURN_IF_ERROR(indicator::ParsePeriod(o.period, &r.period));
  if (!t.AcceptsPeriod(r.period.kind))
    return Status::Invalid("period", "template " + t.id + " is filed by " + t.period_kinds.front() +
                                         (t.period_kinds.size() > 1 ? " or " + t.period_kinds.back() : "") + "; '" + o.period + "' is not one");
  // A form belongs to its regime: a period ending outside its dates is filed on the other circular's form.
  if ((t.effective_from && r.period.to < *t.effective_from) || (t.effective_to && r.period.to > *t.effective_to))
    return Status::Invalid("period", "template " + t.id + " applies to periods ending " +
                                         (t.effective_from ? "from " + FormatDate(*t.effective_from) : std::string("")) +
                                         (t.effective_to ? " to " + FormatDate(*t.effective_to) : std::string("")) + "; '" + o.period + "' does not");
  r.due_before = Date{DueDate(t, r.period).days + 1};
  store::OrgUnit self;
  U5_RETURN_IF_ERROR(store.orgunits().Get(r.orgunit, &self));
  if (self.kind != t.level)
    return Status::Invalid("orgunit", "template " + t.id + " is filed by a " + t.level + "; " + r.orgunit + " is a " + self.kind);
  r.orgunit_name = self.name;
  const indicator::Catalogue& cat = svc.catalogue();
  for (const auto& row : t.rows)
    if (!row.indicator.empty() && !cat.Find(row.indicator))
      return Status::Invalid("rows", "template " + t.id + ": row " + row.id + " names an unknown indicator '" + row.indicator + "'");

  Table tb{t.id, t.title_vi, t.title_en, {}, {}};
  if (t.level == "commune") {
    // The form's rows for this commune: total, by sex where the form asks, and the note.
    tb.code_title_vi = Tr(Lang::vi, Label::form_no), tb.code_title_en = Tr(Lang::en, Label::form_no);
    tb.name_title_vi = Tr(Lang::vi, Label::form_item), tb.name_title_en = Tr(Lang::en, Label::form_item);
    tb.columns.push_back(Col(Label::form_total, true));
    if (t.by_sex) {
      tb.columns.push_back(Col(Label::form_male, true));
      tb.columns.push_back(Col(Label::form_female, true));
    }
    tb.columns.push_back(Col(Label::form_note, false));
    for (size_t i = 0; i < t.rows.size(); ++i) {
      const FormRow& fr = t.rows[i];
      Row row{std::to_string(i + 1), Pick(L, fr.label_vi, fr.label_en), false, {}};
      std::optional<int64_t> n;
      U5_RETURN_IF_ERROR(RowCount(svc, fr, r.orgunit, r.period, &n));
      row.cells.push_back(Count(n));
      if (t.by_sex) {
        std::optional<int64_t> male, female;
        if (n) {
          std::map<std::string, indicator::Cell> by;
          U5_RETURN_IF_ERROR(svc.Breakdown(fr.indicator, r.orgunit, r.period, "sex", &by));
          male = fr.denominator ? by["male"].den : by["male"].num;
          female = fr.denominator ? by["female"].den : by["female"].num;
        }
        row.cells.push_back(Count(male));
        row.cells.push_back(Count(female));
      }
      row.cells.push_back(Text(fr.indicator.empty() ? Tr(L, Label::form_not_recorded, {Pick(L, fr.note_vi, fr.note_en)}) : ""));
      tb.rows.push_back(std::move(row));
    }
  } else {
    // The province's form: its communes, then the total; a column per form row.
    // Columns name no indicator: the section tables' num/den/value triplets (suppress.cpp) are not these counts.
    for (const auto& fr : t.rows) tb.columns.push_back({fr.label_vi, fr.label_en, {}, true, {}, {}});
    std::vector<store::OrgUnit> kids;
    U5_RETURN_IF_ERROR(store.orgunits().Children(r.orgunit, &kids));
    std::vector<std::pair<std::string, std::string>> units;
    for (const auto& k : kids)
      if (k.scheme != "facility") units.emplace_back(k.id, k.name);
    units.emplace_back(r.orgunit, Tr(L, Label::total_row, {self.name}));
    for (size_t i = 0; i < units.size(); ++i) {
      Row row{units[i].first, units[i].second, i + 1 == units.size(), {}};
      for (const auto& fr : t.rows) {
        std::optional<int64_t> n;
        U5_RETURN_IF_ERROR(RowCount(svc, fr, row.orgunit, r.period, &n));
        row.cells.push_back(Count(n));
      }
      tb.rows.push_back(std::move(row));
    }
  }
  r.tables.push_back(std::move(tb));

  // How each row is counted, so a reader can check the form against the registry.
  Table how{"rows", Tr(Lang::vi, Label::form_rows_title), Tr(Lang::en, Label::form_rows_title), {}, {}};
  how.code_title_vi = Tr(Lang::vi, Label::form_no), how.code_title_en = Tr(Lang::en, Label::form_no);
  how.name_title_vi = Tr(Lang::vi, Label::form_item), how.name_title_en = Tr(Lang::en, Label::form_item);
  how.columns.push_back(Col(Label::form_note, false));
  for (size_t i = 0; i < t.rows.size(); ++i) {
    const FormRow& fr = t.rows[i];
    how.rows.push_back({std::to_string(i + 1), Pick(L, fr.label_vi, fr.label_en), false, {Text(CountedAs(L, cat, fr))}});
  }
  r.tables.push_back(std::move(how));
  *out = std::move(r);
  return Status::Ok();
}

}  // namespace u5::report
