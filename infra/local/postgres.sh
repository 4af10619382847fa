# shellcheck shell=bash
# PostgreSQL as FerretDB's storage (sourced by start.sh / stop.sh / install.sh).
#
# Why: FerretDB 1.24 on SQLite pushes only `{_id: <string>}` down to storage, so
# every other filter (admin search, the read model's revision-guarded upsert)
# scans the whole collection: ~100 ms per search at 3,000 tickets, growing with
# them. On PostgreSQL the same queries take ~2 ms (measured with the mongodb
# driver, 3,000 documents; with ferretdb-gin-indexes.sql ~1.3 ms at 20,000,
# where plain FerretDB scans: 7 ms). The cluster lives under the data dir, on
# 127.0.0.1 only, owned by the service that uses it (ferretdb).
# FERRETDB_BACKEND=sqlite switches back to the SQLite backend.

PG_PORT="${FERRETDB_PG_PORT:-54329}"
# As root the cluster runs as the `postgres` user, who may not be able to reach a
# checkout under a private directory (mktemp -d is 0700): then it lives under
# /var/tmp, one directory per data dir.
if [[ "$(id -u)" == 0 ]]; then
  PG_DIR="${FERRETDB_PG_DIR:-/var/tmp/support-desk-postgres/$(echo -n "$DATA_DIR" | sha256sum | cut -c1-12)}"
else
  PG_DIR="${FERRETDB_PG_DIR:-$DATA_DIR/postgres}"
fi

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$dir" ]] && echo "$dir"
}

ferretdb_backend() {
  if [[ "${FERRETDB_BACKEND:-postgresql}" == sqlite ]]; then echo sqlite; else echo postgresql; fi
}

# initdb and the server refuse to run as root: use the system's postgres user then.
as_pg_user() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_postgres() {
  [[ "$(ferretdb_backend)" == postgresql ]] || return 0
  if [[ -n "$(pg_bin)" ]]; then
    log "postgresql: $(pg_bin)"
    return 0
  fi
  [[ "$(id -u)" == 0 ]] || die "PostgreSQL server binaries not found: apt-get install postgresql (or FERRETDB_BACKEND=sqlite)"
  log "postgresql: installing Debian's postgresql package..."
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  # Debian's package starts a system cluster on 5432; ours is separate and needs none.
}

pg_ready() { "$(pg_bin)/pg_isready" -q -h "$HOST" -p "$PG_PORT" 2>/dev/null; }

start_postgres() {
  local bin
  bin="$(pg_bin)" || die "PostgreSQL binaries not found (run infra/local/install.sh ferretdb)"
  mkdir -p "$PG_DIR/run"
  if [[ "$(id -u)" == 0 ]]; then
    chmod 755 "$(dirname "$PG_DIR")"
    chown -R postgres "$PG_DIR"
  fi
  if [[ ! -f "$PG_DIR/data/PG_VERSION" ]]; then
    log "postgresql: creating the cluster in $PG_DIR/data"
    as_pg_user "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >>"$(log_file postgres)" 2>&1 ||
      { tail -n 20 "$(log_file postgres)" >&2; die "postgresql: initdb failed"; }
  fi
  if ! pg_ready; then
    port_open "$PG_PORT" && die "postgresql: port $PG_PORT is in use by another process (override with FERRETDB_PG_PORT)"
    # The server writes its own log, so it goes where the postgres user may write.
    as_pg_user "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
      -o "-h $HOST -p $PG_PORT -k $PG_DIR/run -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >&2 ||
      { tail -n 20 "$PG_DIR/server.log" >&2; die "postgresql: start failed"; }
  fi
  # FerretDB maps MongoDB databases to schemas inside this one database.
  if ! "$bin/psql" -h "$HOST" -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'" | grep -q 1; then
    "$bin/psql" -h "$HOST" -p "$PG_PORT" -U postgres -qc "CREATE DATABASE ferretdb" >&2
  fi
  "$bin/psql" -h "$HOST" -p "$PG_PORT" -U postgres -d ferretdb -q -v ON_ERROR_STOP=1 \
    -f "$INFRA_DIR/ferretdb-gin-indexes.sql" >/dev/null ||
    die "postgresql: applying ferretdb-gin-indexes.sql failed"
}

# The event store's databases on the same cluster: supportdesk_events for stack
# mode (EVENTSTORE_URL=postgres://…), supportdesk_events_test for e2e suites
# (POSTGRES_TEST_URL; each run makes its own schema in it). Idempotent, and run on
# every start.sh, so a cluster that was already running gets them too.
EVENTSTORE_DATABASES=(supportdesk_events supportdesk_events_test)

ensure_event_store_databases() {
  local bin db
  [[ "$(ferretdb_backend)" == postgresql ]] || return 0
  bin="$(pg_bin)" || die "PostgreSQL binaries not found (run infra/local/install.sh ferretdb)"
  for db in "${EVENTSTORE_DATABASES[@]}"; do
    if ! "$bin/psql" -h "$HOST" -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
      log "postgresql: creating database $db"
      # Two start.sh at once may race here: "already exists" from the loser is fine.
      "$bin/psql" -h "$HOST" -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $db" >/dev/null 2>&1 ||
        "$bin/psql" -h "$HOST" -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 ||
        die "postgresql: creating database $db failed"
    fi
  done
}

postgres_url() { echo "postgres://postgres@$HOST:$PG_PORT/$1"; }

stop_postgres() {
  local bin
  bin="$(pg_bin)" || return 0
  [[ -f "$PG_DIR/data/postmaster.pid" ]] || return 0
  log "postgresql: stopping"
  as_pg_user "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >&2 || true
}

ferretdb_storage_args() {
  if [[ "$(ferretdb_backend)" == postgresql ]]; then
    echo "-postgresql-url postgres://postgres@$HOST:$PG_PORT/ferretdb"
  fi
}
