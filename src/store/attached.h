// How a service that follows a store's changes (the indicator engine, the care
// engine) is found by the HTTP routes, queues the persons whose records changed,
// and stops hearing from the store once it is gone. One copy for every such
// service instead of one per module.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <utility>

#include "store/store.h"

namespace u5::store {

// The one service of type T attached to each store in this process.
template <class T>
class Attached {
 public:
  static void Set(Store& store, T* service) {
    std::lock_guard lock(Mu());
    Map()[&store] = service;
  }
  static T* For(Store& store) {
    std::lock_guard lock(Mu());
    auto it = Map().find(&store);
    return it == Map().end() ? nullptr : it->second;
  }
  // Called by the service's destructor: the routes must not find it any more.
  static void Forget(T* service) {
    std::lock_guard lock(Mu());
    for (auto it = Map().begin(); it != Map().end();) it = it->second == service ? Map().erase(it) : std::next(it);
  }

 private:
  // Never destroyed: services held in other statics (tests) are destroyed after
  // these would be, and their destructors still call Forget.
  static std::mutex& Mu() {
    static auto* m = new std::mutex;
    return *m;
  }
  static std::map<Store*, T*>& Map() {
    static auto* m = new std::map<Store*, T*>;
    return *m;
  }
};

// Subscribes `on_change` for as long as the returned flag is true. A store keeps
// its listeners for its whole life while a service may go first: the service
// sets the flag to false in its destructor.
inline std::shared_ptr<bool> SubscribeWhileAlive(Store& store, ChangeListener on_change) {
  auto alive = std::make_shared<bool>(true);
  store.Subscribe([weak = std::weak_ptr<bool>(alive), on_change = std::move(on_change)](const Change& c) {
    auto a = weak.lock();
    if (a && *a) on_change(c);
  });
  return alive;
}

// The persons whose records changed since a service last looked, queued by a
// store listener for as long as the queue lives. The service applies them
// before its next read, so a burst of writes (an import) costs one pass.
// An event moved to another person queues both. Thread-safe.
class ChangedPersons {
 public:
  explicit ChangedPersons(Store& store)
      : alive_(SubscribeWhileAlive(store, [this](const Change& c) { Add(c); })) {}
  ~ChangedPersons() { *alive_ = false; }
  ChangedPersons(const ChangedPersons&) = delete;

  size_t size() const {
    std::lock_guard lock(mu_);
    return ids_.size();
  }
  // The queue, leaving it empty.
  std::unordered_set<std::string> Take() {
    std::lock_guard lock(mu_);
    return std::exchange(ids_, {});
  }
  void Clear() { Take(); }

 private:
  void Add(const Change& c) {
    std::lock_guard lock(mu_);
    ids_.insert(c.after.is_person() ? c.after.id : c.after.person_id);
    if (c.before && !c.before->is_person() && c.before->person_id != c.after.person_id) ids_.insert(c.before->person_id);
  }

  mutable std::mutex mu_;
  std::unordered_set<std::string> ids_;
  std::shared_ptr<bool> alive_;  // declared last: the listener may run as soon as it is set
};

}  // namespace u5::store
