#!/usr/bin/env bash
# Builds the WebAssembly package from a fresh machine: installs what it needs (Debian's
# wasm-capable Rust toolchain, lld, the wasm-bindgen CLI pinned to the crate's version, npm
# packages), compiles with `-Z build-std`, and writes
#   bindings-wasm/pkg/web/    ES module package for browsers (tuanthu_wasm.js, .wasm, .d.ts)
#   bindings-wasm/pkg/node/   CommonJS package for Node.js (tests, scripts)
#   bindings-wasm/dist/       the report-submission form page, ready to serve as static files
#
# rustup cannot add the wasm32 target on these machines; Debian's rustc-web ships it, and its
# rust-web-src lets cargo rebuild std for wasm32 (RUSTC_BOOTSTRAP enables -Z on a stable compiler).
#
# Environment: TUANTHU_WASM_SKIP_INSTALL=1 skips apt/cargo/npm installs (all tools present).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
bindgen_version="$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' "$here/Cargo.toml")"
tools="$root/target/wasm-tools"
export PATH="$tools/bin:$here/node_modules/.bin:$PATH"

# shellcheck source=common.sh
source "$here/scripts/common.sh"

# One build at a time: a second one (another terminal, a test run) waits instead of racing on pkg/.
mkdir -p "$root/target"
exec 9>"$root/target/wasm-build.lock"
flock 9

install_tools() {
    local need=()
    [[ -x /usr/bin/rustc && -d /usr/lib/rustlib/src/rust/library ]] || need+=(rustc-web cargo-web rust-web-src)
    command -v wasm-ld >/dev/null || need+=(lld)
    command -v node >/dev/null || need+=(nodejs npm)
    if ((${#need[@]})); then apt_install "${need[@]}"; fi
    if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $bindgen_version" ]]; then
        log "installing wasm-bindgen-cli $bindgen_version into $tools"
        # Built with the rustup toolchain; the version must equal the crate's exactly.
        cargo install -q wasm-bindgen-cli --version "$bindgen_version" --root "$tools"
    fi
    if [[ ! -d "$here/node_modules/binaryen" || ! -d "$here/node_modules/playwright-core" \
          || ! -d "$here/node_modules/typescript" ]]; then
        log "installing npm packages (binaryen for wasm-opt, playwright-core, typescript)"
        (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}

if [[ "${TUANTHU_WASM_SKIP_INSTALL:-0}" != 1 ]]; then install_tools; fi

log "compiling for wasm32-unknown-unknown (std rebuilt from rust-web-src)"
cd "$here"
# A panic aborts at once (no unwinding, no panic messages compiled in): the binding returns every
# failure as a JS Error and never panics on input, so this only removes dead weight.
rustflags="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none"
if ! RUSTC_BOOTSTRAP=1 /usr/bin/rustc $rustflags --print cfg --target wasm32-unknown-unknown \
        >/dev/null 2>&1; then
    # Older compilers (before the immediate-abort strategy): a working, somewhat larger build.
    log "warning: $(/usr/bin/rustc --version) lacks -Cpanic=immediate-abort; building without it"
    rustflags=""
fi
RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
RUSTFLAGS="$rustflags" \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld \
CARGO_TARGET_DIR="$root/target/wasm" \
    /usr/bin/cargo build --quiet --locked --release --target wasm32-unknown-unknown \
    -Z build-std=std,panic_abort
raw="$root/target/wasm/wasm32-unknown-unknown/release/tuanthu_wasm.wasm"

rm -rf "$here/pkg"
for target in web nodejs; do
    out="$here/pkg/${target/nodejs/node}"
    log "wasm-bindgen --target $target → ${out#$root/}"
    wasm-bindgen --target "$target" --out-dir "$out" --out-name tuanthu_wasm "$raw"
done

# package.json of each package (wasm-bindgen writes none): the Node build is CommonJS.
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$here/Cargo.toml" | head -1)"
write_package_json() { # dir name module-type
    cat > "$1/package.json" <<JSON
{
  "name": "$2",
  "version": "$version",
  "description": "tuanthu compliance engine (WebAssembly): Vietnamese implementation plans, deadlines, Rhai rules",
  "license": "Apache-2.0",
  "type": "$3",
  "main": "tuanthu_wasm.js",
  "types": "tuanthu_wasm.d.ts",
  "files": ["tuanthu_wasm.js", "tuanthu_wasm.d.ts", "tuanthu_wasm_bg.wasm", "tuanthu_wasm_bg.wasm.d.ts"]
}
JSON
}
write_package_json "$here/pkg/web" tuanthu module
write_package_json "$here/pkg/node" tuanthu-node commonjs

# wasm-opt from npm's binaryen (Debian's is too old for current wasm features), on wasm-bindgen's
# output as wasm-bindgen asks; -Oz for size. Both packages at once: one per core.
log "wasm-opt -Oz (web and node packages)"
pids=()
for wasm in "$here"/pkg/*/tuanthu_wasm_bg.wasm; do
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-reference-types --enable-multivalue \
        --strip-debug --strip-producers "$wasm" -o "$wasm.opt" &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
for wasm in "$here"/pkg/*/tuanthu_wasm_bg.wasm; do mv "$wasm.opt" "$wasm"; done

# The page: static files, the web package and the shipped example plan.
rm -rf "$here/dist"
mkdir -p "$here/dist/pkg" "$here/dist/examples"
[[ -f "$here/www/index.html" ]] || { log "missing www/index.html"; exit 1; }
find "$here/www" -maxdepth 1 -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' \) \
    -exec cp {} "$here/dist/" \;
cp "$here"/pkg/web/* "$here/dist/pkg/"
for ex in "$root"/rules/examples/*/; do
    name="$(basename "$ex")"
    mkdir -p "$here/dist/examples/$name"
    for f in plan.json registry.json events.json submissions.csv; do
        if [[ -f "$ex/$f" ]]; then cp "$ex/$f" "$here/dist/examples/$name/"; fi
    done
done

size=$(stat -c %s "$here/pkg/web/tuanthu_wasm_bg.wasm")
gz=$(gzip -9 -c "$here/pkg/web/tuanthu_wasm_bg.wasm" | wc -c)
log "tuanthu_wasm_bg.wasm: $size bytes, $gz bytes gzipped (budget: 600 KB gzipped)"
