// The ICD-10 code list the registry checks causes of death against: WHO's
// 3- and 4-character codes with their English titles (data/codes/icd10_who.tsv,
// source in data/codes/SOURCES.md), compiled in like the form definitions.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace u5::registry {

struct Icd10Code {
  std::string code;      // "O72.1", "A09"
  std::string title_en;  // WHO's English title
  std::string folded;    // code and title folded for search (core/text.h Fold)
};

class Icd10 {
 public:
  // The list compiled into the binary.
  static const Icd10& Builtin();
  // The code as written in the list (upper case, with its dot), or null.
  const Icd10Code* Find(std::string_view code) const;
  // Codes whose code starts with `q` (dot optional, any case), then codes whose
  // title holds every word of `q`, diacritics and case ignored; at most `limit`.
  std::vector<const Icd10Code*> Search(std::string_view q, size_t limit) const;
  size_t size() const { return codes_.size(); }

 private:
  std::vector<Icd10Code> codes_;  // in the list's (code) order
};

// Where the list comes from, for messages: "WHO ICD-10, 2010 edition".
extern const char* const kIcd10Source;

// Why `code` is not an acceptable ICD-10 code ("" when it is): "malformed" or
// not in the list. The field name starts the message, as the other field checks do.
std::string Icd10Problem(const std::string& field, std::string_view code);

}  // namespace u5::registry
