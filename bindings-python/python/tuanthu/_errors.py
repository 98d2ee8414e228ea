"""Exceptions raised by tuanthu.

Every exception derives from :class:`TuanthuError`. They are plain Python classes so they carry
attributes, can be caught as the matching built-in (``ValueError``, ``RuntimeError``) and pickle
with their attributes (multiprocessing sends them back from workers).
"""

from __future__ import annotations

from typing import Any, List, Optional


class TuanthuError(Exception):
    """Base class of every error tuanthu raises."""

    def __init__(self, message: str, **attrs: Any) -> None:
        super().__init__(message)
        self.message: str = message
        for key, value in attrs.items():
            setattr(self, key, value)

    def __str__(self) -> str:
        return self.message


class InputError(TuanthuError, ValueError):
    """Bad input: malformed JSON, an impossible date, an unknown CSV column...

    ``str(e)`` reads like ``s.csv:3: field `received`: '31/02/2026' is not a real date``.

    Attributes:
        file: the file name, or a label such as ``<plan>``, ``<submissions>``, ``<DataFrame>``.
        line: 1-based line in the file (for CSV: the row's line; the header is line 1), or None.
        column: 1-based column in a JSON text, or None.
        field: the field path (``obligations[3].schedule.deadline.date``) or the column name.
        row: for a DataFrame, the 0-based row position; None otherwise.
        detail: the message alone, without the location.
    """

    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    field: Optional[str]
    row: Optional[int]
    detail: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        file: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        field: Optional[str] = None,
        row: Optional[int] = None,
        detail: Optional[str] = None,
    ) -> None:
        super().__init__(
            message, file=file, line=line, column=column, field=field, row=row,
            detail=detail if detail is not None else message,
        )


class RuleCompileError(TuanthuError, ValueError):
    """A rule pack could not be built: a syntax error, a bad header, a duplicate rule id...

    Attributes:
        rule_file: the rule file (``status.rhai``, or ``<id>.rhai`` for ``RulePack.add_rule``).
        line, column: where a syntax error is (1-based, as in the source you wrote), else None.
        kind: ``syntax``, ``metadata``, ``duplicate_id``, ``manifest`` or ``io``.
        detail: the message alone.
    """

    rule_file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    kind: Optional[str]
    detail: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        rule_file: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        kind: Optional[str] = None,
        detail: Optional[str] = None,
    ) -> None:
        super().__init__(
            message, rule_file=rule_file, line=line, column=column, kind=kind,
            detail=detail if detail is not None else message,
        )


class RuleRuntimeError(TuanthuError, RuntimeError):
    """A rule failed while running (an error in the script, or a sandbox limit such as the
    operation limit that stops ``loop {}``).

    The engine never stops for this: the failing rule becomes an error finding with the rule's id
    (``Report.rule_errors``) and the other rules still run. Only ``evaluate(..., strict=True)``
    and ``validate_submission(..., strict=True)`` raise it.

    Attributes:
        rule: id of the first failing rule.
        findings: every rule-failure finding (dicts).
        report: the full ``Report`` (from ``evaluate``), or None.
    """

    rule: Optional[str]
    findings: List[dict]
    report: Any

    def __init__(
        self,
        message: str,
        *,
        rule: Optional[str] = None,
        findings: Optional[List[dict]] = None,
        report: Any = None,
    ) -> None:
        super().__init__(message, rule=rule, findings=list(findings or []), report=report)


__all__ = ["TuanthuError", "InputError", "RuleCompileError", "RuleRuntimeError"]

# Shown (and pickled) as tuanthu.InputError etc., where users import them from.
for _cls in (TuanthuError, InputError, RuleCompileError, RuleRuntimeError):
    _cls.__module__ = "tuanthu"
del _cls
