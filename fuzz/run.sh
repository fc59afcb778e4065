#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser and user-controlled input (docs/reliability.md,
# "Fuzzing"): cargo fuzz (libFuzzer) on the stable toolchain, without a sanitizer (`-s none`:
# the code under test is safe Rust; panics, overflows, debug assertions, timeouts and memory
# blow-ups are what is caught).
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     default: 10 s each, every target
#   fuzz/run.sh 3600                                 the long run: one hour per target
#
# New inputs go to fuzz/work/TARGET (not checked in); a crash is written to
# fuzz/artifacts/TARGET/ and stops that target: fix it, copy the file to
# fuzz/regressions/TARGET/ (replayed by `cargo test`, server/tests/it/fuzz_corpus.rs).
# Each target's last stats line goes to fuzz/work/TARGET.log.
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

flags=(-s none --release --debug-assertions)
cargo fuzz build "${flags[@]}"

failed=0
for t in "${targets[@]}"; do
  mkdir -p "work/$t"
  echo "fuzz: $t for ${seconds}s"
  if ! cargo fuzz run "${flags[@]}" "$t" "work/$t" "corpus/$t" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      >"work/$t.log" 2>&1; then
    echo "fuzz: $t FAILED; see fuzz/work/$t.log and fuzz/artifacts/$t/"
    failed=1
  fi
  grep -E '^#[0-9]+ +DONE|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "work/$t.log" | tr '\n' ' ' || true
  echo
done
exit $failed
