// Time to generate a province-wide report on a demo database: the indicator
// matrix build (once, as a server has it warm), then the table model and each
// format, five runs each (minimum and median).
//   build/under5 demo --db /tmp/hp.db --province 31
//   build-x/bench/report/bench_report /tmp/hp.db hai_phong_annual 2026
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

#include "indicator/service.h"
#include "report/cli.h"
#include "report/model.h"
#include "report/render.h"

using namespace u5;

namespace {

double Ms(const std::function<void()>& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void Print(const char* what, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::printf("%-28s min %8.1f ms   median %8.1f ms\n", what, v.front(), v[v.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: bench_report DB TEMPLATE PERIOD\n");
    return 2;
  }
  const std::string db_path = argv[1], tmpl = argv[2], period = argv[3];
  std::unique_ptr<store::Store> store;
  std::unique_ptr<indicator::Service> svc;
  store::Db db;
  report::Template t;
  Status st = store::OpenSqliteStore(db_path, &store);
  if (st.ok()) st = indicator::Service::Open(*store, db_path, U5_DATA_DIR, &svc);
  if (st.ok()) st = store::Db::Open(db_path, &db, false, true);
  if (st.ok()) st = report::LoadTemplate(U5_DATA_DIR, tmpl, &t);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("matrix build (once)          %8.1f ms\n", Ms([&] { (void)svc->Refresh(); }));
  report::Report r;
  const report::BuildOptions o{"", period, Today()};
  std::vector<double> model, csv, xlsx, pdf, adx, total;
  for (int i = 0; i < 5; ++i) {
    double a = Ms([&] { st = report::BuildReport(*svc, db, t, o, &r); });
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
    double b = Ms([&] { (void)report::ToCsv(r, true); });
    double c = Ms([&] { (void)report::WriteXlsx(r, "/tmp/bench_report.xlsx"); });
    double d = Ms([&] { (void)report::WritePdf(r, "/tmp/bench_report.pdf", report::DefaultFontDir()); });
    double e = Ms([&] { (void)report::ToAdx(r, NowIso()); });
    model.push_back(a);
    csv.push_back(b);
    xlsx.push_back(c);
    pdf.push_back(d);
    adx.push_back(e);
    total.push_back(a + c + d);
  }
  std::printf("rows %zu, values %zu\n", r.tables.size() > 1 ? r.tables[1].rows.size() : 0, r.values.size());
  Print("table model", model);
  Print("csv", csv);
  Print("xlsx", xlsx);
  Print("pdf", pdf);
  Print("adx", adx);
  Print("model + xlsx + pdf", total);
  return 0;
}
