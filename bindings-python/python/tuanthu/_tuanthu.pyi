"""Type stubs of the compiled extension (re-exported by ``tuanthu``)."""

from __future__ import annotations

import datetime
import os
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, TypedDict, Union

__version__: str

# --- shapes of the dicts (the JSON contract; optional keys are absent when empty) -------------

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

# --- accepted inputs ----------------------------------------------------------------------------

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

# --- classes -------------------------------------------------------------------------------------

class Plan:
    """An implementation plan (Kế hoạch): header facts and obligations. Immutable; pickles."""

    @staticmethod
    def from_json(data: JsonLike) -> Plan: ...
    @staticmethod
    def from_file(path: PathLike) -> Plan: ...
    @staticmethod
    def from_text(text: str, *, id: Optional[str] = None) -> Plan: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def to_json(self) -> str: ...
    @property
    def obligations(self) -> List[Dict[str, Any]]: ...
    @property
    def obligation_ids(self) -> List[str]: ...
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def number(self) -> Optional[str]: ...
    @property
    def jurisdiction(self) -> Optional[str]: ...
    @property
    def issue_date(self) -> Optional[datetime.date]: ...
    @property
    def warnings(self) -> List[Dict[str, Any]]: ...
    def __len__(self) -> int: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Any, ...]: ...

class RulePack:
    """A compiled rule pack (sandboxed Rhai rules and their unit tests). Pickles as its sources."""

    @staticmethod
    def standard(*, limits: Optional[Mapping[str, int]] = None) -> RulePack: ...
    @staticmethod
    def from_dir(path: PathLike, *, limits: Optional[Mapping[str, int]] = None) -> RulePack: ...
    @staticmethod
    def from_source(source: JsonLike, *, limits: Optional[Mapping[str, int]] = None) -> RulePack: ...
    def add_rule(
        self,
        id: str,
        source: str,
        *,
        title: Optional[str] = None,
        applies_to: Optional[Literal["instance", "submission"]] = None,
        severity: Optional[Severity] = None,
    ) -> None: ...
    def test(self) -> TestReport: ...
    @property
    def label(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def rules(self) -> List[Dict[str, Any]]: ...
    @property
    def rule_ids(self) -> List[str]: ...
    @property
    def policies(self) -> Dict[str, Any]: ...
    @property
    def limits(self) -> Dict[str, int]: ...
    def source(self) -> Dict[str, Any]: ...
    def __len__(self) -> int: ...
    def __reduce__(self) -> Tuple[Any, ...]: ...

class TestReport:
    """Outcome of ``RulePack.test()``."""

    @property
    def passed(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def ok(self) -> bool: ...
    @property
    def cases(self) -> List[TestCase]: ...
    @property
    def failures(self) -> List[TestCase]: ...
    @property
    def untested_rules(self) -> List[str]: ...
    def __len__(self) -> int: ...

class Submissions:
    """Evidence received, converted once for many evaluations. Pickles."""

    @staticmethod
    def from_records(records: Union[Sequence[Mapping[str, Any]], str, bytes]) -> Submissions: ...
    @staticmethod
    def from_file(path: PathLike) -> Submissions: ...
    @staticmethod
    def from_csv(text: str, *, source_name: str = "<csv>") -> Submissions: ...
    @staticmethod
    def from_dataframe(df: Any) -> Submissions: ...
    def to_list(self) -> List[Dict[str, Any]]: ...
    def __len__(self) -> int: ...
    def __eq__(self, other: object) -> bool: ...
    def __reduce__(self) -> Tuple[Any, ...]: ...

class Report:
    """The result of ``evaluate``. ``to_json()`` is the Rust core's canonical JSON byte for byte."""

    def to_json(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    @property
    def assessments(self) -> List[Assessment]: ...
    @property
    def findings(self) -> List[Finding]: ...
    @property
    def rule_errors(self) -> List[Finding]: ...
    def summary(self) -> Summary: ...
    @property
    def plan(self) -> str: ...
    @property
    def as_of(self) -> datetime.date: ...
    @property
    def policies(self) -> Dict[str, Any]: ...
    @property
    def rule_pack(self) -> str: ...
    @property
    def timings(self) -> Optional[TimingInfo]: ...
    def to_pandas(self, kind: Literal["assessments", "findings"] = "assessments") -> Any: ...
    def __len__(self) -> int: ...
    def __eq__(self, other: object) -> bool: ...
    def __reduce__(self) -> Tuple[Any, ...]: ...

# --- functions -----------------------------------------------------------------------------------

def evaluate(
    plan: PlanLike,
    submissions: SubmissionsLike = None,
    events: EventsLike = None,
    *,
    as_of: DateLike,
    policies: Optional[Mapping[str, Any]] = None,
    registry: RegistryLike = None,
    calendar: Optional[Mapping[str, Any]] = None,
    rules: Optional[RulePack] = None,
    strict: bool = False,
) -> Report: ...
def validate_submission(
    plan: PlanLike,
    form: Mapping[str, Any],
    *,
    as_of: DateLike,
    events: EventsLike = None,
    policies: Optional[Mapping[str, Any]] = None,
    registry: RegistryLike = None,
    calendar: Optional[Mapping[str, Any]] = None,
    rules: Optional[RulePack] = None,
    strict: bool = False,
) -> List[Finding]: ...
def validate_submission_json(
    plan: PlanLike,
    form: Mapping[str, Any],
    *,
    as_of: DateLike,
    events: EventsLike = None,
    policies: Optional[Mapping[str, Any]] = None,
    registry: RegistryLike = None,
    calendar: Optional[Mapping[str, Any]] = None,
    rules: Optional[RulePack] = None,
    strict: bool = False,
) -> str: ...
def evaluate_json(request: Union[JsonLike, "os.PathLike[str]"], *, rules: Optional[RulePack] = None) -> str: ...
def validate_form_json(request: Union[JsonLike, "os.PathLike[str]"], *, rules: Optional[RulePack] = None) -> str: ...
def schema_json() -> str: ...
def _restore_plan(json: str) -> Plan: ...
def _restore_pack(source: str, limits: str) -> RulePack: ...
def _restore_submissions(json: str) -> Submissions: ...
def _restore_report(json: str) -> Report: ...
