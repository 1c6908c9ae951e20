// Loads the real data/vn-admin files into a temporary, migrated database.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <unistd.h>

#include "core/text.h"
#include "orgunit/load.h"
#include "orgunit/orgunit.h"
#include "store/schema.h"
#include "store/sqlite.h"
#include "store/pg_store.h"
#include "store/store.h"
#include "support/store_kind.h"

namespace u5::orgunit {
namespace {

namespace fs = std::filesystem;

const std::string kDataDir = std::string(U5_SOURCE_DIR) + "/data";

fs::path MakeTempDir(const std::string& tag) {
  static std::atomic<int> n{0};
  fs::path p = fs::temp_directory_path() /
               ("u5_orgunit_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::unique_ptr<store::Db> OpenMigrated(const fs::path& dir) {
  auto db = std::make_unique<store::Db>();
  Status st = store::Db::Open((dir / "test.db").string(), db.get());
  EXPECT_TRUE(st.ok()) << st.ToString();
  st = store::Migrate(*db);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return db;
}

// Loads through a store on the file of `db`, on which the tests read the tables.
Status LoadVia(store::Db& db, const std::string& data_dir, const LoadProgress& progress = {}) {
  std::unique_ptr<store::Store> s;
  U5_RETURN_IF_ERROR(store::OpenSqliteStore(sqlite3_db_filename(db.raw(), "main"), &s));
  return LoadOrgUnits(*s, data_dir, progress);
}

int64_t Count(store::Db& db, const std::string& sql) {
  store::Stmt s;
  Status st = db.Prepare(sql, &s);
  EXPECT_TRUE(st.ok()) << st.ToString() << " in " << sql;
  if (!st.ok() || !s.Step()) return -1;
  return s.Int(0);
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& p, const std::string& s) {
  fs::remove(p);
  std::ofstream out(p, std::ios::binary);
  out << s;
}

// A writable copy of data/vn-admin under <dir>/data.
fs::path CopyData(const fs::path& dir) {
  fs::path data = dir / "data";
  fs::create_directories(data);
  fs::copy(kDataDir + "/vn-admin", data / "vn-admin", fs::copy_options::recursive);
  for (auto& e : fs::recursive_directory_iterator(data))
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  return data;
}

class OrgUnitLoad : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(MakeTempDir("shared"));
    db_ = OpenMigrated(*dir_).release();
    stages_ = new std::map<std::string, size_t>;
    auto t0 = std::chrono::steady_clock::now();
    load_status_ = new Status(LoadVia(*db_, kDataDir, [](std::string_view stage, size_t done, size_t total) {
      (*stages_)[std::string(stage)] = std::max(done, total);
    }));
    load_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("[ orgunit ] LoadOrgUnits took %.1f ms\n", load_ms_);
    std::unique_ptr<store::Store> s;
    Status st = store::OpenSqliteStore((*dir_ / "test.db").string(), &s);
    EXPECT_TRUE(st.ok()) << st.ToString();
    store_ = s.release();
  }
  static void TearDownTestSuite() {
    delete store_;
    delete db_;
    delete load_status_;
    delete stages_;
    fs::remove_all(*dir_);
    delete dir_;
  }
  void SetUp() override { ASSERT_TRUE(load_status_->ok()) << load_status_->ToString(); }

  static store::Db& db() { return *db_; }
  // The reads under test go through the store.
  static store::Store& store() { return *store_; }
  static store::OrgUnitReader& units() { return store_->orgunits(); }
  static int64_t Depth(const std::string& a, const std::string& d) {
    store::Stmt s;
    EXPECT_TRUE(db_->Prepare("SELECT depth FROM orgunit_closure WHERE ancestor = ? AND descendant = ?", &s).ok());
    s.Bind(1, a).Bind(2, d);
    return s.Step() ? s.Int(0) : -1;
  }
  static int64_t CommunesOf(const std::string& province) {
    store::Stmt s;
    EXPECT_TRUE(
        db_->Prepare("SELECT count(*) FROM orgunit WHERE parent_id = ? AND scheme = 'vn2025' AND kind = 'commune'", &s)
            .ok());
    s.Bind(1, province);
    return s.Step() ? s.Int(0) : -1;
  }

