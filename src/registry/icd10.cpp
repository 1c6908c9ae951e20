#include "registry/icd10.h"

#include <algorithm>
#include <regex>
#include <sstream>

#include "core/text.h"

extern const char kIcd10WhoTsv[];

namespace u5::registry {

const char* const kIcd10Source = "WHO ICD-10, 2010 edition, data/codes/SOURCES.md";

namespace {

// "o721" or "O72.1" -> "O721": codes compare without their dot.
std::string Key(std::string_view code) {
  std::string k;
  for (char c : code)
    if (c != '.') k.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return k;
}

}  // namespace

const Icd10& Icd10::Builtin() {
  static const Icd10 list = [] {
    Icd10 l;
    std::istringstream in(kIcd10WhoTsv);
    std::string line;
    while (std::getline(in, line)) {
      const size_t tab = line.find('\t');
      if (tab == std::string::npos) continue;
      Icd10Code c{line.substr(0, tab), line.substr(tab + 1), {}};
      c.folded = text::Fold(c.code + " " + c.title_en);
      l.codes_.push_back(std::move(c));
    }
    std::sort(l.codes_.begin(), l.codes_.end(), [](const Icd10Code& a, const Icd10Code& b) { return a.code < b.code; });
    return l;
  }();
  return list;
}

const Icd10Code* Icd10::Find(std::string_view code) const {
  const std::string k = Key(code);
  // Sorted by code with its dot; without the dot the order is the same, as the dot always follows 3 characters.
  auto it = std::lower_bound(codes_.begin(), codes_.end(), k, [](const Icd10Code& c, const std::string& key) { return Key(c.code) < key; });
  return it != codes_.end() && Key(it->code) == k ? &*it : nullptr;
}

std::vector<const Icd10Code*> Icd10::Search(std::string_view q, size_t limit) const {
  std::vector<const Icd10Code*> out;
  const std::string k = Key(q);
  if (k.empty() || limit == 0) return out;
  for (const auto& c : codes_)
    if (Key(c.code).rfind(k, 0) == 0) {
      out.push_back(&c);
      if (out.size() == limit) return out;
    }
  std::vector<std::string> words;
  std::istringstream ws(text::Fold(q));
  for (std::string w; ws >> w;) words.push_back(w);
  if (words.empty()) return out;
  for (const auto& c : codes_) {
    if (std::find(out.begin(), out.end(), &c) != out.end()) continue;
    if (std::all_of(words.begin(), words.end(), [&](const std::string& w) { return c.folded.find(w) != std::string::npos; })) {
      out.push_back(&c);
      if (out.size() == limit) break;
    }
  }
  return out;
}

std::string Icd10Problem(const std::string& field, std::string_view code) {
  static const std::regex kShape("^[A-Z][0-9]{2}(\\.[0-9])?$");
  if (!std::regex_match(code.begin(), code.end(), kShape))
    return field + " is malformed: an ICD-10 code is a letter, two digits and an optional .digit, like A09 or P07.3";
  if (!Icd10::Builtin().Find(code)) return field + " " + std::string(code) + " is not in the ICD-10 list (" + kIcd10Source + ")";
  return {};
}

}  // namespace u5::registry
