// Output formats of a report (docs/reports.md): CSV, XLSX (libxlsxwriter),
// PDF (libharu), ADX XML and DHIS2 dataValueSets JSON.
#pragma once
#include <string>

#include "core/status.h"
#include "report/labels.h"
#include "report/model.h"

namespace u5::report {

// Long format: one line per org unit and indicator. `bom` puts a UTF-8 BOM
// first so Excel reads the Vietnamese names as UTF-8. The header line is the
// same in both languages (column names for programs); indicator names follow
// the report's language. A statistics form: one line per org unit and form row
// (report,period,orgunit,orgunit_name,row,row_label,total,male,female,note).
std::string ToCsv(const Report& r, bool bom);
// One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, quote or line break.
std::string CsvField(const std::string& s);
Status WriteXlsx(const Report& r, const std::string& path);
// `font_dir` holds LiberationSerif-{Regular,Bold}.ttf (fonts-liberation2).
Status WritePdf(const Report& r, const std::string& path, const std::string& font_dir);
std::string ToAdx(const Report& r, const std::string& exported_at);
// Invalid for a period DHIS2 has no code for (a custom range).
Status ToDataValueSets(const Report& r, std::string* out);

// Shared by the renderers: "Lai Châu, ngày 26 tháng 11 năm 2026" / "Lai Châu, 26 November 2026".
std::string PlaceAndDate(const Report& r);
// 12.3 -> "12,3" (Vietnamese decimal comma), for the printed formats.
std::string FormatVi(double v, int decimals);
// Export codes (data/reports mapping, docs/reports.md): U5_<INDICATOR>_NUM|DEN|VAL.
std::string DataElementCode(const std::string& indicator, const char* part);

}  // namespace u5::report
