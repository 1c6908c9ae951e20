#include "fhir/mapper.h"

namespace u5::fhir {

const std::vector<Mapper>& Mappers() {
  static const std::vector<Mapper> all = [] {
    std::vector<Mapper> out;
    for (std::vector<Mapper> part : {MotherMappers(), ChildMappers()})
      for (Mapper& m : part) out.push_back(std::move(m));
    return out;
  }();
  return all;
}

}  // namespace u5::fhir
