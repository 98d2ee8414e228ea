"""Types of the dicts tuanthu returns and of the inputs it accepts (for annotations).

GENERATED from the core's JSON Schema (`tuanthu schema`) by tests/src/typegen.rs: do not edit.
Regenerate with `TUANTHU_UPDATE_TYPES=1 cargo test -p tuanthu-tests --test generated_types`.
Optional keys are absent when empty; dates are `datetime.date`.

>>> from tuanthu.types import Assessment, Finding
"""

from __future__ import annotations

import datetime
import os
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence, TypedDict, Union

if TYPE_CHECKING:
    from ._tuanthu import Plan, Submissions

# ----- The JSON contract ---------------------------------------------------------------------------

#: Kinds of agency groups that plans assign work to.
AgencyGroup = Union[Literal["departments"], Literal["communes"], Literal["press"], Literal["related"], Literal["public_service_units"], Literal["armed_forces"], Literal["enterprises"], Literal["mass_organisations"], Literal["schools"]]

#: What a rule is evaluated on.
AppliesTo = Union[Literal["instance"], Literal["submission"]]

#: How a stated date bounds the deadline.
Bound = Union[Literal["before"], Literal["no_later_than"]]

#: DD/MM, e.g. 15/11
DayMonth = str

#: What happens when the last permitted day is a weekend or public holiday.
DayOffRule = Union[Literal["strict"], Literal["next_working_day"]]

#: How "trước ngày D" (before D) is read.
DeadlineReading = Union[Literal["exclusive"], Literal["inclusive"]]

#: The machine kind of an `ErrorObject`.
ErrorKind = Union[Literal["input"], Literal["evaluation"], Literal["rule"], Literal["usage"]]

#: Kind of an event: `request` (yêu cầu của cấp có thẩm quyền), `decree_issued`, `training_held`,
#: `draft_published`, or a kind a province defines. Lower-case ASCII words joined by `_`.
EventKind = str

#: How often a recurring obligation repeats.
Frequency = Literal["yearly", "half_yearly", "quarterly", "monthly"]

#: Place in the plan: section roman numeral, item number, letter: II.4.b, IV.1
ObligationId = str

#: What kind of duty an obligation is.
ObligationKind = Union[Literal["task"], Literal["periodic_report"]]

#: once | YYYY | YYYY-H1..H2 | YYYY-Q1..Q4 | YYYY-MM | event:<id> | awaiting-event
Period = str

#: How serious a finding is.
Severity = Literal["info", "warning", "error"]

#: Status of one obligation instance (DESIGN.md §3), matching government task-tracking reports.
Status = Literal["done_on_time", "done_late", "in_progress", "overdue", "ongoing", "not_triggered", "unknown"]



class _AgencyRefAgencyRequired(TypedDict):
    kind: Literal["agency"]
    name: str


class AgencyRefAgency(_AgencyRefAgencyRequired, total=False):
    """A concrete agency, e.g. `Sở Tư pháp`."""
    text: Optional[str]


class _AgencyRefGroupRequired(TypedDict):
    group: AgencyGroup
    kind: Literal["group"]
    name: str


class AgencyRefGroup(_AgencyRefGroupRequired, total=False):
    """A group of agencies, e.g. `UBND các xã, phường`."""
    text: Optional[str]


class AgencyRegistry(TypedDict):
    """The province's agencies, supplied by the caller so that groups expand to concrete agencies."""
    agencies: List[RegisteredAgency]


class AppliedPolicy(TypedDict):
    """The policies that decided a due date."""
    day_off: DayOffRule
    deadline_reading: DeadlineReading


class _AssessmentRequired(TypedDict):
    agency: str
    due_soon: bool
    explanation_en: str
    explanation_vi: str
    obligation: ObligationId
    period: Period
    rules: List[str]
    status: Status
    title: str


class Assessment(_AssessmentRequired, total=False):
    """The assessment of one obligation instance: one agency, one period (and stage)."""
    days_late: Optional[int]
    days_remaining: Optional[int]
    document_number: Optional[str]
    due: Optional[DueDate]
    received: Optional[datetime.date]
    source: Optional[SourceSpan]
    stage: Optional[str]


class CalendarOverrides(TypedDict, total=False):
    """Caller-supplied additions to the calendar (part of the public JSON contract).

Both lists win over every statutory and announced rule. A date may not appear in both."""
    days_off: List[DatedReason]
    working_days: List[DatedReason]


