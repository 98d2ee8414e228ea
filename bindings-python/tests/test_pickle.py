"""Plan, RulePack, Submissions and Report pickle, so multiprocessing / Dask / Spark workers can
receive them."""

from __future__ import annotations

import copy
import multiprocessing
import pickle

import pytest

import tuanthu
from _workers import evaluate_in_worker, fail_in_worker

INLINE = """fn check(x) {
    if x.obligation == "IV.1" { return #{ severity: "info", message_vi: "Kỳ báo cáo", message_en: "Report period" }; }
}
"""


def test_plan_pickles(small_plan):
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(small_plan, protocol=protocol))
        assert again == small_plan and again.to_json() == small_plan.to_json()
    assert copy.deepcopy(small_plan) == small_plan
    assert hash(small_plan) == hash(pickle.loads(pickle.dumps(small_plan)))


def test_rulepack_pickles_with_inline_rules_and_limits(small_plan, small_submissions):
    pack = tuanthu.RulePack.standard(limits={"max_operations": 50_000})
    pack.add_rule("notebook.period", INLINE, applies_to="instance")
    again = pickle.loads(pickle.dumps(pack))
    assert again.rule_ids == pack.rule_ids
    assert again.limits == pack.limits and again.limits["max_operations"] == 50_000
    assert again.label == pack.label
    assert again.source() == pack.source()
    assert again.test().passed == pack.test().passed
    a = tuanthu.evaluate(small_plan, small_submissions, as_of="2026-12-01", rules=pack)
    b = tuanthu.evaluate(small_plan, small_submissions, as_of="2026-12-01", rules=again)
    assert a.to_json() == b.to_json()
    assert any(f["rule"] == "notebook.period" for f in b.findings)
    rebuilt = tuanthu.RulePack.from_source(pack.source(), limits=pack.limits)
    assert rebuilt.rule_ids == pack.rule_ids


def test_report_and_submissions_pickle(small_plan, small_submissions):
    subs = tuanthu.Submissions.from_records(small_submissions)
    assert pickle.loads(pickle.dumps(subs)) == subs
    report = tuanthu.evaluate(small_plan, subs, as_of="2026-12-01")
    again = pickle.loads(pickle.dumps(report))
    assert again == report and again.to_json() == report.to_json()
    assert again.timings is None
    assert again.assessments == report.assessments


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_multiprocessing_pool(small_plan, small_submissions, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} not available")
    pack = tuanthu.RulePack.standard()
    pack.add_rule("notebook.period", INLINE, applies_to="instance")
    dates = ["2026-04-01", "2026-06-01", "2026-11-14", "2026-12-01"]
    jobs = [(small_plan, pack, small_submissions, d) for d in dates]
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(2) as pool:
        results = pool.map(evaluate_in_worker, jobs)
    for (json_text, report), d in zip(results, dates):
        local = tuanthu.evaluate(small_plan, small_submissions, as_of=d, rules=pack)
        assert json_text == local.to_json()
        assert isinstance(report, tuanthu.Report) and report == local
    assert any(f["rule"] == "notebook.period" for f in results[-1][1].findings)


def test_errors_come_back_from_workers(small_plan):
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        with pytest.raises(tuanthu.InputError) as info:
            pool.apply(fail_in_worker, (small_plan,))
    assert info.value.field == "[0].received"
