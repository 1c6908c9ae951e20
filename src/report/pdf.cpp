// PDF through libharu: Liberation Serif embedded as TrueType with UTF-8
// encoding (every Vietnamese letter with its tone marks), the legal header
// block, a chart of the headline indicators against their targets, tables
// that continue across pages with their header repeated, and page numbers.
#include <hpdf.h>

#include <algorithm>
#include <cmath>
#include <csetjmp>
#include <vector>

#include "report/render.h"

namespace u5::report {
namespace {

constexpr float kW = 595.276f, kH = 841.89f;  // A4 portrait
constexpr float kLeft = 56, kRight = 40, kTop = 48, kBottom = 56;

void OnError(HPDF_STATUS error_no, HPDF_STATUS detail_no, void* user) {
  auto* st = static_cast<Status*>(user);
  if (st->ok()) *st = Status::Internal("pdf: libharu error " + std::to_string(error_no) + "/" + std::to_string(detail_no));
}

class Doc {
 public:
  Doc(HPDF_Doc pdf, HPDF_Font regular, HPDF_Font bold, HPDF_Font italic)
      : pdf_(pdf), regular_(regular), bold_(bold), italic_(italic) {}

  void NewPage() {
    page_ = HPDF_AddPage(pdf_);
    HPDF_Page_SetSize(page_, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    pages_.push_back(page_);
    y_ = kH - kTop;
  }
  float y() const { return y_; }
  void Down(float d) { y_ -= d; }
  // Starts a new page when fewer than `need` points are left.
  bool Need(float need) {
    if (y_ - need >= kBottom) return false;
    NewPage();
    return true;
  }

  float Width(HPDF_Font f, float size, const std::string& s) const {
    HPDF_Page_SetFontAndSize(page_, f, size);
    return HPDF_Page_TextWidth(page_, s.c_str());
  }
  void Text(HPDF_Font f, float size, float x, float y, const std::string& s) {
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, f, size);
    HPDF_Page_TextOut(page_, x, y, s.c_str());
    HPDF_Page_EndText(page_);
  }
  // Text in grey (an uncertain verdict) until Grey(false).
  void Grey(bool on) {
    const float g = on ? 0.45f : 0.0f;
    HPDF_Page_SetRGBFill(page_, g, g, g);
  }
  void Centre(HPDF_Font f, float size, float cx, float y, const std::string& s) { Text(f, size, cx - Width(f, size, s) / 2, y, s); }
  void RightAt(HPDF_Font f, float size, float rx, float y, const std::string& s) { Text(f, size, rx - Width(f, size, s), y, s); }

  // The size (at most `size`) at which the longest word of `s` fits `width`:
  // a word cannot wrap ("Denominator" in a 40 pt column) and must not cross
  // into the next cell.
  float FitWords(HPDF_Font f, float size, const std::string& s, float width) const {
    float widest = 0;
    size_t a = 0;
    while (a < s.size()) {
      size_t b = s.find(' ', a);
      if (b == std::string::npos) b = s.size();
      widest = std::max(widest, Width(f, size, s.substr(a, b - a)));
      a = b + 1;
    }
    return widest > width && widest > 0 ? std::max(5.0f, size * width / widest) : size;
  }
  // `s` cut (at a character boundary) to fit `width`.
  std::string Clip(HPDF_Font f, float size, std::string s, float width) const {
    while (!s.empty() && Width(f, size, s) > width) {
      s.pop_back();
      while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    }
    return s;
  }