class _CoverageRequired(TypedDict):
    accounted: int
    lines: int


class Coverage(_CoverageRequired, total=False):
    """How much of the plan's text the reader accounted for: every non-empty line is part of an
obligation, the header or closing, a section that assigns no dated duty, or a warning. Lines
accounted for only by a `text_not_accounted` warning are listed."""
    unaccounted_lines: List[int]


class _DatedReasonRequired(TypedDict):
    date: datetime.date


class DatedReason(_DatedReasonRequired, total=False):
    """A date with the reason it is listed, shown in explanations."""
    reason: str


class _DeadlineRequired(TypedDict):
    bound: Bound
    date: datetime.date


class Deadline(_DeadlineRequired, total=False):
    """A date and how the plan bounds it."""
    text: Optional[str]


class DueDate(TypedDict):
    """A due date and how it was derived from the plan's words."""
    bound: Bound
    derivation_en: str
    derivation_vi: str
    last_day: datetime.date
    policy: AppliedPolicy
    stated: datetime.date


class _DueRuleRequired(TypedDict):
    bound: Bound
    day: int


class DueRule(_DueRuleRequired, total=False):
    """The due day within each period of a recurring obligation.

For `yearly`, `month` is the calendar month (11 for `trước ngày 15/11`). For the shorter
frequencies, `month` counts within the period (1 = its first month; `None` = its last month),
and `month_offset` lets a report fall after the period closes (`trước ngày 5 của tháng sau quý`)."""
    month: Optional[int]
    month_offset: int
    text: Optional[str]


class _ErrorObjectRequired(TypedDict):
    kind: ErrorKind
    message: str


class ErrorObject(_ErrorObjectRequired, total=False):
    """An error as it crosses a boundary (the CLI's `--format json`, the bindings): one JSON object
naming what failed and where, so a pipeline can point a person at the line to fix.

`message` never repeats the location; a person-readable one-liner is `ErrorObject`'s
`Display` (`file:line: field `x`: message`)."""
    field: Optional[str]
    file: Optional[str]
    line: Optional[int]


class _EvaluationRequestRequired(TypedDict):
    as_of: datetime.date
    plan: Plan


class EvaluationRequest(_EvaluationRequestRequired, total=False):
    """Everything one evaluation needs. The JSON contract shared by the CLI and the bindings."""
    calendar: CalendarOverrides
    events: List[Event]
    policies: PolicyOverrides
    registry: Optional[AgencyRegistry]
    submissions: List[Submission]


class _EventRequired(TypedDict):
    date: datetime.date
    id: str
    kind: EventKind


class Event(_EventRequired, total=False):
    """Something that happened and starts event-triggered obligations: a request from a competent
authority, a decree issued, a training held."""
    agencies: List[str]
    deadline: Optional[EventDeadline]
    description: Optional[str]
    obligations: List[ObligationId]


class EventDeadlineBefore(TypedDict):
    """A date, read like `trước ngày D`."""
    before: datetime.date


class EventDeadlineNoLaterThan(TypedDict):
    """A date that itself is allowed (`chậm nhất ngày D`)."""
    no_later_than: datetime.date


class EventDeadlineDays(TypedDict):
    """Calendar days after the event date (Civil Code art. 147: the event day is not counted)."""
    days: int


class EventDeadlineWorkingDays(TypedDict):
    """Working days after the event date."""
    working_days: int


class FailReason(TypedDict):
    """Why `tuanthu check --fail-on` exits 1: one condition the report meets, printed on stderr (one
JSON object per line under `--format json`)."""
    count: int
    counts: str
    fail_on: str
    offenders: List[str]


class _FindingRequired(TypedDict):
    message_en: str
    message_vi: str
    rule: str
    severity: Severity


class Finding(_FindingRequired, total=False):
    """Something a rule says about an instance, a submission or a form field."""
    agency: Optional[str]
    field: Optional[str]
    obligation: Optional[ObligationId]
    period: Optional[Period]
    rule_failed: bool
    stage: Optional[str]
    submission: Optional[int]


class _FormMessageRequired(TypedDict):
    message_en: str
    message_vi: str
    ruleId: str
    severity: Severity


class FormMessage(_FormMessageRequired, total=False):
    """A message for one field of a report-submission form as typed (the browser's form API): a
`Finding` of form validation, reduced to what a form shows."""
    field: Optional[str]


