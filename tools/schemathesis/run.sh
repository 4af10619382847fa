#!/usr/bin/env bash
# The OpenAPI document is the truth, checked against `npm start` with Zendesk
# configured at the fake Zendesk server (so the Zendesk routes are live):
# 1. schemathesis (pinned, in its own virtualenv): every phase, every check, a
#    fixed seed, bounded examples; any finding fails the run, and so does an
#    operation the stateful phase never drove to a 2xx (stateful-coverage.mjs);
# 2. a TypeScript client generated from the served document runs the seed's flow
#    (tools/openapi-client/run.sh).
#   bash tools/schemathesis/run.sh            (CI: .ci/run calls it)
# Env: SCHEMATHESIS_VENV (default .ci/out/schemathesis-venv), SCHEMATHESIS_SEED,
# SCHEMATHESIS_MAX_EXAMPLES.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCHEMATHESIS_VERSION=4.32.5
venv="${SCHEMATHESIS_VENV:-.ci/out/schemathesis-venv}"
seed="${SCHEMATHESIS_SEED:-20261201}"
max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-25}"
out=.ci/out/schemathesis
mkdir -p "$out"

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

data_dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
  rm -rf "$data_dir"
}
trap cleanup EXIT

# Own process groups (set -m), so stopping one stops npm and node under it.
set -m
npx tsx tools/schemathesis/fake-zendesk.ts >"$out/fake-zendesk.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$out/fake-zendesk.log" ] && break; sleep 0.1; done
zendesk_url=$(head -n1 "$out/fake-zendesk.log")
case "$zendesk_url" in http://*) ;; *) echo "fake Zendesk did not start: $(cat "$out/fake-zendesk.log")" >&2; exit 1 ;; esac

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
admin_token="schemathesis-admin-$seed"
# hooks.py signs the webhook calls with it (it reads the same variable).
export ZENDESK_WEBHOOK_SECRET=schemathesis-webhook-secret
# Embedded mode only: no server addresses from the CI environment. The per-user
# hourly limits are off: thousands of generated requests are not abuse (429 stays
# an expected answer in schemathesis.toml).
unset_servers=()
for name in $(compgen -e | grep -E '^(KAFKA_|MONGODB_|S3_|EVENTSTORE_)' || true); do unset_servers+=(-u "$name"); done
env "${unset_servers[@]}" \
  USER_RATE_LIMIT_TICKETS_PER_HOUR=0 USER_RATE_LIMIT_UPLOADS_PER_HOUR=0 USER_RATE_LIMIT_REPLIES_PER_HOUR=0 \
  DATA_DIR="$data_dir" PORT="$port" HOST=127.0.0.1 LOG_LEVEL=warn ADMIN_TOKEN="$admin_token" \
  ZENDESK_URL="$zendesk_url" ZENDESK_OAUTH_TOKEN=schemathesis-oauth ZENDESK_WEBHOOK_SECRET="$ZENDESK_WEBHOOK_SECRET" \
  npm start --silent >"$out/npm-start.log" 2>&1 &
pids+=($!)
set +m
base="http://127.0.0.1:$port"
for _ in $(seq 600); do curl -fsS "$base/api/health" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "$base/api/health" >/dev/null || { echo "npm start did not become healthy:" >&2; cat "$out/npm-start.log" >&2; exit 1; }

started=$(date +%s)
status=0
"$venv/bin/schemathesis" --config-file tools/schemathesis/schemathesis.toml run "$base/api/openapi.json" \
  --url "$base" \
  --checks all \
  --phases examples,coverage,fuzzing,stateful \
  --seed "$seed" \
  --max-examples "$max_examples" \
  --header "Authorization: Bearer $admin_token" \
  --report junit,ndjson --report-dir "$out" --report-ndjson-path "$out/events.ndjson" \
  --generation-database none \
  --no-color || status=$?
echo "schemathesis: exit $status in $(( $(date +%s) - started )) s (seed $seed, max-examples $max_examples)"
# What the stateful phase reached, per operation and link (the CLI prints only counts);
# an operation without a 2xx there fails the run unless the script says why none can come.
node tools/schemathesis/stateful-coverage.mjs "$out/events.ndjson" "$base/api/openapi.json" || status=1
# The same server, through a client generated from its document.
client_status=0
bash tools/openapi-client/run.sh "$base" "$admin_token" || client_status=$?
echo "generated client seed flow: exit $client_status"
[ "$client_status" -eq 0 ] || status=1
if grep -qE '"level":(50|60)' "$out/npm-start.log"; then
  echo "npm start logged errors during the run:" >&2
  grep -E '"level":(50|60)' "$out/npm-start.log" | head -20 >&2
  status=1
fi
exit "$status"
