#!/usr/bin/env bash
# The service's pages in headless Chromium (server/tests/pages.mjs): builds `tuanthu-server`
# (debug, through scripts/workspace-bin.sh), installs what is missing — Debian's chromium (apt, as
# root) and playwright-core (bindings-wasm's npm packages, `npm ci`) — and runs the test on
# loopback, bounded to 90 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ ! -x /usr/bin/chromium ]]; then
    [[ $(id -u) == 0 ]] || { echo "error: /usr/bin/chromium is missing: apt-get install chromium (as root)" >&2; exit 2; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi
command -v node >/dev/null || { echo "error: Node.js >= 18 is required (apt-get install nodejs npm)" >&2; exit 2; }
if [[ ! -d bindings-wasm/node_modules/playwright-core ]]; then
    (cd bindings-wasm && npm ci --no-audit --no-fund --loglevel=error)
fi
# Built as the workspace's tests build it, so that after them nothing is compiled again.
server=$(scripts/workspace-bin.sh --path tuanthu-server)
TUANTHU_SERVER=$server timeout 90 node --test server/tests/pages.mjs
