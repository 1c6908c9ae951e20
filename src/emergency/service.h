// The red-alert service: raises cases and enters their steps through the
// store (each write with its audit entry in one transaction), escalates alerts
// nobody acknowledged on its clock (a ticker, and before every read), and
// publishes every change to the live streams of the users who may see it.
#pragma once
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "audit/entry.h"
#include "auth/session.h"
#include "core/clock.h"
#include "emergency/config.h"
#include "emergency/model.h"
#include "http/message.h"
#include "store/store.h"

namespace u5::emergency {

struct NewCase {
  std::string patient_kind, person_id, patient_label, level, reason, from_orgunit, to_orgunit, note;
  std::optional<int64_t> raised_at;  // unix seconds; now when absent
};

class Subscriber;

class Service {
 public:
  Service(store::Store& store, Config cfg, const Clock& clock = Clock::System());
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // The service the routes of `store` use (null: none attached).
  static void Attach(store::Store& store, Service* service);
  static Service* For(store::Store& store);

  const Config& config() const { return cfg_; }
  const Clock& clock() const { return clock_; }
  int64_t Now() const;

  // Checks and stores a new case (version 1) for `who`, audited with `stamp`;
  // 422 naming the field, 403 when the sending unit or the person lies outside
  // the user's scope.
  Status Create(const NewCase& in, const auth::Principal& who, const audit::Entry& stamp, Case* out);
  // Enters a step (ApplyStep's rules) when `version` is the stored one (else
  // 409) and the user's org units own the step's side (else 403).
  Status Step(const std::string& id, const std::string& step, std::optional<int64_t> at, const std::string& outcome,
              int64_t version, const auth::Principal& who, const audit::Entry& stamp, Case* out);
  Status Get(const std::string& id, Case* out);
  // Cases raised since `from` (unix seconds; 0 = all), open ones only when `open_only`.
  Status List(bool open_only, int64_t from, std::vector<Case>* out);

  // Writes the escalations due by now (each audited as the system) and
  // publishes them; returns how many were made.
  size_t Escalate();
  // Runs Escalate and flushes the streams' read audit every `every` until the
  // service goes (serve only; tests call Escalate on a fake clock).
  void StartTicker(std::chrono::milliseconds every);

  // The user may see the case: its sending, receiving or an escalated-to org
  // unit is theirs or below one of theirs.
  bool Visible(const Case& c, const auth::Principal& who);
  // The user may see the patient's name: person.read and the person in scope.
  bool SeesName(const Case& c, const auth::Principal& who);
  // The case as JSON for `who` (the name only when SeesName).
  nlohmann::json Render(const Case& c, const auth::Principal& who);
  // Org unit names for the JSON, cached (names do not change while serving).
  std::map<std::string, std::string> Names(const Case& c);

  // A live stream of the cases visible to `who` (server-sent events): first a
  // hello, then each change as it is published.
  std::shared_ptr<http::StreamSource> Subscribe(const auth::Principal& who, const std::string& remote);
  size_t subscribers() const;
  // How far (bytes) a subscriber may fall behind before it is dropped and
  // reconnects; for tests (the default fits hundreds of events).
  void set_stream_queue_bytes(size_t n) { queue_bytes_ = n; }

 private:
  Status EscalationTarget(const Case& c, const std::string& kind, std::string* orgunit);
  void Publish(const Case& c);
  void FlushStreamAudit();

  store::Store& store_;
  const Config cfg_;
  const Clock& clock_;
  std::mutex escalate_mu_;  // one escalation pass at a time

  mutable std::mutex names_mu_;
  std::map<std::string, std::string> names_;

  mutable std::mutex subs_mu_;
  std::vector<std::weak_ptr<Subscriber>> subs_;
  std::atomic<size_t> queue_bytes_{256 * 1024};
  std::mutex audit_mu_;
  std::vector<audit::Entry> stream_reads_;  // names sent on streams, appended by the ticker

  std::mutex tick_mu_;
  std::condition_variable tick_cv_;
  bool stopping_ = false;
  std::thread ticker_;
};

}  // namespace u5::emergency
