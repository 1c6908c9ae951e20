// Time to generate a province-wide report on a demo database: opening the
// indicator engine (what the CLI pays on every run; a server pays it once at
// start), then with the engine warm the table model and each format, five
// runs each (minimum and median): what the server spends per request.
//   build/under5 demo --db /tmp/hp.db --province 31
//   build-h/bench/report/bench_report /tmp/hp.db hai_phong_annual 2026 [ORGUNIT] [vi|en]
#include <time.h>

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

// CPU time of the whole process (every thread), to tell waiting for the
// disk or for a shared machine's cores from work.
double CpuMs() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void Print(const char* what, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::printf("%-28s min %8.1f ms   median %8.1f ms\n", what, v.front(), v[v.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: bench_report DB TEMPLATE PERIOD [ORGUNIT] [vi|en]\n");
    return 2;
  }
  const std::string db_path = argv[1], tmpl = argv[2], period = argv[3];
  const std::string orgunit = argc > 4 ? argv[4] : "";
  report::Lang lang = report::Lang::vi;
  if (Status st = report::ParseLang(argc > 5 ? argv[5] : "vi", "lang", &lang); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 2;
  }
  std::unique_ptr<store::Store> store;
  std::unique_ptr<indicator::Service> svc;
  report::Template t;
  Status st = store::OpenSqliteStore(db_path, &store);
  const double cpu0 = CpuMs();
  double open_ms = 0;
  if (st.ok()) open_ms = Ms([&] { st = indicator::Service::Open(*store, U5_DATA_DIR, &svc); });
  const double open_cpu = CpuMs() - cpu0;
  if (st.ok()) st = report::LoadTemplate(U5_DATA_DIR, tmpl, &t);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  // The matrix is built on first use: that and the catalogue load are the cold start.
  const double build_ms = Ms([&] { st = svc->Refresh(); });
  const double cold_cpu = CpuMs() - cpu0;
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("engine open                  %8.1f ms wall %8.1f ms cpu\n", open_ms, open_cpu);
  std::printf("engine cold start (+ matrix) %8.1f ms wall %8.1f ms cpu\n", open_ms + build_ms, cold_cpu);
  report::Report r;
  const report::BuildOptions o{orgunit, period, Today(), lang};
  std::vector<double> model, csv, xlsx, pdf, adx, dvs, total, cpu, m_pdf, m_xlsx;
  for (int i = 0; i < 5; ++i) {
    const double c0 = CpuMs();
    double a = Ms([&] { st = report::BuildReport(*svc, *store, t, o, &r); });
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
    double b = Ms([&] { (void)report::ToCsv(r, true); });
    double c = Ms([&] { (void)report::WriteXlsx(r, "/tmp/bench_report.xlsx"); });
    double d = Ms([&] { (void)report::WritePdf(r, "/tmp/bench_report.pdf", report::DefaultFontDir()); });
    double e = Ms([&] { (void)report::ToAdx(r, NowIso()); });
    std::string dvs_text;
    double f = Ms([&] { (void)report::ToDataValueSets(r, &dvs_text); });
    cpu.push_back(CpuMs() - c0);
    model.push_back(a);
    csv.push_back(b);
    xlsx.push_back(c);
    pdf.push_back(d);
    adx.push_back(e);
    dvs.push_back(f);
    total.push_back(a + b + c + d + e + f);
    m_pdf.push_back(a + d);
    m_xlsx.push_back(a + c);
  }
  std::printf("rows %zu, values %zu\n", r.tables.size() > 1 ? r.tables[1].rows.size() : 0, r.values.size());
  Print("table model", model);
  Print("csv", csv);
  Print("xlsx", xlsx);
  Print("pdf", pdf);
  Print("adx", adx);
  Print("dvs", dvs);
  Print("request: model + pdf", m_pdf);
  Print("request: model + xlsx", m_xlsx);
  Print("model + all five formats", total);
  Print("  cpu of the same", cpu);
  return 0;
}
