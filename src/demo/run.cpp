#include "demo/run.h"

#include <cstdio>
#include <iostream>
#include <unistd.h>

#include "demo/profile.h"
#include "demo/progress.h"
#include "core/text.h"

namespace u5::demo {

namespace {

// Any of the 34 provinces by its name as people write it ("Hà Nội", "ha-noi",
// "Thành phố Huế"), from the org units loaded: folded, the kind of unit left off.
std::string ProvinceByName(store::Store& store, const std::string& name) {
  auto key = [](const std::string& s) {
    std::string k;
    for (char c : text::Fold(s)) k.push_back(c == ' ' || c == '_' ? '-' : c);
    for (const char* kind : {"thanh-pho-", "tinh-"})
      if (k.rfind(kind, 0) == 0) k = k.substr(std::string(kind).size());
    return k;
  };
  std::vector<store::OrgUnit> provinces;
  if (!store.orgunits().Children("VN", &provinces).ok()) return "";
  for (const store::OrgUnit& u : provinces)
    if (u.kind == "province" && u.scheme == "vn2025" && key(u.name) == key(name)) return u.id;
  return "";
}

}  // namespace

void AddCliOptions(CLI::App* cmd, CliArgs* a) {
  cmd->add_option("--province", a->provinces,
                  "2025 province code or plan province name, repeatable (default 12 = Lai Châu; "
                  "lai-chau, son-la, hai-phong, bac-giang -> 24, bac-kan -> 19; any of the 34 by name: ha-noi, \"Hà Nội\")");
  cmd->add_option("--children", a->children, "about this many children under five in all (default: from population)");
  cmd->add_option("--from", a->from_year, "first year of records (default: five years before --to)");
  cmd->add_option("--to", a->to_year, "last year of records (default: this year, up to today)");
  cmd->add_option("--seed", a->seed, "random seed; the same arguments and seed give the same records")->capture_default_str();
}

Status RunFromCli(store::Store& store, const std::string& /*db_path*/, const CliArgs& a, std::string* first_province,
                  std::string* user_commune) {
  Options o;
  o.provinces.clear();
  for (const auto& p : a.provinces.empty() ? std::vector<std::string>{"12"} : a.provinces) {
    std::string code = ProvinceCode(p);
    if (code.empty()) code = ProvinceByName(store, p);
    if (code.empty()) return Status::Invalid("province", "unknown province '" + p + "'");
    o.provinces.push_back(code);
  }
  o.from_year = a.from_year;
  o.to_year = a.to_year;
  o.children = a.children;
  o.seed = a.seed;
  *first_province = o.provinces.front();
  {
    // The demo user's commune: 03390 in Lai Châu, else the province's first.
    std::vector<store::OrgUnit> units;
    std::string pick;
    if (store.orgunits().Children(*first_province, &units).ok())
      for (const store::OrgUnit& u : units)  // in id order
        if (u.kind == "commune" && (pick.empty() || u.id == "03390")) pick = u.id;
    if (!pick.empty()) *user_commune = pick;
  }
  ProgressLine line(std::cerr, isatty(2));
  Stats s;
  Status st = Generate(store, o, &s, [&](double done, int64_t records) { line.Update(done, records); });
  if (st.ok()) line.Finish(s.persons + s.events);
  U5_RETURN_IF_ERROR(st);
  const int64_t n = s.persons + s.events;
  std::fprintf(stderr, "demo: %lld persons and %lld events in %lld communes (%lld births) in %.1f s, %.0f records/s\n",
               static_cast<long long>(s.persons), static_cast<long long>(s.events), static_cast<long long>(s.communes),
               static_cast<long long>(s.births), s.seconds, s.seconds > 0 ? n / s.seconds : 0.0);
  return Status::Ok();
}

}  // namespace u5::demo
