# One image for every Support Desk service. Each app is bundled into one
# JavaScript file (tools/build.mjs: dist/apps/<app>/main.js) that runs on plain
# node, no TypeScript at run time; the command picks the app:
#   default          apps/support-desk (embedded mode: the whole API on :3000, data in /data)
#   docker-compose   one service per container, e.g.
#                    ["node", "--enable-source-maps", "dist/apps/intake-api/main.js"]
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

# The bundles. Every dependency, for esbuild (a devDependency), but no install
# scripts: nothing here loads a native addon, and esbuild's JS API finds its
# platform binary without its postinstall. Only dist/ leaves this stage.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY --from=manifests /out/ ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.base.json ./
COPY tools ./tools
COPY libs ./libs
COPY apps ./apps
RUN node tools/build.mjs

# Production dependencies. Build tools are there for better-sqlite3 (the
# embedded adapters), which compiles from source when no prebuilt binary fits.
# package.json's "allowScripts" (npm 11's approval of install scripts) is
# ignored by the npm 10 bundled with node:22, so better-sqlite3's install script
# runs as usual; that is what we want here. A base image with npm 11 would apply
# the list, which already allows it. The workspace packages are inside the
# bundles: their manifests and links (to sources this image does not have) go.
FROM ${NODE_IMAGE} AS deps
# Unpinned on purpose: the toolchain follows the base image's Debian release.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=manifests /out/ ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && rm -rf apps libs node_modules/@support-desk

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
# Production node_modules and the root package.json ("type": "module" makes
# dist's .js files ES modules), then the bundles with their source maps and the
# .avsc files they read.
COPY --from=deps /app ./
COPY --from=build /src/dist ./dist
# Embedded mode keeps its SQLite files, blobs and admin token here; with
# docker run, mount a volume on it. Stack mode (all servers configured and
# ADMIN_TOKEN set) writes nothing to it.
RUN mkdir -p /data && chown node:node /data
# Code stays root-owned and read-only to the service user: `node` (uid 1000),
# numeric so that runAsNonRoot-style checks can verify it.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Source maps: stack traces name the TypeScript files and lines. A 16 MiB young generation, as `npm start`
# (README, Benchmarks: GC ~10 % of CPU under intake load at 1 MiB, ~6 % at 4, ~4 % at 16; +17 MiB RSS idle,
# a 1 GiB upload +43 MiB RSS instead of +33 at 4).
CMD ["node", "--enable-source-maps", "--max-semi-space-size=16", "dist/apps/support-desk/main.js"]
