"""DataFrames in (submissions), DataFrames out (Report.to_pandas); pandas stays optional."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap

import pytest

import tuanthu

pd = pytest.importorskip("pandas")


def _want(small_plan, small_submissions):
    return tuanthu.evaluate(small_plan, small_submissions, as_of="2026-12-01").to_json()


def test_dataframe_submissions_all_date_forms(small_plan, small_submissions):
    want = _want(small_plan, small_submissions)
    df = pd.DataFrame(small_submissions)  # period has a NaN
    assert tuanthu.evaluate(small_plan, df, as_of="2026-12-01").to_json() == want
    forms = [
        pd.to_datetime(df["received"]),                                   # datetime64
        pd.to_datetime(df["received"]).dt.tz_localize("Asia/Ho_Chi_Minh"),  # tz-aware
        [dt.date.fromisoformat(d) for d in df["received"]],                # date objects
        pd.to_datetime(df["received"]).dt.strftime("%d/%m/%Y"),          # Vietnamese text
    ]
    for received in forms:
        d2 = df.copy()
        d2["received"] = received
        assert tuanthu.evaluate(small_plan, d2, as_of="2026-12-01").to_json() == want, received
    # Integer periods (2026), upper-case column names, and a Submissions made once.
    d3 = df.copy()
    d3["period"] = pd.array([None, 2026], dtype="Int64")
    d3.columns = [c.upper() for c in d3.columns]
    subs = tuanthu.Submissions.from_dataframe(d3)
    assert len(subs) == 2
    assert tuanthu.evaluate(small_plan, subs, as_of="2026-12-01").to_json() == want


def test_dataframe_with_custom_index_and_blank_rows(small_plan, small_submissions):
    want = _want(small_plan, small_submissions)
    df = pd.DataFrame(small_submissions + [{"agency": None, "obligation": None, "received": None}],
                      index=["a", "b", "c"])
    assert tuanthu.evaluate(small_plan, df, as_of="2026-12-01").to_json() == want


def test_dataframe_errors_name_row_and_column(small_plan, small_submissions):
    df = pd.DataFrame(small_submissions)
    df.loc[1, "received"] = "31/02/2026"
    with pytest.raises(tuanthu.InputError) as info:
        tuanthu.evaluate(small_plan, df, as_of="2026-12-01")
    e = info.value
    assert e.file == "<DataFrame>" and e.row == 1 and e.field == "received"
    assert "'31/02/2026' is not a real date" in str(e)
    with pytest.raises(tuanthu.InputError) as info:
        tuanthu.evaluate(small_plan, df.assign(colour="red"), as_of="2026-12-01")
    assert info.value.field == "colour"
    with pytest.raises(tuanthu.InputError) as info:
        tuanthu.evaluate(small_plan, df.drop(columns=["obligation"]), as_of="2026-12-01")
    assert info.value.field == "obligation" and "missing" in str(info.value)
    bad_period = pd.DataFrame(small_submissions).assign(period=["2026-Q5", "2026"])
    with pytest.raises(tuanthu.InputError) as info:
        tuanthu.evaluate(small_plan, bad_period, as_of="2026-12-01")
    assert info.value.row == 0 and info.value.field == "period"
    empty_agency = pd.DataFrame(small_submissions).assign(agency=["", "Sở Nội vụ"])
    with pytest.raises(tuanthu.InputError) as info:
        tuanthu.evaluate(small_plan, empty_agency, as_of="2026-12-01")
    assert info.value.row == 0 and info.value.field == "agency"


def test_to_pandas_assessments(small_plan, small_submissions):
    report = tuanthu.evaluate(small_plan, small_submissions, as_of="2026-12-01")
    df = report.to_pandas()
    assert len(df) == len(report)
    assert list(df.columns)[:6] == ["obligation", "title", "agency", "period", "stage", "status"]
    for col in ("stated_due", "last_day", "received"):
        assert str(df[col].dtype).startswith("datetime64"), (col, df[col].dtype)
    assert str(df["days_late"].dtype) == "Int64"
    row = df[(df.obligation == "II.3") & (df.agency == "Sở Tư pháp")].iloc[0]
    assert row.status == "done_late" and row.days_late == 2
    assert row.received == pd.Timestamp("2026-04-21") and row.last_day == pd.Timestamp("2026-04-19")
    assert row.status_label == "Đã hoàn thành quá hạn"
    overdue = df[df.status == "overdue"].groupby("obligation")["agency"].apply(sorted).to_dict()
    assert overdue == {"IV.1": ["Công an tỉnh", "Sở Tư pháp"]}
    assert pd.isna(df[df.obligation == "II.1"].iloc[0].last_day)


def test_to_pandas_findings(small_plan, small_submissions):
    report = tuanthu.evaluate(small_plan, small_submissions + [
        {"agency": "Sở Tư pháp", "obligation": "II.9", "received": "2026-05-02"}], as_of="2026-12-01")
    df = report.to_pandas("findings")
    assert len(df) == len(report.findings)
    assert str(df["submission"].dtype) == "Int64"
    assert (df[df.rule == "evidence.obligation"].submission == 2).all()
    with pytest.raises(ValueError):
        report.to_pandas("everything")


def test_pandas_is_optional():
    code = textwrap.dedent("""
        import sys
        sys.modules["pandas"] = None  # as if pandas were not installed
        import tuanthu
        r = tuanthu.evaluate({"id": "p", "title": "t", "obligations": []}, [], as_of="2026-01-01")
        assert r.to_json()
        try:
            r.to_pandas()
        except ImportError as e:
            assert "pip install pandas" in str(e), e
            print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
