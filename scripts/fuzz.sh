#!/usr/bin/env bash
# Runs every cargo-fuzz target of core/fuzz for SECONDS each (default 60) and fails on a crash,
# a hang (libFuzzer's -timeout) or a leak of memory beyond the bound (-rss_limit_mb).
#
#   scripts/fuzz.sh            # 60 s per target (what the test run does)
#   scripts/fuzz.sh 600        # a longer run
#   scripts/fuzz.sh 60 rules   # some targets only
#
# Installs cargo-fuzz when missing. Needs a nightly compiler for the sanitizer flags: the rustup
# nightly toolchain when there is one, else the stable one with RUSTC_BOOTSTRAP=1.
# Seeds come from the repository (plans, rule packs, shared vectors, example CSVs) and are
# rebuilt at every run; the corpus the fuzzer grows stays under core/fuzz/target/ (not in git).
# TUANTHU_FUZZ_REGRESSIONS=1 also feeds core/fuzz/regressions/<target>/ (hostile inputs found
# before: a rule that sleeps, a native call in an endless loop): each must end within -timeout.
# A crash leaves its input in core/fuzz/artifacts/<target>/; replay it with
#   cd core && cargo fuzz run <target> fuzz/artifacts/<target>/<file>
set -euo pipefail

seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fuzz="$root/core/fuzz"
all_targets=(parse_plan evaluate_json rules submissions_csv docx)
targets=("$@")
if ((${#targets[@]} == 0)); then targets=("${all_targets[@]}"); fi
log() { echo "fuzz.sh: $*" >&2; }

if ! cargo fuzz --version >/dev/null 2>&1; then
    log "installing cargo-fuzz"
    cargo install --locked -q cargo-fuzz
fi
toolchain=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    toolchain=(+nightly)
else
    export RUSTC_BOOTSTRAP=1
fi

seeds="$fuzz/target/seeds"
corpus="$fuzz/target/corpus"
rm -rf "$seeds"
mkdir -p "$seeds"/{parse_plan,evaluate_json,rules,submissions_csv,docx}
# Plans as issued (text and Markdown).
cp "$root"/core/tests/data/plans/* "$seeds/parse_plan/"
# Requests of the shared vectors (each vector wraps one request with its expected output).
python3 - "$root/tests/vectors" "$seeds/evaluate_json" <<'PY'
import json, pathlib, sys
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for f in sorted(src.glob("*.json")):
    if f.name.endswith(".out.json"):
        continue
    doc = json.loads(f.read_text(encoding="utf-8"))
    for key in ("request", "form_request"):
        if key in doc:
            (out / f"{f.stem}.{key}.json").write_text(json.dumps(doc[key], ensure_ascii=False), encoding="utf-8")
PY
# The standard pack's rules, and the submissions of the examples.
cp "$root"/rules/standard/*.rhai "$seeds/rules/"
for csv in "$root"/rules/examples/*/submissions.csv; do
    cp "$csv" "$seeds/submissions_csv/$(basename "$(dirname "$csv")").csv"
done

# The docx target's input is document.xml, a NUL byte, then numbering.xml: cut from the fixtures.
python3 - "$root/core/tests/data/formats" "$seeds/docx" <<'PY'
import pathlib, sys, zipfile
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for f in sorted(src.glob("*.docx")):
    with zipfile.ZipFile(f) as z:
        names = z.namelist()
        doc = z.read("word/document.xml")
        num = z.read("word/numbering.xml") if "word/numbering.xml" in names else b""
    (out / f"{f.stem}.bin").write_bytes(doc + b"\0" + num)
PY

declare -A dict=([parse_plan]=plan [evaluate_json]=json [rules]=rhai [submissions_csv]=csv [docx]=docx)
cd "$root/core"
failed=()
for target in "${targets[@]}"; do
    [[ -n "${dict[$target]:-}" ]] || { log "unknown target '$target' (known: ${all_targets[*]})"; exit 2; }
    mkdir -p "$corpus/$target"
    inputs=("$corpus/$target" "$seeds/$target")
    if [[ "${TUANTHU_FUZZ_REGRESSIONS:-0}" == 1 && -d "$fuzz/regressions/$target" ]]; then
        inputs+=("$fuzz/regressions/$target")
    fi
    log "$target: ${seconds}s"
    # -timeout: one input may take at most 10 s (the budget of a rule call is far below);
    # -rss_limit_mb: the issue's memory bound per process, with room for the sanitizer.
    if ! cargo "${toolchain[@]}" fuzz run --fuzz-dir "$fuzz" -O "$target" \
            "${inputs[@]}" -- \
            -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -dict="$fuzz/dict/${dict[$target]}.dict" -print_final_stats=1 \
            >"$fuzz/target/$target.log" 2>&1; then
        failed+=("$target")
        tail -n 40 "$fuzz/target/$target.log" >&2
    fi
    # The closing stats: executions, coverage, corpus size, peak memory.
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)' \
        "$fuzz/target/$target.log" | sed "s/^/fuzz.sh: $target: /" >&2 || true
done
if ((${#failed[@]})); then
    log "FAILED: ${failed[*]} (inputs in core/fuzz/artifacts/)"
    exit 1
fi
log "all targets ran ${seconds}s without a crash: ${targets[*]}"
