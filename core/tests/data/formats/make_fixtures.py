#!/usr/bin/env python3
"""Builds the .docx and .pdf fixtures of core/tests/formats.rs from the text plans.

    python3 core/tests/data/formats/make_fixtures.py [OUT_DIR]

Needs python-docx and fpdf2 (pinned in bindings-python/requirements-fixtures.txt) and the DejaVu
fonts (Debian: fonts-dejavu-core). OUT_DIR defaults to this script's folder. The output is
deterministic: fixed dates, fixed zip timestamps, so a rerun gives the same files.

Each plan text (core/tests/data/plans/) becomes what a province would really send:
- a .docx where every numbered paragraph carries Word's *automatic* numbering (the label `II.`,
  `1.`, `a)`, `-`, `+` is not in the text; it comes from numbering.xml, Roman section headings
  through a numbered paragraph style, the rest through direct numPr; a list that restarts at a
  number the counters would not give gets a new instance with a startOverride), lines of one
  paragraph joined by soft line breaks, the header block (`Số:` | place and date, and the
  issuer | national motto) as a borderless two-column table, Markdown tables as Word tables
  (group rows merged across columns), bold/italic as run formatting;
- a PDF (fpdf2, DejaVu Sans) of the same text, wrapped at the page width, with a running header
  from page 2 on and page numbers in the footer (a different common form per plan).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from fpdf import FPDF

HERE = Path(__file__).resolve().parent
PLANS = HERE.parent / "plans"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FIXED = dt.datetime(2026, 5, 1, 8, 0, 0, tzinfo=dt.timezone.utc)

# (plan file, running header of the PDF, page-number form of the PDF)
SOURCES = [
    ("vinh-long-144-KH-UBND.txt", "Kế hoạch số 144/KH-UBND của UBND tỉnh Vĩnh Long", "Trang {n}/{total}"),
    ("hung-yen-draft.txt", "DỰ THẢO - Kế hoạch triển khai thi hành Luật An ninh mạng", "- {n} -"),
    ("can-tho-qd-kh.txt", "UBND thành phố Cần Thơ", "{n}"),
    ("synthetic-appendix-table.md", "Kế hoạch số 88/KH-UBND", "Trang {n}"),
    ("synthetic-other-province.txt", "UBND tỉnh Tây Ninh - Kế hoạch số 215/KH-UBND", "Trang {n}/{total}"),
    ("synthetic-agency-first.txt", "Kế hoạch triển khai thi hành Luật An ninh mạng", "- {n} -"),
]

# Levels of the plan list (Decree 30/2020: I. → 1. → a) → - → +).
ROMAN, DECIMAL, LETTER, DASH, PLUS = range(5)
LEVELS = [
    ("upperRoman", "%1.", 1),
    ("decimal", "%2.", 1),
    ("lowerLetter", "%3)", 1),
    ("bullet", "-", 1),
    ("bullet", "+", 1),
]
LABEL_RE = [
    (ROMAN, re.compile(r"^([IVXLC]+)\.\s+")),
    (DECIMAL, re.compile(r"^(\d+)\.\s+")),
    (LETTER, re.compile(r"^([a-z])\)\s+")),
    (DASH, re.compile(r"^(-)\s+")),
    (PLUS, re.compile(r"^(\+)\s+")),
]
SECTION_STYLE = "PlanSection"


# ---------------------------------------------------------------------------------------------
# Reading the text plans


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Para:
    lines: list[list[Run]] = field(default_factory=list)
    level: int | None = None  # numbered paragraph: its level
    number: int | None = None  # the number written in the text (None for bullets)
    literal: str = ""  # the label as written

    def plain_lines(self) -> list[str]:
        return ["".join(r.text for r in line) for line in self.lines]


@dataclass
class Table:
    rows: list[list[list[str]]]  # rows → cells → paragraphs
    header_block: bool = False


def inline_runs(text: str) -> list[Run]:
    """Markdown emphasis (`**bold**`, `*italic*`) as runs; other text as written."""
    runs: list[Run] = []
    bold = italic = False
    for tok in re.split(r"(\*\*|\*)", text):
        if tok == "**":
            bold = not bold
        elif tok == "*":
            italic = not italic
        elif tok:
            runs.append(Run(tok, bold, italic))
    return runs


def plain(text: str) -> str:
    return "".join(r.text for r in inline_runs(text))


def strip_prefix(runs: list[Run], n: int) -> list[Run]:
    out: list[Run] = []
    for r in runs:
        if n >= len(r.text):
            n -= len(r.text)
            continue
        out.append(Run(r.text[n:], r.bold, r.italic))
        n = 0
    return out


def label_of(text: str):
    for level, rx in LABEL_RE:
        m = rx.match(text)
        if m:
            return level, m
    return None


def roman_value(s: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for a, b in zip(s, s[1:] + " "):
        v = values[a]
        total += -v if values.get(b, 0) > v else v
    return total


def split_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [c.strip() for c in inner.split("|")]


def read_plan(text: str) -> list[Para | Table]:
    blocks: list[Para | Table] = []
    cur: Para | None = None
    table: list[str] = []

    def flush_table():
        nonlocal table
        if table:
            rows = []
            for line in table:
                if re.fullmatch(r"\|?[\s:|\-]*", line.strip()):
                    continue
                rows.append([[plain(p).strip() for p in c.split("<br>")] for c in split_cells(line)])
            blocks.append(Table(rows))
            table = []

    for raw in text.splitlines():
        line = raw.rstrip()
        if line.strip().startswith("|"):
            cur = None
            table.append(line)
            continue
        flush_table()
        if not line.strip():
            cur = None
            continue
        line = re.sub(r"^#{1,6}\s+", "", line.strip())
        runs = inline_runs(line)
        text_plain = "".join(r.text for r in runs)
        lab = label_of(text_plain.lstrip())
        if cur is None or lab is not None:
            cur = Para()
            blocks.append(cur)
            if lab is not None:
                level, m = lab
                lead = len(text_plain) - len(text_plain.lstrip())
                runs = strip_prefix(runs, lead + m.end())
                cur.level = level
                cur.literal = m.group(1)
                if level == ROMAN:
                    cur.number = roman_value(m.group(1))
                elif level == DECIMAL:
                    cur.number = int(m.group(1))
                elif level == LETTER:
                    cur.number = ord(m.group(1)) - ord("a") + 1
        cur.lines.append(runs)
    flush_table()
    return header_as_table(blocks)


def header_as_table(blocks: list[Para | Table]) -> list[Para | Table]:
    """The `Số:` line and the place-and-date line (and the issuer and motto lines above them)
    as the two-column header table of a real document."""
    number = date = None
    for i, b in enumerate(blocks[:12]):
        if not isinstance(b, Para) or b.level is not None or len(b.lines) != 1:
            continue
        t = b.plain_lines()[0].strip()
        if number is None and re.match(r"^Số\s*:", t):
            number = i
        elif date is None and re.search(r",\s*ngày\b", t) and len(t) < 80:
            date = i
    if number is None or date is None or abs(number - date) != 1:
        return blocks
    first = min(number, date)
    cell = lambda i: [blocks[i].plain_lines()[0].strip()]  # noqa: E731
    rows = [[cell(number), cell(date)]]
    issuer = [i for i in range(first) if isinstance(blocks[i], Para)]
    if len(issuer) == 2:
        rows.insert(0, [blocks[issuer[0]].plain_lines(), blocks[issuer[1]].plain_lines()])
        first = issuer[0]
    return blocks[:first] + [Table(rows, header_block=True)] + blocks[max(number, date) + 1 :]


# ---------------------------------------------------------------------------------------------
# Word numbering as Word counts


class Counters:
    """Word's counters for one abstract list: a level advances, the levels below restart."""

    def __init__(self):
        self.values: list[int | None] = [None] * len(LEVELS)

    def next(self, level: int, start_override: int | None = None) -> int:
        if start_override is not None:
            self.values[level] = start_override - 1
        v = self.values[level]
        v = LEVELS[level][2] if v is None else v + 1
        self.values[level] = v
        for j in range(level + 1, len(LEVELS)):
            self.values[j] = None
        return v


