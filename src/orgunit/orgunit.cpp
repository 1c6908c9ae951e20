#include "orgunit/orgunit.h"

#include <vector>

namespace u5::orgunit {
namespace {

Status NotFound(std::string_view id) { return Status::NotFound("unknown org unit '" + std::string(id) + "'", "orgunit"); }

// *yes when `id` exists and, if `scheme` is given, is of that scheme and kind.
Status Is(store::Store& store, const std::string& id, const char* scheme, const char* kind, bool* yes) {
  store::OrgUnit u;
  Status st = store.orgunits().Get(id, &u);
  *yes = st.ok() && (!scheme || (u.scheme == scheme && u.kind == kind));
  return st.code() == Code::not_found ? Status::Ok() : st;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

Status ResolveOrgUnit(store::Store& store, std::string_view code_or_id, std::string* id) {
  std::string_view in = code_or_id;
  while (!in.empty() && (in.front() == ' ' || in.front() == '\t')) in.remove_prefix(1);
  while (!in.empty() && (in.back() == ' ' || in.back() == '\t')) in.remove_suffix(1);
  if (in.empty()) return Status::NotFound("empty org unit", "orgunit");
  const std::string s(in);
  // Candidates in order of preference: a bare NSO code means the current (2025)
  // scheme first, then the pre-2025 one.
  struct Candidate {
    std::string id;
    const char *scheme, *kind;
  };
  std::vector<Candidate> candidates;
  if (AllDigits(s)) {
    const std::string old = "pre2025:" + s;
    if (s.size() == 5) candidates = {{s, "vn2025", "commune"}, {old, "pre2025", "commune"}};
    else if (s.size() == 2) candidates = {{s, "vn2025", "province"}, {old, "pre2025", "province"}};
    else if (s.size() == 3) candidates = {{old, "pre2025", "district"}};
  } else {
    candidates = {{s, nullptr, nullptr}};
  }
  for (const Candidate& c : candidates) {
    bool yes = false;
    U5_RETURN_IF_ERROR(Is(store, c.id, c.scheme, c.kind, &yes));
    if (yes) {
      *id = c.id;
      return Status::Ok();
    }
  }
  return NotFound(s);
}

}  // namespace u5::orgunit
