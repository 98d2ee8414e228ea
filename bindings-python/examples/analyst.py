"""An analyst's first look at a province: which agencies are overdue on which obligation?

    python bindings-python/examples/analyst.py [AS_OF] [EXAMPLE_DIR]

Loads the shipped Vĩnh Long example (plan, agency registry, and the submissions and events when
the example has them), evaluates it as of AS_OF (default 2026-12-01) with the standard rule pack,
and prints the overdue agencies per obligation, then the status counts. Uses pandas when it is
installed, plain Python otherwise.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import tuanthu

HERE = Path(__file__).resolve().parent
DEFAULT_EXAMPLE = HERE.parent.parent / "rules" / "examples" / "vinh-long"


def main(argv: list[str]) -> int:
    as_of = argv[1] if len(argv) > 1 else "2026-12-01"
    example = Path(argv[2]) if len(argv) > 2 else DEFAULT_EXAMPLE

    plan = tuanthu.Plan.from_file(example / "plan.json")
    registry = example / "registry.json"
    submissions = example / "submissions.csv"
    events = example / "events.json"

    report = tuanthu.evaluate(
        plan,
        submissions if submissions.exists() else [],
        events if events.exists() else None,
        as_of=as_of,
        registry=registry if registry.exists() else None,
    )

    print(f"{plan.number or plan.id} — {plan.title}")
    print(f"Đánh giá đến ngày / as of {report.as_of:%d/%m/%Y}, rule pack {report.rule_pack}")
    print(f"{len(plan)} nhiệm vụ / obligations, {len(report)} lượt đánh giá / instances")
    print()

    titles = {o["id"]: o["title"] for o in plan.obligations}
    overdue: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for a in report.assessments:
        if a["status"] == "overdue":
            overdue[a["obligation"]].append((a["agency"], a["period"], a.get("days_late", 0)))

    print("Chưa hoàn thành, quá hạn / Overdue, per obligation:")
    if not overdue:
        print("  (none)")
    for obligation in plan.obligation_ids:
        rows = overdue.get(obligation)
        if not rows:
            continue
        print(f"  {obligation} {titles[obligation]}")
        for agency, period, days in sorted(rows, key=lambda r: (-r[2], r[0])):
            when = "" if period == "once" else f"kỳ {period}"
            print(f"      {agency:<45} {when:<22} quá hạn {days} ngày / {days} day(s) overdue")

    total = report.summary()["total"]
    print()
    print("Tổng hợp / Summary: " + ", ".join(f"{k}={v}" for k, v in total.items()))
    errors = [f for f in report.findings if f["severity"] == "error" and f.get("submission") is not None]
    if errors:
        print(f"{len(errors)} lỗi trong minh chứng / evidence errors, e.g.: {errors[0]['message_vi']}")

    try:
        df = report.to_pandas()
    except ImportError:
        return 0
    late = df[df.status.isin(["overdue", "done_late"])]
    if len(late):
        print()
        print("Số ngày quá hạn theo cơ quan (pandas) / days late by agency:")
        print(late.groupby("agency")["days_late"].sum().sort_values(ascending=False).head(10).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
