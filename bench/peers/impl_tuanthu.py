#!/usr/bin/env python3
"""tuanthu on the peer engines' deadline-compliance workload, through the public Python API.

Runs inside the peers' benchmark folder (it imports that folder's `common.py`; `run.sh` in this
directory puts it there). Prints the one JSON line every implementation prints.

Usage: impl_tuanthu.py data/instances_N.csv [MODE]
  MODE arrow        (default) results read back with Report.to_arrow(columns=...)
       pandas       results read back with Report.to_pandas(columns=...)
       assessments  results read back from Report.assessments (a dict per instance)
       rows         as arrow, but starting from the rows as Python tuples (common.load_rows)
                    and building the Arrow columns from them inside the clock
  Inputs go in as columns in every mode: Plan.from_arrow (the obligations table) and a pyarrow
  table of submissions (the submissions table).

Loading (not timed): the CSV's columns as Arrow strings (pyarrow.csv, every column text, an
empty cell null), as the pandas peer loads them as a DataFrame of strings (pd.read_csv,
dtype=str) before its clock; the other peers start from Python tuples (common.load_rows), as
MODE rows does.

Mapping of the workload onto tuanthu's plan/evidence contract
-------------------------------------------------------------
* One CSV row = one obligation, one row of the obligations table given to `Plan.from_arrow`:
  id = obligation_id, title = the id, lead = the agency, deadline = due, bound = `before`
  ("trước ngày <due>"), i.e. the schedule `once` with deadline {"date": due, "bound": "before"}:
  one instance.
* A row with a received date = one row of the submissions table (agency, obligation, received),
  given to `evaluate` as a pyarrow table.
* Policies (caller overrides): deadline_reading=exclusive, day_off=strict, due_soon_days=6.
* The engine counts evidence only when received <= as_of; the peers' status of a row with a
  received date does not depend on as_of. So rows WITH a received date are evaluated as of the
  latest received date among them, rows WITHOUT one as of the file's as_of. Both calls are timed.
* Rows are evaluated in requests of at most CHUNK (50,000) rows (zero-copy slices of the
  tables), and each report is read back and released before the next request, so tuanthu's
  memory is that of one request (at 10^6 rows, peak RSS 888 MB with 50,000, 1,025 MB with
  100,000, beside 529 MB for py_loop holding the same rows: /usr/bin/time -v, 1/12/2026).
  Obligations are independent, so chunking changes no result.
* Units: the engine's day counts run from the last on-time day (D - 1 for "before D" read
  exclusively), the peers' from D: days_late(peer) = days_late(tuanthu) - 1 for late rows
  (checked after the clock stops, from the `stated_due` and `last_day` columns read back);
  due_soon "due - as_of <= 7" is due_soon_days = 6.

Timed phase (as for every implementation): from the rows in memory (CSV strings) to the
aggregated totals: building the requests' Arrow tables (MODE rows: from the tuples), Plan.from_arrow, tuanthu.evaluate (reading the
submissions table, the Rust evaluation with the full standard rule pack, explanations and
findings), reading status/days_late/due_soon (and the two due dates of the check) back per row,
aggregation. Not timed: reading the CSV, importing tuanthu/pyarrow/pandas, converting one
row's strings with pyarrow (its first conversion sets up its machinery: ~0.2 s of CPU time
once per process, seen with time.process_time on this machine), compiling the rule pack (once,
passed as rules=). Phases printed: build_inputs_s (rows -> Arrow tables),
evaluate_calls_s (Plan.from_arrow + evaluate), read_back_s (results -> totals).
"""
import datetime
import os
import sys
import time

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import tuanthu

from common import HEADER, STATUSES, csv_arg, emit, load_rows, result

POLICIES = {"deadline_reading": "exclusive", "day_off": "strict", "due_soon_days": 6}
# Threads one evaluation may use (TUANTHU_THREADS; evaluate's threads=, 0 = its default).
THREADS = int(os.environ.get("TUANTHU_THREADS", "0"))
OPTIONS = {"threads": THREADS} if THREADS else {}
CHUNK = 50_000
READ = ["status", "days_late", "due_soon", "stated_due", "last_day"]


def load_columns(path):
    """The CSV as an Arrow table of strings (an empty cell null), checked as load_rows checks
    the rows; not timed, as the pandas peer's pd.read_csv(dtype=str) is not."""
    table = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(
        column_types={c: pa.string() for c in HEADER}, strings_can_be_null=True))
    if table.column_names != HEADER:
        raise SystemExit(f"{path}: unexpected header {table.column_names}")
    if pc.any(pc.not_equal(table["policy"], "exclusive")).as_py():
        raise SystemExit(f"{path}: policy other than 'exclusive' (not implemented)")
    return table


def rows_to_columns(rows):
    """Rows (string tuples) -> the same table load_columns reads (MODE rows, timed)."""
    # One list per column (pyarrow converts a list faster than a tuple).
    return pa.table({name: pa.array([r[k] for r in rows], pa.string())
                     for k, name in enumerate(HEADER) if name != "policy"})


