#!/usr/bin/env bash
# Runs the service's test suite against PostgreSQL: installs Debian's postgresql when missing
# (apt, as root), starts a throwaway cluster on loopback in a temporary directory (initdb +
# pg_ctl as the postgres user), runs the service's integration tests with
# TUANTHU_TEST_POSTGRES_URL pointing at it, and removes the cluster.
# Usage: scripts/postgres-test.sh [extra cargo test args...]
#        scripts/postgres-test.sh --bench [server/bench.sh args...]   (the load bench instead)
set -euo pipefail
cd "$(dirname "$0")/.."

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

if ! bin=$(pg_bin); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: PostgreSQL is not installed; run as root to install it (apt-get install postgresql)" >&2
    exit 2
  fi
  # Wait for another apt run to finish rather than fighting over its lock.
  for _ in $(seq 1 120); do
    fuser /var/lib/dpkg/lock-frontend >/dev/null 2>&1 || break
    sleep 5
  done
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >/dev/null
  bin=$(pg_bin)
fi

dir=$(mktemp -d /tmp/tuanthu-pg.XXXXXX)
port=${TUANTHU_PG_PORT:-$((20000 + RANDOM % 20000))}
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
  --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on" start >/dev/null

export TUANTHU_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
if [ "${1:-}" = "--bench" ]; then
  shift
  server/bench.sh --database "$TUANTHU_TEST_POSTGRES_URL" "$@"
else
  # The service's integration tests (the ones that read TUANTHU_TEST_POSTGRES_URL), selected with
  # --workspace so that they reuse the workspace test build rather than compile a second one.
  tests=()
  for f in server/tests/*.rs; do tests+=(--test "$(basename "$f" .rs)"); done
  cargo test --workspace "${tests[@]}" "$@"
fi
