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
