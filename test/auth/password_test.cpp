// The password policy (NIST SP 800-63B 5.1.1) on a table of passwords a
// person might choose: accepted ones of any composition, refused common,
// dictionary, repetitive, sequential and context-derived ones, each with
// the reason named.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "auth/password.h"

namespace u5::auth {
namespace {

struct Case {
  const char* password;
  const char* refused_because;  // nullptr: accepted; else a part of the message
};

const PasswordContext kTinh{"tinh", "Nguyễn Văn Tỉnh"};

TEST(PasswordPolicy, Table) {
  const Case cases[] = {
      // Accepted: long enough, not guessable; no rule about letters, digits or symbols.
      {"correct horse battery staple", nullptr},
      {"Mật khẩu của tôi 2026", nullptr},
      {"xk7-pq2-mz9", nullptr},
      {"mat-khau-2030", nullptr},
      {"trạm y tế bình lư", nullptr},
      {"Tr0ub4dor&3", nullptr},
      {"hoa ban nở tháng ba", nullptr},
      {"qzxvbnmwplk", nullptr},
      {"ĐàLạt-sương-mù", nullptr},  // 14 characters, more bytes
      // Length: at least 8 characters (not bytes), at most 256 bytes.
      {"short", "at least 8 characters"},
      {"ngắn-7c", "at least 8 characters"},
      {"\xff\xfe invalid utf-8", "UTF-8"},
      // Common and dictionary passwords.
      {"password1", "dictionary"},
      {"passw0rd", "dictionary"},
      {"iloveyou", "dictionary"},
      {"qwertyui", "dictionary"},
      {"1qaz2wsx", "dictionary"},
      {"sunshine1", "dictionary"},
      {"trustno1", "dictionary"},
      // Repetitive and sequential.
      {"aaaaaaaa", "repetitive or sequential"},
      {"12345678", "repetitive or sequential"},
      {"abcdefgh", "repetitive or sequential"},
      {"87654321", "repetitive or sequential"},
      {"abababab", "repetitive or sequential"},
      {"abcabcabc", "repetitive or sequential"},
      {"1212-1212", "repetitive or sequential"},
      {"ZYXWVUTS", "repetitive or sequential"},
      // Context: the user name, reversed, with a few characters added; the
      // user's name; this program; the published demo password.
      {"tinh1234", "your user name"},
      {"tinhtinh", "repetitive or sequential"},
      {"tinh2026!", "your user name"},
      {"hnitabcd", "your user name"},
      {"TINH-12345678", "your user name"},
      {"xytinhabc", "user name"},
      {"nguyenvantinh", "your name"},
      {"Nguyễn Tỉnh 1990", "your name"},
      {"under5-2030", "this program's name"},
      {"Under5Under5", "this program's name"},
      {"u5u5u5u5", "repetitive"},
      {"u5-2030-u5", "this program's name"},
      {"demo-u5-2030", "published demo password"},
      {"Demo U5 2030", "published demo password"},
      {"demo-u5-2030!", "published demo password"},
      {"demo2026", "demo account"},
  };
  for (const Case& c : cases) {
    Status st = CheckPasswordPolicy(c.password, kTinh, "new_password");
    if (!c.refused_because) {
      EXPECT_TRUE(st.ok()) << c.password << ": " << st.ToString();
      continue;
    }
    EXPECT_EQ(st.code(), Code::invalid) << c.password;
    EXPECT_EQ(st.field(), "new_password") << c.password;
    EXPECT_NE(st.message().find(c.refused_because), std::string::npos) << c.password << ": " << st.message();
  }
}

TEST(PasswordPolicy, MaximumLengthInBytes) {
  std::string pw;
  for (int i = 0; pw.size() < 256; ++i) pw += "xk7pq2mz9wv"[i % 11] + std::to_string(i % 7);
  pw.resize(256);
  EXPECT_TRUE(CheckPasswordPolicy(pw).ok()) << CheckPasswordPolicy(pw).ToString();
  EXPECT_NE(CheckPasswordPolicy(pw + "x").message().find("at most 256 bytes"), std::string::npos);
}

TEST(PasswordPolicy, FieldIsTheCallersName) {
  EXPECT_EQ(CheckPasswordPolicy("short").field(), "password");
  EXPECT_EQ(CheckPasswordPolicy("short", {}, "new_password").field(), "new_password");
  EXPECT_EQ(CheckPasswordPolicy("password1", {}, "new_password").field(), "new_password");
}

TEST(PasswordPolicy, LengthOnlyCheck) {
  EXPECT_TRUE(CheckPasswordLength("demo-u5-2030").ok());
  EXPECT_FALSE(CheckPasswordLength("short").ok());
}

TEST(PasswordPolicy, DictionaryIsInstalled) { EXPECT_TRUE(CheckPasswordDictionary().ok()) << CheckPasswordDictionary().ToString(); }

// cracklib keeps static state: checks from many threads at once (as request
// threads do) give the same answers as one at a time.
TEST(PasswordPolicy, ConcurrentChecks) {
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (CheckPasswordPolicy("password1").ok()) ++wrong;
        if (!CheckPasswordPolicy("hoa ban nở tháng ba").ok()) ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong, 0);
}

}  // namespace
}  // namespace u5::auth
