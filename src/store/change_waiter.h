// Waiting for a write committed anywhere on the database: what a server's
// follow rounds wait on (snapshot/checkpointer.h), so that another server's
// write reaches this one's engines at once rather than at the next poll.
// PostgreSQL has it (LISTEN on the NOTIFY each change log append sends, at
// its commit); SQLite has no such signal, and its servers poll.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>

#include "core/status.h"
#include "store/open.h"

namespace u5::store {

class ChangeWaiter {
 public:
  virtual ~ChangeWaiter() = default;
  // Returns once the change log may hold a position after `after_seq`
  // (*woken true), or after `timeout` (*woken false), whichever is first. An
  // error (the wait's connection lost) comes after the timeout too, so a
  // caller that retries cannot spin; the next wait reconnects.
  virtual Status Wait(int64_t after_seq, std::chrono::milliseconds timeout, bool* woken) = 0;
};

// The waiter for the store at `where`; null for a store that cannot hear
// other writers (SQLite).
std::unique_ptr<ChangeWaiter> OpenChangeWaiter(const Location& where);

}  // namespace u5::store
