#!/usr/bin/env python3
"""Writes cases.csv, the data-driven test table for src/growth.

Nothing here computes a z-score: the expected values are either
  * definitions (a value on the WHO SD line z has z-score z; the cell
    "@<table>:<z>" is turned into that value by the C++ test, from the WHO CSV
    files in data/who-growth, so the test checks the calculator against the
    published LMS parameters), or
  * results published by WHO (anthro's own unit tests, other worked
    examples), copied with their source.
Run:  python3 test/growth/make_cases.py > test/growth/cases.csv
"""
import csv
import sys

COLS = ["case", "source", "sex", "age_days", "weight_kg", "lenhei_cm", "measure",
        "oedema", "headc_cm", "muac_cm", "triceps_mm", "subscap_mm", "key",
        "check", "expect", "note"]
rows = []


def add(source, check, expect, note="", **kw):
    r = {c: "" for c in COLS}
    r.update({k: str(v) for k, v in kw.items()})
    r["source"], r["check"], r["expect"], r["note"] = source, check, str(expect), note
    r["case"] = str(len(rows) + 1)
    rows.append(r)


DEF = "definition: WHO LMS SD line (WHO 2006 technical report ch.7)"
RESTR = "definition: WHO restricted z beyond +-3 SD (anthro compute_zscore_adjusted)"
ZS = [-3, -2, -1, 0, 1, 2, 3]

# --- SD lines of the age-based tables -------------------------------------
age_tables = {
    # table: (input column, output column, ages)
    "wfa": ("weight_kg", "zwei", [0, 45, 365, 730, 1200, 1826]),
    "lhfa": ("lenhei_cm", "zlen", [0, 44, 500, 730, 731, 1826]),
    "bmi": ("weight_kg", "zbmi", [0, 200, 730, 731, 1500, 1826]),
    "hc": ("headc_cm", "zhc", [0, 100, 600, 1826]),
    "ac": ("muac_cm", "zac", [91, 400, 1826]),
    "ts": ("triceps_mm", "zts", [91, 900, 1826]),
    "ss": ("subscap_mm", "zss", [91, 1300, 1826]),
}
for table, (col, out, ages) in age_tables.items():
    for sex in (1, 2):
        for age in ages:
            for z in ZS:
                kw = {"sex": sex, "age_days": age, col: f"@{table}:{z}"}
                if table == "lhfa":
                    kw["measure"] = "l" if age < 731 else "h"  # no 0.7 cm change
                if table == "bmi":
                    kw["lenhei_cm"] = 100  # BMI = weight / 1^2 = weight
                    kw["measure"] = "l" if age < 731 else "h"
                add(DEF, out, z, f"{table} sex {sex} day {age} at {z:+d} SD", **kw)

# --- SD lines of weight-for-length / height ---------------------------------
for table, age, meas, lens in (("wfl", 300, "l", [45.0, 70.3, 110.0]),
                               ("wfh", 1000, "h", [65.0, 92.7, 120.0])):
    for sex in (1, 2):
        for ln in lens:
            for z in ZS:
                add(DEF, "zwfl", z, f"{table} sex {sex} {ln} cm at {z:+d} SD", sex=sex,
                    age_days=age, measure=meas, lenhei_cm=ln, weight_kg=f"@{table}:{z}")

# --- restricted method beyond +-3 SD ----------------------------------------
for sex in (1, 2):
    for z in ("4", "-4", "3.5", "-3.5", "6", "-5"):
        add(RESTR, "zwei", z, "wfa beyond 3 SD", sex=sex, age_days=400,
            weight_kg=f"@wfa:{z}r")
        add(RESTR, "zbmi", z, "bmi beyond 3 SD", sex=sex, age_days=900, measure="h",
            lenhei_cm=100, weight_kg=f"@bmi:{z}r")
        add(RESTR, "zwfl", z, "wfl beyond 3 SD", sex=sex, age_days=200, measure="l",
            lenhei_cm=66.6, weight_kg=f"@wfl:{z}r")
        add(RESTR, "zwfl", z, "wfh beyond 3 SD", sex=sex, age_days=1400, measure="h",
            lenhei_cm=101.1, weight_kg=f"@wfh:{z}r")
        add(RESTR, "zac", z, "muac beyond 3 SD", sex=sex, age_days=700, muac_cm=f"@ac:{z}r")
        add(RESTR, "zts", z, "triceps beyond 3 SD", sex=sex, age_days=700,
            triceps_mm=f"@ts:{z}r")
        add(RESTR, "zss", z, "subscapular beyond 3 SD", sex=sex, age_days=700,
            subscap_mm=f"@ss:{z}r")
        # length/height-for-age and head circumference: plain LMS formula
        add("definition: plain LMS formula for lhfa (anthro compute_zscore)", "zlen", z,
            "lhfa beyond 3 SD (not restricted)", sex=sex, age_days=900, measure="h",
            lenhei_cm=f"@lhfa:{z}")
        add("definition: plain LMS formula for hcfa (anthro compute_zscore)", "zhc", z,
            "hc beyond 3 SD (not restricted)", sex=sex, age_days=900, headc_cm=f"@hc:{z}")

