// The publish API called through its routes (as api.cpp does) on the demo
// province, whose year 2025 `under5 demo` signed off and published; the files
// read back; the attack on the demo's real published tables.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "attack.h"
#include "audit/entry.h"
#include "core/date.h"
#include "core/id.h"
#include "auth/roles.h"
#include "demo_db.h"
#include "publish/http_routes.h"
#include "publish/publication.h"
#include "publish/suppress.h"
#include "report/signoff.h"
#include "store/orgunits.h"
#include "store/publications.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace u5::publish {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class PublishHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    d_ = &u5::test::Demo("12");
    indicator::Service::Attach(*d_->store, d_->svc.get());
    router_ = std::make_unique<http::Router>(Routes({dir_.path()}));
  }
  http::Response Call(const std::string& method, const std::map<std::string, std::string>& q, const auth::Principal& who,
                      const std::string& body = "") {
    http::Request req{method, "/api/v1/publications", q, "", "", "", "", "", "", body, "127.0.0.1"};
    return router_->Dispatch(req, who, *d_->store);
  }
  u5::test::DemoProvince* d_ = nullptr;
  u5::test::TempDir dir_;
  std::unique_ptr<http::Router> router_;
  auth::Principal province_{"u2", "tinh", "province_officer", {"12"}};
  auth::Principal ministry_{"u4", "bo", "ministry", {}};
  auth::Principal other_{"u3", "hp", "province_officer", {"31"}};
};

std::string FirstError(const http::Response& r) {
  const json j = json::parse(r.body);
  return j.contains("errors") ? j["errors"][0].value("field", "") : j.value("field", "");
}

TEST_F(PublishHttp, RefusesBadRequests) {
  EXPECT_EQ(Call("POST", {}, ministry_, R"({"orgunit":"12","period":"2026S1"})").status, 403) << "no report.signoff";
  EXPECT_EQ(Call("POST", {}, other_, R"({"orgunit":"12","period":"2026S1"})").status, 403) << "outside the scope";
  auto bad_unit = Call("POST", {}, province_, R"({"orgunit":"99999","period":"2026S1"})");
  EXPECT_EQ(bad_unit.status, 422);
  EXPECT_EQ(FirstError(bad_unit), "orgunit");
  std::vector<store::OrgUnit> kids;
  ASSERT_TRUE(d_->store->orgunits().Children("12", &kids).ok());
  auto commune = Call("POST", {}, province_, json{{"orgunit", kids[0].id}, {"period", "2025"}}.dump());
  EXPECT_EQ(commune.status, 422) << "a commune is not a province";
  EXPECT_EQ(FirstError(commune), "orgunit");
  for (const char* p : {"2026Q1", "2026-03", "soon", ""}) {
    auto r = Call("POST", {}, province_, json{{"orgunit", "12"}, {"period", p}}.dump());
    EXPECT_EQ(r.status, 422) << p;
    EXPECT_EQ(FirstError(r), "period") << p;
  }
  auto open = Call("POST", {}, province_, R"({"orgunit":"12","period":"2026S1"})");
  EXPECT_EQ(open.status, 409) << open.body;
  EXPECT_EQ(FirstError(open), "period");
  EXPECT_NE(open.body.find("not signed off"), std::string::npos) << open.body;
  EXPECT_FALSE(fs::exists(fs::path(dir_.path()) / "12" / "2026S1.json")) << "nothing written";
}

