#!/usr/bin/env bash
# Builds the release CLI and a release wheel, installs it into a venv, and runs bench.py.
#   bindings-python/bench/run.sh [bench.py args...]   e.g. --provinces 1 --repeat 5
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${TUANTHU_BENCH_VENV:-$here/.venv-bench}"
[[ -x "$venv/bin/python" ]] || "${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --disable-pip-version-check -q "maturin>=1.9.4,<2" pandas
(cd "$root" && cargo build --release -p tuanthu-cli --bin tuanthu)
rm -rf "$root/target/wheels-python-release"
"$venv/bin/maturin" build --release --manifest-path "$here/Cargo.toml" --out "$root/target/wheels-python-release"
"$venv/bin/python" -m pip install --disable-pip-version-check -q --force-reinstall --no-deps "$root"/target/wheels-python-release/tuanthu-*.whl
exec "$venv/bin/python" "$here/bench/bench.py" "$@"