  // Greedy word wrap; a word longer than the width stays on its own line.
  std::vector<std::string> Wrap(HPDF_Font f, float size, const std::string& s, float width) const {
    std::vector<std::string> lines;
    std::string line, word;
    auto flush_word = [&] {
      if (word.empty()) return;
      std::string cand = line.empty() ? word : line + " " + word;
      if (!line.empty() && Width(f, size, cand) > width) {
        lines.push_back(line);
        line = word;
      } else {
        line = cand;
      }
      word.clear();
    };
    for (char c : s) {
      if (c == ' ') flush_word();
      else word += c;
    }
    flush_word();
    if (!line.empty() || lines.empty()) lines.push_back(line);
    return lines;
  }
  // A wrapped paragraph from the current position.
  void Paragraph(HPDF_Font f, float size, const std::string& s, float indent = 0, bool centred = false) {
    const float width = kW - kLeft - kRight - indent;
    for (const auto& l : Wrap(f, size, s, width)) {
      Need(size * 1.4f);
      if (centred) Centre(f, size, kLeft + (kW - kLeft - kRight) / 2, y_ - size, l);
      else Text(f, size, kLeft + indent, y_ - size, l);
      y_ -= size * 1.4f;
    }
  }
  void Rect(float x, float y, float w, float h, float r, float g, float b, bool fill) {
    if (fill) {
      HPDF_Page_SetRGBFill(page_, r, g, b);
      HPDF_Page_Rectangle(page_, x, y, w, h);
      HPDF_Page_Fill(page_);
      HPDF_Page_SetRGBFill(page_, 0, 0, 0);
    } else {
      HPDF_Page_SetRGBStroke(page_, r, g, b);
      HPDF_Page_SetLineWidth(page_, 0.5f);
      HPDF_Page_Rectangle(page_, x, y, w, h);
      HPDF_Page_Stroke(page_);
      HPDF_Page_SetRGBStroke(page_, 0, 0, 0);
    }
  }
  void Line(float x1, float y1, float x2, float y2, float width, float r = 0, float g = 0, float b = 0) {
    HPDF_Page_SetRGBStroke(page_, r, g, b);
    HPDF_Page_SetLineWidth(page_, width);
    HPDF_Page_MoveTo(page_, x1, y1);
    HPDF_Page_LineTo(page_, x2, y2);
    HPDF_Page_Stroke(page_);
    HPDF_Page_SetRGBStroke(page_, 0, 0, 0);
  }
  void PageNumbers(Lang l) {
    const int n = static_cast<int>(pages_.size());
    for (int i = 0; i < n; ++i) {
      page_ = pages_[i];
      Centre(regular_, 9, kW / 2, 28, Tr(l, Label::page, {std::to_string(i + 1), std::to_string(n)}));
    }
  }

  HPDF_Font regular() const { return regular_; }
  HPDF_Font bold() const { return bold_; }
  HPDF_Font italic() const { return italic_; }

