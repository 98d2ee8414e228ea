#!/usr/bin/env bash
# Starts `tuanthu serve` on an embedded SQLite database with the three shipped example plans
# (rules/examples/*: plan, agency registry, events) and their submissions loaded, then prints
# the address and demo tokens. Ctrl-C stops it.
# Usage: ./scripts/serve.sh [port]      (data in $TUANTHU_DATA, default a new temp directory)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "error: cargo (Rust stable) is required: https://rustup.rs" >&2; exit 2; }
command -v curl >/dev/null || { echo "error: curl is required" >&2; exit 2; }
port=${1:-8080}
data=${TUANTHU_DATA:-$(mktemp -d /tmp/tuanthu-serve.XXXXXX)}
base="http://127.0.0.1:$port"
cargo build --quiet -p tuanthu-cli --bin tuanthu

admin="tt_admin_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
TUANTHU_ADMIN_TOKEN=$admin RUST_LOG=${RUST_LOG:-warn} ./target/debug/tuanthu serve \
  --listen "127.0.0.1:$port" --data "$data" >/dev/null &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do
  curl -fs "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "error: the service did not start (port $port in use?)" >&2; exit 1; }
  sleep 0.1
done

api() { # METHOD PATH CONTENT-TYPE [curl data args...]: prints the body, then the status on its own line
  local m=$1 p=$2 ct=$3; shift 3
  curl -s -w '\n%{http_code}' -X "$m" -H "Authorization: Bearer $admin" -H "Content-Type: $ct" "$@" "$base$p"
}
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" | head -n 1; }

for d in rules/examples/*/; do
  d=${d%/}
  upload=$(mktemp)
  printf '{"plan": %s, "registry": %s, "events": %s}' \
    "$(cat "$d/plan.json")" "$(cat "$d/registry.json")" "$(cat "$d/events.json")" >"$upload"
  out=$(api POST /v1/plans application/json --data-binary "@$upload")
  rm -f "$upload"
  [ "$(tail -n 1 <<<"$out")" = 201 ] || { echo "error: upload of $d: $out" >&2; exit 1; }
  plan=$(head -n -1 <<<"$out" | field plan_id)
  # Each example row on its own, so the rows the engine would not count are shown, not stored.
  header=$(head -n 1 "$d/submissions.csv")
  stored=0; refused=0
  while IFS= read -r row; do
    [ -n "$row" ] || continue
    out=$(printf '%s\n%s\n' "$header" "$row" | api POST "/v1/plans/$plan/submissions/batch" text/csv --data-binary @-)
    if [ "$(tail -n 1 <<<"$out")" = 201 ]; then
      stored=$((stored + 1))
    else
      refused=$((refused + 1))
      echo "  refused ($plan): $(head -n -1 <<<"$out" | field message)"
    fi
  done < <(tail -n +2 "$d/submissions.csv")
  echo "loaded $plan: $stored submissions stored, $refused refused"
done

token() { # NAME ROLE [AGENCY]
  local body
  if [ $# -gt 2 ]; then body="{\"name\": \"$1\", \"role\": \"$2\", \"agency\": \"$3\"}"; else body="{\"name\": \"$1\", \"role\": \"$2\"}"; fi
  api POST /v1/tokens application/json --data-binary "$body" | head -n -1 | field token
}
viewer=$(token "demo viewer" viewer)
submitter=$(token "demo Sở Tư pháp" submitter "Sở Tư pháp")

cat <<INFO

tuanthu serve is running at $base   (data: $data; Ctrl-C stops it)
  OpenAPI document:  $base/openapi.json
  admin token:       $admin
  viewer token:      $viewer
  submitter token:   $submitter   (files for Sở Tư pháp only)

Try:
  curl -s -H 'Authorization: Bearer $viewer' $base/v1/plans
  curl -s -H 'Authorization: Bearer $viewer' '$base/v1/plans/vinh-long-144-KH-UBND/report?as_of=2026-11-23&format=csv'
  curl -s -o report.xlsx -H 'Authorization: Bearer $viewer' '$base/v1/plans/vinh-long-144-KH-UBND/report?as_of=2026-11-23&format=xlsx'
  curl -s -H 'Authorization: Bearer $viewer' $base/v1/audit
  python3 examples/client.py --url $base --token $viewer
INFO
wait "$server"
