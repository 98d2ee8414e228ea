//! The header: number and symbol (số, ký hiệu), issuer, place and date, title, legal basis
//! (căn cứ / thực hiện ...), and the law's effective date when section I states it.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use super::text::static_regex;

use crate::model::{LegalReference, WarningCode};

use super::structure::{Layout, SectionKind};
use super::text::{collapse_ws, fold, is_upper, title_case, Folded, Line};
use super::Warnings;

#[derive(Debug, Clone, Default)]
pub(crate) struct Header {
    pub number: Option<String>,
    pub issuer: Option<String>,
    pub jurisdiction: Option<String>,
    pub place: Option<String>,
    pub issue_date: Option<NaiveDate>,
    /// The plan's year: issue date, else the year of a blank date line, the title, the law.
    pub year: Option<i32>,
    pub title: String,
    pub legal_basis: Vec<LegalReference>,
    pub law_effective_date: Option<NaiveDate>,
}

static NUMBER_LINE: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"^(?:Số|SỐ|số)\s*[:.]?\s*(.*)$"));
// A place and date line: the place (group 1), `, ngày`, then the date in words or numbers
// (groups 2–4), each pattern built once from these parts.
const PLACE_AT_START: &str = r"^([^,|:;()]{2,40}?)";
// After other text on one line, as a two-column header copied from a PDF or a table gives it
// (`Số: 215/KH-UBND Tây Ninh, ngày 05 tháng 5 năm 2026`): the place starts with a capital
// (Vietnamese capitals, written as a class) after a space.
const PLACE_IN_LINE: &str = r"(?:^|\s)([A-ZĐÀ-ÝĂĨŨƠƯẠ-Ỹ][^,|:;()/]{1,39}?)";
const NGAY: &str = r"\s*,\s*(?i:ngày)";
const DATE_IN_WORDS: &str =
    r"\s*(\d{1,2})?[\s.…_]*(?i:tháng)\s*(\d{1,2})?[\s.…_]*(?i:năm)\s*(\d{4})";
const DATE_IN_NUMBERS: &str = r"\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})";

fn place_date_regex(place: &str, date: &str) -> Regex {
    static_regex(&format!("{place}{NGAY}{date}"))
}

static DATE_LINE: LazyLock<Regex> =
    LazyLock::new(|| place_date_regex(PLACE_AT_START, DATE_IN_WORDS));
static DATE_LINE_NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| place_date_regex(PLACE_AT_START, DATE_IN_NUMBERS));
static DATE_IN_LINE: LazyLock<Regex> =
    LazyLock::new(|| place_date_regex(PLACE_IN_LINE, DATE_IN_WORDS));
static DATE_IN_LINE_NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| place_date_regex(PLACE_IN_LINE, DATE_IN_NUMBERS));
// The start of a place and date (`Vĩnh Long, ngày`): it ends a number written before it on the
// same line, even when the date itself went on to the next line.
static PLACE_DAY_START: LazyLock<Regex> =
    LazyLock::new(|| static_regex(&format!(r"{PLACE_IN_LINE}{NGAY}(?:\s|$)")));
static TITLE_AREA: LazyLock<Regex> =
    LazyLock::new(|| super::timeline::ascii_regex(r"\btren dia ban\s+(?:tinh|thanh pho)\s+"));
