#include "report/model.h"

#include <map>
#include <nlohmann/json.hpp>

#include "orgunit/orgunit.h"
#include "report/signoff.h"

namespace u5::report {
namespace {

using indicator::IndicatorValue;
using indicator::PeriodKind;

const char* KindName(PeriodKind k) {
  switch (k) {
    case PeriodKind::month: return "month";
    case PeriodKind::quarter: return "quarter";
    case PeriodKind::half: return "half";
    case PeriodKind::year: return "year";
    default: return "range";
  }
}

std::string StatusVi(const std::string& s) {
  if (s == "achieved") return "Đạt";
  if (s == "on_track") return "Đúng tiến độ";
  if (s == "at_risk") return "Có nguy cơ không đạt";
  if (s == "off_track") return "Không đạt tiến độ";
  return "Chưa đánh giá được";
}

// The target the report measures against: the plan's first target year not
// before the period's year, else its last one.
const indicator::Target* TargetFor(const indicator::Plan& plan, const std::string& ind, int year) {
  const indicator::Target* best = nullptr;
  for (const auto& t : plan.targets) {
    if (t.indicator != ind) continue;
    if (!best) { best = &t; continue; }
    const bool t_ok = t.year >= year, b_ok = best->year >= year;
    if ((t_ok && (!b_ok || t.year < best->year)) || (!t_ok && !b_ok && t.year > best->year)) best = &t;
  }
  return best;
}

Cell Num(std::optional<double> v, int decimals) { return Cell{v, {}, decimals}; }
Cell Text(std::string s) { return Cell{std::nullopt, std::move(s), 0}; }

}  // namespace

std::string FiguresJson(indicator::Service& svc, const std::string& orgunit, const indicator::Period& p) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& ind : svc.catalogue().indicators()) {
    if (!ind.computable) continue;
    IndicatorValue v;
    if (!svc.Value(ind.id, orgunit, p, &v).ok() || !v.from_records) continue;
    j[ind.id] = {v.num, v.den};
  }
  return j.dump();
}

