"""Bad input never panics: every error is a TuanthuError subclass naming where the problem is."""

from __future__ import annotations

import datetime
import json
import pickle

import pytest

import tuanthu
from tuanthu import (
    EvaluationError,
    InputError,
    RuleCompileError,
    RuleRuntimeError,
    TuanthuError,
    UsageError,
)


def test_hierarchy():
    for cls in (InputError, EvaluationError, RuleCompileError, UsageError):
        assert issubclass(cls, TuanthuError) and issubclass(cls, ValueError)
    # One class per kind of the core's error object; none is a subclass of another.
    assert not issubclass(EvaluationError, InputError) and not issubclass(InputError, EvaluationError)
    assert issubclass(RuleRuntimeError, TuanthuError) and issubclass(RuleRuntimeError, RuntimeError)
    assert issubclass(TuanthuError, Exception)


def test_malformed_plan_json_names_line_and_field(small_plan_dict):
    small_plan_dict["obligations"][1]["schedule"]["deadline"]["date"] = "2026-02-31"
    text = json.dumps(small_plan_dict, ensure_ascii=False, indent=2)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "2026-02-31" in l)
    with pytest.raises(InputError) as info:
        tuanthu.Plan.from_json(text)
    e = info.value
    assert e.file == "<plan>"
    assert e.field.startswith("obligations[1].schedule")
    # serde reads a tagged schedule whole: the line is where the schedule object ends.
    assert e.line is not None and line <= e.line <= line + 6
    assert "not a real calendar date" in e.detail
    assert str(e).startswith(f"<plan>:{e.line}")
    # The same data as a dict: the field is named, there is no line to point at.
    with pytest.raises(InputError) as info:
        tuanthu.Plan.from_json(small_plan_dict)
    assert info.value.field.startswith("obligations[1].schedule") and info.value.line is None


def test_impossible_date_names_exact_line(small_plan_dict):
    small_plan_dict["issue_date"] = "2026-02-31"
    text = json.dumps(small_plan_dict, ensure_ascii=False, indent=2)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "2026-02-31" in l)
    with pytest.raises(InputError) as info:
        tuanthu.Plan.from_json(text)
    assert (info.value.line, info.value.field) == (line, "issue_date")


def test_truncated_json_and_unknown_field():
    with pytest.raises(InputError) as info:
        tuanthu.Plan.from_json('{\n  "id": "p",\n  "title": ')
    assert info.value.line == 3
    with pytest.raises(InputError) as info:
        tuanthu.Plan.from_json({"id": "p", "title": "t", "obligations": [], "colour": "red"})
    assert "unknown field `colour`" in str(info.value)


def test_plan_file_errors_name_the_file(tmp_path):
    p = tmp_path / "plan.json"
    p.write_text('{"id": "p",\n "title": 5, "obligations": []}', encoding="utf-8")
    with pytest.raises(InputError) as info:
        tuanthu.Plan.from_file(p)
    assert info.value.file == str(p) and info.value.line == 2 and info.value.field == "title"
    with pytest.raises(InputError) as info:
        tuanthu.Plan.from_file(tmp_path / "missing.json")
    assert "cannot read" in str(info.value)


