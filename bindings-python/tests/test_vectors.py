"""Shared test vectors: the binding must give the Rust core's bytes and the hand-written
expectations.

Vectors live in ``tests/vectors/`` at the repository root, shared by Rust (``tests/tests/vectors.rs``,
which writes the goldens with ``UPDATE_VECTORS=1``), Python and JS. Each ``<name>.json`` holds
``description``, ``request`` (an EvaluationRequest) or ``form_request`` (a FormRequest), and
``expect``; ``<name>.out.json`` next to it is the canonical output written by Rust.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

import tuanthu
from conftest import ROOT, by_key

DIRS = [ROOT / "tests" / "vectors"]


def _vectors():
    found = []
    for d in DIRS:
        if d.is_dir():
            found += sorted(
                p for p in d.glob("*.json")
                if not p.name.endswith(".out.json") and not p.name.startswith("_")
            )
    return found


VECTORS = _vectors()


def _id(p: Path) -> str:
    return p.stem


def _load(path: Path):
    vector = json.loads(path.read_text(encoding="utf-8"))
    out = path.with_name(path.stem + ".out.json")
    assert out.exists(), f"{out} is missing (UPDATE_VECTORS=1 cargo test -p tuanthu-tests)"
    return vector, out.read_text(encoding="utf-8")


def _kwargs(req: dict) -> dict:
    return {
        "events": req.get("events"),
        "as_of": req["as_of"],
        "policies": req.get("policies"),
        "registry": req.get("registry"),
        "calendar": req.get("calendar"),
    }


def test_vectors_are_found():
    assert len(VECTORS) >= 10, f"expected the shared test vectors in {DIRS[0]}"
    kinds = {next(k for k in ("request", "form_request") if k in json.loads(p.read_text(encoding="utf-8"))) for p in VECTORS}
    assert kinds == {"request", "form_request"}


def _check_assessments(report_assessments, expected):
    index = by_key(report_assessments)
    for e in expected:
        key = (e["obligation"], e["agency"], e["period"], e.get("stage"))
        assert key in index, f"no assessment {key}; have {sorted(index, key=str)}"
        a = index[key]
        for field, want in e.items():
            if field in ("obligation", "agency", "period", "stage"):
                continue
            if field == "due_last_day":
                got = a.get("due", {}).get("last_day")
                got = got.isoformat() if got is not None else None
            else:
                got = a.get(field)
            assert got == want, f"{key}: {field} = {got!r}, expected {want!r}"


def _check_findings(findings, expected):
    for e in expected:
        assert any(all(f.get(k) == v for k, v in e.items()) for f in findings), (
            f"no finding matching {e}; findings: {[(f['rule'], f['severity'], f.get('agency'), f.get('obligation'), f.get('field')) for f in findings]}"
        )


@pytest.mark.parametrize("path", VECTORS, ids=_id)
def test_vector(path: Path):
    vector, out = _load(path)
    expect = vector.get("expect", {})
    if "request" in vector:
        req = vector["request"]
        # 1. The JSON contract as is.
        assert tuanthu.evaluate_json(json.dumps(req, ensure_ascii=False)) == out
        assert tuanthu.evaluate_json(req) == out
        # 2. The idiomatic API: Plan object, list of dicts.
        plan = tuanthu.Plan.from_json(req["plan"])
        report = tuanthu.evaluate(plan, req.get("submissions", []), **_kwargs(req))
        assert report.to_json() == out
        # 3. Through pickles (what a worker process receives), and a Submissions object.
        plan2 = pickle.loads(pickle.dumps(plan))
        subs = pickle.loads(pickle.dumps(tuanthu.Submissions.from_records(req.get("submissions", []))))
        report2 = tuanthu.evaluate(plan2, subs, **_kwargs(req))
        assert report2.to_json() == out
        assert pickle.loads(pickle.dumps(report2)).to_json() == out
        # 4. Python data matches the JSON (dates become datetime.date).
        assert report.to_dict()["summary"] == json.loads(out)["summary"]
        _check_assessments(report.assessments, expect.get("assessments", []))
        _check_findings(report.findings, expect.get("findings", []))
    elif "form_request" in vector:
        req = vector["form_request"]
        assert tuanthu.validate_form_json(json.dumps(req, ensure_ascii=False)) == out
        kwargs = _kwargs(req)
        kwargs.pop("registry")
        args = (tuanthu.Plan.from_json(req["plan"]), req["form"])
        got = tuanthu.validate_submission_json(*args, registry=req.get("registry"), **kwargs)
        assert got == out
        findings = tuanthu.validate_submission(*args, registry=req.get("registry"), **kwargs)
        assert findings == json.loads(out)
        _check_findings(findings, expect.get("findings", []))
    else:
        pytest.fail(f"{path}: neither request nor form_request")


@pytest.mark.parametrize("path", [p for p in VECTORS if "request" in json.loads(p.read_text(encoding="utf-8"))], ids=_id)
def test_vector_dataframe(path: Path):
    """Submissions given as a DataFrame (received as datetime64) give the same bytes."""
    pd = pytest.importorskip("pandas")
    vector, out = _load(path)
    req = vector["request"]
    subs = req.get("submissions", [])
    if not subs:
        pytest.skip("no submissions")
    df = pd.DataFrame(subs)
    df["received"] = pd.to_datetime(df["received"])
    report = tuanthu.evaluate(req["plan"], df, **_kwargs(req))
    assert report.to_json() == out


# --- The contract vectors (tests/vectors/contract): rules(), test() and each error kind, the same
# bytes as Rust (tests/tests/contract.rs writes the .out.json files) and JS.

CONTRACT = ROOT / "tests" / "vectors" / "contract"
ERROR_CLASSES = {
    "input": tuanthu.InputError,
    "evaluation": tuanthu.EvaluationError,
    "rule": tuanthu.RuleCompileError,
    "usage": tuanthu.UsageError,
}


def _canonical(value) -> str:
    """serde_json's pretty form: two-space indent, UTF-8, trailing newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _contract(name: str):
    return (CONTRACT / name).read_text(encoding="utf-8")


