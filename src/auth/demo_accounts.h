// The accounts `under5 demo` creates and the passwords it has ever printed
// (scripts/run, README.md, docs/api.md). Kept in one place: the demo command
// creates the accounts from here, `serve --demo` spares exactly these from the
// forced password change, `serve` without --demo refuses a database where any
// user still has one of these passwords, and no new password may be one.
#pragma once
#include <string>
#include <vector>

namespace u5::auth {

struct DemoAccount {
  const char* username;
  const char* role;
  const char* full_name;
  bool province;  // placed at the demo's province (else at its commune)
  // A fixed org unit instead (a receiving hospital); the account is not made
  // when the demo's province does not have it.
  const char* orgunit = nullptr;
};

inline const std::vector<DemoAccount>& DemoAccounts() {
  static const std::vector<DemoAccount> k = {
      {"demo", "commune_worker", "Cán bộ trạm y tế (demo)", false},
      {"tinh", "province_officer", "Cán bộ Sở Y tế (demo)", true},
      {"thamdinh", "review_board", "Ban thẩm định tử vong (demo)", true},
      {"benhvien", "hospital_worker", "Cán bộ Bệnh viện Sản Nhi tỉnh (demo)", false, "bv:12-sannhi"},
  };
  return k;
}

// The password `under5 demo` gives its accounts.
inline constexpr const char* kDemoPassword = "demo-u5-2030";

// Every demo password ever published; add, never remove.
inline const std::vector<std::string>& PublishedDemoPasswords() {
  static const std::vector<std::string> k = {kDemoPassword};
  return k;
}

inline bool IsDemoAccount(const std::string& username) {
  for (const auto& a : DemoAccounts())
    if (username == a.username) return true;
  return false;
}

}  // namespace u5::auth
