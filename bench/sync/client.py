#!/usr/bin/env python3
"""A sync client for bench/sync/first_sync.sh: a first sync of a commune, a
day's writes pushed, and the sync that fetches them, each request through curl
with the encodings a browser accepts (brotli chosen by the server).

Model of a 3G link (1.6 Mbit/s down, 750 kbit/s up, 150 ms latency, as Chrome's
"Fast 3G" throttling applies it: the latency once a request): each request
costs one latency, its bytes up at 750 kbit/s, its answer's bytes on the wire
(headers and compressed body) at 1.6 Mbit/s and the server's own time
(measured here on loopback); a new connection adds two latencies (TCP, TLS)
once, and the bulk rate (60 requests at once, then 2 a second) holds it back
where the link is faster. TCP slow start is left out: at 150 ms and 1.6 Mbit/s the window is full
after two round trips of the first page.
"""
import argparse
import datetime
import json
import os
import random
import subprocess
import time
import uuid

DOWN = 1.6e6 / 8  # bytes a second
UP = 750e3 / 8
LATENCY = 0.150
REQUEST_HEADERS = 450  # request line, Host, Authorization, Accept-Encoding, Content-Type
BURST, PER_SECOND = 60, 2  # the bulk rate of the API's defaults (http/api.h)


class Link:
    def __init__(self, port, work):
        self.base = f"http://127.0.0.1:{port}/api/v1"
        self.work = work
        self.token = ""
        self.reset()

    def reset(self):
        self.requests = 0
        self.down = 0  # bytes on the wire: headers + compressed body
        self.raw = 0  # bodies uncompressed
        self.up = 0
        self.server = 0.0
        self.model = 2 * LATENCY
        self.waited = 0.0  # loopback time spent waiting for the bulk rate
        self.tokens = BURST
        self.at = 0.0

    def call(self, method, path, body=None):
        out = os.path.join(self.work, "answer")
        cmd = ["curl", "-s", "--compressed", "-X", method, "-o", out,
               "-w", "%{size_download} %{size_header} %{size_upload} %{time_total} %{http_code}",
               self.base + path]
        if self.token:
            cmd += ["-H", "Authorization: Bearer " + self.token]
        if body is not None:
            cmd += ["-H", "Content-Type: application/json", "--data-binary", "@-"]
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        res = subprocess.run(cmd, input=data, capture_output=True, check=True)
        size, header, upload, total, code = res.stdout.decode().split()
        with open(out, "rb") as f:
            raw = f.read()
        if code == "429":
            # The bulk rate (60 at once, then 120 a minute): wait as a client must, and ask again.
            self.waited += 0.5
            time.sleep(0.5)
            return self.call(method, path, body)
        if code != "200":
            raise SystemExit(f"{method} {path}: {code} {raw[:400]!r}")
        self.requests += 1
        self.down += int(size) + int(header)
        self.raw += len(raw)
        self.up += int(upload) + REQUEST_HEADERS
        self.server += float(total)
        # The bulk rate's bucket on the model's clock: a request waits for a token.
        self.tokens = min(BURST, self.tokens + (self.model - self.at) * PER_SECOND)
        self.at = self.model
        if self.tokens < 1:
            self.model += (1 - self.tokens) / PER_SECOND
            self.tokens = 1
        self.tokens -= 1
        self.model += LATENCY + (int(upload) + REQUEST_HEADERS) / UP + (int(size) + int(header)) / DOWN + float(total)
        return json.loads(raw)

    def report(self, what, extra=""):
        print(f"{what}: {self.requests} requests, {self.down / 1e6:.2f} MB on the wire ({self.raw / 1e6:.2f} MB uncompressed), "
              f"{self.up / 1e3:.1f} kB up, server {self.server:.2f} s on loopback (+{self.waited:.1f} s waiting for the bulk rate); "
              f"3G model {self.model:.1f} s{extra}")


def records(groups):
    """A page's records as objects again (docs/sync.md "Records of a page")."""
    ids = [v for g in groups for v in g["values"][g["columns"].index("id")]]
    out = []
    for g in groups:
        refs = set(g.get("refs", []))
        rows = [{"type": g["type"]} for _ in (g["values"][0] if g["values"] else [])]
        for col, values in zip(g["columns"], g["values"]):
            for row, v in zip(rows, values):
                if v is not None:
                    row[col] = ids[v] if col in refs and isinstance(v, int) else v
        out += rows
    return out


