// Every schedule row names its source or is marked unsourced, and docs/care.md
// lists every row with that source.
#include <gtest/gtest.h>

#include <fstream>
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

TEST(ScheduleSources, EveryRowHasASourceOrIsMarkedUnsourced) {
  const Schedule s = FromFiles();
  for (const auto& r : Rows(s)) {
    EXPECT_TRUE(!r.prov->source.empty() || r.prov->RowUnsourced()) << r.id << ": no source and not marked unsourced";
    // A field marked unsourced must be one the row has.
    for (const auto& f : r.prov->unsourced)
      EXPECT_TRUE(f == "row" || f == "min_age" || f == "due_age" || f == "late_age" || f == "max_age" || f == "min_interval")
          << r.id << ": unknown field '" << f << "' in unsourced";
  }
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
    if (r.prov->RowUnsourced()) EXPECT_NE(line.find("UNSOURCED"), std::string::npos) << line;
    else EXPECT_NE(line.find(r.prov->source.substr(0, 40)), std::string::npos) << r.id << ": source differs from the data: " << line;
  }
}

TEST(ScheduleSources, ARowWithoutSourceIsRefusedByTheCheck) {
  Schedule s;
  const std::string epi = R"({"series":[{"id":"x","vaccines":["bcg"],"doses":[{"id":"x.1","min_age":"0d","due_age":"0d","late_age":"1m"}]}]})";
  ASSERT_TRUE(Schedule::FromJson(epi, R"({"rules":[]})", "{}", &s).ok());
  const auto rows = Rows(s);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].prov->source.empty() && !rows[0].prov->RowUnsourced());
}

TEST(ScheduleSources, MalformedAgesAreRefused) {
  Schedule s;
  const std::string epi = R"({"series":[{"id":"x","vaccines":["bcg"],"doses":[{"id":"x.1","min_age":"zero","due_age":"0d","late_age":"1m"}]}]})";
  Status st = Schedule::FromJson(epi, R"({"rules":[]})", "{}", &s);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.field(), "epi.x.1.min_age");
  EXPECT_EQ(ParseSpan("24h")->n, 1);
  EXPECT_FALSE(ParseSpan("3q"));
}

}  // namespace
}  // namespace u5::care
