"""Functions run in worker processes (importable by name, as multiprocessing needs)."""

from __future__ import annotations

import tuanthu


def evaluate_in_worker(args):
    plan, pack, submissions, as_of = args
    assert isinstance(plan, tuanthu.Plan) and isinstance(pack, tuanthu.RulePack)
    report = tuanthu.evaluate(plan, submissions, as_of=as_of, rules=pack)
    return report.to_json(), report


def fail_in_worker(plan):
    return tuanthu.evaluate(plan, [{"agency": "A", "obligation": "II.3", "received": "31/02/2026"}],
                            as_of="2026-12-01")
