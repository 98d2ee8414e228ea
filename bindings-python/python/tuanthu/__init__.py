"""tuanthu: compliance engine for Vietnamese implementation plans.

A plan (Kế hoạch triển khai Luật An ninh mạng) is a list of obligations; ``evaluate`` expands them
into instances (agency × period × stage), computes due dates on the Vietnamese working calendar
under explicit policies, and runs a sandboxed Rhai rule pack that classifies each instance and
explains why, quoting the plan.

>>> import tuanthu
>>> plan = tuanthu.Plan.from_json({"id": "p", "title": "Kế hoạch", "obligations": [{
...     "id": "II.3", "title": "Rà soát văn bản",
...     "lead": [{"kind": "agency", "name": "Sở Tư pháp"}],
...     "schedule": {"type": "once", "deadline": {"date": "2026-04-20", "bound": "before"}}}]})
>>> report = tuanthu.evaluate(plan, [{"agency": "Sở Tư pháp", "obligation": "II.3",
...     "received": "2026-04-21", "document_number": "12/BC-STP"}], as_of="2026-05-01")
>>> report.assessments[0]["status"], report.assessments[0]["days_late"]
('done_late', 2)

The Python API is a thin, idiomatic wrapper over the core's JSON contract: ``Report.to_json()``
is byte-identical to what the Rust core (and the CLI, and the WASM binding) writes.
"""

from . import types
from ._errors import (
    EvaluationError,
    InputError,
    RuleCompileError,
    RuleRuntimeError,
    TuanthuError,
    UsageError,
)
from ._tuanthu import (
    Plan,
    Report,
    RulePack,
    Submissions,
    TestReport,
    __version__,
    evaluate,
    evaluate_json,
    schema_json,
    validate_form_json,
    validate_submission,
    validate_submission_json,
)

__all__ = [
    "Plan",
    "Report",
    "RulePack",
    "Submissions",
    "TestReport",
    "TuanthuError",
    "InputError",
    "EvaluationError",
    "RuleCompileError",
    "UsageError",
    "RuleRuntimeError",
    "evaluate",
    "evaluate_json",
    "schema_json",
    "validate_form_json",
    "validate_submission",
    "validate_submission_json",
    "__version__",
    "types",
]
