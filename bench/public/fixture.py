#!/usr/bin/env python3
"""Writes a public dir in the publication format (docs/publication.md) for Lai Chau ("12") from the
communes of web/public/geo/12.json, with deterministic made-up counts: what the browser test and the
bench serve when no database published anything. Usage: fixture.py WEB_DIR OUT_DIR [PERIOD ...]"""
import json, os, random, sys

web, out = sys.argv[1], sys.argv[2]
periods = sys.argv[3:] or ["2025"]
geo = json.load(open(os.path.join(web, "public/geo/12.json"), encoding="utf-8"))
communes = [(f["properties"]["code"], f["properties"]["name"]) for f in geo["features"]]
rng = random.Random(12)

def label(p):
    if "S" in p:
        y, h = p.split("S")
        return (f"6 tháng {'đầu' if h == '1' else 'cuối'} năm {y}", f"{'First' if h == '1' else 'Second'} half of {y}")
    return (f"Năm {p}", f"Year {p}")

def publication(period, earlier):
    lv, le = label(period)
    inds = []
    for iid, vi, en, unit, mult in [("neonatal_mortality_rate", "Tỷ suất tử vong sơ sinh", "Neonatal mortality rate", "‰", 1000),
                                     ("full_immunization_coverage", "Tỷ lệ tiêm chủng đầy đủ", "Full immunization coverage", "%", 100)]:
        cs, tn, td = [], 0, 0
        for code, name in communes:
            den = rng.randint(20, 120)
            num = rng.randint(0, 4) if mult == 1000 else rng.randint(int(den * .7), den)
            tn, td = tn + num, td + den
            small = num < 5 if mult == 1000 else den - num < 5 and False
            cs.append({"orgunit": code, "name": name, "numerator": None if small else num, "denominator": None if small else den,
                       "value": None if small else round(num / den * mult, 1), "suppressed": small})
        val = round(tn / td * mult, 1)
        target = {"year": 2030, "op": "<", "value": 5.8, "printed_vi": "< 5,8 ‰", "printed_en": "< 5.8 ‰"} if mult == 1000 else \
                 {"year": 2030, "op": ">=", "value": 95, "printed_vi": "≥ 95 %", "printed_en": "≥ 95 %"}
        inds.append({"id": iid, "name_vi": vi, "name_en": en, "unit": unit, "lower_is_better": mult == 1000, "target": target,
                     "status": "off_track" if mult == 1000 else "on_track",
                     "total": {"numerator": tn, "denominator": td, "value": val, "ci_low": round(val * .8, 1), "ci_high": round(val * 1.2, 1), "suppressed": False},
                     "communes": cs, "trend": [{"period": p, "value": round(val * (1.1 + .05 * i), 1)} for i, p in enumerate(earlier)]})
    rows, coltot = [], [0, 0, 0]
    for code, name in communes[:8]:
        cells = [rng.randint(5, 9), rng.randint(5, 9), rng.randint(5, 9)]
        coltot = [a + b for a, b in zip(coltot, cells)]
        rows.append({"orgunit": code, "name": name, "cells": cells, "total": sum(cells)})
    rows[0]["cells"][1] = rows[1]["cells"][1] = rows[0]["cells"][2] = rows[1]["cells"][2] = None
    return {"format": "under5-publication/1", "orgunit": {"id": "12", "name_vi": "Lai Châu", "name_en": "Lai Châu"},
            "period": {"code": period, "start": f"{period[:4]}-01-01", "end": f"{period[:4]}-12-31", "label_vi": lv, "label_en": le},
            "plan": {"id": "lai_chau_2030", "title_vi": "Kế hoạch giảm tử vong trẻ em (thử)", "title_en": "Child mortality plan (fixture)"},
            "published_at": "2026-07-02T08:00:00Z", "version": 1, "signed_off_at": "2026-07-01T08:00:00Z",
            "suppression": {"threshold": 5, "note_vi": "Ô dưới 5 được ẩn (*), kèm ô ẩn bổ sung.", "note_en": "Cells under 5 are hidden (*), with complementary cells."},
            "indicators": inds,
            "tables": [{"id": "under5_deaths_by_age", "title_vi": "Tử vong dưới 5 tuổi theo nhóm tuổi", "title_en": "Under-5 deaths by age group",
                        "columns": [{"id": "neonatal", "label_vi": "Sơ sinh", "label_en": "Neonatal"}, {"id": "infant", "label_vi": "1–11 tháng", "label_en": "1–11 months"},
                                    {"id": "child", "label_vi": "1–4 tuổi", "label_en": "1–4 years"}],
                        "rows": rows, "column_totals": coltot, "grand_total": sum(coltot)}]}

os.makedirs(os.path.join(out, "12"), exist_ok=True)
pubs = []
for i, p in enumerate(periods):
    doc = publication(p, periods[:i])
    open(os.path.join(out, "12", p + ".json"), "w", encoding="utf-8").write(json.dumps(doc, ensure_ascii=False))
    lines = ["orgunit,orgunit_name,period,indicator,indicator_name_vi,indicator_name_en,unit,numerator,denominator,value,target_op,target_value,target_year,status"]
    for ind in doc["indicators"]:
        for c in ind["communes"]:
            st = "suppressed" if c["suppressed"] else ind["status"]
            f = lambda v: "" if v is None else str(v)
            lines.append(",".join([c["orgunit"], c["name"], p, ind["id"], ind["name_vi"], ind["name_en"], ind["unit"], f(c["numerator"]), f(c["denominator"]), f(c["value"]),
                                   ind["target"]["op"], str(ind["target"]["value"]), str(ind["target"]["year"]), st]))
    open(os.path.join(out, "12", p + ".csv"), "w", encoding="utf-8-sig", newline="").write("\r\n".join(lines) + "\r\n")
    pubs.append({"period": p, "label_vi": label(p)[0], "label_en": label(p)[1], "published_at": doc["published_at"], "version": 1})
index = {"format": "under5-publication-index/1", "generated_at": "2026-07-02T08:00:00Z",
         "provinces": [{"orgunit": "12", "name_vi": "Lai Châu", "name_en": "Lai Châu", "publications": pubs}]}
open(os.path.join(out, "index.json"), "w", encoding="utf-8").write(json.dumps(index, ensure_ascii=False))
