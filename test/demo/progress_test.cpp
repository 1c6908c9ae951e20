// The demo's progress line: steady steps by tenths in a log, a redraw per
// percent on a terminal, and 100 % once, only when the records are stored.
#include "demo/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace u5::demo {
namespace {

int Count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(ProgressLine, ALogGetsEachTenthOnceHoweverTheStepsFall) {
  std::ostringstream out;
  ProgressLine line(out, false);
  // 38 communes of uneven size, as Lai Châu: steps of 1 to 7 %.
  double done = 0;
  int64_t records = 0;
  for (int i = 0; i < 38; ++i) {
    done += (i % 3 == 0 ? 0.045 : 0.018);
    records += 15000;
    line.Update(std::min(done, 1.0), records);
  }
  line.Update(1.0, records);  // a last call at the end changes nothing
  line.Finish(591245);
  line.Finish(591245);
  const std::string s = out.str();
  // One line in each tenth from 10 % to 90 % (at the first step into it), then 100 %.
  std::istringstream lines(s);
  std::string l;
  int tenth = 0;
  while (std::getline(lines, l)) {
    const int pct = std::stoi(l.substr(l.find(']') + 1));
    EXPECT_EQ(pct / 10, ++tenth) << s;
  }
  EXPECT_EQ(tenth, 10) << s;
  EXPECT_EQ(Count(s, "100%"), 1) << s;
  EXPECT_EQ(Count(s, " 0 records"), 0) << s;
  EXPECT_NE(s.find("demo [#########################] 100%  591245 records stored\n"), std::string::npos) << s;
  EXPECT_EQ(s.find('\r'), std::string::npos);
}

TEST(ProgressLine, OnlyFinishSaysOneHundred) {
  std::ostringstream out;
  ProgressLine line(out, false);
  line.Update(1.0, 500);  // every commune generated, nothing stored yet
  EXPECT_EQ(out.str(), "demo [########################.]  99%  500 records generated\n");
  line.Finish(500);
  EXPECT_EQ(Count(out.str(), "100%"), 1);
  line.Update(1.0, 500);  // after Finish: nothing
  EXPECT_EQ(Count(out.str(), "\n"), 2);
}

TEST(ProgressLine, ATerminalRedrawsOneLinePerPercent) {
  std::ostringstream out;
  ProgressLine line(out, true);
  for (int i = 0; i <= 400; ++i) line.Update(i / 400.0, i);
  line.Finish(400);
  const std::string s = out.str();
  EXPECT_EQ(Count(s, "\r"), 101) << s;  // 0 % .. 99 %, then 100 %
  EXPECT_EQ(Count(s, "100%"), 1);
  EXPECT_EQ(Count(s, "\n"), 1);
  EXPECT_EQ(s.back(), '\n');
}

}  // namespace
}  // namespace u5::demo
