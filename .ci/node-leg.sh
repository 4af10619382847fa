#!/usr/bin/env bash
# Another Node.js leg: the unit and int tests (every *.unit.spec.ts and
# *.int.spec.ts; the e2e tier with its real servers and processes runs on the
# main leg only) on another Node major, taken from the npm registry: the
# node-linux-<arch> package (the binary and its headers; the `node` package is
# only an installer for it, and the registry has newer versions of the binary
# package, e.g. 24.22.3 where `node` stops at 24.21.0).
#   bash .ci/node-leg.sh 22.23.3
#   bash .ci/node-leg.sh 24.22.3
# better-sqlite3 is our one addon built against one Node ABI: it is compiled for
# that Node in a copy, swapped in for the run (an atomic rename, so a process that
# has the default one loaded keeps it) and swapped back on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:?usage: .ci/node-leg.sh <node version>}"
home="${TMPDIR:-/tmp}/support-desk-node-$version"
mkdir -p "$home"

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
nodedir="$home/node_modules/node-linux-$arch"
if [ ! -x "$nodedir/bin/node" ]; then
  npm install --no-save --no-audit --no-fund --no-package-lock --prefix "$home" "node-linux-$arch@$version" >/dev/null
fi
[ "$("$nodedir/bin/node" --version)" = "v$version" ] || { echo "no Node $version binary in $nodedir" >&2; exit 1; }
leg_path="$nodedir/bin:$PATH"

addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
built="$home/better-sqlite3/build/Release/better_sqlite3.node"
if [ ! -f "$built" ] || [ "$(node -p "require('$home/better-sqlite3/package.json').version" 2>/dev/null)" != "$(node -p "require('./node_modules/better-sqlite3/package.json').version")" ]; then
  rm -rf "$home/better-sqlite3"
  cp -a node_modules/better-sqlite3 "$home/better-sqlite3"
  rm -rf "$home/better-sqlite3/build"
  gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  (cd "$home/better-sqlite3" && PATH="$leg_path" node "$gyp" rebuild --release --nodedir="$nodedir" -j 2 >"$home/node-gyp.log" 2>&1) \
    || { tail -30 "$home/node-gyp.log" >&2; exit 1; }
fi

cp "$addon" "$home/better_sqlite3.node.default"
restore() { cp "$home/better_sqlite3.node.default" "$addon.tmp" && mv -f "$addon.tmp" "$addon"; }
trap restore EXIT
cp "$built" "$addon.tmp" && mv -f "$addon.tmp" "$addon"

echo "node $(PATH="$leg_path" node --version): unit and int tests"
PATH="$leg_path" node -e 'require("better-sqlite3")(":memory:").prepare("select 1").get()' # the addon loads
PATH="$leg_path" npx vitest run --project unit --project int "${@:2}"
