#!/usr/bin/env bash
# Every test of the project, from a fresh clone: formatting and lints, Rust unit/integration/doc
# tests and the shared vectors, the rule packs' own tests, then the Python and WASM bindings
# (each binding's script installs what it needs: apt, pip, npm).
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
# Incremental compilation only pays on a second build of the same tree; on a cold run its cache
# is gigabytes of disk for nothing. Set CARGO_INCREMENTAL=1 to keep it.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

passed=0; failed=0; failures=()
suite() {
  local name=$1; shift
  echo; echo "=== $name: $*"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); echo "=== $name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1)); failures+=("$name"); echo "=== $name: FAILED ($((SECONDS - start)) s)"
  fi
}

command -v cargo >/dev/null || { echo "error: cargo (Rust stable) is required" >&2; exit 2; }
# A cold run writes about 8 GB here (README, Cold set-up): say so up front rather than fail half-way
# with "No space left on device".
need_gb=10
avail_kb=$(df -Pk . 2>/dev/null | awk 'NR == 2 {print $4}')
if [[ $avail_kb =~ ^[0-9]+$ ]] && (( avail_kb < need_gb * 1024 * 1024 )); then
  echo "warning: $((avail_kb / 1024 / 1024)) GB free on this disk; a cold run needs about $need_gb GB" >&2
fi
suite fmt cargo fmt --all -- --check
suite fmt-wasm cargo fmt --manifest-path bindings-wasm/Cargo.toml -- --check
# Every checked-in Cargo.lock (workspace, WASM crate, fuzz targets) matches its manifest.
suite lockfiles scripts/check-lockfiles.sh
suite clippy cargo clippy --workspace --all-targets --quiet -- -D warnings
# The WASM crate is its own workspace (built by Debian's toolchain); lint it for the host target.
suite clippy-wasm cargo clippy --manifest-path bindings-wasm/Cargo.toml --all-targets --quiet -- -D warnings
# pdftotext (PDF plans) and the DejaVu fonts (PDF fixtures), from Debian when missing.
suite apt-deps scripts/apt-deps.sh
# The PDF tests skip only where pdftotext is missing; here it was just installed, so they must run.
export TUANTHU_REQUIRE_PDFTOTEXT=1
suite rust-tests cargo test --workspace --quiet
# The suites after rust-tests build with `--workspace`, so they reuse its artifacts: a build of one
# package (`-p`) unifies other features of shared dependencies and compiles everything again.
suite rule-pack-tests scripts/workspace-bin.sh tuanthu test rules
# The service: its OpenAPI document must match the checked-in server/openapi.json (drift check),
# then its whole suite (API, crash test) again against a throwaway PostgreSQL (installed from
# Debian when missing).
suite openapi-drift cargo test --quiet --workspace --test api openapi_document_is_checked_in
suite service-postgres scripts/postgres-test.sh --quiet
# The service's pages (form, dashboard) at 390 px in headless Chromium.
suite service-pages server/tests/pages.sh
if [ -x bindings-python/scripts/test.sh ]; then suite python bindings-python/scripts/test.sh; fi
if [ -x bindings-wasm/scripts/test.sh ]; then suite wasm bindings-wasm/scripts/test.sh; fi
# A short run of every fuzz target (plan reader, evaluate_json, rules, CSV, .docx), with the hostile
# inputs found before; a longer run is `scripts/fuzz.sh 600`.
suite fmt-fuzz cargo fmt --manifest-path core/fuzz/Cargo.toml -- --check
suite fuzz env TUANTHU_FUZZ_REGRESSIONS=1 scripts/fuzz.sh "${TUANTHU_FUZZ_SECONDS:-30}"

echo
if [ "$failed" -gt 0 ]; then echo "failed suites: ${failures[*]}"; fi
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