# --- interpolation between 0.1 cm rows --------------------------------------
INTERP = "definition: L, M, S linear between 0.1 cm rows (anthro z-score-weight-for-lenhei.R)"
for sex in (1, 2):
    for table, age, meas, ln in (("wfl", 300, "l", 65.35), ("wfl", 500, "l", 80.05),
                                 ("wfl", 100, "l", 45.05), ("wfh", 1000, "h", 100.25),
                                 ("wfh", 1500, "h", 119.95), ("wfh", 800, "h", 87.37)):
        for z in (-2, 0, 2):
            add(INTERP, "zwfl", z, f"{table} {ln} cm between rows", sex=sex, age_days=age,
                measure=meas, lenhei_cm=ln, weight_kg=f"@{table}:{z}")

# --- flags at the limits, rounding to 2 decimals before flagging --------------
FLAG = "anthro_zscores docs: z rounded to 2 decimals, then flagged"
flag_cases = [
    # table, column, check z, flag col, value, expected z, expected flag, extra
    ("wfa", "weight_kg", "zwei", "fwei", "5.004r", "5", 0, {}),
    ("wfa", "weight_kg", "zwei", "fwei", "5.006r", "5.01", 1, {}),
    ("wfa", "weight_kg", "zwei", "fwei", "-5.9r", "-5.9", 0, {}),
    ("wfa", "weight_kg", "zwei", "fwei", "-6.004r", "-6", 0, {}),
    ("wfa", "weight_kg", "zwei", "fwei", "-6.006r", "-6.01", 1, {}),
    ("lhfa", "lenhei_cm", "zlen", "flen", "6.004", "6", 0, {"measure": "l"}),
    ("lhfa", "lenhei_cm", "zlen", "flen", "6.006", "6.01", 1, {"measure": "l"}),
    ("lhfa", "lenhei_cm", "zlen", "flen", "-5.5", "-5.5", 0, {"measure": "l"}),
    ("lhfa", "lenhei_cm", "zlen", "flen", "-6.006", "-6.01", 1, {"measure": "l"}),
    ("hc", "headc_cm", "zhc", "fhc", "5.004", "5", 0, {}),
    ("hc", "headc_cm", "zhc", "fhc", "5.006", "5.01", 1, {}),
    ("hc", "headc_cm", "zhc", "fhc", "-5.006", "-5.01", 1, {}),
    ("bmi", "weight_kg", "zbmi", "fbmi", "-5.004r", "-5", 0, {"lenhei_cm": 100, "measure": "l"}),
    ("bmi", "weight_kg", "zbmi", "fbmi", "-5.006r", "-5.01", 1, {"lenhei_cm": 100, "measure": "l"}),
    ("wfl", "weight_kg", "zwfl", "fwfl", "5.004r", "5", 0, {"lenhei_cm": 60, "measure": "l"}),
    ("wfl", "weight_kg", "zwfl", "fwfl", "5.006r", "5.01", 1, {"lenhei_cm": 60, "measure": "l"}),
    ("ac", "muac_cm", "zac", "fac", "-5.006r", "-5.01", 1, {}),
    ("ts", "triceps_mm", "zts", "fts", "5.006r", "5.01", 1, {}),
    ("ss", "subscap_mm", "zss", "fss", "5.004r", "5", 0, {}),
]
for sex in (1, 2):
    for table, col, zc, fc, v, ez, ef, extra in flag_cases:
        kw = {"sex": sex, "age_days": 300, col: f"@{table}:{v}", **extra}
        add(FLAG, zc, ez, f"{table} z={v}", **kw)
        add(FLAG, fc, ef, f"{table} z={v}", **kw)