Status BuildReport(indicator::Service& svc, store::Db& db, const Template& t, const BuildOptions& o, Report* out) {
  Report r;
  r.tmpl = &t;
  r.orgunit = o.orgunit.empty() ? t.orgunit : o.orgunit;
  U5_RETURN_IF_ERROR(indicator::ParsePeriod(o.period, &r.period));
  if (t.period_kind != KindName(r.period.kind))
    return Status::Invalid("period", "template " + t.id + " reports " + t.period_kind + " periods; '" + o.period + "' is not one");
  r.due_before = t.DueBefore(r.period.year);
  r.as_of = o.as_of;
  orgunit::OrgUnit self;
  U5_RETURN_IF_ERROR(orgunit::GetOrgUnit(db, r.orgunit, &self));
  r.orgunit_name = self.name;
  std::vector<orgunit::OrgUnit> kids, units;
  U5_RETURN_IF_ERROR(orgunit::ListChildren(db, r.orgunit, &kids));
  for (auto& k : kids)
    if (k.scheme != "facility") units.push_back(std::move(k));

  const indicator::Catalogue& cat = svc.catalogue();
  const indicator::Plan* plan = cat.FindPlan(t.plan);
  if (!plan) return Status::Invalid("plan", "template " + t.id + ": no plan '" + t.plan + "' in the catalogue");

  // Headline indicators against the plan's targets, evaluated once per target year.
  std::map<int, std::vector<indicator::TargetEval>> evals;
  for (const auto& id : t.headline) {
    const indicator::Indicator* ind = cat.Find(id);
    if (!ind) return Status::Invalid("headline", "template " + t.id + ": unknown indicator '" + id + "'");
    HeadlineItem h;
    h.indicator = id;
    h.name_vi = ind->name_vi;
    h.unit = ind->unit;
    h.lower_is_better = ind->lower_is_better();
    IndicatorValue v;
    U5_RETURN_IF_ERROR(svc.Value(id, r.orgunit, r.period, &v));
    h.value = v.value;
    h.num = v.num;
    h.den = v.den;
    if (const indicator::Target* tg = TargetFor(*plan, id, r.period.year)) {
      h.target_year = tg->year;
      h.target_printed = tg->printed;
      h.op = tg->op;
      if (!evals.count(tg->year)) {
        std::vector<indicator::TargetEval> es;
        U5_RETURN_IF_ERROR(svc.Evaluate(plan->id, r.orgunit, tg->year, r.as_of, &es));
        evals[tg->year] = std::move(es);
      }
      for (const auto& e : evals[tg->year])
        if (e.target.indicator == id) {
          h.target = e.threshold;
          h.status = e.status;
        }
    }
    r.headline.push_back(std::move(h));
  }
  {
    Table tb{"headline", "Các chỉ tiêu chính so với mục tiêu", "Headline indicators against targets", {}, {}};
    tb.columns = {{"Tử số", "Numerator", "", true, ""}, {"Mẫu số", "Denominator", "", true, ""}, {"Kết quả", "Value", "", true, ""},
                  {"Đơn vị", "Unit", "", false, ""}, {"Mục tiêu", "Target", "", false, ""}, {"Năm mục tiêu", "Target year", "", true, ""},
                  {"Đánh giá", "Status", "", false, ""}};
    for (const auto& h : r.headline) {
      Row row{h.indicator, h.name_vi, false, {}};
      row.cells = {Num(double(h.num), 0), Num(double(h.den), 0), Num(h.value, 1), Text(h.unit), Text(h.target_printed),
                   h.target_year ? Num(double(h.target_year), 0) : Text(""), Text(h.status.empty() ? "" : StatusVi(h.status))};
      tb.rows.push_back(std::move(row));
    }
    r.tables.push_back(std::move(tb));
  }

  // One table per section: the units under the report's unit, then the total.
  std::vector<std::pair<std::string, std::string>> row_units;
  for (const auto& u : units) row_units.emplace_back(u.id, u.name);
  row_units.emplace_back(r.orgunit, "Toàn " + self.name);
  for (const auto& sec : t.sections) {
    Table tb{sec.id, sec.title_vi, sec.title_en, {}, {}};
    std::vector<const indicator::Indicator*> inds;
    for (const auto& id : sec.indicators) {
      const indicator::Indicator* ind = cat.Find(id);
      if (!ind) return Status::Invalid("sections", "template " + t.id + ": unknown indicator '" + id + "'");
      inds.push_back(ind);
      tb.columns.push_back({"Tử số", "Numerator", ind->name_vi, true, ind->id});
      tb.columns.push_back({"Mẫu số", "Denominator", ind->name_vi, true, ind->id});
      tb.columns.push_back({"Kết quả (" + ind->unit + ")", "Value (" + ind->unit + ")", ind->name_vi, true, ind->id});
    }
    for (size_t i = 0; i < row_units.size(); ++i) {
      Row row{row_units[i].first, row_units[i].second, i + 1 == row_units.size(), {}};
      for (const auto* ind : inds) {
        IndicatorValue v;
        U5_RETURN_IF_ERROR(svc.Value(ind->id, row.orgunit, r.period, &v));
        row.cells.push_back(Num(double(v.num), 0));
        row.cells.push_back(Num(double(v.den), 0));
        row.cells.push_back(Num(v.value, 1));
        r.values.push_back({ind->id, row.orgunit, v.num, v.den, v.value});
      }
      tb.rows.push_back(std::move(row));
    }
    r.tables.push_back(std::move(tb));
  }

  // Sign-off: each unit confirms its own figures; completeness and timeliness as of the report date.
  Table so{"signoff", "Xác nhận số liệu của đơn vị", "Sign-off by reporting units", {}, {}};
  so.columns = {{"Trạng thái", "Status", "", false, ""}, {"Người xác nhận", "Confirmed by", "", false, ""},
                {"Ngày xác nhận", "Confirmed on", "", false, ""}, {"Đúng hạn", "On time", "", false, ""},
                {"Số liệu thay đổi sau xác nhận", "Figures changed since", "", false, ""}};
  Completeness& c = r.completeness;
  for (const auto& u : units) {
    SignoffState s;
    U5_RETURN_IF_ERROR(SignoffAsOf(db, u.id, r.period.text, r.as_of, &s));
    c.expected++;
    Row row{u.id, u.name, false, {}};
    if (!s.closed) {
      row.cells = {Text(s.reopened ? "Đã mở lại" : "Chưa xác nhận"), Text(""), Text(""), Text(""), Text("")};
    } else {
      c.signed_off++;
      const bool on_time = s.on < r.due_before;
      if (on_time) c.on_time++;
      // Figures confirmed then, compared with the registry now: a change means
      // records were edited after the sign-off without reopening the period.
      int changed = 0;
      nlohmann::json then = nlohmann::json::parse(s.figures, nullptr, false);
      if (then.is_object()) {
        nlohmann::json now = nlohmann::json::parse(FiguresJson(svc, u.id, r.period));
        for (auto it = then.begin(); it != then.end(); ++it)
          if (!now.contains(it.key()) || now[it.key()] != it.value()) changed++;
      }
      if (changed) c.changed_since++;
      row.cells = {Text("Đã xác nhận"), Text(s.by), Text(FormatDate(s.on)), Text(on_time ? "Có" : "Không"),
                   Num(double(changed), 0)};
    }
    so.rows.push_back(std::move(row));
  }
  Row tot{r.orgunit, "Tỷ lệ đầy đủ / đúng hạn (%)", true, {}};
  tot.cells = {Num(c.completeness_pct(), 1), Text(""), Text(""), Num(c.timeliness_pct(), 1), Num(double(c.changed_since), 0)};
  so.rows.push_back(std::move(tot));
  r.tables.push_back(std::move(so));
  *out = std::move(r);
  return Status::Ok();
}

}  // namespace u5::report
