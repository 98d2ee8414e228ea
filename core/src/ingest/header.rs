//! The header: number and symbol (số, ký hiệu), issuer, place and date, title, legal basis
//! (căn cứ / thực hiện ...), and the law's effective date when section I states it.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

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

#[allow(
    clippy::expect_used,
    reason = "constant pattern: a broken one fails every ingest test"
)]
static NUMBER_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:Số|SỐ|số)\s*[:.]?\s*(.*)$").expect("static regex"));
#[allow(
    clippy::expect_used,
    reason = "constant pattern: a broken one fails every ingest test"
)]
static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([^,|:;()]{2,40}?)\s*,\s*(?i:ngày)\s*(\d{1,2})?[\s.…_]*(?i:tháng)\s*(\d{1,2})?[\s.…_]*(?i:năm)\s*(\d{4})")
        .expect("static regex")
});
#[allow(
    clippy::expect_used,
    reason = "constant pattern: a broken one fails every ingest test"
)]
static ATTACHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i:kèm\s+theo)\s+(?:Quyết định|Văn bản|Công văn|Kế hoạch)\s+số\s*([^\s,;()]*)(?:\s*(?i:ngày)\s*(\d{1,2})?[\s.…_/]*(?i:tháng)?\s*(\d{1,2})?[\s.…_/]*(?i:năm)?\s*(\d{4}))?")
        .expect("static regex")
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
#[allow(
    clippy::expect_used,
    reason = "constant pattern: a broken one fails every ingest test"
)]
static DOC_KIND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(Bộ luật|Luật|Pháp lệnh|Nghị quyết|Nghị định|Quyết định|Chỉ thị|Thông tư liên tịch|Thông tư|Kế hoạch|Công văn|Hướng dẫn|Kết luận)\b")
        .expect("static regex")
});
#[allow(
    clippy::expect_used,
    reason = "constant pattern: a broken one fails every ingest test"
)]
static DOC_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bsố\s*:?\s*(\d+[0-9A-Za-zĐđ/.\-]*[0-9A-Za-zĐđ])").expect("static regex")
});
#[allow(
    clippy::expect_used,
    reason = "constant pattern: a broken one fails every ingest test"
)]
static DATE_ANY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i:ngày)\s+(?:(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})|(\d{1,2})\s+(?i:tháng)\s+(\d{1,2})\s*,?\s+(?i:năm)\s+(\d{4}))")
        .expect("static regex")
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