# --- length/height standardisation and the 9-month rule ---------------------
STD = "anthro adjust_lenhei (z-score-helper.R) / anthro_zscores docs"
for sex in (1, 2):
    for age, meas, expect in ((730, "h", 80.7), (731, "h", 80), (730, "l", 80), (731, "l", 79.3),
                              (730.4, "h", 80.7), (730.5, "h", 80), (730.5, "l", 79.3),
                              ("", "h", 80), ("", "l", 80), (1000, "", 80), (300, "", 80)):
        add(STD, "clenhei", expect, f"age {age} measure {meas}", sex=sex, age_days=age,
            lenhei_cm=80, measure=meas)
NINE = "anthro_zscores: 'h' under 9 months (age/30.4375 < 9) is implausible"
for age, c9, cm, clen in ((273, 1, "", 65), (273.9, 1, "", 65), (273.9375, 0, "h", 65.7),
                          (274, 0, "h", 65.7), (100, 1, "", 65), (0, 1, "", 65)):
    kw = {"sex": 1, "age_days": age, "lenhei_cm": 65, "measure": "h"}
    add(NINE, "c9mo_flag", c9, f"age {age}", **kw)
    add(NINE, "cmeasure", cm, f"age {age}", **kw)
    add(NINE, "clenhei", clen, f"age {age}", **kw)
add(NINE, "c9mo_flag", 0, "l under 9 months is fine", sex=2, age_days=100, lenhei_cm=60,
    measure="l")
add(NINE, "c9mo_flag", 0, "age missing: no 9-month rule", sex=2, lenhei_cm=60, measure="h")
add(NINE, "cmeasure", "h", "age missing: no 9-month rule", sex=2, lenhei_cm=60, measure="h")
# --- table choice for weight-for-length/height -------------------------------
CHOICE = "anthro z-score-weight-for-lenhei.R: join_on_l / join_on_h"
for sex in (1, 2):
    add(CHOICE, "zwfl", 1, "age 730 -> length table", sex=sex, age_days=730, measure="l",
        lenhei_cm=100, weight_kg="@wfl:1")
    add(CHOICE, "zwfl", 1, "age 731 -> height table", sex=sex, age_days=731, measure="h",
        lenhei_cm=100, weight_kg="@wfh:1")
    add(CHOICE, "zwfl", 1, "age missing + l -> length table even above 87 cm", sex=sex,
        measure="l", lenhei_cm=100, weight_kg="@wfl:1")
    add(CHOICE, "zwfl", -1, "age missing + h -> height table even below 87 cm", sex=sex,
        measure="h", lenhei_cm=70, weight_kg="@wfh:-1")
    add(CHOICE, "zwfl", 2, "age and measure missing: 86.9 cm -> length table", sex=sex,
        lenhei_cm=86.9, weight_kg="@wfl:2")
    add(CHOICE, "zwfl", 2, "age and measure missing: 87 cm -> height table", sex=sex,
        lenhei_cm=87, weight_kg="@wfh:2")
    add(CHOICE, "wfl_table", "wfh", "age and measure missing: 87 cm", sex=sex, lenhei_cm=87,
        weight_kg=12)
    add(CHOICE, "zwfl", 0, "age 800 l: clenhei = 90.7 - 0.7 = 90.0 on the height table",
        sex=sex, age_days=800, measure="l", lenhei_cm=90.7, key=90, weight_kg="@wfh:0")
    add(CHOICE, "zwfl", 0, "age 600 h: clenhei = 70 + 0.7 on the length table", sex=sex,
        age_days=600, measure="h", lenhei_cm=70, key=70.7, weight_kg="@wfl:0")
    for age, meas, ln in ((300, "l", 44.9), (300, "l", 110.1), (1000, "h", 64.9),
                          (1000, "h", 120.1), ("", "", 44.99), ("", "h", 120.01)):
        add(CHOICE, "zwfl", "NA", f"{ln} cm outside the table", sex=sex, age_days=age,
            measure=meas, lenhei_cm=ln, weight_kg=8)
    add(CHOICE, "zwfl", "NA", "age >= 60 months: no wfh either", sex=sex, age_days=1827,
        measure="h", lenhei_cm=100, weight_kg=15)

