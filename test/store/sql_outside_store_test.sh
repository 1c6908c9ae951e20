#!/usr/bin/env bash
# The store is the only door: no SQLite handle, header or SQL text in src/
# outside src/store/. Files still waiting for their move are listed in
# sql_allowlist.txt with how many matching lines they may have; a file over its
# count fails, and so does an entry that has become too high, so the list
# only shrinks.
# Usage: sql_outside_store_test.sh SOURCE_DIR [ALLOWLIST]
set -u
src="${1:?usage: $0 SOURCE_DIR [ALLOWLIST]}"
allow="${2:-$(dirname "$0")/sql_allowlist.txt}"
cd "$src" || exit 2

pattern='store/sqlite\.h|sqlite3|store::(Db|Stmt)\b|"(SELECT|INSERT|UPDATE|CREATE|PRAGMA) |"DELETE FROM|"WITH RECURSIVE'
hits=$(grep -rnE --include='*.h' --include='*.cpp' --include='*.cc' "$pattern" src | grep -v '^src/store/')

declare -A allowed=()
while IFS= read -r line; do
  line="${line%%#*}"
  read -r path count _ <<<"$line"
  [ -z "${path:-}" ] && continue
  allowed["$path"]="${count:-0}"
done <"$allow"

declare -A found=()
while IFS= read -r hit; do
  [ -z "$hit" ] && continue
  f="${hit%%:*}"
  found["$f"]=$(( ${found["$f"]:-0} + 1 ))
done <<<"$hits"

fail=0
for f in "${!found[@]}"; do
  n=${found["$f"]}
  max=${allowed["$f"]:-0}
  if (( n > max )); then
    echo "$f: $n lines with SQLite or SQL outside src/store/ (allowed $max):"
    grep -nE "$pattern" "$f" | sed "s|^|  $f:|"
    fail=1
  fi
done
for f in "${!allowed[@]}"; do
  n=${found["$f"]:-0}
  max=${allowed["$f"]}
  if (( n < max )); then
    echo "$f: allow-list says $max, found $n: lower it in $allow (remove the entry at 0)"
    fail=1
  fi
done
if (( fail )); then
  echo "FAIL: SQLite and SQL belong in src/store/, behind store::Store (src/store/store.h)"
  exit 1
fi
echo "ok: no SQLite or SQL outside src/store/ beyond the allow-list"
