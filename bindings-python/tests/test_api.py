"""The Python API: Plan, RulePack, evaluate, Report, validate_submission."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import tuanthu
from conftest import by_key


def test_plan_from_json_str_dict_bytes_and_file(small_plan_dict, vinh_long):
    text = json.dumps(small_plan_dict, ensure_ascii=False)
    a = tuanthu.Plan.from_json(text)
    b = tuanthu.Plan.from_json(small_plan_dict)
    c = tuanthu.Plan.from_json(text.encode("utf-8"))
    assert a == b == c
    assert a.id == "test-small" and a.number == "1/KH-UBND" and a.title == "Kế hoạch thử"
    assert a.issue_date == dt.date(2026, 4, 16)
    assert len(a) == 3 and a.obligation_ids == ["II.1", "II.3", "IV.1"]
    plan = tuanthu.Plan.from_file(vinh_long / "plan.json")
    assert plan.number == "144/KH-UBND"
    assert tuanthu.Plan.from_file(str(vinh_long / "plan.json")) == plan


def test_plan_to_dict_round_trips_with_dates(small_plan):
    d = small_plan.to_dict()
    assert d["issue_date"] == dt.date(2026, 4, 16)
    once = d["obligations"][1]
    assert once["schedule"]["deadline"]["date"] == dt.date(2026, 4, 20)
    # Field order is the contract's (as in the JSON), not alphabetical.
    assert list(d)[:3] == ["id", "number", "issuer"]
    assert tuanthu.Plan.from_json(d) == small_plan
    assert json.loads(small_plan.to_json())["obligations"][1]["schedule"]["deadline"]["date"] == "2026-04-20"


def test_plan_obligations(small_plan):
    obligations = small_plan.obligations
    assert [o["id"] for o in obligations] == ["II.1", "II.3", "IV.1"]
    assert obligations[2]["kind"] == "periodic_report"
    assert obligations[2]["lead"][0] == {"kind": "agency", "name": "Sở Tư pháp"}


GOLDEN = ["vinh-long-144-KH-UBND", "hung-yen-draft", "can-tho-qd-kh"]


@pytest.mark.parametrize("name", GOLDEN)
def test_plan_from_text_matches_rust_golden(root, name):
    """The plan reader gives the core's reviewed golden plans, byte for byte."""
    text = (root / "core" / "tests" / "data" / "plans" / f"{name}.txt").read_text(encoding="utf-8")
    golden = (root / "core" / "tests" / "golden" / f"{name}.json").read_text(encoding="utf-8")
    plan = tuanthu.Plan.from_text(text, id=name)
    assert plan.to_json() == golden
    assert plan.id == name and len(plan) > 0
    from_file = tuanthu.Plan.from_text_file(root / "core" / "tests" / "data" / "plans" / f"{name}.txt")
    assert from_file.id == name and from_file.to_json() == golden


def test_plan_from_text_then_evaluate(root):
    text = (root / "core" / "tests" / "data" / "plans" / "vinh-long-144-KH-UBND.txt").read_text(encoding="utf-8")
    plan = tuanthu.Plan.from_text(text, source_name="plans/vinh-long-144.txt")
    assert plan.id == "vinh-long-144"
    assert {w.get("severity", "warning") for w in plan.warnings} <= {"info", "warning"}
    assert "IV.1" in plan.obligation_ids
    report = tuanthu.evaluate(plan, as_of="2026-12-01",
                              registry=root / "rules" / "examples" / "vinh-long" / "registry.json")
    assert report.summary()["by_obligation"]["IV.1"]["overdue"] > 0


def test_plan_from_text_without_a_plan():
    plan = tuanthu.Plan.from_text("Xin chào.\nKhông có gì ở đây.\n")
    assert len(plan) == 0
    assert any(w.get("severity") == "error" for w in plan.warnings)
    with pytest.raises(tuanthu.InputError) as info:
        tuanthu.Plan.from_text("Xin chào.\n", strict=True, source_name="hello.txt")
    assert info.value.file == "hello.txt" and info.value.line is not None
    with pytest.raises(tuanthu.InputError):
        tuanthu.Plan.from_text_file("/nonexistent/plan.txt")


