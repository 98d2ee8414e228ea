#!/usr/bin/env python3
"""The adapter's work on a data file ITER times, for instruction counts of the whole Python path
that do not depend on machine load:

    valgrind --tool=callgrind python bench/peers/callgrind_python.py PEERS_DIR data/instances_N.csv ITER

Run with ITER 1 and 2; the difference of the two totals is one pass (loading the CSV, importing
and compiling the rule pack cancel out): building the requests from the CSV's columns,
Plan.from_arrow, evaluate and to_arrow(columns=READ), as impl_tuanthu.py does.
"""
import os
import sys

peers, csv, iterations = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), peers]

import tuanthu  # noqa: E402

import impl_tuanthu as it  # noqa: E402

columns = it.load_columns(csv)
pack = tuanthu.RulePack.standard()
rows = 0
for _ in range(iterations):
    for obligations, subs, as_of in it.build(columns):
        plan = tuanthu.Plan.from_arrow(obligations, id="peers", title="peers benchmark")
        report = tuanthu.evaluate(plan, subs, as_of=as_of, policies=it.POLICIES, rules=pack,
                                  **it.OPTIONS)
        rows += report.to_arrow(columns=it.READ).num_rows
        del report, plan
print(rows)
