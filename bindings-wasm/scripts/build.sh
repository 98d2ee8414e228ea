#!/usr/bin/env bash
# Builds the WebAssembly package from a fresh machine: finds (or installs) a wasm-capable Rust
# toolchain and linker, the wasm-bindgen CLI pinned to the crate's version and the npm tools, and
# writes
#   bindings-wasm/pkg/        one npm package `tuanthu`: web/ (ES module for browsers and
#                             bundlers), node/ (CommonJS, with an ES module entry), package.json
#                             with an `exports` map and types, README.md, LICENSE
#   bindings-wasm/dist/       the report-submission form page, ready to serve as static files
#
# The toolchain is found, not assumed: a rustc whose sysroot has the wasm32-unknown-unknown
# standard library (`rustup target add wasm32-unknown-unknown`) builds as is; otherwise a rustc that
# ships the standard library's source (Debian's rustc-web + rust-web-src) rebuilds std with
# `-Z build-std` (RUSTC_BOOTSTRAP enables -Z on a stable compiler) and links with wasm-ld.
#
# Environment:
#   TUANTHU_WASM_SKIP_INSTALL=1  install nothing (fail with what is missing instead)
#   TUANTHU_WASM_RUSTC=PATH      the rustc to use (its cargo is the one next to it, else cargo)
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

wasm_target=wasm32-unknown-unknown
# Set by find_toolchain: the compiler, its cargo, and whether std is prebuilt or rebuilt.
rustc_bin="" cargo_bin="" std_mode="" linker=""

# Every rustc worth trying: the one asked for, then each on PATH (rustup's proxy, the system's).
rustc_candidates() {
    if [[ -n "${TUANTHU_WASM_RUSTC:-}" ]]; then echo "$TUANTHU_WASM_RUSTC"; return; fi
    type -ap rustc | awk '!seen[$0]++'
}

# The cargo that goes with a rustc: the one beside it, else the one on PATH.
cargo_for() {
    local dir; dir="$(dirname "$1")"
    if [[ -x "$dir/cargo" ]]; then echo "$dir/cargo"; else command -v cargo || true; fi
}

# A linker for wasm32 when std is rebuilt (a prebuilt target brings rustc's own rust-lld).
find_linker() {
    local l
    l="$(command -v wasm-ld || true)"
    # Versioned names (wasm-ld-19) when only a versioned lld package is installed.
    [[ -n "$l" ]] || l="$(compgen -c wasm-ld- 2>/dev/null | sort -t- -k3 -n | tail -1 || true)"
    [[ -n "$l" ]] || l="$(command -v rust-lld || true)"
    echo "$l"
}

find_toolchain() {
    rustc_bin="" cargo_bin="" std_mode="" linker=""
    local rc sysroot rebuild=""
    while read -r rc; do
        [[ -n "$rc" ]] || continue
        sysroot="$("$rc" --print sysroot 2>/dev/null)" || continue
        if [[ -d "$sysroot/lib/rustlib/$wasm_target/lib" ]]; then
            rustc_bin="$rc" std_mode=prebuilt
            break
        elif [[ -z "$rebuild" && -d "$sysroot/lib/rustlib/src/rust/library" ]]; then
            rebuild="$rc"
        fi
    done < <(rustc_candidates)
    if [[ -z "$rustc_bin" && -n "$rebuild" ]]; then
        rustc_bin="$rebuild" std_mode=build-std linker="$(find_linker)"
    fi
    if [[ -n "$rustc_bin" ]]; then cargo_bin="$(cargo_for "$rustc_bin")"; fi
}

# What is missing, one line each, with the command that provides it.
missing_tools() {
    if [[ -z "$rustc_bin" ]]; then
        echo "no Rust compiler for $wasm_target: run \`rustup target add $wasm_target\`, or on Debian/Ubuntu \`sudo apt-get install rustc-web cargo-web rust-web-src\` (needs root)"
    elif [[ -z "$cargo_bin" ]]; then
        echo "no cargo beside $rustc_bin or on PATH"
    elif [[ "$std_mode" == build-std && -z "$linker" ]]; then
        echo "no WebAssembly linker (wasm-ld): \`sudo apt-get install lld\` (needs root)"
    fi
    command -v node >/dev/null || echo "no Node.js: \`sudo apt-get install nodejs npm\` (needs root), or Node >= 18 from nodejs.org"
    command -v npm >/dev/null || echo "no npm: \`sudo apt-get install npm\` (needs root)"
    if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $bindgen_version" ]]; then
        echo "no wasm-bindgen $bindgen_version: \`cargo install wasm-bindgen-cli --version $bindgen_version --root target/wasm-tools\`"
    fi
    [[ -x "$here/node_modules/.bin/wasm-opt" ]] || echo "no wasm-opt: \`npm ci\` in bindings-wasm (binaryen)"
}

