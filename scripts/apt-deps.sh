#!/usr/bin/env bash
# Installs the Debian packages the tests need beyond the Rust toolchain:
#   poppler-utils     pdftotext, which reads the text layer of PDF plans
#   fonts-dejavu-core the font of the PDF fixtures (core/tests/data/formats/make_fixtures.py)
#   time              GNU time, which measures the CLI's peak memory in cli/tests/adversarial.rs
# As root, or through sudo. Without apt-get, says what to install.
set -euo pipefail
packages=(poppler-utils fonts-dejavu-core time)
if command -v pdftotext >/dev/null && [[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf && -x /usr/bin/time ]]; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "apt-deps.sh: install ${packages[*]} (or your system's poppler and DejaVu fonts) by hand" >&2
    exit 1
fi
sudo=()
if [[ $(id -u) != 0 ]]; then sudo=(sudo); fi
echo "apt-deps.sh: installing Debian packages: ${packages[*]}" >&2
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