static ATTACHED: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i:kèm\s+theo)\s+(?:Quyết định|Văn bản|Công văn|Kế hoạch)\s+số\s*([^\s,;()]*)(?:\s*(?i:ngày)\s*(\d{1,2})?[\s.…_/]*(?i:tháng)?\s*(\d{1,2})?[\s.…_/]*(?i:năm)?\s*(\d{4}))?",
    )
});
static ISSUER_UPPER: LazyLock<Regex> = LazyLock::new(|| {
    super::timeline::ascii_regex(
        r"(?:^|\|\s*|chu tich\s+)(?:uy ban nhan dan|ubnd)\s+(tinh|thanh pho)\s+([a-z][a-z \-]*[a-z])",
    )
});
static ISSUER_PROSE: LazyLock<Regex> = LazyLock::new(|| {
    super::timeline::ascii_regex(
        r"\b(?:uy ban nhan dan|ubnd)(?:\s*\(ubnd\))?\s+(tinh|thanh pho)\s+",
    )
});
static DOC_KIND: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"\b(Bộ luật|Luật|Pháp lệnh|Nghị quyết|Nghị định|Quyết định|Chỉ thị|Thông tư liên tịch|Thông tư|Kế hoạch|Công văn|Hướng dẫn|Kết luận)\b",
    )
});
static DOC_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"\bsố\s*:?\s*(\d+[0-9A-Za-zĐđ/.\-]*[0-9A-Za-zĐđ])"));
static DATE_ANY: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i:ngày)\s+(?:(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})|(\d{1,2})\s+(?i:tháng)\s+(\d{1,2})\s*,?\s+(?i:năm)\s+(\d{4}))",
    )
});
static EFFECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    super::timeline::ascii_regex(
        r"\b(?:ke\s+)?tu\s+ngay\s+(?:(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})|(\d{1,2})\s+thang\s+(\d{1,2})\s*,?\s+nam\s+(\d{4}))",
    )
});
static YEAR_IN_TITLE: LazyLock<Regex> =
    LazyLock::new(|| super::timeline::ascii_regex(r"\bnam\s+(\d{4})\b"));

fn date_from(c: &regex::Captures<'_>, base: usize) -> Option<NaiveDate> {
    let g = |i: usize| c.get(base + i).and_then(|m| m.as_str().parse::<u32>().ok());
    let (d, m, y) = if c.get(base).is_some() {
        (g(0)?, g(1)?, g(2)?)
    } else {
        (g(3)?, g(4)?, g(5)?)
    };
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

fn clean_number(raw: &str) -> Option<String> {
    let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.trim_end_matches(['.', ',', ';']);
    let first = s.chars().next()?;
    if !first.is_ascii_digit() {
        return None;
    }
    Some(s.to_string())
}

/// A date as a header writes it, possibly blank in a draft (`ngày  tháng  năm 2026`).
#[derive(Debug, Clone, Copy, Default)]
struct WrittenDate {
    day: Option<u32>,
    month: Option<u32>,
    year: Option<i32>,
}

impl WrittenDate {
    fn from_groups(c: &regex::Captures<'_>, day: usize, month: usize, year: usize) -> Self {
        let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        WrittenDate {
            day: n(day),
            month: n(month),
            year: c.get(year).and_then(|m| m.as_str().parse::<i32>().ok()),
        }
    }

    /// The calendar date when the day, month and year are all written.
    fn complete(&self) -> Option<Option<NaiveDate>> {
        match (self.day, self.month, self.year) {
            (Some(d), Some(m), Some(y)) => Some(NaiveDate::from_ymd_opt(y, m, d)),
            _ => None,
        }
    }
}

/// `Số: 144/KH-UBND` (or a blank `Số: /KH-UBND`).
struct NumberLine {
    line: u32,
    value: String,
}

/// `(Kèm theo Quyết định số .../QĐ-UBND ngày ...)`: the decision that issues the plan.
struct AttachedDecision {
    line: u32,
    text: String,
    number: String,
    date: WrittenDate,
}

/// `Vĩnh Long, ngày 16 tháng 4 năm 2026` (or `ngày 16/4/2026`).
struct PlaceDate {
    line: u32,
    cell: String,
    place: Option<String>,
    date: WrittenDate,
}

/// The issuing people's committee and the province or city it governs.
struct Issuer {
    issuer: String,
    jurisdiction: String,
}

/// The lines before the first section, where the header and the preamble are.
struct Zone<'a> {
    lines: &'a [Line],
}

impl<'a> Zone<'a> {
    fn new(lines: &'a [Line], lay: &Layout) -> Self {
        let end = lay
            .sections
            .first()
            .map_or(lay.body_end.min(lines.len()), |s| s.heading.first);
        Zone {
            lines: &lines[..end.min(lines.len())],
        }
    }

    /// Each line with its cells (a header is often a table: `Số: 1 | Tây Ninh, ngày ...`).
    fn cells(&self) -> impl Iterator<Item = (&'a Line, Vec<&'a str>)> {
        self.lines.iter().map(|l| (l, cells(l)))
    }
}