TEST_F(PublishHttp, PublishesFilesAndAnotherVersion) {
  auto first = Call("POST", {}, province_, R"({"orgunit":"12","period":"2025"})");
  ASSERT_EQ(first.status, 201) << first.body;
  const json a = json::parse(first.body);
  // The demo published version 1 already.
  EXPECT_EQ(a["version"], 2);
  EXPECT_EQ(a["files"], json({"index.json", "12/2025.json", "12/2025.csv"}));
  const fs::path d = dir_.path();
  const json pub = json::parse(Read(d / "12" / "2025.json"));
  EXPECT_EQ(pub["format"], "under5-publication/1");
  EXPECT_EQ(pub["version"], 2);
  EXPECT_EQ(pub["period"]["label_vi"], "Năm 2025");
  EXPECT_GE(pub["tables"].size(), 2u);
  const json index = json::parse(Read(d / "index.json"));
  EXPECT_EQ(index["provinces"][0]["orgunit"], "12");
  EXPECT_EQ(index["provinces"][0]["publications"][0]["version"], 2);

  // Reopened and signed off again: a new version replaces the files.
  report::SignoffAction re{"12", "2025", "tinh", "sửa số liệu trẻ sinh sống", "{}", Today(), "u2", "test"};
  ASSERT_TRUE(report::ReopenPeriod(*d_->store, re).ok());
  EXPECT_EQ(Call("POST", {}, province_, R"({"orgunit":"12","period":"2025"})").status, 409) << "reopened";
  ASSERT_TRUE(report::ClosePeriod(*d_->store, re).ok());
  auto again = Call("POST", {}, province_, R"({"orgunit":"12","period":"2025"})");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(json::parse(again.body)["version"], 3);
  EXPECT_EQ(json::parse(Read(d / "12" / "2025.json"))["version"], 3);

  auto list = Call("GET", {{"orgunit", "12"}}, province_);
  ASSERT_EQ(list.status, 200) << list.body;
  const json items = json::parse(list.body)["items"];
  ASSERT_EQ(items.size(), 1u) << "the latest version of each period";
  EXPECT_EQ(items[0]["version"], 3);
  EXPECT_EQ(items[0]["sha256"], Sha256Hex(Read(d / "12" / "2025.json")));

  // The audit entry, written with the row.
  store::AuditQuery q;
  q.record_id = "12/2025";
  q.newest_first = true;
  q.limit = 1;
  std::vector<audit::Entry> entries;
  ASSERT_TRUE(d_->store->ListAudit(q, &entries).ok());
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].action, "publication");
  EXPECT_EQ(entries[0].record_id, "12/2025");
  EXPECT_EQ(entries[0].username, "tinh");
  EXPECT_NE(entries[0].detail.find("\"version\":3"), std::string::npos) << entries[0].detail;
}

// No person-level field, no person's or user's name; a hidden cell keeps no count.
TEST_F(PublishHttp, FilesHoldOnlyAggregates) {
  ASSERT_EQ(Call("POST", {}, province_, R"({"orgunit":"12","period":"2025"})").status, 201);
  const fs::path d = dir_.path();
  const std::string body = Read(d / "12" / "2025.json") + Read(d / "12" / "2025.csv") + Read(d / "index.json");
  for (const char* word : {"tinh", "full_name", "person", "birth_date", "citizen", "\"mother", "phone", "address", "username",
                           "\"demo\""})
    EXPECT_EQ(body.find(word), std::string::npos) << word;
  const json pub = json::parse(Read(d / "12" / "2025.json"));
  const int threshold = pub["suppression"]["threshold"];
  auto small = [&](const json& n) { return n.is_number_integer() && n.get<int64_t>() > 0 && n.get<int64_t>() < threshold; };
  for (const auto& ind : pub["indicators"])
    for (const json& cell : [&] { json all = ind["communes"]; all.push_back(ind["total"]); return all; }()) {
      if (cell["suppressed"]) {
        EXPECT_TRUE(cell["numerator"].is_null() && cell["denominator"].is_null() && cell["value"].is_null()) << cell;
      } else {
        EXPECT_FALSE(small(cell["numerator"]) || small(cell["denominator"])) << ind["id"] << cell;
      }
    }
  for (const auto& t : pub["tables"]) {
    for (const auto& r : t["rows"]) {
      for (const auto& c : r["cells"]) EXPECT_FALSE(small(c)) << t["id"] << r;
      EXPECT_FALSE(small(r["total"])) << t["id"] << r;
    }
    for (const auto& c : t["column_totals"]) EXPECT_FALSE(small(c));
  }
}

// Every CSV line is the JSON's figure, hidden cells empty with status "suppressed".
TEST_F(PublishHttp, CsvEqualsJson) {
  ASSERT_EQ(Call("POST", {}, province_, R"({"orgunit":"12","period":"2025"})").status, 201);
  const fs::path d = dir_.path();
  const json pub = json::parse(Read(d / "12" / "2025.json"));
  const std::string csv = Read(d / "12" / "2025.csv");
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  std::vector<std::string> lines;
  for (size_t at = 3; at < csv.size();) {
    const size_t end = csv.find("\r\n", at);
    ASSERT_NE(end, std::string::npos) << "CRLF line ends";
    lines.push_back(csv.substr(at, end - at));
    at = end + 2;
  }
  ASSERT_EQ(lines[0].rfind("orgunit,orgunit_name,period,indicator,", 0), 0u);
  size_t k = 1;
  auto num = [](const json& j) { return j.is_null() ? std::string() : j.is_number_integer() ? std::to_string(j.get<int64_t>()) : j.dump(); };
  for (const auto& ind : pub["indicators"]) {
    std::vector<std::pair<std::string, json>> cells{{pub["orgunit"]["id"], ind["total"]}};
    for (const auto& c : ind["communes"]) cells.push_back({c["orgunit"], c});
    for (const auto& [ou, c] : cells) {
      ASSERT_LT(k, lines.size());
      std::vector<std::string> f;
      std::string field;
      bool quoted = false;
      for (char ch : lines[k]) {
        if (ch == '"') quoted = !quoted;
        else if (ch == ',' && !quoted) f.push_back(field), field.clear();
        else field += ch;
      }
      f.push_back(field);
      ASSERT_EQ(f.size(), 14u) << lines[k];
      EXPECT_EQ(f[0], ou);
      EXPECT_EQ(f[3], ind["id"]);
      EXPECT_EQ(f[7], num(c["numerator"])) << lines[k];
      EXPECT_EQ(f[8], num(c["denominator"])) << lines[k];
      EXPECT_EQ(f[9], num(c["value"])) << lines[k];
      if (c["suppressed"]) EXPECT_EQ(f[13], "suppressed");
      ++k;
    }
  }
  EXPECT_EQ(k, lines.size());
}