class _FormRequestRequired(TypedDict):
    as_of: datetime.date
    form: SubmissionForm
    plan: Plan


class FormRequest(_FormRequestRequired, total=False):
    """A form to validate against a plan."""
    calendar: CalendarOverrides
    events: List[Event]
    policies: PolicyOverrides
    registry: Optional[AgencyRegistry]


class _IngestWarningRequired(TypedDict):
    code: str
    line: int
    message: str


class IngestWarning(_IngestWarningRequired, total=False):
    """Something the plan reader could not understand, kept so nothing is silently dropped."""
    severity: Optional[Severity]
    text: Optional[str]


class InlineRule(TypedDict, total=False):
    """Header values for `RulePack::with_inline_rule` when the text does not state them."""
    applies_to: Optional[AppliesTo]
    severity: Optional[Severity]
    title: Optional[str]


class _LegalReferenceRequired(TypedDict):
    kind: str
    text: str


class LegalReference(_LegalReferenceRequired, total=False):
    """A document the plan is based on, e.g. `Quyết định số 437/QĐ-TTg ngày 16/3/2026`."""
    date: Optional[datetime.date]
    number: Optional[str]


class _ObligationRequired(TypedDict):
    id: ObligationId
    schedule: Schedule
    title: str


class Obligation(_ObligationRequired, total=False):
    """One duty of the plan: who, what, by when, evidence."""
    content: Optional[str]
    coordinating: List[AgencyRef]
    kind: ObligationKind
    lead: List[AgencyRef]
    performers: List[AgencyRef]
    products: List[str]
    reporting: Optional[Reporting]
    source: Optional[SourceSpan]


class ObligationSummary(TypedDict):
    """An obligation as a picker shows it."""
    coordinating: List[str]
    id: str
    kind: ObligationKind
    responsible: List[str]
    title: str


class PackIdentity(TypedDict):
    """A rule pack by name, version and content."""
    name: str
    sha256: str
    version: str


class _PackManifestRequired(TypedDict):
    name: str


class PackManifest(_PackManifestRequired, total=False):
    """`pack.json`: name, version, default policies and rule order."""
    description: str
    policies: PolicyOverrides
    rules: List[str]
    version: str


class PackSource(TypedDict):
    """Everything a pack is made of, as text: enough to rebuild it anywhere (pickling, WASM)."""
    manifest: PackManifest
    rules: List[SourceFile]
    tests: List[SourceFile]


class _PlanRequired(TypedDict):
    id: str
    obligations: List[Obligation]
    title: str


class Plan(_PlanRequired, total=False):
    """An implementation plan (Kế hoạch) as a list of obligations."""
    coverage: Optional[Coverage]
    issue_date: Optional[datetime.date]
    issuer: Optional[str]
    jurisdiction: Optional[str]
    law_effective_date: Optional[datetime.date]
    legal_basis: List[LegalReference]
    number: Optional[str]
    place: Optional[str]
    policies: PolicyOverrides
    warnings: List[IngestWarning]


class _PoliciesRequired(TypedDict):
    day_off: DayOffRule
    deadline_reading: DeadlineReading
    due_soon_days: int


class Policies(_PoliciesRequired, total=False):
    """The policies in force for one evaluation."""
    default_yearly_due: Optional[DayMonth]


class PolicyOverrides(TypedDict, total=False):
    """Policy choices set by a rule pack, a plan or a caller; unset fields inherit.
Precedence, lowest first: built-in defaults, rule pack, plan, caller."""
    day_off: Optional[DayOffRule]
    deadline_reading: Optional[DeadlineReading]
    default_yearly_due: Optional[DayMonth]
    due_soon_days: Optional[int]


class Provenance(TypedDict):
    """The inputs a report's verdicts follow from, identified by content hash (lower-case hex
SHA-256), for an audit trail: the same plan, pack, submissions and as-of date give the same
report on any machine."""
    plan_sha256: str
    rule_pack: PackIdentity


class _ReaderWarningRequired(TypedDict):
    code: str
    file: str
    line: int
    message: str


class ReaderWarning(_ReaderWarningRequired, total=False):
    """A warning of the plan reader about one file, as the CLI prints it on stderr under
`--format json` (one object per line)."""
    severity: Optional[Severity]
    text: Optional[str]


class _RegisteredAgencyRequired(TypedDict):
    name: str