def build(table):
    """The CSV's columns -> [(obligations table, submissions table or None, as_of)], zero-copy
    slices."""
    n = table.num_rows
    as_of = table["as_of"][0].as_py() if n else "2026-11-20"
    if n and table["as_of"].null_count + pc.sum(pc.not_equal(table["as_of"], as_of)).as_py():
        raise SystemExit("rows with different as_of dates are not supported")
    table = table.select(["obligation_id", "agency", "due", "received"]).rename_columns(
        ["id", "lead", "deadline", "received"])
    has = pc.is_valid(table["received"])
    reqs = []
    for part, evidence in ((table.filter(has), True), (table.filter(pc.invert(has)), False)):
        for start in range(0, part.num_rows, CHUNK):
            chunk = part.slice(start, CHUNK)
            obligations = pa.table({
                "id": chunk["id"], "title": chunk["id"], "lead": chunk["lead"],
                "deadline": chunk["deadline"],
                "bound": pa.repeat(pa.scalar("before"), chunk.num_rows),
            })
            if evidence:
                subs = pa.table({"agency": chunk["lead"], "obligation": chunk["id"],
                                 "received": chunk["received"]})
                latest = max(pc.max(chunk["received"]).as_py(), as_of)
                reqs.append((obligations, subs, latest))
            else:
                reqs.append((obligations, None, as_of))
    return reqs


def read_arrow(report, counts, acc):
    t = report.to_arrow(columns=READ)
    aggregate(t, counts, acc)
    return t.select(["status", "stated_due", "last_day"])


def read_pandas(report, counts, acc):
    df = report.to_pandas(columns=READ)
    for st, c in df["status"].value_counts().items():
        counts[st] += int(c)
    dl = df["days_late"]
    acc[0] += int(dl.sum()) - int(dl.notna().sum())  # from D, not from the last day D - 1
    acc[1] += int(df["due_soon"].sum())
    return pa.Table.from_pandas(df[["status", "stated_due", "last_day"]], preserve_index=False)


def read_assessments(report, counts, acc):
    late_rows = dl = ds = 0
    kept = []
    for a in report.assessments:
        counts[a["status"]] += 1
        d = a.get("days_late")
        if d is not None:
            dl += d
            late_rows += 1
        if a["due_soon"]:
            ds += 1
        kept.append((a["status"], a["due"]["stated"], a["due"]["last_day"]))
    acc[0] += dl - late_rows
    acc[1] += ds
    status, stated, last = zip(*kept) if kept else ((), (), ())
    return pa.table({"status": list(status), "stated_due": pa.array(stated, pa.date32()),
                     "last_day": pa.array(last, pa.date32())})


def aggregate(t, counts, acc):
    for row in pc.value_counts(t["status"]).to_pylist():
        counts[row["values"]] += row["counts"]
    dl = t["days_late"]
    acc[0] += (pc.sum(dl).as_py() or 0) - (len(dl) - dl.null_count)  # from D, not from D - 1
    acc[1] += pc.sum(pc.cast(t["due_soon"], pa.int64())).as_py() or 0


def check_offsets(tables):
    """After the clock: every last day is the stated date minus one day (exclusive, strict)."""
    one_day = datetime.timedelta(days=1)
    for t in tables:
        gap = pc.subtract(pc.cast(t["stated_due"], pa.timestamp("s")),
                          pc.cast(t["last_day"], pa.timestamp("s")))
        if pc.any(pc.not_equal(gap, pa.scalar(one_day, pa.duration("s")))).as_py():
            raise SystemExit("a last day is not the stated date minus one day")
        if pc.any(pc.invert(pc.is_in(t["status"], pa.array(STATUSES)))).as_py():
            raise SystemExit("a status outside the peers' four")


READERS = {"arrow": read_arrow, "pandas": read_pandas, "assessments": read_assessments,
           "rows": read_arrow}
NAMES = {"arrow": "tuanthu", "pandas": "tuanthu_pandas", "assessments": "tuanthu_dicts",
         "rows": "tuanthu_rows"}


def main():
    path = csv_arg()
    mode = sys.argv[2] if len(sys.argv) > 2 else "arrow"
    if mode not in READERS:
        raise SystemExit(f"unknown mode {mode}; expected one of {sorted(READERS)}")
    if mode == "pandas":
        import pandas  # noqa: F401  (imported before the clock, as impl_pandas.py does)
    read = READERS[mode]
    if mode == "rows":
        rows = load_rows(path)
        pa.array(list(rows[0][:3]), pa.string())  # pyarrow's one-off set-up, as an import is
    else:
        rows = load_columns(path)
    pack = tuanthu.RulePack.standard()
    counts = dict.fromkeys(STATUSES, 0)
    acc = [0, 0]
    checks, core, findings = [], 0.0, 0
    t0 = time.perf_counter()
    reqs = build(rows_to_columns(rows) if mode == "rows" else rows)
    t1 = time.perf_counter()
    evaluating = reading = 0.0
    for obligations, subs, as_of in reqs:
        ta = time.perf_counter()
        plan = tuanthu.Plan.from_arrow(obligations, id="peers", title="peers benchmark")
        report = tuanthu.evaluate(plan, subs, as_of=as_of, policies=POLICIES, rules=pack,
                                  **OPTIONS)
        tb = time.perf_counter()
        checks.append(read(report, counts, acc))
        reading += time.perf_counter() - tb
        evaluating += tb - ta
        # Not timed (only reported): the Rust evaluation's own time and the number of findings.
        core += report.timings["evaluate_seconds"]
        findings += len(report.findings)
        del report, plan  # one request's report at a time
    check_offsets(checks)
    emit(result(NAMES[mode], len(rows), (t1 - t0) + evaluating + reading, counts, acc[0], acc[1], mode=mode,
                requests=len(reqs),
                phases={"build_inputs_s": t1 - t0, "evaluate_calls_s": evaluating,
                        "read_back_s": reading},
                core_evaluate_s=core,
                core_per_instance_us=core / len(rows) * 1e6 if len(rows) else 0.0,
                findings=findings))


if __name__ == "__main__":
    main()
