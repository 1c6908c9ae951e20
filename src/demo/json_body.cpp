#include "demo/json_body.h"

#include <algorithm>
#include <charconv>

namespace u5::demo {
namespace {

void Quote(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      // Generated text has no control characters; keep the escape for safety.
      static const char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

std::string FormatDouble(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, end);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

JsonBody& JsonBody::Str(std::string_view key, std::string_view v) {
  std::string s;
  s.reserve(v.size() + 2);
  Quote(s, v);
  fields_.emplace_back(key, std::move(s));
  return *this;
}

JsonBody& JsonBody::Int(std::string_view key, long long v) {
  fields_.emplace_back(key, std::to_string(v));
  return *this;
}

JsonBody& JsonBody::Num(std::string_view key, double v) {
  fields_.emplace_back(key, FormatDouble(v));
  return *this;
}

JsonBody& JsonBody::Bool(std::string_view key, bool v) {
  fields_.emplace_back(key, v ? "true" : "false");
  return *this;
}

JsonBody& JsonBody::StrList(std::string_view key, const std::vector<std::string_view>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s.push_back(',');
    Quote(s, v[i]);
  }
  s.push_back(']');
  fields_.emplace_back(key, std::move(s));
  return *this;
}

JsonBody& JsonBody::Raw(std::string_view key, std::string text) {
  fields_.emplace_back(key, std::move(text));
  return *this;
}

bool JsonBody::Has(std::string_view key) const {
  for (const auto& f : fields_)
    if (f.first == key) return true;
  return false;
}

std::string JsonBody::Finish() {
  std::sort(fields_.begin(), fields_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  size_t n = 2;
  for (const auto& f : fields_) n += f.first.size() + f.second.size() + 4;
  std::string out;
  out.reserve(n);
  out.push_back('{');
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i) out.push_back(',');
    Quote(out, fields_[i].first);
    out.push_back(':');
    out += fields_[i].second;
  }
  out.push_back('}');
  fields_.clear();
  return out;
}

}  // namespace u5::demo
