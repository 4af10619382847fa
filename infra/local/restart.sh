#!/usr/bin/env bash
# Stop then start services, e.g. `infra/local/restart.sh kafka` for a fault
# test that bounces the broker mid-stream. Data is kept across the restart.
# Prints the same `export` lines as start.sh on stdout.
#
# usage: infra/local/restart.sh [kafka|ferretdb|versitygw|all]...
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
"$here/stop.sh" "$@"
exec "$here/start.sh" "$@"
