#!/usr/bin/env bash
# Runs one of the workspace's binaries, built as `cargo test --workspace` builds it (the features of
# every member and their dev-dependencies unified), so that after the Rust tests nothing is
# compiled again. `cargo run -p PACKAGE` would unify fewer features and rebuild the whole graph.
# Usage: scripts/workspace-bin.sh NAME [ARGS...]     runs it
#        scripts/workspace-bin.sh --path NAME        prints where it is
set -euo pipefail
cd "$(dirname "$0")/.."
print_path=false
if [[ ${1:-} == --path ]]; then print_path=true; shift; fi
[[ $# -ge 1 ]] || { echo "usage: $0 [--path] NAME [ARGS...]" >&2; exit 2; }
name=$1; shift
# `--tests` brings in the dev-dependencies' features, as `cargo test` does.
exe=$(cargo build --quiet --workspace --tests --message-format=json-render-diagnostics |
    python3 -c '
import json, sys
name = sys.argv[1]
for line in sys.stdin:
    m = json.loads(line)
    t = m.get("target", {})
    if m.get("reason") == "compiler-artifact" and t.get("name") == name and "bin" in t.get("kind", []) \
            and m.get("executable") and not m.get("profile", {}).get("test"):
        print(m["executable"])
' "$name")
[[ -n "$exe" ]] || { echo "error: the workspace has no binary named '$name'" >&2; exit 2; }
if $print_path; then echo "$exe"; else exec "$exe" "$@"; fi
