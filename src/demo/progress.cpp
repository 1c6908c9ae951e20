#include "demo/progress.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace u5::demo {

void ProgressLine::Print(int pct, int64_t records, const char* what) {
  std::string bar(static_cast<size_t>(pct / 4), '#');
  bar.resize(25, '.');
  out_ << (tty_ ? "\r" : "") << "demo [" << bar << "] " << (pct < 10 ? "  " : pct < 100 ? " " : "") << pct << "%  "
       << records << " records " << what << (tty_ ? "" : "\n");
  out_.flush();
}

void ProgressLine::Update(double done, int64_t records) {
  if (finished_ || !(done >= 0)) return;
  const int pct = std::min(99, static_cast<int>(std::floor(done * 100)));
  if (tty_) {
    if (pct == last_pct_) return;
  } else {
    if (pct / 10 <= last_tenth_) return;
    last_tenth_ = pct / 10;
  }
  last_pct_ = pct;
  Print(pct, records, "generated");
}

void ProgressLine::Finish(int64_t records) {
  if (finished_) return;
  finished_ = true;
  Print(100, records, "stored");
  if (tty_) out_ << "\n";
}

}  // namespace u5::demo
