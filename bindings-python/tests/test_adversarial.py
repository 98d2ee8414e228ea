"""Adversarial input from a Python caller: nothing passed to tuanthu may crash the interpreter.

Every case asserts the exact error class, where it points (``field``) and a time bound: deep and
cyclic values, values JSON cannot hold, foreign objects, and host limits beyond safe maxima. A
property test (hypothesis) feeds arbitrary nested values to every entry point that converts a
Python value: each call returns or raises a ``TuanthuError``, never anything else.
"""

from __future__ import annotations

import copy
import datetime
import math
import time
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tuanthu
from tuanthu import InputError, TuanthuError

AS_OF = "2026-12-01"
# Every case ends well within this (wall time, a dev build on a shared machine).
TIME_BOUND = 2.0
# The converter's depth bound (bindings-python/src/convert.rs: MAX_DEPTH).
MAX_DEPTH = 128


@contextmanager
def within(seconds: float = TIME_BOUND) -> Iterator[None]:
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, f"took {elapsed:.2f} s (bound {seconds} s)"


def deep_dict(depth: int) -> Dict[str, Any]:
    value: Dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def deep_list(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def cyclic_dict() -> Dict[str, Any]:
    d: Dict[str, Any] = {"id": "x"}
    d["self"] = d
    return d


def cyclic_list() -> list:
    lst: list = [1]
    lst.append(lst)
    return lst


# Each entry point that converts a Python value, with the label its errors carry (`file`).
ENTRIES: Dict[str, Callable[[Any, Any], Any]] = {
    "plan": lambda v, plan: tuanthu.Plan.from_json(v),
    "evaluate.plan": lambda v, plan: tuanthu.evaluate(v, as_of=AS_OF),
    "submissions": lambda v, plan: tuanthu.evaluate(plan, v, as_of=AS_OF),
    "events": lambda v, plan: tuanthu.evaluate(plan, None, v, as_of=AS_OF),
    "policies": lambda v, plan: tuanthu.evaluate(plan, as_of=AS_OF, policies=v),
    "registry": lambda v, plan: tuanthu.evaluate(plan, as_of=AS_OF, registry=v),
    "calendar": lambda v, plan: tuanthu.evaluate(plan, as_of=AS_OF, calendar=v),
    "form": lambda v, plan: tuanthu.validate_submission(plan, v, as_of=AS_OF),
    "records": lambda v, plan: tuanthu.Submissions.from_records(v),
    "evaluate_json": lambda v, plan: tuanthu.evaluate_json(v),
    "validate_form_json": lambda v, plan: tuanthu.validate_form_json(v),
    "rule pack source": lambda v, plan: tuanthu.RulePack.from_source(v),
}


@pytest.fixture(scope="module")
def plan_dict() -> Dict[str, Any]:
    import json

    from conftest import DATA

    return json.loads((DATA / "small_plan.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def plan(plan_dict):
    return tuanthu.Plan.from_json(plan_dict)


# --- deep and cyclic values ----------------------------------------------------------------------

DEEP_AND_CYCLIC = {
    "dict nested 2,000 deep": (lambda: deep_dict(2_000), "nested more than 128 levels deep"),
    "list nested 100,000 deep": (lambda: deep_list(100_000), "nested more than 128 levels deep"),
    "dict that contains itself": (cyclic_dict, "contains itself (a cycle)"),
    "list that contains itself": (cyclic_list, "contains itself (a cycle)"),
}


@pytest.mark.parametrize("entry", sorted(ENTRIES))
@pytest.mark.parametrize("case", sorted(DEEP_AND_CYCLIC))
def test_deep_and_cyclic_values_are_input_errors(entry, case, plan):
    make, expected = DEEP_AND_CYCLIC[case]
    value = make()
    with within():
        with pytest.raises(InputError) as info:
            ENTRIES[entry](value, plan)
    assert expected in str(info.value)
    assert expected in info.value.detail


def test_deep_value_error_names_the_path(plan):
    with within(), pytest.raises(InputError) as info:
        tuanthu.Plan.from_json(deep_dict(2_000))
    assert info.value.file == "<plan>"
    assert info.value.field == ".".join(["a"] * MAX_DEPTH)


def test_cycle_error_names_the_path_where_it_closes(plan_dict):
    plan_value = copy.deepcopy(plan_dict)
    obligation = plan_value["obligations"][0]
    obligation["lead"].append(plan_value["obligations"])
    with within(), pytest.raises(InputError) as info:
        tuanthu.Plan.from_json(plan_value)
    assert info.value.field == f"obligations[0].lead[{len(obligation['lead']) - 1}]"
    assert "contains itself" in str(info.value)


def test_depth_bound_is_exact():
    """Containers down to the bound convert (and fail only on the contract); one more is refused."""
    ok = deep_list(MAX_DEPTH)  # MAX_DEPTH containers around an empty list: 129 levels
    with pytest.raises(InputError) as info:
        tuanthu.Submissions.from_records(ok)
    assert "nested more than" in str(info.value)
    fits = deep_list(MAX_DEPTH - 1)
    with pytest.raises(InputError) as info:
        tuanthu.Submissions.from_records(fits)
    assert "nested more than" not in str(info.value)


def test_shared_but_acyclic_values_convert(plan, small_submissions):
    """The same object twice (a DAG, not a cycle) is fine: only the current path counts."""
    row = small_submissions[0]
    report = tuanthu.evaluate(plan, [row, row], as_of=AS_OF)
    assert len(report.assessments) > 0


# --- values the JSON contract cannot hold --------------------------------------------------------


class Opaque:
    pass


class RaisingMapping:
    """Looks like a mapping but raises when read: the caller's bug, reported at its path."""

    def keys(self):
        raise RuntimeError("boom")

    def __getitem__(self, key):
        raise KeyError(key)


class EndlessItem:
    """Each `item()` returns a new object that has `item()`: bounded like nesting."""

    def item(self):
        return EndlessItem()


class Text(str):
    pass


BAD_VALUES = {
    "huge int": (10**100, "integer out of range"),
    "NaN": (math.nan, "is not a finite number"),
    "inf": (math.inf, "is not a finite number"),
    "bytes": (b"abc", "cannot use a value of type bytes"),
    "set": ({1, 2}, "cannot use a value of type set"),
    "object": (Opaque(), "cannot use a value of type Opaque"),
    "function": (len, "cannot use a value of type builtin_function_or_method"),
    "raising mapping": (RaisingMapping(), "reading the value raised RuntimeError: boom"),
    "endless item()": (EndlessItem(), "nested more than 128 levels deep"),
    "tuple key": ({(1, 2): "x"}, "a key of type tuple is not text"),
}


@pytest.mark.parametrize("case", sorted(BAD_VALUES))
def test_values_json_cannot_hold_are_input_errors_at_their_path(case, plan):
    value, expected = BAD_VALUES[case]
    row = {"agency": "Sở Tư pháp", "obligation": "II.3", "received": "2026-04-21", "note": value}
    with within(), pytest.raises(InputError) as info:
        tuanthu.evaluate(plan, [row], as_of=AS_OF)
    assert expected in str(info.value)
    assert info.value.file == "<submissions>"
    assert info.value.field.startswith("[0].note")


def test_raising_mapping_keeps_the_original_as_cause(plan):
    with pytest.raises(InputError) as info:
        tuanthu.evaluate(plan, [RaisingMapping()], as_of=AS_OF)
    assert isinstance(info.value.__cause__, RuntimeError)


def test_keyboard_interrupt_is_not_swallowed(plan):
    class Interrupting:
        def keys(self):
            raise KeyboardInterrupt

        def __getitem__(self, key):
            return None

    with pytest.raises(KeyboardInterrupt):
        tuanthu.evaluate(plan, [Interrupting()], as_of=AS_OF)


def test_a_value_that_changes_its_container_while_read(plan):
    """pyo3's dict iterator panics when a dict changes size under it; we read a snapshot."""
    row: Dict[str, Any] = {"agency": "Sở Tư pháp", "obligation": "II.3", "received": "2026-04-21"}

    class Meddler:
        def item(self):
            row.clear()
            row.update({f"k{i}": i for i in range(50)})
            return "x"

    row["note"] = Meddler()
    with within():
        report = tuanthu.evaluate(plan, [row], as_of=AS_OF)
    assert len(report.assessments) > 0


def test_str_subclasses_and_int_keys_convert(plan):
    row = {Text("agency"): Text("Sở Tư pháp"), "obligation": "II.3", "received": Text("2026-04-21")}
    report = tuanthu.evaluate(plan, [row], as_of=AS_OF)
    assert any(a["agency"] == "Sở Tư pháp" for a in report.assessments)
    # An int key becomes its text: the contract then says whether the field exists.
    with pytest.raises(InputError) as info:
        tuanthu.evaluate(plan, [{1: "x"}], as_of=AS_OF)
    assert "1" in str(info.value)


def test_numpy_scalars(plan):
    np = pytest.importorskip("numpy")
    ok = {"agency": "Sở Nội vụ", "obligation": "IV.1", "period": np.int64(2026),
          "received": "2026-11-13"}
    # A year as an integer (a numpy int64 here) is the period 2026, as in a CSV cell or a DataFrame:
    # the rows go through the one submissions table.
    assert tuanthu.Submissions.from_records([ok]) == tuanthu.Submissions.from_records(
        [dict(ok, period="2026")])
    for bad, expected in ((np.float64("nan"), "not a finite number"),
                          (np.array([1, 2]), "reading the value raised ValueError")):
        with within(), pytest.raises(InputError) as info:
            tuanthu.evaluate(plan, [dict(ok, note=bad)], as_of=AS_OF)
        assert expected in str(info.value)
        assert info.value.field == "[0].note"


# --- host limits (issue: limits given by a host are checked against safe maxima) -----------------

@pytest.mark.parametrize(
    "limit,value",
    [("max_call_levels", 1_000_000), ("max_expr_depth", 10**9), ("max_operations", 0)],
)
def test_host_limits_beyond_safe_maxima_are_input_errors(limit, value):
    with within(), pytest.raises(InputError) as info:
        tuanthu.RulePack.standard(limits={limit: value})
    assert limit in str(info.value)


def test_host_limit_of_wrong_type_is_an_error():
    for bad in ("10", -1, 10**100, [1]):
        with within(), pytest.raises(TuanthuError):
            tuanthu.RulePack.standard(limits={"max_operations": bad})


# --- property: arbitrary nested values never crash -----------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.binary(max_size=8),
    st.dates(),
    st.builds(Text, st.text(max_size=8)),
    st.builds(Opaque),
    st.sampled_from(["2026-11-15", "15/11/2026", "31/02/2026", "0001-01-01", "IV.1", "Sở Tư pháp"]),
)
keys = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["id", "title", "obligations", "agency", "obligation", "received", "period",
                     "schedule", "type", "lead", "kind", "name", "plan", "as_of", "submissions"]),
    st.integers(min_value=-5, max_value=5),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.tuples(children, children),
        st.dictionaries(keys, children, max_size=5),
        st.frozensets(st.integers(), max_size=3),
    ),
    max_leaves=40,
)


