#!/usr/bin/env bash
# The test command: installs what is missing, builds the browser bundle once, runs every test:
# the dependency and migration checks, unit and property tests, storage on SQLite and
# PostgreSQL, HTTP against the real server, and the browser tests (Playwright + Debian chromium).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
started=$(date +%s)

bash scripts/setup.sh
if [ -z "${KARTE_TEST_PG_URL:-}" ]; then
  bash scripts/postgres.sh
  export KARTE_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/postgres
fi

bash scripts/supply-chain.sh
bash scripts/build-wasm.sh
cargo test --workspace --locked
cargo build -p server --bin karte --locked
(cd e2e && npm test --silent)
echo "all tests passed in $(( $(date +%s) - started )) s"
