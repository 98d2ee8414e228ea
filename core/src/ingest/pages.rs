//! Page furniture and blank-line spacing: what a PDF or a web page adds to a plan's text that is
//! not the plan.
//!
//! - Page numbers in their common forms (`3`, `- 3 -`, `Trang 3`, `Trang 3/5`, `Page 3 of 5`)
//!   are removed, with the blank lines around them, so a sentence broken by a page joins again.
//!   They never reach the readers of dates or agencies.
//! - A running header or footer (a line repeated at page breaks: the plan's title, `UBND tỉnh
//!   X – Kế hoạch số 144/KH-UBND`) is removed where it stands at a page boundary: next to a page
//!   number, or at the top or bottom of a page that a form feed (`\f`, from `pdftotext`)
//!   starts, with nothing but furniture between it and the page's edge. It must repeat at the
//!   same place (the line just after the page number, the last line before it...) at two
//!   boundaries and at a third of them at least (a header on every other page), or name the
//!   plan's own number (`Số: 144/…` of the header) or be the plan's own title (a running header
//!   met once, in a plan of two pages). A line elsewhere is never furniture, however often it
//!   repeats: a task sentence said twice is not a header, nor is a wrapped agency list said
//!   twice under two pages' first item, nor the same list's line that happens to fall first on
//!   two pages of twenty. The header and title (before any page break) are kept. Each removal
//!   is an `info` warning that quotes the line.
//! - A text with a blank line after every line (copied from a web page) is read with its blank
//!   lines halved, so blank lines keep meaning "new paragraph".
//!
//! Lines keep their numbers: removed lines leave a gap in the numbering, never a shift.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::text::static_regex;

use crate::model::WarningCode;

use super::structure::{field_label, parse_marker, Marker};
use super::text::{fold, Line};
use super::Warnings;

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"^(?:(?:trang|page|tr\.)\s*\d{1,3}(?:\s*(?:/|of|tren|trong so)\s*\d{1,3})?|[-–—]\s*\d{1,3}(?:\s*/\s*\d{1,3})?\s*[-–—]|\d{1,3}|\[\s*\d{1,3}\s*\])$",
    )
});

/// How far (in non-blank lines) a running header or footer may stand from a page number.
const NEAR_PAGE_NUMBER: usize = 2;

/// Whether a cleaned line is a page number.
fn is_page_number(l: &Line) -> bool {
    // The longest form, `Page 999 of 999`, has 15 characters: most lines are rejected unread.
    !l.table_row && !l.text.is_empty() && l.text.len() <= 24 && PAGE_NUMBER.is_match(&fold(&l.text))
}

/// Whether a line could be a running header or footer: a short unmarked line that is not a
/// field label, does not start in lower case (a wrapped line's tail) and does not end a
/// sentence or a list item.
fn could_be_running(l: &Line) -> bool {
    let t = l.text.as_str();
    !l.table_row
        && !t.is_empty()
        && t.chars().count() <= 150
        && t.chars().next().is_some_and(|c| !c.is_lowercase())
        && !t.ends_with(['.', ',', ';', ':'])
        && parse_marker(t).0 == Marker::None
        && field_label(t).is_none()
}

