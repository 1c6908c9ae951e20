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

}  // namespace u5::text
