#!/usr/bin/env python3
"""tuanthu on the peer engines' deadline-compliance workload, through the public Python API.

Runs inside the peers' benchmark folder (it imports that folder's `common.py`; `run.sh` in this
directory puts it there). Prints the one JSON line every implementation prints.

Usage: impl_tuanthu.py data/instances_N.csv [MODE]
  MODE pandas       (default) per-row results read back with Report.to_pandas()
       assessments  per-row results read back from Report.assessments (list of dicts)

Mapping of the workload onto tuanthu's plan/evidence contract
-------------------------------------------------------------
* One CSV row = one obligation: id = obligation_id, title = the id, lead = the agency, schedule
  `once` with deadline {"date": due, "bound": "before"} ("trước ngày <due>"): one instance.
* A row with a received date = one submission {"agency", "obligation", "received"}.
* Policies (caller overrides): deadline_reading=exclusive, day_off=strict, due_soon_days=6.
* The engine counts evidence only when received <= as_of; the peers' status of a row with a
  received date does not depend on as_of. So rows WITH a received date are evaluated as of the
  latest received date among them, rows WITHOUT one as of the file's as_of. Both calls are timed.
* Rows are evaluated in requests of at most CHUNK (100,000) rows. This was needed while one
  evaluation's rule budget was fixed (sized for a province); the budget now grows with the
  instances of the request (`evaluation_operations_per_instance`, `evaluation_us_per_instance`),
  and the chunks are kept so figures stay comparable with earlier runs. Obligations are
  independent, so chunking changes no result.
* Units: the engine's day counts run from the last on-time day (D - 1 for "before D" read
  exclusively), the peers' from D: days_late(peer) = days_late(tuanthu) - 1 for late rows
  (checked after the clock stops); due_soon "due - as_of <= 7" is due_soon_days = 6.

Timed phase (as for every implementation): from the rows in memory (CSV strings) to the
aggregated totals: building the plan dicts and submission records, tuanthu.evaluate (its own
conversion of the Python data, the Rust evaluation with the full standard rule pack,
explanations and findings), reading status/days_late/due_soon back per row, aggregation.
Not timed: reading the CSV, importing tuanthu and pandas, compiling the rule pack (once, passed
as rules=).
"""
import sys
import time

import tuanthu

from common import STATUSES, csv_arg, emit, load_rows, result

POLICIES = {"deadline_reading": "exclusive", "day_off": "strict", "due_soon_days": 6}
CHUNK = 100_000


def obligation(agency, oid, due):
    return {
        "id": oid,
        "title": oid,
        "lead": [{"kind": "agency", "name": agency}],
        "schedule": {"type": "once", "deadline": {"date": due, "bound": "before"}},
    }


def build(rows):
    """Rows -> [(plan dict, submission records, as_of)]."""
    as_of = rows[0][5] if rows else "2026-11-20"
    with_ev, without = [], []
    for r in rows:
        if r[5] != as_of:
            raise SystemExit("rows with different as_of dates are not supported")
        (with_ev if r[4] is not None else without).append(r)
    reqs = []
    for part in range(0, len(with_ev), CHUNK):
        chunk = with_ev[part:part + CHUNK]
        obs = [obligation(a, o, d) for a, o, d, _p, _r, _s in chunk]
        subs = [{"agency": a, "obligation": o, "received": r} for a, o, _d, _p, r, _s in chunk]
        latest = max(max(r[4] for r in chunk), as_of)
        reqs.append(({"id": "peers-received", "title": "peers: received", "obligations": obs},
                     subs, latest))
    for part in range(0, len(without), CHUNK):
        chunk = without[part:part + CHUNK]
        obs = [obligation(a, o, d) for a, o, d, _p, _r, _s in chunk]
        reqs.append(({"id": "peers-open", "title": "peers: nothing received", "obligations": obs},
                     None, as_of))
    return reqs


def read_pandas(report, counts, acc):
    df = report.to_pandas()
    for st, c in df["status"].value_counts().items():
        counts[st] += int(c)
    dl = df["days_late"]
    acc[0] += int(dl.sum()) - int(dl.notna().sum())  # from D, not from the last day D - 1
    acc[1] += int(df["due_soon"].sum())


def read_assessments(report, counts, acc):
    late_rows = dl = ds = 0
    for a in report.assessments:
        counts[a["status"]] += 1
        d = a.get("days_late")
        if d is not None:
            dl += d
            late_rows += 1
        if a["due_soon"]:
            ds += 1
    acc[0] += dl - late_rows
    acc[1] += ds


def check_offsets(reports):
    """After the clock: every last day is the stated date minus one day (exclusive, strict)."""
    for rep in reports:
        for a in rep.assessments:
            due = a["due"]
            if (due["stated"] - due["last_day"]).days != 1:
                raise SystemExit(f"unexpected last day {due} for {a['obligation']}")
            if a["status"] not in STATUSES:
                raise SystemExit(f"status {a['status']} outside the peers' four")


def main():
    path = csv_arg()
    mode = sys.argv[2] if len(sys.argv) > 2 else "pandas"
    if mode not in ("pandas", "assessments"):
        raise SystemExit(f"unknown mode {mode}")
    if mode == "pandas":
        import pandas  # noqa: F401  (imported before the clock, as impl_pandas.py does)
    read = read_pandas if mode == "pandas" else read_assessments
    rows = load_rows(path)
    pack = tuanthu.RulePack.standard()
    t0 = time.perf_counter()
    reqs = build(rows)
    t1 = time.perf_counter()
    reports = [tuanthu.evaluate(plan, subs, as_of=as_of, policies=POLICIES, rules=pack)
               for plan, subs, as_of in reqs]
    t2 = time.perf_counter()
    counts = dict.fromkeys(STATUSES, 0)
    acc = [0, 0]
    for rep in reports:
        read(rep, counts, acc)
    t3 = time.perf_counter()
    core = sum(r.timings["evaluate_seconds"] for r in reports)
    check_offsets(reports)
    name = "tuanthu" if mode == "assessments" else f"tuanthu_{mode}"
    emit(result(name, len(rows), t3 - t0, counts, acc[0], acc[1], mode=mode,
                requests=len(reqs),
                phases={"build_inputs_s": t1 - t0, "evaluate_calls_s": t2 - t1,
                        "read_back_s": t3 - t2},
                core_evaluate_s=core,
                core_per_instance_us=core / len(rows) * 1e6 if rows else 0.0,
                findings=sum(len(r.findings) for r in reports)))


if __name__ == "__main__":
    main()
