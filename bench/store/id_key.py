#!/usr/bin/env python3
"""How the record id is keyed, and what it costs a bulk load. SQLite alone, no
under5 code: 800,000 rows shaped like the event table (id, person_id, org unit,
type, date, a 330-byte body) inserted in one transaction, the two large event
indexes built, committed.

  text    id TEXT PRIMARY KEY (the schema today)
  blob    id BLOB PRIMARY KEY, 16 bytes instead of 36 characters
  unique  id TEXT without a key; a UNIQUE index on it built after the rows, by
          one sort, as the bulk writer does for the secondary indexes

ORDER is the order the rows arrive in: "sequential" ids (as a generated import
file) or "shuffled" (as the demo's, whose ids carry the record's date while the
rows come commune by commune).

Usage: bench/store/id_key.py text|blob|unique [sequential|shuffled] [DIR]"""
import os
import random
import sqlite3
import sys
import time
import uuid

mode = sys.argv[1]
order = sys.argv[2] if len(sys.argv) > 2 else "sequential"
path = os.path.join(sys.argv[3] if len(sys.argv) > 3 else "/tmp", "id_key.db")
N = 800_000
for f in (path, path + "-journal", path + "-wal"):
    if os.path.exists(f):
        os.remove(f)
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=DELETE")
db.execute("PRAGMA cache_size=-262144")
kind = "BLOB" if mode == "blob" else "TEXT"
id_column = "id TEXT NOT NULL" if mode == "unique" else f"id {kind} PRIMARY KEY"
db.execute(f"CREATE TABLE event ({id_column}, type TEXT, person_id {kind}, orgunit_id TEXT, "
           "event_date TEXT, version INT, created_at TEXT, updated_at TEXT, body TEXT)")
body = "x" * 330
stamp = "2026-11-26T10:00:00.000Z"
numbers = list(range(N))
if order == "shuffled":
    random.Random(1).shuffle(numbers)
rows = []
for i in numbers:
    rid = uuid.UUID("0190b000-0000-7000-8000-%012x" % i)
    pid = uuid.UUID("0190b000-0000-7000-8000-%012x" % (i - i % 4))  # four events a person
    key = (rid.bytes, pid.bytes) if mode == "blob" else (str(rid), str(pid))
    rows.append((key[0], "growth", key[1], "%05d" % (i % 3000), "2021-05-%02d" % (i % 28 + 1), 1, stamp, stamp, body))
t0 = time.time()
db.execute("BEGIN")
db.executemany("INSERT INTO event VALUES (?,?,?,?,?,?,?,?,?)", rows)
t1 = time.time()
if mode == "unique":
    db.execute("CREATE UNIQUE INDEX event_id ON event(id)")
db.execute("CREATE INDEX event_person ON event(person_id, event_date)")
db.execute("CREATE INDEX event_orgunit ON event(orgunit_id, type, event_date)")
t2 = time.time()
db.execute("COMMIT")
t3 = time.time()
print(f"{mode} {order}: insert {t1 - t0:.2f} s, indexes {t2 - t1:.2f} s, commit {t3 - t2:.2f} s, "
      f"total {t3 - t0:.2f} s, file {os.path.getsize(path) >> 20} MB")
os.remove(path)
