#!/usr/bin/env python3
"""An independent XLSX reader for the report tests: unzips the workbook and
parses its XML (no spreadsheet library), printing JSON:
{"sheets": {name: {"cells": {"B6": {"t": "n"|"s"|"str", "v": ...}}, "frozen": "C6"|null}}}"""
import json, re, sys, zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}

def main(path):
    z = zipfile.ZipFile(path)
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    out = {"sheets": {}, "order": []}
    for s in wb.find("m:sheets", NS):
        name = s.get("name")
        rid = s.get("{%s}id" % NS["r"])
        xml = ET.fromstring(z.read("xl/" + target[rid].lstrip("/").replace("xl/", "")))
        cells = {}
        for c in xml.iter("{%s}c" % NS["m"]):
            t = c.get("t", "n")
            v = c.find("m:v", NS)
            if v is None:
                continue
            if t == "s":
                cells[c.get("r")] = {"t": "s", "v": shared[int(v.text)]}
            elif t == "n":
                cells[c.get("r")] = {"t": "n", "v": float(v.text)}
            else:
                cells[c.get("r")] = {"t": t, "v": v.text}
        pane = xml.find(".//m:pane", NS)
        frozen = pane.get("topLeftCell") if pane is not None and pane.get("state") == "frozen" else None
        out["sheets"][name] = {"cells": cells, "frozen": frozen}
        out["order"].append(name)
    json.dump(out, sys.stdout, ensure_ascii=False)

if __name__ == "__main__":
    main(sys.argv[1])