  static inline fs::path* dir_ = nullptr;
  static inline store::Db* db_ = nullptr;
  static inline store::Store* store_ = nullptr;
  static inline Status* load_status_ = nullptr;
  static inline std::map<std::string, size_t>* stages_ = nullptr;
  static inline double load_ms_ = 0;
};

TEST_F(OrgUnitLoad, Counts) {
  auto n = [](const char* scheme, const char* kind) {
    return Count(db(), std::string("SELECT count(*) FROM orgunit WHERE scheme = '") + scheme + "' AND kind = '" +
                           kind + "'");
  };
  EXPECT_EQ(n("root", "country"), 1);
  EXPECT_EQ(n("vn2025", "province"), 34);
  EXPECT_EQ(n("vn2025", "commune"), 3321);
  EXPECT_EQ(n("pre2025", "province"), 63);
  EXPECT_EQ(n("pre2025", "district"), 696);
  EXPECT_EQ(n("pre2025", "commune"), 10047);
  EXPECT_EQ(n("facility", "facility"), 3321 + 3);  // a health station a commune, and hospitals.csv
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM orgunit"), 1 + 34 + 3321 + 63 + 696 + 10047 + 3321 + 3);
  // 10,565 distinct (old, new) pairs with an old code, all old codes known.
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM orgunit_successor"), 10565);
  EXPECT_EQ(Count(db(), "SELECT count(DISTINCT old_id) FROM orgunit_successor"), 10033);
  // 2025 division types.
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM orgunit WHERE scheme='vn2025' AND division_type='xã'"), 2621);
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM orgunit WHERE scheme='vn2025' AND division_type='phường'"), 687);
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM orgunit WHERE scheme='vn2025' AND division_type='đặc khu'"), 13);
  // Population given for all provinces and 3,056 communes.
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM orgunit WHERE scheme='vn2025' AND kind='province' AND population > 0"), 34);
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM orgunit WHERE scheme='vn2025' AND kind='commune' AND population > 0"),
            3056);
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM orgunit WHERE scheme='vn2025' AND area_km2 IS NULL"), 0);
  for (const char* stage : {"pre2025", "provinces", "communes", "successors", "closure"})
    EXPECT_GT((*stages_)[stage], 0u) << stage;
}

TEST_F(OrgUnitLoad, CommunesPerProvinceFromReadme) {
  EXPECT_EQ(CommunesOf("12"), 38);   // Lai Châu, kept
  EXPECT_EQ(CommunesOf("14"), 75);   // Sơn La, kept
  EXPECT_EQ(CommunesOf("24"), 99);   // new Bắc Ninh (old Bắc Giang + Bắc Ninh)
  EXPECT_EQ(CommunesOf("19"), 92);   // Thái Nguyên (+ Bắc Kạn)
  EXPECT_EQ(CommunesOf("31"), 114);  // Hải Phòng (+ Hải Dương)
  // Before: Lai Châu 106, Sơn La 200, Bắc Giang 195, Bắc Kạn 108, Hải Phòng 167 communes.
  auto old = [](const char* p) {
    return Count(db(), std::string("SELECT count(*) FROM orgunit_closure c JOIN orgunit o ON o.id = c.descendant "
                                   "WHERE c.ancestor = 'pre2025:") + p + "' AND o.kind = 'commune' AND o.scheme = 'pre2025'");
  };
  EXPECT_EQ(old("12"), 106);
  EXPECT_EQ(old("14"), 200);
  EXPECT_EQ(old("24"), 195);
  EXPECT_EQ(old("06"), 108);
  EXPECT_EQ(old("31"), 167);
}

