// Content codings of replies: which one a client accepts (Accept-Encoding,
// RFC 9110 §12.5.3), and gzip or brotli compression of a body, for the JSON
// API's larger answers (the web app's files are compressed at build time).
#pragma once
#include <string>
#include <string_view>

namespace u5::http {

enum class Coding { kIdentity, kGzip, kBrotli };

// The Content-Encoding token ("" for identity).
std::string_view CodingName(Coding c);

// The coding to answer with among those offered (identity always is), by
// the client's q-values: an explicit entry, else `*`, else identity only.
// Brotli wins a tie over gzip, and both over identity (smaller on the wire).
// When the client refuses everything offered, identity: a 406 would leave
// the web app blank for want of a header few clients ever send that way.
Coding Negotiate(std::string_view accept_encoding, bool gzip_offered, bool brotli_offered);

// Text that shrinks when compressed (JSON, text/*, SVG); not images, fonts,
// PDF or XLSX (already compressed) nor unknown binary types.
bool Compressible(std::string_view content_type);

std::string Gzip(std::string_view data, int level);
std::string Brotli(std::string_view data, int quality);

// Answers of the API at least this long are compressed when the client accepts it:
// below, the header and the CPU cost more than the bytes saved.
inline constexpr size_t kCompressMinBytes = 1024;

// The body compressed for the client (and its coding), or identity when the
// type is not compressible, the body is under kCompressMinBytes or the client
// accepts no coding we have.
struct Encoded {
  Coding coding = Coding::kIdentity;
  std::string body;
};
Encoded EncodeReply(std::string_view content_type, std::string body, std::string_view accept_encoding,
                    int brotli_quality = 4);

}  // namespace u5::http
