// Temporary: the PostgreSQL topic interfaces, org unit reader and history pass
// are i25-pgtopics' (pg_<topic>.cpp, pg_orgunits.cpp, pg_history.cpp). Until
// their branch is merged, these stand in so that PgStore links; each call
// fails. The integration deletes this file.
#include "store/aggregates.h"
#include "store/care_acks.h"
#include "store/emergencies.h"
#include "store/orgunit_writer.h"
#include "store/pg_history.h"
#include "store/pg_host.h"
#include "store/pg_orgunits.h"
#include "store/publications.h"
#include "store/signoffs.h"
#include "store/targets.h"

namespace u5::store {

std::unique_ptr<Aggregates> NewPgAggregates(PgHost&) { return nullptr; }
std::unique_ptr<Targets> NewPgTargets(PgHost&) { return nullptr; }
std::unique_ptr<Signoffs> NewPgSignoffs(PgHost&) { return nullptr; }
std::unique_ptr<CareAcks> NewPgCareAcks(PgHost&) { return nullptr; }
std::unique_ptr<Emergencies> NewPgEmergencies(PgHost&) { return nullptr; }
std::unique_ptr<Publications> NewPgPublications(PgHost&) { return nullptr; }
std::unique_ptr<OrgUnitWriter> NewPgOrgUnitWriter(PgHost&) { return nullptr; }
std::unique_ptr<OrgUnitReader> NewPgOrgUnitReader(std::function<Status(pg::Conn**)>) { return nullptr; }
Status PgForEachHistory(pg::Conn&, const HistoryQuery&, const HistoryFn&) {
  return Status::Internal("not yet on PostgreSQL");
}

}  // namespace u5::store
