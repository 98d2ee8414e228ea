#!/usr/bin/env python3
"""Where tuanthu's Python path spends on the peer workload, step by step.

Usage: phases.py PEERS_DIR data/instances_N.csv [REPS]

Loads the CSV's columns and builds the requests as impl_tuanthu.py does (50,000-row chunks,
Arrow inputs), then times building them and each step of every request separately, REPS times: Plan.from_arrow, Submissions.from_arrow (the
submissions table read once, as evaluate reads a pyarrow table), evaluate (and, from
Report.timings, the Rust evaluation's own wall time inside it), to_arrow of the adapter's
columns, and the release of the report and of the inputs. Prints wall and CPU
(time.process_time: every thread of the process) microseconds per row. Run it with the Python
that has tuanthu and pyarrow installed (e.g. PEERS_DIR/.venv/bin/python after run.sh).
"""
import os
import sys
import time

peers, csv = sys.argv[1], sys.argv[2]
reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), peers]

import pyarrow as pa  # noqa: E402
import tuanthu  # noqa: E402

import impl_tuanthu as it  # noqa: E402


def clock():
    return time.perf_counter(), time.process_time()


def main():
    columns = it.load_columns(csv)
    pack = tuanthu.RulePack.standard()
    total = {}

    def add(step, a, b):
        w, c = total.get(step, (0.0, 0.0))
        total[step] = (w + b[0] - a[0], c + b[1] - a[1])

    for _ in range(reps):
        t0 = clock()
        reqs = it.build(columns)
        add("build the requests (columns in)", t0, clock())
        for obligations, subs, as_of in reqs:
            t0 = clock()
            plan = tuanthu.Plan.from_arrow(obligations, id="peers", title="peers benchmark")
            t1 = clock()
            add("Plan.from_arrow", t0, t1)
            s = tuanthu.Submissions.from_arrow(subs) if subs is not None else None
            t2 = clock()
            add("Submissions.from_arrow", t1, t2)
            report = tuanthu.evaluate(plan, s, as_of=as_of, policies=it.POLICIES, rules=pack,
                                      **it.OPTIONS)
            t3 = clock()
            add("evaluate", t2, t3)
            w, c = total.get("  Rust evaluation (Report.timings)", (0.0, 0.0))
            total["  Rust evaluation (Report.timings)"] = (
                w + report.timings["evaluate_seconds"], c)
            table = report.to_arrow(columns=it.READ)
            t4 = clock()
            add("to_arrow(columns=READ)", t3, t4)
            del report, table
            t5 = clock()
            add("release the report", t4, t5)
            del plan, s
            t6 = clock()
            add("release the inputs", t5, t6)
    n = columns.num_rows * reps
    print(f"rows {columns.num_rows}, reps {reps}, requests {len(reqs)}, threads {it.THREADS}, "
          f"load {os.getloadavg()}")
    print(f"{'step':40} {'wall us/row':>12} {'cpu us/row':>12}")
    for step, (w, c) in total.items():
        cpu = "" if step.startswith("  ") else f"{c / n * 1e6:12.3f}"
        print(f"{step:40} {w / n * 1e6:12.3f} {cpu:>12}")


if __name__ == "__main__":
    main()