# --- age limits -------------------------------------------------------------
AGE = "anthro: age rounded half up (round_up); z only for age/30.4375 < 60"
for sex in (1, 2):
    for age, ok in ((0, 1), (1826, 1), (1826.2, 1), (1826.25, 0), (1827, 0), (2000, 0)):
        kw = {"sex": sex, "age_days": age, "weight_kg": 15, "lenhei_cm": 100, "measure": "h",
              "headc_cm": 48}
        for c in ("zwei", "zlen", "zbmi", "zhc"):
            add(AGE, c, "*" if ok else "NA", f"age {age}", **kw)
    add(AGE, "zwei", 0, "age 100.5 rounds to 101", sex=sex, age_days=100.5, key=101,
        weight_kg="@wfa:0")
    add(AGE, "zwei", 0, "age 100.49 rounds to 100", sex=sex, age_days=100.49, key=100,
        weight_kg="@wfa:0")
    for age, ok in ((90, 0), (90.4, 0), (90.5, 1), (91, 1)):
        kw = {"sex": sex, "age_days": age, "muac_cm": 12, "triceps_mm": 8, "subscap_mm": 7}
        for c in ("zac", "zts", "zss"):
            add("anthro: arm/skinfold tables start at 91 days", c, "*" if ok else "NA",
                f"age {age}", **kw)

# --- oedema, sex, missing / non-positive values --------------------------------
OED = "anthro_zscores docs: oedema => zwei, zwfl, zbmi not calculated"
kw = {"sex": 1, "age_days": 400, "weight_kg": 9, "lenhei_cm": 75, "measure": "l",
      "headc_cm": 46, "oedema": "y"}
for c, e in (("zwei", "NA"), ("zwfl", "NA"), ("zbmi", "NA"), ("zlen", "*"), ("zhc", "*"),
             ("cbmi", 9 / 0.75 ** 2)):
    add(OED, c, e, "oedema", **kw)
kw["oedema"] = "n"
for c in ("zwei", "zwfl", "zbmi"):
    add(OED, c, "*", "no oedema", **kw)
SEX = "anthro: sex must be 1 or 2, otherwise no z-score"
for sex in (0, 3, ""):
    kw = {"sex": sex, "age_days": 400, "weight_kg": 9, "lenhei_cm": 75, "measure": "l",
          "headc_cm": 46}
    for c in ("csex", "zwei", "zlen", "zwfl", "zbmi", "zhc"):
        add(SEX, c, "NA", f"sex '{sex}'", **kw)
NONPOS = "anthro tests: measurement <= 0 gives NA (test-zscore-*.R)"
for v in (0, -1):
    add(NONPOS, "zwei", "NA", f"weight {v}", sex=2, age_days=100, weight_kg=v)
    # anthro's weight-for-length test ("NA if weight is <= 0") uses a length of
    # 40 cm, outside the table: NA whatever the weight. A weight of 0 with a
    # valid length is scored (below, "Known properties of the reference").
    add(NONPOS, "zwfl", "NA", f"weight {v}, lenhei 40 (as in anthro's test)", sex=2,
        age_days=100, weight_kg=v, lenhei_cm=40, measure="l")
    add(NONPOS, "zwfl", "NA", f"lenhei {v}", sex=2, age_days=100, weight_kg=5, lenhei_cm=v,
        measure="l")
    add(NONPOS, "zlen", "NA", f"lenhei {v}", sex=1, age_days=10, lenhei_cm=v)
    add(NONPOS, "zhc", "NA", f"headc {v}", sex=1, age_days=10, headc_cm=v)
    add(NONPOS, "zac", "NA", f"muac {v}", sex=2, age_days=100, muac_cm=v)
add("missing age", "zwei", "NA", "age missing", sex=1, weight_kg=9)
add("missing age", "zlen", "NA", "age missing (anthro test-zscores.R)", sex=1, lenhei_cm=72.86)

# --- published results ----------------------------------------------------------
A = "WorldHealthOrganization/anthro@02aa59cdc41449c0bf101f893215552fe167bda2 "
add(A + "tests/testthat/test-zscore-length-for-age.R", "zlen", -3.29,
    "round(((50/56.4833)^1-1)/(0.03492*1) 2)", sex=1, age_days=44, lenhei_cm=50, measure="l")
add(A + "tests/testthat/test-zscore-length-for-age.R", "flen", 0, "", sex=1, age_days=44,
    lenhei_cm=50, measure="l")
add(A + "tests/testthat/test-zscore-weight-for-age.R", "zwei", 0.24, "", sex=2, age_days=1522,
    weight_kg=17)
add(A + "tests/testthat/test-zscore-weight-for-age.R", "fwei", 0, "", sex=2, age_days=1522,
    weight_kg=17)