/// Indexes of the lines that are page furniture.
fn furniture(lines: &[Line]) -> Vec<bool> {
    let mut is_furniture: Vec<bool> = lines.iter().map(is_page_number).collect();
    // A lone small number is a page number only when there are several, rising.
    let numbers: Vec<u32> = lines
        .iter()
        .zip(&is_furniture)
        .filter(|(_, f)| **f)
        .filter_map(|(l, _)| l.text.trim().parse::<u32>().ok())
        .collect();
    let bare_ok = numbers.len() >= 2 && numbers.windows(2).all(|w| w[0] < w[1]);
    if !bare_ok {
        for (l, f) in lines.iter().zip(is_furniture.iter_mut()) {
            if *f && l.text.trim().parse::<u32>().is_ok() {
                *f = false;
            }
        }
    }
    // Page boundaries: page numbers, and lines that start a page (`\f`).
    let pages: Vec<usize> = (0..lines.len())
        .filter(|&i| is_furniture[i] || lines[i].page_start)
        .collect();
    if pages.is_empty() {
        return is_furniture;
    }
    // Non-blank lines next to a page boundary, and how often each text occurs there.
    let nonblank: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].text.is_empty())
        .collect();
    // The header and the title are the document's own lines, even when a running header
    // repeats them and the first page is short.
    let own = own_lines(lines);
    // Each near line with its place from the boundary (in non-blank lines, negative above):
    // a running header or footer stands at the same place on every page, a body line that
    // happens to repeat at two boundaries (a wrapped agency list said twice) rarely does.
    let mut places: Vec<Place> = Vec::new();
    for &p in &pages {
        // The non-blank line at the boundary (or the first after a blank page start).
        let k = nonblank.partition_point(|&i| i < p);
        // Lines at either side of a page number, or the last lines of one page and the first
        // of the next where a page starts.
        let lo = k.saturating_sub(NEAR_PAGE_NUMBER);
        let hi = if is_furniture[p] {
            k + NEAR_PAGE_NUMBER + 1
        } else {
            k + NEAR_PAGE_NUMBER
        };
        let hi = hi.min(nonblank.len()).max(lo);
        for (j, &i) in nonblank.iter().enumerate().take(hi).skip(lo) {
            if !is_furniture[i] && !own[i] && could_be_running(&lines[i]) {
                let at = j as isize - k as isize;
                places.push(Place { i, at, k });
            }
        }
    }
    places.sort_unstable_by_key(|p| (p.i, p.at));
    places.dedup_by_key(|p| (p.i, p.at));
    let number = own_number(lines, &own);
    let titles = own_titles(lines);
    // A running header or footer repeats on most pages (on every other one at least, when odd
    // and even pages differ): a body line repeated at two of twenty page breaks is not one.
    let numbers = is_furniture.iter().filter(|f| **f).count();
    let starts = lines.iter().filter(|l| l.page_start).count();
    let often = |count: usize| count >= 2 && count * 3 >= numbers.max(starts);
    // Nearest the boundary first: a line is furniture only where nothing but furniture stands
    // between it and its page's edge. A body line under a page's first item ("b) Cơ quan
    // phối hợp: …" then a wrapped agency list) may repeat at the same place on two pages, but
    // the item's line stands between it and the edge.
    for level in 0..=NEAR_PAGE_NUMBER {
        let same = |p: &Place| p.at.unsigned_abs() == level;
        let at_edge: Vec<&Place> = places
            .iter()
            .filter(|p| same(p))
            .filter(|p| p.between(&nonblank).all(|b| is_furniture[b]))
            .collect();
        let mut count: HashMap<(String, isize), usize> = HashMap::new();
        for p in &at_edge {
            *count.entry((fold(&lines[p.i].text), p.at)).or_insert(0) += 1;
        }
        for p in at_edge {
            let f = fold(&lines[p.i].text);
            // Repeated at the same place at page edges, or naming the plan's own number there
            // (a running header met once, in a plan of two pages).
            let repeated = often(count.get(&(f.clone(), p.at)).copied().unwrap_or(0));
            let names_plan = number.as_deref().is_some_and(|n| f.contains(n));
            // The plan's own title again at a page's edge (met once in a plan of two pages).
            let is_title = titles.contains(&f);
            if repeated || names_plan || is_title {
                is_furniture[p.i] = true;
            }
        }
    }
    is_furniture
}

/// A line near a page boundary: its index, its place from the boundary in non-blank lines
/// (negative above), and the boundary's index among the non-blank lines.
#[derive(Debug, Clone, Copy)]
struct Place {
    i: usize,
    at: isize,
    k: usize,
}

impl Place {
    /// The non-blank lines between this line and its page's edge: above a boundary, those down
    /// to the boundary line (a page number, or the next page's first line: not between);
    /// below it, those from the boundary line on (a page number, or the page's first line).
    fn between<'a>(&self, nonblank: &'a [usize]) -> impl Iterator<Item = usize> + 'a {
        let j = self.k as isize + self.at;
        let range = if self.at < 0 {
            (j + 1) as usize..self.k
        } else {
            self.k..j.max(self.k as isize) as usize
        };
        nonblank.get(range).unwrap_or_default().iter().copied()
    }
}

