#!/usr/bin/env bash
# The test command: installs what is missing, builds the browser bundle once, runs every test:
# the dependency and migration checks, unit and property tests, storage on SQLite and
# PostgreSQL, HTTP against the real server (and the replay of the fuzz corpus), and the browser
# tests (Playwright + Debian chromium).
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
# Includes the replay of every fuzz corpus and crash file (server/tests/it/fuzz_corpus.rs).
cargo test --workspace --locked
cargo build -p server --bin karte --locked
# The API against its own OpenAPI document (schemathesis, 25 examples per operation, ~15 s).
bash scripts/contract.sh
# FHIR: every demo person's resources parsed as FHIR 4.0.1 (PyPI fhir.resources 6.1.0),
# profiles, identifier and code systems, and a token's scope (~10 s).
bash scripts/fhir.sh
# Three servers on one PostgreSQL behind nginx: a session across all, SIGTERM of one and a
# rolling restart under load, zero failed requests (docs/operations.md, ~30 s).
python3 ops/multi-server --bin "${CARGO_TARGET_DIR:-$root/target}/debug/karte"
# A synchronous hot standby: reads on it, the access log on the primary, the primary killed
# under imports, promote, recovery timed, nothing acknowledged lost (docs/operations.md, ~16 s).
python3 ops/standby-drill --bin "${CARGO_TARGET_DIR:-$root/target}/debug/karte"
# Real fuzzing, 5 s per target (KARTE_FUZZ_SECONDS; 0 skips it). The instrumented build sits
# in KARTE_FUZZ_TARGET_DIR, outside the clone: about 25 minutes cold on two shared cores, 3–7
# after a change to the server crate (docs/reliability.md, "Fuzzing").
if [ "${KARTE_FUZZ_SECONDS:-5}" -gt 0 ]; then
  bash fuzz/run.sh "${KARTE_FUZZ_SECONDS:-5}"
fi
(cd e2e && npm test --silent)
echo "all tests passed in $(( $(date +%s) - started )) s"