add(A + "tests/testthat/test-zscore-weight-for-age.R", "fwei", 1, "flag threshold", sex=2,
    age_days=1, weight_kg=10.37)
add(A + "tests/testthat/test-zscores.R", "zlen", -6.09, "length for age uses adjusted lenhei",
    sex=1, age_days=987, lenhei_cm=72.86, measure="l")
add(A + "tests/testthat/test-zscores.R", "flen", 1, "", sex=1, age_days=987, lenhei_cm=72.86,
    measure="l")
for months, c9, clen, zlen, cm in ((8, 1, 60, -4.81, ""), (9, 0, 60.7, -5.02, "h")):
    kw = {"sex": 1, "age_days": months * 30.4375, "lenhei_cm": 60, "measure": "h"}
    src = A + "tests/testthat/test-zscores.R"
    add(src, "c9mo_flag", c9, f"{months} months measured standing", **kw)
    add(src, "clenhei", clen, f"{months} months", **kw)
    add(src, "zlen", zlen, f"{months} months", **kw)
    add(src, "cmeasure", cm, f"{months} months", **kw)
for meas in ("", "h"):
    add(A + "tests/testthat/test-zscores.R", "zlen", -2.55, "height used at 24 months",
        sex=2, age_days=24 * 30.4375, lenhei_cm=77.5, weight_kg=8.8, measure=meas)
    add(A + "tests/testthat/test-zscores.R", "clenhei", 77.5, "", sex=2,
        age_days=24 * 30.4375, lenhei_cm=77.5, weight_kg=8.8, measure=meas)
for age, meas, clen in ((730, "h", 100.7), (800, "h", 100), (730, "l", 100), (800, "l", 99.3)):
    add(A + "tests/testthat/test-zscores.R", "clenhei", clen, "adjusted lenhei", sex=1,
        age_days=age, lenhei_cm=100, measure=meas)
add(A + "tests/testthat/test-zscores.R", "cbmi", 20, "bmi = 20 / (100/100)^2", sex=1,
    age_days=30 * 30.4375, weight_kg=20, lenhei_cm=100)
for months, ok in ((59.9, 1), (60, 0), (60.1, 0)):
    kw = {"sex": 1, "age_days": months * 30.4375, "lenhei_cm": 80, "weight_kg": 20,
          "muac_cm": 5, "triceps_mm": 3, "subscap_mm": 5, "headc_cm": 5, "measure": "h"}
    for c in ("zlen", "zwei", "zwfl", "zbmi", "zhc", "zac", "zts", "zss"):
        if ok and c in ("zwfl",):
            continue  # 80 cm height: inside wfh; anthro only asserts "not all NA"
        add(A + "tests/testthat/test-zscores.R", c, "*" if ok else "NA",
            f"only < 60 months ({months} months)", **kw)
add("WorldHealthOrganization/anthro@4cca1914afe445fd5befb0add6ee6853440eef03 "
    "tests/testthat/test-zscore-bmi-for-age.R", "fbmi", 1, "BMI 25 at day 1 (girl) flagged",
    sex=2, age_days=1, weight_kg=25, lenhei_cm=100, measure="l")
add("Grellety, figshare 4294085 (data_anthro_for_deposit.pdf): girl 9 kg 365 d, "
    "L=-0.2022 M=8.9462 S=0.12267 WAZ 0.04885", "zwei", 0.05, "published 0.04885, rounded",
    sex=2, age_days=365, weight_kg=9)

add("anthro: (-1/M)^L is NaN for a negative weight, so zwfl is NA", "zwfl", "NA", "weight -1",
    sex=2, age_days=100, weight_kg=-1, lenhei_cm=60, measure="l")

# --- known properties of the reference (issue 19; docs/growth.md) ---------------
# Expected values are hand calculations: anthro 1.1.0's own expressions
# (R/z-score-weight-for-lenhei.R, compute_zscore_adjusted in
# R/z-score-helper.R) evaluated in IEEE doubles on the rows of
# data/who-growth named in each row's source. Our code did not produce them.
W0 = ("hand calc, anthro 1.1.0 z-score-weight-for-lenhei.R: no '<= 0 is NA' rule for "
      "wfl/h; (0/M)^L = Inf (L < 0), z = -Inf, restricted: -3 + (0 - SD3neg)/SD23neg "
      "on data/who-growth/{} row sex {} {} cm (L {} M {} S {}) = {}")