static NUMBER_LINE: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"^so\s*:\s*([0-9]+\s*/\s*[a-z0-9.\-]*[a-z][a-z0-9.\-]*)"));

/// The plan's own number (`144/kh-ubnd`, folded) from a `Số:` line of its header.
fn own_number(lines: &[Line], own: &[bool]) -> Option<String> {
    lines
        .iter()
        .zip(own)
        .filter(|(_, o)| **o)
        .find_map(|(l, _)| {
            let f = fold(&l.text);
            let c = NUMBER_LINE.captures(&f)?;
            let n: String = c.get(1)?.as_str().split_whitespace().collect();
            Some(n)
        })
}

/// The plan's title as a running header repeats it, folded: the lines under a bare `KẾ HOẠCH`
/// heading, each and all together (a header wraps the title where a running header may not),
/// or the rest of a `KẾ HOẠCH` heading line. Lines of fewer than three words are left out: a
/// title's short tail ("trên địa bàn tỉnh") may well be a body line.
fn own_titles(lines: &[Line]) -> Vec<String> {
    let Some(h) = lines.iter().position(|l| l.text.starts_with("KẾ HOẠCH")) else {
        return Vec::new();
    };
    let rest = lines[h].text["KẾ HOẠCH".len()..].trim_matches([' ', ':', '.']);
    let parts: Vec<&str> = if rest.is_empty() {
        lines[h + 1..]
            .iter()
            .skip_while(|l| l.text.is_empty())
            .take_while(|l| {
                !l.text.is_empty()
                    && !is_page_number(l)
                    && !l.page_start
                    && parse_marker(&l.text).0 == Marker::None
            })
            .take(3)
            .map(|l| l.text.as_str())
            .collect()
    } else {
        vec![rest]
    };
    let mut titles: Vec<String> = parts.iter().map(|t| fold(t)).collect();
    if parts.len() > 1 {
        titles.push(fold(&parts.join(" ")));
    }
    titles.retain(|t| t.split_whitespace().count() >= 3);
    titles
}

/// Lines that are the document's own header and title: everything before the first heading
/// (`KẾ HOẠCH`, `QUYẾT ĐỊNH`, a section), and the few lines after a `KẾ HOẠCH` heading.
fn own_lines(lines: &[Line]) -> Vec<bool> {
    let is_heading = |l: &Line| {
        l.text.starts_with("KẾ HOẠCH")
            || l.text.starts_with("QUYẾT ĐỊNH")
            || matches!(parse_marker(&l.text).0, Marker::Roman(_))
    };
    // The header ends at the first heading, and at the first page break at the latest.
    let first = lines
        .iter()
        .position(|l| is_heading(l) || is_page_number(l) || l.page_start)
        .unwrap_or(lines.len());
    let mut own: Vec<bool> = (0..lines.len()).map(|i| i < first).collect();
    for (i, l) in lines.iter().enumerate() {
        // A bare `KẾ HOẠCH` heading: its title is the next lines, up to a blank line or a page
        // break. A heading with its title on the same line has none below.
        let bare = l.text.trim_end_matches([':', '.']) == "KẾ HOẠCH";
        if bare {
            let start = (i + 1..lines.len()).find(|&k| !lines[k].text.is_empty());
            if let Some(start) = start {
                for k in (start..lines.len())
                    .take_while(|&k| {
                        !lines[k].text.is_empty()
                            && !is_page_number(&lines[k])
                            && !lines[k].page_start
                    })
                    .take(3)
                {
                    own[k] = true;
                }
            }
        }
    }
    own
}