def _call_never_crashes(entry: str, value: Any, plan) -> None:
    try:
        ENTRIES[entry](value, plan)
    except TuanthuError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entry=st.sampled_from(sorted(ENTRIES)), value=values)
def test_arbitrary_values_give_a_result_or_a_tuanthu_error(entry, value, plan):
    _call_never_crashes(entry, value, plan)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path_choice=st.integers(min_value=0), value=values)
def test_arbitrary_values_inside_a_real_plan(path_choice, value, plan_dict):
    """A value put at any place of a valid plan: the plan reader's errors, never a crash."""
    plan_value = copy.deepcopy(plan_dict)
    slots = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for k in node:
                slots.append((node, k))
                collect(node[k])
        elif isinstance(node, list):
            for i in range(len(node)):
                slots.append((node, i))
                collect(node[i])

    collect(plan_value)
    container, key = slots[path_choice % len(slots)]
    container[key] = value
    try:
        tuanthu.evaluate(plan_value, as_of=AS_OF)
    except TuanthuError:
        pass


def test_dates_outside_the_calendar_are_input_errors(plan):
    """A received date the calendar cannot hold is bad input, found by the submissions table as it
    reads the row (as for CSV, DataFrames and JS arrays): the row and the column are named."""
    row = {"agency": "Sở Tư pháp", "obligation": "II.3", "received": datetime.date(1, 1, 1)}
    with within(), pytest.raises(InputError) as info:
        tuanthu.evaluate(plan, [row], as_of=AS_OF)
    assert (info.value.file, info.value.field) == ("<submissions>", "[0].received")
    assert info.value.detail == "'0001-01-01': 0001-01-01 is outside the supported years 1900–2199"