fn cells(l: &Line) -> Vec<&str> {
    if l.table_row {
        l.text.split(" | ").collect()
    } else {
        vec![l.text.as_str()]
    }
}

/// Reads the header from the lines before the first section.
pub(crate) fn read(lines: &[Line], lay: &Layout, w: &mut Warnings) -> Header {
    let zone = Zone::new(lines, lay);
    let mut h = Header::default();
    let attached = find_attached(&zone);
    h.number = read_number(find_number_line(&zone), attached.as_ref(), w);
    let place_date = find_place_date(&zone);
    h.place = place_date.as_ref().and_then(|p| p.place.clone());
    let date_year = read_issue_date(&mut h, place_date.as_ref(), attached.as_ref(), w);
    h.title = read_title(lines, lay, w);
    if let Some(i) = issuer_from_upper_lines(&zone).or_else(|| issuer_from_prose(&zone)) {
        h.issuer = Some(i.issuer);
        h.jurisdiction = Some(i.jurisdiction);
    } else {
        h.jurisdiction = jurisdiction_fallback(&h, w);
    }
    let basis = basis_text(&zone);
    h.legal_basis = legal_references(&basis);
    add_section_one_references(&mut h.legal_basis, lay);
    h.law_effective_date = effective_date(&effective_scan_text(&basis, lay));
    h.year = plan_year(&h, date_year);
    h
}

fn find_number_line(zone: &Zone<'_>) -> Option<NumberLine> {
    for (l, cs) in zone.cells() {
        for c in cs {
            if let Some(m) = NUMBER_LINE.captures(c) {
                let v = m.get(1).map_or("", |x| x.as_str());
                // The place and date on the same line end the number.
                let v = match PLACE_DAY_START.find(v) {
                    Some(d) => &v[..d.start()],
                    None => v,
                }
                .to_string();
                // "Số: 144 /KH-UBND", also a blank "Số: /KH-UBND"; not prose ("Số lượng ...").
                if c.contains(':') || v.contains('/') {
                    return Some(NumberLine {
                        line: l.no,
                        value: v,
                    });
                }
            }
        }
    }
    None
}

fn find_attached(zone: &Zone<'_>) -> Option<AttachedDecision> {
    zone.lines.iter().find_map(|l| {
        ATTACHED.captures(&l.text).map(|c| AttachedDecision {
            line: l.no,
            text: l.text.clone(),
            number: c.get(1).map_or("", |m| m.as_str()).to_string(),
            date: WrittenDate::from_groups(&c, 2, 3, 4),
        })
    })
}

/// The number: the `Số:` line, else the number of the decision the plan is attached to.
fn read_number(
    line: Option<NumberLine>,
    attached: Option<&AttachedDecision>,
    w: &mut Warnings,
) -> Option<String> {
    match (line, attached) {
        (Some(n), _) => {
            let number = clean_number(&n.value);
            if number.is_none() {
                w.push(
                    WarningCode::BlankNumber,
                    n.line,
                    "the number (số) is blank: a draft; number left empty",
                    Some(format!("Số: {}", n.value)),
                );
            }
            number
        }
        (None, Some(a)) => {
            let number = clean_number(&a.number);
            if number.is_none() {
                w.push(
                    WarningCode::BlankNumber,
                    a.line,
                    "the number of the decision that issues the plan is blank: a draft; number left empty",
                    Some(a.text.clone()),
                );
            }
            number
        }
        (None, None) => {
            w.push(
                WarningCode::NoNumber,
                1,
                "no number (số, ký hiệu) found in the header",
                None,
            );
            None
        }
    }
}

fn find_place_date(zone: &Zone<'_>) -> Option<PlaceDate> {
    let lines: Vec<(&Line, Vec<&str>)> = zone.cells().collect();
    for (k, (l, cs)) in lines.iter().enumerate() {
        for &c in cs {
            if let Some(p) = place_date_in(l, c) {
                return Some(p);
            }
            // A place-and-date line broken after `ngày ...` (a hard wrap): read with the next.
            let next = lines.get(k + 1).map(|(n, _)| *n).filter(|n| !n.table_row);
            let starts = !l.table_row && has_ngay(c) && PLACE_DAY_START.is_match(c);
            if let Some(next) = next.filter(|_| starts) {
                if let Some(p) = place_date_in(l, &format!("{c} {}", next.text)) {
                    return Some(p);
                }
            }
        }
    }
    None
}

