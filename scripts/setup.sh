#!/usr/bin/env bash
# Installs what a fresh machine lacks, from package registries only (Debian, crates.io, npm).
# Idempotent: quick when everything is already there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages: the browser for the tests, the font the PDFs embed, PDF tools, brotli, and
# openpyxl (Debian's python3) as the independent reader of the e-Tax xlsx in the tests, xmllint
# (libxml2-utils) that checks the archive's hc08 CDA against the MHLW schema in the tests, and
# nginx, the proxy in front of the servers of ops/multi-server (its binary only, with a config
# of its own; the Debian service it installs is not needed), and ZBar (zbar-tools), the
# independent reader of the drugs PDF's お薬手帳 QR codes in the tests.
missing=()
for pkg in chromium fonts-ipaexfont-gothic poppler-utils brotli python3-openpyxl libxml2-utils nginx zbar-tools; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The wasm target, from rustup.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen version in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing wasm-bindgen-cli $want (once per machine, a few minutes)"
  cargo install wasm-bindgen-cli --version "$want" --force
fi

# npm packages: playwright-core (drives Debian's chromium; it downloads no browser) and
# binaryen (its wasm-opt works; Debian's 108 breaks hydration).
if [ ! -x e2e/node_modules/.bin/wasm-opt ] || [ ! -d e2e/node_modules/playwright-core ] \
   || ! cmp -s e2e/package-lock.json e2e/node_modules/.package-lock.json.src 2>/dev/null; then
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
  cp e2e/package-lock.json e2e/node_modules/.package-lock.json.src
fi

# Python tools, pinned, in a venv under the user cache (kept between runs like ~/.cargo/bin):
# schemathesis (the API contract check, scripts/contract.sh) and squawk-cli (the PostgreSQL
# migration linter; its wheel carries the binary, nothing is downloaded at install).
# The interpreter: not CPython 3.11.7 or 3.12.1, whose ast.parse can raise "SystemError: AST
# constructor recursion depth mismatch" inside hypothesis (schemathesis' engine) — a CPython
# regression fixed in 3.11.8 and 3.12.2 that failed a contract run here (2026-12-05). The first
# other python3 on the machine (Debian's /usr/bin/python3 on a fresh one) is used.
py_bin=
for cand in python3 /usr/bin/python3 python3.13 python3.12 python3.11; do
  v=$("$cand" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) || continue
  case "$v" in 3.11.7 | 3.12.1) continue ;; esac
  py_bin=$cand
  break
done
if [ -z "$py_bin" ]; then
  py_bin=python3
  v=$(python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
fi
py=${KARTE_PY:-${XDG_CACHE_HOME:-$HOME/.cache}/karte/py}
py_want="schemathesis==4.32.5 squawk-cli==2.70.0 (python $v)"
if [ "$(cat "$py/.karte-pins" 2>/dev/null)" != "$py_want" ]; then
  echo "setup: installing $py_want into $py"
  if ! "$py_bin" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
  fi
  "$py_bin" -m venv --clear "$py"
  "$py/bin/python" -m pip install -q --disable-pip-version-check ${py_want% (*}
  echo "$py_want" > "$py/.karte-pins"
fi

# cargo-deny (licenses, bans, duplicate versions, sources: scripts/supply-chain.sh), from
# crates.io, once per machine (a few minutes).
deny_want=0.20.2
if [ "$(cargo deny --version 2>/dev/null | awk '{ print $2 }')" != "$deny_want" ]; then
  echo "setup: installing cargo-deny $deny_want (once per machine, a few minutes)"
  cargo install --locked cargo-deny --version "$deny_want"
fi