def test_evaluate_small(small_plan, small_submissions):
    report = tuanthu.evaluate(small_plan, small_submissions, as_of=dt.date(2026, 12, 1))
    assert isinstance(report, tuanthu.Report)
    assert report.plan == "test-small"
    assert report.as_of == dt.date(2026, 12, 1)
    assert report.rule_pack.startswith("tuanthu-standard@")
    a = by_key(report.assessments)
    late = a[("II.3", "Sở Tư pháp", "once", None)]
    assert late["status"] == "done_late" and late["days_late"] == 2
    assert late["received"] == dt.date(2026, 4, 21)
    assert late["due"]["stated"] == dt.date(2026, 4, 20)
    assert late["due"]["last_day"] == dt.date(2026, 4, 19)
    assert "trước ngày" in late["due"]["derivation_vi"]
    assert a[("IV.1", "Sở Nội vụ", "2026", None)]["status"] == "done_on_time"
    assert a[("IV.1", "Công an tỉnh", "2026", None)]["status"] == "overdue"
    summary = report.summary()
    assert summary["total"]["total"] == len(report) == 5
    assert summary["total"]["overdue"] == 2
    assert summary["by_agency"]["Sở Tư pháp"]["done_late"] == 1
    assert summary["by_obligation"]["IV.1"]["done_on_time"] == 1
    assert report.rule_errors == []
    assert set(report.timings) == {"prepare_seconds", "evaluate_seconds"}
    assert "overdue=2" in repr(report)


def test_findings_are_dicts_in_contract_order(small_plan, small_submissions):
    report = tuanthu.evaluate(small_plan, small_submissions, as_of="2026-12-01")
    findings = report.findings
    assert findings and all(isinstance(f, dict) for f in findings)
    f = next(f for f in findings if f["rule"] == "status" and f["agency"] == "Công an tỉnh")
    assert list(f)[:2] == ["rule", "severity"]
    assert f["severity"] == "error" and f["period"] == "2026"
    assert "quá hạn" in f["message_vi"] and "overdue" in f["message_en"]


def test_as_of_accepts_date_datetime_and_text(small_plan, small_submissions):
    outs = {
        tuanthu.evaluate(small_plan, small_submissions, as_of=v).to_json()
        for v in (dt.date(2026, 12, 1), dt.datetime(2026, 12, 1, 15, 30), "2026-12-01", "01/12/2026")
    }
    assert len(outs) == 1


def test_evaluate_accepts_plan_dict_json_and_path(small_plan, small_plan_dict, small_submissions, tmp_path):
    want = tuanthu.evaluate(small_plan, small_submissions, as_of="2026-12-01").to_json()
    p = tmp_path / "plan.json"
    p.write_text(json.dumps(small_plan_dict, ensure_ascii=False), encoding="utf-8")
    for plan in (small_plan_dict, json.dumps(small_plan_dict), p, str(p)):
        assert tuanthu.evaluate(plan, small_submissions, as_of="2026-12-01").to_json() == want


def test_submissions_from_csv_json_paths_and_objects(small_plan, small_submissions, tmp_path):
    want = tuanthu.evaluate(small_plan, small_submissions, as_of="2026-12-01").to_json()
    csv = tmp_path / "s.csv"
    csv.write_text(
        "agency,obligation,period,received,document_number\n"
        "Sở Tư pháp,II.3,,21/04/2026,12/BC-STP\n"
        "Sở Nội vụ,IV.1,2026,2026-11-13,45/BC-SNV\n",
        encoding="utf-8",
    )
    js = tmp_path / "s.json"
    js.write_text(json.dumps(small_submissions, ensure_ascii=False), encoding="utf-8")
    dated = [dict(s, received=dt.date.fromisoformat(s["received"])) for s in small_submissions]
    inputs = [csv, str(csv), js, str(js), json.dumps(small_submissions), dated,
              tuanthu.Submissions.from_file(csv), tuanthu.Submissions.from_records(small_submissions),
              tuanthu.Submissions.from_csv(csv.read_text(encoding="utf-8"))]
    for subs in inputs:
        assert tuanthu.evaluate(small_plan, subs, as_of="2026-12-01").to_json() == want, subs
    s = tuanthu.Submissions.from_file(csv)
    assert len(s) == 2
    assert s.to_list()[0]["received"] == dt.date(2026, 4, 21)


def test_no_submissions(small_plan):
    r1 = tuanthu.evaluate(small_plan, as_of="2026-12-01")
    r2 = tuanthu.evaluate(small_plan, [], as_of="2026-12-01")
    assert r1 == r2
    assert by_key(r1.assessments)[("II.3", "Sở Tư pháp", "once", None)]["status"] == "overdue"


