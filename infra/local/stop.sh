#!/usr/bin/env bash
# Stop the local integration-test servers started by start.sh (by pid file:
# TERM, wait up to STOP_GRACE_SECONDS, then KILL). Safe when nothing runs.
# Data under the data dir is kept; delete it for a clean slate.
#
# usage: infra/local/stop.sh [kafka|ferretdb|versitygw|all]...
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=postgres.sh
source "$INFRA_DIR/postgres.sh"

services="$(resolve_services "$@")" # separate line so a typo aborts under set -e
for svc in $services; do
  stop_service "$svc"
  # FerretDB's storage goes with it.
  if [[ "$svc" == ferretdb ]]; then stop_postgres; fi
done
