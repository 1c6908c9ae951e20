#include "report/labels.h"

#include <array>
#include <cstdio>
#include <cstdlib>

namespace u5::report {
namespace {

struct Entry {
  Label key;
  std::string vi, en;
};

// Kept in the order of `Label` (checked when the table is first used).
const std::array<Entry, static_cast<size_t>(Label::count_)>& Table() {
  static const std::array<Entry, static_cast<size_t>(Label::count_)> t = {{
      {Label::motto, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"},
      {Label::independence, "Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"},
      {Label::signer, "GIÁM ĐỐC", "DIRECTOR"},
      {Label::recipients, "Nơi nhận:", "Recipients:"},
      {Label::page, "Trang {}/{}", "Page {} of {}"},
      {Label::period_line, "Kỳ báo cáo {} (từ {} đến {}) — {}", "Reporting period {} ({} to {}) — {}"},
      {Label::due_line, "Hạn báo cáo: trước ngày {}. Đơn vị đã xác nhận số liệu: {}/{} ({}%), đúng hạn {}%.",
       "Due before {}. Units that confirmed their figures: {}/{} ({}%), on time {}%."},
      {Label::chart_title, "I. CÁC CHỈ TIÊU CHÍNH SO VỚI MỤC TIÊU", "I. HEADLINE INDICATORS AGAINST TARGETS"},
      {Label::chart_target, "Mục tiêu {}: {}", "Target {}: {}"},
      {Label::chart_legend, "Thanh: kết quả kỳ báo cáo; vạch đỏ: mục tiêu của kế hoạch (mỗi chỉ số một thang đo).",
       "Bar: the period's value; red mark: the plan's target (each indicator on its own scale)."},
      {Label::continued, "{} (tiếp theo)", "{} (continued)"},
      {Label::col_code, "Mã", "Code"},
      {Label::col_indicator, "Chỉ số", "Indicator"},
      {Label::col_orgunit, "Đơn vị", "Org unit"},
      {Label::col_numerator, "Tử số", "Numerator"},
      {Label::col_denominator, "Mẫu số", "Denominator"},
      {Label::col_value, "Kết quả", "Value"},
      {Label::col_value_unit, "Kết quả ({})", "Value ({})"},
      {Label::col_unit, "Đơn vị", "Unit"},
      {Label::col_target, "Mục tiêu", "Target"},
      {Label::col_target_year, "Năm mục tiêu", "Target year"},
      {Label::col_status, "Đánh giá", "Status"},
      {Label::signoff_state, "Trạng thái", "Status"},
      {Label::col_confirmed_by, "Người xác nhận", "Confirmed by"},
      {Label::col_confirmed_on, "Ngày xác nhận", "Confirmed on"},
      {Label::col_on_time, "Đúng hạn", "On time"},
      {Label::col_changed_since, "Số liệu thay đổi sau xác nhận", "Figures changed since"},
      {Label::headline_title, "Các chỉ tiêu chính so với mục tiêu", "Headline indicators against targets"},
      {Label::signoff_title, "Xác nhận số liệu của đơn vị", "Sign-off by reporting units"},
      {Label::total_row, "Toàn {}", "{} (total)"},
      {Label::completeness_row, "Tỷ lệ đầy đủ / đúng hạn (%)", "Completeness / timeliness (%)"},
      {Label::status_achieved, "Đạt", "Achieved"},
      {Label::status_on_track, "Đúng tiến độ", "On track"},
      {Label::status_at_risk, "Có nguy cơ không đạt", "At risk"},
      {Label::status_off_track, "Không đạt tiến độ", "Off track"},
      {Label::status_unknown, "Chưa đánh giá được", "Not assessable"},
      {Label::signoff_confirmed, "Đã xác nhận", "Confirmed"},
      {Label::signoff_not_confirmed, "Chưa xác nhận", "Not confirmed"},
      {Label::signoff_reopened, "Đã mở lại", "Reopened"},
      {Label::yes, "Có", "Yes"},
      {Label::no, "Không", "No"},
      {Label::cover_sheet, "bao_cao", "report"},
      {Label::cover_period, "Kỳ báo cáo: {} ({} – {})", "Reporting period: {} ({} – {})"},
      {Label::cover_orgunit, "Đơn vị: {} ({})", "Org unit: {} ({})"},
      {Label::cover_due, "Hạn báo cáo: trước ngày {}", "Due before {}"},
      {Label::cover_completeness, "Tỷ lệ đơn vị xác nhận số liệu (%)", "Completeness: units that confirmed their figures (%)"},
      {Label::cover_timeliness, "Tỷ lệ xác nhận đúng hạn (%)", "Timeliness: confirmed on time (%)"},
      {Label::target_increase_pct, "Tăng {}% so với năm {}", "{}% increase on {}"},
      {Label::unit_count, "số lượng", "count"},
      {Label::unit_per_100k, "/100.000", "per 100,000"},
      {Label::col_ci, "KTC 95%", "95% CI"},
      {Label::small_note,
       "* Số nhỏ: tỷ suất dựa trên dưới {} ca tử vong hoặc tỷ lệ dựa trên dưới {} người; con số dao động nhiều do ngẫu nhiên, "
       "cần xem cùng khoảng tin cậy 95% và không dùng để xếp hạng.",
       "* Small numbers: a rate on fewer than {} deaths or a percentage on fewer than {} persons; it varies a lot by chance, "
       "read it with its 95% interval and do not rank on it."},
      {Label::uncertain_note, "(?) Đánh giá in màu xám: khoảng tin cậy 95% chứa chỉ tiêu, số liệu chưa đủ để kết luận.",
       "(?) Status in grey: the 95% interval contains the target; the data cannot tell whether it is met."},
      {Label::form_no, "STT", "No."},
      {Label::form_item, "Nội dung", "Item"},
      {Label::form_total, "Tổng số", "Total"},
      {Label::form_male, "Nam", "Male"},
      {Label::form_female, "Nữ", "Female"},
      {Label::form_note, "Ghi chú", "Note"},
      {Label::form_not_recorded, "Sổ điện tử không ghi nhận: {}", "Not recorded: {}"},
      {Label::form_rows_title, "Cách đếm từng dòng của biểu", "How each row of the form is counted"},
      {Label::form_counted_as, "{} của chỉ số “{}” ({})", "{} of the indicator “{}” ({})"},
      {Label::form_numerator, "Tử số", "Numerator"},
      {Label::form_denominator, "Mẫu số", "Denominator"},
  }};
  static const bool ordered = [] {
    for (size_t i = 0; i < t.size(); ++i)
      if (static_cast<size_t>(t[i].key) != i) {
        std::fprintf(stderr, "report labels: entry %zu is out of order\n", i);
        std::abort();
      }
    return true;
  }();
  (void)ordered;
  return t;
}

}  // namespace

Status ParseLang(const std::string& s, const std::string& field, Lang* out) {
  if (s.empty() || s == "vi") {
    *out = Lang::vi;
  } else if (s == "en") {
    *out = Lang::en;
  } else {
    return Status::Invalid(field, field + " must be vi or en, not '" + s + "'");
  }
  return Status::Ok();
}

const char* LangCode(Lang l) { return l == Lang::en ? "en" : "vi"; }

const std::string& Tr(Lang l, Label k) {
  const Entry& e = Table()[static_cast<size_t>(k)];
  return l == Lang::en ? e.en : e.vi;
}

std::string Tr(Lang l, Label k, std::initializer_list<std::string> args) {
  const std::string& f = Tr(l, k);
  std::string o;
  auto arg = args.begin();
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == '{' && i + 1 < f.size() && f[i + 1] == '}' && arg != args.end()) {
      o += *arg++;
      ++i;
    } else {
      o += f[i];
    }
  }
  return o;
}

