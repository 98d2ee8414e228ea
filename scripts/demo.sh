#!/usr/bin/env bash
# Runs `tuanthu check` on the shipped example plans and prints their compliance tables.
# Usage: ./scripts/demo.sh [province] [extra check flags...]   (province: vinh-long | can-tho | hung-yen)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "error: cargo (Rust stable) is required: https://rustup.rs" >&2; exit 2; }
cargo build --quiet -p tuanthu-cli --bin tuanthu
provinces=("vinh-long" "can-tho" "hung-yen")
if [ $# -gt 0 ] && [ -d "rules/examples/$1" ]; then provinces=("$1"); shift; fi
for p in "${provinces[@]}"; do
  d="rules/examples/$p"
  echo
  ./target/debug/tuanthu check --plan "$d/plan.json" --registry "$d/registry.json" \
    --submissions "$d/submissions.csv" --events "$d/events.json" --as-of 2026-11-23 "$@"
done
