#!/usr/bin/env bash
# Generate a TypeScript client from the served OpenAPI document (openapi-typescript,
# pinned devDependency), compile the seed-flow program against it (tsc: a document
# that does not fit the flow fails here) and run it against the server.
#   bash tools/openapi-client/run.sh <base-url> <admin-token>
set -euo pipefail
cd "$(dirname "$0")/../.."
base="$1"; token="$2"
out=.ci/out/openapi-client
mkdir -p tools/openapi-client/generated "$out"
npx openapi-typescript "$base/api/openapi.json" -o tools/openapi-client/generated/api.d.ts
npx tsc -p tools/openapi-client/tsconfig.json
# The output is an ES module (package type "module" at the root).
echo '{"type":"module"}' >"$out/package.json"
node "$out/seed-flow.js" "$base" "$token"
