#include <cstdio>

#include "core/id.h"
#include "core/text.h"
#include "demo/model.h"

namespace u5::demo {
namespace {

// created_at/updated_at: the day of entry at a working hour, in the store's
// UTC form, never after `today`.
std::string EntryTime(Rng& rng, Date d, Date today) {
  if (d > today) d = today;
  const int local_minute = 7 * 60 + static_cast<int>(rng.Below(10 * 60));  // 07:00-16:59 in Vietnam
  const int utc_minute = local_minute - 7 * 60;
  const unsigned sec = rng.Below(60), ms = rng.Below(1000);
  std::string s = IsoDate(d);
  s.resize(24);
  char* p = s.data() + 10;
  auto two = [](char* q, unsigned v) { q[0] = static_cast<char>('0' + v / 10); q[1] = static_cast<char>('0' + v % 10); };
  p[0] = 'T';
  two(p + 1, static_cast<unsigned>(utc_minute / 60));
  p[3] = ':';
  two(p + 4, static_cast<unsigned>(utc_minute % 60));
  p[6] = ':';
  two(p + 7, sec);
  p[9] = '.';
  p[10] = static_cast<char>('0' + ms / 100);
  two(p + 11, ms % 100);
  p[13] = 'Z';
  return s;
}

}  // namespace

std::string IsoDate(Date date) {
  int y;
  unsigned m, d;
  YmdFromDate(date, y, m, d);
  std::string s(10, '-');
  s[0] = static_cast<char>('0' + y / 1000 % 10);
  s[1] = static_cast<char>('0' + y / 100 % 10);
  s[2] = static_cast<char>('0' + y / 10 % 10);
  s[3] = static_cast<char>('0' + y % 10);
  s[5] = static_cast<char>('0' + m / 10);
  s[6] = static_cast<char>('0' + m % 10);
  s[8] = static_cast<char>('0' + d / 10);
  s[9] = static_cast<char>('0' + d % 10);
  return s;
}

Emitter::Emitter(const Options& opts, Date window_from, Date window_to, Sink flush)
    : opts_(opts), from_(window_from), to_(window_to), flush_(std::move(flush)) {
}

std::string Emitter::NewId(Rng& rng, Date d, int minute) {
  const int64_t secs = static_cast<int64_t>(d.days) * 86400 + (minute - 7 * 60) * 60;
  const uint64_t ms = static_cast<uint64_t>(secs < 0 ? 0 : secs) * 1000 + rng.Below(60000);
  const uint64_t r = rng.Next();
  const uint64_t r2 = rng.Next();
  return FormatUuid7(ms, static_cast<uint16_t>((r >> 52) & 0xfff), r2);
}

Status Emitter::Push(Rng& rng, store::Record&& r, JsonBody& body, const char* tag) {
  Date d = *ParseDate(r.date);
  // A person is entered when first seen: a mother born decades ago is
  // registered at the window's start, not on her birthday.
  if (r.is_person() && d < from_) d = from_;
  int delay = rng.Chance(0.7) ? 0 : static_cast<int>(rng.Below(4));
  if (!tag && rng.Chance(opts_.defects.late_entry)) tag = kTagLate;
  if (tag == kTagLate) delay = 30 + static_cast<int>(rng.Below(91));
  if (tag) body.Str("note", tag);
  r.created_at = EntryTime(rng, Date{d.days + delay}, opts_.today);
  r.updated_at = r.created_at;
  r.version = 1;
  r.body = body.Finish();
  batch_.push_back(std::move(r));
  if (batch_.size() >= opts_.batch_records) return Flush();
  return Status::Ok();
}

Status Emitter::Person(Rng& rng, store::Record&& r, JsonBody& body, const char* tag) {
  r.type = "person";
  r.name_folded = text::Fold(r.full_name);
  body.Str("id", r.id).Str("orgunit", r.orgunit_id).Str("full_name", r.full_name).Str("sex", r.sex);
  body.Str("birth_date", r.date);
  if (r.phone) body.Str("phone", *r.phone);
  if (r.mother_id) body.Str("mother_id", *r.mother_id);
  ++persons_;
  return Push(rng, std::move(r), body, tag);
}

Status Emitter::Event(Rng& rng, store::Record&& r, JsonBody& body, const char* tag) {
  body.Str("id", r.id).Str("person_id", r.person_id).Str("orgunit", r.orgunit_id).Str("date", r.date);
  if (r.pregnancy_id) body.Str("pregnancy_id", *r.pregnancy_id);
  ++events_;
  return Push(rng, std::move(r), body, tag);
}

Status Emitter::Flush() {
  if (batch_.empty()) return Status::Ok();
  Status st = flush_(batch_);
  batch_.clear();
  return st;
}

}  // namespace u5::demo
