"""Benchmark: the Python binding against the Rust CLI on the same synthetic data, in one run.

    bindings-python/bench/run.sh            # builds release CLI + release wheel, then runs this
    python bindings-python/bench/bench.py [--provinces 34] [--repeat 3] [--cli PATH] [--data DIR]

Data: `tuanthu synth --provinces N --out DIR` (the benchmark province: 150 agencies × 12
obligations × 5 years, mixed schedules, 80% evidence; N = 34 for the national scale).

Rust: `tuanthu check --request FILE --format json --timings`, its own "evaluate" time (request
already parsed, report not yet written).

Python, per province (inputs prepared before the clock starts, except where said):
  objects    evaluate(Plan, Submissions, events, registry=..., as_of=...): the binding's call with
             inputs already converted to Rust objects (registry/events dicts are still converted
             on each call; they are small) — "excluding data conversion".
  dataframe  evaluate(Plan, DataFrame, ...): the submissions DataFrame (received as datetime64)
             is converted inside the call — "including a DataFrame of submissions".
  records    evaluate(Plan, list of dicts, ...): the submissions as Python dicts.
Each is the best of --repeat runs in one interpreter (warm); the CLI runs in a fresh process each
time, so for province-01 the first evaluate() in a fresh interpreter (cold) is measured too.
National = sum over provinces. The binding's Report.to_json()
is checked byte for byte against the CLI's JSON for the first province.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import tuanthu

ROOT = Path(__file__).resolve().parents[2]
TIMING = re.compile(r"read input ([0-9.]+) ms, evaluate ([0-9.]+) ms \((\d+) instances")


def rust_eval(cli: Path, request: Path, repeat: int) -> tuple[float, int, str]:
    best, instances, out = float("inf"), 0, ""
    for _ in range(repeat):
        p = subprocess.run(
            [str(cli), "check", "--request", str(request), "--format", "json", "--timings"],
            capture_output=True, text=True, check=False,
        )
        if p.returncode not in (0, 1):
            raise SystemExit(f"tuanthu check failed ({p.returncode}): {p.stderr}")
        m = TIMING.search(p.stderr)
        if not m:
            raise SystemExit(f"no timings in: {p.stderr!r}")
        best = min(best, float(m.group(2)) / 1e3)
        instances, out = int(m.group(3)), p.stdout
    return best, instances, out


COLD = """
import json, sys, time, tuanthu
req = json.loads(open(sys.argv[1], encoding="utf-8").read())
plan = tuanthu.Plan.from_json(req["plan"])
subs = tuanthu.Submissions.from_records(req["submissions"])
common = dict(events=req.get("events"), registry=req.get("registry"), as_of=req["as_of"],
              policies=req.get("policies"), calendar=req.get("calendar"))
