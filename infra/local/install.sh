#!/usr/bin/env bash
# Install the local integration-test servers from package registries only
# (Maven Central, the Go module proxy). Idempotent: each artifact lives in a
# version-keyed cache directory and is skipped when already complete.
#
# usage: infra/local/install.sh [kafka|ferretdb|versitygw|all]...
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=postgres.sh
source "$INFRA_DIR/postgres.sh"

# The tools are expected on the machine image; as root we can still add the
# Debian package so a bare machine works too.
need() {
  local cmd="$1" pkg="$2"
  command -v "$cmd" >/dev/null 2>&1 && return
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "'$cmd' missing: apt-get install $pkg"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >&2
  fi
  command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' is required (Debian package: $pkg)"
}

# Build into a temp dir next to the target and rename at the end, so an
# interrupted install never leaves a half-filled cache entry behind.
fresh_tmp() { mkdir -p "$CACHE_DIR" && mktemp -d "$CACHE_DIR/.tmp-$1.XXXXXX"; }

go_env() {
  # GOWORK=off: a future go.work at the repo root must not capture these builds.
  # CGO_ENABLED=0: both servers are pure Go (FerretDB uses modernc SQLite).
  env GOWORK=off CGO_ENABLED=0 GOFLAGS="-buildvcs=false" "$@"
}

install_kafka() {
  local home tmp
  home="$(kafka_home)"
  if [[ -f "$home/.complete" ]]; then
    log "kafka $KAFKA_VERSION: cached in $home"
    return
  fi
  need java openjdk-17-jre-headless
  need mvn maven
  log "kafka $KAFKA_VERSION: fetching jars from Maven Central..."
  tmp="$(fresh_tmp kafka)"
  # Maven's output is noise unless it fails (and -q still prints ANSI codes).
  if ! mvn -B -f "$INFRA_DIR/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/libs" \
    >"$tmp/mvn.log" 2>&1; then
    tail -n 40 "$tmp/mvn.log" >&2
    die "kafka: mvn dependency:copy-dependencies failed (full log: $tmp/mvn.log)"
  fi
  touch "$tmp/.complete"
  rm -rf "$home"
  mv "$tmp" "$home"
  log "kafka $KAFKA_VERSION: $(find "$home/libs" -name '*.jar' | wc -l) jars in $home/libs"
}

install_ferretdb() {
  local bin tmp
  install_postgres
  bin="$(ferretdb_bin)"
  if [[ -x "$bin" ]]; then
    log "ferretdb $FERRETDB_VERSION: cached at $bin"
    return
  fi
  need go golang-go
  grep -q "github.com/FerretDB/FerretDB $FERRETDB_VERSION\$" "$INFRA_DIR/ferretdb/go.mod" ||
    die "infra/local/ferretdb/go.mod does not pin FerretDB $FERRETDB_VERSION (lib.sh)"
  log "ferretdb $FERRETDB_VERSION: building wrapper (first time takes ~1.5 min)..."
  tmp="$(fresh_tmp ferretdb)"
  # -mod=readonly: build exactly what go.sum pins; never rewrite the repo.
  (cd "$INFRA_DIR/ferretdb" && go_env go build -mod=readonly -trimpath -o "$tmp/ferretdb-local" .)
  rm -rf "$(dirname "$bin")"
  mv "$tmp" "$(dirname "$bin")"
  log "ferretdb $FERRETDB_VERSION: built $bin"
}

install_versitygw() {
  local bin tmp
  bin="$(versitygw_bin)"
  if [[ -x "$bin" ]]; then
    log "versitygw $VERSITYGW_VERSION: cached at $bin"
    return
  fi
  need go golang-go
  log "versitygw $VERSITYGW_VERSION: go install (first time takes ~2 min)..."
  tmp="$(fresh_tmp versitygw)"
  # Run from the temp dir so no surrounding go.mod is consulted.
  (cd "$tmp" && go_env GOBIN="$tmp" go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION")
  rm -rf "$(dirname "$bin")"
  mv "$tmp" "$(dirname "$bin")"
  log "versitygw $VERSITYGW_VERSION: built $bin"
}

main() {
  local svc services
  services="$(resolve_services "$@")" # separate line so a typo aborts under set -e
  for svc in $services; do
    "install_$svc"
  done
}

main "$@"
