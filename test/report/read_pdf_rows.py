#!/usr/bin/env python3
"""An independent PDF table reader for the report tests: runs `pdftotext -bbox`
and prints, as JSON, every table row of a report in page order:
[{"code": "03390", "figures": ["12", "3.5", ...]}, ...]
A row starts with its code at x = 58 pt (the code column) and its name at
x = 92 pt on the same baseline (rows are read top to bottom: pdftotext's
own word order follows its reading-flow guess, not the page); its figures are
the numeric words on that baseline right of the name column, with a decimal
comma read as a point, so a Vietnamese and an English rendering compare equal
when their figures are."""
import html, json, re, subprocess, sys

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
CODE_X, NAME_X = 58.0, 92.0  # kLeft + 2 and kLeft + code_w + 2 in src/report/pdf.cpp


def main(path):
    xml = subprocess.run(["pdftotext", "-bbox", path, "-"], check=True, capture_output=True, text=True).stdout
    rows = []
    for page in xml.split("<page ")[1:]:
        words = [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in WORD.findall(page)]
        for x0, _, _, y1, text in sorted(words, key=lambda w: (w[3], w[0])):
            if abs(x0 - CODE_X) > 0.6:
                continue
            if not any(abs(w[0] - NAME_X) < 0.6 and abs(w[3] - y1) < 1.0 for w in words):
                continue  # a centred line that happens to start there, not a table row
            # Headline rows are coded by indicator (letters) and have a wider name column.
            name_end = 240.0 if text[:1].isalpha() else 202.0
            line = sorted((w for w in words if abs(w[3] - y1) < 1.0 and w[0] >= name_end), key=lambda w: w[0])
            figures = [w[4].replace(",", ".") for w in line if NUMBER.match(w[4])]
            rows.append({"code": text, "figures": figures})
    json.dump(rows, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
