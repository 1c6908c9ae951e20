#!/usr/bin/env python3
"""Writes N registry records as JSONL for the import benchmark: persons (mothers and
children) and their events, in the proportions of a province (one person per ~4 events).
Deterministic: the same N gives the same file."""
import json, random, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
communes = sys.argv[2].split(",") if len(sys.argv) > 2 else ["03390", "03394", "03405", "03388", "03408"]
rng = random.Random(42)
families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Lò", "Giàng", "Vàng", "Đặng", "Lường"]
middles_f, middles_m = ["Thị", "Thị Thu", "Thị Ngọc"], ["Văn", "Đức", "Minh"]
givens = ["Mai", "Hương", "Lan", "An", "Bình", "Cường", "Dũng", "Hà", "Sua", "Páo", "Tú", "Yến"]
out = sys.stdout
count = 0
k = 0
def uid(i): return "0190b000-0000-7000-8000-%012x" % i
while count < n:
    k += 1
    c = communes[k % len(communes)]
    mid = uid(k * 100)
    fam = rng.choice(families)
    out.write(json.dumps({"type": "person", "id": mid, "full_name": f"{fam} {rng.choice(middles_f)} {rng.choice(givens)}", "sex": "female",
                          "birth_date": f"19{rng.randint(85, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}", "orgunit": c,
                          "phone": "09%08d" % rng.randint(0, 99999999), "ethnicity": "01"}, ensure_ascii=False) + "\n")
    y = rng.randint(2021, 2025)
    cid = uid(k * 100 + 1)
    out.write(json.dumps({"type": "person", "id": cid, "full_name": f"{fam} {rng.choice(middles_m)} {rng.choice(givens)}", "sex": "male",
                          "birth_date": f"{y}-03-15", "orgunit": c, "mother_id": mid}, ensure_ascii=False) + "\n")
    count += 2
    e = 2
    for dose, d in ((1, "05-20"), (2, "06-20"), (3, "07-20")):
        out.write(json.dumps({"type": "immunization", "id": uid(k * 100 + e), "person_id": cid, "orgunit": c, "date": f"{y}-{d}",
                              "vaccine": "dtp_hepb_hib", "dose": dose}) + "\n"); e += 1; count += 1
    for m, (w, l) in enumerate(((5.5, 58.0), (7.0, 65.0), (8.6, 72.0))):
        out.write(json.dumps({"type": "growth", "id": uid(k * 100 + e), "person_id": cid, "orgunit": c, "date": f"{y}-{m * 3 + 5:02d}-10",
                              "weight_kg": w + rng.random(), "length_cm": l + rng.random() * 3, "measure": "l"}) + "\n"); e += 1; count += 1
    out.write(json.dumps({"type": "illness", "id": uid(k * 100 + e), "person_id": cid, "orgunit": c, "date": f"{y}-11-02",
                          "kind": "diarrhoea", "ors": True, "zinc": rng.random() < 0.5}) + "\n"); count += 1
