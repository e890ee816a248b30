#!/usr/bin/env bash
# Installs the Node tools pinned in package-lock.json (the Kinesis emulators the tests start and
# Polars for Node, the independent Arrow reader of the interop test). Runs from the Maven build's
# validate phase; skips the install when node_modules already matches the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.minietl-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "Cannot install the Node test tools: npm is not on PATH (Node 20+ is required, see README)." >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
