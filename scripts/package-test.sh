#!/usr/bin/env bash
# The Debian package, for real: builds karte_*.deb with cargo-deb from the already built
# binary (no release build: `--no-build` over the debug binary of $CARGO_TARGET_DIR, stripped),
# installs it into this machine with `dpkg -i`, checks the unit with `systemd-analyze`, runs
# `/usr/bin/karte migrate` and `serve` as the `karte` user with the packaged
# /etc/karte/karte.env (pointed at a fresh PostgreSQL database), checks /readyz and /metrics,
# then purges the package and checks that nothing of it is left on the machine.
#
#   scripts/package-test.sh              # needs root (dpkg), PostgreSQL (KARTE_TEST_PG_URL)
#
# cargo-deb comes from crates.io, once per machine, into ~/.cache/karte/tools (a few minutes).
# Not part of scripts/test.sh: it installs into and removes from the machine itself.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
started=$(date +%s)
[ "$(id -u)" = 0 ] || { echo "package-test: run as root (dpkg -i)" >&2; exit 1; }
if dpkg-query -W -f='${Status}' karte 2>/dev/null | grep -q "install ok installed"; then
  echo "package-test: a karte package is installed already; this test would remove it" >&2
  exit 1
fi

tools=${XDG_CACHE_HOME:-$HOME/.cache}/karte/tools
deb_want=3.8.0
if [ "$("$tools/bin/cargo-deb" --version 2>/dev/null | awk '{ print $2 }')" != "$deb_want" ]; then
  echo "package-test: installing cargo-deb $deb_want into $tools (once per machine)"
  (unset CARGO_TARGET_DIR; cargo install --locked cargo-deb --version "$deb_want" --root "$tools")
fi
for pkg in adduser fonts-ipaexfont-gothic; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg"
done

[ -f dist/pkg/karte.wasm ] || bash scripts/build-wasm.sh
cargo build --workspace --locked
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
# cargo-deb maps the asset `target/release/karte` to the profile it is told.
deb=$("$tools/bin/cargo-deb" -p server --no-build --profile dev --output "$target/debian/" 2>&1 | tail -n 1)
[ -f "$deb" ] || { echo "package-test: cargo-deb said: $deb" >&2; exit 1; }
echo "package-test: built $deb ($(du -h "$deb" | cut -f1))"
dpkg-deb --info "$deb" | sed -n '/Package:/,/Description:/p'

pg_base=${KARTE_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
dbname=karte_pkg_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
db_url="${pg_base%/*}/$dbname"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
server= pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  if [ -n "$server" ]; then wait "$server" 2>/dev/null || true; fi
  if dpkg-query -W karte >/dev/null 2>&1; then dpkg --purge karte >/dev/null 2>&1 || true; fi
  psql -X -q "$pg_base" -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

before=$(mktemp)
find /etc /usr /var/lib -xdev -path /var/lib/postgresql -prune -o -print 2>/dev/null | sort > "$before"

dpkg -i "$deb"
getent passwd karte >/dev/null || { echo "FAIL: no karte user" >&2; exit 1; }
[ "$(stat -c '%U:%G %a' /etc/karte/karte.env)" = "root:karte 640" ] \
  || { echo "FAIL: karte.env is $(stat -c '%U:%G %a' /etc/karte/karte.env)" >&2; exit 1; }
[ "$(stat -c '%U:%G %a' /var/lib/karte)" = "karte:karte 750" ] \
  || { echo "FAIL: /var/lib/karte is $(stat -c '%U:%G %a' /var/lib/karte)" >&2; exit 1; }
unit=$(dpkg -L karte | grep '/karte.service$')
echo "package-test: unit $unit"

if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$unit"
  echo "package-test: systemd-analyze verify: clean"
  systemd-analyze security --offline=true --no-pager "$unit" | tail -n 1
  exposure=$(systemd-analyze security --offline=true --no-pager "$unit" | tail -n 1 | grep -oE '[0-9]+\.[0-9]+' | head -n 1)
  awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' \
    || { echo "FAIL: exposure $exposure above 2.0" >&2; exit 1; }
else
  echo "package-test: systemd-analyze not on this machine: unit not checked"
fi

# The packaged settings, pointed at a fresh PostgreSQL database and free ports (as an operator
# edits them). The service would start `serve` the same way (no systemd as PID 1 here).
psql -X -q "$pg_base" -c "CREATE DATABASE $dbname"
cat >> /etc/karte/karte.env <<EOF
KARTE_DATABASE_URL=$db_url
KARTE_ADDR=127.0.0.1:$port
KARTE_METRICS_ADDR=127.0.0.1:$mport
EOF
as_karte() { runuser -u karte -- env -i PATH=/usr/bin:/bin bash -c 'set -a; . /etc/karte/karte.env; set +a; exec "$@"' karte "$@"; }
as_karte /usr/bin/karte migrate
(cd /var/lib/karte && as_karte /usr/bin/karte serve > /tmp/karte-pkg-serve.log 2>&1) &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { cat /tmp/karte-pkg-serve.log; echo "FAIL: /readyz" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$port/pkg/karte.wasm" -o /dev/null || { echo "FAIL: the bundle is not served" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$mport/metrics" | grep -q '^karte_http_requests_total' \
  || { echo "FAIL: /metrics" >&2; exit 1; }
pid=$(pgrep -u karte -f '/usr/bin/karte serve' | head -n 1)
[ -n "$pid" ] || { echo "FAIL: karte serve does not run as the karte user" >&2; exit 1; }
echo "package-test: /readyz 200, /pkg/karte.wasm 200, /metrics scraped; serve runs as user karte"
kill -TERM "$pid"
wait "$server" || true
server= pid=

files=$(dpkg -L karte)
dpkg --purge karte
after=$(mktemp)
find /etc /usr /var/lib -xdev -path /var/lib/postgresql -prune -o -print 2>/dev/null | sort > "$after"
# Every file the package had is gone.
for f in $files; do
  if [ -e "$f" ] && [ ! -d "$f" ]; then echo "FAIL: $f is still there" >&2; exit 1; fi
done
# What the package left: paths that exist now and did not before, other than dpkg's own logs.
# Other work on the machine (PostgreSQL's files, apt) changes too: only paths that name karte,
# or that systemd and the user database keep, can be the package's.
left=$(comm -13 "$before" "$after" | grep -v -e '^/var/lib/dpkg/' -e '^/var/lib/apt/' \
  | grep -e karte -e '^/etc/systemd/' -e '^/var/lib/systemd/' -e '^/etc/subuid' -e '^/etc/subgid' || true)
if [ -n "$left" ] || getent passwd karte >/dev/null || getent group karte >/dev/null; then
  echo "FAIL: left after purge:" >&2; echo "$left" >&2; getent passwd karte >&2 || true
  exit 1
fi
rm -f "$before" "$after"
echo "package-test: purged, nothing left (files, user, group); $(( $(date +%s) - started )) s"
