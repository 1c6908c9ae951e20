// `under5 report --list`: one template id a line (a contract other checks run),
// with no database needed; without --list the report's own flags are required.
#include <gtest/gtest.h>

#include <sstream>

#include "report/template.h"
#include "support/process.h"

namespace u5::report {
namespace {

TEST(ReportCli, ListPrintsOneTemplateIdALine) {
  test::RunResult r = test::RunUnder5({"report", "--list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> printed;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) printed.push_back(line);
  // The ids of the shipped templates, each loadable, nothing else on the lines.
  EXPECT_EQ(printed, ListTemplates(U5_DATA_DIR));
  EXPECT_GE(printed.size(), 4u);
  for (const std::string& id : printed) {
    Template t;
    EXPECT_TRUE(LoadTemplate(U5_DATA_DIR, id, &t).ok()) << id;
  }
  EXPECT_NE(r.out.find("lai_chau_6m\n"), std::string::npos);
}

TEST(ReportCli, WithoutListTheReportFlagsAreRequired) {
  test::RunResult r = test::RunUnder5({"report", "--template", "lai_chau_6m"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--period is required"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

}  // namespace
}  // namespace u5::report
