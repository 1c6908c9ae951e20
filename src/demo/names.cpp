#include "demo/names.h"

#include <array>
#include <vector>

namespace u5::demo {
namespace {

struct Weighted {
  const char* text;
  double weight;
};

template <size_t N>
const char* PickText(Rng& rng, const std::array<Weighted, N>& items) {
  double total = 0;
  for (const auto& w : items) total += w.weight;
  double u = rng.Uniform() * total;
  for (const auto& w : items) {
    if (u < w.weight) return w.text;
    u -= w.weight;
  }
  return items.back().text;
}

template <size_t N>
const char* Any(Rng& rng, const std::array<const char*, N>& items) {
  return items[rng.Below(N)];
}

// Kinh family names, northern spellings (Hoàng, Vũ), shares in percent as
// commonly cited from population studies (Nguyễn ~38%, Trần ~11%, Lê ~9.5%, ...).
const std::array<Weighted, 16> kKinhFamily = {{{"Nguyễn", 38.4}, {"Trần", 11.0}, {"Lê", 9.5}, {"Phạm", 7.1},
                                               {"Hoàng", 5.1}, {"Phan", 4.5}, {"Vũ", 3.9}, {"Đặng", 2.1},
                                               {"Bùi", 2.0}, {"Đỗ", 1.4}, {"Hồ", 1.3}, {"Ngô", 1.3},
                                               {"Dương", 1.0}, {"Lý", 0.5}, {"Đinh", 0.7}, {"Trịnh", 0.6}}};
const std::array<const char*, 10> kKinhMiddleF = {"Thị", "Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng"};
const std::array<const char*, 10> kKinhMiddleM = {"Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Tuấn", "Thành", "Xuân", "Công"};
const std::array<const char*, 24> kKinhGivenF = {"Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Huyền", "Ngọc",
                                                 "Thảo", "Hà", "Nhung", "Phương", "Anh", "Yến", "Thủy", "Hằng",
                                                 "Giang", "Nga", "Vân", "Dung", "Hạnh", "Loan", "Oanh", "Ly"};
const std::array<const char*, 24> kKinhGivenM = {"Anh", "Dũng", "Hùng", "Nam", "Tuấn", "Minh", "Long", "Huy",
                                                 "Đức", "Sơn", "Hải", "Thắng", "Quân", "Phong", "Khánh", "Bình",
                                                 "Cường", "Hiếu", "Tùng", "Việt", "Trung", "Kiên", "Lâm", "Vinh"};
const std::array<const char*, 10> kThaiFamily = {"Lò", "Lường", "Quàng", "Cầm", "Điêu", "Tòng", "Vì", "Lù", "Hoàng", "Lừ"};
const std::array<const char*, 12> kThaiGivenF = {"Ún", "Panh", "Ỏn", "Xuân", "Mai", "Phương", "Thoa", "Ngọc", "Pâng", "Hoa", "Dung", "Ánh"};
const std::array<const char*, 12> kThaiGivenM = {"Pánh", "Xiêng", "Ún", "Inh", "Khăm", "Chiến", "Thanh", "Hợp", "Tuân", "Lả", "Sương", "Đôi"};
const std::array<const char*, 10> kMongFamily = {"Giàng", "Sùng", "Vàng", "Lý", "Hạng", "Thào", "Mùa", "Lầu", "Tráng", "Chang"};
const std::array<const char*, 12> kMongGivenF = {"Sua", "Mỷ", "Dợ", "Pằng", "Chứ", "Mai", "Dở", "Súa", "Ly", "Sí", "Cở", "Mỉ"};
const std::array<const char*, 12> kMongGivenM = {"Sử", "Páo", "Chư", "Dế", "Tủa", "Lử", "Sình", "Dơ", "Chừ", "Pó", "Thào", "Vàng"};
const std::array<const char*, 8> kDaoFamily = {"Tẩn", "Lý", "Chảo", "Phàn", "Đặng", "Triệu", "Bàn", "Lò"};
const std::array<const char*, 10> kDaoGivenF = {"Mẩy", "Sành", "Phẩy", "Xuân", "Lở", "Mụi", "Chiêu", "Nái", "Mùi", "Quyên"};
const std::array<const char*, 10> kDaoGivenM = {"Chòi", "Quẩy", "Phin", "Lở", "Seo", "Vần", "Kiềm", "Táo", "Sành", "Tả"};
const std::array<const char*, 10> kTayFamily = {"Hoàng", "Nông", "Lục", "Ma", "Hà", "Triệu", "Lương", "Đàm", "Bế", "La"};
const std::array<const char*, 6> kMuongFamily = {"Đinh", "Bùi", "Quách", "Hà", "Xa", "Cao"};
const std::array<const char*, 6> kGiayFamily = {"Lò", "Hoàng", "Vàng", "Lù", "Sần", "Giàng"};
const std::array<const char*, 6> kHaNhiFamily = {"Lý", "Chu", "Pờ", "Lò", "Phìn", "Sừ"};
const std::array<const char*, 8> kHaNhiGivenF = {"Mé", "Xá", "Chừ", "Pu", "Mơ", "Sơ", "Ché", "Lu"};
const std::array<const char*, 8> kHaNhiGivenM = {"Gơ", "Xá", "Chừ", "Phì", "Hừ", "Lò", "Chó", "Pa"};

const std::array<const char*, 24> kBanNames = {"Nà Sẳng", "Sin Chải", "Pá Khoang", "Huổi Só", "Nậm Cười", "Phiêng Lơi",
                                               "Co Muông", "Tà Lèng", "Hua Bum", "Mường Mô", "Nà Hừ", "Pu Sam Cáp",
                                               "Lả Mường", "Nậm Tăm", "Hồ Thầu", "Sì Thâu Chải", "Nà Khum", "Bó Lun",
                                               "Ten Hon", "Phìn Hồ", "Noong Hẻo", "Tả Phìn", "Ma Quai", "Chăn Nưa"};
const std::array<const char*, 20> kThonNames = {"Đông", "Đoài", "Thượng", "Hạ", "Trung", "Nam", "Bắc", "An Lạc",
                                                "Phú Xuân", "Tân Lập", "Đồng Tâm", "Quyết Tiến", "Văn Phú", "Hòa Bình",
                                                "Đại Đồng", "Cầu Đá", "Phúc Lâm", "Minh Khai", "Lương Xá", "Nội"};

std::string Join(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts) {
    if (p.empty()) continue;
    if (!s.empty()) s.push_back(' ');
    s.append(p);
  }
  return s;
}

std::string_view FamilyOf(std::string_view name) { return name.substr(0, name.find(' ')); }

const char* Family(Rng& rng, Ethnic e) {
  switch (e) {
    case Ethnic::kinh: return PickText(rng, kKinhFamily);
    case Ethnic::thai: return Any(rng, kThaiFamily);
    case Ethnic::mong: return Any(rng, kMongFamily);
    case Ethnic::dao: return Any(rng, kDaoFamily);
    case Ethnic::tay:
    case Ethnic::nung: return Any(rng, kTayFamily);
    case Ethnic::muong: return Any(rng, kMuongFamily);
    case Ethnic::giay: return Any(rng, kGiayFamily);
    case Ethnic::ha_nhi: return Any(rng, kHaNhiFamily);
  }
  return "Nguyễn";
}

std::string Rest(Rng& rng, Ethnic e, bool female) {
  switch (e) {
    case Ethnic::thai:
      return Join({female ? "Thị" : "Văn", female ? Any(rng, kThaiGivenF) : Any(rng, kThaiGivenM)});
    case Ethnic::mong:
    case Ethnic::giay:
      // Mông men's names carry "A" where others have "Văn".
      return Join({female ? "Thị" : "A", female ? Any(rng, kMongGivenF) : Any(rng, kMongGivenM)});
    case Ethnic::dao:
      return Join({female ? "Thị" : "Văn", female ? Any(rng, kDaoGivenF) : Any(rng, kDaoGivenM)});
    case Ethnic::ha_nhi:
      return Join({female ? "Mé" : "A", female ? Any(rng, kHaNhiGivenF) : Any(rng, kHaNhiGivenM)});
    default:
      return Join({female ? Any(rng, kKinhMiddleF) : Any(rng, kKinhMiddleM),
                   female ? Any(rng, kKinhGivenF) : Any(rng, kKinhGivenM)});
  }
}

}  // namespace

