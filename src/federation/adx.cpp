#include "federation/adx.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <cstdio>
#include <map>
#include <memory>

#include "report/render.h"

namespace u5::federation {
namespace {

std::string Attr(xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!v) return "";
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}

bool Named(xmlNode* n, const char* name) {
  return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

// libxml2 reports through a callback; the first message is the one we name.
void KeepFirstStructured(void* ctx, const xmlError* e) {
  auto* first = static_cast<std::string*>(ctx);
  if (first->empty() && e && e->message) {
    *first = "line " + std::to_string(e->line) + ": " + e->message;
    while (!first->empty() && (first->back() == '\n' || first->back() == ' ')) first->pop_back();
  }
}

bool WholeNumber(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 15) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string FormatValue(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

Status ParseAdx(std::string_view xml, const std::string& schema_path, AdxDocument* out) {
  *out = {};
  std::string why;
  // No network, no entity expansion: a pushed document cannot make us fetch or grow anything.
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "adx.xml", "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      &xmlFreeDoc);
  if (!doc) {
    const xmlError* e = xmlGetLastError();
    return Status::Invalid("adx", std::string("not well-formed XML") + (e && e->message ? ": " + std::string(e->message) : ""));
  }
  if (!schema_path.empty()) {
    std::unique_ptr<xmlSchemaParserCtxt, decltype(&xmlSchemaFreeParserCtxt)> pctx(
        xmlSchemaNewParserCtxt(schema_path.c_str()), &xmlSchemaFreeParserCtxt);
    if (!pctx) return Status::Internal("cannot read the ADX schema " + schema_path);
    std::unique_ptr<xmlSchema, decltype(&xmlSchemaFree)> schema(xmlSchemaParse(pctx.get()), &xmlSchemaFree);
    if (!schema) return Status::Internal("cannot parse the ADX schema " + schema_path);
    std::unique_ptr<xmlSchemaValidCtxt, decltype(&xmlSchemaFreeValidCtxt)> vctx(xmlSchemaNewValidCtxt(schema.get()),
                                                                                 &xmlSchemaFreeValidCtxt);
    xmlSchemaSetValidStructuredErrors(vctx.get(), [](void* c, xmlErrorPtr e) { KeepFirstStructured(c, e); }, &why);
    if (xmlSchemaValidateDoc(vctx.get(), doc.get()) != 0)
      return Status::Invalid("adx", "does not match the ADX schema: " + (why.empty() ? std::string("invalid") : why));
  }
  xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root || !Named(root, "adx")) return Status::Invalid("adx", "the root element must be <adx>");
  out->exported = Attr(root, "exported");
  for (xmlNode* g = root->children; g; g = g->next) {
    if (!Named(g, "group")) continue;
    AdxGroup group{Attr(g, "orgUnit"), Attr(g, "period"), Attr(g, "dataSet"), {}};
    for (xmlNode* v = g->children; v; v = v->next)
      if (Named(v, "dataValue")) group.values.push_back({Attr(v, "dataElement"), Attr(v, "value")});
    out->groups.push_back(std::move(group));
  }
  if (out->groups.empty()) return Status::Invalid("adx", "no <group>");
  return Status::Ok();
}

Status AdxMonth(const std::string& period, std::string* month) {
  // YYYY-MM-01/P1M: a calendar month, the only period a push carries.
  if (period.size() != 14 || period.compare(7, 7, "-01/P1M") != 0 || period[4] != '-')
    return Status::Invalid("period", "a push carries calendar months (YYYY-MM-01/P1M), not '" + period + "'");
  const std::string m = period.substr(0, 7);
  for (int i : {0, 1, 2, 3, 5, 6})
    if (m[i] < '0' || m[i] > '9') return Status::Invalid("period", "not a month: '" + period + "'");
  const int mm = std::stoi(m.substr(5, 2));
  if (mm < 1 || mm > 12) return Status::Invalid("period", "not a month: '" + period + "'");
  *month = m;
  return Status::Ok();
}

Status GroupValues(const indicator::Catalogue& cat, const AdxGroup& g, std::vector<store::NationalValue>* out) {
  out->clear();
  std::map<std::string, const indicator::Indicator*> by_code;
  for (const auto& ind : cat.indicators()) by_code[report::DataElementCode(ind.id, "")] = &ind;
  struct Parts {
    bool num = false, den = false;
    store::NationalValue v;
  };
  std::map<std::string, Parts> parts;
  for (const AdxValue& dv : g.values) {
    const size_t cut = dv.data_element.rfind('_');
    const std::string base = cut == std::string::npos ? "" : dv.data_element.substr(0, cut + 1);
    const std::string part = cut == std::string::npos ? "" : dv.data_element.substr(cut + 1);
    auto it = by_code.find(base);
    if (it == by_code.end() || (part != "NUM" && part != "DEN" && part != "VAL"))
      return Status::Invalid("dataElement", "unknown data element '" + dv.data_element + "' (orgUnit " + g.orgunit + ")");
    Parts& p = parts[it->second->id];
    p.v.orgunit = g.orgunit;
    p.v.indicator = it->second->id;
    if (part == "VAL") {
      char* end = nullptr;
      const double d = std::strtod(dv.value.c_str(), &end);
      if (dv.value.empty() || *end != '\0' || !(d >= 0))
        return Status::Invalid("value", dv.data_element + ": not a non-negative number '" + dv.value + "'");
      p.v.value = FormatValue(d);
      continue;
    }
    int64_t n = 0;
    if (!WholeNumber(dv.value, &n))
      return Status::Invalid("value", dv.data_element + ": a count must be a whole non-negative number, not '" + dv.value + "'");
    (part == "NUM" ? p.num : p.den) = true;
    (part == "NUM" ? p.v.num : p.v.den) = n;
  }
  for (auto& [id, p] : parts) {
    if (!p.num || !p.den)
      return Status::Invalid("dataElement", "indicator " + id + " of orgUnit " + g.orgunit + " needs both _NUM and _DEN");
    out->push_back(std::move(p.v));
  }
  return Status::Ok();
}

}  // namespace u5::federation
