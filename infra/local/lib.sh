# shellcheck shell=bash
# shellcheck disable=SC2034 # settings here are used by the scripts that source this file
# Shared settings and helpers for infra/local/*.sh. Sourced, never executed.
#
# Everything binds to 127.0.0.1 only: these servers exist for integration
# tests on this machine and must never be reachable from elsewhere.

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_DIR/../.." && pwd)"

# Pinned versions: the cache is keyed on these, so bumping one rebuilds it.
KAFKA_VERSION="4.1.1"
FERRETDB_VERSION="v1.24.2" # must match infra/local/ferretdb/go.mod
VERSITYGW_VERSION="v1.7.0"

# Absolute paths: they end up in server configs and pid-checked command lines.
CACHE_DIR="$(realpath -m "${SUPPORT_DESK_INFRA_CACHE:-$HOME/.cache/support-desk-infra}")"
DATA_DIR="$(realpath -m "${SUPPORT_DESK_INFRA_DATA:-$REPO_ROOT/.infra-data}")"
RUN_DIR="$DATA_DIR/run"
LOG_DIR="$DATA_DIR/logs"

HOST="127.0.0.1"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
FERRETDB_PORT="${FERRETDB_PORT:-27017}"
VERSITYGW_PORT="${VERSITYGW_PORT:-7070}"

S3_ACCESS_KEY="supportdesk"
S3_SECRET_KEY="supportdesk-secret"
S3_REGION="us-east-1"
S3_BUCKET="${S3_BUCKET:-support-desk}"

ALL_SERVICES=(kafka ferretdb versitygw)

log() { printf '[infra] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Expand "all" (or nothing) into the service list and reject typos early.
resolve_services() {
  local s
  if [[ $# -eq 0 || "$1" == "all" ]]; then
    printf '%s\n' "${ALL_SERVICES[@]}"
    return
  fi
  for s in "$@"; do
    case "$s" in
      kafka | ferretdb | versitygw) printf '%s\n' "$s" ;;
      *) die "unknown service '$s' (expected: kafka ferretdb versitygw all)" ;;
    esac
  done
}

# Cache locations, keyed on version plus a hash of the files that shape the
# build, so editing the pom / wrapper also invalidates the cached artifact.
files_hash() { cat "$@" | sha256sum | cut -c1-12; }
kafka_home() { echo "$CACHE_DIR/kafka-$KAFKA_VERSION-$(files_hash "$INFRA_DIR/kafka/pom.xml")"; }
ferretdb_bin() {
  echo "$CACHE_DIR/ferretdb-$FERRETDB_VERSION-$(files_hash "$INFRA_DIR"/ferretdb/{main.go,go.mod,go.sum})/ferretdb-local"
}
versitygw_bin() { echo "$CACHE_DIR/versitygw-$VERSITYGW_VERSION/versitygw"; }

pid_file() { echo "$RUN_DIR/$1.pid"; }
log_file() { echo "$LOG_DIR/$1.log"; }

# A string that must appear in /proc/PID/cmdline, so a stale pid file whose
# pid was recycled by an unrelated process is never signalled.
cmd_marker() {
  case "$1" in
    kafka) echo "kafka.Kafka" ;;
    ferretdb) echo "ferretdb-local" ;;
    versitygw) echo "versitygw" ;;
  esac
}

# Prints the pid if the service's pid file points at a live process of ours.
running_pid() {
  local svc="$1" pf pid
  pf="$(pid_file "$svc")"
  [[ -f "$pf" ]] || return 1
  pid="$(<"$pf")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  # A zombie (already exited, not yet reaped) counts as stopped.
  [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != "Z" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$(cmd_marker "$svc")" || return 1
  echo "$pid"
}

service_port() {
  case "$1" in
    kafka) echo "$KAFKA_PORT" ;;
    ferretdb) echo "$FERRETDB_PORT" ;;
    versitygw) echo "$VERSITYGW_PORT" ;;
  esac
}

# True if something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# On a failed start: the errors of the latest run (they are often far above
# the shutdown noise at the end), then the log tail.
tail_log() {
  local f errors
  f="$(log_file "$1")"
  [[ -f "$f" ]] || return 0
  errors="$(awk '/^=== .* start\.sh: /{run=""} {run=run $0 "\n"} END{printf "%s", run}' "$f" |
    grep -E -m 10 ' (ERROR|FATAL) |level=ERROR|^panic|Exception' || true)"
  if [[ -n "$errors" ]]; then
    log "errors in the latest run ($f):"
    printf '%s\n' "$errors" >&2
  fi
  log "last lines of $f:"
  tail -n 30 "$f" >&2
}

# The Kafka classpath: every jar that install.sh copied from Maven Central.
kafka_classpath() { echo "$(kafka_home)/libs/*"; }

# Run a Kafka CLI class (tools, not the broker) with a small, fast-starting JVM
# and quiet logging so its stdout is just the command's output.
kafka_tool() {
  local main="$1"
  shift
  # timeout: a tool that cannot reach the broker must not hang the caller.
  timeout "${KAFKA_TOOL_TIMEOUT:-300}" java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$INFRA_DIR/kafka/log4j2-tools.xml" \
    -cp "$(kafka_classpath)" "$main" "$@"
}

# Stop one service by its pid file: TERM, wait, then KILL. Safe if not running.
# STOP_SIGNAL=KILL simulates a crash (e.g. for a broker fault test).
stop_service() {
  local svc="$1" pid i
  local grace="${STOP_GRACE_SECONDS:-30}" # Kafka's controlled shutdown needs a few s
  local sig="${STOP_SIGNAL:-TERM}"
  if ! pid="$(running_pid "$svc")"; then
    rm -f "$(pid_file "$svc")"
    log "$svc: not running"
    return 0
  fi
  log "$svc: stopping pid $pid (SIG$sig)"
  kill -s "$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 5; i++)); do
    running_pid "$svc" >/dev/null || break
    sleep 0.2
  done
  if running_pid "$svc" >/dev/null; then
    log "$svc: still alive after ${grace}s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$(pid_file "$svc")"
  log "$svc: stopped"
}
