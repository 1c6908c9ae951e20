// Outbound FHIR written as JSON text, member by member, instead of built as
// a DOM and dumped: a family's $everything is hundreds of resources, and the
// DOM's allocations and its dump were most of the answer's cost
// (docs/performance.md, FHIR). Inbound resources are still parsed to a DOM.
// Internal to src/fhir.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace u5::fhir {

using nlohmann::json;

// A JSON value already written as text: a Coding, a Reference, an object.
struct Element {
  std::string text;
  // Parsed, for the few answers still built as a DOM (MeasureReport).
  json ToJson() const;
};

// Appends `s` as a JSON string: quoted, escaped, invalid UTF-8 replaced by U+FFFD.
void AppendString(std::string& out, std::string_view s);
// Appends a registry value: a string as above, anything else as nlohmann writes it.
void AppendValue(std::string& out, const json& value);

// A JSON object written member by member, in order, into one buffer. Keys
// are under5's own constant names (ASCII, written unescaped); a key is
// written once. Close() hands the buffer over: the object is spent.
class Object {
 public:
  // `reserve`: the bytes expected, for one buffer from the start.
  explicit Object(size_t reserve = 128) { text_.reserve(reserve), text_ += '{'; }
  Object& Str(std::string_view key, std::string_view value);
  Object& Put(std::string_view key, const Element& value);
  Object& Value(std::string_view key, const json& value);  // a registry value (AppendValue)
  Object& Bool(std::string_view key, bool value);
  // {"reference": "<type>/<id>"}, written in place.
  Object& Ref(std::string_view key, std::string_view type, std::string_view id);
  bool empty() const { return text_.size() == 1; }
  // The members without braces, for a resource's head to precede them.
  std::string_view members() const { return std::string_view(text_).substr(1); }
  Element Close() {
    text_ += '}';
    return Element{std::move(text_)};
  }

 private:
  void Key(std::string_view key);
  std::string text_;
};

// A JSON array written item by item; Close() as Object's.
class Array {
 public:
  Array() { text_.reserve(128), text_ += '['; }
  Array& Add(const Element& item);
  Array& Str(std::string_view item);
  Array& Value(const json& item);
  bool empty() const { return text_.size() == 1; }
  Element Close() {
    text_ += ']';
    return Element{std::move(text_)};
  }

 private:
  void Next();
  std::string text_;
};

}  // namespace u5::fhir