// The trend is what earlier publications of the same kind printed: S1 before
// S2, nothing from the year, nothing from a period never published.
TEST_F(PublishHttp, TrendIsEarlierPublications) {
  for (const char* period : {"2025S1", "2025S2"}) {
    report::SignoffAction a{"12", period, "tinh", "", "{}", Today(), "u2", "test"};
    ASSERT_TRUE(report::ClosePeriod(*d_->store, a).ok()) << period;
  }
  ASSERT_EQ(Call("POST", {}, province_, R"({"orgunit":"12","period":"2025S2"})").status, 201);
  const fs::path d = dir_.path();
  const json alone = json::parse(Read(d / "12" / "2025S2.json"));
  for (const auto& ind : alone["indicators"]) EXPECT_TRUE(ind["trend"].empty()) << ind["id"] << ": S1 was not published";
  ASSERT_EQ(Call("POST", {}, province_, R"({"orgunit":"12","period":"2025S1"})").status, 201);
  ASSERT_EQ(Call("POST", {}, province_, R"({"orgunit":"12","period":"2025S2"})").status, 201);
  const json s1 = json::parse(Read(d / "12" / "2025S1.json")), s2 = json::parse(Read(d / "12" / "2025S2.json"));
  ASSERT_EQ(s1["indicators"].size(), s2["indicators"].size());
  for (size_t i = 0; i < s2["indicators"].size(); ++i) {
    const json& trend = s2["indicators"][i]["trend"];
    ASSERT_EQ(trend.size(), 1u) << s2["indicators"][i]["id"];
    EXPECT_EQ(trend[0]["period"], "2025S1");
    EXPECT_EQ(trend[0]["value"], s1["indicators"][i]["total"]["value"]);
  }
  const json index = json::parse(Read(d / "index.json"));
  std::vector<std::string> periods;
  for (const auto& p : index["provinces"][0]["publications"]) periods.push_back(p["period"]);
  // Newest first; the demo's 2025 was written into another dir, so it is not listed here.
  EXPECT_EQ(periods, (std::vector<std::string>{"2025S2", "2025S1"}));
}

// `under5 publish`: exit 2 on bad input, 1 when not signed off, 0 and the files otherwise.
TEST_F(PublishHttp, CliExitCodes) {
  const std::string db = d_->path, out = dir_.File("cli");
  auto run = [&](const char* ou, const char* period, const char* user) {
    return u5::test::RunUnder5({"publish", "--db", db, "--orgunit", ou, "--period", period, "--user", user, "--public-dir", out});
  };
  EXPECT_EQ(run("12", "2026S1", "tinh").exit_code, 1);
  EXPECT_EQ(run("99999", "2025", "tinh").exit_code, 2);
  EXPECT_EQ(run("12", "2025-06", "tinh").exit_code, 2);
  EXPECT_EQ(run("12", "2025", "nobody").exit_code, 2);
  EXPECT_FALSE(fs::exists(fs::path(out) / "index.json"));
  const auto ok = run("12", "2025", "tinh");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(json::parse(Read(fs::path(out) / "12" / "2025.json"))["version"], 2);
  EXPECT_TRUE(fs::exists(fs::path(out) / "12" / "2025.csv"));
}