TEST_F(OrgUnitLoad, OldCommunesCountUnderTheirNewProvince) {
  // Old Bắc Giang (pre2025 24) commune 07201 Phường Thọ Xương -> 07210 Phường Bắc Giang, new Bắc Ninh 24.
  EXPECT_TRUE(store().InSubtree("24", "pre2025:07201"));
  EXPECT_TRUE(store().InSubtree("07210", "pre2025:07201"));
  EXPECT_FALSE(store().InSubtree("pre2025:07201", "24"));
  // Old Bắc Kạn (pre2025 06) commune 01834 -> 01840 Phường Đức Xuân, Thái Nguyên 19.
  EXPECT_TRUE(store().InSubtree("19", "pre2025:01834"));
  EXPECT_TRUE(store().InSubtree("01840", "pre2025:01834"));
  // The old code 24 is old Bắc Giang, not the new province.
  EXPECT_FALSE(store().InSubtree("pre2025:24", "07210"));
  EXPECT_TRUE(store().InSubtree("pre2025:24", "pre2025:07201"));
  // Every old Bắc Giang and old Bắc Ninh (27) commune that has a successor is under new 24.
  EXPECT_EQ(Count(db(),
                  "SELECT count(*) FROM orgunit_closure c WHERE c.ancestor IN ('pre2025:24','pre2025:27') AND "
                  "c.descendant IN (SELECT old_id FROM orgunit_successor) AND NOT EXISTS (SELECT 1 FROM "
                  "orgunit_closure n WHERE n.ancestor = '24' AND n.descendant = c.descendant)"),
            0);
  // Every old Bắc Kạn commune with a successor is under 19.
  EXPECT_EQ(Count(db(),
                  "SELECT count(*) FROM orgunit_closure c WHERE c.ancestor = 'pre2025:06' AND "
                  "c.descendant IN (SELECT old_id FROM orgunit_successor) AND NOT EXISTS (SELECT 1 FROM "
                  "orgunit_closure n WHERE n.ancestor = '19' AND n.descendant = c.descendant)"),
            0);
  // Every old commune with a successor is under VN by both routes at the same depth.
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM orgunit_successor s JOIN orgunit_closure c ON c.ancestor = s.new_id "
                        "AND c.descendant = s.old_id WHERE c.depth <> 1"),
            0);
}

TEST_F(OrgUnitLoad, ClosureDepths) {
  EXPECT_EQ(Depth("VN", "VN"), 0);
  EXPECT_EQ(Depth("12", "12"), 0);
  EXPECT_EQ(Depth("VN", "12"), 1);
  EXPECT_EQ(Depth("VN", "03349"), 2);
  EXPECT_EQ(Depth("11", "03349"), 1);
  EXPECT_EQ(Depth("VN", "tyt:03349"), 3);
  EXPECT_EQ(Depth("11", "tyt:03349"), 2);
  EXPECT_EQ(Depth("03349", "tyt:03349"), 1);
  EXPECT_EQ(Depth("pre2025:12", "pre2025:03386"), 2);
  EXPECT_EQ(Depth("pre2025:105", "pre2025:03386"), 1);
  EXPECT_EQ(Depth("VN", "pre2025:03386"), 3);
  EXPECT_EQ(Depth("03388", "pre2025:03386"), 1);  // merged into Phường Đoàn Kết
  EXPECT_EQ(Depth("12", "pre2025:03386"), 2);
  EXPECT_EQ(Depth("pre2025:03386", "03388"), -1);  // not the other way round
  // Self rows for every unit; a (parent, child, 1) row for every parent link.
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM orgunit_closure WHERE depth = 0"),
            Count(db(), "SELECT count(*) FROM orgunit"));
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM orgunit o WHERE parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                        "orgunit_closure c WHERE c.ancestor = o.parent_id AND c.descendant = o.id AND c.depth = 1)"),
            0);
  // Every unit is under VN.
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM orgunit_closure WHERE ancestor = 'VN'"),
            Count(db(), "SELECT count(*) FROM orgunit"));
  // Facilities are not related to old communes, districts are not under new units.
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM orgunit_closure c JOIN orgunit a ON a.id = c.ancestor JOIN orgunit d "
                        "ON d.id = c.descendant WHERE a.scheme = 'vn2025' AND d.scheme = 'pre2025' AND d.kind <> 'commune'"),
            0);
}

