#!/usr/bin/env bash
# Runs tuanthu's adapter (impl_tuanthu.py, this directory) beside the peer engines, in one run of
# the peers' own benchmark driver, on the same data file and the same definition of "timed".
#
#   bench/peers/run.sh PEERS_DIR N [N ...]      (or TUANTHU_PEERS=PEERS_DIR bench/peers/run.sh N)
#
# PEERS_DIR is the peers' benchmark folder (gen.py, bench.py, impls.py, common.py, setup.sh; its
# README says what each implementation runs). It is used read-only: it is copied once to
# OUT/peers, where the peers' setup.sh makes its venv and node_modules (package registries
# only) and gen.py its data files. This script builds a release wheel of tuanthu, installs it
# into that venv (with pyarrow and pandas, which the adapter uses), runs the driver in a scratch
# copy whose impl_tuanthu.py is this directory's and whose tuanthu entries are this adapter's
# four modes, then measures each implementation's peak memory once (/usr/bin/time -v, maximum
# resident set size).
#
# tuanthu's rows: `tuanthu` (columns in, Report.to_arrow(columns=...) out), `tuanthu_pandas`
# (columns in, to_pandas(columns=...) out), `tuanthu_dicts` (columns in, Report.assessments
# dicts out), `tuanthu_rows` (as `tuanthu`, but the Arrow columns built from the rows as Python
# tuples inside the clock); impl_tuanthu.py's docstring gives the mapping and what is timed.
#
# Environment: REPS (default 3), SKIP (default zen_decision,zen_async: they spawn a runtime or
# a task per row and take minutes at 10^5), ONLY, MAX_EST_S (see the peers' bench.py), SEED
# (default 42), MEMORY=0 to skip the memory pass, OUT (default target/bench-peers) for the
# peers' copy, the summaries and the memory table, TUANTHU_WHEEL=path/to/tuanthu-*.whl to
# install a wheel already built instead of building one, TUANTHU_THREADS=N for the adapter's
# evaluate(threads=N) (default: evaluate's own, one thread and the plan's hash beside it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [[ $# -ge 1 && -d "$1" ]]; then
    peers="$(cd "$1" && pwd)"
    shift
else
    peers="${TUANTHU_PEERS:?usage: $0 PEERS_DIR N [N ...] (or set TUANTHU_PEERS)}"
fi
[[ $# -ge 1 ]] || { echo "usage: $0 PEERS_DIR N [N ...]" >&2; exit 2; }
out="${OUT:-$root/target/bench-peers}"
mkdir -p "$out"
export SKIP="${SKIP-zen_decision,zen_async}"

# A writable copy of the peers' folder: their venv, node_modules and data live there.
state="$out/peers"
if [[ ! -f "$state/bench.py" ]]; then
    mkdir -p "$state"
    cp -r "$peers"/. "$state"/
    chmod -R u+w "$state"
fi
peers="$state"
if [[ ! -x "$peers/.venv/bin/python" || ! -d "$peers/node_modules/json-rules-engine" ]]; then
    "$peers/setup.sh"
fi
py="$peers/.venv/bin/python"
"$py" -m pip install --disable-pip-version-check -q "maturin>=1.9.4,<2" "pyarrow>=14"
if [[ -n "${TUANTHU_WHEEL:-}" ]]; then
    wheel="$TUANTHU_WHEEL"
else
    wheels="$root/target/wheels-bench-peers"
    rm -rf "$wheels"
    "$peers/.venv/bin/maturin" build --release --manifest-path "$root/bindings-python/Cargo.toml" \
        --out "$wheels"
    wheel="$(ls "$wheels"/tuanthu-*.whl)"
fi
"$py" -m pip install --disable-pip-version-check -q --force-reinstall --no-deps "$wheel"

# A scratch copy of the driver, with this adapter in place of the peers' own.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$peers"/*.py "$peers"/*.js "$peers"/package.json "$work"/
cp -r "$peers/rules" "$work/rules"
ln -s "$peers/.venv" "$work/.venv"
ln -s "$peers/node_modules" "$work/node_modules"
mkdir -p "$peers/data"
ln -s "$peers/data" "$work/data"
cp "$here/impl_tuanthu.py" "$work/impl_tuanthu.py"
# The peers' registry with this adapter's modes in place of its tuanthu entries.
cat >>"$work/impls.py" <<'PY'

# Added by tuanthu's bench/peers/run.sh: this adapter's four modes.
IMPLS = [(n, c) for n, c in IMPLS if not n.startswith("tuanthu")] + [
    ("tuanthu", [PY, "impl_tuanthu.py", "{csv}", "arrow"]),
    ("tuanthu_pandas", [PY, "impl_tuanthu.py", "{csv}", "pandas"]),
    ("tuanthu_dicts", [PY, "impl_tuanthu.py", "{csv}", "assessments"]),
    ("tuanthu_rows", [PY, "impl_tuanthu.py", "{csv}", "rows"]),
]
NAMES = [name for name, _ in IMPLS]
PY

for arg in "$@"; do
    n=$((10#${arg//_/}))
    csv="data/instances_${n}.csv"
    (cd "$work" && [[ -f "$csv" ]] || "$py" gen.py "$n" "${SEED:-42}")
    (cd "$work" && RESULTS_DIR="$out" "$py" bench.py "$csv")
    if [[ "${MEMORY:-1}" == 1 ]]; then
        # Peak memory of one run of each implementation that ran, in kB.
        (cd "$work" && "$py" - "$csv" "$out/memory_${n}.tsv" <<'PY'
import os, re, subprocess, sys
from impls import IMPLS
csv, dest = sys.argv[1], sys.argv[2]
skip = set(filter(None, os.environ.get("SKIP", "").split(",")))
only = set(filter(None, os.environ.get("ONLY", "").split(",")))
with open(dest, "w") as f:
    f.write("impl\tmax_rss_kb\n")
    for name, cmd in IMPLS:
        if name in skip or (only and name not in only | {"py_loop"}):
            continue
        cmd = [csv if c == "{csv}" else c for c in cmd]
        p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
        line = f"{name}\t{m.group(1) if m and p.returncode == 0 else 'failed'}"
        print(line)
        f.write(line + "\n")
PY
        )
    fi
done