def test_policies_registry_calendar_events(vinh_long):
    plan = tuanthu.Plan.from_file(vinh_long / "plan.json")
    subs = [{"agency": "Sở Tư pháp", "obligation": "IV.1", "period": "2026",
             "received": "2026-11-16", "document_number": "88/BC-STP"}]
    # 15/11/2026 is a Sunday: "trước ngày 15/11" is 14/11 (Saturday) by default (exclusive,
    # strict): 16/11 is late. Inclusive + next working day: 16/11 is on time.
    base = tuanthu.evaluate(plan, subs, as_of="2026-12-01", registry=vinh_long / "registry.json")
    lenient = tuanthu.evaluate(
        plan, subs, as_of="2026-12-01", registry=json.loads((vinh_long / "registry.json").read_text()),
        policies={"deadline_reading": "inclusive", "day_off": "next_working_day"},
    )

    def stp(report):
        return by_key(report.assessments)[("IV.1", "Sở Tư pháp", "2026", None)]

    assert stp(base)["status"] == "done_late"
    assert stp(lenient)["status"] == "done_on_time"
    assert lenient.policies["deadline_reading"] == "inclusive"
    # A caller day off (24/11, Ngày Văn hóa Việt Nam) is accepted.
    cal = tuanthu.evaluate(plan, subs, as_of="2026-12-01",
                           calendar={"days_off": [{"date": dt.date(2026, 11, 24), "reason": "Ngày Văn hóa Việt Nam"}]})
    assert isinstance(cal, tuanthu.Report)
    # Events trigger event-triggered obligations.
    quiet = tuanthu.evaluate(plan, [], as_of="2026-12-01")
    events = [{"id": "REQ-1", "kind": "request", "date": dt.date(2026, 9, 1),
               "deadline": {"before": dt.date(2026, 9, 30)}}]
    busy = tuanthu.evaluate(plan, [], events, as_of="2026-12-01")
    assert quiet.summary()["total"]["not_triggered"] > busy.summary()["total"]["not_triggered"]
    assert any(a["period"] == "event:REQ-1" for a in busy.assessments)


def test_rulepack_standard_and_tests():
    pack = tuanthu.RulePack.standard()
    assert "status" in pack.rule_ids
    assert pack.label.startswith("tuanthu-standard@")
    assert pack.name == "tuanthu-standard" and pack.version
    assert len(pack) == len(pack.rules)
    rule = next(r for r in pack.rules if r["id"] == "status")
    assert rule["applies_to"] == "instance" and rule["file"] == "status.rhai"
    assert pack.policies["deadline_reading"] == "exclusive"
    assert pack.limits["max_operations"] > 0
    results = pack.test()
    assert results.failed == 0 and results.passed > 0 and results.ok
    assert results.passed == len(results) == len(results.cases)
    case = results.cases[0]
    assert set(case) == {"file", "rule", "name", "passed", "failure"}
    assert results.failures == []


def test_rulepack_from_dir(root):
    pack = tuanthu.RulePack.from_dir(root / "rules" / "standard")
    assert pack.rule_ids == tuanthu.RulePack.standard().rule_ids
    assert pack.test().ok
    assert tuanthu.RulePack.from_dir(str(root / "rules" / "standard"), limits={"max_operations": 5000}).limits["max_operations"] == 5000


INLINE = """
fn check(x) {
    if x.agency == "Sở Tư pháp" && x.obligation == "II.3" {
        return #{ severity: "info", message_vi: "Đã xem", message_en: "Seen" };
    }
}
"""


