#!/usr/bin/env bash
# Builds the Python binding, installs the wheel into a venv and runs the pytest suite.
# Works from a fresh clone with nothing installed but python3 (>= 3.9, with venv) and cargo.
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
"$vpy" -m pip install --disable-pip-version-check -q "maturin>=1.9.4,<2" pytest pandas mypy \
    -r "$here/requirements-fixtures.txt"
# pdftotext for the PDF tests, the DejaVu fonts for the fixture script's check.
"$root/scripts/apt-deps.sh"

echo "test.sh: building the wheel (profile $profile)" >&2
rm -rf "$wheels"
build=(build --manifest-path "$here/Cargo.toml" --out "$wheels")
if [[ "$profile" == release ]]; then
    build+=(--release)
elif [[ "$profile" != dev ]]; then
    build+=(--profile "$profile")
fi
"$venv/bin/maturin" "${build[@]}"
wheel=("$wheels"/tuanthu-*.whl)
"$vpy" -m pip install --disable-pip-version-check -q --force-reinstall --no-deps "${wheel[0]}"

echo "test.sh: running pytest" >&2
cd "$here"
# Import the installed wheel, never the source tree.
exec "$vpy" -m pytest -p no:cacheprovider "$here/tests" "$@"
