// Snapshot files: an engine's state written beside the database so that a
// start reads it instead of recomputing it from every record. A file is a
// header, then named sections, each with its CRC-32; it is written to a
// temporary name, synced and renamed, so a reader sees the old file or the new
// one whole. Anything that does not verify is refused, never half-read.
#pragma once
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/status.h"

namespace u5::snapshot {

// What a snapshot holds and what it reflects. A reader compares every field
// but `seq` with what it expects; `seq` is the change-log position
// (store::ChangeLogHead) up to which the state is current.
struct Header {
  std::string kind;     // "indicators", "care"
  uint32_t format = 0;  // the writer's layout version: bump it when a section's layout changes
  std::string inputs;   // a hash of what the state was computed from besides the records (catalogue, schedule)
  std::string db_id;    // the database the state was read from
  int64_t seq = 0;
};

class Writer {
 public:
  // Starts "<path>.tmp" (replacing a leftover one); the directory must exist.
  static Status Create(const std::string& path, const Header& header, std::unique_ptr<Writer>* out);
  ~Writer();  // without Commit, removes the temporary file
  // Appends a section; names are unique within a file.
  Status Section(std::string_view name, std::string_view bytes);
  // Syncs the file, renames it over `path` and syncs the directory.
  Status Commit();

 private:
  Writer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class Reader {
 public:
  // Reads the whole file and verifies its magic, length and every CRC.
  // NotFound when there is no file; Invalid (field "snapshot") naming what is
  // wrong when it is truncated, corrupt or of another byte order.
  static Status Open(const std::string& path, std::unique_ptr<Reader>* out);
  ~Reader();
  const Header& header() const { return header_; }
  // A section's bytes (valid while the reader lives); NotFound when absent.
  Status Section(std::string_view name, std::string_view* out) const;

 private:
  Reader() = default;
  Header header_;
  // The file, mapped read-only: sections are views into it, never copied.
  const char* map_ = nullptr;
  size_t size_ = 0;
  std::vector<std::pair<std::string, std::string_view>> sections_;
};

// Flat little-endian encoding of a section. Arrays of trivially copyable
// structs go in as their bytes, so a section's layout is its structs': change
// a struct, bump the format.
class Encoder {
 public:
  void U32(uint32_t v);
  void I64(int64_t v);
  void Str(std::string_view s);  // length, then bytes
  template <class T>
  void Pod(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    I64(static_cast<int64_t>(v.size()));
    bytes_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  const std::string& bytes() const { return bytes_; }
  std::string Take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

// Reads what an Encoder wrote. Every getter returns false (and leaves the
// decoder failed) when the bytes run out or a length is impossible, so a
// caller checks once at the end with ok().
class Decoder {
 public:
  explicit Decoder(std::string_view bytes) : rest_(bytes) {}
  bool U32(uint32_t* v);
  bool I64(int64_t* v);
  bool Str(std::string* s);
  template <class T>
  bool Pod(std::vector<T>* v) {
    static_assert(std::is_trivially_copyable_v<T>);
    int64_t n = 0;
    if (!I64(&n) || n < 0 || static_cast<uint64_t>(n) > rest_.size() / sizeof(T)) return Fail();
    v->resize(static_cast<size_t>(n));
    if (n) std::memcpy(v->data(), rest_.data(), static_cast<size_t>(n) * sizeof(T));
    rest_.remove_prefix(static_cast<size_t>(n) * sizeof(T));
    return true;
  }
  // True when nothing failed and every byte was read.
  bool done() const { return ok_ && rest_.empty(); }
  bool ok() const { return ok_; }

 private:
  bool Fail() {
    ok_ = false;
    return false;
  }
  std::string_view rest_;
  bool ok_ = true;
};

}  // namespace u5::snapshot
