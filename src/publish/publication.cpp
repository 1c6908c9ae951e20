#include "publish/publication.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

#include "auth/roles.h"
#include "auth/small_cells.h"
#include "core/date.h"
#include "core/id.h"
#include "publish/suppress.h"
#include "store/orgunits.h"
#include "store/signoffs.h"

namespace u5::publish {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string PeriodLabel(const indicator::Period& p, bool vi) {
  const std::string y = std::to_string(p.year);
  if (p.kind == indicator::PeriodKind::year) return (vi ? "Năm " : "Year ") + y;
  if (vi) return (p.index == 1 ? "6 tháng đầu năm " : "6 tháng cuối năm ") + y;
  return (p.index == 1 ? "First half of " : "Second half of ") + y;
}

json Count(int64_t n, bool hidden) { return hidden ? json(nullptr) : json(n); }

// "achieved" → met; past its year a miss is "not_met"; an interval holding
// the target is "uncertain" (docs/publication.md).
std::string Verdict(const indicator::TargetEval& e, int period_year) {
  if (e.status == "not_computable") return "not_computable";
  if (e.uncertain) return "uncertain";
  if (e.status == "achieved") return "met";
  if (e.status == "on_track") return "on_track";
  return e.target.year <= period_year ? "not_met" : "off_track";
}

// The target a period is judged against: the first not before its year, else the last.
const indicator::TargetEval* TargetFor(const std::vector<indicator::TargetEval>& es, const std::string& ind, int year) {
  const indicator::TargetEval* best = nullptr;
  for (const auto& e : es) {
    if (e.target.indicator != ind) continue;
    if (!best) best = &e;
    else if ((best->target.year < year && e.target.year >= year) ||
             (e.target.year >= year && e.target.year < best->target.year))
      best = &e;
  }
  return best;
}

const indicator::Plan* PlanOf(const indicator::Catalogue& cat, const std::string& orgunit) {
  for (const auto& p : cat.plans())
    if (!p.national() && (p.orgunit == orgunit || p.successor_orgunit == orgunit)) return &p;
  return nullptr;
}

// One 2-D count table with its mask (suppress.h), in the contract's shape.
json TableJson(const char* id, const char* title_vi, const char* title_en,
               const std::vector<std::tuple<const char*, const char*, const char*>>& columns,
               const std::vector<store::OrgUnit>& communes, const std::vector<std::vector<int64_t>>& cells, const TableMask& m) {
  json cols = json::array(), rows = json::array(), col_totals = json::array();
  for (auto [cid, vi, en] : columns) cols.push_back({{"id", cid}, {"label_vi", vi}, {"label_en", en}});
  std::vector<int64_t> ct(columns.size(), 0);
  int64_t grand = 0;
  for (size_t i = 0; i < communes.size(); ++i) {
    json cs = json::array();
    int64_t total = 0;
    for (size_t j = 0; j < columns.size(); ++j) {
      cs.push_back(Count(cells[i][j], m.cells[i][j]));
      total += cells[i][j];
      ct[j] += cells[i][j];
    }
    grand += total;
    rows.push_back({{"orgunit", communes[i].id}, {"name", communes[i].name}, {"cells", cs}, {"total", Count(total, m.rows[i])}});
  }
  for (size_t j = 0; j < columns.size(); ++j) col_totals.push_back(Count(ct[j], m.cols[j]));
  return {{"id", id}, {"title_vi", title_vi}, {"title_en", title_en}, {"columns", cols}, {"rows", rows},
          {"column_totals", col_totals}, {"grand_total", Count(grand, m.grand)}};
}

Status WriteAtomic(const fs::path& path, const std::string& bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Status::Internal("cannot create " + path.parent_path().string() + ": " + ec.message());
  const fs::path tmp = path.string() + ".tmp" + std::to_string(getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.flush();
    if (!f) return Status::Internal("cannot write " + tmp.string());
  }
  fs::rename(tmp, path, ec);
  if (ec) return Status::Internal("cannot rename " + tmp.string() + ": " + ec.message());
  return Status::Ok();
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}

std::string Num(const json& j) {
  if (j.is_null()) return "";
  if (j.is_number_integer()) return std::to_string(j.get<int64_t>());
  return j.dump();
}

// The index lists the publications whose files are in `dir` (a publication
// written into another dir with --public-dir is not served from this one).
json IndexJson(store::Store& store, const fs::path& dir, const std::vector<store::PublicationRow>& rows, const std::string& at) {
  std::map<std::string, json> by_unit;
  for (const auto& r : rows) {
    indicator::Period p;
    if (!indicator::ParsePeriod(r.period, &p).ok() || !fs::exists(dir / r.orgunit / (r.period + ".json"))) continue;
    json& u = by_unit[r.orgunit];
    if (u.is_null()) {
      store::OrgUnit ou;
      const std::string name = store.orgunits().Get(r.orgunit, &ou).ok() ? ou.name : r.orgunit;
      // A province's name is a proper noun, the same in English.
      u = {{"orgunit", r.orgunit}, {"name_vi", name}, {"name_en", name}, {"publications", json::array()}};
    }
    u["publications"].push_back({{"period", r.period}, {"label_vi", PeriodLabel(p, true)}, {"label_en", PeriodLabel(p, false)},
                                 {"published_at", r.at}, {"version", r.version}});
  }
  json provinces = json::array();
  for (auto& [id, u] : by_unit) {
    std::sort(u["publications"].begin(), u["publications"].end(),
              [](const json& a, const json& b) { return a["period"].get<std::string>() > b["period"].get<std::string>(); });
    provinces.push_back(std::move(u));
  }
  return {{"format", "under5-publication-index/1"}, {"generated_at", at}, {"provinces", provinces}};
}

}  // namespace

