#!/usr/bin/env bash
# Supply chain and migrations (docs/reliability.md): cargo deny over the dependency tree
# (licenses, banned and duplicate crates, sources; deny.toml) and squawk over every
# PostgreSQL migration (.squawk.toml). Part of scripts/test.sh; the tools come from
# scripts/setup.sh.
#
# The advisory check needs the RustSec advisory database, which is fetched from a git host
# this machine cannot reach: it runs only with KARTE_DENY_ADVISORIES=1 (where the network
# allows), and is skipped, saying so, otherwise.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=${KARTE_PY:-${XDG_CACHE_HOME:-$HOME/.cache}/karte/py}
squawk=$py/bin/squawk
[ -x "$squawk" ] || squawk=$(command -v squawk)

echo "supply chain: cargo deny (licenses, bans, sources)"
cargo deny --locked check --hide-inclusion-graph licenses bans sources
if [ "${KARTE_DENY_ADVISORIES:-0}" = 1 ]; then
  cargo deny --locked check advisories
else
  echo "supply chain: advisories SKIPPED (the advisory database is not reachable from here; KARTE_DENY_ADVISORIES=1 to run)"
fi

# Migrations applied before squawk ran: they cannot carry `-- squawk-ignore` comments (sqlx
# refuses to start when an applied file's checksum changes), so their exceptions are here:
# - require-lock-timeout, require-statement-timeout: `karte migrate` runs at start, before
#   the server listens, so no request of ours waits behind a migration's lock;
# - require-concurrent-index-creation (auth.sql: sessions/identities indexes on tables of the
#   same release; receipt_identity.sql: two indexes on the line tables) and
#   require-concurrent-index-deletion (fewer_line_indexes.sql): CONCURRENTLY cannot run in
#   the transaction sqlx wraps each migration in; the tables were small when these landed.
# Every later migration gets all the rules, and says why next to any statement it exempts.
frozen_until=20261205000041
frozen=()
later=()
for f in migrations/postgres/*.sql; do
  version=$(basename "$f" | cut -d_ -f1)
  if [ "$version" -le "$frozen_until" ]; then frozen+=("$f"); else later+=("$f"); fi
done
echo "supply chain: squawk over ${#frozen[@]} + ${#later[@]} PostgreSQL migrations"
"$squawk" --reporter gcc \
  --exclude=require-lock-timeout,require-statement-timeout,require-concurrent-index-creation,require-concurrent-index-deletion \
  "${frozen[@]}"
if [ ${#later[@]} -gt 0 ]; then
  "$squawk" --reporter gcc "${later[@]}"
fi
# The linter is really on: a blocking index on an existing table is refused.
if echo 'CREATE INDEX people_name ON people (name);' | "$squawk" --stdin-filepath canary.sql >/dev/null 2>&1; then
  echo "supply chain: squawk passed a statement it must refuse; is .squawk.toml read?"
  exit 1
fi
echo "supply chain: passed"