def test_add_rule_inline(small_plan, small_submissions):
    pack = tuanthu.RulePack.standard()
    before = pack.rule_ids
    pack.add_rule("notebook.seen", INLINE, title="Seen in a notebook", applies_to="instance")
    assert pack.rule_ids == before + ["notebook.seen"]
    assert pack.rules[-1]["file"] == "notebook.seen.rhai"
    assert pack.rules[-1]["title"] == "Seen in a notebook"
    report = tuanthu.evaluate(small_plan, small_submissions, as_of="2026-12-01", rules=pack)
    seen = [f for f in report.findings if f["rule"] == "notebook.seen"]
    assert len(seen) == 1 and seen[0]["message_en"] == "Seen"
    # The standard pack used by default is unchanged.
    assert "notebook.seen" not in tuanthu.RulePack.standard().rule_ids
    default = tuanthu.evaluate(small_plan, small_submissions, as_of="2026-12-01")
    assert not any(f["rule"] == "notebook.seen" for f in default.findings)
    # Replacing a rule by id keeps one copy.
    pack.add_rule("notebook.seen", INLINE.replace("Seen", "Seen again"), applies_to="instance")
    assert pack.rule_ids.count("notebook.seen") == 1
    report = tuanthu.evaluate(small_plan, small_submissions, as_of="2026-12-01", rules=pack)
    assert [f["message_en"] for f in report.findings if f["rule"] == "notebook.seen"] == ["Seen again"]
    # A full header in the source is used as is.
    pack.add_rule("notebook.full", "// id: notebook.full\n// title: Full\n// applies_to: submission\nfn check(x) { }\n")
    assert "notebook.full" in pack.rule_ids
    assert pack.test().ok


def test_add_rule_with_tests_replaces_status():
    pack = tuanthu.RulePack.standard()
    # Replacing the status rule by id: everything is 'unknown'.
    pack.add_rule("status", 'fn check(x) { #{ status: "unknown" } }', applies_to="instance")
    assert pack.rule_ids.count("status") == 1
    results = pack.test()
    assert results.failed > 0  # the shipped status tests now fail
    assert all(c["rule"] == "status" for c in results.failures)


def test_validate_submission(small_plan):
    ok = tuanthu.validate_submission(
        small_plan,
        {"agency": "Sở Tư pháp", "obligation": "II.3", "received": dt.date(2026, 4, 18),
         "document_number": "12/BC-STP"},
        as_of="2026-04-18",
    )
    assert [f for f in ok if f["severity"] == "error"] == []
    bad = tuanthu.validate_submission(
        small_plan,
        {"agency": "Sở Tư pháp", "obligation": "II.9", "received": "31/02/2026", "period": 2026},
        as_of=dt.date(2026, 12, 1),
    )
    fields = {f.get("field") for f in bad if f["severity"] == "error"}
    assert "obligation" in fields
    empty = tuanthu.validate_submission(small_plan, {}, as_of="2026-12-01")
    assert {f["field"] for f in empty} == {"agency", "obligation", "received"}
    assert all(f["rule"] == "form.required" for f in empty)
    text = tuanthu.validate_submission_json(small_plan, {}, as_of="2026-12-01")
    assert json.loads(text) == empty and text.endswith("\n")


def test_schema_json():
    schema = json.loads(tuanthu.schema_json())
    assert "evaluation_request" in json.dumps(schema)


def test_example_script_runs(root):
    import subprocess
    import sys

    script = root / "bindings-python" / "examples" / "analyst.py"
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "quá hạn" in out.stdout or "overdue" in out.stdout
    assert "IV.1" in out.stdout


def test_version():
    assert isinstance(tuanthu.__version__, str) and tuanthu.__version__


def test_threads_judge_the_same_report():
    """`evaluate(threads=N)`: a plan big enough to be cut into blocks (2,048 instances or more)
    gives the same report, byte for byte, on one thread and on several."""
    pa = pytest.importorskip("pyarrow")
    n = 3000
    ids = [f"O.{i}" for i in range(n)]
    leads = [("Sở Tư pháp", "Công an tỉnh", "Sở Nội vụ")[i % 3] for i in range(n)]
    due = [(dt.date(2026, 10, 1) + dt.timedelta(days=i % 90)).isoformat() for i in range(n)]
    plan = tuanthu.Plan.from_arrow(
        pa.table({"id": ids, "title": ids, "lead": leads, "deadline": due,
                  "bound": ["before", "no_later_than"] * (n // 2)}),
        id="threads", title="threads")
    received = [(dt.date(2026, 10, 1) + dt.timedelta(days=i % 97)).isoformat()
                for i in range(0, n, 2)]
    subs = pa.table({"agency": leads[::2], "obligation": ids[::2], "received": received})
    reports = [tuanthu.evaluate(plan, subs, as_of="2026-12-31", threads=t).to_json()
               for t in (0, 1, 2, 4)]
    assert len(tuanthu.evaluate(plan, subs, as_of="2026-12-31").assessments) == n
    assert all(r == reports[0] for r in reports[1:])
