#include "federation/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace u5::federation {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

Status Client::Make(const std::string& url, Client* out) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0)
    return Status::Invalid("--to", "the national server's URL must start with http:// (put HTTPS in a local proxy)");
  std::string rest = url.substr(scheme.size());
  rest = rest.substr(0, rest.find('/'));
  const size_t colon = rest.rfind(':');
  out->host_ = colon == std::string::npos ? rest : rest.substr(0, colon);
  out->port_ = colon == std::string::npos ? "80" : rest.substr(colon + 1);
  if (out->host_.empty() || out->port_.empty()) return Status::Invalid("--to", "no host in '" + url + "'");
  return Status::Ok();
}

Status Client::Request(const std::string& method, const std::string& target, const std::string& json_body,
                       HttpReply* out) const {
  *out = {};
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.expires_after(std::chrono::seconds(120));
  asio::ip::tcp::resolver resolver(ioc);
  auto endpoints = resolver.resolve(host_, port_, ec);
  if (!ec) stream.connect(endpoints, ec);
  if (ec) return Status::Internal("cannot reach " + host_ + ":" + port_ + ": " + ec.message());
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, host_);
  req.set(bhttp::field::connection, "close");
  if (!token_.empty()) req.set(bhttp::field::authorization, "Bearer " + token_);
  if (!json_body.empty()) req.set(bhttp::field::content_type, "application/json");
  req.body() = json_body;
  req.prepare_payload();
  bhttp::write(stream, req, ec);
  beast::flat_buffer buf;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  bhttp::read(stream, buf, parser, ec);
  if (ec && !parser.is_header_done()) return Status::Internal("no answer from " + host_ + ":" + port_ + ": " + ec.message());
  out->status = static_cast<int>(parser.get().result_int());
  out->body = parser.get().body();
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  return Status::Ok();
}

}  // namespace u5::federation
