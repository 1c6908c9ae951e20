// A small synchronous HTTP/1.1 client (Boost.Beast) for tests against a real
// server on loopback. One connection a request, so a killed server never
// leaves a half-used connection behind.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace u5::test {

struct HttpResponse {
  int status = 0;            // 0 when no response was read (see error)
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string error;         // transport error, if any
  nlohmann::json Json() const;  // discarded value when the body is not JSON
  std::string Header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  explicit HttpClient(int port) : port_(port) {}
  HttpResponse Request(const std::string& method, const std::string& target, const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {});
  HttpResponse Get(const std::string& target) { return Request("GET", target); }
  HttpResponse Post(const std::string& target, const nlohmann::json& body) { return Request("POST", target, body.dump()); }
  HttpResponse Put(const std::string& target, const nlohmann::json& body, const std::string& if_match);
  // Logs in and keeps the token for later requests; false on any failure.
  bool Login(const std::string& username, const std::string& password);
  void set_token(std::string t) { token_ = std::move(t); }
  const std::string& token() const { return token_; }

 private:
  int port_;
  std::string token_;
};

// Percent-encodes a query value.
std::string UrlEncode(const std::string& s);

}  // namespace u5::test
