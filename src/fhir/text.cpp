#include "fhir/text.h"

#include <charconv>

namespace u5::fhir {
namespace {

// The length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlong
// forms, no surrogates, nothing past U+10FFFF), or 0 when it is not one.
size_t Utf8Length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  auto cont = [&](size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && b(1) > 0x9F) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && b(1) > 0x8F) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

json Element::ToJson() const { return json::parse(text); }

void AppendString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (const size_t n = Utf8Length(s, i)) {
        i += n;
        continue;
      }
    }
    out.append(s.substr(run, i - run));
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += "\xEF\xBF\xBD";  // U+FFFD for a byte that starts no valid sequence
        }
    }
    run = ++i;
  }
  out.append(s.substr(run));
  out += '"';
}

void AppendValue(std::string& out, const json& value) {
  switch (value.type()) {
    case json::value_t::string: AppendString(out, value.get_ref<const std::string&>()); return;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: {
      char buf[24];
      const auto [end, ec] = value.is_number_unsigned()
                                 ? std::to_chars(buf, buf + sizeof buf, value.get<uint64_t>())
                                 : std::to_chars(buf, buf + sizeof buf, value.get<int64_t>());
      out.append(buf, end);
      return;
    }
    case json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
    default: out += value.dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

void Object::Key(std::string_view key) {
  if (!empty()) text_ += ',';
  text_ += '"';
  text_ += key;
  text_ += "\":";
}

Object& Object::Str(std::string_view key, std::string_view value) {
  Key(key);
  AppendString(text_, value);
  return *this;
}

Object& Object::Put(std::string_view key, const Element& value) {
  Key(key);
  text_ += value.text;
  return *this;
}

Object& Object::Value(std::string_view key, const json& value) {
  Key(key);
  AppendValue(text_, value);
  return *this;
}

Object& Object::Bool(std::string_view key, bool value) {
  Key(key);
  text_ += value ? "true" : "false";
  return *this;
}

Object& Object::Ref(std::string_view key, std::string_view type, std::string_view id) {
  Key(key);
  text_ += "{\"reference\":";
  std::string ref;
  ref.reserve(type.size() + id.size() + 1);
  ref += type;
  ref += '/';
  ref += id;
  AppendString(text_, ref);
  text_ += '}';
  return *this;
}

void Array::Next() {
  if (!empty()) text_ += ',';
}

Array& Array::Add(const Element& item) {
  Next();
  text_ += item.text;
  return *this;
}

Array& Array::Str(std::string_view item) {
  Next();
  AppendString(text_, item);
  return *this;
}

Array& Array::Value(const json& item) {
  Next();
  AppendValue(text_, item);
  return *this;
}

}  // namespace u5::fhir
