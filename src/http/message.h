// What every route reads and answers: the request, the response, the audit
// note a handler attaches, and the JSON replies with one shape for errors
// everywhere ({"error": code, "message": ..., "field": ...}). Depends on core
// only, so every module can write routes without knowing the server.
#pragma once
#include <cmath>
#include <functional>
#include <memory>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json_body.h"
#include "core/status.h"

namespace u5::http {

struct Request {
  std::string method;   // "GET", "POST", ...
  std::string path;     // without the query string, percent-decoded
  std::map<std::string, std::string> query;
  std::string authorization, cookie, if_match, content_type, origin;
  std::string host;     // the Host header, for the cookie sessions' Origin check
  std::string body;
  std::string remote;   // client address
  bool secure = false;  // reached over TLS, directly or through a trusted proxy: cookies get Secure
  // Last, so that positional initialisers of the fields above stay right.
  std::string raw_query;  // as sent, after '?': FHIR search repeats parameters (date=ge..&date=le..)
  std::string if_none_exist;  // FHIR conditional create: "identifier=system|value"
};

// What an answer disclosed or refused, for the audit trail: a handler fills it
// and the dispatcher appends exactly one entry for the answer (never sent).
struct AuditNote {
  std::string action = "read";        // read, read_denied, write_denied, or the write's action
  std::string via;                    // list, search, worklist, alerts, due, ...
  std::vector<std::string> records;   // the person-level records returned: detail.records
  std::string record_type, record_id, orgunit;  // the one record or org unit concerned
  std::vector<std::pair<std::string, std::string>> detail;  // more detail fields (text)
};

// A streaming answer (server-sent events): after the head the server sends
// whatever Take hands it, each time the source calls `wake` (from any thread),
// until Take says the stream is over or the client goes. Modules implement it;
// the server knows only this.
class StreamSource {
 public:
  virtual ~StreamSource() = default;
  // Called once by the server before the first Take.
  virtual void Start(std::function<void()> wake) = 0;
  // Moves what is queued into *out (maybe nothing); false: end the stream now.
  virtual bool Take(std::string* out) = 0;
  // The connection is gone (client left, too slow, server stopping): no more wakes.
  virtual void Stop() = 0;
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;
  std::optional<AuditNote> audit;
  // Set: the answer is a stream of `content_type` (body unused) for as long as it lasts.
  std::shared_ptr<StreamSource> stream;
  // Brotli's quality when the client takes brotli: the API's 4, higher where an answer is large
  // and crosses a slow line (the sync feed, docs/performance.md).
  int brotli_quality = 4;
};

inline Response JsonReply(int status, const nlohmann::json& j) {
  Response r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

// A 422 also lists its faulty fields as `errors: [{field, reason}]`: `all` when
// the caller checked several (registry::Validate), else the one `st` names.
// The top-level fields stay those of the first, for clients that read one.
inline Response FieldErrorsReply(const Status& st, const std::vector<Status>& all) {
  nlohmann::json j = {{"error", st.code_name()}, {"message", st.message()}};
  if (!st.field().empty()) j["field"] = st.field();
  if (st.code() == Code::invalid && !st.field().empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const Status& e : all.empty() ? std::vector<Status>{st} : all)
      list.push_back({{"field", e.field()}, {"reason", e.message()}});
    j["errors"] = std::move(list);
  }
  return JsonReply(st.http_status(), j);
}

inline Response ErrorReply(const Status& st) { return FieldErrorsReply(st, {}); }

// FHIR's answer for an error (docs/fhir.md): an OperationOutcome with one
// issue per (element, text), its code from the HTTP status. The API turns
// every JSON error of a FHIR path into one (api.cpp); a Bundle's entries use
// it for their own outcomes.
inline nlohmann::json FhirOutcome(int http_status, const std::vector<std::pair<std::string, std::string>>& issues) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [element, text] : issues) {
    const char* code = "processing";
    switch (http_status) {
      case 401: code = "security"; break;
      case 403: code = "forbidden"; break;
      case 404: case 410: code = "not-found"; break;
      case 405: case 415: code = "not-supported"; break;
      case 409: case 412: code = "conflict"; break;
      case 400: case 422: code = text.ends_with(" is required") ? "required" : "invalid"; break;
    }
    nlohmann::json i = {{"severity", "error"}, {"code", code}, {"diagnostics", text}};
    if (!element.empty()) i["expression"] = nlohmann::json::array({element});
    list.push_back(std::move(i));
  }
  return {{"resourceType", "OperationOutcome"}, {"issue", std::move(list)}};
}

inline nlohmann::json FhirOutcome(const Status& st) { return FhirOutcome(st.http_status(), {{st.field(), st.message()}}); }

// The one parser of request bodies (core/json_body.h).
using ::u5::ParseJsonObject;

// Reads b[k] as text: absent or null leaves *out as it is; any other type is
// 422 naming the field.
inline Status OptionalText(const nlohmann::json& b, const char* k, std::string* out) {
  auto it = b.find(k);
  if (it == b.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return Status::Invalid(k, std::string(k) + " must be a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

// Reads b[k] as a finite number: absent or null leaves *out empty; any other
// type is 422 naming the field.
inline Status OptionalNumber(const nlohmann::json& b, const char* k, std::optional<double>* out) {
  auto it = b.find(k);
  if (it == b.end() || it->is_null()) return Status::Ok();
  if (!it->is_number()) return Status::Invalid(k, std::string(k) + " must be a number");
  const double d = it->get<double>();
  if (!std::isfinite(d)) return Status::Invalid(k, std::string(k) + " must be a finite number");
  *out = d;
  return Status::Ok();
}

// The query parameter, or "" when absent.
inline std::string QueryParam(const Request& req, const char* key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

}  // namespace u5::http
