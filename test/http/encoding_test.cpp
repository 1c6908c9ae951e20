// Content codings: Accept-Encoding negotiation by q-values, which replies are
// compressed, and a round trip through the real decoders equal to the original.
#include "http/encoding.h"

#include <brotli/decode.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace u5::http {
namespace {

std::string Gunzip(const std::string& in) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);  // gzip framing only
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

std::string Unbrotli(const std::string& in) {
  std::string out(1 << 20, '\0');
  size_t n = out.size();
  EXPECT_EQ(BrotliDecoderDecompress(in.size(), reinterpret_cast<const uint8_t*>(in.data()), &n,
                                    reinterpret_cast<uint8_t*>(out.data())),
            BROTLI_DECODER_RESULT_SUCCESS);
  out.resize(n);
  return out;
}

struct Case {
  const char* header;
  Coding both;       // gzip and brotli offered
  Coding gzip_only;  // only gzip offered
};

const Case kCases[] = {
    {"", Coding::kIdentity, Coding::kIdentity},  // absent or empty: identity only
    {"gzip, deflate, br", Coding::kBrotli, Coding::kGzip},
    {"gzip, deflate, br, zstd", Coding::kBrotli, Coding::kGzip},  // Chromium's
    {"gzip", Coding::kGzip, Coding::kGzip},
    {"GZip", Coding::kGzip, Coding::kGzip},
    {"x-gzip", Coding::kGzip, Coding::kGzip},
    {"br", Coding::kBrotli, Coding::kIdentity},
    {"br;q=0.5, gzip;q=0.8", Coding::kGzip, Coding::kGzip},
    {"br;q=1.0, gzip;q=1", Coding::kBrotli, Coding::kGzip},  // a tie goes to brotli
    {"br ; q=0.9 , gzip ; q=0.3", Coding::kBrotli, Coding::kGzip},
    {"br;q=0, gzip", Coding::kGzip, Coding::kGzip},
    {"gzip;q=0", Coding::kIdentity, Coding::kIdentity},
    {"*", Coding::kBrotli, Coding::kGzip},
    {"*;q=0.5, br;q=0", Coding::kGzip, Coding::kGzip},
    {"*;q=0", Coding::kIdentity, Coding::kIdentity},  // refuses all: identity rather than 406
    {"identity;q=1, gzip;q=0.5", Coding::kIdentity, Coding::kIdentity},
    {"identity;q=0, gzip;q=0.1", Coding::kGzip, Coding::kGzip},
    {"identity", Coding::kIdentity, Coding::kIdentity},
    {"deflate, compress", Coding::kIdentity, Coding::kIdentity},
    // Malformed q-values drop their element, not the header.
    {"br;q=2, gzip", Coding::kGzip, Coding::kGzip},
    {"br;q=abc, gzip;q=0.5", Coding::kGzip, Coding::kGzip},
    {"br;q=0.12345", Coding::kIdentity, Coding::kIdentity},
    {"br;level=3", Coding::kIdentity, Coding::kIdentity},
    {",,, ,gzip,", Coding::kGzip, Coding::kGzip},
};

TEST(Encoding, NegotiatesByQValues) {
  for (const Case& c : kCases) {
    EXPECT_EQ(Negotiate(c.header, true, true), c.both) << c.header;
    EXPECT_EQ(Negotiate(c.header, true, false), c.gzip_only) << c.header;
    EXPECT_EQ(Negotiate(c.header, false, false), Coding::kIdentity) << c.header;
  }
}

TEST(Encoding, CompressibleTypes) {
  for (const char* t : {"application/json", "application/json; charset=utf-8", "text/csv; charset=utf-8", "text/html",
                        "image/svg+xml", "text/javascript; charset=utf-8"})
    EXPECT_TRUE(Compressible(t)) << t;
  // Already compressed, or binary.
  for (const char* t : {"application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "image/png",
                        "font/woff2", "application/octet-stream", "application/zip", ""})
    EXPECT_FALSE(Compressible(t)) << t;
}

std::string Json(size_t n) {
  std::string s = "{\"items\":[";
  while (s.size() < n) s += "{\"person_id\":\"0190a1b2\",\"full_name\":\"Nguyễn Văn An\",\"due\":\"2026-12-07\"},";
  s.back() = ']';
  return s + "}";
}

TEST(Encoding, RoundTripEqualsTheOriginal) {
  const std::string body = Json(200000);
  const Encoded br = EncodeReply("application/json", body, "gzip, deflate, br");
  ASSERT_EQ(br.coding, Coding::kBrotli);
  EXPECT_LT(br.body.size(), body.size() / 10);
  EXPECT_EQ(Unbrotli(br.body), body);
  const Encoded gz = EncodeReply("application/json", body, "gzip");
  ASSERT_EQ(gz.coding, Coding::kGzip);
  EXPECT_LT(gz.body.size(), body.size() / 5);
  EXPECT_EQ(Gunzip(gz.body), body);
  EXPECT_EQ(Gunzip(Gzip("", 6)), "");
  EXPECT_EQ(Unbrotli(Brotli("", 4)), "");
}

TEST(Encoding, OnlyCompressibleRepliesAboveTheThreshold) {
  const std::string small = Json(kCompressMinBytes - 100).substr(0, kCompressMinBytes - 1);
  const std::string big = Json(kCompressMinBytes + 10).substr(0, kCompressMinBytes);
  EXPECT_EQ(EncodeReply("application/json", small, "br").coding, Coding::kIdentity);
  EXPECT_EQ(EncodeReply("application/json", small, "br").body, small);
  EXPECT_EQ(EncodeReply("application/json", big, "br").coding, Coding::kBrotli);
  EXPECT_EQ(EncodeReply("application/pdf", Json(50000), "br, gzip").coding, Coding::kIdentity);
  EXPECT_EQ(EncodeReply("application/json", big, "").coding, Coding::kIdentity);
  EXPECT_EQ(EncodeReply("application/json", big, "").body, big);
}

}  // namespace
}  // namespace u5::http