TEST_F(OrgUnitLoad, SourceDefect82To80RowHandled) {
  // B gives "Tỉnh Tiền Giang (82)" as the old province of 27691 Phường 4 (Tân An); D has it in Long An (80).
  std::vector<std::string> next;
  ASSERT_TRUE(units().Successors("pre2025:27691", &next).ok());
  EXPECT_EQ(next, std::vector<std::string>{"27694"});
  std::vector<OrgUnit> up;
  ASSERT_TRUE(units().Ancestors("pre2025:27691", &up).ok());
  ASSERT_EQ(up.size(), 3u);
  EXPECT_EQ(up[0].id, "pre2025:794");
  EXPECT_EQ(up[1].id, "pre2025:80");
  EXPECT_EQ(up[2].id, "VN");
  EXPECT_TRUE(store().InSubtree("80", "pre2025:27691"));  // new Tây Ninh
  EXPECT_FALSE(store().InSubtree("pre2025:82", "pre2025:27691"));
}

TEST_F(OrgUnitLoad, SuccessorNotes) {
  store::Stmt s;
  ASSERT_TRUE(db().Prepare("SELECT note FROM orgunit_successor WHERE old_id = 'pre2025:00001' AND new_id = '00097'", &s).ok());
  ASSERT_TRUE(s.Step());
  EXPECT_EQ(s.Text(0), "Nhập toàn bộ");
  // Island districts turned into đặc khu have no old commune code: no successor row, no error.
  std::vector<std::string> next;
  ASSERT_TRUE(units().Successors("pre2025:07693", &next).ok());  // one of the 14 old communes absent from B
  EXPECT_TRUE(next.empty());
  EXPECT_EQ(units().Successors("pre2025:99999", &next).code(), Code::not_found);
  // Split communes: more than one successor.
  EXPECT_GT(Count(db(), "SELECT count(*) FROM (SELECT old_id FROM orgunit_successor GROUP BY old_id HAVING count(*) > 1)"),
            0);
}

TEST_F(OrgUnitLoad, NamesAreNfc) {
  store::Stmt s;
  ASSERT_TRUE(db().Prepare("SELECT name, coalesce(division_type, '') FROM orgunit UNION ALL "
                           "SELECT coalesce(note, ''), '' FROM orgunit_successor", &s).ok());
  int64_t n = 0, bad = 0;
  while (s.Step()) {
    ++n;
    for (int c : {0, 1}) {
      std::string v = s.Text(c);
      if (text::Nfc(v) != v || v.find('\n') != std::string::npos) ++bad;
    }
  }
  EXPECT_GT(n, 20000);
  EXPECT_EQ(bad, 0);
}

TEST_F(OrgUnitLoad, LoadTimeIsReported) {
  RecordProperty("load_ms", std::to_string(load_ms_));
  EXPECT_LT(load_ms_, 5000.0) << "the load should take well under 2 s";
}

// The reads of a full load, on both stores (the rows themselves are checked
// on SQLite above): loaded once per store for the suite.
class OrgUnitLoadOn : public ::testing::TestWithParam<test::StoreKind> {
 protected:
  struct Loaded {
    test::TempDir dir;
    std::unique_ptr<test::TestPgDatabase> pg;
    std::unique_ptr<store::Store> store;
    Status status;
  };
  static void TearDownTestSuite() { loaded_.clear(); }
  void SetUp() override {
    std::unique_ptr<Loaded>& l = loaded_[GetParam()];
    if (!l) {
      l = std::make_unique<Loaded>();
      if (GetParam() == test::StoreKind::sqlite) {
        l->status = store::OpenSqliteStore(l->dir.File("t.db"), &l->store);
      } else {
        l->pg = std::make_unique<test::TestPgDatabase>();
        l->status = store::OpenPgStore(l->pg->uri(), store::PgOptions{}, &l->store);
      }
      if (l->status.ok()) l->status = LoadOrgUnits(*l->store, kDataDir);
    }
    ASSERT_TRUE(l->status.ok()) << l->status.ToString();
    store_ = l->store.get();
  }
  store::Store& store() { return *store_; }
  store::OrgUnitReader& units() { return store_->orgunits(); }

  static inline std::map<test::StoreKind, std::unique_ptr<Loaded>> loaded_;
  store::Store* store_ = nullptr;
};