/// Removes page furniture and halves the blank lines of a double-spaced text.
pub(crate) fn strip(lines: Vec<Line>, w: &mut Warnings) -> Vec<Line> {
    let is_furniture = furniture(&lines);
    for (l, f) in lines.iter().zip(&is_furniture) {
        if *f {
            w.push(
                WarningCode::PageFurnitureRemoved,
                l.no,
                "a page number or running header/footer was removed",
                Some(l.text.clone()),
            );
        }
    }
    // Runs of blank lines before each content line; a run that held furniture is a page break.
    let mut content: Vec<Gap> = Vec::new();
    let mut blanks: Vec<usize> = Vec::new();
    let mut page_break = false;
    for (i, l) in lines.iter().enumerate() {
        if l.page_start {
            page_break = true;
        }
        if is_furniture[i] {
            page_break = true;
        } else if l.text.is_empty() {
            blanks.push(i);
        } else {
            content.push(Gap {
                line: i,
                blanks: std::mem::take(&mut blanks),
                page_break: std::mem::take(&mut page_break),
            });
        }
    }
    // While every line is followed by a blank line, blank lines carry no meaning: halve them
    // (a text double-spaced twice is halved twice).
    let mut gaps: Vec<usize> = content
        .iter()
        .map(|g| if g.page_break { 0 } else { g.blanks.len() })
        .collect();
    let double_spaced = |gaps: &[usize]| {
        gaps.len() >= 8
            && content
                .iter()
                .zip(gaps)
                .skip(1)
                .filter(|(g, _)| !g.page_break)
                .all(|(_, &n)| n > 0)
    };
    while double_spaced(&gaps) {
        for n in &mut gaps {
            *n /= 2;
        }
    }
    let mut keep = vec![false; lines.len()];
    for (g, &n) in content.iter().zip(&gaps) {
        keep[g.line] = true;
        for &b in g.blanks.iter().take(n) {
            keep[b] = true;
        }
    }
    lines
        .into_iter()
        .zip(keep)
        .filter_map(|(l, k)| k.then_some(l))
        .collect()
}

/// A content line and the blank lines before it.
struct Gap {
    line: usize,
    blanks: Vec<usize>,
    page_break: bool,
}

#[cfg(test)]
mod tests {
    use super::super::text::prepare;
    use super::*;

    fn texts(input: &str) -> (Vec<String>, Vec<String>) {
        let mut w = Warnings::default();
        let out = strip(prepare(input), &mut w);
        (
            out.into_iter().map(|l| l.text).collect(),
            w.0.into_iter().filter_map(|w| w.text).collect(),
        )
    }

    #[test]
    fn page_numbers_and_running_headers_go() {
        let body = "KẾ HOẠCH\nKế hoạch số 1\nII. NHIỆM VỤ\nCông an tỉnh chủ trì\nKế hoạch số 1\n- 2 -\nSở Tư pháp phối hợp\nx\n\nKế hoạch số 1\nTrang 3/4\n\ny";
        let (lines, removed) = texts(body);
        assert_eq!(
            lines,
            [
                "KẾ HOẠCH",
                "Kế hoạch số 1",
                "II. NHIỆM VỤ",
                "Công an tỉnh chủ trì",
                "Sở Tư pháp phối hợp",
                "x",
                "y"
            ]
        );
        assert_eq!(
            removed,
            ["Kế hoạch số 1", "- 2 -", "Kế hoạch số 1", "Trang 3/4"]
        );
    }

    /// A page that starts with an item whose agency list wraps: the wrapped line repeats at the
    /// same place after two page numbers (the same list in two tasks), but the item's line
    /// stands between it and the page's edge, so it is the body, not a running header.
    #[test]
    fn a_repeated_body_line_below_a_pages_first_line_stays() {
        let item = "b) Cơ quan phối hợp: các sở, ban, ngành;\n\
                    Ủy ban nhân dân các xã, phường và các cơ quan, đơn\nvị khác có liên quan.";
        let body = format!(
            "KẾ HOẠCH\nII. NHIỆM VỤ\n1. Tuyên truyền\na) Cơ quan chủ trì: Công an tỉnh.\n\
             UBND tỉnh – Kế hoạch số 9\nTrang 1/3\n{item}\n2. Tập huấn\n\
             a) Cơ quan chủ trì: Công an tỉnh.\nUBND tỉnh – Kế hoạch số 9\nTrang 2/3\n{item}\n\
             UBND tỉnh – Kế hoạch số 9\nTrang 3/3\nz"
        );
        let (lines, removed) = texts(&body);
        assert_eq!(
            removed,
            [
                "UBND tỉnh – Kế hoạch số 9",
                "Trang 1/3",
                "UBND tỉnh – Kế hoạch số 9",
                "Trang 2/3",
                "UBND tỉnh – Kế hoạch số 9",
                "Trang 3/3"
            ]
        );
        let kept = lines
            .iter()
            .filter(|l| l.starts_with("Ủy ban nhân dân các xã"))
            .count();
        assert_eq!(kept, 2, "{lines:?}");
    }

