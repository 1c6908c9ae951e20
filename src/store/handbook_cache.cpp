#include "store/handbook_cache.h"

#include <string_view>
#include <unordered_set>

namespace u5::store {

std::shared_ptr<const HandbookCache::Book> HandbookCache::FindBook(const std::string& person_id, uint64_t* generation) const {
  std::shared_lock lock(mu_);
  *generation = generation_;
  auto it = books_.find(person_id);
  return it == books_.end() ? nullptr : it->second;
}

void HandbookCache::PutBook(const std::string& person_id, std::shared_ptr<const Book> book, uint64_t generation) {
  Put(books_, person_id, std::move(book), generation);
}

std::shared_ptr<const std::vector<Record>> HandbookCache::FindChildren(const std::string& mother_id,
                                                                      uint64_t* generation) const {
  std::shared_lock lock(mu_);
  *generation = generation_;
  auto it = children_.find(mother_id);
  return it == children_.end() ? nullptr : it->second;
}

void HandbookCache::PutChildren(const std::string& mother_id, std::shared_ptr<const std::vector<Record>> kids,
                                uint64_t generation) {
  Put(children_, mother_id, std::move(kids), generation);
}

template <class Map, class V>
void HandbookCache::Put(Map& map, const std::string& key, V value, uint64_t generation) {
  if (capacity_ == 0) return;
  std::unique_lock lock(mu_);
  // A write was forgotten since the reader looked: what it read may predate that write.
  if (generation != generation_) return;
  // Full: any one entry makes room; a handbook read again is read from the database again.
  if (map.size() >= capacity_ && !map.count(key)) map.erase(map.begin());
  map[key] = std::move(value);
}

void HandbookCache::Forget(const Record* before, const Record& after) {
  std::unique_lock lock(mu_);
  ++generation_;
  if (!after.is_person()) {
    books_.erase(after.person_id);
    if (before && before->person_id != after.person_id) books_.erase(before->person_id);
    return;
  }
  // The person's own book; the books that show her as the mother; the lists she
  // is a child in, before and after (a new mother, a deletion, a new name or birth date).
  books_.erase(after.id);
  for (auto it = books_.begin(); it != books_.end();)
    it = it->second->person.mother_id == after.id ? books_.erase(it) : std::next(it);
  if (after.mother_id) children_.erase(*after.mother_id);
  if (before && before->mother_id) children_.erase(*before->mother_id);
}

void HandbookCache::ForgetPersons(const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  std::unordered_set<std::string_view> gone(ids.begin(), ids.end());
  std::unique_lock lock(mu_);
  ++generation_;
  for (auto it = books_.begin(); it != books_.end();) {
    const Record& p = it->second->person;
    it = gone.contains(p.id) || (p.mother_id && gone.contains(*p.mother_id)) ? books_.erase(it) : std::next(it);
  }
  for (auto it = children_.begin(); it != children_.end();) {
    bool hit = gone.contains(it->first);
    for (const Record& kid : *it->second) hit = hit || gone.contains(kid.id);
    it = hit ? children_.erase(it) : std::next(it);
  }
}

void HandbookCache::Clear() {
  std::unique_lock lock(mu_);
  ++generation_;
  books_.clear();
  children_.clear();
}

}  // namespace u5::store