/// `ngày` in any case.
fn has_ngay(c: &str) -> bool {
    ["ngày", "Ngày", "NGÀY"].iter().any(|w| c.contains(w))
}

/// The place and date written in `c`, a cell of line `l`.
fn place_date_in(l: &Line, c: &str) -> Option<PlaceDate> {
    // Every form has `ngày`: most lines are rejected without running a pattern.
    if !has_ngay(c) {
        return None;
    }
    let (m, d, mo, y) = DATE_LINE
        .captures(c)
        .or_else(|| DATE_LINE_NUMERIC.captures(c))
        .or_else(|| DATE_IN_LINE.captures(c))
        .or_else(|| DATE_IN_LINE_NUMERIC.captures(c))
        .map(|m| (m, 2, 3, 4))?;
    let place = collapse_ws(m.get(1).map_or("", |x| x.as_str()));
    let place = place.trim_start_matches(|ch: char| !ch.is_alphabetic());
    Some(PlaceDate {
        line: l.no,
        cell: c.to_string(),
        place: (!place.is_empty() && fold(place) != "so").then(|| place.to_string()),
        date: WrittenDate::from_groups(&m, d, mo, y),
    })
}

/// The issue date, from the place-and-date line, else from the attached decision. Returns the
/// year written there even when the day is blank (a draft).
fn read_issue_date(
    h: &mut Header,
    place_date: Option<&PlaceDate>,
    attached: Option<&AttachedDecision>,
    w: &mut Warnings,
) -> Option<i32> {
    if let Some(p) = place_date {
        match p.date.complete() {
            Some(Some(d)) => h.issue_date = Some(d),
            Some(None) => w.push(
                WarningCode::InvalidDate,
                p.line,
                "the issue date is not a calendar date",
                Some(p.cell.clone()),
            ),
            None => w.push(
                WarningCode::BlankDate,
                p.line,
                "the issue date is blank: a draft; issue date left empty",
                Some(p.cell.clone()),
            ),
        }
        if h.issue_date.is_some() || p.date.year.is_some() {
            return p.date.year;
        }
    }
    if let Some(a) = attached {
        match a.date.complete() {
            Some(d) => h.issue_date = d,
            None => w.push(
                WarningCode::BlankDate,
                a.line,
                "the date of the decision that issues the plan is blank: a draft; issue date left empty",
                Some(a.text.clone()),
            ),
        }
        return a.date.year;
    }
    w.push(
        WarningCode::NoDate,
        1,
        "no place and date line found in the header",
        None,
    );
    None
}

/// Words that end a place name in an upper-case header (the national motto, the number...).
const AFTER_PLACE: &[&str] = &[" cong hoa", " doc lap", " so ", " ke hoach", " quyet dinh"];

