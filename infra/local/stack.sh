#!/usr/bin/env bash
# Stack mode on this machine: real Kafka, FerretDB (MongoDB wire), versitygw
# (S3) and PostgreSQL (the event store and checkpoints: database
# supportdesk_events on FerretDB's cluster) from infra/local, then relay,
# intake-api, file-service, query-service, zendesk-sync and the gateway as
# separate processes behind one base URL. The services keep nothing on disk.
#   infra/local/stack.sh up            # npm run stack:up
#   infra/local/stack.sh down [--all]  # npm run stack:down (--all also stops the servers)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/../.."

case "${1:-}" in
  up)
    # Not `eval "$(...)"`: that would swallow start.sh's failure.
    infra_env=$("$here/start.sh" all)
    # Yours wins: STACK_EVENTSTORE_URL set before `npm run stack:up` picks another database.
    own_url="${STACK_EVENTSTORE_URL:-}"
    eval "$infra_env"
    STACK_EVENTSTORE_URL="${own_url:-${STACK_EVENTSTORE_URL:-}}"
    if [ -z "${STACK_EVENTSTORE_URL:-}" ]; then
      echo "stack mode keeps its events on PostgreSQL, which start.sh runs only with FerretDB's PostgreSQL backend (unset FERRETDB_BACKEND)" >&2
      exit 1
    fi
    export KAFKA_BROKERS MONGODB_URL S3_ENDPOINT S3_BUCKET S3_REGION S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY S3_FORCE_PATH_STYLE STACK_EVENTSTORE_URL
    exec npx tsx "$here/stack/stack-cli.ts" up
    ;;
  down)
    npx tsx "$here/stack/stack-cli.ts" down
    if [ "${2:-}" = "--all" ]; then "$here/stop.sh" all; fi
    ;;
  *)
    echo "usage: $0 up | down [--all]" >&2
    exit 2
    ;;
esac
