#!/usr/bin/env bash
# The whole suite: lint and type checks, then the tests on SQLite and on
# PostgreSQL (required when CI=true; otherwise when reachable).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export VILLAGEAID_TESTING=1

bash scripts/require.sh test || exit 1
# Two workers on the 2-core machines we run on; tests sharing the broker, the Spark JVM or
# the drills stay in one worker (see SERIAL_GROUPS in src/villageaid/conftest.py).
PARALLEL="${PYTEST_PARALLEL:--n 2 --dist loadgroup}"

echo "== lint, types, migrations"
make --no-print-directory lint

echo "== tests on SQLite"
DATABASE_URL="sqlite:///$(mktemp -d)/test.sqlite3" $BIN/python -m pytest $PARALLEL -m "not postgres" "$@"

PG_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/villageaid}"
if $BIN/python scripts/pg_ready.py "$PG_URL"; then
  echo "== tests on PostgreSQL"
  DATABASE_URL="$PG_URL" $BIN/python -m pytest $PARALLEL -m "not spark" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is required in CI but is not reachable at $PG_URL" >&2
  exit 1
else
  echo "== PostgreSQL not reachable at $PG_URL: skipped the PostgreSQL run"
fi