std::string_view EthnicCode(Ethnic e) {
  switch (e) {
    case Ethnic::kinh: return "01";
    case Ethnic::tay: return "02";
    case Ethnic::thai: return "03";
    case Ethnic::muong: return "06";
    case Ethnic::nung: return "07";
    case Ethnic::mong: return "08";
    case Ethnic::dao: return "09";
    case Ethnic::giay: return "25";
    case Ethnic::ha_nhi: return "35";
  }
  return "01";
}

std::string PersonName(Rng& rng, Ethnic e, bool female) { return Join({Family(rng, e), Rest(rng, e, female)}); }

std::string ChildName(Rng& rng, Ethnic e, bool female, std::string_view mother_name) {
  // Mông, Dao and Hà Nhì clans are exogamous: the child never shares the
  // mother's family name; elsewhere the father's name is drawn afresh, which
  // coincides with the mother's at the population frequency.
  std::string family = Family(rng, e);
  if ((e == Ethnic::mong || e == Ethnic::dao || e == Ethnic::ha_nhi) && family == FamilyOf(mother_name)) {
    family = Family(rng, e);
  }
  return Join({family, Rest(rng, e, female)});
}

std::string VillageName(Rng& rng, bool mountain, bool town, int index) {
  if (town) return "Tổ dân phố " + std::to_string(index + 1);
  if (mountain) return std::string("Bản ") + Any(rng, kBanNames);
  if (rng.Chance(0.3)) return "Thôn " + std::to_string(index + 1);
  return std::string("Thôn ") + Any(rng, kThonNames);
}

std::string PhoneNumber(Rng& rng) {
  std::string s = "019";
  for (int i = 0; i < 7; ++i) s.push_back(static_cast<char>('0' + rng.Below(10)));
  return s;
}

}  // namespace u5::demo
