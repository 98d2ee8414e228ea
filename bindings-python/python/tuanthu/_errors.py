"""Exceptions raised by tuanthu.

Every exception derives from :class:`TuanthuError`. An error of the engine is the core's error
object (``kind``, ``file``, ``line``, ``field``, ``message``: the same object JS's
``TuanthuError`` and ``tuanthu check --format json`` give), raised as one class per ``kind``:

=============  ======================  ===================================================
``kind``       class                   what
=============  ======================  ===================================================
``input``      :class:`InputError`     unreadable or malformed input (JSON, CSV, a date)
``evaluation`` :class:`EvaluationError` well formed but not evaluable (duplicate ids, a
                                       date outside the calendar's years)
``rule``       :class:`RuleCompileError` a rule pack that does not build
``usage``      :class:`UsageError`     arguments that cannot work together
=============  ======================  ===================================================

They are plain Python classes so they carry attributes, can be caught as the matching built-in
(``ValueError``, ``RuntimeError``) and pickle with their attributes (multiprocessing sends them
back from workers).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional


class TuanthuError(Exception):
    """Base class of every error tuanthu raises.

    Attributes (``None`` when unknown):
        kind: ``input``, ``evaluation``, ``rule`` or ``usage``.
        file: the file, or a label such as ``<request>``, ``<plan>``, ``<DataFrame>``.
        line: 1-based line in that file.
        field: the field path (``obligations[3].schedule``) or CSV column.
        detail: the message alone, without the location (the error object's ``message``).
    """

    kind: Optional[str]
    file: Optional[str]
    line: Optional[int]
    field: Optional[str]
    detail: Optional[str]

    def __init__(self, message: str, **attrs: Any) -> None:
        super().__init__(message)
        self.message: str = message
        for key in ("kind", "file", "line", "field", "detail"):
            setattr(self, key, None)
        for key, value in attrs.items():
            setattr(self, key, value)
        if self.detail is None:
            self.detail = message

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> Dict[str, Any]:
        """The core's error object: ``{kind, file, line, field, message}``."""
        return {
            "kind": self.kind,
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.detail,
        }


class InputError(TuanthuError, ValueError):
    """Bad input (``kind == "input"``): malformed JSON, an impossible date, an unknown CSV column...

    ``str(e)`` reads like ``s.csv:3: field `received`: '31/02/2026' is not a real date``.

    Besides the error object's attributes:
        column: 1-based column in a JSON text, or None.
        row: for a DataFrame, the 0-based row position; None otherwise.
    """

    column: Optional[int] = None
    row: Optional[int] = None

    def __init__(self, message: str, **attrs: Any) -> None:
        attrs.setdefault("kind", "input")
        super().__init__(message, **attrs)


class EvaluationError(TuanthuError, ValueError):
    """Well-formed input that cannot be evaluated (``kind == "evaluation"``): duplicate
    obligation or event ids, an as-of date or a date outside the calendar's years. ``field``
    names the part of the request (``events``, ``as_of``, ``plan.obligations``...)."""

    def __init__(self, message: str, **attrs: Any) -> None:
        attrs.setdefault("kind", "evaluation")
        super().__init__(message, **attrs)


class RuleCompileError(TuanthuError, ValueError):
    """A rule pack could not be built (``kind == "rule"``): a syntax error, a bad header, a
    duplicate rule id...

    ``file`` is the rule file (``status.rhai``, or ``<id>.rhai`` for ``RulePack.add_rule``) and
    ``line`` where a syntax error is (as in the source you wrote); ``rule_file`` is ``file``.
    """

    def __init__(self, message: str, **attrs: Any) -> None:
        attrs.setdefault("kind", "rule")
        super().__init__(message, **attrs)

    @property
    def rule_file(self) -> Optional[str]:
        return self.file


class UsageError(TuanthuError, ValueError):
    """Arguments that cannot work together (``kind == "usage"``)."""

    def __init__(self, message: str, **attrs: Any) -> None:
        attrs.setdefault("kind", "usage")
        super().__init__(message, **attrs)


class RuleRuntimeError(TuanthuError, RuntimeError):
    """A rule failed while running (an error in the script, or a sandbox limit such as the
    operation limit that stops ``loop {}``).

    The engine never stops for this: the failing rule becomes an error finding with the rule's id
    (``Report.rule_errors``) and the other rules still run. Only ``evaluate(..., strict=True)``
    and ``validate_submission(..., strict=True)`` raise it; it is not an error object of the
    contract (``kind`` is None).

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


__all__ = [
    "TuanthuError",
    "InputError",
    "EvaluationError",
    "RuleCompileError",
    "UsageError",
    "RuleRuntimeError",
]

# Shown (and pickled) as tuanthu.InputError etc., where users import them from.
for _cls in (TuanthuError, InputError, EvaluationError, RuleCompileError, UsageError, RuleRuntimeError):
    _cls.__module__ = "tuanthu"
del _cls
