#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser and user-controlled input (docs/reliability.md,
# "Fuzzing"): cargo fuzz (libFuzzer) on the stable toolchain, without a sanitizer (`-s none`:
# the code under test is safe Rust; panics, overflows, debug assertions, timeouts and memory
# blow-ups are what is caught).
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     default: 10 s each, every target
#   fuzz/run.sh 3600                                 the long run: one hour per target
#
# The instrumented targets are built once (release, every dependency instrumented: about
# 25 minutes cold on two shared cores, 3–7 minutes after a change to the server crate) into
# KARTE_FUZZ_TARGET_DIR (default ~/.cache/karte/fuzz-target, outside the clone), then each
# target runs from that build: nothing is rebuilt between targets.
#
# New inputs go to fuzz/work/TARGET (not checked in); a crash is written to
# fuzz/artifacts/TARGET/ and stops that target: fix it, copy the file to
# fuzz/regressions/TARGET/ (replayed by `cargo test`, server/tests/it/fuzz_corpus.rs).
# Each target's libFuzzer output goes to fuzz/work/TARGET.log; its summary (executions,
# coverage, features, corpus) is printed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/fuzz"

seconds=${1:-10}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cd fuzz_targets && ls -- *.rs | sed 's/\.rs$//')
fi

# cargo-fuzz from crates.io (once per machine; it builds in about two minutes).
want=0.13.2
if [ "$(cargo fuzz --version 2>/dev/null | awk '{ print $2 }')" != "$want" ]; then
  cargo install --locked cargo-fuzz --version "$want"
fi

export CARGO_TARGET_DIR=${KARTE_FUZZ_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/karte/fuzz-target}
flags=(-s none --release --debug-assertions)
started=$(date +%s)
cargo fuzz build "${flags[@]}"
echo "fuzz: instrumented build ready in $(( $(date +%s) - started )) s ($CARGO_TARGET_DIR)"
bin=$CARGO_TARGET_DIR/$(rustc -vV | sed -n 's/^host: //p')/release

failed=0
for t in "${targets[@]}"; do
  mkdir -p "work/$t" "artifacts/$t"
  echo "fuzz: $t for ${seconds}s"
  if ! "$bin/$t" -artifact_prefix="artifacts/$t/" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 "work/$t" "corpus/$t" >"work/$t.log" 2>&1; then
    echo "fuzz: $t FAILED; see fuzz/work/$t.log and fuzz/artifacts/$t/"
    failed=1
  fi
  grep -aE '^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "work/$t.log" | tr '\n' ' ' || true
  echo
done
exit $failed
