#!/usr/bin/env bash
# Load bench of `tuanthu serve` on loopback: 50 clients for 60 s (9 submissions to 1 report, both
# of one synthetic province: 12,002 instances), release build, SQLite in a temp dir (or
# PostgreSQL: --database postgres://...). --quick: 10 s. --identity: reports not gzipped.
# Usage: server/bench.sh [--quick] [--identity] [--clients N] [--seconds S] [--report-every N]
#        [--database URL]   (--report-every 0: submissions only)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p tuanthu-server --bin tuanthu-server --example load
exec ./target/release/examples/load --clients 50 --seconds 60 "$@"
