#include "fhir/elements.h"
#include "fhir/mapper.h"

namespace u5::fhir {

std::vector<Mapper> MotherMappers() { return {}; }

}  // namespace u5::fhir
