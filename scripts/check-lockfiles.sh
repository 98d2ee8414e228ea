#!/usr/bin/env bash
# Fails when a checked-in Cargo.lock is not what its manifest resolves to. The WASM crate and the
# fuzz targets are workspaces of their own, built by scripts that would otherwise rewrite a stale
# lockfile silently (a dependency added to core once went unnoticed there).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for manifest in Cargo.toml bindings-wasm/Cargo.toml core/fuzz/Cargo.toml; do
  if ! cargo metadata --locked --format-version 1 --manifest-path "$manifest" >/dev/null; then
    echo "error: ${manifest%Cargo.toml}Cargo.lock is out of date with $manifest:" \
      "run \`cargo update --workspace --manifest-path $manifest\` and commit the lockfile" >&2
    status=1
  fi
done
exit $status