std::string DefaultPublicDir(const std::string& db_path) { return db_path + ".public"; }

Status CheckRequest(store::Store& store, const std::string& orgunit, const std::string& period, indicator::Period* p,
                    std::string* signed_off_at) {
  store::OrgUnit ou;
  if (orgunit.empty() || !store.orgunits().Get(orgunit, &ou).ok() || ou.scheme != "vn2025" || ou.kind != "province")
    return Status::Invalid("orgunit", "orgunit must be a province of the 2025 scheme (e.g. 12)");
  if (!indicator::ParsePeriod(period, p).ok() ||
      (p->kind != indicator::PeriodKind::year && p->kind != indicator::PeriodKind::half))
    return Status::Invalid("period", "period must be a year (2025) or a half year (2026S1, 2026S2)");
  std::vector<store::SignoffRow> rows;
  U5_RETURN_IF_ERROR(store.signoffs().History(orgunit, p->text, &rows));
  if (rows.empty() || rows.back().action != "close")
    return Status::Conflict(orgunit + " " + p->text + " is not signed off: sign the period off before publishing it", "period");
  *signed_off_at = rows.back().at;
  return Status::Ok();
}

Status BuildPublication(store::Store& store, indicator::Service& svc, const std::string& orgunit, const indicator::Period& p,
                        const std::vector<store::PublicationRow>& earlier, json* out) {
  const int threshold = auth::Roles::Current().small_cell_threshold();
  store::OrgUnit prov;
  U5_RETURN_IF_ERROR(store.orgunits().Get(orgunit, &prov));
  std::vector<store::OrgUnit> children, communes;
  U5_RETURN_IF_ERROR(store.orgunits().Children(orgunit, &children));
  for (auto& c : children)
    if (c.kind == "commune") communes.push_back(std::move(c));
  const indicator::Catalogue& cat = svc.catalogue();
  const indicator::Plan* plan = PlanOf(cat, orgunit);
  std::vector<indicator::TargetEval> evals;
  if (plan) U5_RETURN_IF_ERROR(svc.Evaluate(plan->id, orgunit, p.year, p.to, &evals));

  // The trend: what earlier publications of the same kind printed, never a figure not published.
  std::vector<std::pair<std::string, json>> trend_src;
  for (const auto& r : earlier)
    if (r.period.size() == p.text.size() && r.period < p.text) {
      json body = json::parse(r.body, nullptr, false);
      if (!body.is_discarded()) trend_src.push_back({r.period, std::move(body)});
    }
  std::sort(trend_src.begin(), trend_src.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  std::vector<std::string> ids;
  if (plan)
    for (const auto& t : plan->targets)
      if (std::find(ids.begin(), ids.end(), t.indicator) == ids.end() && cat.Find(t.indicator)) ids.push_back(t.indicator);
  if (ids.empty()) ids = {"neonatal_mortality_rate", "infant_mortality_rate", "under5_mortality_rate", "low_birth_weight"};

  // Under-5 deaths by age group and live births by birth weight, commune by commune.
  std::vector<std::vector<int64_t>> deaths(communes.size(), std::vector<int64_t>(3, 0)),
      births(communes.size(), std::vector<int64_t>(2, 0));
  for (size_t i = 0; i < communes.size(); ++i) {
    indicator::DeathCounts dc;
    U5_RETURN_IF_ERROR(svc.Deaths(communes[i].id, p, {"category"}, &dc));
    const auto& by = dc.by["category"];
    auto n = [&](const char* k) { auto it = by.find(k); return it == by.end() ? int64_t{0} : it->second; };
    deaths[i] = {n("early_neonatal") + n("late_neonatal"), n("post_neonatal"), n("child_1_4")};
    indicator::IndicatorValue lbw;
    U5_RETURN_IF_ERROR(svc.Value("low_birth_weight", communes[i].id, p, &lbw));
    births[i] = {lbw.num, lbw.den - lbw.num};
  }
  // Linked figures: the death counts of the mortality rates are the deaths
  // table's age groups summed from the left (neonatal; + post-neonatal =
  // infant; + 1–4 = under 5), low birth weight's numerator and denominator the
  // births table's first group and both. Such a figure is shown only when the
  // table's published cells give it already, so the rates tell nothing the
  // suppressed tables hide.
  const TableMask deaths_mask = SuppressTable(deaths, threshold), births_mask = SuppressTable(births, threshold);
  struct Link {
    const TableMask* mask;
    std::vector<size_t> prefixes;  // the numerator's, then the denominator's when the table holds it
  };
  const std::map<std::string, Link> links{{"neonatal_mortality_rate", {&deaths_mask, {1}}},
                                          {"infant_mortality_rate", {&deaths_mask, {2}}},
                                          {"under5_mortality_rate", {&deaths_mask, {3}}},
                                          {"low_birth_weight", {&births_mask, {1, 2}}}};
  auto computable = [](const std::vector<bool>& hidden, bool total_hidden, size_t k) {
    const bool head = std::none_of(hidden.begin(), hidden.begin() + static_cast<long>(k), [](bool h) { return h; });
    const bool tail = std::none_of(hidden.begin() + static_cast<long>(k), hidden.end(), [](bool h) { return h; });
    return head || (!total_hidden && tail);
  };
  json indicators = json::array();
  for (const std::string& id : ids) {
    const indicator::Indicator* ind = cat.Find(id);
    indicator::IndicatorValue total;
    U5_RETURN_IF_ERROR(svc.Value(id, orgunit, p, &total));
    const bool small_total = auth::IsSmallCell({total.num, total.den}, threshold);
    const auto linked = links.find(id);
    auto given = [&](const std::vector<bool>& hidden, bool total) {
      if (linked == links.end()) return true;
      for (size_t k : linked->second.prefixes)
        if (!computable(hidden, total, k)) return false;
      return true;
    };
    const bool total_hidden =
        small_total || (linked != links.end() && !given(linked->second.mask->cols, linked->second.mask->grand));
    std::vector<indicator::IndicatorValue> cv(communes.size());
    std::vector<auth::CountCell> cells;
    for (size_t i = 0; i < communes.size(); ++i) {
      U5_RETURN_IF_ERROR(svc.Value(id, communes[i].id, p, &cv[i]));
      cells.push_back({cv[i].num, cv[i].den});
    }
    std::vector<bool> hide = auth::CellsToHide(cells, threshold);
    json cs = json::array();
    auto value = [](const indicator::IndicatorValue& v) {
      return v.from_records && v.value ? json(*v.value) : json(nullptr);
    };
    for (size_t i = 0; i < communes.size(); ++i) {
      const bool h = small_total || hide[i] ||
                     (linked != links.end() && !given(linked->second.mask->cells[i], linked->second.mask->rows[i]));
      cs.push_back({{"orgunit", communes[i].id}, {"name", communes[i].name}, {"numerator", Count(cv[i].num, h)},
                    {"denominator", Count(cv[i].den, h)}, {"value", h ? json(nullptr) : value(cv[i])}, {"suppressed", h}});
    }
    json tot = {{"numerator", Count(total.num, total_hidden)}, {"denominator", Count(total.den, total_hidden)},
                {"value", total_hidden ? json(nullptr) : value(total)},
                {"ci_low", total_hidden || !total.precision.low ? json(nullptr) : json(*total.precision.low)},
                {"ci_high", total_hidden || !total.precision.high ? json(nullptr) : json(*total.precision.high)},
                {"suppressed", total_hidden}};
    json target = nullptr;
    std::string status = "no_target";
    if (const indicator::TargetEval* e = TargetFor(evals, id, p.year)) {
      target = {{"year", e->target.year}, {"op", e->check_op.empty() ? e->target.op : e->check_op},
                {"value", e->threshold ? *e->threshold : e->target.value},
                {"printed_vi", e->target.printed_vi.empty() ? e->target.printed : e->target.printed_vi},
                {"printed_en", e->target.printed_en}};
      // A hidden total's verdict would tell on it.
      status = total_hidden ? "not_computable" : Verdict(*e, p.year);
    }
    json trend = json::array();
    for (const auto& [period, body] : trend_src)
      for (const auto& i : body.value("indicators", json::array()))
        if (i.value("id", "") == id) trend.push_back({{"period", period}, {"value", i["total"].value("value", json(nullptr))}});
    indicators.push_back({{"id", id}, {"name_vi", ind->name_vi}, {"name_en", ind->name_en}, {"unit", ind->unit},
                          {"lower_is_better", ind->direction == "lower_is_better"},
                          {"target", target}, {"status", status}, {"total", tot}, {"communes", cs}, {"trend", trend}});
  }

  json tables = json::array();
  tables.push_back(TableJson("u5_deaths_by_age", "Tử vong trẻ em dưới 5 tuổi theo nhóm tuổi", "Under-5 deaths by age group",
                             {{"neonatal", "Sơ sinh (0–27 ngày)", "Neonatal (0–27 days)"},
                              {"post_neonatal", "Sau sơ sinh (28 ngày – dưới 1 tuổi)", "Post-neonatal (28 days to under 1 year)"},
                              {"child_1_4", "1–4 tuổi", "1–4 years"}},
                             communes, deaths, deaths_mask));
  tables.push_back(TableJson("births_by_weight", "Trẻ đẻ sống được cân theo cân nặng khi sinh", "Weighed live births by birth weight",
                             {{"under_2500g", "Dưới 2.500 g", "Under 2,500 g"}, {"from_2500g", "Từ 2.500 g trở lên", "2,500 g or more"}},
                             communes, births, births_mask));

  json plan_j = nullptr;
  if (plan) plan_j = {{"id", plan->id}, {"title_vi", plan->document}, {"title_en", plan->document}};
  *out = {{"format", "under5-publication/1"},
          {"orgunit", {{"id", orgunit}, {"name_vi", prov.name}, {"name_en", prov.name}}},
          {"period", {{"code", p.text}, {"start", FormatDate(p.from)}, {"end", FormatDate(p.to)},
                      {"label_vi", PeriodLabel(p, true)}, {"label_en", PeriodLabel(p, false)}}},
          {"plan", plan_j},
          {"suppression", {{"threshold", threshold},
                           {"note_vi", "Ô có số đếm từ 1 đến " + std::to_string(threshold - 1) +
                                           " bị ẩn, cùng các ô khác cần ẩn để không suy ra được chúng từ các tổng."},
                           {"note_en", "Cells counting 1 to " + std::to_string(threshold - 1) +
                                           " are hidden, with the other cells that must be hidden so they cannot be worked out from the totals."}}},
          {"indicators", indicators},
          {"tables", tables}};
  return Status::Ok();
}

std::string PublicationCsv(const json& pub) {
  std::string out = "\xEF\xBB\xBF";
  out += "orgunit,orgunit_name,period,indicator,indicator_name_vi,indicator_name_en,unit,numerator,denominator,value,"
         "target_op,target_value,target_year,status\r\n";
  const std::string period = pub["period"]["code"];
  for (const auto& ind : pub["indicators"]) {
    const json& t = ind["target"];
    auto row = [&](const std::string& ou, const std::string& name, const json& cell, const std::string& status) {
      const bool hidden = cell.value("suppressed", false);
      out += CsvField(ou) + "," + CsvField(name) + "," + period + "," + CsvField(ind["id"]) + "," + CsvField(ind["name_vi"]) + "," +
             CsvField(ind["name_en"]) + "," + CsvField(ind["unit"]) + "," + (hidden ? "" : Num(cell["numerator"])) + "," +
             (hidden ? "" : Num(cell["denominator"])) + "," + (hidden ? "" : Num(cell["value"])) + "," +
             (t.is_null() ? "" : CsvField(t["op"])) + "," + (t.is_null() ? "" : Num(t["value"])) + "," +
             (t.is_null() ? "" : Num(t["year"])) + "," + (hidden ? "suppressed" : status) + "\r\n";
    };
    row(pub["orgunit"]["id"], pub["orgunit"]["name_vi"], ind["total"], ind["status"]);
    for (const auto& c : ind["communes"]) row(c["orgunit"], c["name"], c, "");
  }
  return out;
}

Status Publish(store::Store& store, indicator::Service& svc, const PublishInput& in, PublishResult* out) {
  // An empty dir would write the files into the process's working directory.
  if (in.public_dir.empty()) return Status::Internal("no public dir is configured for publications");
  indicator::Period p;
  std::string signed_off_at;
  U5_RETURN_IF_ERROR(CheckRequest(store, in.orgunit, in.period, &p, &signed_off_at));
  std::vector<store::PublicationRow> rows;
  U5_RETURN_IF_ERROR(store.publications().List("", &rows));
  std::vector<store::PublicationRow> mine;
  for (const auto& r : rows)
    if (r.orgunit == in.orgunit) mine.push_back(r);
  json pub;
  U5_RETURN_IF_ERROR(BuildPublication(store, svc, in.orgunit, p, mine, &pub));

  out->row = {};
  out->row.orgunit = in.orgunit;
  out->row.period = p.text;
  out->row.username = in.username;
  out->row.at = in.at.empty() ? NowIso() : in.at;
  out->row.signed_off_at = signed_off_at;
  const std::string rel_json = in.orgunit + "/" + p.text + ".json", rel_csv = in.orgunit + "/" + p.text + ".csv";
  out->files = {"index.json", rel_json, rel_csv};
  audit::Entry e;
  e.user_id = in.user_id;
  e.username = in.username;
  e.remote = in.remote;
  e.at = out->row.at;
  e.action = "publication";
  e.record_type = "publication";
  e.record_id = in.orgunit + "/" + p.text;
  e.orgunit_id = in.orgunit;
  const fs::path dir = in.public_dir;
  U5_RETURN_IF_ERROR(store.publications().Append(&out->row, e, [&](const store::PublicationRow& r) {
    // The version is known only inside the transaction; the files land before the row.
    pub["published_at"] = r.at;
    pub["version"] = r.version;
    pub["signed_off_at"] = signed_off_at;
    out->row.body = pub.dump(1);
    out->row.sha256 = Sha256Hex(out->row.body);
    e.detail = json{{"period", r.period}, {"version", r.version}, {"sha256", out->row.sha256}}.dump();
    U5_RETURN_IF_ERROR(WriteAtomic(dir / rel_json, out->row.body));
    U5_RETURN_IF_ERROR(WriteAtomic(dir / rel_csv, PublicationCsv(pub)));
    std::vector<store::PublicationRow> all;
    for (const auto& x : rows)
      if (!(x.orgunit == r.orgunit && x.period == r.period)) all.push_back(x);
    all.push_back(r);
    return WriteAtomic(dir / "index.json", IndexJson(store, dir, all, r.at).dump(1));
  }));
  return Status::Ok();
}

}  // namespace u5::publish
