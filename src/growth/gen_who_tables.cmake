# Build-time generator: turns data/who-growth/*.csv (WHO LMS tables) into a
# C++ source file with constant arrays, so the binary needs no data files.
#
#   cmake -DDATA_DIR=<dir with csv> -DOUT=<file.cpp> -P gen_who_tables.cmake
#
# The numbers are copied verbatim (as text) from the CSV files. The script
# checks that every table is complete: both sexes, contiguous x values in the
# documented steps (1 day, or 0.1 cm), same first/last x for both sexes.

if(NOT DATA_DIR OR NOT OUT)
  message(FATAL_ERROR "usage: cmake -DDATA_DIR=... -DOUT=... -P gen_who_tables.cmake")
endif()

# name in C++ | csv file | x kind (day / mm: x in tenths of cm) | first x | last x
set(TABLES
  "wfa|weight_for_age.csv|day|0|1826"
  "lhfa|length_height_for_age.csv|day|0|1826"
  "wfl|weight_for_length.csv|tenth|450|1100"
  "wfh|weight_for_height.csv|tenth|650|1200"
  "bmi|bmi_for_age.csv|day|0|1826"
  "hc|head_circumference_for_age.csv|day|0|1826"
  "ac|arm_circumference_for_age.csv|day|91|1826"
  "ts|triceps_skinfold_for_age.csv|day|91|1826"
  "ss|subscapular_skinfold_for_age.csv|day|91|1826"
)

set(num "-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")
set(body "")
foreach(spec IN LISTS TABLES)
  string(REPLACE "|" ";" spec "${spec}")
  list(GET spec 0 name)
  list(GET spec 1 file)
  list(GET spec 2 kind)
  list(GET spec 3 first)
  list(GET spec 4 last)
  math(EXPR count "${last} - ${first} + 1")

  file(STRINGS "${DATA_DIR}/${file}" lines)
  list(LENGTH lines nlines)
  math(EXPR expected_lines "2 * ${count} + 1")
  if(NOT nlines EQUAL expected_lines)
    message(FATAL_ERROR "${file}: ${nlines} lines, expected ${expected_lines}")
  endif()
  list(GET lines 0 header)
  if(NOT header MATCHES "^sex,(age|length|height),l,m,s(,loh|,lorh)?$")
    message(FATAL_ERROR "${file}: unexpected header '${header}'")
  endif()
  list(REMOVE_AT lines 0)

  set(rows1 "")
  set(rows2 "")
  set(next1 ${first})
  set(next2 ${first})
  set(lineno 1)
  foreach(line IN LISTS lines)
    math(EXPR lineno "${lineno} + 1")
    string(REPLACE "," ";" cells "${line}")
    list(LENGTH cells ncells)
    if(ncells LESS 5 OR ncells GREATER 6)
      message(FATAL_ERROR "${file}:${lineno}: cannot parse '${line}'")
    endif()
    list(GET cells 0 sex)
    list(GET cells 1 xtext)
    list(GET cells 2 l)
    list(GET cells 3 m)
    list(GET cells 4 s)
    if(NOT sex MATCHES "^[12]$" OR NOT xtext MATCHES "^([0-9]+)(\\.([0-9]))?$")
      message(FATAL_ERROR "${file}:${lineno}: cannot parse '${line}'")
    endif()
    set(xi ${CMAKE_MATCH_1})
    set(xf "${CMAKE_MATCH_3}")
    foreach(v IN ITEMS "${l}" "${m}" "${s}")
      if(NOT v MATCHES "^${num}$")
        message(FATAL_ERROR "${file}:${lineno}: not a number: '${v}'")
      endif()
    endforeach()
    if(kind STREQUAL "day")
      if(NOT xf STREQUAL "")
        message(FATAL_ERROR "${file}:${lineno}: fractional age")
      endif()
      set(x ${xi})
    else()
      if(xf STREQUAL "")
        set(xf 0)
      endif()
      math(EXPR x "${xi} * 10 + ${xf}")
    endif()
    if(NOT x EQUAL ${next${sex}})
      message(FATAL_ERROR "${file}:${lineno}: x=${x} for sex ${sex}, expected ${next${sex}}")
    endif()
    math(EXPR next${sex} "${x} + 1")
    string(APPEND rows${sex} "    {${l}, ${m}, ${s}},\n")
  endforeach()
  math(EXPR end "${last} + 1")
  if(NOT next1 EQUAL end OR NOT next2 EQUAL end)
    message(FATAL_ERROR "${file}: table incomplete")
  endif()

  string(APPEND body
    "// ${file}: x = ${first}..${last} (${kind}), ${count} rows per sex\n"
    "constexpr Lms k_${name}[2][${count}] = {\n  {\n${rows1}  },\n  {\n${rows2}  },\n};\n\n")
endforeach()

set(content "// GENERATED at build time by src/growth/gen_who_tables.cmake from
// data/who-growth/*.csv (WHO Child Growth Standards, via WHO's R package
// anthro, GPL-3). Do not edit.
#include \"growth/who_tables.h\"

namespace u5::growth {
namespace {

${body}}  // namespace

LmsTable who_table(Indicator ind, int sex) noexcept {
  if (sex != 1 && sex != 2) return {};
  const int i = sex - 1;
  switch (ind) {
    case Indicator::weight_for_age: return {k_wfa[i], 0, 1826};
    case Indicator::length_height_for_age: return {k_lhfa[i], 0, 1826};
    case Indicator::weight_for_length: return {k_wfl[i], 450, 1100};
    case Indicator::weight_for_height: return {k_wfh[i], 650, 1200};
    case Indicator::bmi_for_age: return {k_bmi[i], 0, 1826};
    case Indicator::head_circumference_for_age: return {k_hc[i], 0, 1826};
    case Indicator::arm_circumference_for_age: return {k_ac[i], 91, 1826};
    case Indicator::triceps_skinfold_for_age: return {k_ts[i], 91, 1826};
    case Indicator::subscapular_skinfold_for_age: return {k_ss[i], 91, 1826};
  }
  return {};
}

}  // namespace u5::growth
")

# Only touch the output when it changed (keeps rebuilds cheap).
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${content}")
