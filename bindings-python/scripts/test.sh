#!/usr/bin/env bash
# Builds the Python binding as a manylinux2014 wheel (glibc >= 2.17: linked by zig, from PyPI's
# `ziglang`), checks its platform tag with auditwheel, installs it into a venv and runs the pytest
# suite on it. Works from a fresh clone with nothing installed but python3 (>= 3.9, with venv) and
# cargo.
#
#   bindings-python/scripts/test.sh [pytest args...]
#
# Environment:
#   TUANTHU_PY_VENV   venv to use (default: bindings-python/.venv; created when missing)
#   TUANTHU_PY_FRESH  1 = delete and recreate the venv first
#   TUANTHU_PY_PROFILE  cargo profile for the wheel: dev (default; fast to build, enough for the
#                     tests) or release
#   PYTHON            interpreter that creates the venv (default: python3)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${TUANTHU_PY_VENV:-$here/.venv}"
python="${PYTHON:-python3}"
profile="${TUANTHU_PY_PROFILE:-dev}"
wheels="$root/target/wheels-python-$profile"

if [[ "${TUANTHU_PY_FRESH:-0}" == 1 ]]; then
    rm -rf "$venv"
fi
if [[ ! -x "$venv/bin/python" ]]; then
    echo "test.sh: creating venv $venv" >&2
    "$python" -m venv "$venv"
fi
vpy="$venv/bin/python"
# polars, pyarrow and dask[distributed] are optional for users; installed here so the Arrow,
# polars and dask tests run rather than skip.
"$vpy" -m pip install --disable-pip-version-check -q "maturin>=1.9.4,<2" pytest pandas mypy \
    ziglang auditwheel hypothesis polars pyarrow "dask[distributed]" \
    -r "$here/requirements-fixtures.txt"
# pdftotext for the PDF tests, the DejaVu fonts for the fixture script's check.
"$root/scripts/apt-deps.sh"

echo "test.sh: building the manylinux2014 wheel with zig (profile $profile)" >&2
rm -rf "$wheels"
# The one wheel the tests use is the one users get: built once, for glibc 2.17.
build=(build --zig --compatibility manylinux2014 --manifest-path "$here/Cargo.toml" --out "$wheels")
if [[ "$profile" == release ]]; then
    build+=(--release)
elif [[ "$profile" != dev ]]; then
    build+=(--profile "$profile")
fi
# maturin finds zig through the venv's python (`python -m ziglang`).
PATH="$venv/bin:$PATH" "$venv/bin/maturin" "${build[@]}"
wheel=("$wheels"/tuanthu-*.whl)
show="$("$venv/bin/auditwheel" show "${wheel[0]}")"
echo "$show" | sed 's/^/auditwheel: /' >&2
if [[ "${wheel[0]}" != *manylinux_2_17_* || "${wheel[0]}" != *manylinux2014_* ]] \
    || ! grep -q '"manylinux_2_17_' <<<"$show"; then
    echo "test.sh: ${wheel[0]##*/} is not a manylinux2014 (manylinux_2_17) wheel" >&2
    exit 1
fi
"$vpy" -m pip install --disable-pip-version-check -q --force-reinstall --no-deps "${wheel[0]}"

echo "test.sh: running pytest" >&2
cd "$here"
# Import the installed wheel, never the source tree.
exec "$vpy" -m pytest -p no:cacheprovider "$here/tests" "$@"
