// How a service that follows a store's changes (the indicator engine, the care
// engine) is found by the HTTP routes and stops hearing from the store once it is
// gone. One copy for every such service instead of one per module.
#pragma once
#include <map>
#include <memory>
#include <mutex>

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

}  // namespace u5::store
