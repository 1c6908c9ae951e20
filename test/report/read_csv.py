#!/usr/bin/env python3
"""An independent CSV reader for the report tests: Python's csv module, the
rows printed as JSON lists of strings (a BOM is dropped)."""
import csv, json, sys

with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    json.dump(list(csv.reader(f)), sys.stdout, ensure_ascii=False)
