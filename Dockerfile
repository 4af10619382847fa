# One image for every Support Desk service. There is no build step: the
# TypeScript sources run under tsx, and the command picks the entry point:
#   default          apps/support-desk (embedded mode: the whole API on :3000, data in /data)
#   docker-compose   one service per container, e.g.
#                    ["node", "--import", "tsx", "apps/intake-api/src/main.ts"]
ARG NODE_IMAGE=node:22-bookworm-slim

# Only the manifests (root package files and every workspace's package.json),
# so the `npm ci` layer below is rebuilt when dependencies change, not on every
# source edit: this stage reruns on any change, but what it hands on stays
# byte-identical, so the next stage's COPY (and npm ci) stay cached.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /out \
 && cp package.json package-lock.json /out/ \
 && find apps libs -mindepth 2 -maxdepth 2 -name package.json -exec cp --parents {} /out/ \;

# Production dependencies. Build tools are there for better-sqlite3 (the
# embedded adapters), which compiles from source when no prebuilt binary fits.
# package.json's "allowScripts" (npm 11's approval of install scripts) is
# ignored by the npm 10 bundled with node:22, so install scripts (better-sqlite3,
# esbuild for tsx) run as usual; that is what we want here. A base image with
# npm 11 would apply the list, which already allows both.
FROM ${NODE_IMAGE} AS deps
# Unpinned on purpose: the toolchain follows the base image's Debian release.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=manifests /out/ ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
# node_modules (workspace links point into libs/ and apps/) plus the manifests.
COPY --from=deps /app ./
COPY tsconfig.json tsconfig.base.json ./
COPY libs ./libs
COPY apps ./apps
# Embedded mode keeps its SQLite files, blobs and admin token here; with
# docker run, mount a volume on it. Stack mode (all servers configured and
# ADMIN_TOKEN set) writes nothing to it.
RUN mkdir -p /data && chown node:node /data
# Code stays root-owned and read-only to the service user: `node` (uid 1000),
# numeric so that runAsNonRoot-style checks can verify it.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--max-semi-space-size=1", "--import", "tsx", "apps/support-desk/src/main.ts"]
