"""Shared fixtures. The tests import the *installed* wheel (scripts/test.sh builds it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
BINDING = HERE.parent
ROOT = BINDING.parent
EXAMPLES = ROOT / "rules" / "examples"
DATA = HERE / "data"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def vinh_long() -> Path:
    return EXAMPLES / "vinh-long"


@pytest.fixture()
def small_plan_dict() -> dict:
    return json.loads((DATA / "small_plan.json").read_text(encoding="utf-8"))


@pytest.fixture()
def small_plan(small_plan_dict):
    import tuanthu

    return tuanthu.Plan.from_json(small_plan_dict)


@pytest.fixture()
def small_submissions() -> list:
    return [
        {"agency": "Sở Tư pháp", "obligation": "II.3", "received": "2026-04-21",
         "document_number": "12/BC-STP"},
        {"agency": "Sở Nội vụ", "obligation": "IV.1", "period": "2026", "received": "2026-11-13",
         "document_number": "45/BC-SNV"},
    ]


def by_key(assessments):
    """Assessments keyed by (obligation, agency, period, stage)."""
    return {(a["obligation"], a["agency"], a["period"], a.get("stage")): a for a in assessments}
