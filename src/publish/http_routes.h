// The publish API (docs/api.md, docs/publication.md): POST and GET
// /api/v1/publications.
#pragma once
#include <string>

#include "http/route.h"

namespace u5::publish {

struct RouteContext {
  std::string public_dir;  // where publications are written (serve --public-dir)
};

http::Routes Routes(const RouteContext& ctx);

}  // namespace u5::publish
