#!/usr/bin/env bash
# Builds the extension and packs it into a .vsix.
#   bash scripts/package.sh              -> nianbao-<version>.vsix (finds nianbao via setting or PATH)
#   NIANBAO_BIN=/path/to/nianbao bash scripts/package.sh
#                                        -> nianbao-<platform>-<version>.vsix with the binary inside
# OUT=/some/file.vsix chooses the output file.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npx --no-install tsc --noEmit -p .
npm run --silent build

rm -rf server
target_args=()
version=$(node -p 'require("./package.json").version')
name="nianbao-$version.vsix"
if [ -n "${NIANBAO_BIN:-}" ]; then
  [ -x "$NIANBAO_BIN" ] || { echo "NIANBAO_BIN=$NIANBAO_BIN is not an executable file" >&2; exit 1; }
  mkdir -p server
  exe=nianbao; case "$(uname -s)" in MINGW*|MSYS*|CYGWIN*) exe=nianbao.exe;; esac
  cp "$NIANBAO_BIN" "server/$exe"
  chmod +x "server/$exe"
  platform=$(node -p 'process.platform + "-" + process.arch')
  target_args=(--target "$platform")
  name="nianbao-$platform-$version.vsix"
fi
out=${OUT:-$PWD/$name}
npx --no-install vsce package --no-dependencies --skip-license --allow-missing-repository --no-rewrite-relative-links \
  "${target_args[@]}" --out "$out"
echo "$out"
