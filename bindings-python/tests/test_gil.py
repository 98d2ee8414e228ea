"""The engine runs with the GIL released: other Python threads keep running meanwhile, and
several threads can evaluate at once."""

from __future__ import annotations

import threading
import time

import tuanthu

# A rule that burns operations on every instance, to make an evaluation last a while. It reads
# the agency and the period, so no two instances are the same call: the engine memoises a rule's
# calls on the facts they read, and a rule that reads nothing would run once.
BURN = """fn check(x) {
    let n = x.agency.len() + x.period.len();
    for i in 0..1500 { n += i; }
}
"""


def _big_plan(agencies: int = 60) -> dict:
    lead = [{"kind": "agency", "name": f"Sở số {i}"} for i in range(agencies)]
    return {
        "id": "gil", "title": "GIL", "obligations": [{
            "id": "IV.1", "kind": "periodic_report", "title": "Báo cáo", "lead": lead,
            "schedule": {"type": "recurring", "every": "quarterly", "from_year": 2026, "until_year": 2028,
                         "due": {"day": 15, "bound": "before", "month_offset": 1}},
        }],
    }


def _pack():
    pack = tuanthu.RulePack.standard()
    pack.add_rule("burn", BURN, applies_to="instance")
    return pack


def test_other_threads_run_while_evaluating():
    plan, pack = tuanthu.Plan.from_json(_big_plan()), _pack()
    start = time.perf_counter()
    expected = tuanthu.evaluate(plan, as_of="2027-06-01", rules=pack)
    alone = time.perf_counter() - start
    assert len(expected) >= 300

    result = {}

    def work():
        result["report"] = tuanthu.evaluate(plan, as_of="2027-06-01", rules=pack)

    worker = threading.Thread(target=work)
    ticks = []
    worker.start()
    while worker.is_alive():
        ticks.append(time.perf_counter())
        time.sleep(0.0005)
    worker.join()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])] or [alone]
    # Were the GIL held, this thread would stall for the whole evaluation (one gap ≈ `alone`).
    assert len(ticks) > 20, (len(ticks), alone)
    assert max(gaps) < max(0.25 * alone, 0.05), (max(gaps), alone)
    assert result["report"].to_json() == expected.to_json()


def test_threads_evaluate_concurrently():
    plan, pack = tuanthu.Plan.from_json(_big_plan(30)), _pack()
    dates = ["2026-05-01", "2026-09-01", "2027-01-20", "2027-06-01"]
    want = {d: tuanthu.evaluate(plan, as_of=d, rules=pack).to_json() for d in dates}
    got = {}
    errors = []

    def work(d):
        try:
            got[d] = tuanthu.evaluate(plan, as_of=d, rules=pack).to_json()
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(d,)) for d in dates]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors and got == want


def test_add_rule_while_other_threads_evaluate():
    """A RulePack swapped by add_rule never tears an evaluation: each call sees one pack."""
    plan = tuanthu.Plan.from_json(_big_plan(10))
    pack = tuanthu.RulePack.standard()
    stop = threading.Event()
    seen = set()

    def work():
        while not stop.is_set():
            r = tuanthu.evaluate(plan, as_of="2027-06-01", rules=pack)
            seen.add(tuple(sorted({f["rule"] for f in r.findings})))

    t = threading.Thread(target=work)
    t.start()
    for i in range(5):
        pack.add_rule(f"extra{i}", 'fn check(x) { #{ severity: "info", message_vi: "x", message_en: "x" } }',
                      applies_to="instance")
    stop.set()
    t.join(timeout=300)
    assert len(pack.rule_ids) == len(tuanthu.RulePack.standard().rule_ids) + 5