TEST_P(OrgUnitLoadOn, ReadHelpers) {
  OrgUnit u;
  ASSERT_TRUE(units().Get("03349", &u).ok());
  EXPECT_EQ(u.code, "03349");
  EXPECT_EQ(u.scheme, "vn2025");
  EXPECT_EQ(u.kind, "commune");
  EXPECT_EQ(u.name, "Xã Thanh Yên");
  EXPECT_EQ(u.division_type, "xã");
  EXPECT_EQ(u.parent_id, "11");
  EXPECT_EQ(u.valid_from, "2025-07-01");
  EXPECT_FALSE(u.valid_to.has_value());

  ASSERT_TRUE(units().Get("tyt:03349", &u).ok());
  EXPECT_EQ(u.kind, "facility");
  EXPECT_EQ(u.scheme, "facility");
  EXPECT_EQ(u.name, "Trạm Y tế Xã Thanh Yên");
  EXPECT_EQ(u.parent_id, "03349");

  ASSERT_TRUE(units().Get("pre2025:105", &u).ok());
  EXPECT_EQ(u.kind, "district");
  EXPECT_EQ(u.name, "Thành phố Lai Châu");
  EXPECT_EQ(u.parent_id, "pre2025:12");
  EXPECT_EQ(u.valid_to, "2025-06-30");
  EXPECT_FALSE(u.valid_from.has_value());

  ASSERT_TRUE(units().Get("01", &u).ok());
  EXPECT_EQ(u.division_type, "thành phố trung ương");
  EXPECT_EQ(u.population, 8718000);
  EXPECT_EQ(u.parent_id, "VN");

  ASSERT_TRUE(units().Get("00136", &u).ok());  // population withheld in the data
  EXPECT_FALSE(u.population.has_value());
  ASSERT_TRUE(u.area_km2.has_value());
  EXPECT_NEAR(*u.area_km2, 10.41, 1e-9);

  Status st = units().Get("nope", &u);
  EXPECT_EQ(st.code(), Code::not_found);
  EXPECT_EQ(st.field(), "orgunit");

  std::vector<OrgUnit> kids;
  ASSERT_TRUE(units().Children("12", &kids).ok());
  EXPECT_EQ(kids.size(), 38u);
  ASSERT_TRUE(units().Children("VN", &kids).ok());
  EXPECT_EQ(kids.size(), 34u + 63u);
  EXPECT_EQ(units().Children("nope", &kids).code(), Code::not_found);

  std::vector<OrgUnit> up;
  ASSERT_TRUE(units().Ancestors("tyt:03349", &up).ok());
  ASSERT_EQ(up.size(), 3u);
  EXPECT_EQ(up[0].id, "03349");
  EXPECT_EQ(up[1].id, "11");
  EXPECT_EQ(up[2].id, "VN");
  ASSERT_TRUE(units().Ancestors("VN", &up).ok());
  EXPECT_TRUE(up.empty());
  EXPECT_EQ(units().Ancestors("nope", &up).code(), Code::not_found);

  EXPECT_TRUE(store().InSubtree("VN", "VN"));
  EXPECT_FALSE(store().InSubtree("12", "03349"));

  // The closure, both ways, and the former units above a 2025 commune.
  std::vector<std::string> ids;
  ASSERT_TRUE(units().ClosureAncestors("pre2025:07201", &ids).ok());
  std::sort(ids.begin(), ids.end());
  EXPECT_TRUE(std::binary_search(ids.begin(), ids.end(), "07210"));
  EXPECT_TRUE(std::binary_search(ids.begin(), ids.end(), "24"));
  EXPECT_TRUE(std::binary_search(ids.begin(), ids.end(), "pre2025:24"));
  EXPECT_TRUE(std::binary_search(ids.begin(), ids.end(), "pre2025:07201"));
  ids.clear();
  ASSERT_TRUE(units().ClosureDescendants("07210", &ids).ok());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "pre2025:07201"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "07210"), ids.end());
  ids.clear();
  ASSERT_TRUE(units().FormerAncestors("07210", &ids).ok());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "pre2025:24"), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "24"), ids.end()) << "only pre-2025 districts and provinces";
  ids.clear();
  ASSERT_TRUE(units().ClosureAncestors("nope", &ids).ok());
  EXPECT_TRUE(ids.empty());
}

