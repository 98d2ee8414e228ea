#!/usr/bin/env bash
# Builds the WebAssembly packages (scripts/build.sh installs its tools) and runs every JS test:
#   1. tests/*.test.mjs  Node.js: the shared vectors byte for byte, the API, bad input
#   2. tests/types       TypeScript: the generated .d.ts type-checks real usage (tsc --noEmit)
#   3. tests/browser.mjs Chromium (Debian's, driven by playwright-core): the form page as a person
#                        uses it, with a screenshot in test-results/
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
# shellcheck source=common.sh
source "$here/scripts/common.sh"

# The browser test drives Debian's Chromium (test tools cannot download browsers here).
if [[ "${TUANTHU_WASM_SKIP_INSTALL:-0}" != 1 && ! -x /usr/bin/chromium ]]; then
    apt_install chromium
fi

./scripts/build.sh

log "node tests"
node --test tests/*.test.mjs

log "TypeScript definitions"
node_modules/.bin/tsc -p tests/types

log "browser test (headless Chromium)"
node --test tests/browser.mjs
