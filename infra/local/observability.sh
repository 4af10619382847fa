#!/usr/bin/env bash
# Prometheus and Jaeger for the stack, started on request (start.sh does not):
#
#   eval "$(infra/local/observability.sh start)"   # both; or: start prometheus | start jaeger
#   infra/local/observability.sh stop
#
# - Prometheus: Debian's `prometheus` package (apt-get install when missing;
#   promtool comes with it), config infra/observability/prometheus.yml + alert
#   rules, copied under the data dir with an empty targets/ for file_sd
#   (PROMETHEUS_TARGETS_DIR: a test stack drops a JSON target list there).
# - Jaeger all-in-one v1.76.0 from the Go module proxy, in-memory storage,
#   OTLP/HTTP receiver on 4318, query UI/API on 16686. `go install …@v1.76.0`
#   refuses the module (its go.mod has replace directives), so the module is
#   downloaded with `go mod download` and built from there.
#
# Progress goes to stderr; stdout carries only `export NAME=value` lines.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

JAEGER_VERSION="v1.76.0"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"
JAEGER_OTLP_HTTP_PORT="${JAEGER_OTLP_HTTP_PORT:-4318}"
JAEGER_QUERY_PORT="${JAEGER_QUERY_PORT:-16686}"
OBS_DIR="$DATA_DIR/observability"
PROM_HOME="$OBS_DIR/prometheus"
jaeger_bin() { echo "$CACHE_DIR/jaeger-$JAEGER_VERSION/jaeger"; }

install_prometheus() {
  command -v prometheus >/dev/null && command -v promtool >/dev/null && return
  log "installing Debian's prometheus package"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >&2 ||
    { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >&2; }
}

install_jaeger() {
  [[ -x "$(jaeger_bin)" ]] && return
  log "building Jaeger $JAEGER_VERSION from the Go module proxy (a few minutes the first time)"
  local dir
  dir="$(go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$dir" ]] || die "go mod download github.com/jaegertracing/jaeger@$JAEGER_VERSION gave no directory"
  mkdir -p "$(dirname "$(jaeger_bin)")"
  (cd "$dir" && go build -o "$(jaeger_bin)" ./cmd/jaeger) >&2
}

running() { [[ -f "$OBS_DIR/$1.pid" ]] && kill -0 "$(cat "$OBS_DIR/$1.pid")" 2>/dev/null; }

wait_for() {
  local what="$1" url="$2" i
  for ((i = 0; i < 120; i++)); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.5
  done
  die "$what did not answer at $url; see $OBS_DIR/$what.log"
}

start_prometheus() {
  install_prometheus
  mkdir -p "$PROM_HOME/targets" "$PROM_HOME/data"
  cp "$REPO_ROOT/infra/observability/prometheus.yml" "$REPO_ROOT/infra/observability/alert-rules.yml" "$PROM_HOME/"
  promtool check config "$PROM_HOME/prometheus.yml" >&2
  if ! running prometheus; then
    setsid prometheus --config.file="$PROM_HOME/prometheus.yml" --storage.tsdb.path="$PROM_HOME/data" \
      --web.listen-address="$HOST:$PROMETHEUS_PORT" --web.enable-lifecycle \
      >>"$OBS_DIR/prometheus.log" 2>&1 </dev/null &
    echo $! >"$OBS_DIR/prometheus.pid"
  fi
  wait_for prometheus "http://$HOST:$PROMETHEUS_PORT/-/ready"
  log "prometheus ready on http://$HOST:$PROMETHEUS_PORT"
  echo "export PROMETHEUS_URL=http://$HOST:$PROMETHEUS_PORT"
  echo "export PROMETHEUS_TARGETS_DIR=$PROM_HOME/targets"
}

start_jaeger() {
  install_jaeger
  if ! running jaeger; then
    # v1 flags: in-memory storage is the all-in-one default; OTLP receivers on.
    setsid "$(jaeger_bin)" --set "receivers.otlp.protocols.http.endpoint=$HOST:$JAEGER_OTLP_HTTP_PORT" \
      >>"$OBS_DIR/jaeger.log" 2>&1 </dev/null &
    echo $! >"$OBS_DIR/jaeger.pid"
  fi
  wait_for jaeger "http://$HOST:$JAEGER_QUERY_PORT/api/services"
  log "jaeger ready: OTLP/HTTP http://$HOST:$JAEGER_OTLP_HTTP_PORT, UI http://$HOST:$JAEGER_QUERY_PORT"
  echo "export JAEGER_URL=http://$HOST:$JAEGER_QUERY_PORT"
  echo "export OTEL_EXPORTER_OTLP_ENDPOINT=http://$HOST:$JAEGER_OTLP_HTTP_PORT"
}

stop_one() {
  running "$1" || return 0
  local pid
  pid="$(cat "$OBS_DIR/$1.pid")"
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  rm -f "$OBS_DIR/$1.pid"
  log "$1 stopped"
}

mkdir -p "$OBS_DIR"
cmd="${1:-start}"
what="${2:-all}"
case "$cmd" in
  install) [[ "$what" == jaeger ]] || install_prometheus; [[ "$what" == prometheus ]] || install_jaeger ;;
  start) [[ "$what" == jaeger ]] || start_prometheus; [[ "$what" == prometheus ]] || start_jaeger ;;
  stop) stop_one prometheus; stop_one jaeger ;;
  *) die "usage: $0 install|start|stop [prometheus|jaeger|all]" ;;
esac