TEST_P(OrgUnitLoadOn, Resolve) {
  auto resolve = [this](std::string_view in) {
    std::string id;
    Status st = ResolveOrgUnit(store(), in, &id);
    return st.ok() ? id : std::string("!").append(st.code_name()).append(":").append(st.field());
  };
  EXPECT_EQ(resolve("VN"), "VN");
  EXPECT_EQ(resolve("12"), "12");
  EXPECT_EQ(resolve("03349"), "03349");
  EXPECT_EQ(resolve("tyt:03349"), "tyt:03349");
  EXPECT_EQ(resolve("pre2025:105"), "pre2025:105");
  EXPECT_EQ(resolve("pre2025:03349"), "pre2025:03349");
  EXPECT_EQ(resolve(" 12 "), "12");
  EXPECT_EQ(resolve("105"), "pre2025:105");        // districts exist only before 2025
  EXPECT_EQ(resolve("00001"), "pre2025:00001");    // Phúc Xá: no 2025 commune with that code
  EXPECT_EQ(resolve("27"), "pre2025:27");          // old Bắc Ninh code, not a 2025 province
  EXPECT_EQ(resolve("24"), "24");                  // 2025 scheme wins over old Bắc Giang
  EXPECT_EQ(resolve("00004"), "00004");            // 2025 Phường Ba Đình wins over the old Trúc Bạch
  EXPECT_EQ(resolve("99999"), "!not_found:orgunit");
  EXPECT_EQ(resolve("999"), "!not_found:orgunit");
  EXPECT_EQ(resolve("1234"), "!not_found:orgunit");
  EXPECT_EQ(resolve("pre2025:99"), "!not_found:orgunit");
  EXPECT_EQ(resolve("tyt:00001"), "!not_found:orgunit");
  EXPECT_EQ(resolve(""), "!not_found:orgunit");
  EXPECT_EQ(resolve("Hà Nội"), "!not_found:orgunit");
}

TEST_P(OrgUnitLoadOn, SecondLoadIsANoOp) {
  std::vector<std::string> before, after;
  ASSERT_TRUE(units().ClosureDescendants("VN", &before).ok());
  int calls = 0;
  Status st = LoadOrgUnits(store(), kDataDir, [&](std::string_view, size_t, size_t) { ++calls; });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(calls, 0);
  ASSERT_TRUE(units().ClosureDescendants("VN", &after).ok());
  EXPECT_EQ(after.size(), before.size());
  // Even with a data dir that does not exist: nothing is read.
  EXPECT_TRUE(LoadOrgUnits(store(), "/nonexistent", {}).ok());
}

INSTANTIATE_TEST_SUITE_P(, OrgUnitLoadOn, test::kStoreKinds, test::StoreKindName);

// ---- Failures leave nothing behind -------------------------------------

struct Broken {
  fs::path dir;
  std::unique_ptr<store::Db> db;
  std::map<std::string, size_t> reached;
  Status st;
};

int64_t Rows(store::Db& db) {
  return Count(db, "SELECT (SELECT count(*) FROM orgunit) + (SELECT count(*) FROM orgunit_closure) + "
                   "(SELECT count(*) FROM orgunit_successor)");
}

Broken LoadBroken(const std::string& tag, const std::function<void(const fs::path& data)>& damage) {
  Broken b;
  b.dir = MakeTempDir(tag);
  fs::path data = CopyData(b.dir);
  damage(data);
  b.db = OpenMigrated(b.dir);
  b.st = LoadVia(*b.db, data.string(), [&](std::string_view stage, size_t done, size_t) {
    auto& v = b.reached[std::string(stage)];
    v = std::max(v, done);
  });
  return b;
}

TEST(OrgUnitLoadFailure, TruncatedCommunesFileRollsBack) {
  Broken b = LoadBroken("trunc", [](const fs::path& data) {
    fs::path f = data / "vn-admin/post2025/communes_2025.csv";
    std::string s = ReadFile(f);
    WriteFile(f, s.substr(0, s.size() * 9 / 10 + 7));  // cut in the middle of a row
  });
  EXPECT_FALSE(b.st.ok());
  EXPECT_EQ(b.st.code(), Code::invalid) << b.st.ToString();
  EXPECT_NE(b.st.message().find("communes_2025.csv"), std::string::npos) << b.st.message();
  EXPECT_GE(b.reached["communes"], 2500u) << "the failure should come after many rows were inserted";
  EXPECT_EQ(Rows(*b.db), 0);
  // The same database loads fine afterwards from the good data.
  Status st = LoadVia(*b.db, kDataDir);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Count(*b.db, "SELECT count(*) FROM orgunit WHERE scheme = 'vn2025' AND kind = 'commune'"), 3321);
  b.db.reset();
  fs::remove_all(b.dir);
}

