#include "fhir/elements.h"
#include "fhir/mapper.h"

namespace u5::fhir {

std::vector<Mapper> ChildMappers() { return {}; }

}  // namespace u5::fhir
