// The red-alert configuration as data (data/emergency/red_alert.json): levels
// with their response times, the coded reasons, the timeline's steps and the
// side that enters each, the outcomes, and the escalation of an alert nobody
// acknowledges. Every figure carries its source (docs/emergency.md).
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace u5::emergency {

struct Level {
  std::string id, label_vi, label_en, source;
  int ack_within_minutes = 0, treat_within_minutes = 0;
};

struct Reason {
  std::string id, label_vi, label_en;
  std::vector<std::string> patient;  // patient kinds it applies to
};

struct Labelled {
  std::string id, label_vi, label_en;
};

struct Step {
  std::string id, owner, label_vi, label_en;  // owner: "from" (sending side) or "to" (receiving facility)
};

struct Config {
  std::vector<Level> levels;     // most urgent first
  std::vector<Reason> reasons;
  std::vector<Labelled> patient_kinds, outcomes;
  std::vector<Step> steps;       // in the order they must be entered
  // Escalation of an unacknowledged alert: the k-th (from 0) falls due at
  // raised + level.ack_within_minutes + k * repeat_after_minutes and goes to chain[k].
  std::vector<std::string> chain;  // "coordinator" | "province"
  int repeat_after_minutes = 0;
  std::map<std::string, std::string> coordinators;  // 2025 province id -> coordinating facility
  nlohmann::json raw;                                // the file, for GET /emergency-config

  const Level* FindLevel(const std::string& id) const;
  const Reason* FindReason(const std::string& id) const;
  const Step* FindStep(const std::string& id) const;
  bool HasKind(const std::string& id) const;
  bool HasOutcome(const std::string& id) const;

  // Parses and checks the file's text (every level with its minutes and source,
  // steps owned by "from" or "to", known escalation targets).
  static Status FromJson(const std::string& text, Config* out);
  // data_dir/emergency/red_alert.json, else the compiled-in copy.
  static Status Load(const std::string& data_dir, Config* out);
  static const Config& Builtin();
};

// The answer of GET /emergency-config (docs/api.md).
nlohmann::json ConfigJson(const Config& c);

}  // namespace u5::emergency
