#include "core/text.h"

#include <unicode/coll.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <cstdio>
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

namespace {

std::string Hex(UChar32 c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

bool IsBidiControl(UChar32 c) { return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069); }

// The character classes no text may hold; "" when `c` is fine.
std::string Forbidden(UChar32 c, bool allow_tab_newline) {
  if (allow_tab_newline && (c == '\t' || c == '\n')) return {};
  switch (u_charType(c)) {
    case U_CONTROL_CHAR: return "a control character (" + Hex(c) + ")";
    case U_UNASSIGNED: return "an unassigned code point or noncharacter (" + Hex(c) + ")";
    case U_PRIVATE_USE_CHAR: return "a private-use character (" + Hex(c) + ")";
    case U_SURROGATE: return "a surrogate (" + Hex(c) + ")";
    default: break;
  }
  if (IsBidiControl(c)) return "a bidirectional control (" + Hex(c) + ")";
  return {};
}

struct Spoof {
  USpoofChecker* sc = nullptr;
  Spoof() {
    UErrorCode err = U_ZERO_ERROR;
    sc = uspoof_open(&err);
    if (U_FAILURE(err)) {
      sc = nullptr;
      return;
    }
    // Latin alone, or Latin with Han/Japanese/Korean (UTS #39 5.2); never Latin with Cyrillic or Greek.
    uspoof_setRestrictionLevel(sc, USPOOF_HIGHLY_RESTRICTIVE);
    uspoof_setChecks(sc, USPOOF_RESTRICTION_LEVEL | USPOOF_INVISIBLE, &err);
    if (U_FAILURE(err)) {
      uspoof_close(sc);
      sc = nullptr;
    }
  }
};

}  // namespace

std::string TextProblem(std::string_view s) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return "is not valid UTF-8";
    if (std::string why = Forbidden(c, true); !why.empty()) return "contains " + why;
  }
  return {};
}

std::string NameProblem(std::string_view s) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  bool letter = false, first = true;
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return "is not valid UTF-8";
    if (std::string why = Forbidden(c, false); !why.empty()) return "contains " + why;
    const int8_t type = u_charType(c);
    if (type == U_FORMAT_CHAR) return "contains an invisible formatting character (" + Hex(c) + ")";
    if ((type == U_SPACE_SEPARATOR && c != ' ') || type == U_LINE_SEPARATOR || type == U_PARAGRAPH_SEPARATOR)
      return "contains a special space (" + Hex(c) + "); use an ordinary space";
    const bool mark = type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK || type == U_ENCLOSING_MARK;
    if (first && mark) return "begins with a combining mark (" + Hex(c) + ")";
    letter = letter || u_isalpha(c);
    first = false;
  }
  if (!letter) return "has no letter";
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  if (U_SUCCESS(err) && !nfkc->isNormalized(u, err) && U_SUCCESS(err))
    return "contains look-alike letters (full-width, mathematical or other compatibility forms); type ordinary letters";
  static const Spoof spoof;
  if (!spoof.sc) return {};
  err = U_ZERO_ERROR;
  const int32_t result = uspoof_check2UTF8(spoof.sc, s.data(), n, nullptr, &err);
  if (U_FAILURE(err)) return {};
  if (result & USPOOF_RESTRICTION_LEVEL) return "mixes letters of different scripts (e.g. Latin with Cyrillic or Greek look-alikes)";
  if (result & USPOOF_INVISIBLE) return "contains a repeated or hidden combining mark";
  return {};
}

}  // namespace u5::text
