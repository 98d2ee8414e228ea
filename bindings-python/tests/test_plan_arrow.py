"""A plan's obligations as columns (`Plan.from_arrow`, the core's obligations table) and the
column selection of `Report.to_arrow(columns=...)`."""

from __future__ import annotations

import datetime as dt

import pytest

import tuanthu

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")

AS_OF = "2026-11-20"
ROWS = [
    # id, title, lead, deadline, bound
    ("R.1", "Báo cáo quý", "Sở Tư pháp", "2026-11-15", "before"),
    ("R.2", "Rà soát văn bản", "Công an tỉnh", "2026-11-25", "no_later_than"),
    ("R.3", "Tập huấn", "Sở Nội vụ", "2026-11-20", "before"),
    ("R.4", "Kiểm tra", "Sở Tư pháp", "2027-01-05", "before"),
]
SUBMISSIONS = [
    {"agency": "Sở Tư pháp", "obligation": "R.1", "received": "2026-11-16"},
    {"agency": "Sở Nội vụ", "obligation": "R.3", "received": "2026-11-10"},
]
POLICIES = {"deadline_reading": "exclusive", "day_off": "strict", "due_soon_days": 6}


def _dict_plan(rows=ROWS):
    return tuanthu.Plan.from_json({
        "id": "p", "title": "Kế hoạch",
        "obligations": [{
            "id": i, "title": t, "lead": [{"kind": "agency", "name": lead}],
            "schedule": {"type": "once", "deadline": {"date": d, "bound": b}},
        } for i, t, lead, d, b in rows],
    })


def _columns(rows=ROWS):
    names = ["id", "title", "lead", "deadline", "bound"]
    return {n: [r[k] for r in rows] for k, n in enumerate(names)}


def test_a_plan_from_columns_equals_the_plan_from_dicts():
    want = _dict_plan()
    cols = _columns()
    typed = dict(cols, deadline=[dt.date.fromisoformat(d) for d in cols["deadline"]])
    sources = {
        "pyarrow, text dates": pa.table(cols),
        "pyarrow, date32, schedule column": pa.table(dict(typed, schedule=["once"] * len(ROWS))),
        "polars, string_view": pl.DataFrame(cols),
        "polars, dates, other order": pl.DataFrame(typed).select(
            "deadline", "bound", "lead", "title", "id"),
        "a record batch reader": pa.RecordBatchReader.from_batches(
            pa.table(cols).schema, pa.table(cols).to_batches(max_chunksize=3)),
    }
    for label, source in sources.items():
        plan = tuanthu.Plan.from_arrow(source, id="p", title="Kế hoạch")
        assert plan == want, label
        assert plan.to_json() == want.to_json(), label


def test_the_same_plan_evaluates_to_the_same_report():
    plan = tuanthu.Plan.from_arrow(pa.table(_columns()), id="p", title="Kế hoạch")
    got = tuanthu.evaluate(plan, pa.Table.from_pylist(SUBMISSIONS), as_of=AS_OF,
                           policies=POLICIES)
    want = tuanthu.evaluate(_dict_plan(), SUBMISSIONS, as_of=AS_OF, policies=POLICIES)
    assert got.to_json() == want.to_json()
    statuses = {a["obligation"]: a["status"] for a in got.assessments}
    assert statuses == {"R.1": "done_late", "R.2": "in_progress", "R.3": "done_on_time",
                        "R.4": "in_progress"}


@pytest.mark.parametrize("column, cell, row, message", [
    ("deadline", "2026-02-31", 1,
     "'2026-02-31' is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)"),
    ("bound", "by", 2, "'by' is not a bound (expected before or no_later_than)"),
    ("lead", None, 3, "required value is empty"),
    ("id", "R.1", 2, "'R.1' is the id of row 0 too (ids are unique within a plan)"),
])
def test_a_bad_cell_names_its_row_and_column(column, cell, row, message):
    cols = _columns()
    cols[column][row] = cell
    for source in (pa.table(cols), pl.DataFrame(cols)):
        with pytest.raises(tuanthu.InputError) as e:
            tuanthu.Plan.from_arrow(source, id="p", title="t")
        assert (e.value.row, e.value.field) == (row, column)
        assert e.value.detail == message
        assert f"row {row}" in str(e.value)


def test_bad_tables_are_refused_before_any_row():
    cols = _columns()
    cases = {
        "required column is missing": {k: v for k, v in cols.items() if k != "bound"},
        "unknown column; expected some of: id (Mã nhiệm vụ), title (Nhiệm vụ), "
        "lead (Cơ quan chủ trì), deadline (Thời hạn), bound, schedule":
            dict(cols, due=cols["deadline"]),
        "a column of Arrow type Int64 cannot be read here": dict(
            cols, deadline=[20261115] * len(ROWS)),
    }
    for message, table in cases.items():
        with pytest.raises(tuanthu.InputError) as e:
            tuanthu.Plan.from_arrow(pa.table(table), id="p", title="t")
        assert e.value.row is None
        assert e.value.detail.startswith(message), e.value.detail
    with pytest.raises(tuanthu.InputError, match="'recurring' cannot be given"):
        tuanthu.Plan.from_arrow(pa.table(dict(cols, schedule=["once", "recurring", "once",
                                                              "once"])), id="p", title="t")
    with pytest.raises(TypeError):
        tuanthu.Plan.from_arrow(pa.table(cols))  # the plan's id and title are not invented


def test_blank_rows_are_skipped():
    cols = _columns()
    for v in cols.values():
        v.append(None)
    plan = tuanthu.Plan.from_arrow(pa.table(cols), id="p", title="Kế hoạch")
    assert plan == _dict_plan()


def test_to_arrow_builds_only_the_columns_asked_for():
    report = tuanthu.evaluate(_dict_plan(), SUBMISSIONS, as_of=AS_OF, policies=POLICIES)
    full = report.to_arrow()
    some = report.to_arrow(columns=["status", "days_late", "due_soon"])
    assert some.column_names == ["status", "days_late", "due_soon"]
    assert some.equals(full.select(["status", "days_late", "due_soon"]))
    assert report.to_polars(columns=["obligation", "status"]).columns == ["obligation", "status"]
    assert list(report.to_pandas(columns=["days_late"]).columns) == ["days_late"]
    findings = report.to_arrow("findings", columns=["rule", "obligation"])
    assert findings.equals(report.to_arrow("findings").select(["rule", "obligation"]))
    with pytest.raises(ValueError, match="unknown column 'colour'; expected some of: "):
        report.to_arrow(columns=["status", "colour"])
    with pytest.raises(ValueError, match="asked for twice"):
        report.to_arrow(columns=["status", "status"])
