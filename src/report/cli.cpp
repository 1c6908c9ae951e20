#include "report/cli.h"

#include <cstdlib>
#include <fstream>

#include "indicator/service.h"
#include "orgunit/orgunit.h"
#include "report/model.h"
#include "report/render.h"
#include "report/signoff.h"

namespace u5::report {
namespace {

int Fail(std::ostream& err, const Status& st) {
  err << "error: " << st.ToString() << "\n";
  return st.code() == Code::invalid || st.code() == Code::bad_request || st.code() == Code::not_found ? 2 : 1;
}

Status WriteText(const std::string& path, const std::string& text, std::ostream& out) {
  if (path.empty() || path == "-") {
    out << text;
    return Status::Ok();
  }
  std::ofstream f(path, std::ios::binary);
  if (!f) return Status::Invalid("--out", "cannot write " + path);
  f << text;
  return f ? Status::Ok() : Status::Internal("write failed: " + path);
}

}  // namespace

std::string DefaultFontDir() {
  if (const char* e = std::getenv("U5_FONT_DIR")) return e;
  return "/usr/share/fonts/truetype/liberation2";
}

Status Render(const Report& r, const CliOptions& o, std::ostream& out) {
  if (r.tmpl->statistics_form() && (o.format == "adx" || o.format == "dvs"))
    return Status::Invalid("--format", "a statistics form is csv, xlsx or pdf: ADX and dataValueSets carry indicators");
  if (o.format == "csv") return WriteText(o.out, ToCsv(r, o.bom), out);
  if (o.format == "adx") return WriteText(o.out, ToAdx(r, NowIso()), out);
  if (o.format == "dvs") {
    std::string s;
    U5_RETURN_IF_ERROR(ToDataValueSets(r, &s));
    return WriteText(o.out, s + "\n", out);
  }
  if (o.out.empty()) return Status::Invalid("--out", o.format + " needs an output file (--out)");
  if (o.format == "xlsx") return WriteXlsx(r, o.out);
  if (o.format == "pdf") return WritePdf(r, o.out, o.font_dir.empty() ? DefaultFontDir() : o.font_dir);
  return Status::Invalid("--format", "format must be xlsx, pdf, csv, adx or dvs");
}

int RunReportCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err) {
  BuildOptions b;
  // Before the indicator engine loads (seconds on a province): a typo fails at once.
  if (Status st = ParseLang(o.lang, "--lang", &b.lang); !st.ok()) return Fail(err, st);
  Template t;
  if (Status st = LoadTemplate(o.data_dir, o.template_id, &t); !st.ok()) return Fail(err, st);
  // A list of named persons goes through the API, which checks the permission and audits the read.
  if (t.line_list())
    return Fail(err, Status::Invalid("--template", o.template_id + " lists persons: export it through GET /api/v1/reports/" + o.template_id +
                                                       " (needs " + t.permission + ", audited)"));
  std::unique_ptr<indicator::Service> svc;
  if (Status st = indicator::Service::Open(store, o.data_dir, &svc, indicator::Service::SnapshotPath(o.engines_dir)); !st.ok()) return Fail(err, st);
  if (!o.orgunit.empty())
    if (Status st = orgunit::ResolveOrgUnit(store, o.orgunit, &b.orgunit); !st.ok()) return Fail(err, st);
  b.period = o.period;
  b.as_of = Today();
  if (!o.as_of.empty()) {
    auto d = ParseDate(o.as_of);
    if (!d) return Fail(err, Status::Invalid("--as-of", "as-of must be a date YYYY-MM-DD"));
    b.as_of = *d;
  }
  Report r;
  if (Status st = BuildReport(*svc, store, t, b, &r); !st.ok()) return Fail(err, st);
  if (Status st = Render(r, o, out); !st.ok()) return Fail(err, st);
  if (!o.out.empty()) err << "report " << t.id << " " << r.period.text << " " << r.orgunit << " -> " << o.out << "\n";
  return 0;
}

int RunSignoffCommand(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err) {
  SignoffAction a;
  if (Status st = orgunit::ResolveOrgUnit(store, o.orgunit, &a.orgunit); !st.ok()) return Fail(err, st);
  indicator::Period p;
  if (Status st = indicator::ParsePeriod(o.period, &p); !st.ok()) return Fail(err, st);
  a.period = p.text;
  a.user = o.user;
  a.remote = "cli";
  // The confirmation is audited under the user's id: the user must exist.
  if (o.action != "status") {
    store::User u;
    if (Status st = store.GetUser(o.user, &u); !st.ok())
      return Fail(err, Status::Invalid("--user", "no user '" + o.user + "' (sign-off is recorded under a user's id)"));
    a.user_id = u.id;
  }
  a.reason = o.reason;
  a.on = Today();
  if (o.action == "close") {
    std::unique_ptr<indicator::Service> svc;
    if (Status st = indicator::Service::Open(store, o.data_dir, &svc, indicator::Service::SnapshotPath(o.engines_dir)); !st.ok()) return Fail(err, st);
    a.figures = FiguresJson(*svc, a.orgunit, p);
    if (Status st = ClosePeriod(store, a); !st.ok()) return Fail(err, st);
  } else if (o.action == "reopen") {
    if (Status st = ReopenPeriod(store, a); !st.ok()) return Fail(err, st);
  } else if (o.action != "status") {
    return Fail(err, Status::Invalid("action", "action must be close, reopen or status"));
  }
  SignoffState s;
  if (Status st = SignoffAsOf(store, a.orgunit, a.period, Today(), &s); !st.ok()) return Fail(err, st);
  out << a.orgunit << "," << a.period << "," << (s.closed ? "closed" : "open") << "," << s.by << ","
      << (s.closed ? FormatDate(s.on) : "") << "," << s.reopened << "\n";
  return 0;
}

}  // namespace u5::report
