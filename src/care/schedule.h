// The care schedules as data (data/schedules/*.json): vaccine series for the
// EPI, and rules for antenatal, postnatal and child care. Read at run time
// from the data folder; a copy compiled in is the fallback.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "core/status.h"

namespace u5::care {

// An age or a delay: n days, weeks, calendar months or years ("24h" = 1 day).
struct Span {
  int n = 0;
  char unit = 'd';  // d, w, m, y
  Date After(Date from) const;  // months and years clamp to the month's last day
  Date Before(Date from) const;
  bool operator==(const Span&) const = default;
};
std::optional<Span> ParseSpan(const std::string& s);

// Where a row comes from. Every row has a source (document, article, and a
// note saying what the text gives) and a confidence: "read" (text read),
// "secondary" (third-party material only), "cited" (a WHO publication named
// by earlier work, not re-read) or "none" (no text: a programme assumption,
// then `unsourced` is ["row"]). The fields in `unsourced` are programme
// assumptions. The loader refuses a row without them (docs/care.md).
struct Provenance {
  std::string document, article, source_note;  // the row's `source`
  std::string confidence;
  std::string note;  // the row's own note (why it is off, what is assumed)
  std::vector<std::string> unsourced;
  // Why the row is kept out of every plan: "unsourced" (its ages are not
  // sourced) or "beyond_under5" (due at 60 months or later); empty = in use.
  std::string off;
  bool RowUnsourced() const;
  bool Off() const { return !off.empty(); }
};

struct Dose {
  std::string id, label;       // label: the dose as the schedule counts it ("1", "birth", "booster")
  std::string label_vi, label_en;  // the dose's whole name in each language, shown as is
  Span min_age, due_age, late_age;
  std::optional<Span> max_age, min_interval;
  Provenance prov;
};

struct Series {
  std::string id, label_vi, label_en;
  std::vector<std::string> vaccines;
  std::string newborn_flag;  // a newborn record field that also records dose 1 (hepatitis B birth dose)
  std::vector<Dose> doses;   // including doses that are off (Dose::prov.off)
};

// Which events satisfy a rule.
struct Match {
  std::string type;
  // field -> accepted values as JSON text ("1", "\"home\"", "null" = field absent).
  std::map<std::string, std::vector<std::string>> where;
  std::vector<std::string> any_true;  // at least one of these bool fields is true
  std::optional<Span> from, to;       // event date relative to the anchor
};

struct Band {
  Span from_age, to_age, every;
};

struct Rule {
  std::string id, kind, subject, anchor, label_vi, label_en;
  Match match;
  int count = 1;
  Span min_age, due_age, late_age;
  std::optional<Span> max_age, min_interval, before_edd, grace;
  // Window rules: the first age at which the item can no longer be done (its
  // max is the day before), for windows that end where the next one begins;
  // months and years count as completed months (MonthsCompletedOn).
  std::optional<Span> end_age;
  std::vector<Band> bands;
  std::vector<int> months;
  Provenance prov;
};

struct AlertConfig {
  int vaccine_overdue_days = 30, high_risk_not_seen_days = 30, delivery_missing_after_edd_days = 14;
  int low_birth_weight_g = 2500, preterm_weeks = 37, newborn_home_visit_days = 7, sam_followup_days = 14;
  int untreated_illness_days = 30;
  // Worklists: a person whose every listed item is overdue by more than this
  // (and who has no alert but overdue doses) goes to the long-lost list.
  int long_lost_overdue_days = 183;
  // Source of each threshold given in alerts.json, by its key.
  std::map<std::string, Provenance> sources;
};

class Schedule {
 public:
  // Reads epi.json, care.json and alerts.json from `data_dir`/schedules, or the
  // compiled-in copies when `data_dir` is empty or lacks them.
  static Status Load(const std::string& data_dir, Schedule* out);
  static Status FromJson(const std::string& epi, const std::string& care, const std::string& alerts, Schedule* out);
  static const Schedule& Builtin();

  const std::vector<Series>& series() const { return series_; }
  const std::vector<Rule>& rules() const { return rules_; }
  const AlertConfig& alerts() const { return alerts_; }
  AlertConfig& mutable_alerts() { return alerts_; }
  // SHA-256 hex of the three texts it was read from (a snapshot of plans made
  // by another schedule is not used; mutable_alerts() edits do not change it).
  const std::string& source_hash() const { return source_hash_; }
  // Looks up a dose or rule label by item id ("epi.dtp.1", "anc.t1"), in
  // Vietnamese or in English. A view into the schedule (or `item_id` itself
  // when no row matches).
  std::string_view Label(std::string_view item_id) const;
  std::string_view LabelEn(std::string_view item_id) const;

 private:
  std::vector<Series> series_;
  std::vector<Rule> rules_;
  // Dose labels (Vietnamese, English) by dose id: asked once per overdue-vaccine
  // alert of everyone. Copies, so a copied Schedule holds no view into another.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::pair<std::string, std::string>, Hash, std::equal_to<>> dose_labels_;
  AlertConfig alerts_;
  std::string source_hash_;
};

}  // namespace u5::care
