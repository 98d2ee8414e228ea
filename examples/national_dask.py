"""A national evaluation on a dask.distributed cluster: one task per province.

    pip install 'tuanthu[dask]'
    python examples/national_dask.py [--provinces 34] [--workers 2] [--agencies 40]

Each of the synthetic provinces (deterministic: province n is the same everywhere) is a plan, a
registry of its agencies and the reports they sent. The driver converts them into tuanthu objects
once (`Plan`, `Submissions` from an Arrow table, the standard `RulePack`); they pickle, so dask
ships them to worker *processes*, each of which evaluates its province and returns the province's
summary and its findings as an Arrow table. The driver joins the findings into one table
(a `province` column first) and checks that the whole run is identical to the same work done in
this one process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from typing import Any, Dict, List, Optional, Tuple

import tuanthu

AS_OF = "2028-12-31"
FIRST_YEAR = 2026
LAST_YEAR = 2028


def province(n: int, agencies: int = 40) -> Dict[str, Any]:
    """Province `n`: a plan of yearly reports, ongoing and one-off tasks for all its communes and
    departments, a registry, and submissions (some late, some for work the plan does not have)."""
    rng = random.Random(n)
    names = [f"Sở Ngành {i:02} tỉnh {n:02}" for i in range(1, 8)]
    names += [f"UBND xã {i:03} tỉnh {n:02}" for i in range(1, agencies - 6)]
    registry = {"agencies": [
        {"name": a, "groups": ["departments" if a.startswith("Sở") else "communes"]} for a in names]}
    everyone = [{"kind": "group", "group": "departments", "name": "các sở, ban, ngành tỉnh"},
                {"kind": "group", "group": "communes", "name": "UBND các xã, phường"}]
    obligations = [
        {"id": "II.1", "title": "Tuyên truyền, phổ biến pháp luật về an ninh mạng",
         "lead": everyone, "schedule": {"type": "ongoing", "from_year": FIRST_YEAR}},
        {"id": "II.2", "title": "Rà soát hệ thống thông tin", "lead": everyone,
         "schedule": {"type": "once", "deadline": {"date": f"{FIRST_YEAR}-06-30",
                                                   "bound": "no_later_than"}}},
        {"id": "IV.1", "kind": "periodic_report", "title": "Báo cáo kết quả thực hiện",
         "lead": everyone,
         "schedule": {"type": "recurring", "every": "yearly", "from_year": FIRST_YEAR,
                      "until_year": LAST_YEAR,
                      "due": {"month": 11, "day": 15, "bound": "before"}}},
    ]
    plan = {"id": f"province-{n:02}", "title": f"Kế hoạch tỉnh {n:02}", "obligations": obligations}
    rows: List[Dict[str, Any]] = []
    for a in names:
        if rng.random() < 0.8:
            rows.append({"agency": a, "obligation": "II.2", "period": None,
                         "received": dt.date(FIRST_YEAR, 6, 1) + dt.timedelta(rng.randint(0, 60))})
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            if rng.random() < 0.8:
                rows.append({"agency": a, "obligation": "IV.1", "period": str(year),
                             "received": dt.date(year, 11, 1) + dt.timedelta(rng.randint(0, 25))})
    # Evidence for an obligation the plan does not have: a finding, never silently dropped.
    rows.append({"agency": names[0], "obligation": "IX.9", "period": None,
                 "received": dt.date(FIRST_YEAR, 3, 2)})
    return {"plan": plan, "registry": registry, "submissions": rows}


def prepared(n: int, agencies: int) -> Tuple[tuanthu.Plan, tuanthu.Submissions, dict]:
    """Province `n` as tuanthu objects; the submissions go through an Arrow table."""
    import pyarrow as pa

    p = province(n, agencies)
    table = pa.Table.from_pylist(p["submissions"], schema=pa.schema([
        ("agency", pa.string()), ("obligation", pa.string()), ("period", pa.string()),
        ("received", pa.date32())]))
    return tuanthu.Plan.from_json(p["plan"]), tuanthu.Submissions.from_arrow(table), p["registry"]


def evaluate_province(plan: tuanthu.Plan, subs: tuanthu.Submissions, registry: dict,
                      rules: tuanthu.RulePack) -> Tuple[dict, Any]:
    """One province: (its summary, its findings as a pyarrow Table). Runs on a worker."""
    report = tuanthu.evaluate(plan, subs, registry=registry, as_of=AS_OF, rules=rules)
    return report.summary(), report.to_arrow("findings")


def join(results: List[Tuple[str, Tuple[dict, Any]]]) -> Tuple[Dict[str, dict], Any]:
    """Per-province summaries by plan id, and one findings table with a `province` column."""
    import pyarrow as pa

    tables = []
    for plan_id, (_, findings) in results:
        column = pa.array([plan_id] * findings.num_rows, pa.string())
        tables.append(findings.add_column(0, "province", column))
    return {plan_id: summary for plan_id, (summary, _) in results}, pa.concat_tables(tables)


def run(provinces: int, agencies: int = 40, client: Optional[Any] = None):
    """Evaluates provinces 1..N, on `client` (a dask.distributed Client) or in this process."""
    rules = tuanthu.RulePack.standard()
    inputs = [prepared(n, agencies) for n in range(1, provinces + 1)]
    if client is None:
        results = [evaluate_province(plan, subs, reg, rules) for plan, subs, reg in inputs]
    else:
        futures = [client.submit(evaluate_province, plan, subs, reg, rules, pure=False)
                   for plan, subs, reg in inputs]
        results = client.gather(futures)
    return join([(plan.id, r) for (plan, _, _), r in zip(inputs, results)])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--provinces", type=int, default=34)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--agencies", type=int, default=40)
    args = ap.parse_args()
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        t = time.perf_counter()
        summaries, findings = run(args.provinces, args.agencies, client)
        distributed_s = time.perf_counter() - t
    t = time.perf_counter()
    local_summaries, local_findings = run(args.provinces, args.agencies)
    local_s = time.perf_counter() - t
    same = summaries == local_summaries and findings.equals(local_findings)
    total = sum(s["total"]["total"] for s in summaries.values())
    overdue = sum(s["total"]["overdue"] for s in summaries.values())
    print(f"{len(summaries)} provinces, {total} instances ({overdue} overdue), "
          f"{findings.num_rows} findings")
    print(f"dask, {args.workers} worker processes: {distributed_s:.2f} s; "
          f"one process: {local_s:.2f} s; identical: {same}")
    print(findings.to_pandas().groupby("rule").size().to_string())
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