def _vector_pack():
    return tuanthu.RulePack.from_source(json.loads(_contract("pack.json"))["pack"])


def test_rules_are_the_contract_bytes():
    assert _canonical(tuanthu.RulePack.standard().rules) == _contract("rules-standard.out.json")
    assert _canonical(_vector_pack().rules) == _contract("rules-pack.out.json")


def test_rule_test_report_is_the_contract_bytes():
    for pack, name in ((tuanthu.RulePack.standard(), "standard"), (_vector_pack(), "pack")):
        report = pack.test()
        want = _contract(f"test-report-{name}.out.json")
        assert _canonical(report.to_dict()) == want
        assert report.to_json() == want
        d = json.loads(want)
        assert (report.passed, report.failed, report.untested_rules) == (
            d["passed"], d["failed"], d["untested_rules"],
        )
        assert report.cases == d["cases"]
        assert report.failures == [c for c in d["cases"] if not c["passed"]]
    assert _vector_pack().test().failed == 1


def _display(obj: dict) -> str:
    """ErrorObject's Display in the core: `file:line: field `x`: message`."""
    out = ""
    if obj["file"] is not None:
        out += obj["file"] + (f":{obj['line']}" if obj["line"] is not None else "") + ": "
    if obj["field"] is not None:
        out += f"field `{obj['field']}`: "
    return out + obj["message"]


def test_error_objects_are_the_contract_bytes():
    cases = json.loads(_contract("errors.json"))["cases"]
    got = []
    for case in cases:
        with pytest.raises(tuanthu.TuanthuError) as info:
            if case["call"] == "evaluate_json":
                tuanthu.evaluate_json(case["input"])
            elif case["call"] == "submissions":
                tuanthu.Submissions.from_records(case["input"])
            else:
                tuanthu.RulePack.from_source(case["input"])
        e = info.value
        # One class per kind, chosen from the object alone, and the message is its Display.
        assert type(e) is ERROR_CLASSES[e.kind], (case["name"], type(e))
        assert str(e) == _display(e.to_dict())
        # Pickled (a worker's error), it is the same object.
        assert pickle.loads(pickle.dumps(e)).to_dict() == e.to_dict()
        error = e.to_dict()
        if case["call"] == "submissions":
            # The vector leaves out the argument's label, which is each binding's own.
            assert error["file"] == "<submissions>"
            error["file"] = None
        got.append({"name": case["name"], "error": error})
    assert _canonical(got) == _contract("errors.out.json")


