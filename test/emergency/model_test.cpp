// The timeline's rules as tables: times as people enter them, steps in order,
// escalation falling due on the boundary.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "emergency/config.h"
#include "emergency/model.h"

namespace u5::emergency {
namespace {

const Config& Cfg() { return Config::Builtin(); }

TEST(RedAlertConfig, TheDataFileIsTheCompiledInCopyAndEveryLevelHasASource) {
  std::ifstream in(U5_RED_ALERT_FILE);
  std::stringstream ss;
  ss << in.rdbuf();
  Config c;
  ASSERT_TRUE(Config::FromJson(ss.str(), &c).ok());
  ASSERT_EQ(c.levels.size(), 3u);
  EXPECT_EQ(c.levels[0].id, "red");
  for (const auto& l : c.levels) EXPECT_FALSE(l.source.empty()) << l.id;
  std::vector<std::string> steps;
  for (const auto& s : c.steps) steps.push_back(s.id);
  EXPECT_EQ(steps, (std::vector<std::string>{"acknowledged", "team_ready", "departed", "arrived", "treatment_started", "outcome"}));
  EXPECT_EQ(Cfg().FindStep("departed")->owner, "from");
  EXPECT_EQ(Cfg().FindStep("acknowledged")->owner, "to");
}

TEST(RedAlertConfig, RefusesALevelWithoutSourceOrAStepWithAnUnknownOwner) {
  nlohmann::json j = Cfg().raw;
  j["levels"][0].erase("source");
  Config c;
  Status st = Config::FromJson(j.dump(), &c);
  EXPECT_EQ(st.field(), "levels.red.source");
  j = Cfg().raw;
  j["steps"][1]["owner"] = "both";
  EXPECT_EQ(Config::FromJson(j.dump(), &c).field(), "steps.team_ready");
}

struct InstantCase {
  const char* text;
  std::optional<int64_t> want;
};

TEST(Instant, ParsesTheFormsPeopleAndBrowsersSend) {
  // 2026-05-01T00:00:00Z is 1777593600.
  const InstantCase cases[] = {
      {"2026-05-01T00:00:00Z", 1777593600},
      {"2026-05-01T00:00Z", 1777593600},
      {"2026-05-01T07:00:00+07:00", 1777593600},
      {"2026-05-01T07:00", 1777593600},  // no offset: Vietnam's time
      {"2026-04-30T22:00:00.123-02:00", 1777593600},
      {"2026-05-01", std::nullopt},
      {"2026-05-01T24:00Z", std::nullopt},
      {"2026-02-30T10:00Z", std::nullopt},
      {"2026-05-01T10:00+7", std::nullopt},
      {"yesterday", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(ParseInstant(c.text), c.want) << c.text;
  EXPECT_EQ(FormatInstant(1777593600), "2026-05-01T00:00:00Z");
  EXPECT_EQ(FormatInstant(1777593600 + 3661), "2026-05-01T01:01:01Z");
}

struct StepCase {
  const char* step;
  int64_t at_minutes;  // after the alert
  const char* outcome;
  const char* error_field;  // "" = accepted
};

TEST(Timeline, EachStepOnceInOrderNeverBeforeThePreviousNorInTheFuture) {
  const int64_t t0 = 1777593600;
  const int64_t now = t0 + 120 * 60;
  Case c;
  c.raised_at = t0;
  c.level = "red";
  const StepCase steps[] = {
      {"team_ready", 1, "", "step"},         // not the next one
      {"acknowledged", -1, "", "at"},        // before the alert
      {"acknowledged", 121, "", "at"},       // in the future
      {"acknowledged", 3, "alive", "outcome"},  // only the outcome step takes one
      {"acknowledged", 3, "", ""},
      {"acknowledged", 4, "", "step"},       // already entered
      {"team_ready", 2, "", "at"},           // before the acknowledgement
      {"team_ready", 3, "", ""},             // the same minute is fine
      {"departed", 10, "", ""},
      {"arrived", 40, "", ""},
      {"treatment_started", 45, "", ""},
      {"outcome", 90, "", "outcome"},        // needs an outcome
      {"outcome", 90, "recovered", "outcome"},
      {"outcome", 90, "alive", ""},
      {"outcome", 91, "alive", "step"},      // closed
      {"rescue", 91, "", "step"},
  };
  for (const auto& s : steps) {
    Status st = ApplyStep(&c, Cfg(), s.step, t0 + s.at_minutes * 60, s.outcome, now);
    EXPECT_EQ(st.field(), s.error_field) << s.step << " at +" << s.at_minutes << ": " << st.ToString();
    if (s.error_field[0] != 0) {
      EXPECT_EQ(st.http_status(), 422);
    }
  }
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(c.outcome, "alive");
  EXPECT_EQ(NextStep(c, Cfg()), "");
}

TEST(Timeline, EscalationFallsDueJustAfterTheLevelsAcknowledgementTime) {
  const int64_t t0 = 1777593600;
  Case c;
  c.raised_at = t0;
  c.level = "red";  // acknowledge within 5 minutes; again every 10 (data/emergency/red_alert.json)
  EXPECT_EQ(EscalationsDue(c, Cfg(), t0 + 5 * 60), 0u);
  EXPECT_EQ(EscalationsDue(c, Cfg(), t0 + 5 * 60 + 1), 1u);
  EXPECT_EQ(EscalationsDue(c, Cfg(), t0 + 15 * 60), 1u);
  EXPECT_EQ(EscalationsDue(c, Cfg(), t0 + 15 * 60 + 1), 2u);
  EXPECT_EQ(EscalationsDue(c, Cfg(), t0 + 600 * 60), 2u);  // the chain has two levels
  c.level = "yellow";
  EXPECT_EQ(EscalationsDue(c, Cfg(), t0 + 30 * 60), 0u);
  EXPECT_EQ(EscalationsDue(c, Cfg(), t0 + 30 * 60 + 1), 1u);
  c.times["acknowledged"] = t0 + 60;
  EXPECT_EQ(EscalationsDue(c, Cfg(), t0 + 600 * 60), 0u);
}

}  // namespace
}  // namespace u5::emergency