/// The issuer from the upper-case header: a cell or line (`ỦY BAN NHÂN DÂN TỈNH X`), or up to
/// three consecutive upper-case lines (`ỦY BAN NHÂN DÂN` / `TỈNH X`, or a name wrapped
/// across lines). The longest place name wins, so a name broken by a wrap is read whole.
fn issuer_from_upper_lines(zone: &Zone<'_>) -> Option<Issuer> {
    let mut candidates: Vec<String> = Vec::new();
    // The issuer's column: a line's text before the national motto when the two columns of the
    // header stand side by side (`ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI ...`); a line of the motto
    // alone is not in it.
    let (nonblank, left): (Vec<&Line>, Vec<&str>) = zone
        .lines
        .iter()
        .map(|l| (l, left_of_motto(&l.text)))
        .filter(|(_, left)| !left.is_empty())
        .unzip();
    for (k, l) in nonblank.iter().enumerate() {
        candidates.extend(
            cells(l)
                .into_iter()
                .filter(|c| is_upper(c))
                .map(str::to_string),
        );
        let mut run = left[k].to_string();
        for (next, next_left) in nonblank.iter().zip(&left).skip(k + 1).take(2) {
            if !is_upper(&run) || !is_upper(next_left) || l.table_row || next.table_row {
                break;
            }
            run.push(' ');
            run.push_str(next_left);
            candidates.push(run.clone());
        }
    }
    let mut best: Option<Issuer> = None;
    for cell in &candidates {
        let f = Folded::new(cell);
        let Some(c) = ISSUER_UPPER.captures(&f.s) else {
            continue;
        };
        let (Some(lv), Some(name)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let folded_name = &f.s[name.start()..name.end()];
        let end = AFTER_PLACE
            .iter()
            .filter_map(|w| folded_name.find(w))
            .min()
            .map_or(name.end(), |p| name.start() + p);
        let place = title_case(f.orig_slice(name.start(), end).trim());
        if place.is_empty()
            || best
                .as_ref()
                .is_some_and(|b| b.jurisdiction.len() >= place.len())
        {
            continue;
        }
        best = Some(Issuer {
            issuer: format!("Ủy ban nhân dân {} {place}", level_name(lv.as_str())),
            jurisdiction: place,
        });
    }
    best
}

/// `text` up to the national motto or its second line, trimmed (all of it when neither is in it).
fn left_of_motto(text: &str) -> &str {
    let f = Folded::new(text);
    // The motto's end wrapped onto a line of its own (`NGHĨA VIỆT NAM`, `Hạnh phúc`).
    let alone = f.s.trim();
    if alone.len() >= 8
        && (MOTTO_FOLDED.ends_with(alone) || "doc lap - tu do - hanh phuc".ends_with(alone))
    {
        return "";
    }
    let at = ["cong hoa xa hoi", "doc lap - tu do", "doc lap, tu do"]
        .iter()
        .filter_map(|m| f.s.find(m))
        .min();
    match at {
        Some(i) => f.orig_slice(0, i).trim_end(),
        None => text,
    }
}

const MOTTO_FOLDED: &str = "cong hoa xa hoi chu nghia viet nam";

fn level_name(folded: &str) -> &'static str {
    if folded == "tinh" {
        "tỉnh"
    } else {
        "thành phố"
    }
}

