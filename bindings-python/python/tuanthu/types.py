"""Types of the dicts tuanthu returns and of the inputs it accepts (for annotations).

>>> from tuanthu.types import Assessment, Finding
"""

from __future__ import annotations

import datetime
import os
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence, TypedDict, Union

if TYPE_CHECKING:
    from ._tuanthu import Plan, Submissions

# The JSON contract's shapes; optional keys are absent when empty.


Status = Literal["done_on_time", "done_late", "in_progress", "overdue", "ongoing", "not_triggered", "unknown"]

Severity = Literal["info", "warning", "error"]


class AppliedPolicy(TypedDict):
    deadline_reading: Literal["exclusive", "inclusive"]
    day_off: Literal["strict", "next_working_day"]


class DueDate(TypedDict):
    stated: datetime.date
    bound: Literal["before", "no_later_than"]
    last_day: datetime.date
    policy: AppliedPolicy
    derivation_vi: str
    derivation_en: str


class SourceSpan(TypedDict):
    line_start: int
    line_end: int
    text: str


class _AssessmentRequired(TypedDict):
    obligation: str
    title: str
    agency: str
    period: str
    status: Status
    due_soon: bool
    rules: List[str]
    explanation_vi: str
    explanation_en: str


class Assessment(_AssessmentRequired, total=False):
    stage: str
    due: DueDate
    received: datetime.date
    document_number: str
    days_late: int
    days_remaining: int
    source: SourceSpan


class _FindingRequired(TypedDict):
    rule: str
    severity: Severity
    message_vi: str
    message_en: str


class Finding(_FindingRequired, total=False):
    obligation: str
    agency: str
    period: str
    stage: str
    submission: int
    field: str


class StatusCounts(TypedDict):
    done_on_time: int
    done_late: int
    in_progress: int
    overdue: int
    ongoing: int
    not_triggered: int
    unknown: int
    total: int


class Summary(TypedDict):
    total: StatusCounts
    by_agency: Dict[str, StatusCounts]
    by_obligation: Dict[str, StatusCounts]
    findings_by_severity: Dict[str, int]


class TestCase(TypedDict):
    file: str
    rule: str
    name: str
    passed: bool
    failure: Optional[str]


class TimingInfo(TypedDict):
    prepare_seconds: float
    evaluate_seconds: float

# Accepted inputs.


PathLike = Union[str, "os.PathLike[str]"]

DateLike = Union[datetime.date, str]
#: JSON text (str/bytes) or Python data (dict).

JsonLike = Union[str, bytes, Mapping[str, Any]]
#: A `Plan`, a dict, JSON text (a str starting with ``{``) or a plan JSON file path.

PlanLike = Union["Plan", Mapping[str, Any], str, "os.PathLike[str]"]
#: A `Submissions`, a list of dicts, a pandas DataFrame, JSON text (a str starting with ``[``), or
#: a CSV / JSON file path.

SubmissionsLike = Union["Submissions", Sequence[Mapping[str, Any]], Any, str, "os.PathLike[str]", None]
#: A list of event dicts, JSON text, or a JSON file path.

EventsLike = Union[Sequence[Mapping[str, Any]], str, "os.PathLike[str]", None]
#: A registry dict, JSON text, or a JSON file path.

RegistryLike = Union[Mapping[str, Any], str, "os.PathLike[str]", None]

__all__ = [
    "Status",
    "Severity",
    "AppliedPolicy",
    "DueDate",
    "SourceSpan",
    "Assessment",
    "Finding",
    "StatusCounts",
    "Summary",
    "TestCase",
    "TimingInfo",
    "PathLike",
    "DateLike",
    "JsonLike",
    "PlanLike",
    "SubmissionsLike",
    "EventsLike",
    "RegistryLike",
]