class RegisteredAgency(_RegisteredAgencyRequired, total=False):
    """One agency of a registry."""
    aliases: List[str]
    groups: Optional[List[AgencyGroup]]


class Report(TypedDict):
    """The result of evaluating a plan: deterministic, byte for byte, for the same input."""
    as_of: datetime.date
    assessments: List[Assessment]
    findings: List[Finding]
    plan: str
    policies: Policies
    provenance: Provenance
    rule_pack: str
    summary: Summary


class _ReportingRequired(TypedDict):
    recipient: AgencyRef


class Reporting(_ReportingRequired, total=False):
    """Recipient of results, the office that receives on its behalf, and the body the recipient
reports on to (`báo cáo ... về X (qua Y) để tổng hợp, báo cáo Z`)."""
    also_to: List[AgencyRef]
    onward: Optional[AgencyRef]
    onward_also: List[AgencyRef]
    via: Optional[AgencyRef]


class RuleInfo(TypedDict):
    """One rule of a pack, as `rules()` lists it in every binding and `tuanthu rules --format json`."""
    applies_to: AppliesTo
    description: str
    file: str
    id: str
    severity: Severity
    title: str


class _RuleTestCaseRequired(TypedDict):
    file: str
    name: str
    passed: bool
    rule: str


class RuleTestCase(_RuleTestCaseRequired, total=False):
    """One case of a rule pack's unit tests (`*.test.json`)."""
    failure: Optional[str]


class RuleTestReport(TypedDict):
    """The outcome of running a pack's unit tests, in every binding and `tuanthu test --format json`."""
    cases: List[RuleTestCase]
    failed: int
    pack: str
    passed: int
    untested_rules: List[str]


class ScheduleOnce(TypedDict):
    """Done once by a deadline: `trước ngày 20/4/2026`, `hoàn thành trong tháng 6/2026`."""
    deadline: Deadline
    type: Literal["once"]


class _ScheduleOngoingRequired(TypedDict):
    from_year: int
    type: Literal["ongoing"]


class ScheduleOngoing(_ScheduleOngoingRequired, total=False):
    """Continuous work with no deadline of its own (`Năm 2026 và các năm tiếp theo`, `thường xuyên`),
assessed yearly through the periodic report."""
    precondition: Optional[Trigger]
    text: Optional[str]
    until_year: Optional[int]


class _ScheduleRecurringRequired(TypedDict):
    every: Frequency
    from_year: int
    type: Literal["recurring"]


class ScheduleRecurring(_ScheduleRecurringRequired, total=False):
    """Repeats every period (`hằng năm, trước ngày 15/11`)."""
    due: Optional[DueRule]
    until_year: Optional[int]


class _ScheduleEventTriggeredRequired(TypedDict):
    trigger: Trigger
    type: Literal["event_triggered"]


class ScheduleEventTriggered(_ScheduleEventTriggeredRequired, total=False):
    """Due only when an event happens (`khi có yêu cầu`, `sau khi Chính phủ ban hành các Nghị định`)."""
    within_days: Optional[int]


class ScheduleStaged(TypedDict):
    """Several stages, each with its own parties and deadline (members by 13/4, the lead by 16/4)."""
    stages: List[Stage]
    type: Literal["staged"]


class ScheduleCombined(TypedDict):
    """Several schedules at once (`hoàn thành trong quý II; duy trì thường xuyên hằng năm`)."""
    parts: List[Schedule]
    type: Literal["combined"]


class ScheduleUnparsed(TypedDict):
    """A timeline phrase the reader did not understand, kept verbatim."""
    text: str
    type: Literal["unparsed"]


class SourceFile(TypedDict):
    """A named text file of a pack (rule source or test file)."""
    name: str
    text: str


class SourceSpan(TypedDict):
    """Lines of the source document (1-based, inclusive) and their text, verbatim."""
    line_end: int
    line_start: int
    text: str


class _StageRequired(TypedDict):
    deadline: Deadline
    id: str
    parties: List[AgencyRef]


class Stage(_StageRequired, total=False):
    """One stage of a staged obligation."""
    recipient: Optional[AgencyRef]
    source: Optional[SourceSpan]


class StatusCounts(TypedDict):
    """Counts of instances per status."""
    done_late: int
    done_on_time: int
    in_progress: int
    not_triggered: int
    ongoing: int
    overdue: int
    total: int
    unknown: int


