#!/usr/bin/env bash
# FHIR validation: starts `karte serve --demo` (SQLite, loopback dev sign-in) and runs
# scripts/fhir/validate.py, which parses every resource of every demo person with PyPI
# fhir.resources 6.1.0 (FHIR 4.0.1 models), checks profile URLs, identifier and code systems
# against docs/fhir.md, and that a drugs-only app token is refused checkups (403). ~10 s.
#
#   scripts/fhir.sh                                  against SQLite
#   KARTE_FHIR_BACKEND=postgres scripts/fhir.sh      against PostgreSQL (KARTE_TEST_PG_URL)
#
# Needs the debug binary (cargo build --workspace --locked). The venv is kept under the user
# cache like scripts/contract's (pydantic 1 pinned: fhir.resources 6 needs it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=${CARGO_TARGET_DIR:-$root/target}/debug/karte
py=${KARTE_FHIR_PY:-${XDG_CACHE_HOME:-$HOME/.cache}/karte/fhir-py}
want="fhir.resources==6.1.0 pydantic==1.10.27"
if [ "$(cat "$py/.karte-pins" 2>/dev/null)" != "$want" ]; then
  echo "fhir: installing $want into $py"
  python3 -m venv "$py"
  "$py/bin/python" -m pip install -q --disable-pip-version-check $want
  echo "$want" > "$py/.karte-pins"
fi

data=$(mktemp -d)
db_url=
dropdb=
if [ "${KARTE_FHIR_BACKEND:-sqlite}" = postgres ]; then
  pg=${KARTE_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
  name=karte_fhir_$$
  psql "$pg" -qc "CREATE DATABASE $name" >/dev/null
  db_url=${pg%/*}/$name
  dropdb="psql $pg -qc 'DROP DATABASE IF EXISTS $name WITH (FORCE)'"
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
env KARTE_DATA_DIR="$data" ${db_url:+KARTE_DATABASE_URL="$db_url"} KARTE_DEV_LOGIN=1 NO_COLOR=1 \
  "$bin" serve --demo --addr "127.0.0.1:$port" >"$data/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
  [ -z "$dropdb" ] || eval "$dropdb" >/dev/null 2>&1 || true
}
trap cleanup EXIT
for _ in $(seq 1 300); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$data/server.log"; echo "fhir: the server did not start"; exit 1; }
  sleep 0.2
done
people=$(env KARTE_DATA_DIR="$data" ${db_url:+KARTE_DATABASE_URL="$db_url"} "$bin" people | cut -f1)
[ -n "$people" ] || { echo "fhir: no demo people"; exit 1; }
# shellcheck disable=SC2086
"$py/bin/python" scripts/fhir/validate.py "$base" $people