def to_roman(n: int) -> str:
    out = ""
    for v, s in [(100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]:
        while n >= v:
            out += s
            n -= v
    return out


def shown(level: int, n: int) -> str:
    return {ROMAN: to_roman(n), DECIMAL: str(n), LETTER: chr(ord("a") + n - 1)}.get(level, LEVELS[level][1])


# ---------------------------------------------------------------------------------------------
# .docx


def w(tag: str, **attrs) -> OxmlElement:
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), str(v))
    return el


def numbering_xml(doc, instances: int):
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    abstract = w("w:abstractNum", abstractNumId=0)
    abstract.append(w("w:multiLevelType", val="multilevel"))
    for i, (fmt, text, start) in enumerate(LEVELS):
        lvl = w("w:lvl", ilvl=i)
        lvl.append(w("w:start", val=start))
        lvl.append(w("w:numFmt", val=fmt))
        if i == ROMAN:
            lvl.append(w("w:pStyle", val=SECTION_STYLE))
        lvl.append(w("w:lvlText", val=text))
        lvl.append(w("w:lvlJc", val="left"))
        ppr = w("w:pPr")
        ppr.append(w("w:ind", left=360 * i, hanging=0))
        lvl.append(ppr)
        abstract.append(lvl)
    numbering.append(abstract)
    return numbering


