// Demo provinces for the report tests, generated once per test process with
// build/under5 demo (2,000 children keeps it fast), with an indicator Service
// over each.
#pragma once
#include <memory>
#include <string>

#include "indicator/service.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace u5::test {

struct DemoProvince {
  std::string path;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<indicator::Service> svc;
  store::Db db;
};

// "12" (Lai Châu) or "31" (Hải Phòng).
DemoProvince& Demo(const std::string& province);
// Where the tests leave reports and PNG pages for people to look at.
std::string OutDir();
// Runs a shell command; its exit code, stdout in *out.
int Shell(const std::string& cmd, std::string* out = nullptr);

}  // namespace u5::test
