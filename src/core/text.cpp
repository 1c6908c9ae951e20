#include "core/text.h"

#include <unicode/coll.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <memory>
#include <mutex>

namespace u5::text {

bool IsValidUtf8(std::string_view s) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return false;
  }
  return true;
}

static std::string CollapseSpace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (char ch : s) {
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(ch);
  }
  return out;
}

std::string Nfc(std::string_view s) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_FAILURE(err)) return std::string(s);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  if (nfc->isNormalized(u, err) && U_SUCCESS(err)) return std::string(s);
  err = U_ZERO_ERROR;
  icu::UnicodeString n = nfc->normalize(u, err);
  std::string out;
  n.toUTF8String(out);
  return out;
}

std::string NormalizeName(std::string_view s) { return Nfc(CollapseSpace(s)); }

std::string Fold(std::string_view s) {
  // Fast path: ASCII needs only lower-casing.
  bool ascii = true;
  for (unsigned char c : s)
    if (c >= 0x80) { ascii = false; break; }
  std::string out;
  if (ascii) {
    out.reserve(s.size());
    for (unsigned char c : s) out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    return CollapseSpace(out);
  }
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  icu::UnicodeString d = nfd->normalize(u, err);
  icu::UnicodeString kept;
  for (int32_t i = 0; i < d.length();) {
    UChar32 c = d.char32At(i);
    i += U16_LENGTH(c);
    if (u_getCombiningClass(c) != 0 || u_charType(c) == U_NON_SPACING_MARK) continue;
    if (c == 0x0111 || c == 0x0110) c = 'd';  // đ / Đ are letters of their own, not d + mark
    kept.append(u_tolower(c));
  }
  kept.toUTF8String(out);
  return CollapseSpace(out);
}

std::string VietnameseSortKey(std::string_view s) {
  static std::once_flag once;
  static std::unique_ptr<icu::Collator> collator;
  static std::mutex mu;
  std::call_once(once, [] {
    UErrorCode err = U_ZERO_ERROR;
    collator.reset(icu::Collator::createInstance(icu::Locale("vi"), err));
  });
  if (!collator) return std::string(s);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  std::lock_guard lock(mu);  // ICU collators are not thread-safe for getSortKey on one instance
  int32_t len = collator->getSortKey(u, nullptr, 0);
  std::string key(static_cast<size_t>(len), '\0');
  collator->getSortKey(u, reinterpret_cast<uint8_t*>(key.data()), len);
  if (!key.empty() && key.back() == '\0') key.pop_back();
  return key;
}

}  // namespace u5::text