def _rows_as_csv(rows) -> str:
    """The rows as CSV, as Rust's ``tuanthu_tests::rows_as_csv`` writes them: every key, sorted,
    as the header; a missing key or None an empty cell."""
    header = sorted({k for row in rows for k in row})

    def cell(v) -> str:
        text = "" if v is None else str(v)
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text

    lines = [",".join(header)] + [",".join(cell(r.get(k)) for k in header) for r in rows]
    return "\n".join(lines) + "\n"


def _submission_cases():
    cases = json.loads(_contract("errors.json"))["cases"]
    errors = json.loads(_contract("errors.out.json"))
    return [(c, e["error"]) for c, e in zip(cases, errors) if c["call"] == "submissions"]


@pytest.mark.parametrize("case,want", _submission_cases(), ids=lambda v: v.get("name", "") if isinstance(v, dict) else "")
def test_bad_submission_rows_are_one_error_every_way(case, want):
    """The same bad rows as a list of dicts, its JSON text, CSV text and pandas and polars
    DataFrames: one kind and one message (the submissions table's), at the same row and column."""
    rows = case["input"]
    row, column = want["field"][1:].split("].", 1)
    row = int(row)

    def caught(make):
        with pytest.raises(tuanthu.TuanthuError) as info:
            make()
        return info.value

    for make in (lambda: tuanthu.Submissions.from_records(rows),
                 lambda: tuanthu.Submissions.from_records(json.dumps(rows, ensure_ascii=False))):
        e = caught(make)
        assert {**e.to_dict(), "file": None} == want
    e = caught(lambda: tuanthu.Submissions.from_csv(_rows_as_csv(rows), source_name="s.csv"))
    assert (e.kind, e.detail, e.file, e.line, e.field) == ("input", want["message"], "s.csv", row + 2, column)
    frames = []
    pd = pytest.importorskip("pandas")
    frames.append(("pandas", pd.DataFrame(rows)))
    pl = pytest.importorskip("polars")
    frames.append(("polars", pl.DataFrame(rows)))
    for name, df in frames:
        for make in (lambda: tuanthu.Submissions.from_dataframe(df),
                     lambda: tuanthu.evaluate({"id": "p", "title": "t", "obligations": []}, df, as_of="2026-12-01")):
            e = caught(make)
            assert (e.kind, e.detail, e.field, e.row) == ("input", want["message"], column, row), name
            assert type(e) is tuanthu.InputError


def test_provenance_reproduces_from_python():
    """A report names the plan by the sha256 of its canonical JSON (``Plan.to_json()``) and the
    pack by name, version and content hash: a verdict can be checked against its inputs."""
    import hashlib

    path = next(p for p in VECTORS if "request" in json.loads(p.read_text(encoding="utf-8")))
    req = json.loads(path.read_text(encoding="utf-8"))["request"]
    plan = tuanthu.Plan.from_json(req["plan"])
    report = tuanthu.evaluate(plan, req.get("submissions", []), **_kwargs(req)).to_dict()
    prov = report["provenance"]
    assert prov["plan_sha256"] == hashlib.sha256(plan.to_json().encode("utf-8")).hexdigest()
    pack = tuanthu.RulePack.standard()
    assert (prov["rule_pack"]["name"], prov["rule_pack"]["version"]) == (pack.name, pack.version)
    assert len(prov["rule_pack"]["sha256"]) == 64
    # Another pack (one rule more) is another hash.
    pack.add_rule("extra", "fn check(x) {}", applies_to="instance")
    other = tuanthu.evaluate(plan, req.get("submissions", []), rules=pack, **_kwargs(req)).to_dict()
    assert other["provenance"]["rule_pack"]["sha256"] != prov["rule_pack"]["sha256"]
    assert other["provenance"]["plan_sha256"] == prov["plan_sha256"]
