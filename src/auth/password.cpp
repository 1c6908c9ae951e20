#include "auth/password.h"

#include <pwquality.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <set>
#include <vector>

#include "auth/demo_accounts.h"
#include "core/text.h"

namespace u5::auth {

Status HashPassword(const std::string& password, std::string* hash) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return Status::Internal("out of memory while hashing a password");
  *hash = out;
  return Status::Ok();
}

bool VerifyPassword(const std::string& password, const std::string& hash) {
  if (sodium_init() < 0 || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

namespace {

constexpr size_t kMinChars = 8, kMaxBytes = 256;

size_t CodePoints(const std::string& s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

// Lower case without marks (text::Fold), separators and punctuation dropped:
// "Demo-U5-2030" and "demo u5 2030" are the same guess.
std::string Normalize(const std::string& s) {
  std::string out;
  for (char c : text::Fold(s))
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80) out.push_back(c);
  return out;
}

// "aaaaaaaa", "abababab", "abcabcabc": one short unit repeated.
bool Repetitive(const std::string& s) {
  for (size_t unit = 1; unit <= 4 && unit * 2 <= s.size(); ++unit) {
    bool repeats = true;
    for (size_t i = unit; i < s.size() && repeats; ++i) repeats = s[i] == s[i - unit];
    if (repeats) return true;
  }
  return false;
}

// "12345678", "abcdefgh", "87654321", "zyxwvuts": one step up or down throughout.
bool Sequential(const std::string& s) {
  if (s.size() < 3) return false;
  const int step = s[1] - s[0];
  if (step != 1 && step != -1) return false;
  for (size_t i = 2; i < s.size(); ++i)
    if (s[i] - s[i - 1] != step) return false;
  return true;
}

bool Trivial(const std::string& n) { return Repetitive(n) || Sequential(n); }

// What is left of a normalized password once the context words (and their
// reversals) are taken out; *found names the kind of word that was in it.
std::string WithoutContext(std::string n, const PasswordContext& ctx, std::string* found) {
  std::vector<std::pair<std::string, std::string>> words;  // word, what it is
  auto add = [&](const std::string& w, const std::string& what) {
    std::string x = Normalize(w);
    if (x.size() < 2) return;
    words.emplace_back(x, what);
    std::reverse(x.begin(), x.end());
    words.emplace_back(x, what);
  };
  add(ctx.username, "your user name");
  add(ctx.full_name, "your name");
  for (size_t i = 0, j; i < ctx.full_name.size(); i = j + 1) {
    j = ctx.full_name.find(' ', i);
    if (j == std::string::npos) j = ctx.full_name.size();
    add(ctx.full_name.substr(i, j - i), "your name");
  }
  for (const char* w : {"under5", "u5"}) add(w, "this program's name");
  for (const auto& a : DemoAccounts()) add(a.username, "a demo account");
  for (const auto& p : PublishedDemoPasswords()) add(p, "a published demo password");
  add("demo", "a demo account");
  // Longest first, so a name is taken out whole before its parts.
  std::stable_sort(words.begin(), words.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [w, what] : words) {
    for (size_t pos; (pos = n.find(w)) != std::string::npos;) {
      n.erase(pos, w.size());
      if (found->empty()) *found = what;
    }
  }
  return n;
}

// cracklib keeps its open dictionary in static variables: one check at a time.
std::mutex pwquality_mu;

pwquality_settings_t* PwqualitySettings() {
  static pwquality_settings_t* s = [] {
    pwquality_settings_t* p = pwquality_default_settings();
    // Set here rather than read from /etc/security/pwquality.conf, whose
    // composition rules (credits, classes) NIST advises against.
    pwquality_set_int_value(p, PWQ_SETTING_MIN_LENGTH, static_cast<int>(kMinChars));
    for (int setting : {PWQ_SETTING_DIG_CREDIT, PWQ_SETTING_UP_CREDIT, PWQ_SETTING_LOW_CREDIT, PWQ_SETTING_OTH_CREDIT,
                        PWQ_SETTING_MIN_CLASS, PWQ_SETTING_MAX_REPEAT, PWQ_SETTING_MAX_CLASS_REPEAT, PWQ_SETTING_MAX_SEQUENCE,
                        PWQ_SETTING_GECOS_CHECK})
      pwquality_set_int_value(p, setting, 0);
    pwquality_set_int_value(p, PWQ_SETTING_DICT_CHECK, 1);
    pwquality_set_int_value(p, PWQ_SETTING_USER_CHECK, 1);
    return p;
  }();
  return s;
}

// Ok, or the reason libpwquality refuses the password; Internal when the
// dictionary cannot be loaded.
Status Pwquality(const std::string& password, const std::string& username, const std::string& field) {
  std::lock_guard lock(pwquality_mu);
  void* aux = nullptr;
  const int r = pwquality_check(PwqualitySettings(), password.c_str(), nullptr, username.empty() ? nullptr : username.c_str(), &aux);
  if (r >= 0) return Status::Ok();
  char buf[PWQ_MAX_ERROR_MESSAGE_LEN];
  const char* why = pwquality_strerror(buf, sizeof buf, r, aux);
  if (r == PWQ_ERROR_CRACKLIB_CHECK && aux && std::strstr(static_cast<const char*>(aux), "error loading dictionary"))
    return Status::Internal("the password dictionary could not be loaded (Debian package cracklib-runtime)");
  std::string reason = why ? why : "it is too easy to guess";
  if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
  return Status::Invalid(field, field + " is too easy to guess: " + reason);
}

}  // namespace

Status CheckPasswordLength(const std::string& password, const std::string& field) {
  if (!text::IsValidUtf8(password)) return Status::Invalid(field, field + " is not valid UTF-8");
  if (CodePoints(password) < kMinChars) return Status::Invalid(field, field + " must have at least 8 characters");
  if (password.size() > kMaxBytes) return Status::Invalid(field, field + " must have at most 256 bytes");
  return Status::Ok();
}

Status CheckPasswordPolicy(const std::string& password, const PasswordContext& ctx, const std::string& field) {
  U5_RETURN_IF_ERROR(CheckPasswordLength(password, field));
  const std::string n = Normalize(password);
  if (n.empty() || Trivial(n))
    return Status::Invalid(field, field + " is too easy to guess: it is repetitive or sequential (like aaaaaaaa or 12345678)");
  std::string found;
  const std::string rest = WithoutContext(n, ctx, &found);
  // What remains besides the context words must be a password on its own.
  if (!found.empty() && (rest.size() < 5 || Trivial(rest) || rest.find_first_not_of("0123456789") == std::string::npos))
    return Status::Invalid(field, field + " is too easy to guess: it is based on " + found);
  return Pwquality(password, ctx.username, field);
}

Status CheckPasswordDictionary() {
  Status st = Pwquality("password", "", "password");
  if (st.code() == Code::internal) return st;
  if (st.ok()) return Status::Internal("the password dictionary accepts \"password\": is cracklib's dictionary installed (cracklib-runtime)?");
  return Status::Ok();
}

}  // namespace u5::auth
