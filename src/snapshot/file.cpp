#include "snapshot/file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace u5::snapshot {

// Layout: magic "U5SNAP01", u32 byte-order mark, u32 header length, header
// (kind, format, inputs, db_id, seq as an Encoder writes them), u32 header CRC;
// then sections: u32 name length, name, u64 byte count, bytes, u32 CRC of the
// name and bytes; then "END!" and u32 section count, so a file cut short at a
// section boundary is still caught.
namespace {
constexpr std::string_view kMagic = "U5SNAP01";
constexpr uint32_t kByteOrder = 0x01020304;
constexpr std::string_view kEnd = "END!";
static_assert(std::endian::native == std::endian::little, "snapshots are written little-endian");

uint32_t Crc(std::string_view a, std::string_view b = {}) {
  uLong c = crc32_z(0L, Z_NULL, 0);
  // A null buffer asks zlib for the initial value instead: an empty part is skipped.
  for (std::string_view part : {a, b})
    if (!part.empty()) c = crc32_z(c, reinterpret_cast<const Bytef*>(part.data()), part.size());
  return static_cast<uint32_t>(c);
}

template <class T>
void Append(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

Status Corrupt(const std::string& path, const std::string& what) {
  return Status::Invalid("snapshot", path + ": " + what);
}

Status SyncDir(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Status::Internal("open " + dir + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::Internal("fsync " + dir + ": " + std::strerror(errno));
}
}  // namespace

void Encoder::U32(uint32_t v) { Append(&bytes_, v); }
void Encoder::I64(int64_t v) { Append(&bytes_, v); }
void Encoder::Str(std::string_view s) {
  I64(static_cast<int64_t>(s.size()));
  bytes_.append(s);
}

bool Decoder::U32(uint32_t* v) {
  if (!ok_ || rest_.size() < sizeof *v) return Fail();
  std::memcpy(v, rest_.data(), sizeof *v);
  rest_.remove_prefix(sizeof *v);
  return true;
}
bool Decoder::I64(int64_t* v) {
  if (!ok_ || rest_.size() < sizeof *v) return Fail();
  std::memcpy(v, rest_.data(), sizeof *v);
  rest_.remove_prefix(sizeof *v);
  return true;
}
bool Decoder::Str(std::string* s) {
  int64_t n = 0;
  if (!I64(&n) || n < 0 || static_cast<uint64_t>(n) > rest_.size()) return Fail();
  s->assign(rest_.data(), static_cast<size_t>(n));
  rest_.remove_prefix(static_cast<size_t>(n));
  return true;
}

struct Writer::Impl {
  std::string path, tmp;
  int fd = -1;
  uint32_t sections = 0;
  bool committed = false;
  std::vector<std::string> names;

  Status Write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::Internal("write " + tmp + ": " + std::strerror(errno));
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }
};

Status Writer::Create(const std::string& path, const Header& header, std::unique_ptr<Writer>* out) {
  std::unique_ptr<Writer> w(new Writer());
  w->impl_ = std::make_unique<Impl>();
  Impl& im = *w->impl_;
  im.path = path;
  im.tmp = path + ".tmp";
  im.fd = ::open(im.tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (im.fd < 0) return Status::Internal("create " + im.tmp + ": " + std::strerror(errno));
  Encoder h;
  h.Str(header.kind);
  h.U32(header.format);
  h.Str(header.inputs);
  h.Str(header.db_id);
  h.I64(header.seq);
  std::string head(kMagic);
  Append(&head, kByteOrder);
  Append(&head, static_cast<uint32_t>(h.bytes().size()));
  head += h.bytes();
  Append(&head, Crc(h.bytes()));
  U5_RETURN_IF_ERROR(im.Write(head));
  *out = std::move(w);
  return Status::Ok();
}

Writer::~Writer() {
  if (!impl_) return;
  if (impl_->fd >= 0) ::close(impl_->fd);
  if (!impl_->committed) ::unlink(impl_->tmp.c_str());
}

Status Writer::Section(std::string_view name, std::string_view bytes) {
  Impl& im = *impl_;
  if (im.committed || im.fd < 0) return Status::Internal("snapshot " + im.path + " is already committed");
  for (const std::string& n : im.names)
    if (n == name) return Status::Internal("snapshot section " + std::string(name) + " written twice");
  im.names.emplace_back(name);
  std::string head;
  Append(&head, static_cast<uint32_t>(name.size()));
  head += name;
  Append(&head, static_cast<uint64_t>(bytes.size()));
  U5_RETURN_IF_ERROR(im.Write(head));
  U5_RETURN_IF_ERROR(im.Write(bytes));
  std::string tail;
  Append(&tail, Crc(name, bytes));
  ++im.sections;
  return im.Write(tail);
}

Status Writer::Commit() {
  Impl& im = *impl_;
  if (im.committed || im.fd < 0) return Status::Internal("snapshot " + im.path + " is already committed");
  std::string end(kEnd);
  Append(&end, im.sections);
  U5_RETURN_IF_ERROR(im.Write(end));
  if (::fsync(im.fd) != 0) return Status::Internal("fsync " + im.tmp + ": " + std::strerror(errno));
  ::close(im.fd);
  im.fd = -1;
  if (::rename(im.tmp.c_str(), im.path.c_str()) != 0)
    return Status::Internal("rename " + im.tmp + ": " + std::strerror(errno));
  im.committed = true;
  return SyncDir(im.path);
}

Status Reader::Open(const std::string& path, std::unique_ptr<Reader>* out) {
  std::unique_ptr<Reader> r(new Reader());
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no snapshot " + path, "snapshot");
    return Status::Internal("open " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Status::Internal("stat " + path + ": " + std::strerror(errno));
  }
  if (st.st_size > 0) {
    // Read once front to back (the checksums), so ask the kernel to read ahead.
    void* m = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (m == MAP_FAILED) {
      ::close(fd);
      return Status::Internal("mmap " + path + ": " + std::strerror(errno));
    }
    r->map_ = static_cast<const char*>(m);
    r->size_ = static_cast<size_t>(st.st_size);
  }
  ::close(fd);
  std::string_view rest(r->map_ ? r->map_ : "", r->size_);
  auto take = [&rest](size_t n, std::string_view* part) {
    if (rest.size() < n) return false;
    *part = rest.substr(0, n);
    rest.remove_prefix(n);
    return true;
  };
  auto take_u32 = [&](uint32_t* v) {
    std::string_view p;
    if (!take(sizeof *v, &p)) return false;
    std::memcpy(v, p.data(), sizeof *v);
    return true;
  };
  std::string_view magic, head;
  uint32_t order = 0, head_len = 0, head_crc = 0;
  if (!take(kMagic.size(), &magic) || magic != kMagic) return Corrupt(path, "not a snapshot file");
  if (!take_u32(&order) || order != kByteOrder) return Corrupt(path, "written on a machine of another byte order");
  if (!take_u32(&head_len) || !take(head_len, &head) || !take_u32(&head_crc)) return Corrupt(path, "truncated header");
  if (Crc(head) != head_crc) return Corrupt(path, "header checksum does not match");
  Decoder h(head);
  Header& hd = r->header_;
  h.Str(&hd.kind);
  h.U32(&hd.format);
  h.Str(&hd.inputs);
  h.Str(&hd.db_id);
  h.I64(&hd.seq);
  if (!h.done()) return Corrupt(path, "malformed header");
  uint32_t count = 0;
  while (true) {
    if (rest.substr(0, kEnd.size()) == kEnd) {
      rest.remove_prefix(kEnd.size());
      uint32_t n = 0;
      if (!take_u32(&n) || n != count || !rest.empty()) return Corrupt(path, "section count or end does not match");
      break;
    }
    uint32_t name_len = 0, crc = 0;
    std::string_view name, size_bytes, bytes;
    uint64_t size = 0;
    if (!take_u32(&name_len) || !take(name_len, &name) || !take(sizeof size, &size_bytes))
      return Corrupt(path, "truncated after " + std::to_string(count) + " sections");
    std::memcpy(&size, size_bytes.data(), sizeof size);
    if (size > rest.size() || !take(static_cast<size_t>(size), &bytes) || !take_u32(&crc))
      return Corrupt(path, "section " + std::string(name) + " is truncated");
    if (Crc(name, bytes) != crc) return Corrupt(path, "section " + std::string(name) + " checksum does not match");
    r->sections_.emplace_back(std::string(name), bytes);
    ++count;
  }
  *out = std::move(r);
  return Status::Ok();
}

Reader::~Reader() {
  if (map_) ::munmap(const_cast<char*>(map_), size_);
}

Status Reader::Section(std::string_view name, std::string_view* out) const {
  for (const auto& [n, bytes] : sections_)
    if (n == name) {
      *out = bytes;
      return Status::Ok();
    }
  return Status::NotFound("snapshot has no section " + std::string(name), "snapshot");
}

}  // namespace u5::snapshot