for sex, age, meas, ln, table, fname, lms, exact, z in (
        (2, 100, "l", 60, "wfl", "weight_for_length.csv", ("-0.3833", "5.8742", "0.09136"),
         "-14.40993096", "-14.41"),
        (1, 1000, "h", 87, "wfh", "weight_for_height.csv", ("-0.3521", "12.1645", "0.0809"),
         "-15.74670243", "-15.75"),
        (2, "", "h", 100, "wfh", "weight_for_height.csv", ("-0.3833", "15.2246", "0.09088"),
         "-14.46771395", "-14.47")):
    src = W0.format(fname, sex, ln, *lms, exact)
    kw = {"sex": sex, "age_days": age, "weight_kg": 0, "lenhei_cm": ln, "measure": meas}
    add(src, "zwfl", z, f"weight 0 kg, {ln} cm: wfl/h computed, about -15", **kw)
    add(src, "fwfl", 1, "weight 0 kg: flagged (|z| > 5)", **kw)
    add("anthro: weight <= 0 -> NA for weight-for-age (anthro_zscore_adjusted)", "zwei", "NA",
        "weight 0 kg: no weight-for-age", **kw)
    add("anthro: cbmi = weight / (clenhei/100)^2 = 0; BMI <= 0 -> NA", "zbmi", "NA",
        "weight 0 kg: no BMI z", **kw)
    add("anthro: cbmi = weight / (clenhei/100)^2", "cbmi", 0, "weight 0 kg: cbmi 0", **kw)
add("anthro: oedema => no wfl/h z, also for weight 0", "zwfl", "NA", "weight 0 kg with oedema",
    sex=2, age_days=100, weight_kg=0, lenhei_cm=60, measure="l", oedema="y")

UP = ("hand calc, anthro 1.1.0 z-score-weight-for-lenhei.R: clenhei = 103.1 - 0.7 = "
      "102.39999999999999, clenhei*10 = 1023.9999999999999 (the double below 1024), "
      "low = trunc(that)/10 = 102.3, clenhei*10 + 1 rounds to 1025 so upp = 102.5, "
      "diff = (clenhei - 102.3)/0.1 = 0.9999999999999432; "
      "data/who-growth/weight_for_height.csv sex {} rows 102.3 ({}) and 102.5 ({}); "
      "z = {} (the rows 102.3/102.4 would give {})")
for sex, age, w, lms_rows, exact, z, old in (
        (1, 800, 16, ("-0.3521 16.0206 0.08343", "-0.3521 16.0801 0.08354"), "-0.0598294619",
         "-0.06", "-0.04"),
        (2, 800, 16, ("-0.3833 15.9087 0.09155", "-0.3833 15.9707 0.09161"), "0.0200009286",
         "0.02", "0.04"),
        (1, 1500, 18, ("-0.3521 16.0206 0.08343", "-0.3521 16.0801 0.08354"), "1.3236656018",
         "1.32", "1.35"),
        (2, 1200, 12, ("-0.3833 15.9087 0.09155", "-0.3833 15.9707 0.09161"), "-3.2760044280",
         "-3.28", "-3.26")):
    kw = {"sex": sex, "age_days": age, "weight_kg": w, "lenhei_cm": 103.1, "measure": "l"}
    add(UP.format(sex, *lms_rows, exact, old), "zwfl", z,
        "103.1 cm lying at >= 731 d: upper row 102.5, not 102.4", **kw)
    add("anthro adjust_lenhei: 103.1 - 0.7 in doubles", "clenhei", "102.39999999999999",
        "103.1 cm lying at >= 731 d", **kw)
for sex in (1, 2):
    # The same child measured standing: clenhei is the double nearest 102.4,
    # 102.4*10 rounds to 1024 exactly, diff = 0, the 102.4 row alone.
    add(DEF, "zwfl", 0, "102.4 cm standing at 800 d: row 102.4, no interpolation", sex=sex,
        age_days=800, measure="h", lenhei_cm=102.4, weight_kg="@wfh:0")
# 51.9 cm lying at >= 731 days is the other input with one decimal where the
# rows are 0.2 cm apart (clenhei 51.2 < 65 cm: outside the height table).
add(CHOICE, "zwfl", "NA", "51.9 cm lying at 800 d: clenhei 51.2, outside wfh", sex=1,
    age_days=800, measure="l", lenhei_cm=51.9, weight_kg=4)

w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(COLS)
for r in rows:
    w.writerow([r[c] for c in COLS])
