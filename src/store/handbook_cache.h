// Recently read handbooks (a person, their live events, their mother) and
// children lists, kept by the SQLite store so that the most read page
// (GET /persons/{id}/handbook) is answered without a read transaction and a
// dozen B-tree seeks each time.
//
// Never stale for a read that begins after a write returned: every committed
// write of a person or an event is forgotten here before the store's write
// call returns (SqliteStore::Notify, and the bulk writer's commit forgets
// everything), and a reader's fill is dropped when anything was forgotten since
// it looked (the generation), so an entry read from a snapshot older than a
// write cannot outlive that write's Forget. Another process's writes to the
// same file are learnt from the change log (ForgetPersons), within a second.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/store.h"

namespace u5::store {

class HandbookCache {
 public:
  using Book = PersonBook;

  // Each of the two maps holds at most `capacity` entries; 0 turns the cache off.
  explicit HandbookCache(size_t capacity) : capacity_(capacity) {}

  // The book of `person_id`, or null; *generation is what PutBook is to be given.
  std::shared_ptr<const Book> FindBook(const std::string& person_id, uint64_t* generation) const;
  void PutBook(const std::string& person_id, std::shared_ptr<const Book> book, uint64_t generation);
  // The live children of one mother, in Children's order, or null.
  std::shared_ptr<const std::vector<Record>> FindChildren(const std::string& mother_id, uint64_t* generation) const;
  void PutChildren(const std::string& mother_id, std::shared_ptr<const std::vector<Record>> kids, uint64_t generation);

  // A committed write of `after` (its prior state `before`, when it had one).
  void Forget(const Record* before, const Record& after);
  // Persons written by another process (the change log names them, not what changed):
  // their books, the books showing them as the mother, the lists they are in.
  void ForgetPersons(const std::vector<std::string>& ids);
  void Clear();

 private:
  template <class Map, class V>
  void Put(Map& map, const std::string& key, V value, uint64_t generation);

  const size_t capacity_;
  mutable std::shared_mutex mu_;
  uint64_t generation_ = 0;  // under mu_: bumped by every Forget and Clear
  std::unordered_map<std::string, std::shared_ptr<const Book>> books_;
  std::unordered_map<std::string, std::shared_ptr<const std::vector<Record>>> children_;
};

}  // namespace u5::store