    /// A wrapped agency list's line that falls first on two pages of ten (right after the page
    /// number, nothing between) is the body: a running header stands on most pages.
    #[test]
    fn a_body_line_first_on_two_pages_of_many_stays() {
        let list = "b) Cơ quan phối hợp: Các sở, ban, ngành tỉnh,";
        let tail = "UBND các xã, phường và các cơ quan, đơn vị có\nliên quan.";
        let mut body = String::from("KẾ HOẠCH\nII. NHIỆM VỤ\n");
        for page in 1..=10 {
            if page == 3 || page == 7 {
                body.push_str(&format!("{list}\n{page}\n{tail}\n"));
            } else {
                body.push_str(&format!("Công an tỉnh chủ trì việc số {page}.\n{page}\n"));
            }
        }
        let (lines, removed) = texts(&body);
        assert_eq!(removed.len(), 10, "{removed:?}");
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.starts_with("UBND các xã, phường"))
                .count(),
            2,
            "{lines:?}"
        );
    }

    /// A plan of two pages: its title, repeated as the second page's running header, is met at
    /// one page break only, but it is the plan's own title. A body line met once stays.
    #[test]
    fn the_plans_title_at_its_only_page_break_goes() {
        let body = "KẾ HOẠCH\nTriển khai thi hành Luật An ninh mạng\ntrên địa bàn tỉnh\n\n\
                    II. NHIỆM VỤ\n1. Rà soát, hoàn thành trước ngày 30/9/2026.\nTrang 1/2\n\
                    Triển khai thi hành Luật An ninh mạng trên địa bàn tỉnh\n2. Tập huấn\n\
                    Công an tỉnh chủ trì các lớp\nTrang 2/2\nSở Tư pháp phối hợp với";
        let (lines, removed) = texts(body);
        assert_eq!(
            removed,
            [
                "Trang 1/2",
                "Triển khai thi hành Luật An ninh mạng trên địa bàn tỉnh",
                "Trang 2/2"
            ]
        );
        assert!(lines.contains(&"Công an tỉnh chủ trì các lớp".to_string()));
        assert!(lines.contains(&"Sở Tư pháp phối hợp với".to_string()));
    }

    /// The two form-feed plans below, their running header gone.
    const WITHOUT_RUNNING_HEADER: [&str; 7] = [
        "KẾ HOẠCH",
        "Triển khai Luật An ninh mạng",
        "II. NHIỆM VỤ",
        "Công an tỉnh chủ trì",
        "Sở Tư pháp phối hợp",
        "x",
        "y",
    ];

    #[test]
    fn running_headers_at_form_feeds_go_without_page_numbers() {
        let body = "KẾ HOẠCH\nTriển khai Luật An ninh mạng\nII. NHIỆM VỤ\nCông an tỉnh chủ trì\n\
                    \u{c}Triển khai Luật An ninh mạng\nSở Tư pháp phối hợp\nx\n\
                    \u{c}Triển khai Luật An ninh mạng\ny";
        let (lines, removed) = texts(body);
        assert_eq!(lines, WITHOUT_RUNNING_HEADER);
        assert_eq!(removed.len(), 2);
    }

    #[test]
    fn a_form_feed_after_indentation_still_starts_a_page() {
        // Tab-indented lines: the form feed stands after the tab, not first on the line.
        let body =
            "KẾ HOẠCH\n\tTriển khai\tLuật An ninh mạng\nII. NHIỆM VỤ\n\tCông an tỉnh chủ trì\n\
                    \t\u{c}Triển khai\tLuật An ninh mạng\n\tSở Tư pháp phối hợp\nx\n\
                    \t\u{c}Triển khai\tLuật An ninh mạng\ny";
        let (lines, removed) = texts(body);
        assert_eq!(lines, WITHOUT_RUNNING_HEADER);
        assert_eq!(removed.len(), 2, "{removed:?}");
    }

    #[test]
    fn a_header_naming_the_plan_number_goes_even_once() {
        let body = "Số: 215/KH-UBND\nKẾ HOẠCH\nII. NHIỆM VỤ\nThời hạn: trong 30 ngày kể từ ngày\n\
                    Trang 1/2\n\u{c}UBND tỉnh Tây Ninh - Kế hoạch số 215/KH-UBND\nNghị định có hiệu lực";
        let (lines, removed) = texts(body);
        assert_eq!(
            lines,
            [
                "Số: 215/KH-UBND",
                "KẾ HOẠCH",
                "II. NHIỆM VỤ",
                "Thời hạn: trong 30 ngày kể từ ngày",
                "Nghị định có hiệu lực"
            ]
        );
        assert_eq!(
            removed,
            ["Trang 1/2", "UBND tỉnh Tây Ninh - Kế hoạch số 215/KH-UBND"]
        );
    }

    #[test]
    fn a_repeated_sentence_away_from_page_boundaries_stays() {
        // The same task sentence twice in the body, and once at a page boundary: not a header.
        let body = "KẾ HOẠCH\nII. NHIỆM VỤ\n1. Rà soát\nCông an tỉnh chủ trì\na\nb\nc\n\
                    2. Tập huấn\nCông an tỉnh chủ trì\nd\ne\nf\n\u{c}Công an tỉnh chủ trì\ng\nh\ni";
        let (lines, removed) = texts(body);
        assert!(removed.is_empty(), "{removed:?}");
        assert_eq!(
            lines
                .iter()
                .filter(|l| *l == "Công an tỉnh chủ trì")
                .count(),
            3
        );
    }

    #[test]
    fn a_wrapped_line_repeated_at_two_boundaries_in_different_places_stays() {
        // The same wrapped agency-list line just after one page number and just before
        // another: body text, not a running header (which keeps its place on every page).
        let body = "KẾ HOẠCH\nII. NHIỆM VỤ\na\nb\n- 2 -\nCơ quan phối hợp: Sở Tư pháp,\n\
                    UBND các xã, phường và các cơ quan có\nliên quan.\nc\nd\ne\n\
                    Cơ quan phối hợp: Sở Tư pháp,\nUBND các xã, phường và các cơ quan có\n\
                    - 3 -\nliên quan.\nf";
        let (lines, removed) = texts(body);
        assert_eq!(removed, ["- 2 -", "- 3 -"]);
        assert_eq!(
            lines
                .iter()
                .filter(|l| *l == "UBND các xã, phường và các cơ quan có")
                .count(),
            2
        );
    }

    #[test]
    fn page_number_forms() {
        for t in [
            "3",
            "- 3 -",
            "– 3/5 –",
            "Trang 3",
            "Trang 3/5",
            "trang 3 trên 5",
            "Page 3 of 5",
            "[3]",
        ] {
            let l = &prepare(t)[0];
            assert!(is_page_number(l), "{t}");
        }
        for t in [
            "15/11",
            "3/5",
            "2026",
            "Trang chủ",
            "- 3 ngày -",
            "1. Tổ chức",
        ] {
            let l = &prepare(t)[0];
            assert!(!is_page_number(l), "{t}");
        }
    }

    #[test]
    fn a_lone_number_is_not_a_page_without_others() {
        let (lines, removed) = texts("a\n3\nb");
        assert_eq!(lines, ["a", "3", "b"]);
        assert!(removed.is_empty());
    }

    #[test]
    fn double_spacing_is_halved() {
        let text = "a\n\nb\n\nc\n\n\n\nd\n\ne\n\nf\n\ng\n\nh\n";
        let (lines, _) = texts(text);
        assert_eq!(lines, ["a", "b", "c", "", "d", "e", "f", "g", "h"]);
    }
}
