#!/usr/bin/env python3
"""Periodic health check rates of an exported registry (docs/demo.md):
  build/under5 export --db demo.db | python3 scripts/health_check_rates.py
Coverage counts the age bands (data/schedules/milestones.json) that lie wholly inside the window of
the checks (first to last health_check date), of children alive at the band's end; a band is covered when the
child has a health_check of that age_band. Then the shares of checks with a milestone not achieved,
a suspected delay, each conclusion and a referral."""
import json, pathlib, sys
from collections import Counter
from datetime import date, timedelta

bands = json.loads((pathlib.Path(__file__).resolve().parent.parent / "data/schedules/milestones.json").read_text())["bands"]

def months_completed_on(birth, m):
    """The first day on which m months are completed (core/date.h MonthsCompletedOn)."""
    y, mo = divmod(birth.month - 1 + m, 12)
    y += birth.year
    try:
        return date(y, mo + 1, birth.day)
    except ValueError:
        return date(y + (mo + 1) // 12, (mo + 1) % 12 + 1, 1)

births, deaths, checks = {}, {}, {}
first, last = date.max, date.min
n_checks, not_achieved, delay, referred, conclusion = 0, 0, 0, 0, Counter()
for line in sys.stdin:
    r = json.loads(line)
    if r["type"] == "person":
        births[r["id"]] = date.fromisoformat(r["birth_date"])
        continue
    d = date.fromisoformat(r["date"])
    if r["type"] == "death":
        deaths[r["person_id"]] = d
    elif r["type"] == "health_check":
        first, last = min(first, d), max(last, d)
        checks.setdefault(r["person_id"], set()).add(r["age_band"])
        n_checks += 1
        not_achieved += bool(r.get("milestones_not_achieved"))
        delay += r.get("development") == "suspected_delay"
        referred += bool(r.get("referral"))
        conclusion[r["conclusion"]] += 1

due = done = 0
by_band = Counter(), Counter()
for pid, b in births.items():
    for band in bands:
        start = months_completed_on(b, band["from_months"])
        end = months_completed_on(b, band["to_months"]) - timedelta(days=1)
        if start < first or end > last or (pid in deaths and deaths[pid] <= end):
            continue
        due += 1
        by_band[0][band["id"]] += 1
        if band["id"] in checks.get(pid, ()):
            done += 1
            by_band[1][band["id"]] += 1
pct = lambda a, b: f"{100 * a / b:.1f} %" if b else "–"
print(f"window {first} to {last}: {due} complete age bands, {done} with a check: {pct(done, due)}")
print("by band: " + ", ".join(f"{k} {pct(by_band[1][k], v)}" for k, v in by_band[0].items()))
print(f"{n_checks} checks: milestone not achieved {pct(not_achieved, n_checks)}, suspected delay {pct(delay, n_checks)}, "
      f"referred {pct(referred, n_checks)}; " + ", ".join(f"{k} {pct(v, n_checks)}" for k, v in sorted(conclusion.items())))