// The attack on the demo's real publication (the one `under5 demo` wrote):
// the true counts from the indicator service, the published cells from the
// stored publication; every hidden cell must stay unknown, and the mortality
// rates' death counts must not give back what the deaths table hides.
TEST_F(PublishHttp, AttackOnTheDemoPublication) {
  std::vector<store::PublicationRow> rows;
  ASSERT_TRUE(d_->store->publications().List("12", &rows).ok());
  ASSERT_EQ(rows.size(), 1u);
  const json pub = json::parse(rows[0].body);
  indicator::Period p;
  ASSERT_TRUE(indicator::ParsePeriod("2025", &p).ok());
  const int threshold = pub["suppression"]["threshold"];
  int hidden = 0;
  for (const auto& t : pub["tables"]) {
    std::vector<std::vector<int64_t>> cells;
    for (const auto& r : t["rows"]) {
      const std::string ou = r["orgunit"];
      if (t["id"] == "u5_deaths_by_age") {
        indicator::DeathCounts dc;
        ASSERT_TRUE(d_->svc->Deaths(ou, p, {"category"}, &dc).ok());
        auto& by = dc.by["category"];
        cells.push_back({by["early_neonatal"] + by["late_neonatal"], by["post_neonatal"], by["child_1_4"]});
      } else {
        indicator::IndicatorValue v;
        ASSERT_TRUE(d_->svc->Value("low_birth_weight", ou, p, &v).ok());
        cells.push_back({v.num, v.den - v.num});
      }
    }
    // The published cells are the true counts or hidden, as SuppressTable decides.
    const TableMask m = SuppressTable(cells, threshold);
    for (size_t i = 0; i < cells.size(); ++i)
      for (size_t j = 0; j < cells[i].size(); ++j) {
        const json& c = t["rows"][i]["cells"][j];
        EXPECT_EQ(c.is_null(), m.cells[i][j]);
        if (!c.is_null()) EXPECT_EQ(c.get<int64_t>(), cells[i][j]);
        hidden += m.cells[i][j];
      }
    const auto breaches = test::Attack(cells, m, threshold);
    EXPECT_TRUE(breaches.empty()) << t["id"] << ": " << breaches.size() << " cells recovered";
    // The rates' counts are the table's groups summed from the left (deaths:
    // neonatal, infant, under-5 deaths; births: low birth weight's numerator
    // and denominator); each one shown must be given already by the table's
    // published cells (a prefix of shown cells, or the shown total minus a
    // shown suffix).
    auto given = [](const json& cs, const json& total, size_t k, int64_t n) {
      int64_t head = 0, tail = 0;
      bool head_ok = true, tail_ok = !total.is_null();
      for (size_t j = 0; j < cs.size(); ++j) {
        if (j < k) head_ok = head_ok && !cs[j].is_null(), head += cs[j].is_null() ? 0 : cs[j].get<int64_t>();
        else tail_ok = tail_ok && !cs[j].is_null(), tail += cs[j].is_null() ? 0 : cs[j].get<int64_t>();
      }
      return (head_ok && head == n) || (tail_ok && total.get<int64_t>() - tail == n);
    };
    // indicator -> (prefix of its numerator, of its denominator or 0)
    const std::map<std::string, std::pair<size_t, size_t>> deaths_links{
        {"neonatal_mortality_rate", {1, 0}}, {"infant_mortality_rate", {2, 0}}, {"under5_mortality_rate", {3, 0}}};
    const std::map<std::string, std::pair<size_t, size_t>> births_links{{"low_birth_weight", {1, 2}}};
    const auto& links = t["id"] == "u5_deaths_by_age" ? deaths_links : births_links;
    for (const auto& ind : pub["indicators"]) {
      if (!links.count(ind["id"])) continue;
      const auto [kn, kd] = links.at(ind["id"]);
      for (size_t i = 0; i < ind["communes"].size(); ++i) {
        const json& c = ind["communes"][i];
        ASSERT_EQ(c["orgunit"], t["rows"][i]["orgunit"]);
        int64_t truth = 0;
        for (size_t j = 0; j < kn; ++j) truth += cells[i][j];
        indicator::IndicatorValue v;
        ASSERT_TRUE(d_->svc->Value(ind["id"], c["orgunit"], p, &v).ok());
        EXPECT_EQ(v.num, truth) << ind["id"] << " " << c["orgunit"] << ": the rate counts the table's cells";
        if (c["suppressed"]) continue;
        EXPECT_TRUE(given(t["rows"][i]["cells"], t["rows"][i]["total"], kn, c["numerator"])) << ind["id"] << c;
        if (kd) EXPECT_TRUE(given(t["rows"][i]["cells"], t["rows"][i]["total"], kd, c["denominator"])) << ind["id"] << c;
      }
      if (ind["total"]["suppressed"]) continue;
      EXPECT_TRUE(given(t["column_totals"], t["grand_total"], kn, ind["total"]["numerator"])) << ind["id"] << ind["total"];
      if (kd) EXPECT_TRUE(given(t["column_totals"], t["grand_total"], kd, ind["total"]["denominator"])) << ind["id"];
    }
  }
  EXPECT_GT(hidden, 0) << "the demo has small cells to hide";
}

}  // namespace
}  // namespace u5::publish