class _SubmissionRequired(TypedDict):
    agency: str
    obligation: ObligationId
    received: datetime.date


class Submission(_SubmissionRequired, total=False):
    """Evidence that an agency did what an obligation asks: a report or document received.

JSON: `{"agency": "Sở Tư pháp", "obligation": "IV.1", "period": "2026", "received": "2026-11-13",
"document_number": "123/BC-STP"}`. CSV files use the same column names."""
    document_number: Optional[str]
    note: Optional[str]
    period: Optional[Period]
    stage: Optional[str]


class SubmissionForm(TypedDict, total=False):
    """A report-submission form as typed: every field is text, possibly incomplete."""
    agency: str
    document_number: Optional[str]
    obligation: str
    period: Optional[str]
    received: str
    stage: Optional[str]


class Summary(TypedDict):
    """Aggregates per agency and per obligation."""
    by_agency: Dict[str, StatusCounts]
    by_obligation: Dict[str, StatusCounts]
    findings_by_severity: Dict[str, int]
    total: StatusCounts


class _TriggerRequired(TypedDict):
    event: EventKind


class Trigger(_TriggerRequired, total=False):
    """An event that starts an obligation."""
    text: Optional[str]


AgencyRef = Union["AgencyRefAgency", "AgencyRefGroup"]
EventDeadline = Union["EventDeadlineBefore", "EventDeadlineNoLaterThan", "EventDeadlineDays", "EventDeadlineWorkingDays"]
Schedule = Union["ScheduleOnce", "ScheduleOngoing", "ScheduleRecurring", "ScheduleEventTriggered", "ScheduleStaged", "ScheduleCombined", "ScheduleUnparsed"]

# ----- Python only ---------------------------------------------------------------------------------

#: One case of ``RulePack.test()`` (the contract's ``RuleTestCase``).
TestCase = RuleTestCase


class TimingInfo(TypedDict):
    prepare_seconds: float
    evaluate_seconds: float


PathLike = Union[str, "os.PathLike[str]"]

DateLike = Union[datetime.date, str]

#: JSON text (str/bytes) or Python data (dict).
JsonLike = Union[str, bytes, Mapping[str, Any]]

#: A `Plan`, a dict, JSON text (a str starting with ``{``) or a plan JSON file path.
PlanLike = Union["Plan", Mapping[str, Any], str, "os.PathLike[str]"]

#: A `Submissions`, a list of dicts, a DataFrame, JSON text (a str starting with ``[``), or a CSV /
#: JSON file path.
SubmissionsLike = Union["Submissions", Sequence[Mapping[str, Any]], Any, str, "os.PathLike[str]", None]

#: A list of event dicts, JSON text, or a JSON file path.
EventsLike = Union[Sequence[Mapping[str, Any]], str, "os.PathLike[str]", None]

#: A registry dict, JSON text, or a JSON file path.
RegistryLike = Union[Mapping[str, Any], str, "os.PathLike[str]", None]

__all__ = [
    "AgencyGroup",
    "AgencyRef",
    "AgencyRegistry",
    "AppliedPolicy",
    "AppliesTo",
    "Assessment",
    "Bound",
    "CalendarOverrides",
    "Coverage",
    "DatedReason",
    "DayMonth",
    "DayOffRule",
    "Deadline",
    "DeadlineReading",
    "DueDate",
    "DueRule",
    "ErrorKind",
    "ErrorObject",
    "EvaluationRequest",
    "Event",
    "EventDeadline",
    "EventKind",
    "FailReason",
    "Finding",
    "FormMessage",
    "FormRequest",
    "Frequency",
    "IngestWarning",
    "InlineRule",
    "LegalReference",
    "Obligation",
    "ObligationId",
    "ObligationKind",
    "ObligationSummary",
    "PackIdentity",
    "PackManifest",
    "PackSource",
    "Period",
    "Plan",
    "Policies",
    "PolicyOverrides",
    "Provenance",
    "ReaderWarning",
    "RegisteredAgency",
    "Report",
    "Reporting",
    "RuleInfo",
    "RuleTestCase",
    "RuleTestReport",
    "Schedule",
    "Severity",
    "SourceFile",
    "SourceSpan",
    "Stage",
    "Status",
    "StatusCounts",
    "Submission",
    "SubmissionForm",
    "Summary",
    "Trigger",
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