std::string LongDate(Lang l, Date date) {
  static const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                        "July",    "August",   "September", "October", "November", "December"};
  int y;
  unsigned m, d;
  YmdFromDate(date, y, m, d);
  char buf[64];
  if (l == Lang::en) std::snprintf(buf, sizeof buf, "%u %s %d", d, kMonths[(m - 1) % 12], y);
  else std::snprintf(buf, sizeof buf, "ngày %02u tháng %02u năm %d", d, m, y);
  return buf;
}

std::string FormatNumber(Lang l, double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (l == Lang::vi)
    for (char& c : s)
      if (c == '.') c = ',';
  return s;
}

std::string UnitLabel(Lang l, const std::string& unit) {
  if (unit == "count") return Tr(l, Label::unit_count);
  if (unit == "per 100,000") return Tr(l, Label::unit_per_100k);
  return unit;
}

const std::string& StatusLabel(Lang l, const std::string& status) {
  if (status == "achieved") return Tr(l, Label::status_achieved);
  if (status == "on_track") return Tr(l, Label::status_on_track);
  if (status == "at_risk") return Tr(l, Label::status_at_risk);
  if (status == "off_track") return Tr(l, Label::status_off_track);
  return Tr(l, Label::status_unknown);
}

}  // namespace u5::report