 private:
  HPDF_Doc pdf_;
  HPDF_Font regular_, bold_, italic_;
  HPDF_Page page_ = nullptr;
  std::vector<HPDF_Page> pages_;
  float y_ = 0;
};

// "*" after a small-number value, "(?)" after a verdict whose interval holds the target (Footnotes).
std::string CellText(Lang l, const Cell& c) {
  std::string s = c.num ? FormatNumber(l, *c.num, c.decimals) : c.text;
  if (c.small) s += " *";
  if (c.grey && !s.empty()) s += " (?)";
  return s;
}

void HeaderBlock(Doc& d, const Report& r) {
  const Template& t = *r.tmpl;
  const Lang L = r.lang;
  const float lc = kLeft + 95, rc = kW - kRight - 150;
  float y = d.y();
  d.Centre(d.regular(), 11, lc, y - 11, Pick(L, t.issuing_parent_vi, t.issuing_parent_en));
  d.Centre(d.bold(), 11, rc, y - 11, Tr(L, Label::motto));
  d.Centre(d.bold(), 11, lc, y - 25, Pick(L, t.issuing_body_vi, t.issuing_body_en));
  d.Centre(d.bold(), 12, rc, y - 26, Tr(L, Label::independence));
  d.Line(lc - 30, y - 30, lc + 30, y - 30, 0.6f);
  d.Line(rc - 70, y - 31, rc + 70, y - 31, 0.6f);
  d.Centre(d.regular(), 11, lc, y - 46, Pick(L, t.number_vi, t.number_en));
  d.Centre(d.italic(), 11, rc, y - 48, PlaceAndDate(r));
  d.Down(70);
  d.Paragraph(d.bold(), 13, Pick(L, t.title_vi, t.title_en), 0, true);
  d.Paragraph(d.italic(), 11,
              Tr(L, Label::period_line, {r.period.text, FormatDate(r.period.from), FormatDate(r.period.to), r.orgunit_name}), 0, true);
  d.Down(6);
  for (const auto& l : Pick(L, t.legal_basis_vi, t.legal_basis_en)) d.Paragraph(d.italic(), 10.5f, l, 14);
  d.Down(4);
  if (t.statistics_form())
    d.Paragraph(d.regular(), 10.5f, Tr(L, Label::cover_due, {FormatDate(r.due_before)}), 14);
  else if (!r.line_list)
    d.Paragraph(d.regular(), 10.5f,
              Tr(L, Label::due_line, {FormatDate(r.due_before), std::to_string(r.completeness.signed_off),
                                      std::to_string(r.completeness.expected), FormatNumber(L, r.completeness.completeness_pct(), 1),
                                      FormatNumber(L, r.completeness.timeliness_pct(), 1)}),
              14);
  d.Down(8);
}

// Each indicator on its own scale (a rate in ‰ and a coverage in % share no
// axis): the bar is the period's value, the red mark the plan's target.
void Chart(Doc& d, const Report& r) {
  const Lang L = r.lang;
  d.Need(40);
  d.Paragraph(d.bold(), 12, Tr(L, Label::chart_title));
  const float label_w = 190, bar_x = kLeft + label_w + 8, bar_w = kW - kRight - bar_x - 70, row_h = 26;
  for (const auto& h : r.headline) {
    d.Need(row_h + 4);
    const float top = d.y();
    auto lines = d.Wrap(d.regular(), 8.5f, Pick(L, h.name_vi, h.name_en), label_w);
    float ly = top - 9;
    for (size_t i = 0; i < lines.size() && i < 2; ++i, ly -= 10) d.Text(d.regular(), 8.5f, kLeft, ly, lines[i]);
    const double v = h.value.value_or(0), tg = h.target.value_or(0);
    const double scale_max = std::max({v, tg, 1e-9}) * 1.25;
    const float bw = static_cast<float>(bar_w * (v / scale_max));
    d.Rect(bar_x, top - 16, bar_w, 12, 0.93f, 0.93f, 0.93f, true);
    const bool good = h.status == "achieved" || h.status == "on_track";
    // An uncertain verdict is drawn grey, neither green nor red.
    if (h.value) d.Rect(bar_x, top - 16, bw, 12, h.uncertain ? 0.6f : good ? 0.2f : 0.85f, h.uncertain ? 0.6f : good ? 0.55f : 0.45f,
                        h.uncertain ? 0.6f : 0.25f, true);
    if (h.target) {
      const float tx = bar_x + static_cast<float>(bar_w * (tg / scale_max));
      d.Line(tx, top - 19, tx, top - 1, 1.6f, 0.8f, 0.0f, 0.0f);
    }
    d.Text(d.bold(), 8.5f, bar_x + bar_w + 4, top - 13,
           h.value ? FormatNumber(L, *h.value, 1) + " " + UnitLabel(L, h.unit) + (h.small ? " *" : "") : "—");
    if (h.ci_low && h.ci_high)
      d.Text(d.italic(), 7.5f, bar_x + bar_w * 0.55f, top - 24,
             Tr(L, Label::col_ci) + ": " + FormatNumber(L, *h.ci_low, 1) + "–" + FormatNumber(L, *h.ci_high, 1));
    d.Text(d.italic(), 7.5f, bar_x, top - 24,
           Tr(L, Label::chart_target, {h.target_year ? std::to_string(h.target_year) : std::string(),
                                       h.target_printed.empty() ? "—" : h.target_printed}));
    d.Down(row_h);
  }
  d.Text(d.italic(), 8, kLeft, d.y() - 8, Tr(L, Label::chart_legend));
  d.Down(18);
}

void DrawTable(Doc& d, const Table& t, int number, Lang L) {
  const float total_w = kW - kLeft - kRight;
  const bool headline = t.id == "headline";
  const float code_w = 34, name_w = headline ? 150 : 112;
  const float col_w = (total_w - code_w - name_w) / static_cast<float>(t.columns.size());
  const float fs = t.columns.size() > 7 ? 7.0f : 8.0f, lead = fs * 1.25f;
  std::vector<float> xs = {kLeft, kLeft + code_w, kLeft + code_w + name_w};
  for (size_t c = 1; c <= t.columns.size(); ++c) xs.push_back(kLeft + code_w + name_w + col_w * static_cast<float>(c));

  // The header: indicator names spanning their columns, then the column titles.
  auto header = [&] {
    float group_h = 0;
    bool groups = false;
    for (const auto& c : t.columns) groups |= !c.Group(L).empty();
    if (groups) {
      size_t c = 0;
      std::vector<std::pair<size_t, size_t>> spans;
      while (c < t.columns.size()) {
        size_t e = c + 1;
        while (e < t.columns.size() && t.columns[e].Group(L) == t.columns[c].Group(L)) ++e;
        spans.emplace_back(c, e);
        c = e;
      }
      for (auto [a, b] : spans)
        group_h = std::max(group_h, lead * d.Wrap(d.bold(), fs, t.columns[a].Group(L), xs[b + 2] - xs[a + 2] - 4).size() + 4);
      const float top = d.y();
      for (auto [a, b] : spans) {
        d.Rect(xs[a + 2], top - group_h, xs[b + 2] - xs[a + 2], group_h, 0, 0, 0, false);
        float ly = top - fs - 2;
        for (const auto& l : d.Wrap(d.bold(), fs, t.columns[a].Group(L), xs[b + 2] - xs[a + 2] - 4)) {
          d.Centre(d.bold(), fs, (xs[a + 2] + xs[b + 2]) / 2, ly, l);
          ly -= lead;
        }
      }
    }
    float col_h = 0;
    std::vector<float> col_fs;
    for (size_t c = 0; c < t.columns.size(); ++c) {
      col_fs.push_back(d.FitWords(d.bold(), fs, t.columns[c].Title(L), col_w - 4));
      col_h = std::max(col_h, lead * d.Wrap(d.bold(), col_fs[c], t.columns[c].Title(L), col_w - 4).size() + 4);
    }
    const float top = d.y() - group_h;
    const float full = group_h + col_h;
    d.Rect(xs[0], d.y() - full, code_w, full, 0, 0, 0, false);
    d.Rect(xs[1], d.y() - full, name_w, full, 0, 0, 0, false);
    d.Centre(d.bold(), fs, (xs[0] + xs[1]) / 2, d.y() - fs - 2,
             t.code_title_vi.empty() ? Tr(L, Label::col_code) : Pick(L, t.code_title_vi, t.code_title_en));
    d.Centre(d.bold(), fs, (xs[1] + xs[2]) / 2, d.y() - fs - 2,
             !t.name_title_vi.empty() ? Pick(L, t.name_title_vi, t.name_title_en) : Tr(L, headline ? Label::col_indicator : Label::col_orgunit));
    for (size_t c = 0; c < t.columns.size(); ++c) {
      d.Rect(xs[c + 2], top - col_h, col_w, col_h, 0, 0, 0, false);
      float ly = top - fs - 2;
      for (const auto& l : d.Wrap(d.bold(), col_fs[c], t.columns[c].Title(L), col_w - 4)) {
        d.Centre(d.bold(), col_fs[c], xs[c + 2] + col_w / 2, ly, l);
        ly -= lead;
      }
    }
    d.Down(full);
  };

  d.Need(80);
  d.Paragraph(d.bold(), 11.5f, std::to_string(number) + ". " + t.Title(L));
  d.Down(2);
  header();
  for (const auto& row : t.rows) {
    const HPDF_Font f = row.total ? d.bold() : d.regular();
    size_t lines = d.Wrap(f, fs, row.name, name_w - 4).size();
    for (size_t c = 0; c < row.cells.size(); ++c)
      if (!row.cells[c].num) lines = std::max(lines, d.Wrap(f, fs, CellText(L, row.cells[c]), col_w - 4).size());
    const float h = lead * static_cast<float>(lines) + 4;
    if (d.Need(h)) {
      d.Paragraph(d.italic(), 9, Tr(L, Label::continued, {std::to_string(number) + ". " + t.Title(L)}));
      header();
    }
    const float top = d.y();
    for (size_t c = 0; c + 1 < xs.size(); ++c) d.Rect(xs[c], top - h, xs[c + 1] - xs[c], h, 0, 0, 0, false);
    d.Text(f, fs, xs[0] + 2, top - fs - 2, d.Clip(f, fs, row.orgunit, code_w - 4));
    float ly = top - fs - 2;
    for (const auto& l : d.Wrap(f, fs, row.name, name_w - 4)) {
      d.Text(f, fs, xs[1] + 2, ly, l);
      ly -= lead;
    }
    for (size_t c = 0; c < row.cells.size() && c < t.columns.size(); ++c) {
      const Cell& cl = row.cells[c];
      if (cl.num) {
        d.RightAt(f, fs, xs[c + 3] - 2, top - fs - 2, CellText(L, cl));
      } else {
        float cy = top - fs - 2;
        if (cl.grey) d.Grey(true);
        for (const auto& l : d.Wrap(f, fs, CellText(L, cl), col_w - 4)) {
          d.Text(f, fs, xs[c + 2] + 2, cy, l);
          cy -= lead;
        }
        if (cl.grey) d.Grey(false);
      }
    }
    d.Down(h);
  }
  d.Down(12);
}

}  // namespace

Status WritePdf(const Report& r, const std::string& path, const std::string& font_dir) {
  Status err;
  HPDF_Doc pdf = HPDF_New(OnError, &err);
  if (!pdf) return Status::Internal("pdf: cannot create a document");
  HPDF_UseUTFEncodings(pdf);
  HPDF_SetCurrentEncoder(pdf, "UTF-8");
  HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
  auto load = [&](const char* file) -> HPDF_Font {
    const std::string p = font_dir + "/" + file;
    const char* name = HPDF_LoadTTFontFromFile(pdf, p.c_str(), HPDF_TRUE);
    if (!name) return nullptr;
    return HPDF_GetFont(pdf, name, "UTF-8");
  };
  HPDF_Font regular = load("LiberationSerif-Regular.ttf");
  HPDF_Font bold = load("LiberationSerif-Bold.ttf");
  HPDF_Font italic = load("LiberationSerif-Italic.ttf");
  if (!regular || !bold || !italic || !err.ok()) {
    HPDF_Free(pdf);
    return Status::Internal("pdf: cannot load Liberation Serif from " + font_dir + " (install fonts-liberation2)" +
                            (err.ok() ? "" : ": " + err.message()));
  }
  HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, Pick(r.lang, r.tmpl->title_vi, r.tmpl->title_en).c_str());
  HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "under5");
  Doc d(pdf, regular, bold, italic);
  d.NewPage();
  HeaderBlock(d, r);
  if (!r.headline.empty()) Chart(d, r);  // a line list or a statistics form has no headline
  int n = 1;
  for (const auto& t : r.tables) DrawTable(d, t, n++, r.lang);
  for (const auto& note : Footnotes(r)) d.Paragraph(d.italic(), 8.5f, note);
  d.Need(90);
  d.Down(10);
  d.Text(d.bold(), 10, kLeft, d.y() - 10, Tr(r.lang, Label::recipients));
  float y = d.y() - 24;
  for (const auto& rc : Pick(r.lang, r.tmpl->recipients_vi, r.tmpl->recipients_en)) {
    d.Text(d.italic(), 9.5f, kLeft, y, "- " + rc + ";");
    y -= 12;
  }
  d.Centre(d.bold(), 11, kW - kRight - 120, d.y() - 10, Tr(r.lang, Label::signer));
  d.PageNumbers(r.lang);
  HPDF_STATUS s = HPDF_SaveToFile(pdf, path.c_str());
  HPDF_Free(pdf);
  if (!err.ok()) return err;
  if (s != HPDF_OK) return Status::Internal("pdf: cannot write " + path);
  return Status::Ok();
}

}  // namespace u5::report