/// Reads the header from the lines before the first section.
pub(crate) fn read(lines: &[Line], lay: &Layout, w: &mut Warnings) -> Header {
    let mut h = Header::default();
    let zone_end = lay
        .sections
        .first()
        .map_or(lay.body_end.min(lines.len()), |s| s.heading.first);
    let zone = &lines[..zone_end.min(lines.len())];

    // Cells of each line (a .docx header is often a table).
    let cells = |l: &Line| -> Vec<String> {
        if l.table_row {
            l.text.split(" | ").map(str::to_string).collect()
        } else {
            vec![l.text.clone()]
        }
    };

    // Number and symbol.
    let mut number_line: Option<(u32, String)> = None;
    'outer: for l in zone {
        for c in cells(l) {
            if let Some(m) = NUMBER_LINE.captures(&c) {
                let v = m.get(1).map_or("", |x| x.as_str()).to_string();
                // "Số: 144 /KH-UBND", also a blank "Số: /KH-UBND"; not prose ("Số lượng ...").
                if c.contains(':') || v.contains('/') {
                    number_line = Some((l.no, v));
                    break 'outer;
                }
            }
        }
    }
    let attached = zone.iter().find_map(|l| {
        ATTACHED.captures(&l.text).map(|c| {
            let number = c.get(1).map_or("", |m| m.as_str()).to_string();
            let day = c.get(2).and_then(|m| m.as_str().parse::<u32>().ok());
            let month = c.get(3).and_then(|m| m.as_str().parse::<u32>().ok());
            let year = c.get(4).and_then(|m| m.as_str().parse::<i32>().ok());
            (l.no, l.text.clone(), number, day, month, year)
        })
    });
    match (&number_line, &attached) {
        (Some((no, v)), _) => {
            h.number = clean_number(v);
            if h.number.is_none() {
                w.push(
                    WarningCode::BlankNumber,
                    *no,
                    "the number (số) is blank: a draft; number left empty",
                    Some(format!("Số: {v}")),
                );
            }
        }
        (None, Some((no, text, n, ..))) => {
            h.number = clean_number(n);
            if h.number.is_none() {
                w.push(
                    WarningCode::BlankNumber,
                    *no,
                    "the number of the decision that issues the plan is blank: a draft; number left empty",
                    Some(text.clone()),
                );
            }
        }
        (None, None) => w.push(
            WarningCode::NoNumber,
            1,
            "no number (số, ký hiệu) found in the header",
            None,
        ),
    }

    // Place and date.
    let mut date_year = None;
    'dates: for l in zone {
        for c in cells(l) {
            if let Some(m) = DATE_LINE.captures(&c) {
                let place = collapse_ws(m.get(1).map_or("", |x| x.as_str()));
                let place = place.trim_start_matches(|ch: char| !ch.is_alphabetic());
                if !place.is_empty() && fold(place) != "so" {
                    h.place = Some(place.to_string());
                }
                let y = m.get(4).and_then(|x| x.as_str().parse::<i32>().ok());
                date_year = y;
                let d = m.get(2).and_then(|x| x.as_str().parse::<u32>().ok());
                let mo = m.get(3).and_then(|x| x.as_str().parse::<u32>().ok());
                match (d, mo, y) {
                    (Some(d), Some(mo), Some(y)) => {
                        h.issue_date = NaiveDate::from_ymd_opt(y, mo, d);
                        if h.issue_date.is_none() {
                            w.push(
                                WarningCode::InvalidDate,
                                l.no,
                                "the issue date is not a calendar date",
                                Some(c.clone()),
                            );
                        }
                    }
                    _ => w.push(
                        WarningCode::BlankDate,
                        l.no,
                        "the issue date is blank: a draft; issue date left empty",
                        Some(c.clone()),
                    ),
                }
                break 'dates;
            }
        }
    }
    if h.issue_date.is_none() && date_year.is_none() {
        if let Some((no, text, _, d, mo, y)) = &attached {
            date_year = *y;
            match (d, mo, y) {
                (Some(d), Some(mo), Some(y)) => h.issue_date = NaiveDate::from_ymd_opt(*y, *mo, *d),
                _ => w.push(
                    WarningCode::BlankDate,
                    *no,
                    "the date of the decision that issues the plan is blank: a draft; issue date left empty",
                    Some(text.clone()),
                ),
            }
        } else {
            w.push(
                WarningCode::NoDate,
                1,
                "no place and date line found in the header",
                None,
            );
        }
    }

    // Issuer and jurisdiction: an upper-case header line, else the preamble's words.
    // Upper-case cells, and pairs of upper-case lines ("ỦY BAN NHÂN DÂN" / "TỈNH X").
    let mut upper: Vec<String> = Vec::new();
    let nonblank: Vec<&Line> = zone.iter().filter(|l| !l.text.is_empty()).collect();
    for (k, l) in nonblank.iter().enumerate() {
        for c in cells(l) {
            if is_upper(&c) {
                upper.push(c.clone());
            }
        }
        if let Some(next) = nonblank.get(k + 1) {
            if is_upper(&l.text) && is_upper(&next.text) && !l.table_row && !next.table_row {
                upper.push(format!("{} {}", l.text, next.text));
            }
        }
    }
    upper.sort_by_key(|c| std::cmp::Reverse(fold(c).starts_with("uy ban") as u8));
    for cell in &upper {
        let f = Folded::new(cell);
        if let Some(c) = ISSUER_UPPER.captures(&f.s) {
            if let (Some(lv), Some(name)) = (c.get(1), c.get(2)) {
                let place = title_case(f.orig_slice(name.start(), name.end()).trim());
                let level = if lv.as_str() == "tinh" {
                    "tỉnh"
                } else {
                    "thành phố"
                };
                h.issuer = Some(format!("Ủy ban nhân dân {level} {place}"));
                h.jurisdiction = Some(place);
                break;
            }
        }
    }
    if h.issuer.is_none() {
        let prose: Vec<&str> = zone.iter().map(|l| l.text.as_str()).collect();
        let joined = prose.join(" ");
        let f = Folded::new(&joined);
        for c in ISSUER_PROSE.captures_iter(&f.s) {
            let (Some(m), Some(lv)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let after = f.orig_slice(m.end(), f.s.len());
            let name = proper_name(after);
            if name.is_empty() {
                continue;
            }
            let level = if lv.as_str() == "tinh" {
                "tỉnh"
            } else {
                "thành phố"
            };
            h.issuer = Some(format!("Ủy ban nhân dân {level} {name}"));
            h.jurisdiction = Some(name);
            break;
        }
    }
    if h.jurisdiction.is_none() {
        if let Some(p) = &h.place {
            h.jurisdiction = Some(p.clone());
            w.push(
                WarningCode::JurisdictionFromPlace,
                1,
                "issuer not found; jurisdiction taken from the place in the date line",
                Some(p.clone()),
            );
        } else {
            w.push(
                WarningCode::NoIssuer,
                1,
                "issuer and jurisdiction not found in the header",
                None,
            );
        }
    }

    // Title.
    match &lay.title {
        Some((t, _, _)) => h.title = collapse_ws(t.trim_end_matches(['.', ':'])),
        None => {
            h.title = String::new();
            w.push(
                WarningCode::NoTitle,
                lay.plan_heading
                    .and_then(|i| lines.get(i))
                    .map_or(1, |l| l.no),
                "no plan title found after the KẾ HOẠCH heading",
                None,
            );
        }
    }

    // Legal basis: documents with a number or a date named before section I.
    let mut basis_text = String::new();
    let mut basis_lines: Vec<&Line> = Vec::new();
    for l in zone {
        let t = l.text.trim_start_matches(['(', '*']);
        let ft = fold(t);
        if ft.starts_with("kem theo")
            || NUMBER_LINE.is_match(&l.text)
            || DATE_LINE.is_match(&l.text)
        {
            if !basis_text.is_empty() {
                basis_text.push_str(" ; ");
            }
            continue;
        }
        basis_lines.push(l);
        if !basis_text.is_empty() {
            basis_text.push(' ');
        }
        basis_text.push_str(&l.text);
    }
    h.legal_basis = legal_references(&basis_text);

    // The law's effective date, stated in section I or the preamble.
    let mut scan_text = basis_text.clone();
    for s in &lay.sections {
        if s.kind == SectionKind::Purpose {
            for b in &s.blocks {
                scan_text.push_str(" . ");
                scan_text.push_str(&b.text);
            }
        }
    }
    h.law_effective_date = effective_date(&scan_text);

    // The plan's year.
    h.year = h
        .issue_date
        .map(|d| d.year())
        .or(date_year)
        .or_else(|| {
            YEAR_IN_TITLE
                .captures(&fold(&h.title))
                .and_then(|c| c.get(1)?.as_str().parse().ok())
        })
        .or_else(|| h.law_effective_date.map(|d| d.year()));
    h
}

/// Capitalised words at the start of `s` (`Vĩnh Long xây dựng ...` → `Vĩnh Long`).
fn proper_name(s: &str) -> String {
    let mut words = Vec::new();
    for wd in s.split_whitespace() {
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
        words.push(clean.to_string());
        if clean.len() != wd.len() || words.len() >= 4 {
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

    #[test]
    fn names() {
        assert_eq!(proper_name("Vĩnh Long xây dựng Kế hoạch"), "Vĩnh Long");
        assert_eq!(proper_name("Hưng Yên ban hành"), "Hưng Yên");
    }
}