def add_num(numbering, num_id: int, override: tuple[int, int] | None):
    num = w("w:num", numId=num_id)
    num.append(w("w:abstractNumId", val=0))
    if override is not None:
        level, start = override
        o = w("w:lvlOverride", ilvl=level)
        o.append(w("w:startOverride", val=start))
        num.append(o)
    numbering.append(num)


def set_num(paragraph, num_id: int, level: int):
    ppr = paragraph._p.get_or_add_pPr()
    numpr = ppr.get_or_add_numPr()
    numpr.get_or_add_ilvl().val = level
    numpr.get_or_add_numId().val = num_id


def add_runs(paragraph, lines: list[list[Run]]):
    for k, line in enumerate(lines):
        if k > 0:
            paragraph.add_run().add_break()  # a soft line break (w:br)
        for r in line:
            run = paragraph.add_run(r.text)
            run.bold = r.bold or None
            run.italic = r.italic or None


def build_docx(blocks: list[Para | Table], out: Path):
    doc = Document()
    doc.core_properties.created = FIXED.replace(tzinfo=None)
    doc.core_properties.modified = FIXED.replace(tzinfo=None)
    doc.core_properties.last_modified_by = "tuanthu fixtures"
    doc.core_properties.author = "tuanthu fixtures"
    doc.core_properties.revision = 1
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    section = doc.styles.add_style(SECTION_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    section.base_style = normal
    section.font.bold = True
    # Roman headings are numbered by their style (numPr in styles.xml), as in many templates.
    sppr = section.element.get_or_add_pPr()
    snum = sppr.get_or_add_numPr()
    snum.get_or_add_ilvl().val = 0
    snum.get_or_add_numId().val = 1

    numbering = numbering_xml(doc, 1)
    add_num(numbering, 1, None)
    counters = Counters()
    num_id = 1
    next_id = 2
    stats = {"numbered": 0, "literal": 0, "restarts": 0}
    for b in blocks:
        if isinstance(b, Table):
            add_table(doc, b)
            continue
        p = doc.add_paragraph()
        lines = [list(line) for line in b.lines]
        if b.level is not None:
            override = None
            expected = copy.deepcopy(counters)
            value = expected.next(b.level)
            if b.number is not None and value != b.number and b.number >= 1:
                override = b.number
            if override is not None:
                # The text restarts or skips: a new instance of the list starting there.
                add_num(numbering, next_id, (b.level, override))
                num_id = next_id
                next_id += 1
                stats["restarts"] += 1
                counters.next(b.level, override)
            else:
                counters.next(b.level)
            if b.level == ROMAN and num_id == 1:
                p.style = doc.styles[SECTION_STYLE]
            else:
                set_num(p, num_id, b.level)
            stats["numbered"] += 1
        add_runs(p, lines)
    doc.save(str(out))
    normalise_zip(out)
    return stats


def add_table(doc, t: Table):
    ncols = max(len(r) for r in t.rows)
    table = doc.add_table(rows=len(t.rows), cols=ncols)
    if not t.header_block:
        table.style = doc.styles["Table Grid"]
    for i, row in enumerate(t.rows):
        cells = table.rows[i].cells
        for j in range(ncols):
            paras = row[j] if j < len(row) else [""]
            cell = cells[j]
            cell.paragraphs[0].add_run(paras[0])
            for extra in paras[1:]:
                cell.add_paragraph(extra)
        # A group row (`I | NHIỆM VỤ CHUNG | | |...`): the title merged across the empty cells.
        filled = [j for j in range(ncols) if j < len(row) and any(p for p in row[j])]
        if not t.header_block and len(filled) == 2 and filled == [0, 1] and ncols > 2:
            cells[1].merge(cells[ncols - 1])


def normalise_zip(path: Path):
    """Fixed timestamps and order, so the bytes depend on the content only."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=(2026, 5, 1, 8, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    path.write_bytes(buf.getvalue())


# ---------------------------------------------------------------------------------------------
# .pdf


class PlanPDF(FPDF):
    def __init__(self, running: str, page_form: str):
        super().__init__(format="A4")
        self.running = running
        self.page_form = page_form
        self.set_margins(25, 20, 20)
        self.set_auto_page_break(True, margin=22)
        for style, file in [("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"), ("I", "DejaVuSans-Oblique.ttf"), ("BI", "DejaVuSans-BoldOblique.ttf")]:
            self.add_font("DejaVu", style, str(FONT_DIR / file))
        self.set_creation_date(FIXED)
        self.set_title(running)
        self.set_creator("tuanthu fixtures")
        self.set_producer("tuanthu fixtures")

    def header(self):
        if self.page_no() > 1:
            self.set_font("DejaVu", "I", 8)
            self.cell(0, 5, self.running, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(3)

    def footer(self):
        self.set_y(-15)
        self.set_font("DejaVu", "", 9)
        self.cell(0, 8, self.page_form.format(n=self.page_no(), total="{nb}"), align="C")


def build_pdf(blocks: list[Para | Table], out: Path, running: str, page_form: str):
    pdf = PlanPDF(running, page_form)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for b in blocks:
        if isinstance(b, Table):
            pdf_table(pdf, b, width)
            continue
        lines = b.plain_lines()
        if b.level is not None and lines:
            lines[0] = f"{written_label(b)} {lines[0].lstrip()}"
        bold = all(r.bold for line in b.lines for r in line if r.text.strip()) and any(
            r.text.strip() for line in b.lines for r in line
        )
        pdf.set_font("DejaVu", "B" if bold else "", 11)
        pdf.multi_cell(width, 5.5, "\n".join(lines), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.output(str(out))


def written_label(b: Para) -> str:
    """The label as printed: `II.`, `1.`, `a)`, `-`, `+`."""
    if b.level in (ROMAN, DECIMAL):
        return f"{b.literal}."
    if b.level == LETTER:
        return f"{b.literal})"
    return b.literal


def pdf_table(pdf: PlanPDF, t: Table, width: float):
    pdf.set_font("DejaVu", "", 9 if not t.header_block else 10)
    ncols = max(len(r) for r in t.rows)
    if t.header_block:
        # Two blocks side by side, centred, as printed at the top of a document.
        for row in t.rows:
            y = pdf.get_y()
            x = pdf.l_margin
            bottom = y
            for j in range(ncols):
                text = "\n".join(row[j]) if j < len(row) else ""
                pdf.set_xy(x + j * width / ncols, y)
                pdf.multi_cell(width / ncols, 5, text, align="C", new_x="LMARGIN", new_y="NEXT")
                bottom = max(bottom, pdf.get_y())
            pdf.set_y(bottom + 2)
        pdf.ln(2)
        return
    with pdf.table(width=width, line_height=4.5, text_align="LEFT") as table:
        for row in t.rows:
            r = table.row()
            for j in range(ncols):
                r.cell("\n".join(row[j]) if j < len(row) else "")
    pdf.ln(3)


def build_scanned(out: Path):
    """A 'scanned' plan: one page holding only an image of text lines, no text layer."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (420, 594), 255)
    draw = ImageDraw.Draw(img)
    for k in range(24):
        y = 40 + k * 20
        draw.rectangle([40, y, 380 - (k % 4) * 30, y + 8], fill=40)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED)
    pdf.set_creator("tuanthu fixtures")
    pdf.set_producer("tuanthu fixtures")
    pdf.add_page()
    pdf.image(io.BytesIO(buf.getvalue()), x=0, y=0, w=pdf.w, h=pdf.h)
    pdf.output(str(out))


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else HERE
    out_dir.mkdir(parents=True, exist_ok=True)
    for file, running, page_form in SOURCES:
        text = (PLANS / file).read_text(encoding="utf-8")
        blocks = read_plan(text)
        stem = Path(file).stem
        stats = build_docx(blocks, out_dir / f"{stem}.docx")
        build_pdf(blocks, out_dir / f"{stem}.pdf", running, page_form)
        print(f"{stem}: {stats['numbered']} numbered paragraphs ({stats['restarts']} list restarts)")
    build_scanned(out_dir / "scanned-no-text.pdf")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
