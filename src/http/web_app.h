// The web app (web/dist) as built into the binary: a source generated at
// build time by cmake/embed_web.py (library u5_web_app), empty when web/dist
// was not built. `under5 serve` serves it unless --static names a folder.
#pragma once
#include <span>

#include "http/static_files.h"

namespace u5::http {

// Sorted by path; each file with its pre-compressed variants.
std::span<const EmbeddedFile> EmbeddedWebApp();

}  // namespace u5::http
