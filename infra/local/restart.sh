#!/usr/bin/env bash
# Stop then start services, e.g. `infra/local/restart.sh kafka` for a fault
# test that bounces the broker mid-stream. Data is kept across the restart.
# Prints the same `export` lines as start.sh on stdout.
#
# usage: infra/local/restart.sh [kafka|ferretdb|versitygw|all]...
#        infra/local/restart.sh postgres
#
# `postgres` bounces PostgreSQL alone (the event store's and FerretDB's storage;
# fast shutdown, so every open connection breaks), keeps it down for
# PG_DOWN_SECONDS (default 0), and returns once FerretDB answers again on it.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
if [[ "${1:-}" == postgres ]]; then
  # shellcheck source-path=SCRIPTDIR source=lib.sh
  source "$here/lib.sh"
  # shellcheck source-path=SCRIPTDIR source=postgres.sh
  source "$INFRA_DIR/postgres.sh"
  [[ "$(ferretdb_backend)" == postgresql ]] || die "postgres: FERRETDB_BACKEND=sqlite runs no PostgreSQL"
  stop_postgres
  sleep "${PG_DOWN_SECONDS:-0}"
  start_postgres
  log "postgresql: healthy"
  exec "$here/start.sh" ferretdb
fi
"$here/stop.sh" "$@"
exec "$here/start.sh" "$@"