/// The issuer named in the preamble (`Ủy ban nhân dân tỉnh Vĩnh Long xây dựng Kế hoạch`).
fn issuer_from_prose(zone: &Zone<'_>) -> Option<Issuer> {
    let joined = zone
        .lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let f = Folded::new(&joined);
    for c in ISSUER_PROSE.captures_iter(&f.s) {
        let (Some(m), Some(lv)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let name = proper_name(f.orig_slice(m.end(), f.s.len()));
        if !name.is_empty() {
            return Some(Issuer {
                issuer: format!("Ủy ban nhân dân {} {name}", level_name(lv.as_str())),
                jurisdiction: name,
            });
        }
    }
    None
}

/// With no issuer: the place of the date line, else the province or city the title names
/// (`... trên địa bàn tỉnh Tây Ninh`).
fn jurisdiction_fallback(h: &Header, w: &mut Warnings) -> Option<String> {
    if let Some(p) = &h.place {
        w.push(
            WarningCode::JurisdictionFromPlace,
            1,
            "issuer not found; jurisdiction taken from the place in the date line",
            Some(p.clone()),
        );
        return Some(p.clone());
    }
    let f = Folded::new(&h.title);
    let from_title = TITLE_AREA.captures(&f.s).and_then(|c| {
        let m = c.get(0)?;
        let name = proper_name(f.orig_slice(m.end(), f.s.len()));
        (!name.is_empty()).then_some(name)
    });
    match from_title {
        Some(name) => {
            w.push(
                WarningCode::JurisdictionFromTitle,
                1,
                "issuer not found; jurisdiction taken from the area the title names",
                Some(h.title.clone()),
            );
            Some(name)
        }
        None => {
            w.push(
                WarningCode::NoIssuer,
                1,
                "issuer and jurisdiction not found in the header",
                None,
            );
            None
        }
    }
}

fn read_title(lines: &[Line], lay: &Layout, w: &mut Warnings) -> String {
    match &lay.title {
        Some(t) => collapse_ws(t.trim_end_matches(['.', ':'])),
        None => {
            w.push(
                WarningCode::NoTitle,
                lay.plan_heading
                    .and_then(|i| lines.get(i))
                    .map_or(1, |l| l.no),
                "no plan title found after the KẾ HOẠCH heading",
                None,
            );
            String::new()
        }
    }
}

/// The preamble's words (căn cứ, thực hiện ...) with the number and date lines left out.
fn basis_text(zone: &Zone<'_>) -> String {
    let mut text = String::new();
    for l in zone.lines {
        let t = l.text.trim_start_matches(['(', '*']);
        if fold(t).starts_with("kem theo")
            || NUMBER_LINE.is_match(&l.text)
            || DATE_LINE.is_match(&l.text)
            || DATE_LINE_NUMERIC.is_match(&l.text)
        {
            if !text.is_empty() {
                text.push_str(" ; ");
            }
            continue;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&l.text);
    }
    text
}

/// Documents cited by number in section I (purpose) are part of the legal basis too.
fn add_section_one_references(basis: &mut Vec<LegalReference>, lay: &Layout) {
    for s in lay.sections.iter().take(1) {
        if s.kind != SectionKind::Purpose {
            continue;
        }
        let text = s
            .blocks
            .iter()
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join(" ; ");
        for r in legal_references(&text) {
            let known = basis
                .iter()
                .any(|o| o.kind == r.kind && o.number == r.number && o.date == r.date);
            if r.number.is_some() && !known {
                basis.push(r);
            }
        }
    }
}

/// The preamble and section I, where the law's effective date is stated.
fn effective_scan_text(basis: &str, lay: &Layout) -> String {
    let mut scan = basis.to_string();
    for s in &lay.sections {
        if s.kind == SectionKind::Purpose {
            for b in &s.blocks {
                scan.push_str(" . ");
                scan.push_str(&b.text);
            }
        }
    }
    scan
}

/// The plan's year: issue date, else a draft's written year, the title's, the law's.
fn plan_year(h: &Header, date_year: Option<i32>) -> Option<i32> {
    h.issue_date
        .map(|d| d.year())
        .or(date_year)
        .or_else(|| {
            YEAR_IN_TITLE
                .captures(&fold(&h.title))
                .and_then(|c| c.get(1)?.as_str().parse().ok())
        })
        .or_else(|| h.law_effective_date.map(|d| d.year()))
}

/// Capitalised words at the start of `s` (`Vĩnh Long xây dựng ...` → `Vĩnh Long`).
fn proper_name(s: &str) -> String {
    let mut words: Vec<&str> = Vec::new();
    let mut tokens = s.split_whitespace().peekable();
    while let Some(wd) = tokens.next() {
        // A place named for two towns joined by a dash (`Bà Rịa - Vũng Tàu`) is one name: the
        // dash belongs to it when a capitalised word follows.
        if matches!(wd, "-" | "–" | "—")
            && !words.is_empty()
            && tokens
                .peek()
                .and_then(|n| n.chars().next())
                .is_some_and(char::is_uppercase)
        {
            words.push(wd);
            continue;
        }
        let clean = wd.trim_end_matches([',', '.', ';', ':', ')']);
        let starts_upper = clean.chars().next().is_some_and(char::is_uppercase);
        if !starts_upper
            || clean.is_empty()
            || (is_upper(clean)
                && clean.chars().count() > 1
                && words.is_empty()
                && clean.len() <= 4)
        {
            break;
        }
        words.push(clean);
        let named = words
            .iter()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count();
        if clean.len() != wd.len() || named >= 4 {
            break;
        }
    }
    let name = words.join(" ");
    if is_upper(&name) {
        title_case(&name)
    } else {
        name
    }
}

/// Documents named with a number or a date: `Quyết định số 437/QĐ-TTg ngày 16/3/2026`,
/// `Luật An ninh mạng ngày 10 tháng 12 năm 2025`.
pub(crate) fn legal_references(text: &str) -> Vec<LegalReference> {
    let mut out: Vec<LegalReference> = Vec::new();
    let starts: Vec<(usize, String)> = DOC_KIND
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(0)?;
            Some((m.start(), m.as_str().to_string()))
        })
        .collect();
    for (k, (a, kind)) in starts.iter().enumerate() {
        let mut end = starts.get(k + 1).map_or(text.len(), |n| n.0);
        if let Some(p) = text[*a..end].find([';', '(']) {
            end = a + p;
        }
        if let Some(p) = text[*a..end].find(". ") {
            end = a + p;
        }
        let mut limit = (*a + 200).min(end);
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let window = &text[*a..limit];
        let number = DOC_NUMBER
            .captures(window)
            .filter(|c| c.get(0).is_some_and(|m| m.start() < 120))
            .and_then(|c| c.get(1).map(|m| (m.end(), m.as_str().to_string())));
        let date = DATE_ANY
            .captures(window)
            .and_then(|c| Some((c.get(0)?.end(), date_from(&c, 1))));
        if number.is_none() && date.as_ref().is_none_or(|d| d.1.is_none()) {
            continue;
        }
        let text_end = number
            .as_ref()
            .map_or(0, |n| n.0)
            .max(date.as_ref().map_or(0, |d| d.0));
        let quoted = collapse_ws(&window[..text_end]);
        let r = LegalReference {
            kind: kind.clone(),
            number: number.map(|n| n.1),
            date: date.and_then(|d| d.1),
            text: quoted,
        };
        if !out
            .iter()
            .any(|o| o.kind == r.kind && o.number == r.number && o.date == r.date)
        {
            out.push(r);
        }
    }
    out
}

