#!/usr/bin/env bash
# A throwaway versitygw with bucket versioning, for the blob store's "delete
# removes every version" e2e test. The shared gateway (start.sh, port 7070) runs
# without --versioning-dir, so versioning cannot be enabled on its buckets; this
# one runs in the foreground on its own loopback port and data dir, and the
# caller stops it (TERM its pid) and removes the dir.
#
# usage: infra/local/versitygw-versioned.sh <data-dir> <port>
#        infra/local/versitygw-versioned.sh --installed   (exit 0 if it can run)
# Exits 3 with a message when the versitygw binary is not installed
# (infra/local/install.sh versitygw).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bin="$(versitygw_bin)"
if [[ ! -x "$bin" ]]; then
  log "versitygw not installed at $bin (run infra/local/install.sh versitygw)"
  exit 3
fi
if [[ "${1:-}" == "--installed" ]]; then exit 0; fi
[[ $# -eq 2 ]] || die "usage: $0 <data-dir> <port> | --installed"
dir="$(realpath -m "$1")"
port="$2"
mkdir -p "$dir/buckets" "$dir/meta" "$dir/versions"
exec "$bin" --port "$HOST:$port" \
  --access "$S3_ACCESS_KEY" --secret "$S3_SECRET_KEY" --region "$S3_REGION" \
  --health /health --quiet \
  posix --sidecar "$dir/meta" --versioning-dir "$dir/versions" "$dir/buckets"
