// Vietnamese text: UTF-8 validation, NFC normalisation, folding for search
// ("Nguyễn Văn Đức" -> "nguyen van duc") and Vietnamese collation.
#pragma once
#include <string>
#include <string_view>

namespace u5::text {

bool IsValidUtf8(std::string_view s);
// NFC form of valid UTF-8 input; trims and collapses runs of white space.
std::string NormalizeName(std::string_view s);
std::string Nfc(std::string_view s);
// Lower case, no tone or vowel marks, đ -> d, whitespace collapsed.
std::string Fold(std::string_view s);
// Binary sort key under the Vietnamese collation (ICU "vi").
std::string VietnameseSortKey(std::string_view s);

// Why `s` (valid UTF-8, NFC, spaces collapsed) cannot be a name of a person or
// a place, or "" when it can. Refused: control, format (zero-width, bidi
// overrides, BOM), unassigned and noncharacters (U+FFFF), private use, spaces
// other than U+0020, a leading combining mark, no letter at all, compatibility
// look-alikes (full-width or mathematical letters: not NFKC-stable), and
// scripts mixed beyond ICU's highly restrictive level (Latin with Cyrillic or
// Greek; UTS #39). Every Vietnamese spelling, apostrophes and hyphens pass.
std::string NameProblem(std::string_view s);
// Why free text (notes, reasons) is refused, or "": control characters other
// than tab and newline, unassigned and noncharacters, private use, and the
// bidirectional controls that reorder what is displayed (U+202A-202E, U+2066-2069).
std::string TextProblem(std::string_view s);

}  // namespace u5::text