/// `từ ngày 01/7/2026` in a sentence about the law.
fn effective_date(text: &str) -> Option<NaiveDate> {
    for sentence in text.split(['.', ';']) {
        let f = fold(sentence);
        if !f.contains("luat") {
            continue;
        }
        if let Some(c) = EFFECTIVE.captures(&f) {
            if let Some(d) = date_from(&c, 1) {
                return Some(d);
            }
        }
    }
    // "01/7/2026" splits on '.', so also try whole text windows around "luat".
    let f = fold(text);
    for c in EFFECTIVE.captures_iter(&f) {
        let Some(m) = c.get(0) else { continue };
        let lo = m.start().saturating_sub(200);
        let hi = (m.end() + 200).min(f.len());
        let (mut lo, mut hi) = (lo, hi);
        while !f.is_char_boundary(lo) {
            lo -= 1;
        }
        while !f.is_char_boundary(hi) {
            hi += 1;
        }
        if f[lo..hi].contains("luat") {
            if let Some(d) = date_from(&c, 1) {
                return Some(d);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let r = legal_references(
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025; Thực hiện Quyết định số 437/QĐ-TTg ngày 16/3/2026 của Thủ tướng Chính phủ về việc ban hành Kế hoạch triển khai thi hành Luật An ninh mạng (gọi tắt là Luật)",
        );
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(r[0].kind, "Luật");
        assert_eq!(r[1].number.as_deref(), Some("437/QĐ-TTg"));
        assert_eq!(r[1].text, "Quyết định số 437/QĐ-TTg ngày 16/3/2026");
    }

    fn header_of(text: &str) -> (Header, Vec<String>) {
        let lines = super::super::text::prepare(text);
        let lay = super::super::structure::layout(&lines);
        let mut w = Warnings::default();
        let h = read(&lines, &lay, &mut w);
        (h, w.0.into_iter().map(|w| w.code).collect())
    }

    #[test]
    fn jurisdiction_from_the_title() {
        let (h, codes) = header_of(
            "KẾ HOẠCH\nThực hiện Luật An ninh mạng trên địa bàn tỉnh Tây Ninh năm 2026\n\nI. MỤC ĐÍCH\nx\n",
        );
        assert_eq!(h.jurisdiction.as_deref(), Some("Tây Ninh"));
        assert_eq!(h.issuer, None);
        assert!(codes.contains(&"jurisdiction_from_title".to_string()));
    }

    #[test]
    fn header_table_and_numeric_date() {
        let (h, _) = header_of(
            "| ỦY BAN NHÂN DÂN<br>TỈNH QUẢNG TRỊ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n|---|---|\n| Số: 88/KH-UBND | Quảng Trị, ngày 02/6/2026 |\nKẾ HOẠCH\nX\nI. MỤC ĐÍCH\ny\n",
        );
        assert_eq!(h.number.as_deref(), Some("88/KH-UBND"));
        assert_eq!(h.place.as_deref(), Some("Quảng Trị"));
        assert_eq!(h.issue_date, NaiveDate::from_ymd_opt(2026, 6, 2));
        assert_eq!(h.jurisdiction.as_deref(), Some("Quảng Trị"));
    }

    /// The two columns of the header side by side on each line (PDF text, a table copied as
    /// text): the number stops where the place and date begin, the issuer where the motto does.
    #[test]
    fn columns_side_by_side() {
        for sep in [" ", "        ", "\t"] {
            let (h, codes) = header_of(&format!(
                "ỦY BAN NHÂN DÂN{sep}CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\
                 TỈNH BÀ RỊA - VŨNG TÀU{sep}Độc lập - Tự do - Hạnh phúc\n\
                 Số: 215/KH-UBND{sep}Bà Rịa - Vũng Tàu, ngày 05 tháng 5 năm 2026\n\
                 KẾ HOẠCH\nX\nI. MỤC ĐÍCH\ny\n"
            ));
            assert_eq!(h.number.as_deref(), Some("215/KH-UBND"), "{sep:?}");
            assert_eq!(h.issue_date, NaiveDate::from_ymd_opt(2026, 5, 5), "{sep:?}");
            assert_eq!(h.place.as_deref(), Some("Bà Rịa - Vũng Tàu"), "{sep:?}");
            assert_eq!(
                h.issuer.as_deref(),
                Some("Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu"),
                "{sep:?}"
            );
            assert!(!codes.iter().any(|c| c == "no_date"), "{sep:?}: {codes:?}");
        }
        let (h, _) = header_of(
            "UBND TỈNH TÂY NINH\nSố: 215/KH-UBND Tây Ninh, ngày 05/5/2026\nKẾ HOẠCH\nX\nI. MỤC ĐÍCH\ny\n",
        );
        assert_eq!(h.number.as_deref(), Some("215/KH-UBND"));
        assert_eq!(h.issue_date, NaiveDate::from_ymd_opt(2026, 5, 5));
    }

    #[test]
    fn issuer_wrapped_over_two_lines() {
        let (h, _) = header_of(
            "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN\nTHƠ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nKẾ HOẠCH\nX\nI. MỤC ĐÍCH\ny\n",
        );
        assert_eq!(
            h.issuer.as_deref(),
            Some("Ủy ban nhân dân thành phố Cần Thơ")
        );
    }

    #[test]
    fn section_one_cites_the_basis_too() {
        let (h, _) = header_of(
            "KẾ HOẠCH\nX\nI. MỤC ĐÍCH, YÊU CẦU\n1. Triển khai Nghị định số 53/2026/NĐ-CP ngày 1/3/2026 của Chính phủ.\nII. NHIỆM VỤ\n",
        );
        assert_eq!(h.legal_basis.len(), 1, "{:?}", h.legal_basis);
        assert_eq!(h.legal_basis[0].number.as_deref(), Some("53/2026/NĐ-CP"));
    }

    #[test]
    fn names() {
        assert_eq!(proper_name("Vĩnh Long xây dựng Kế hoạch"), "Vĩnh Long");
        assert_eq!(proper_name("Hưng Yên ban hành"), "Hưng Yên");
        assert_eq!(
            proper_name("Bà Rịa - Vũng Tàu xây dựng Kế hoạch"),
            "Bà Rịa - Vũng Tàu"
        );
        assert_eq!(proper_name("Bà Rịa – Vũng Tàu."), "Bà Rịa – Vũng Tàu");
        assert_eq!(proper_name("Bà Rịa-Vũng Tàu ban hành"), "Bà Rịa-Vũng Tàu");
        // A dash that does not join two parts of the name ends it.
        assert_eq!(proper_name("Vĩnh Long - xây dựng"), "Vĩnh Long");
        assert_eq!(proper_name("Vĩnh Long -"), "Vĩnh Long");
    }
}