TEST(OrgUnitLoadFailure, CommunesFileCutAtALineBoundaryRollsBack) {
  Broken b = LoadBroken("cutline", [](const fs::path& data) {
    fs::path f = data / "vn-admin/post2025/communes_2025.csv";
    std::string s = ReadFile(f);
    size_t cut = s.rfind('\n', s.size() - 2);  // drop the last commune
    WriteFile(f, s.substr(0, cut + 1));
  });
  EXPECT_FALSE(b.st.ok());
  EXPECT_NE(b.st.message().find("provinces_2025.csv says"), std::string::npos) << b.st.message();
  EXPECT_EQ(Rows(*b.db), 0);
  b.db.reset();
  fs::remove_all(b.dir);
}

TEST(OrgUnitLoadFailure, BrokenConversionTableRollsBack) {
  Broken b = LoadBroken("conv", [](const fs::path& data) {
    fs::path f = data / "vn-admin/post2025/nso_conversion_old_to_new_2025-07.csv";
    std::string s = ReadFile(f);
    WriteFile(f, s.substr(0, s.size() / 2) + "\"unterminated\n");
  });
  EXPECT_FALSE(b.st.ok());
  EXPECT_EQ(b.reached["communes"], 3321u);  // everything before the successors was inserted
  EXPECT_EQ(Rows(*b.db), 0);
  b.db.reset();
  fs::remove_all(b.dir);
}

TEST(OrgUnitLoadFailure, MissingFile) {
  Broken b = LoadBroken("missing", [](const fs::path& data) { fs::remove(data / "vn-admin/pre2025/units_2025-03-01.csv"); });
  EXPECT_FALSE(b.st.ok());
  EXPECT_EQ(Rows(*b.db), 0);
  b.db.reset();
  fs::remove_all(b.dir);
}

TEST(OrgUnitLoadVariants, DecomposedNamesAreStoredNfcAndBomIsSkipped) {
  Broken b = LoadBroken("nfd", [](const fs::path& data) {
    fs::path f = data / "vn-admin/post2025/communes_2025.csv";
    std::string s = ReadFile(f);
    // NFD: "ã" as a + U+0303, "ê" as e + U+0302.
    const std::string nfc = "03349,Xã Thanh Yên,";
    const std::string nfd = "03349,Xa\xCC\x83 Thanh Ye\xCC\x82n,";
    size_t at = s.find(nfc);
    ASSERT_NE(at, std::string::npos);
    s.replace(at, nfc.size(), nfd);
    WriteFile(f, s);
    fs::path conv = data / "vn-admin/post2025/nso_conversion_old_to_new_2025-07.csv";
    std::string c = ReadFile(conv);
    if (c.rfind("\xEF\xBB\xBF", 0) != 0) WriteFile(conv, std::string("\xEF\xBB\xBF").append(c));
  });
  ASSERT_TRUE(b.st.ok()) << b.st.ToString();
  {
    std::unique_ptr<store::Store> s;
    ASSERT_TRUE(store::OpenSqliteStore((b.dir / "test.db").string(), &s).ok());
    OrgUnit u;
    ASSERT_TRUE(s->orgunits().Get("03349", &u).ok());
    EXPECT_EQ(u.name, "Xã Thanh Yên");
    ASSERT_TRUE(s->orgunits().Get("tyt:03349", &u).ok());
    EXPECT_EQ(u.name, "Trạm Y tế Xã Thanh Yên");
  }
  EXPECT_EQ(Count(*b.db, "SELECT count(*) FROM orgunit_successor"), 10565);
  b.db.reset();
  fs::remove_all(b.dir);
}

}  // namespace
}  // namespace u5::orgunit
