#include "store/change_waiter.h"

#include "store/pg_change_log.h"

namespace u5::store {

std::unique_ptr<ChangeWaiter> OpenChangeWaiter(const Location& where) {
  if (!where.postgres()) return nullptr;
  return std::make_unique<PgChangeWaiter>(where.target);
}

}  // namespace u5::store
