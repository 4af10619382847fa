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
# - Jaeger all-in-one v1.76.0 (cmd/jaeger, Jaeger v2) from the Go module proxy:
#   `go install …@v1.76.0` refuses the module (its go.mod has replace
#   directives), so infra/local/jaeger/go.mod names it as a tool
#   (`go get -tool github.com/jaegertracing/jaeger/cmd/jaeger@v1.76.0`, go.sum
#   committed) and `go build` builds exactly that into the cache, keyed on
#   go.mod/go.sum/config. Config infra/local/jaeger/config.yaml: OTLP/HTTP
#   receiver on 127.0.0.1:4318, in-memory storage, query UI/API on
#   127.0.0.1:16686, nothing else listening.
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
JAEGER_QUERY_GRPC_PORT="${JAEGER_QUERY_GRPC_PORT:-16685}"
JAEGER_MODULE="$INFRA_DIR/jaeger"
jaeger_bin() { echo "$CACHE_DIR/jaeger-$JAEGER_VERSION-$(files_hash "$JAEGER_MODULE"/{go.mod,go.sum})/jaeger"; }

install_prometheus() {
  command -v prometheus >/dev/null && command -v promtool >/dev/null && return
  log "installing Debian's prometheus package"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >&2 ||
    { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus >&2; }
}

install_jaeger() {
  local bin tmp
  bin="$(jaeger_bin)"
  [[ -x "$bin" ]] && return
  grep -Eq "^\s*github.com/jaegertracing/jaeger $JAEGER_VERSION( |\$)" "$JAEGER_MODULE/go.mod" ||
    die "infra/local/jaeger/go.mod does not pin Jaeger $JAEGER_VERSION"
  log "building Jaeger $JAEGER_VERSION from the Go module proxy (several minutes the first time)"
  mkdir -p "$CACHE_DIR"
  tmp="$(mktemp -d "$CACHE_DIR/.tmp-jaeger.XXXXXX")"
  # -mod=readonly: exactly what go.sum pins; GOWORK=off: no go.work captures it; pure Go.
  (cd "$JAEGER_MODULE" && env GOWORK=off CGO_ENABLED=0 GOFLAGS=-buildvcs=false \
    go build -mod=readonly -trimpath -o "$tmp/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger) >&2
  rm -rf "$(dirname "$bin")"
  mv "$tmp" "$(dirname "$bin")"
  log "jaeger $JAEGER_VERSION: built $bin"
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
    JAEGER_OTLP_HTTP_PORT="$JAEGER_OTLP_HTTP_PORT" JAEGER_QUERY_PORT="$JAEGER_QUERY_PORT" JAEGER_QUERY_GRPC_PORT="$JAEGER_QUERY_GRPC_PORT" \
      setsid "$(jaeger_bin)" --config "file:$JAEGER_MODULE/config.yaml" \
      >>"$OBS_DIR/jaeger.log" 2>&1 </dev/null &
    echo $! >"$OBS_DIR/jaeger.pid"
  fi
  wait_for jaeger "http://$HOST:$JAEGER_QUERY_PORT/api/services"
  log "jaeger ready: OTLP/HTTP http://$HOST:$JAEGER_OTLP_HTTP_PORT, UI http://$HOST:$JAEGER_QUERY_PORT"
  echo "export JAEGER_URL=http://$HOST:$JAEGER_QUERY_PORT"
  # Not OTEL_EXPORTER_OTLP_ENDPOINT: that would turn tracing on in every process (and test) of the shell.
  # Trace a stack with: OTEL_EXPORTER_OTLP_ENDPOINT=$JAEGER_OTLP_ENDPOINT npm run stack:up
  echo "export JAEGER_OTLP_ENDPOINT=http://$HOST:$JAEGER_OTLP_HTTP_PORT"
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
