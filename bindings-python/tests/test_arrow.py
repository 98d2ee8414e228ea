"""Arrow in (any `__arrow_c_stream__` producer: polars, pyarrow, pandas) and Arrow out
(`Report.to_arrow()`, `to_polars()`, `to_pandas()`); one submissions table for every source."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap

import pytest

import tuanthu

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
pd = pytest.importorskip("pandas")

AS_OF = "2026-12-01"


def _want(plan, records):
    return tuanthu.evaluate(plan, records, as_of=AS_OF).to_json()


def _table(records):
    """A pyarrow table with every key of every record (from_pylist reads the first one's)."""
    keys = list(dict.fromkeys(k for r in records for k in r))
    return pa.table({k: [r.get(k) for r in records] for k in keys})


def test_polars_and_pyarrow_tables_are_submissions(small_plan, small_submissions):
    want = _want(small_plan, small_submissions)
    df = pl.DataFrame(small_submissions)  # strings are string_view, period has a null
    table = _table(small_submissions)
    assert "period" in table.column_names
    for source in (df, table, table.to_batches()[0], pa.RecordBatchReader.from_batches(
            table.schema, table.to_batches())):
        assert tuanthu.evaluate(small_plan, source, as_of=AS_OF).to_json() == want, type(source)
    assert tuanthu.evaluate(small_plan, tuanthu.Submissions.from_dataframe(df),
                            as_of=AS_OF).to_json() == want
    assert tuanthu.Submissions.from_arrow(table) == tuanthu.Submissions.from_records(
        small_submissions)


def test_received_as_date_timestamp_zoned_or_text(small_plan, small_submissions):
    want = _want(small_plan, small_submissions)
    df = pl.DataFrame(small_submissions)
    received = pl.col("received").str.to_date()
    forms = {
        "date32": received,
        "datetime[us]": received.cast(pl.Datetime("us")),
        "datetime[ms], zoned": received.cast(pl.Datetime("ms")).dt.replace_time_zone(
            "Asia/Ho_Chi_Minh"),
        "dd/mm/yyyy text": received.dt.strftime("%d/%m/%Y"),
    }
    for label, expr in forms.items():
        d2 = df.with_columns(expr.alias("received"))
        assert tuanthu.evaluate(small_plan, d2, as_of=AS_OF).to_json() == want, label
    # A zoned timestamp is read on its zone's clock: 23:30 on 20/04 in Hanoi is 16:30 UTC.
    zoned = pa.table({"agency": ["Sở Tư pháp"], "obligation": ["II.3"], "received": pa.array(
        [dt.datetime(2026, 4, 20, 16, 30)], pa.timestamp("s", tz="UTC")).cast(
            pa.timestamp("s", tz="Asia/Ho_Chi_Minh"))})
    assert tuanthu.Submissions.from_arrow(zoned).to_list()[0]["received"] == dt.date(2026, 4, 20)
    # Integer periods (polars Int64 with a null), dictionary-encoded text, upper-case names.
    d3 = df.with_columns(pl.Series("period", [None, 2026], pl.Int64),
                         pl.col("agency").cast(pl.Categorical))
    d3.columns = [c.upper() for c in d3.columns]
    assert tuanthu.evaluate(small_plan, d3, as_of=AS_OF).to_json() == want


def test_null_rows_are_skipped_and_null_cells_are_missing(small_plan, small_submissions):
    want = _want(small_plan, small_submissions)
    blank = {"agency": None, "obligation": None, "received": None}
    table = _table(small_submissions + [blank])
    assert tuanthu.evaluate(small_plan, table, as_of=AS_OF).to_json() == want
    half = _table(small_submissions + [{"agency": "A", "obligation": "II.3"}])
    with pytest.raises(tuanthu.InputError) as info:
        tuanthu.evaluate(small_plan, half, as_of=AS_OF)
    e = info.value
    assert (e.file, e.row, e.field) == ("<Arrow>", 2, "received")
    assert e.detail == "required value is empty"


def test_wrong_column_types_name_the_column(small_plan, small_submissions):
    df = pl.DataFrame(small_submissions)
    cases = {
        "received": df.with_columns(pl.lit(1.5).alias("received")),
        "agency": df.with_columns(pl.lit(True).alias("agency")),
        "period": df.with_columns(pl.lit(dt.date(2026, 1, 1)).alias("period")),
    }
    for column, frame in cases.items():
        with pytest.raises(tuanthu.InputError) as info:
            tuanthu.evaluate(small_plan, frame, as_of=AS_OF)
        e = info.value
        assert e.field == column and e.row is None, (column, str(e))
        assert "cannot be read here: expected" in e.detail, e.detail
    with pytest.raises(tuanthu.InputError) as info:
        tuanthu.evaluate(small_plan, df.with_columns(pl.lit("x").alias("colour")), as_of=AS_OF)
    assert info.value.field == "colour" and "unknown column" in info.value.detail
    with pytest.raises(tuanthu.InputError) as info:
        tuanthu.evaluate(small_plan, df.drop("obligation"), as_of=AS_OF)
    assert (info.value.field, info.value.detail) == ("obligation", "required column is missing")


BAD_ROWS = [
    # (column, cell text, what the message starts with)
    ("received", "31/02/2026", "'31/02/2026' is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)"),
    ("received", "", "required value is empty"),
    ("received", "01/01/1800", "'01/01/1800': "),
    ("period", "2026-Q5", "invalid period '2026-Q5'"),
    ("agency", "", "required value is empty"),
    ("obligation", "  ", "required value is empty"),
]


@pytest.mark.parametrize("column,cell,starts", BAD_ROWS)
def test_same_message_whichever_way_rows_arrive(column, cell, starts):
    """One bad cell in the second row: CSV text, pandas, polars and pyarrow give the same field
    and message (only the location's form differs: CSV line 3 = row position 1)."""
    rows = [{"agency": "A", "obligation": "II.3", "period": "", "received": "2026-01-02"},
            {"agency": "B", "obligation": "II.3", "period": "", "received": "2026-01-03"}]
    rows[1][column] = cell
    cols = list(rows[0])
    csv = ",".join(cols) + "\n" + "".join(",".join(r[c] for c in cols) + "\n" for r in rows)
    errors = {}
    with pytest.raises(tuanthu.InputError) as info:
        tuanthu.Submissions.from_csv(csv, source_name="s.csv")
    errors["csv"] = info.value
    for name, frame in (("pandas", pd.DataFrame(rows)), ("polars", pl.DataFrame(rows)),
                        ("pyarrow", pa.Table.from_pylist(rows))):
        with pytest.raises(tuanthu.InputError) as info:
            tuanthu.Submissions.from_dataframe(frame)
        errors[name] = info.value
    assert errors["csv"].line == 3
    assert errors["csv"].detail.startswith(starts), errors["csv"].detail
    for name, e in errors.items():
        assert (e.field, e.detail) == (column, errors["csv"].detail), (name, str(e))
        if name != "csv":
            assert e.row == 1, (name, str(e))


def test_the_flat_columns_are_one_definition(small_plan, small_submissions):
    """The CSV (the CLI's --format csv) and the Arrow, polars and pandas tables have the core's
    flat assessment columns, by name and in order, and the same values in text."""
    import csv
    import io

    report = tuanthu.evaluate(small_plan, small_submissions, as_of=AS_OF)
    for lang in ("vi", "en"):
        rows = list(csv.reader(io.StringIO(report.to_csv(lang=lang))))
        header = rows[0]
        assert header[:3] == ["obligation", "title", "agency"] and "last_day" in header
        table = report.to_arrow(lang=lang)
        assert table.schema.names == header
        assert report.to_polars(lang=lang).columns == header
        assert list(report.to_pandas(lang=lang).columns) == header
        assert len(rows) - 1 == table.num_rows == len(report)

        def text(v):
            if v is None:
                return ""
            if isinstance(v, bool):
                return "true" if v else "false"
            return str(v)

        for csv_row, arrow_row in zip(rows[1:], table.to_pylist()):
            assert csv_row == [text(arrow_row[name]) for name in header]


def test_to_arrow_polars_pandas(small_plan, small_submissions):
    report = tuanthu.evaluate(small_plan, small_submissions, as_of=AS_OF)
    table = report.to_arrow()
    assert isinstance(table, pa.Table) and table.num_rows == len(report)
    assert table.schema.field("last_day").type == pa.date32()
    assert table.schema.field("days_late").type == pa.int64()
    assert table.schema.field("due_soon").type == pa.bool_()
    rows = table.to_pylist()
    for row, a in zip(rows, report.assessments):
        assert (row["obligation"], row["agency"], row["period"], row["status"]) == (
            a["obligation"], a["agency"], a["period"], a["status"])
        assert row["received"] == a.get("received")
        assert row["last_day"] == (a["due"]["last_day"] if "due" in a else None)
        assert row["days_late"] == a.get("days_late")
        assert row["explanation"] == a["explanation_vi"]
    english = report.to_arrow(lang="en").to_pylist()
    assert [r["explanation"] for r in english] == [a["explanation_en"] for a in report.assessments]
    with pytest.raises(ValueError, match="lang 'fr'"):
        report.to_arrow(lang="fr")

    df = report.to_polars()
    assert isinstance(df, pl.DataFrame) and df.height == len(report)
    assert df.schema["received"] == pl.Date and df.schema["days_late"] == pl.Int64
    late = df.filter((pl.col("obligation") == "II.3") & (pl.col("agency") == "Sở Tư pháp"))
    assert late["status"].item() == "done_late" and late["days_late"].item() == 2
    assert late["received"].item() == dt.date(2026, 4, 21)

    findings = report.to_arrow("findings")
    assert findings.num_rows == len(report.findings)
    assert report.to_polars("findings").height == len(report.findings)
    for method in (report.to_arrow, report.to_polars, report.to_pandas):
        with pytest.raises(ValueError, match="expected 'assessments' or 'findings'"):
            method("everything")


def test_tables_of_several_reports_concatenate(small_plan, small_submissions):
    """The schema is fixed (every column nullable), whatever a report holds."""
    empty = tuanthu.evaluate(small_plan, [], as_of="2026-01-05").to_arrow("findings")
    full = tuanthu.evaluate(small_plan, small_submissions + [
        {"agency": "Sở Tư pháp", "obligation": "II.9", "received": "2026-05-02"}],
        as_of=AS_OF).to_arrow("findings")
    assert empty.schema == full.schema
    assert pa.concat_tables([empty, full]).num_rows == full.num_rows + empty.num_rows


@pytest.mark.parametrize("module,method,extra", [
    ("pyarrow", "to_arrow", "arrow"),
    ("polars", "to_polars", "polars"),
    ("pandas", "to_pandas", "pandas"),
    ("pyarrow", "to_pandas", "pandas"),
])
def test_each_library_stays_optional(module, method, extra):
    code = textwrap.dedent(f"""
        import sys
        sys.modules[{module!r}] = None  # as if it were not installed
        import tuanthu
        r = tuanthu.evaluate({{"id": "p", "title": "t", "obligations": []}}, [], as_of="2026-01-01")
        try:
            r.{method}()
        except ImportError as e:
            assert "pip install 'tuanthu[{extra}]'" in str(e) and {module!r} in str(e), e
            print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
