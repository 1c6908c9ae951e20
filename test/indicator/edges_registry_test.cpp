// The hand-made edge registry (test/indicator/edges/): records chosen to sit on
// the edges of the indicator definitions (twins, moves, leap years, same-day
// duplicates, oedema, MUAC-only SAM, visits after the delivery, vitamin A
// intervals, birth cohorts), written through the registry validator, then every
// expected numerator and denominator of expected.csv compared with the engine.
// The expectations were worked out by hand from docs/indicators.md, not by
// running the engine; each row names the case that explains it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "population.h"

namespace u5::test {
namespace {

const std::string kDir = std::string(U5_TEST_DIR) + "/edges/";

// registry.jsonl: one action a line; blank lines and lines starting with '#' are comments.
//   {"person": KEY, "sex", "birth_date", "orgunit", "fields": {...}}
//   {"event": KEY, "type", "of": PERSON_KEY, "date", "orgunit", "fields": {...}, "expect_error": FIELD?}
//   {"update": KEY, "fields": {...}}
//   {"value": ELEMENT, "orgunit", "period", "number"}          an entered aggregate
//   {"derived": KEY, "fields": {...}}                          stored derived fields of a record
void Load(Population& pop) {
  std::ifstream in(kDir + "registry.jsonl");
  ASSERT_TRUE(in) << kDir << "registry.jsonl";
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    SCOPED_TRACE("registry.jsonl:" + std::to_string(n));
    const nlohmann::json a = nlohmann::json::parse(line);
    const nlohmann::json fields = a.value("fields", nlohmann::json::object());
    if (a.contains("person")) {
      pop.Person(a["person"], a["sex"], a["birth_date"], a["orgunit"], fields);
    } else if (a.contains("event")) {
      const std::string expect = a.value("expect_error", "");
      try {
        pop.Event(a["event"], a["type"], pop.Id(a["of"]), a["date"], a["orgunit"], fields);
        EXPECT_TRUE(expect.empty()) << a["event"] << " was accepted; expected an error on " << expect;
      } catch (const std::exception& e) {
        EXPECT_FALSE(expect.empty()) << a["event"] << ": " << e.what();
        // Status::ToString names the field in brackets: "invalid [date]: ...".
        if (!expect.empty()) EXPECT_NE(std::string(e.what()).find("[" + expect + "]"), std::string::npos) << e.what();
      }
    } else if (a.contains("update")) {
      pop.Update(a["update"], fields);
    } else if (a.contains("value")) {
      indicator::EnteredValue v;
      v.element = a["value"];
      v.orgunit = a["orgunit"];
      v.period = a["period"];
      v.source = "routine";
      v.value = a["number"].get<double>();
      Status st = pop.service().PutValue(v, ByUser("edges"));
      ASSERT_TRUE(st.ok()) << st.ToString();
    } else if (a.contains("derived")) {
      const nlohmann::json body = pop.Body(a["derived"]);
      for (auto it = fields.begin(); it != fields.end(); ++it)
        EXPECT_EQ(body.value(it.key(), nlohmann::json()), it.value()) << a["derived"] << "." << it.key();
    } else {
      FAIL() << "unknown action";
    }
  }
}

struct Row {
  std::string indicator, orgunit, period, why;
  int64_t num = 0, den = 0;
  int line = 0;
};

std::vector<Row> Expected() {
  std::ifstream in(kDir + "expected.csv");
  std::vector<Row> rows;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (n == 1 || line.empty() || line[0] == '#') continue;  // header
    std::stringstream ss(line);
    Row r;
    std::string num, den;
    std::getline(ss, r.indicator, ',');
    std::getline(ss, r.orgunit, ',');
    std::getline(ss, r.period, ',');
    std::getline(ss, num, ',');
    std::getline(ss, den, ',');
    std::getline(ss, r.why);
    r.num = std::stoll(num);
    r.den = std::stoll(den);
    r.line = n;
    rows.push_back(r);
  }
  return rows;
}

class EdgeRegistry : public OnEachStore {};

TEST_P(EdgeRegistry, EveryExpectedCountMatches) {
  Population pop(GetParam());
  Load(pop);
  const auto rows = Expected();
  ASSERT_GT(rows.size(), 40u);
  for (const Row& r : rows) {
    SCOPED_TRACE("expected.csv:" + std::to_string(r.line) + " " + r.why);
    const indicator::Cell c = pop.Counts(r.indicator, r.orgunit, r.period);
    EXPECT_EQ(c.num, r.num) << r.indicator << " " << r.orgunit << " " << r.period << " numerator";
    EXPECT_EQ(c.den, r.den) << r.indicator << " " << r.orgunit << " " << r.period << " denominator";
  }
}

// The same registry loaded, then the engine rebuilt from the database: the
// incremental path and the full load agree on every expected row.
TEST_P(EdgeRegistry, FullReloadAgrees) {
  Population pop(GetParam());
  Load(pop);
  ASSERT_TRUE(pop.service().Rebuild().ok());
  for (const Row& r : Expected()) {
    const indicator::Cell c = pop.Counts(r.indicator, r.orgunit, r.period);
    EXPECT_EQ(c.num, r.num) << "expected.csv:" << r.line;
    EXPECT_EQ(c.den, r.den) << "expected.csv:" << r.line;
  }
}

U5_ON_BOTH_STORES(EdgeRegistry);

}  // namespace
}  // namespace u5::test