def test_csv_bad_date_names_row_and_column(small_plan, tmp_path):
    csv = tmp_path / "nop.csv"
    csv.write_text(
        "agency,obligation,received\n"
        "Sở Tư pháp,II.3,19/04/2026\n"
        "Sở Nội vụ,IV.1,31/02/2026\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        tuanthu.evaluate(small_plan, csv, as_of="2026-12-01")
    e = info.value
    assert e.file == str(csv)
    assert e.line == 3 and e.field == "received"
    assert "'31/02/2026' is not a real date" in str(e)
    assert str(e) == f"{csv}:3: field `received`: '31/02/2026' is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)"


def test_csv_unknown_column(small_plan):
    with pytest.raises(InputError) as info:
        tuanthu.Submissions.from_csv("agency,obligation,colour,received\n", source_name="s.csv")
    assert info.value.field == "colour" and info.value.line == 1


def test_impossible_date_in_json_and_records(small_plan):
    with pytest.raises(InputError) as info:
        tuanthu.evaluate(small_plan, '[\n {"agency": "A", "obligation": "II.3",\n  "received": "2026-02-31"}\n]',
                         as_of="2026-12-01")
    # The rows are read by the submissions table, which names the row and the column (JSON syntax
    # errors keep their line).
    assert info.value.field == "[0].received" and info.value.line is None
    assert info.value.detail == "'2026-02-31' is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)"
    with pytest.raises(InputError) as info:
        tuanthu.evaluate(small_plan, '[\n {"agency": "A",\n', as_of="2026-12-01")
    assert info.value.line == 3
    with pytest.raises(InputError) as info:
        tuanthu.evaluate(small_plan, [{"agency": "A", "obligation": "II.3", "received": "2026-01-01"},
                                      {"agency": "A", "obligation": "II.3", "received": "2026-02-31"}],
                         as_of="2026-12-01")
    assert info.value.field == "[1].received"
    assert "'2026-02-31' is not a real date" in str(info.value)


def test_as_of_errors(small_plan):
    for bad in ("31/02/2026", "tomorrow", None, 20261201):
        with pytest.raises(InputError) as info:
            tuanthu.evaluate(small_plan, as_of=bad)
        assert info.value.field == "as_of"
    with pytest.raises(TypeError):
        tuanthu.evaluate(small_plan)  # as_of is required: there is no wall clock


def test_bad_argument_types(small_plan):
    with pytest.raises(InputError):
        tuanthu.evaluate(small_plan, 5, as_of="2026-12-01")
    with pytest.raises(InputError) as info:
        tuanthu.evaluate(small_plan, [{"agency": object()}], as_of="2026-12-01")
    assert info.value.field == "[0].agency"
    assert "cannot use a value of type object" in str(info.value)
    with pytest.raises(TypeError):
        tuanthu.evaluate(small_plan, as_of="2026-12-01", rules="standard")
    with pytest.raises(InputError) as info:
        tuanthu.evaluate(small_plan, as_of="2026-12-01", policies={"deadline_reading": "sometimes"})
    assert info.value.file == "<policies>"
    with pytest.raises(InputError):
        tuanthu.evaluate(small_plan, as_of="2026-12-01", events=[{"id": "e", "kind": "Bad Kind", "date": "2026-01-01"}])


def test_duplicate_ids_are_evaluation_errors(small_plan_dict):
    """Well formed but not evaluable: the core's `evaluation` kind, as JS reports it."""
    small_plan_dict["obligations"].append(dict(small_plan_dict["obligations"][0]))
    with pytest.raises(EvaluationError) as info:
        tuanthu.evaluate(small_plan_dict, as_of="2026-12-01")
    assert info.value.field == "plan.obligations" and "II.1" in str(info.value)
    assert info.value.kind == "evaluation"
    ev = {"id": "R", "kind": "request", "date": "2026-05-01"}
    with pytest.raises(EvaluationError) as info:
        tuanthu.evaluate({**small_plan_dict, "obligations": small_plan_dict["obligations"][:1]},
                         events=[ev, ev], as_of="2026-12-01")
    assert info.value.to_dict() == {
        "kind": "evaluation",
        "file": None,
        "line": None,
        "field": "events",
        "message": "event id 'R' is used twice; ids must be unique",
    }
    assert str(info.value) == "field `events`: event id 'R' is used twice; ids must be unique"


def test_out_of_range_as_of_is_an_evaluation_error(small_plan):
    """The case the bindings used to disagree on: Python said input, JS said evaluation."""
    with pytest.raises(EvaluationError) as info:
        tuanthu.evaluate(small_plan, as_of=datetime.date(1, 1, 1))
    assert (info.value.kind, info.value.field) == ("evaluation", "as_of")


def test_unknown_obligation_in_evidence_is_an_error_finding(small_plan):
    report = tuanthu.evaluate(
        small_plan,
        [{"agency": "Sở Tư pháp", "obligation": "II.9", "received": "2026-05-02", "document_number": "13/BC-STP"}],
        as_of="2026-12-01",
    )
    f = [f for f in report.findings if f["rule"] == "evidence.obligation"]
    assert len(f) == 1
    assert f[0]["severity"] == "error" and f[0]["obligation"] == "II.9" and f[0]["submission"] == 0
    assert report.rule_errors == []  # a finding about the evidence, not a rule failure


SYNTAX = """// id: broken
// title: Broken
// applies_to: instance
fn check(x) {
    let y = ;
}
"""


def test_rule_syntax_error_has_line_and_column():
    pack = tuanthu.RulePack.standard()
    with pytest.raises(RuleCompileError) as info:
        pack.add_rule("broken", SYNTAX)
    e = info.value
    assert e.rule_file == e.file == "broken.rhai" and e.kind == "rule"
    assert e.line == 5 and e.detail.startswith("column ") and "syntax error" in e.detail
    assert str(e).startswith("broken.rhai:5: column ")
    assert "broken" not in pack.rule_ids  # unchanged
    # Header lines made by add_rule do not shift the reported line.
    body = "\n".join(SYNTAX.splitlines()[3:])  # `fn check` is now line 1, `let y = ;` line 2
    with pytest.raises(RuleCompileError) as info:
        pack.add_rule("broken", body, applies_to="instance")
    assert info.value.line == 2


def test_rule_compile_errors_from_dir(tmp_path):
    (tmp_path / "bad.rhai").write_text(SYNTAX, encoding="utf-8")
    with pytest.raises(RuleCompileError) as info:
        tuanthu.RulePack.from_dir(tmp_path)
    assert info.value.rule_file == "bad.rhai" and info.value.line == 5
    (tmp_path / "bad.rhai").write_text("fn check(x) {}", encoding="utf-8")
    with pytest.raises(RuleCompileError) as info:
        tuanthu.RulePack.from_dir(tmp_path)
    assert info.value.kind == "rule" and "missing `// id" in str(info.value)
    with pytest.raises(RuleCompileError) as info:
        tuanthu.RulePack.from_dir(tmp_path / "nowhere")
    assert info.value.kind == "rule" and "nowhere" in info.value.file


def test_add_rule_id_mismatch_and_undefined_variable():
    pack = tuanthu.RulePack.standard()
    with pytest.raises(RuleCompileError) as info:
        pack.add_rule("one", "// id: two\n// title: t\n// applies_to: instance\nfn check(x) {}")
    assert info.value.file == "one.rhai" and "// id: two" in info.value.detail
    # Arguments are read as the contract reads them: a bad one is an input error naming it.
    with pytest.raises(InputError) as info:
        pack.add_rule("x", "fn check(x) {}", applies_to="form")
    assert info.value.field == "applies_to"
    with pytest.raises(RuleCompileError):
        pack.add_rule("typo", "fn check(x) { undefined_thing }", applies_to="instance")
    with pytest.raises(RuleCompileError):
        pack.add_rule("sneaky", 'fn check(x) { eval("1") }', applies_to="instance")


LOOP = """fn check(x) {
    if x.obligation == "II.3" { loop { } }
}
"""


def test_endless_loop_becomes_error_finding_and_other_rules_run(small_plan, small_submissions):
    pack = tuanthu.RulePack.standard(limits={"max_operations": 20_000})
    pack.add_rule("spin", LOOP, applies_to="instance", title="Spins")
    report = tuanthu.evaluate(small_plan, small_submissions, as_of="2026-12-01", rules=pack)
    errors = report.rule_errors
    assert len(errors) == 1
    e = errors[0]
    assert e["rule"] == "spin" and e["severity"] == "error" and e["obligation"] == "II.3"
    assert "too many operations" in e["message_en"]
    assert e in report.findings
    # The other rules still ran, for II.3 too.
    statuses = {(a["obligation"], a["agency"]): a["status"] for a in report.assessments}
    assert statuses[("II.3", "Sở Tư pháp")] == "done_late"
    assert statuses[("IV.1", "Sở Nội vụ")] == "done_on_time"
    assert any(f["rule"] == "status" for f in report.findings)
    # strict=True raises instead, with the failures and the report.
    with pytest.raises(RuleRuntimeError) as info:
        tuanthu.evaluate(small_plan, small_submissions, as_of="2026-12-01", rules=pack, strict=True)
    err = info.value
    assert err.rule == "spin" and len(err.findings) == 1 and isinstance(err.report, tuanthu.Report)
    assert err.report.to_json() == report.to_json()


def test_runtime_error_in_submission_rule_strict_form(small_plan):
    pack = tuanthu.RulePack.standard()
    pack.add_rule("boom", 'fn check(x) { throw "boom"; }', applies_to="submission")
    form = {"agency": "Sở Tư pháp", "obligation": "II.3", "received": "2026-04-18"}
    findings = tuanthu.validate_submission(small_plan, form, as_of="2026-04-18", rules=pack)
    assert any(f["rule"] == "boom" and f["severity"] == "error" for f in findings)
    with pytest.raises(RuleRuntimeError) as info:
        tuanthu.validate_submission(small_plan, form, as_of="2026-04-18", rules=pack, strict=True)
    assert info.value.rule == "boom" and info.value.report is None


def test_errors_pickle_with_attributes(tmp_path):
    try:
        tuanthu.Submissions.from_csv("agency,obligation,received\nA,II.1,31/02/2026\n", source_name="s.csv")
    except InputError as e:
        e2 = pickle.loads(pickle.dumps(e))
        assert type(e2) is InputError
        assert (e2.file, e2.line, e2.field, str(e2)) == (e.file, e.line, e.field, str(e))
        assert e2.to_dict() == e.to_dict() and e2.to_dict()["kind"] == "input"
    else:
        pytest.fail("no error")


def _ob(schedule):
    return {"id": "X", "title": "x", "lead": [{"kind": "agency", "name": "A"}], "schedule": schedule}


@pytest.mark.parametrize("schedule,as_of", [
    ({"type": "recurring", "every": "monthly", "from_year": 262000, "due": {"day": 31, "bound": "before"}}, "2026-01-01"),
    ({"type": "recurring", "every": "monthly", "from_year": 2026, "until_year": 2026,
      "due": {"day": 31, "bound": "no_later_than", "month_offset": 1000000}}, "2026-12-31"),
    ({"type": "staged", "stages": []}, "2026-12-31"),
    ({"type": "combined", "parts": []}, "2026-12-31"),
    ({"type": "event_triggered", "trigger": {"event": "request"}, "within_days": 4294967295}, "2026-12-31"),
    ({"type": "once", "deadline": {"date": "2026-01-01", "bound": "before"}}, "0001-01-01"),
    ({"type": "once", "deadline": {"date": "9999-12-31", "bound": "before"}}, "2026-01-01"),
])
def test_extreme_values_never_panic(schedule, as_of):
    """Out-of-range years, offsets and day counts give a report or a TuanthuError, never a panic
    (pyo3's PanicException is a BaseException that `except Exception` would not catch)."""
    plan = {"id": "p", "title": "t", "obligations": [_ob(schedule)]}
    subs = [{"agency": "A", "obligation": "X", "received": "9999-12-31", "period": "2026"}]
    events = [{"id": "e", "kind": "request", "date": "9999-12-30", "deadline": {"days": 4294967295}}]
    try:
        report = tuanthu.evaluate(plan, subs, events, as_of=as_of)
    except TuanthuError:
        return
    assert isinstance(report.to_json(), str)
    tuanthu.validate_submission(plan, {"agency": "A", "obligation": "X", "received": "31/12/9999"}, as_of=as_of)
