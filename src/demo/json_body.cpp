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
  Begin(key);
  Quote(arena_, v);
  End();
  return *this;
}

JsonBody& JsonBody::Int(std::string_view key, long long v) {
  Begin(key);
  char buf[24];
  auto [e, ec] = std::to_chars(buf, buf + sizeof buf, v);
  arena_.append(buf, e);
  End();
  return *this;
}

JsonBody& JsonBody::Num(std::string_view key, double v) {
  Begin(key);
  arena_ += FormatDouble(v);
  End();
  return *this;
}

JsonBody& JsonBody::Bool(std::string_view key, bool v) {
  Begin(key);
  arena_ += v ? "true" : "false";
  End();
  return *this;
}

JsonBody& JsonBody::StrList(std::string_view key, const std::vector<std::string_view>& v) {
  Begin(key);
  arena_.push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) arena_.push_back(',');
    Quote(arena_, v[i]);
  }
  arena_.push_back(']');
  End();
  return *this;
}

JsonBody& JsonBody::Raw(std::string_view key, std::string text) {
  Begin(key);
  arena_ += text;
  End();
  return *this;
}

bool JsonBody::Has(std::string_view key) const {
  for (const auto& f : fields_)
    if (f.key == key) return true;
  return false;
}

std::string JsonBody::Finish() {
  std::sort(fields_.begin(), fields_.end(), [](const Field& a, const Field& b) { return a.key < b.key; });
  std::string out;
  out.reserve(arena_.size() + fields_.size() * 16 + 2);
  out.push_back('{');
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i) out.push_back(',');
    Quote(out, fields_[i].key);
    out.push_back(':');
    out.append(arena_, fields_[i].off, fields_[i].len);
  }
  out.push_back('}');
  fields_.clear();
  arena_.clear();
  return out;
}

}  // namespace u5::demo
