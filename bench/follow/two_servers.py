#!/usr/bin/env python3
"""Delay from a write through server A to server B's engines (docs/performance.md,
"Two servers on one database"). Starts two `under5 serve` on DB (an SQLite file, or
with --pg a PostgreSQL URI), adds a commune worker, then N times: creates a person
through A and polls B's `persons/{id}/due` (answered by B's care engine, which
knows the person only once it has replayed the change log) every 5 ms; prints the
distribution of the delays. Usage: bench/follow/two_servers.py DB N [FOLLOW_MS]
[ORGUNIT]  (ORGUNIT: a commune of DB, default 03390)."""
import http.client, json, os, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
U5 = os.environ.get("U5", os.path.join(ROOT, "build", "under5"))
db, n = sys.argv[1], int(sys.argv[2])
follow_ms = sys.argv[3] if len(sys.argv) > 3 else "250"
orgunit = sys.argv[4] if len(sys.argv) > 4 else "03390"
where = ["--pg", db] if db.startswith("postgres") else ["--db", db]
password = "Sông Đà chảy qua Mường Tè 2030"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def call(port, method, path, body=None, token=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    c.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


add = subprocess.run([U5, "user", "add", *where, "--username", "benchfollow", "--role", "commune_worker",
                      "--orgunit", orgunit], input=password.encode(), capture_output=True)
if add.returncode != 0 and b"exists" not in add.stderr:
    sys.exit(add.stderr.decode())
work = tempfile.mkdtemp()
servers = []
try:
    for name in ("a", "b"):
        port = free_port()
        log = open(os.path.join(work, name + ".log"), "w")
        p = subprocess.Popen([U5, "serve", *where, "--port", str(port), "--demo", "--follow-ms", follow_ms],
                             stderr=log, stdout=log)
        servers.append((p, port, log.name))
    tokens = []
    for p, port, log in servers:
        for _ in range(6000):
            if open(log).read().count('"engine_ready"') >= 2:
                break
            if p.poll() is not None:
                sys.exit(open(log).read())
            time.sleep(0.05)
        status, data = call(port, "POST", "/api/v1/auth/login", {"username": "benchfollow", "password": password})
        if status != 200:
            sys.exit(f"login: {status} {data[:200]}")
        tokens.append(json.loads(data)["token"])
    (pa, port_a, _), (pb, port_b, _) = servers
    delays = []
    for i in range(n):
        status, data = call(port_a, "POST", "/api/v1/persons",
                            {"full_name": f"Lò Văn Bench {i}", "sex": "male", "birth_date": "2026-11-20", "orgunit": orgunit},
                            tokens[0])
        if status != 201:
            sys.exit(f"write {i}: {status} {data[:200]}")
        t0 = time.monotonic()
        pid = json.loads(data)["id"]
        while True:
            status, _ = call(port_b, "GET", f"/api/v1/persons/{pid}/due", token=tokens[1])
            if status == 200:
                break
            if time.monotonic() - t0 > 30:
                sys.exit(f"write {i}: B did not learn of it in 30 s")
            time.sleep(0.005)
        delays.append((time.monotonic() - t0) * 1000)
    delays.sort()
    pick = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))]
    print(f"{n} writes through A, follow every {follow_ms} ms; seen by B's care engine after: "
          f"p50 {pick(0.5):.0f} ms, p90 {pick(0.9):.0f} ms, p99 {pick(0.99):.0f} ms, max {delays[-1]:.0f} ms; "
          f"load {open('/proc/loadavg').read().split()[:3]}")
finally:
    for p, _, _ in servers:
        p.terminate()
        p.wait()
