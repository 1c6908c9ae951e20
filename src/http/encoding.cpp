#include "http/encoding.h"

#include <brotli/encode.h>
#include <zlib.h>

#include <cctype>
#include <stdexcept>

namespace u5::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// A qvalue ("0", "0.5", "1", "1.000"), in thousandths; -1 when malformed.
int ParseQ(std::string_view v) {
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return -1;
  int q = (v[0] - '0') * 1000;
  if (v.size() == 1) return q;
  if (v[1] != '.' || v.size() > 5) return -1;
  int scale = 100;
  for (size_t i = 2; i < v.size(); ++i, scale /= 10) {
    if (!std::isdigit(static_cast<unsigned char>(v[i]))) return -1;
    q += (v[i] - '0') * scale;
  }
  return q > 1000 ? -1 : q;
}

}  // namespace

std::string_view CodingName(Coding c) {
  switch (c) {
    case Coding::kGzip: return "gzip";
    case Coding::kBrotli: return "br";
    case Coding::kIdentity: break;
  }
  return "";
}

Coding Negotiate(std::string_view header, bool gzip_offered, bool brotli_offered) {
  // -1: not named in the header.
  int q_br = -1, q_gz = -1, q_id = -1, q_star = -1;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view item = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (item.empty()) continue;
    const size_t semi = item.find(';');
    const std::string_view token = Trim(item.substr(0, semi));
    int q = 1000;
    if (semi != std::string_view::npos) {
      const std::string_view param = Trim(item.substr(semi + 1));
      if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;  // not a qvalue: ignore
      q = ParseQ(Trim(param.substr(2)));
      if (q < 0) continue;
    }
    if (IEquals(token, "br")) q_br = q;
    else if (IEquals(token, "gzip") || IEquals(token, "x-gzip")) q_gz = q;
    else if (IEquals(token, "identity")) q_id = q;
    else if (token == "*") q_star = q;
  }
  auto eff = [&](int q, bool identity) { return q >= 0 ? q : q_star >= 0 ? q_star : identity ? 1 : 0; };
  const int br = brotli_offered ? eff(q_br, false) : 0;
  const int gz = gzip_offered ? eff(q_gz, false) : 0;
  const int id = eff(q_id, true);
  if (br > 0 && br >= gz && br >= id) return Coding::kBrotli;
  if (gz > 0 && gz >= id) return Coding::kGzip;
  return Coding::kIdentity;
}

bool Compressible(std::string_view type) {
  type = Trim(type.substr(0, type.find(';')));
  auto starts = [&](std::string_view p) { return type.size() >= p.size() && IEquals(type.substr(0, p.size()), p); };
  return starts("text/") || IEquals(type, "application/json") || IEquals(type, "application/fhir+json") ||
         IEquals(type, "application/javascript") ||
         IEquals(type, "image/svg+xml") || IEquals(type, "application/xml") || IEquals(type, "application/manifest+json");
}

std::string Gzip(std::string_view data, int level) {
  z_stream z{};
  // 15 + 16: the largest window, with a gzip header and trailer rather than zlib's.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflateInit2");
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate");
  return out;
}

std::string Brotli(std::string_view data, int quality) {
  size_t n = BrotliEncoderMaxCompressedSize(data.size());
  std::string out(n, '\0');
  if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, data.size(),
                             reinterpret_cast<const uint8_t*>(data.data()), &n, reinterpret_cast<uint8_t*>(out.data())))
    throw std::runtime_error("BrotliEncoderCompress");
  out.resize(n);
  return out;
}

Encoded EncodeReply(std::string_view content_type, std::string body, std::string_view accept_encoding, int brotli_quality) {
  Encoded e;
  if (body.size() >= kCompressMinBytes && Compressible(content_type)) e.coding = Negotiate(accept_encoding, true, true);
  // Brotli at quality 4 and gzip at 6: a week's worklist (hundreds of kB) compresses in a few
  // milliseconds; the highest levels take ten times longer for a few per cent less. A route
  // whose answers are large and cross a slow line asks for more (Response::brotli_quality).
  if (e.coding == Coding::kBrotli) e.body = Brotli(body, brotli_quality);
  else if (e.coding == Coding::kGzip) e.body = Gzip(body, 6);
  else e.body = std::move(body);
  return e;
}

}  // namespace u5::http
