#!/usr/bin/env bash
# The run command: installs what is missing, builds, and serves Karte with the demo people on
# http://127.0.0.1:3000 (SQLite in ./data), with the dev sign-in (pick a demo person; loopback
# only). Stop with Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
bash scripts/build-wasm.sh
cargo build -p server --bin karte --locked
target_dir=${CARGO_TARGET_DIR:-$root/target}
export KARTE_DEV_LOGIN=${KARTE_DEV_LOGIN:-1}
exec "$target_dir/debug/karte" serve --demo --addr "${KARTE_ADDR:-127.0.0.1:3000}"