tuanthu.RulePack.standard()
t = time.perf_counter()
tuanthu.evaluate(plan, subs, **common)
print(time.perf_counter() - t)
"""


def cold_python(request: Path, repeat: int) -> float:
    """First evaluate() in a fresh interpreter, as the CLI's numbers are from a fresh process."""
    return min(float(subprocess.run([sys.executable, "-c", COLD, str(request)], capture_output=True,
                                    text=True, check=True).stdout) for _ in range(repeat))


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        result = None  # free the previous result outside the timed region
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--provinces", type=int, default=34)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cli", type=Path, default=ROOT / "target" / "release" / "tuanthu")
    ap.add_argument("--data", type=Path, default=ROOT / "target" / "bench-synth")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()

    import pandas as pd

    if not args.cli.exists():
        raise SystemExit(f"{args.cli} missing: cargo build --release -p tuanthu-cli (bench/run.sh does)")
    files = [args.data / f"province-{i:02}.json" for i in range(1, args.provinces + 1)]
    if not all(f.exists() for f in files):
        subprocess.run([str(args.cli), "synth", "--provinces", str(args.provinces), "--out", str(args.data)],
                       check=True)

    tuanthu.RulePack.standard()  # compile the standard pack once, as the CLI's own timer excludes it
    rows = []
    for n, f in enumerate(files, 1):
        req = json.loads(f.read_text(encoding="utf-8"))
        plan = tuanthu.Plan.from_json(req["plan"])
        subs = tuanthu.Submissions.from_records(req["submissions"])
        records = req["submissions"]
        df = pd.DataFrame(records)
        df["received"] = pd.to_datetime(df["received"])
        common = dict(events=req.get("events"), registry=req.get("registry"), as_of=req["as_of"],
                      policies=req.get("policies"), calendar=req.get("calendar"))

        rust, instances, rust_json = rust_eval(args.cli, f, args.repeat)
        t_obj, report = best_of(args.repeat, lambda: tuanthu.evaluate(plan, subs, **common))
        engine = report.timings["evaluate_seconds"]
        t_df, _ = best_of(args.repeat, lambda: tuanthu.evaluate(plan, df, **common))
        t_rec, _ = best_of(args.repeat, lambda: tuanthu.evaluate(plan, records, **common))
        if n == 1:
            same = report.to_json() == rust_json
            print(f"province-01: Report.to_json() == CLI JSON: {same}", flush=True)
            if not same:
                raise SystemExit("binding and CLI disagree")
            t_cold = cold_python(f, args.repeat)
            t_pd, _ = best_of(args.repeat, report.to_pandas)
            t_dicts, _ = best_of(args.repeat, lambda: report.assessments)
        rows.append(dict(province=f.name, instances=instances, submissions=len(records), rust=rust,
                         objects=t_obj, engine=engine, dataframe=t_df, records=t_rec))
        print(f"{f.name}: {instances} instances, {len(records)} submissions | rust {rust*1e3:7.1f} ms | "
              f"py objects {t_obj*1e3:7.1f} ms | py DataFrame {t_df*1e3:7.1f} ms | "
              f"py records {t_rec*1e3:7.1f} ms", flush=True)

    def summary(sel, label):
        rust = sum(r["rust"] for r in sel)
        obj = sum(r["objects"] for r in sel)
        dfr = sum(r["dataframe"] for r in sel)
        rec = sum(r["records"] for r in sel)
        eng = sum(r["engine"] for r in sel)
        res = dict(scale=label, provinces=len(sel), instances=sum(r["instances"] for r in sel),
                   submissions=sum(r["submissions"] for r in sel), rust_s=rust, python_objects_s=obj,
                   python_dataframe_s=dfr, python_records_s=rec, python_engine_s=eng, ratio_objects=obj / rust,
                   ratio_dataframe=dfr / rust, ratio_records=rec / rust)
        print(f"\n{label}: {res['provinces']} province(s), {res['instances']} instances, "
              f"{res['submissions']} submissions")
        print(f"  Rust CLI evaluate                      {rust:8.3f} s")
        print(f"  Python engine time (Report.timings)    {eng:8.3f} s   ratio {eng / rust:5.2f}  (same Rust code, GIL released)")
        print(f"  Python evaluate(Plan, Submissions)     {obj:8.3f} s   ratio {obj / rust:5.2f}  (target <= 1.2)")
        print(f"  Python evaluate(Plan, DataFrame)       {dfr:8.3f} s   ratio {dfr / rust:5.2f}  (target <= 2.0)")
        print(f"  Python evaluate(Plan, list of dicts)   {rec:8.3f} s   ratio {rec / rust:5.2f}")
        return res

    results = [summary(rows[:1], "province")]
    if len(rows) > 1:
        results.append(summary(rows, "national"))
    print(f"\nprovince-01, first evaluate(Plan, Submissions) in a fresh interpreter (cold, like each CLI run): "
          f"{t_cold:.3f} s, ratio {t_cold / rows[0]['rust']:.2f}")
    results[0]["python_objects_cold_s"] = t_cold
    print(f"province-01 output conversion: Report.to_pandas() {t_pd*1e3:.1f} ms, "
          f"Report.assessments (dicts) {t_dicts*1e3:.1f} ms")
    print(f"python {sys.version.split()[0]}, tuanthu {tuanthu.__version__}, pandas {pd.__version__}, "
          f"{os.cpu_count()} cpus, repeat {args.repeat}")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
