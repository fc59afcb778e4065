#!/usr/bin/env bash
# Page 1 of each PDF export for demo-sato, as PNG (60 dpi) in docs/screenshots/.
# Needs a built `karte` (cargo build -p server --bin karte) and poppler-utils.
set -euo pipefail
cd "$(dirname "$0")/.."
karte="${CARGO_TARGET_DIR:-target}/debug/karte"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export KARTE_DATA_DIR="$work" KARTE_TODAY=2025-06-01 KARTE_LOG=warn
"$karte" demo >/dev/null
for kind in drugs checkups expenses; do
  "$karte" export pdf --person demo-sato --kind "$kind" --from 2024-06 --to 2025-05 -o "$work/$kind.pdf"
  pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$work/$kind.pdf" "docs/screenshots/pdf-$kind-p1"
done
