"""Plans as issued: .docx and .pdf through Plan.from_file / Plan.from_text_file, and the fixture
script reproducing the committed fixtures."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import tuanthu

FORMATS = Path(__file__).resolve().parents[2] / "core" / "tests" / "data" / "formats"
PLANS = FORMATS.parent / "plans"
STEMS = [
    "vinh-long-144-KH-UBND",
    "hung-yen-draft",
    "can-tho-qd-kh",
    "synthetic-appendix-table",
    "synthetic-other-province",
    "synthetic-agency-first",
]
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def projection(plan):
    def strip(v):
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if k != "source"}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v

    keys = ["id", "kind", "title", "lead", "coordinating", "performers", "schedule", "reporting"]
    return [strip({k: o.get(k) for k in keys}) for o in plan.obligations]


@pytest.mark.parametrize("stem", STEMS)
def test_docx_reads_like_its_text(stem):
    text = next(PLANS.glob(f"{stem}.*"))
    want = tuanthu.Plan.from_text_file(text)
    got = tuanthu.Plan.from_file(FORMATS / f"{stem}.docx")
    assert got.id == stem
    assert projection(got) == projection(want)
    assert got.warnings[0]["code"] == "source_format"
    assert tuanthu.Plan.from_text_file(str(FORMATS / f"{stem}.docx"), id="x").id == "x"


def test_from_file_still_reads_plan_json(vinh_long):
    assert len(tuanthu.Plan.from_file(vinh_long / "plan.json")) > 0


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_pdf_and_scans():
    got = tuanthu.Plan.from_file(FORMATS / "vinh-long-144-KH-UBND.pdf")
    want = tuanthu.Plan.from_text_file(PLANS / "vinh-long-144-KH-UBND.txt")
    assert projection(got) == projection(want)
    with pytest.raises(tuanthu.InputError) as info:
        tuanthu.Plan.from_file(FORMATS / "scanned-no-text.pdf")
    assert info.value.file.endswith("scanned-no-text.pdf")
    assert "no text layer" in str(info.value) and "OCR" in str(info.value)


def test_broken_documents_raise_input_error(tmp_path):
    cut = tmp_path / "cut.docx"
    cut.write_bytes((FORMATS / "hung-yen-draft.docx").read_bytes()[:5000])
    with pytest.raises(tuanthu.InputError) as info:
        tuanthu.Plan.from_text_file(cut)
    assert "broken" in str(info.value) and info.value.file == str(cut)
    legacy = tmp_path / "tcvn3.txt"
    legacy.write_bytes(b"K\xca HO\xa0CH\n")
    with pytest.raises(tuanthu.InputError) as info:
        tuanthu.Plan.from_file(legacy)
    assert "offset 1" in str(info.value)


def test_fixture_script_reproduces_the_fixtures(tmp_path):
    pytest.importorskip("docx")
    pytest.importorskip("fpdf")
    if not FONT.exists():
        pytest.skip("DejaVu fonts missing (apt-get install fonts-dejavu-core)")
    subprocess.run([sys.executable, str(FORMATS / "make_fixtures.py"), str(tmp_path)], check=True)
    for stem in STEMS:
        made, kept = zipfile.ZipFile(tmp_path / f"{stem}.docx"), zipfile.ZipFile(FORMATS / f"{stem}.docx")
        for part in ["word/document.xml", "word/numbering.xml", "word/styles.xml"]:
            assert made.read(part) == kept.read(part), f"{stem}.docx {part}: rerun make_fixtures.py"
        if shutil.which("pdftotext"):
            text = lambda p: subprocess.run(  # noqa: E731
                ["pdftotext", "-enc", "UTF-8", str(p), "-"], check=True, capture_output=True
            ).stdout
            assert text(tmp_path / f"{stem}.pdf") == text(FORMATS / f"{stem}.pdf"), f"{stem}.pdf"
