"""The type stubs match the compiled module, and typical code type-checks (mypy --strict)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("mypy")

USAGE = textwrap.dedent("""
    import datetime as dt
    from typing import List

    import tuanthu
    from tuanthu.types import Assessment, Finding

    plan = tuanthu.Plan.from_json({"id": "p", "title": "t", "obligations": []})
    report: tuanthu.Report = tuanthu.evaluate(plan, [], as_of=dt.date(2026, 1, 1))
    rows: List[Assessment] = report.assessments
    findings: List[Finding] = report.findings
    overdue: int = report.summary()["total"]["overdue"]
    pack = tuanthu.RulePack.standard(limits={"max_operations": 1000})
    pack.add_rule("x", "fn check(x) {}", applies_to="instance")
    passed: int = pack.test().passed
    form: List[Finding] = tuanthu.validate_submission(plan, {"agency": "A"}, as_of="2026-01-01")
    try:
        tuanthu.Plan.from_json("{")
    except tuanthu.InputError as e:
        line: "int | None" = e.line
""")


def _run(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_stubs_match_runtime(tmp_path):
    out = _run("mypy.stubtest", "tuanthu._tuanthu", "--mypy-config-file", "/dev/null", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr


def test_usage_type_checks(tmp_path):
    (tmp_path / "usage.py").write_text(USAGE, encoding="utf-8")
    out = _run("mypy", "--strict", "--no-incremental", "usage.py", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