install_tools() {
    find_toolchain
    if [[ -z "$rustc_bin" ]] && command -v rustup >/dev/null; then
        log "no wasm-capable rustc found; trying: rustup target add $wasm_target"
        rustup target add "$wasm_target" >&2 || log "rustup could not add $wasm_target"
        find_toolchain
    fi
    local need=()
    [[ -n "$rustc_bin" ]] || need+=(rustc-web cargo-web rust-web-src)
    if [[ -z "$rustc_bin" || ( "$std_mode" == build-std && -z "$linker" ) ]]; then need+=(lld); fi
    command -v node >/dev/null || need+=(nodejs npm)
    if ((${#need[@]})); then
        command -v apt-get >/dev/null || { log "missing: ${need[*]} (no apt-get here)"; return; }
        apt_install "${need[@]}"
        find_toolchain
    fi
    if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $bindgen_version" ]]; then
        log "installing wasm-bindgen-cli $bindgen_version into $tools"
        # Built for the host; the version must equal the crate's exactly.
        cargo install -q wasm-bindgen-cli --version "$bindgen_version" --root "$tools"
    fi
    if [[ ! -d "$here/node_modules/binaryen" || ! -d "$here/node_modules/playwright-core" \
          || ! -d "$here/node_modules/typescript" ]]; then
        log "installing npm packages (binaryen for wasm-opt, playwright-core, typescript)"
        (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}

if [[ "${TUANTHU_WASM_SKIP_INSTALL:-0}" != 1 ]]; then install_tools; else find_toolchain; fi
missing="$(missing_tools)"
if [[ -n "$missing" ]]; then
    log "cannot build the WebAssembly package; missing:"
    while read -r line; do log "  - $line"; done <<<"$missing"
    exit 1
fi

cd "$here"
build=(build --quiet --locked --release --target "$wasm_target")
rustflags=""
if [[ "$std_mode" == build-std ]]; then
    log "compiling for $wasm_target with $("$rustc_bin" --version) (std rebuilt from source, linker $linker)"
    build+=(-Z build-std=std,panic_abort)
    # A panic aborts at once (no unwinding, no panic messages compiled in): the binding returns
    # every failure as a JS Error and never panics on input, so this only removes dead weight.
    rustflags="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none"
    if ! RUSTC_BOOTSTRAP=1 "$rustc_bin" $rustflags --print cfg --target "$wasm_target" \
            >/dev/null 2>&1; then
        # Older compilers (before the immediate-abort strategy): a working, somewhat larger build.
        log "warning: $("$rustc_bin" --version) lacks -Cpanic=immediate-abort; building without it"
        rustflags=""
    fi
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$linker"
else
    # A prebuilt std keeps its panic machinery: larger than the build-std package (see README).
    log "compiling for $wasm_target with $("$rustc_bin" --version) (prebuilt std)"
fi
bootstrap=0
if [[ "$std_mode" == build-std ]]; then bootstrap=1; fi
RUSTC="$rustc_bin" RUSTC_BOOTSTRAP="$bootstrap" RUSTFLAGS="$rustflags" \
    CARGO_TARGET_DIR="$root/target/wasm" "$cargo_bin" "${build[@]}"
raw="$root/target/wasm/wasm32-unknown-unknown/release/tuanthu_wasm.wasm"

rm -rf "$here/pkg"
for target in web nodejs; do
    out="$here/pkg/${target/nodejs/node}"
    log "wasm-bindgen --target $target → ${out#$root/}"
    wasm-bindgen --target "$target" --out-dir "$out" --out-name tuanthu_wasm "$raw"
done

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

# One npm package: web/ and node/ side by side, chosen by the `exports` map (scripts/package.mjs).
log "npm package → pkg/ (exports: browser, node import/require, default)"
node "$here/scripts/package.mjs" "$here/pkg"

# The page: static files, the web package and the shipped example plan.
rm -rf "$here/dist"
mkdir -p "$here/dist/pkg" "$here/dist/examples"
[[ -f "$here/www/index.html" ]] || { log "missing www/index.html"; exit 1; }
find "$here/www" -maxdepth 1 -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' \) \
    -exec cp {} "$here/dist/" \;
cp "$here"/pkg/web/tuanthu_wasm* "$here/dist/pkg/"
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