def sync(link, cursor, limit, copy, due, save=None):
    pages = 0
    while True:
        q = f"/sync/changes?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = link.call("GET", q)
        pages += 1
        if save:
            # The page's JSON as it came, for bench/sync/brotli_quality.mjs.
            with open(os.path.join(save, f"{pages}.json"), "w", encoding="utf-8") as f:
                json.dump(page, f, ensure_ascii=False, separators=(",", ":"))
        if page["reset"]:
            copy.clear()
            due.clear()
        for r in records(page["records"]):
            if "deleted_at" in r:
                copy.pop(r["id"], None)
            else:
                copy[r["id"]] = r
        for gone in page["out_of_scope"]:
            for i in [i for i, r in copy.items() if i == gone or r.get("person_id") == gone]:
                del copy[i]
            due.pop(gone, None)
        for d in page["due"]:
            due[d["person_id"]] = d
        cursor = page["cursor"]
        if not page["more"]:
            return cursor, pages


def months(birth, on):
    return (on - birth).days / 30.44


def day_of_writes(copy, orgunit, today, rng):
    """A busy day at a commune station: three births (each with BCG and a first
    weighing), twenty children weighed and measured, and their mothers' phones
    updated for five of them."""
    writes = []
    for i in range(3):
        kid = str(uuid.uuid4())
        writes.append({"op": "insert", "collection": "persons", "id": kid,
                       "body": {"full_name": f"Lò Văn Bench {i}", "sex": "male", "birth_date": today.isoformat(), "orgunit": orgunit}})
        writes.append({"op": "insert", "collection": "immunizations", "id": str(uuid.uuid4()),
                       "body": {"person_id": kid, "orgunit": orgunit, "date": today.isoformat(), "vaccine": "bcg", "dose": 1}})
        writes.append({"op": "insert", "collection": "growth-measurements", "id": str(uuid.uuid4()),
                       "body": {"person_id": kid, "orgunit": orgunit, "date": today.isoformat(), "weight_kg": 3.2,
                                "length_cm": 49.5, "measure": "l"}})
    young = [r for r in copy.values() if r["type"] == "person" and
             1 <= months(datetime.date.fromisoformat(r["birth_date"]), today) < 24]
    for r in rng.sample(young, min(20, len(young))):
        m = months(datetime.date.fromisoformat(r["birth_date"]), today)
        w = 3.3 + 0.8 * m if m < 6 else 7.9 + 0.25 * (m - 6)
        l = 50 + 3 * m if m < 6 else 68 + 1.2 * (m - 6)
        writes.append({"op": "insert", "collection": "growth-measurements", "id": str(uuid.uuid4()),
                       "body": {"person_id": r["id"], "orgunit": r["orgunit"], "date": today.isoformat(),
                                "weight_kg": round(w, 1), "length_cm": round(l, 1), "measure": "l"}})
    mothers = [copy[r["mother_id"]] for r in young if r.get("mother_id") in copy][:5]
    for m in mothers:
        body = dict(m)
        body["phone"] = "09" + str(rng.randrange(10000000, 99999999))
        writes.append({"op": "update", "collection": "persons", "id": m["id"], "base_version": m["version"], "body": body})
    return writes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--orgunit", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--limit", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--save", help="a folder to write the first sync's pages into")
    a = ap.parse_args()
    link = Link(a.port, a.work)
    link.token = link.call("POST", "/auth/login", {"username": a.user, "password": a.password})["token"]
    link.reset()
    copy, due = {}, {}
    cursor, pages = sync(link, "", a.limit, copy, due, a.save)
    persons = sum(1 for r in copy.values() if r["type"] == "person")
    link.report("first sync", f"; {pages} pages of at most {a.limit} records, {persons} persons, {len(copy)} records, {len(due)} due lists")
    kept = sum(len(json.dumps(r, ensure_ascii=False).encode()) for r in copy.values()) + \
        sum(len(json.dumps(d, ensure_ascii=False).encode()) for d in due.values())
    print(f"the copy as JSON text (records and due lists, what IndexedDB stores before its own overhead): {kept / 1e6:.2f} MB")

    today = datetime.date.today()
    writes = day_of_writes(copy, a.orgunit, today, random.Random(a.seed))
    link.reset()
    link.model -= 2 * LATENCY  # the connection of the session is kept
    results = link.call("POST", "/sync/push", {"client_id": str(uuid.uuid4()), "writes": writes})["results"]
    stored = sum(1 for r in results if r["status"] == "stored")
    bad = [r for r in results if r["status"] != "stored"]
    link.report("a day's push", f"; {len(writes)} writes, {stored} stored" + (f", first other: {bad[0]}" if bad else ""))
    link.reset()
    link.model -= 2 * LATENCY
    cursor, pages = sync(link, cursor, a.limit, copy, due)
    link.report("the day's changes", f"; {pages} pages")


if __name__ == "__main__":
    main()
