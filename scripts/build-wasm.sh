#!/usr/bin/env bash
# Builds the browser bundle into dist/pkg: karte.js + karte.wasm (islands hydration).
# Release build with size settings (profile wasm-release), wasm-bindgen, then wasm-opt from
# the npm package binaryen (Debian's binaryen 108 breaks hydration).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target_dir=${CARGO_TARGET_DIR:-$root/target}
out=$root/dist/pkg
mkdir -p "$out"

cargo build -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate \
  --profile wasm-release --locked
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name karte \
  "$target_dir/wasm32-unknown-unknown/wasm-release/app.wasm"

# With LEPTOS_OUTPUT_NAME set at compile time, Leptos asks for pkg/karte.wasm (no _bg suffix).
wasm_opt=$root/e2e/node_modules/.bin/wasm-opt
"$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-reference-types \
  --enable-sign-ext --enable-mutable-globals --strip-debug --strip-producers \
  "$out/karte_bg.wasm" -o "$out/karte.wasm"
rm -f "$out/karte_bg.wasm"

raw=$(stat -c %s "$out/karte.wasm")
gz=$(gzip -9 -c "$out/karte.wasm" | wc -c)
br=$( (command -v brotli >/dev/null && brotli -c -q 11 "$out/karte.wasm" | wc -c) || echo "?")
js=$(stat -c %s "$out/karte.js")
echo "bundle: karte.wasm raw $raw B, gzip $gz B, brotli $br B; karte.js $js B"
