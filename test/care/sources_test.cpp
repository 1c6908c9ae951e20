// Every schedule row (and every alert threshold) names its source and the
// confidence of it, the loader refuses one that does not, rows that are off
// stay off for the reason given, and docs/care.md lists every row with that
// source (issue 19).
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "care/schedule.h"

namespace u5::care {
namespace {

std::string ReadAll(const char* path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Row {
  std::string id;
  const Provenance* prov;
};

std::vector<Row> Rows(const Schedule& s) {
  std::vector<Row> rows;
  for (const auto& series : s.series())
    for (const auto& d : series.doses) rows.push_back({d.id, &d.prov});
  for (const auto& r : s.rules()) rows.push_back({r.id, &r.prov});
  return rows;
}

// The loaded files, not the compiled-in copies, so an edit is checked before a rebuild.
Schedule FromFiles() {
  Schedule s;
  Status st = Schedule::Load(std::string(U5_SCHEDULE_DIR) + "/..", &s);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return s;
}

const std::set<std::string> kConfidence = {"read", "secondary", "cited", "none"};

TEST(ScheduleSources, EveryRowHasASourceAndAConfidence) {
  const Schedule s = FromFiles();
  const auto rows = Rows(s);
  ASSERT_GT(rows.size(), 30u);
  for (const auto& r : rows) {
    EXPECT_FALSE(r.prov->document.empty()) << r.id << ": no source document";
    EXPECT_FALSE(r.prov->source_note.empty()) << r.id << ": no source note";
    EXPECT_TRUE(kConfidence.count(r.prov->confidence)) << r.id << ": confidence '" << r.prov->confidence << "'";
    EXPECT_EQ(r.prov->confidence == "none", r.prov->RowUnsourced()) << r.id;
    if (r.prov->Off()) EXPECT_FALSE(r.prov->note.empty()) << r.id << ": off without a reason";
  }
  // Every threshold of alerts.json too (the file gives all nine: eight alert thresholds and the worklist's long-lost limit).
  EXPECT_EQ(s.alerts().sources.size(), 9u);
  for (const auto& [key, p] : s.alerts().sources) {
    EXPECT_FALSE(p.document.empty()) << key;
    EXPECT_TRUE(kConfidence.count(p.confidence)) << key;
  }
}

// The rows issue 19 is about, with the confidence of their sources.
TEST(ScheduleSources, RowsOfIssue19) {
  const Schedule s = FromFiles();
  std::map<std::string, const Provenance*> by_id;
  for (const auto& r : Rows(s)) by_id[r.id] = r.prov;
  auto at = [&](const std::string& id) -> const Provenance& {
    EXPECT_TRUE(by_id.count(id)) << id;
    static const Provenance kNone;
    return by_id.count(id) ? *by_id[id] : kNone;
  };
  // OPV, JE and measles stand on TT 38/2017 Điều 1, read.
  for (const char* id : {"epi.opv.1", "epi.opv.2", "epi.opv.3", "epi.je.1", "epi.je.2", "epi.je.3", "epi.measles.1",
                         "epi.measles.2"}) {
    EXPECT_EQ(at(id).document, "TT 38/2017/TT-BYT") << id;
    EXPECT_EQ(at(id).confidence, "read") << id;
    EXPECT_FALSE(at(id).RowUnsourced()) << id;
  }
  // No row cites the superseded Circular 26/2011 any more.
  for (const auto& [id, p] : by_id) EXPECT_EQ(p->document.find("26/2011"), std::string::npos) << id;
  // Antenatal visits cite the Ministry's guidance, not the project's catalogue.
  for (const char* id : {"anc.t1", "anc.t2", "anc.t3", "anc.visit4"}) {
    EXPECT_NE(at(id).document.find("4128/QĐ-BYT"), std::string::npos) << id;
    EXPECT_EQ(at(id).confidence, "secondary") << id;
  }
  EXPECT_EQ(at("epi.ipv.2").confidence, "secondary");
  EXPECT_FALSE(at("epi.ipv.2").Off());
  EXPECT_EQ(at("epi.td.7y").confidence, "secondary");
  EXPECT_EQ(at("epi.td.7y").off, "beyond_under5");
  for (const char* id : {"epi.rota.1", "epi.rota.2", "epi.pcv.1", "epi.pcv.2"}) {
    EXPECT_EQ(at(id).off, "unsourced") << id;
    EXPECT_EQ(at(id).confidence, "none") << id;
  }
  // Nothing else is off.
  int off = 0;
  for (const auto& [id, p] : by_id) off += p->Off();
  EXPECT_EQ(off, 5);
}

TEST(ScheduleSources, DocsTableListsEveryRowWithItsSource) {
  const std::string doc = ReadAll(U5_CARE_DOC);
  ASSERT_FALSE(doc.empty()) << U5_CARE_DOC;
  const Schedule s = FromFiles();
  for (const auto& r : Rows(s)) {
    const std::string key = "| `" + r.id + "` |";
    const size_t at = doc.find(key);
    ASSERT_NE(at, std::string::npos) << r.id << " is not in docs/care.md";
    const std::string line = doc.substr(at, doc.find('\n', at) - at);
    EXPECT_NE(line.find(r.prov->document), std::string::npos) << r.id << ": source differs from the data: " << line;
    EXPECT_NE(line.find("| " + r.prov->confidence + " |"), std::string::npos) << r.id << ": confidence differs: " << line;
    if (r.prov->Off()) EXPECT_NE(line.find("off: " + r.prov->off), std::string::npos) << line;
    if (r.prov->RowUnsourced()) EXPECT_NE(line.find("UNSOURCED"), std::string::npos) << line;
  }
}

const char* kSource = R"("source":{"document":"TT 38/2017/TT-BYT","article":"Điều 1","note":"n"},"confidence":"read")";

std::string Epi(const std::string& dose_extra, const std::string& series_extra = "") {
  return std::string(R"({"series":[{"id":"x","vaccines":["bcg"])") + series_extra +
         R"(,"doses":[{"id":"x.1","label_vi":"x mũi 1","label_en":"x dose 1","min_age":"0d","due_age":"0d","late_age":"1m")" +
         dose_extra + "}]}]}";
}

Status Load(const std::string& epi, const std::string& care = R"({"rules":[]})", const std::string& alerts = "{}") {
  Schedule s;
  return Schedule::FromJson(epi, care, alerts, &s);
}

// A row without its source or confidence is refused, naming the row and the field.
TEST(ScheduleSources, ARowWithoutSourceIsRefused) {
  EXPECT_TRUE(Load(Epi(std::string(",") + kSource)).ok());
  struct Bad {
    std::string extra, field;
  } cases[] = {
      {"", "epi.x.1.source"},
      {R"(,"source":"TT 38/2017","confidence":"read")", "epi.x.1.source"},
      {R"(,"source":{"article":"Điều 1","note":"n"},"confidence":"read")", "epi.x.1.source.document"},
      {R"(,"source":{"document":"TT 38/2017/TT-BYT","article":"Điều 1"},"confidence":"read")", "epi.x.1.source.note"},
      {R"(,"source":{"document":"TT 38/2017/TT-BYT","note":"n"},"confidence":"read")", "epi.x.1.source.article"},
      {R"(,"source":{"document":"TT 38/2017/TT-BYT","article":"Điều 1","note":"n"})", "epi.x.1.confidence"},
      {R"(,"source":{"document":"TT 38/2017/TT-BYT","article":"Điều 1","note":"n"},"confidence":"sure")", "epi.x.1.confidence"},
      {R"(,"source":{"document":"d","article":"","note":"n"},"confidence":"none")", "epi.x.1.confidence"},
      {std::string(",") + kSource + R"(,"unsourced":["row"])", "epi.x.1.confidence"},
      {std::string(",") + kSource + R"(,"unsourced":["colour"])", "epi.x.1.unsourced"},
  };
  for (const auto& c : cases) {
    const Status st = Load(Epi(c.extra));
    EXPECT_FALSE(st.ok()) << c.extra;
    EXPECT_EQ(st.field(), c.field) << c.extra << ": " << st.ToString();
  }
  // A dose names itself in both languages (labels_test.cpp checks the words).
  std::string unlabelled = Epi(std::string(",") + kSource);
  unlabelled.replace(unlabelled.find(R"("label_en":"x dose 1",)"), std::string(R"("label_en":"x dose 1",)").size(), "");
  EXPECT_EQ(Load(unlabelled).field(), "epi.x.1.label_en");
  // Care rules and alert thresholds likewise.
  Status st = Load(Epi(std::string(",") + kSource),
                   R"({"rules":[{"id":"r","kind":"not_tracked","subject":"child","label_vi":"x","label_en":"x"}]})");
  EXPECT_EQ(st.field(), "care.r.source") << st.ToString();
  st = Load(Epi(std::string(",") + kSource), R"({"rules":[]})", R"({"vaccine_overdue_days": 30})");
  EXPECT_EQ(st.field(), "alerts.sources.vaccine_overdue_days") << st.ToString();
  EXPECT_TRUE(Load(Epi(std::string(",") + kSource), R"({"rules":[]})",
                   std::string(R"({"vaccine_overdue_days": 30, "sources": {"vaccine_overdue_days": {)") + kSource + "}}}")
                  .ok());
}

// `off`: known reasons only, with a note; a dose due from 60 months must be
// off as beyond_under5; the old series flag `enabled` is refused.
TEST(ScheduleSources, OffRowsAreChecked) {
  const std::string src = std::string(",") + kSource;
  const std::string seven = R"({"series":[{"id":"x","vaccines":["td"],"doses":[{"id":"x.1","label_vi":"x","label_en":"x","min_age":"7y","due_age":"7y","late_age":"8y",)" +
                            std::string(kSource);
  EXPECT_TRUE(Load(seven + R"(,"off":"beyond_under5","note":"why"}]}]})").ok());
  EXPECT_EQ(Load(seven + "}]}]}").field(), "epi.x.1.off");
  EXPECT_EQ(Load(seven + R"(,"off":"beyond_under5"}]}]})").field(), "epi.x.1.note");
  EXPECT_EQ(Load(Epi(src + R"(,"off":"beyond_under5","note":"why")")).field(), "epi.x.1.off");  // due at birth
  EXPECT_EQ(Load(Epi(src + R"(,"off":"later","note":"why")")).field(), "epi.x.1.off");
  EXPECT_EQ(Load(Epi(src + R"(,"off":"unsourced","note":"why")")).field(), "epi.x.1.off");  // but read
  EXPECT_TRUE(Load(Epi(R"(,"source":{"document":"d","article":"","note":"n"},"confidence":"none","unsourced":["row"],"off":"unsourced","note":"why")")).ok());
  EXPECT_EQ(Load(Epi(src, R"(,"enabled":false)")).field(), "epi.x.enabled");
}

TEST(ScheduleSources, MalformedAgesAreRefused) {
  Schedule s;
  const std::string epi = std::string(R"({"series":[{"id":"x","vaccines":["bcg"],"doses":[{"id":"x.1","min_age":"zero","due_age":"0d","late_age":"1m",)") +
                          kSource + "}]}]}";
  Status st = Schedule::FromJson(epi, R"({"rules":[]})", "{}", &s);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.field(), "epi.x.1.min_age");
  EXPECT_EQ(ParseSpan("24h")->n, 1);
  EXPECT_FALSE(ParseSpan("3q"));
}

}  // namespace
}  // namespace u5::care
