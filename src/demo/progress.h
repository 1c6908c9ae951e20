// The progress line of `under5 demo`. On a terminal one line is redrawn at
// each percent; in a log (CI, scripts/run piped) a line is written when the
// share crosses each tenth, however far one step jumps. 100 % appears once,
// from Finish, when the records are stored and indexed, not when the last
// one was generated.
#pragma once
#include <cstdint>
#include <ostream>

namespace u5::demo {

class ProgressLine {
 public:
  ProgressLine(std::ostream& out, bool tty) : out_(out), tty_(tty) {}
  // `done`: the share generated (0..1), shown as at most 99 %; `records`: generated so far.
  void Update(double done, int64_t records);
  void Finish(int64_t records);

 private:
  void Print(int pct, int64_t records, const char* what);
  std::ostream& out_;
  const bool tty_;
  int last_pct_ = -1;
  int last_tenth_ = 0;
  bool finished_ = false;
};

}  // namespace u5::demo
