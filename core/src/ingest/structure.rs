//! Document structure (Decree 30/2020): the `KẾ HOẠCH` heading, sections `I.`…, items `1.`,
//! lettered items `a)`/`a.`, bullets `-` and `+`, and the field labels of a task
//! (`Cơ quan chủ trì:`, `Thời gian thực hiện:`...).
//!
//! Lines become *blocks* (a marker and its text, with wrapped lines joined), blocks become a
//! tree by marker level, and the tree is what [`super::obligations`] reads.

use super::par::{self, Threads};
use super::text::{fold, fold_char, is_upper, Line};

/// The marker that opens a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Marker {
    /// `II.` — a section.
    Roman(String),
    /// `1.` or `1.2.`.
    Number(Vec<u32>),
    /// `a)` or `a.`.
    Letter(char),
    /// `-`, `–`, `•`.
    Dash,
    /// `+`.
    Plus,
    /// `(1)` or `1)` inside a list.
    Paren(u32),
    /// Plain paragraph.
    None,
}

impl Marker {
    /// Nesting level: smaller is higher.
    pub fn level(&self) -> u8 {
        match self {
            Marker::Roman(_) => 0,
            Marker::Number(n) => 10 + n.len().min(5) as u8,
            Marker::Letter(_) => 20,
            Marker::Dash => 30,
            Marker::Plus => 40,
            Marker::Paren(_) => 50,
            Marker::None => 60,
        }
    }
}

/// A marker and its text; wrapped lines are joined.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    /// Index of the first and last line (into the line vector).
    pub first: usize,
    pub last: usize,
    pub marker: Marker,
    /// Text after the marker.
    pub text: String,
    pub table: bool,
}

impl Block {
    /// The marker as it appears in an obligation id: `1`, `b`, `1.2`.
    pub fn id_part(&self) -> Option<String> {
        match &self.marker {
            Marker::Roman(r) => Some(r.clone()),
            Marker::Number(n) => n.last().map(u32::to_string),
            Marker::Letter(c) => Some(c.to_string()),
            Marker::Paren(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

/// Vietnamese lettering order (no f, j, w, z; `đ` after `d`).
pub(crate) const VN_LETTERS: &[char] = &[
    'a', 'b', 'c', 'd', 'đ', 'e', 'g', 'h', 'i', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't',
    'u', 'v', 'x', 'y',
];

const ROMANS: &[&str] = &[
    "XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I",
];

/// After a marker: optional spaces, then the text (required non-empty).
fn rest_after(s: &str) -> Option<&str> {
    let r = s.trim_start();
    (!r.is_empty()).then_some(r)
}

/// The first `n` characters of `s`.
fn head(s: &str, n: usize) -> &str {
    // No more bytes than `n`, so no more characters: `s` whole, without walking it.
    if s.len() <= n {
        return s;
    }
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn roman(t: &str) -> Option<(String, &str)> {
    let mut s = t;
    // "Phần I." / "PHẦN THỨ I" / "Mục I."
    let f = fold(head(s, 12));
    if f.starts_with("phan ") || f.starts_with("muc ") {
        let sp = s.find(char::is_whitespace)?;
        s = s[sp..].trim_start();
        if fold(head(s, 6)).starts_with("thu ") {
            let sp = s.find(char::is_whitespace)?;
            s = s[sp..].trim_start();
        }
    }
    let n = ROMANS.iter().find(|r| s.starts_with(**r))?;
    let gap = &s[n.len()..];
    let after = gap.trim_start();
    let sep = after.chars().next()?;
    if matches!(sep, '.' | '-' | '–' | ':' | ')' | '/') {
        let rest = rest_after(&after[sep.len_utf8()..])?;
        // A section title starts with a word: `III/2026` (a quarter) at the start of a wrapped
        // line is not a heading.
        let titled = rest.starts_with(char::is_alphabetic);
        return (titled && (is_upper(rest) || rest.chars().count() <= 120))
            .then(|| (n.to_string(), rest));
    }
    // Without a separator (`II NHIỆM VỤ`, `III Kinh phí`): a numeral alone before a section
    // title, which must then read as one (upper case, or the words of a known section).
    let spaced = gap.starts_with(char::is_whitespace);
    let titled = sep.is_alphabetic()
        && after.chars().count() <= 120
        && (is_upper(after) || section_kind(after) != SectionKind::Other);
    (spaced && titled).then(|| (n.to_string(), after))
}

fn number(t: &str) -> Option<(Marker, &str)> {
    let b = t.as_bytes();
    let mut parts: Vec<u32> = Vec::new();
    let mut i = 0;
    loop {
        // An item number has up to three digits (a plan or an appendix may list 100 and more
        // items); a sub-number (`1.12`) up to two. Four digits are a year, never a label.
        let most = if parts.is_empty() { 3 } else { 2 };
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start <= most {
            i += 1;
        }
        let len = i - start;
        if len == 0 || len > most || b.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        parts.push(t[start..i].parse().ok()?);
        // Another component: ".<digit>".
        if b.get(i) == Some(&b'.')
            && b.get(i + 1).is_some_and(u8::is_ascii_digit)
            && parts.len() < 4
        {
            i += 1;
            continue;
        }
        break;
    }
    let mut j = i;
    while b.get(j) == Some(&b' ') {
        j += 1;
    }
    // `1.`, `1)`, and for a single number `1/` and `1-` (`1.2/` is not a label).
    let sep = match b.get(j) {
        Some(b'.') => Some('.'),
        Some(b')') => Some(')'),
        Some(b'/' | b'-') if parts.len() == 1 => b.get(j).map(|&c| c as char),
        _ => None,
    };
    if sep.is_some() {
        j += 1;
    }
    let rest = t[j..].trim_start();
    let multi = parts.len() > 1;
    // "1." / "1)" / "1.2." / "1.2 Abc"; not "15/11", "2026 ...", "1.000".
    let spaced = j < b.len() && (b[j] == b' ' || sep.is_some());
    if rest.starts_with(|c: char| c.is_ascii_digit() || c == '/' || c == '%')
        || !(sep.is_some() || (multi && spaced))
        || parts.contains(&0)
    {
        return None;
    }
    if sep == Some(')') && !multi {
        return Some((Marker::Paren(parts[0]), rest));
    }
    Some((Marker::Number(parts), rest))
}

const DASHES: &[char] = &[
    '-', '–', '—', '•', '·', '▪', '◦', '●', '○', '■', '□', '➢', '➤', '✓',
];

/// The marker of a cleaned line and the text after it.
pub(crate) fn parse_marker(t: &str) -> (Marker, &str) {
    let mut cs = t.chars();
    let Some(first) = cs.next() else {
        return (Marker::None, t);
    };
    if matches!(first, 'I' | 'V' | 'X' | 'P' | 'p' | 'M' | 'm') {
        if let Some((n, rest)) = roman(t) {
            return (Marker::Roman(n), rest);
        }
    }
    if first.is_ascii_digit() {
        if let Some((m, rest)) = number(t) {
            return (m, rest);
        }
    }
    if first == '(' {
        // "(1) ..."
        let inner = &t[1..];
        let digits = inner.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=2).contains(&digits) && inner[digits..].starts_with(')') {
            if let (Ok(n), Some(rest)) = (inner[..digits].parse(), rest_after(&inner[digits + 1..]))
            {
                return (Marker::Paren(n), rest);
            }
        }
        // "(a) ...": a letter label in parentheses.
        if let Some(c) = inner.chars().next().filter(|c| VN_LETTERS.contains(c)) {
            if let Some(rest) = inner[c.len_utf8()..].strip_prefix(')').and_then(rest_after) {
                return (Marker::Letter(c), rest);
            }
        }
    }
    if VN_LETTERS.contains(&first) {
        // "a) ...", "a. ...", "a ) ...", "a/ ..." (not "đ/c", the abbreviation of đồng chí)
        let after = &t[first.len_utf8()..];
        let after = after.strip_prefix(' ').unwrap_or(after);
        let slash = after.strip_prefix('/').filter(|r| r.starts_with(' '));
        if let Some(r) = after
            .strip_prefix(')')
            .or_else(|| after.strip_prefix('.'))
            .or(slash)
        {
            if let Some(rest) = rest_after(r) {
                return (Marker::Letter(first), rest);
            }
        }
    }
    if DASHES.contains(&first) {
        let r = t[first.len_utf8()..].trim_start();
        if !r.is_empty() && !r.starts_with(DASHES) {
            return labelled_bullet(r).unwrap_or((Marker::Dash, r));
        }
    }
    if first == '+' {
        if let Some(rest) = rest_after(&t[1..]) {
            return labelled_bullet(rest).unwrap_or((Marker::Plus, rest));
        }
    }
    (Marker::None, t)
}

/// A bullet before a letter or number label (`- b) ...`, `• 2. ...`) is decoration: the label
/// is the marker.
fn labelled_bullet(rest: &str) -> Option<(Marker, &str)> {
    match parse_marker(rest) {
        (m @ (Marker::Letter(_) | Marker::Number(_)), r) => Some((m, r)),
        _ => None,
    }
}

/// Whether a line is only decoration (`-----`, `___`, `***`).
fn is_decoration(t: &str) -> bool {
    !t.is_empty() && !t.chars().any(char::is_alphanumeric)
}

/// The document's measure: the length most of its lines stay within (the 90th percentile, so
/// that a few long unbreakable lines do not count). A text hard-wrapped at some width has a
/// measure near that width; a text of one line per paragraph has a measure far longer than any
/// title.
fn measure(lines: &[Line], threads: Threads) -> usize {
    let mut lens: Vec<usize> = par::map(threads, lines, |_, l| {
        (!l.table_row && !l.text.is_empty()).then_some(l.written)
    })
    .into_iter()
    .flatten()
    .collect();
    lens.sort_unstable();
    let k = (lens.len().saturating_sub(1) * 9) / 10;
    lens.get(k).copied().unwrap_or(0)
}

/// Builds blocks from lines `from..to`.
#[cfg(test)]
pub(crate) fn blocks(lines: &[Line], from: usize, to: usize) -> Vec<Block> {
    blocks_with(lines, from, to, Threads::One, &mut Vec::new())
}

/// A line that starts like an item label of four digits or more (`1045. Rà soát`) but does not
/// continue its list's numbering: read as text, and said in a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeclinedLabel {
    /// Index of the line.
    pub line: usize,
    /// The label as written (`1045.`).
    pub label: String,
    /// The label of the list's last item before it, as written, if any.
    pub last: Option<String>,
}

/// The last numbered item of a list seen so far, items `1.` and `1)` apart: its number and its
/// line as written (whose label style the next item must share).
#[derive(Debug, Default)]
struct Sequence<'a> {
    number: Option<(u32, &'a str)>,
    paren: Option<(u32, &'a str)>,
}

impl<'a> Sequence<'a> {
    /// Notes a block's marker and line; a section heading starts new lists.
    fn note(&mut self, marker: &Marker, written: &'a str) {
        match marker {
            Marker::Roman(_) => *self = Sequence::default(),
            Marker::Number(n) if n.len() == 1 => self.number = Some((n[0], written)),
            Marker::Paren(n) => self.paren = Some((*n, written)),
            _ => {}
        }
    }

    /// A line [`parse_marker`] left unmarked that starts with a label of four digits or more:
    /// the marker when it is the next item of its list (`1000.` right after `999.`, same label
    /// style), else why it is declined (`Err(Some(..))`; `Err(None)` for no such label at all,
    /// and for a year that does not read as an item, which at the start of a line is text).
    /// A year reads as an item (`2000. Sở Tư pháp chủ trì ...` after item `5.`) when a list of
    /// its label style is open, `after_break` (the line starts a sentence: a blank line or the
    /// end of one before it, not a wrap inside `... trong năm` / `2026. ...`) and the text
    /// after the label starts with an upper-case letter.
    fn long_label<'t>(
        &self,
        t: &'t str,
        line: usize,
        after_break: bool,
    ) -> Result<(Marker, &'t str), Option<DeclinedLabel>> {
        let Some((n, sep, rest)) = long_number(t) else {
            return Err(None);
        };
        let Some((label, style)) = written_label(t) else {
            return Err(None);
        };
        let last = if sep == ')' { self.paren } else { self.number };
        let last_label = last.and_then(|(m, w)| Some((m, written_label(w)?)));
        match last_label {
            Some((m, (_, s))) if m.checked_add(1) == Some(n) && s == style => Ok((
                if sep == ')' {
                    Marker::Paren(n)
                } else {
                    Marker::Number(vec![n])
                },
                rest,
            )),
            // A year (`2026. Năm tiếp theo ...` after a wrap) is text, as the plan meant it.
            _ if (1900..=2100).contains(&n)
                && !(last_label.is_some()
                    && after_break
                    && rest.starts_with(char::is_uppercase)) =>
            {
                Err(None)
            }
            _ => Err(Some(DeclinedLabel {
                line,
                label,
                last: last_label.map(|(_, (l, _))| l),
            })),
        }
    }
}

/// A label of four to nine digits at the start of `t`, a bullet before it allowed (`1000. `,
/// `- 1000) `): its number, separator and the text after it. The separator must be followed by a
/// space and the text must not start with a digit: `1045/QĐ-UBND`, `2026-04-20` and `1000.000`
/// are no labels. [`number`] takes labels of up to three digits without this test.
fn long_number(t: &str) -> Option<(u32, char, &str)> {
    let mut s = t;
    if let Some(first) = s.chars().next() {
        if DASHES.contains(&first) || first == '+' {
            s = s[first.len_utf8()..].trim_start();
        }
    }
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if !(4..=9).contains(&digits) {
        return None;
    }
    let n: u32 = s[..digits].parse().ok()?;
    let after = s[digits..].trim_start_matches(' ');
    let sep = after
        .chars()
        .next()
        .filter(|c| matches!(c, '.' | ')' | '/' | '-'))?;
    let tail = &after[1..];
    let rest = tail.trim_start();
    let spaced = rest.len() < tail.len();
    (spaced && !rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit() || c == '%'))
        .then_some((n, sep, rest))
}

/// [`blocks`], the document's measure taken on two threads when `threads` allows it; labels of
/// four digits or more that do not continue their list are added to `declined`.
fn blocks_with(
    lines: &[Line],
    from: usize,
    to: usize,
    threads: Threads,
    declined: &mut Vec<DeclinedLabel>,
) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut blanks = 0usize;
    let width = measure(lines, threads);
    let to = to.min(lines.len());
    let mut seq = Sequence::default();
    for (i, line) in lines.iter().enumerate().take(to).skip(from) {
        let t = line.text.as_str();
        if t.is_empty() || is_decoration(t) {
            blanks += 1;
            continue;
        }
        let (mut marker, mut rest) = if line.table_row {
            (Marker::None, t)
        } else {
            parse_marker(t)
        };
        // An item number of four digits or more only where it continues the list: a number
        // that size at the start of a line is far more often a year or a figure.
        // (`- 1000.` reads as a dash bullet until then.)
        if matches!(marker, Marker::None | Marker::Dash | Marker::Plus)
            && !line.table_row
            && t.starts_with(|c: char| !c.is_alphabetic())
        {
            // Whether the line starts a sentence, for a year that reads as an item.
            let after_break = blanks > 0
                || out
                    .last()
                    .is_none_or(|p| p.text.trim_end().ends_with(['.', ';', '!', '?']));
            match seq.long_label(t, i, after_break) {
                Ok((m, r)) => (marker, rest) = (m, r),
                Err(Some(d)) => declined.push(d),
                Err(None) => {}
            }
        }
        if !line.table_row {
            seq.note(&marker, t);
        }
        if marker == Marker::None && !line.table_row {
            if let Some(prev) = out.last_mut() {
                if continues(prev, t, blanks, lines, width) {
                    prev.text.push(' ');
                    prev.text.push_str(t);
                    prev.last = i;
                    blanks = 0;
                    continue;
                }
            }
        }
        out.push(Block {
            first: i,
            last: i,
            marker,
            text: rest.to_string(),
            table: line.table_row,
        });
        blanks = 0;
    }
    out
}

/// An upper-case line of two words or more (`KINH PHÍ`, `NƠI NHẬN`): a heading, not the tail of
/// a sentence (`III/2026.`, `UBND.`).
fn heading_like(t: &str) -> bool {
    is_upper(t)
        && t.split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count()
            >= 2
}

/// Characters of slack in the wrap test (markup before the next word, a wrap that counts
/// differently).
const WRAP_SLACK: usize = 2;

/// Whether an unmarked line continues the previous block (a wrapped line).
///
/// What starts a block is decided first (a marker, a field label, a blank line before an
/// upper-case start); for an upper-case start right after a line, the wrap test decides: a
/// hard-wrapped line breaks only where the next word would not have fitted within the
/// document's measure, so a line that had room for it ended its paragraph.
fn continues(prev: &Block, t: &str, blanks: usize, lines: &[Line], width: usize) -> bool {
    if prev.table || blanks > 1 {
        return false;
    }
    let prev_line = lines.get(prev.last).map_or("", |l| l.text.as_str());
    let first = t.chars().next().unwrap_or(' ');
    let open_clause = !prev_line.trim_end().ends_with(['.', ':', ';', '!', '?']);
    if field_label(t).is_some() {
        // `... tập huấn chuyên sâu,` / `thời gian thực hiện: thường xuyên.`: a label written in
        // lower case in the middle of a sentence is part of it.
        return first.is_lowercase() && open_clause && blanks == 0;
    }
    if first.is_lowercase() {
        return true;
    }
    if blanks > 0 || (heading_like(t) && !is_upper(prev_line)) {
        return false;
    }
    if matches!(prev.marker, Marker::Roman(_)) && !is_upper(t) {
        return false;
    }
    let Some(prev_written) = lines.get(prev.last) else {
        return false;
    };
    let first_word = t.split_whitespace().next().map_or(0, |w| w.chars().count());
    let wrapped = prev_written.written + 1 + first_word + WRAP_SLACK > width;
    let long_open_line =
        open_clause && !prev_line.trim_end().ends_with(')') && prev_line.chars().count() >= 60;
    wrapped || long_open_line
}

/// The fields of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Field {
    Content,
    Products,
    ContentProducts,
    Lead,
    Coordinating,
    Performers,
    Timeline,
}

/// A field label at the start of `t` (`Cơ quan chủ trì:`): the field and the value after the
/// colon.
pub(crate) fn field_label(t: &str) -> Option<(Field, &str)> {
    // A label is short: look for its colon in the first 60 characters only.
    let colon = colon_within(t, 61)?;
    let label = &t[..colon];
    // Most texts with a colon are no label: their first word says so before any folding.
    if !LABEL_FIRST_WORDS.contains(&first_folded_word(label, 5).as_str()) {
        return None;
    }
    let value = t[colon..].trim_start_matches([':', '：']).trim_start();
    let folded = fold(label);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut w: &[&str] = &words;
    let mut had_prefix = false;
    loop {
        match w {
            ["cac", rest @ ..] => w = rest,
            ["co", "quan", rest @ ..] | ["don", "vi", rest @ ..] | ["to", "chuc", rest @ ..] => {
                had_prefix = true;
                w = rest;
            }
            _ => break,
        }
    }
    let starts = |p: &[&str], extra: usize| {
        w.len() >= p.len() && w[..p.len()] == *p && w.len() - p.len() <= extra
    };
    let field = if starts(&["chu", "tri"], 2)
        || (had_prefix && starts(&["chiu", "trach", "nhiem", "chinh"], 0))
    {
        Field::Lead
    } else if starts(&["phoi", "hop"], 2) {
        Field::Coordinating
    } else if starts(&["thoi", "gian"], 3)
        || starts(&["thoi", "han"], 3)
        || starts(&["tien", "do"], 3)
        || starts(&["thoi", "diem"], 3)
    {
        Field::Timeline
    } else if starts(&["noi", "dung", "san", "pham"], 0)
        || starts(&["noi", "dung", "va", "san", "pham"], 0)
        || starts(&["noi", "dung", "ket", "qua"], 0)
    {
        Field::ContentProducts
    } else if starts(&["noi", "dung"], 2) {
        Field::Content
    } else if starts(&["san", "pham"], 2)
        || starts(&["ket", "qua", "san", "pham"], 0)
        || starts(&["hinh", "thuc", "san", "pham"], 0)
        || starts(&["ket", "qua", "dau", "ra"], 0)
    {
        Field::Products
    } else if (had_prefix && (starts(&["thuc", "hien"], 1) || starts(&["trien", "khai"], 1)))
        || starts(&["trach", "nhiem", "thuc", "hien"], 0)
        || starts(&["chiu", "trach", "nhiem", "thuc", "hien"], 0)
        || (had_prefix && starts(&["chiu", "trach", "nhiem"], 0))
    {
        Field::Performers
    } else {
        return None;
    };
    Some((field, value))
}

/// Byte offset of the first `:` or `：` among the first `chars` characters of `t`
/// (`head(t, chars).find([':', '：'])`), in one pass over the bytes that stops at the colon:
/// a character starts at each byte that is not a UTF-8 continuation byte, and `：` is
/// `EF BC 9A`.
fn colon_within(t: &str, chars: usize) -> Option<usize> {
    let b = t.as_bytes();
    let mut n = 0;
    for (i, &x) in b.iter().enumerate() {
        if x & 0xC0 == 0x80 {
            continue;
        }
        if n == chars {
            return None;
        }
        n += 1;
        if x == b':' || (x == 0xEF && b.get(i + 1..i + 3) == Some(&[0xBC, 0x9A][..])) {
            return Some(i);
        }
    }
    None
}

/// The first folded word a label can start with: the prefixes `các`, `cơ quan`, `đơn vị`,
/// `tổ chức` that [`field_label`] skips, and the first word of every label it knows.
const LABEL_FIRST_WORDS: &[&str] = &[
    "cac", "co", "don", "to", "chu", "chiu", "phoi", "thoi", "tien", "noi", "san", "ket", "hinh",
    "thuc", "trien", "trach",
];

/// The first word of `fold(s)` split at characters that are not alphanumeric, or an empty
/// string when it is longer than `max` bytes; only as much of `s` is folded as that takes.
fn first_folded_word(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        fold_char(c, &mut out);
        let t = out.trim_start_matches(|c: char| !c.is_alphanumeric());
        if let Some(end) = t.find(|c: char| !c.is_alphanumeric()) {
            return if end <= max {
                t[..end].to_string()
            } else {
                String::new()
            };
        }
        if t.len() > max {
            return String::new();
        }
    }
    let t = out.trim_start_matches(|c: char| !c.is_alphanumeric());
    t.to_string()
}

/// Every label in a line: the first at its start, others after `.` or `;` (`Cơ quan chủ trì:
/// Công an tỉnh. Thời gian: quý II/2026`). Empty when the line has no label at its start.
pub(crate) fn split_labels(t: &str) -> Vec<(Field, String)> {
    let mut out = Vec::new();
    let Some((mut field, mut value)) = field_label(t) else {
        return out;
    };
    loop {
        let next = value
            .char_indices()
            .filter(|&(_, c)| c == '.' || c == ';')
            .map(|(i, _)| i + 1)
            .find_map(|i| {
                let rest = value[i..].trim_start();
                field_label(rest).map(|(f, v)| (i, f, v))
            });
        match next {
            Some((i, f, v)) => {
                out.push((
                    field,
                    value[..i].trim_end_matches(['.', ';']).trim().to_string(),
                ));
                field = f;
                value = v;
            }
            None => {
                out.push((field, value.trim().to_string()));
                return out;
            }
        }
    }
}

/// What a section is about, from its title's words (not its number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SectionKind {
    Purpose,
    Tasks,
    Funding,
    Organisation,
    Other,
}

pub(crate) fn section_kind(title: &str) -> SectionKind {
    let f = fold(title);
    if f.starts_with("to chuc thuc hien")
        || f.starts_with("trach nhiem")
        || f.contains("che do bao cao")
        || f.starts_with("bao cao")
    {
        SectionKind::Organisation
    } else if f.contains("kinh phi") {
        SectionKind::Funding
    } else if f.contains("muc dich") || f.starts_with("yeu cau") {
        SectionKind::Purpose
    } else if f.contains("noi dung")
        || f.contains("nhiem vu")
        || f.contains("giai phap")
        || f.contains("phan cong")
    {
        SectionKind::Tasks
    } else if f.contains("to chuc thuc hien") {
        SectionKind::Organisation
    } else {
        SectionKind::Other
    }
}

/// A section `II. NỘI DUNG ...` and its blocks.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub numeral: String,
    pub title: String,
    pub kind: SectionKind,
    pub heading: Block,
    pub blocks: Vec<Block>,
    /// The blocks nested by level ([`tree`]), built once for the obligation reader and the
    /// coverage count.
    pub tree: Vec<Node>,
}

/// Where the parts of the document are.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    /// Line index of the `KẾ HOẠCH` heading.
    pub plan_heading: Option<usize>,
    /// A Decision (Quyết định) comes before the plan.
    pub decision: bool,
    /// The title (subject line): the words after the `KẾ HOẠCH` heading.
    pub title: Option<String>,
    /// First line of the plan's body (after the title).
    pub body_start: usize,
    /// Line index where the body ends (`Nơi nhận`), exclusive.
    pub body_end: usize,
    /// Blocks before the first section (preamble: căn cứ, thực hiện ...).
    pub preamble: Vec<Block>,
    /// When the plan has no sections, its preamble (the whole body) nested ([`tree`]), built
    /// once for the obligation reader, which reads it as a task list, and the coverage count.
    pub preamble_tree: Vec<Node>,
    pub sections: Vec<Section>,
    /// An appendix after the signature (`PHỤ LỤC`).
    pub appendix: Option<Appendix>,
    /// Lines that start like an item label of four digits or more out of their list's
    /// sequence, read as text.
    pub declined_labels: Vec<DeclinedLabel>,
}

/// An appendix (`PHỤ LỤC`): the line of its heading and its blocks.
#[derive(Debug, Clone)]
pub(crate) struct Appendix {
    pub heading: usize,
    pub blocks: Vec<Block>,
}

fn is_plan_heading(t: &str) -> Option<&str> {
    let mut it = t.splitn(3, char::is_whitespace);
    let a = it.next()?;
    let b = it.next()?;
    let b_clean = b.trim_end_matches([':', '.']);
    if a == "KẾ" && b_clean == "HOẠCH" {
        Some(it.next().unwrap_or("").trim())
    } else {
        None
    }
}

/// Finds the plan heading, title, body and sections.
#[cfg(test)]
pub(crate) fn layout(lines: &[Line]) -> Layout {
    layout_with(lines, Threads::One)
}

/// Where the parts of the document are; per-line and per-block steps on two threads when
/// `threads` allows it.
pub(crate) fn layout_with(lines: &[Line], threads: Threads) -> Layout {
    let mut lay = Layout {
        body_end: lines.len(),
        ..Layout::default()
    };
    let candidates: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| is_plan_heading(&l.text).is_some())
        .map(|(i, _)| i)
        .collect();
    let last_section = lines
        .iter()
        .rposition(|l| matches!(parse_marker(&l.text).0, Marker::Roman(_)));
    let has_section_after = |i: usize| last_section.is_some_and(|r| r > i);
    lay.plan_heading = candidates
        .iter()
        .copied()
        .find(|&i| has_section_after(i))
        .or_else(|| candidates.first().copied());
    let start = lay.plan_heading.unwrap_or(0);
    lay.decision = lines[..start.min(lines.len())]
        .iter()
        .any(|l| is_upper(&l.text) && fold(&l.text).starts_with("quyet dinh"));
    let mut body_start = 0;
    if let Some(h) = lay.plan_heading {
        let rest = is_plan_heading(&lines[h].text).unwrap_or("").to_string();
        let mut parts: Vec<String> = Vec::new();
        if !rest.is_empty() {
            parts.push(rest);
        }
        let mut i = h + 1;
        let mut last = h;
        if parts.is_empty() {
            while i < lines.len() && i <= h + 2 && lines[i].text.is_empty() {
                i += 1;
            }
        }
        while i < lines.len() && parts.len() < 4 {
            let t = lines[i].text.as_str();
            let f = fold(t);
            // "Thực hiện Quyết định số 437/QĐ-TTg ..." opens the preamble; a title may also
            // start with "Thực hiện" ("Thực hiện Luật An ninh mạng ...") but cites no number.
            let preamble = f.starts_with("can cu")
                || ((f.starts_with("thuc hien ") || f.starts_with("trien khai "))
                    && f.contains(" so ")
                    && t.contains('/'));
            if t.is_empty()
                || t.starts_with('(')
                || t.chars().count() > 200
                || preamble
                || (f.starts_with("thuc hien ") && !parts.is_empty())
                || parse_marker(t).0 != Marker::None
                || is_decoration(t)
            {
                break;
            }
            parts.push(t.to_string());
            last = i;
            i += 1;
        }
        if !parts.is_empty() {
            lay.title = Some(parts.join(" "));
        }
        body_start = last + 1;
    }
    lay.body_start = body_start;
    lay.body_end = lines
        .iter()
        .enumerate()
        .skip(body_start)
        .find(|(_, l)| {
            // Folding every line of the body to find one heading was a tenth of the layout's
            // cost: only a line whose first letter folds to `n` can be it.
            let first = l.text.chars().next().map(|c| {
                let mut f = String::new();
                super::text::fold_char(c, &mut f);
                f
            });
            if !first.is_some_and(|f| f.starts_with('n')) {
                return false;
            }
            let f = fold(&l.text);
            f.starts_with("noi nhan") && (f.len() <= 10 || f[8..].starts_with([':', ' ']))
        })
        .map_or(lines.len(), |(i, _)| i);
    let all = blocks_with(
        lines,
        body_start,
        lay.body_end,
        threads,
        &mut lay.declined_labels,
    );
    let mut current: Option<Section> = None;
    for b in all {
        if let Marker::Roman(n) = &b.marker {
            if let Some(s) = current.take() {
                lay.sections.push(s);
            }
            current = Some(Section {
                numeral: n.clone(),
                title: b.text.clone(),
                kind: section_kind(&b.text),
                heading: b.clone(),
                blocks: Vec::new(),
                tree: Vec::new(),
            });
            continue;
        }
        match current.as_mut() {
            Some(s) => s.blocks.push(b),
            None => lay.preamble.push(b),
        }
    }
    if let Some(s) = current.take() {
        lay.sections.push(s);
    }
    for s in &mut lay.sections {
        number_paren_items(&mut s.blocks);
        s.tree = tree_with(&s.blocks, threads);
    }
    if lay.sections.is_empty() {
        lay.preamble_tree = tree_with(&lay.preamble, threads);
    }
    // An appendix (often the task table) after the recipients and signature.
    if let Some(i) = (lay.body_end..lines.len()).find(|&i| {
        let t = &lines[i].text;
        is_upper(t) && fold(t).starts_with("phu luc")
    }) {
        lay.appendix = Some(Appendix {
            heading: i,
            blocks: blocks_with(
                lines,
                i + 1,
                lines.len(),
                Threads::One,
                &mut lay.declined_labels,
            ),
        });
    }
    lay
}

/// Items numbered `1)` or `(1)` in a section that has no `1.` items are the section's items
/// (Decree 30 numbers them `1.`; some plans write `1)`), not an enumeration inside one.
/// In a section with `1.` items, a `3)` right after item `2.` (no `1)` enumeration opened since)
/// continues their sequence: the next item in another style, not a lone enumeration inside
/// item 2 that would swallow it.
fn number_paren_items(blocks: &mut [Block]) {
    let has_numbers = blocks
        .iter()
        .any(|b| matches!(&b.marker, Marker::Number(n) if n.len() == 1));
    if !has_numbers {
        for b in blocks {
            if let Marker::Paren(n) = b.marker {
                b.marker = Marker::Number(vec![n]);
            }
        }
        return;
    }
    // The last top-level item number, and whether an enumeration `1)` opened after it.
    let mut last: Option<u32> = None;
    let mut enumeration = false;
    for b in blocks {
        match b.marker {
            Marker::Number(ref n) if n.len() == 1 => {
                last = n.first().copied();
                enumeration = false;
            }
            Marker::Paren(n)
                if !enumeration && last.is_some_and(|l| l.checked_add(1) == Some(n)) =>
            {
                b.marker = Marker::Number(vec![n]);
                last = Some(n);
            }
            Marker::Paren(_) => enumeration = true,
            _ => {}
        }
    }
}

/// An item whose label is written in another style than the item before it in the same list
/// (`3)` after `2.`, `b.` after `a)`): read as the next item all the same, and said in an info.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LabelStyleChange {
    /// Index of the item's first line.
    pub line: usize,
    /// The labels as written: the item before and this one.
    pub before: String,
    pub after: String,
}

/// Every label-style change among the numbered (`1.`) and lettered (`a)`) items of each list in
/// the sections: siblings of one parent, compared with the previous sibling of the same kind.
pub(crate) fn label_style_changes(lines: &[Line], lay: &Layout) -> Vec<LabelStyleChange> {
    let mut out = Vec::new();
    for s in &lay.sections {
        style_changes_among(&s.tree, lines, &mut out);
    }
    out
}

fn style_changes_among<'a>(nodes: &[Node], lines: &'a [Line], out: &mut Vec<LabelStyleChange>) {
    // The label as written of the last numbered and the last lettered sibling (compared
    // without allocating: a list has thousands of items in a large plan).
    let mut last: [Option<Written<'a>>; 2] = [None, None];
    for n in nodes {
        let kind = match &n.block.marker {
            Marker::Number(parts) if parts.len() == 1 => Some(0),
            Marker::Letter(_) => Some(1),
            _ => None,
        };
        let written = kind
            .filter(|_| !n.block.table)
            .and_then(|k| Some((k, written(&lines.get(n.block.first)?.text)?)));
        if let Some((k, w)) = written {
            if let Some(before) = &last[k] {
                if before.style() != w.style() {
                    out.push(LabelStyleChange {
                        line: n.block.first,
                        before: before.label(),
                        after: w.label(),
                    });
                }
            }
            last[k] = Some(w);
        }
        style_changes_among(&n.children, lines, out);
    }
}

/// An item's label as written: `(` or not, its number or letter, its separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Written<'a> {
    paren: bool,
    body: &'a str,
    numeric: bool,
    sep: char,
}

impl Written<'_> {
    /// The label as written (`(3)`, `b.`).
    fn label(&self) -> String {
        let open = if self.paren { "(" } else { "" };
        format!("{open}{}{}", self.body, self.sep)
    }

    /// The label's style: the label with its number as `n` and its letter as `a` (`(n)`,
    /// `a.`), as a tuple.
    fn style(&self) -> (bool, bool, char) {
        (self.paren, self.numeric, self.sep)
    }

    /// [`Written::style`] written out.
    fn style_text(&self) -> String {
        let open = if self.paren { "(" } else { "" };
        let key = if self.numeric { "n" } else { "a" };
        format!("{open}{key}{}", self.sep)
    }
}

/// The label at the start of an item's line as written (`3)`, `(3)`, `b.`; a bullet before it
/// is decoration).
fn written(t: &str) -> Option<Written<'_>> {
    let mut s = t;
    if let Some(first) = s.chars().next() {
        if DASHES.contains(&first) || first == '+' {
            s = s[first.len_utf8()..].trim_start();
        }
    }
    let (paren, s) = match s.strip_prefix('(') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (body, numeric, rest) = if digits > 0 {
        (&s[..digits], true, &s[digits..])
    } else {
        let c = s.chars().next().filter(|c| VN_LETTERS.contains(c))?;
        (&s[..c.len_utf8()], false, &s[c.len_utf8()..])
    };
    let sep = rest
        .trim_start_matches(' ')
        .chars()
        .next()
        .filter(|c| matches!(c, '.' | ')' | '/' | '-'))?;
    Some(Written {
        paren,
        body,
        numeric,
        sep,
    })
}

/// [`written`] as the label and its style written out (`3)` and `n)`).
fn written_label(t: &str) -> Option<(String, String)> {
    written(t).map(|w| (w.label(), w.style_text()))
}

/// A block and the blocks nested under it.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub block: Block,
    pub field: Option<Field>,
    pub children: Vec<Node>,
    /// Nesting level used to build the tree.
    lvl: u8,
}

impl Node {
    /// A node with no children (a table row read as a task).
    pub fn leaf(block: Block) -> Node {
        Node {
            lvl: block.marker.level(),
            block,
            field: None,
            children: Vec::new(),
        }
    }

    /// Last line index of the node and everything under it.
    pub fn last_line(&self) -> usize {
        self.children
            .iter()
            .map(Node::last_line)
            .max()
            .unwrap_or(0)
            .max(self.block.last)
    }

    /// Whether a direct child carries a task field.
    pub fn has_fields(&self) -> bool {
        self.children.iter().any(|c| c.field.is_some())
    }
}

/// Nests blocks by marker level. An unmarked block that is a field label becomes a sibling of
/// the fields before it; another unmarked block belongs to the block before it.
#[cfg(test)]
pub(crate) fn tree(blocks: &[Block]) -> Vec<Node> {
    tree_with(blocks, Threads::One)
}

/// A block as a node without its nesting: its field label, or the labels that follow its title
/// on the same line as a field child.
fn unnested(b: &Block) -> Node {
    let field = field_label(&b.text).map(|(f, _)| f);
    let mut node = Node {
        block: b.clone(),
        field,
        children: Vec::new(),
        lvl: b.marker.level(),
    };
    if field.is_none() {
        split_inline_labels(&mut node);
    }
    node
}

/// [`tree`], each block's own node made first (on two threads when `threads` allows it: a node
/// depends on its block only), then nested in order.
fn tree_with(blocks: &[Block], threads: Threads) -> Vec<Node> {
    let mut roots: Vec<Node> = Vec::new();
    // Path of indices from the roots to the open node.
    let mut path: Vec<usize> = Vec::new();
    for mut node in par::map(threads, blocks, |_, b| unnested(b)) {
        let field = node.field;
        if node.block.marker == Marker::None {
            if field.is_none() {
                // Plain text: child of the open node, not opened itself.
                match get_mut(&mut roots, &path) {
                    Some(n) => n.children.push(node),
                    None => roots.push(node),
                }
                continue;
            }
            // A label paragraph: close open fields, then sit just under the open node.
            while get(&roots, &path).is_some_and(|n| n.field.is_some()) {
                path.pop();
            }
            node.lvl = get(&roots, &path).map_or(1, |n| n.lvl.saturating_add(1));
        } else if field.is_some() {
            // A bulleted label (`- Thời gian thực hiện:`) after an unmarked label paragraph
            // (a label a hard wrap put first on its line) is the next field, not part of that
            // one: the paragraph's level is only "under the open node", not comparable with
            // a bullet's.
            while get(&roots, &path)
                .is_some_and(|n| n.field.is_some() && n.block.marker == Marker::None)
            {
                path.pop();
            }
        }
        while get(&roots, &path).is_some_and(|n| n.lvl >= node.lvl) {
            path.pop();
        }
        match get_mut(&mut roots, &path) {
            Some(n) => {
                n.children.push(node);
                let k = n.children.len() - 1;
                path.push(k);
            }
            None => {
                roots.push(node);
                path = vec![roots.len() - 1];
            }
        }
    }
    roots
}

/// `a) Rà soát văn bản. Cơ quan chủ trì: Sở Tư pháp. Thời gian thực hiện: ...`: an item whose
/// field labels follow its title on the same line. The labels become a field child of the item,
/// as if each stood on its own line, so the title keeps only the title and the fields are read as
/// fields (not as prose, where a label is no subject and the lead was lost).
fn split_inline_labels(node: &mut Node) {
    if !matches!(
        node.block.marker,
        Marker::Number(_) | Marker::Letter(_) | Marker::Paren(_)
    ) {
        return;
    }
    let Some((at, field)) = inline_label(&node.block.text) else {
        return;
    };
    let labels = node.block.text[at..].to_string();
    node.block.text.truncate(at);
    let title_len = node.block.text.trim_end().len();
    node.block.text.truncate(title_len);
    let mut block = node.block.clone();
    block.marker = Marker::None;
    block.text = labels;
    node.children.push(Node {
        lvl: node.lvl.saturating_add(1),
        block,
        field: Some(field),
        children: Vec::new(),
    });
}

/// Byte offset of the first field label that starts a sentence after the start of `t` (after
/// `.` or `;` and a space), with its field.
fn inline_label(t: &str) -> Option<(usize, Field)> {
    t.char_indices()
        .filter(|&(_, c)| c == '.' || c == ';')
        .find_map(|(i, _)| {
            let after = &t[i + 1..];
            let rest = after.trim_start();
            if rest.len() == after.len() || rest.is_empty() {
                return None;
            }
            field_label(rest).map(|(f, _)| (t.len() - rest.len(), f))
        })
}

fn get<'a>(roots: &'a [Node], path: &[usize]) -> Option<&'a Node> {
    let (first, rest) = path.split_first()?;
    let mut n = roots.get(*first)?;
    for &i in rest {
        n = n.children.get(i)?;
    }
    Some(n)
}

fn get_mut<'a>(roots: &'a mut [Node], path: &[usize]) -> Option<&'a mut Node> {
    let (first, rest) = path.split_first()?;
    let mut n = roots.get_mut(*first)?;
    for &i in rest {
        n = n.children.get_mut(i)?;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass colon search answers as the search in the first characters it stands in
    /// for, whatever the characters before the colon and wherever it stands.
    #[test]
    fn colon_within_agrees_with_head_then_find() {
        let pieces = [
            "a",
            "ộ",
            ":",
            "：",
            " ",
            "Cơ quan chủ trì",
            "\u{1F600}",
            "x:y",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut t = String::new();
            for k in 0..(seed % 24) {
                t.push_str(pieces[((seed >> (2 * k + 8)) % pieces.len() as u64) as usize]);
            }
            for n in [0, 1, 3, 12, 61] {
                assert_eq!(
                    colon_within(&t, n),
                    head(&t, n).find([':', '：']),
                    "{t:?} {n}"
                );
            }
        }
    }

    #[test]
    fn written_labels_and_their_styles() {
        let l = |t: &str| written_label(t).map(|(a, b)| format!("{a} {b}"));
        assert_eq!(l("3) Tổ chức").as_deref(), Some("3) n)"));
        assert_eq!(l("12. Rà soát").as_deref(), Some("12. n."));
        assert_eq!(l("(2) Rà soát").as_deref(), Some("(2) (n)"));
        assert_eq!(l("- b) Sở Tư pháp").as_deref(), Some("b) a)"));
        assert_eq!(l("đ. Tuyên truyền").as_deref(), Some("đ. a."));
        assert_eq!(l("4/ Kiểm tra").as_deref(), Some("4/ n/"));
        assert_eq!(l("Công an tỉnh"), None);
    }

    #[test]
    fn markers() {
        assert_eq!(parse_marker("II. NỘI DUNG").0, Marker::Roman("II".into()));
        assert_eq!(
            parse_marker("Mục II. NỘI DUNG").0,
            Marker::Roman("II".into())
        );
        assert_eq!(
            parse_marker("MỤC III - KINH PHÍ").0,
            Marker::Roman("III".into())
        );
        assert_eq!(parse_marker("Mục tiêu cụ thể").0, Marker::None);
        assert_eq!(parse_marker("1. Tổ chức").0, Marker::Number(vec![1]));
        assert_eq!(parse_marker("1.2. Tổ chức").0, Marker::Number(vec![1, 2]));
        assert_eq!(parse_marker("đ) Cơ quan").0, Marker::Letter('đ'));
        assert_eq!(parse_marker("a. Cơ quan").0, Marker::Letter('a'));
        assert_eq!(parse_marker("- Cơ quan").0, Marker::Dash);
        assert_eq!(parse_marker("15/11 là hạn").0, Marker::None);
        assert_eq!(parse_marker("2026 và các năm").0, Marker::None);
        assert_eq!(parse_marker("f) không phải").0, Marker::None);
    }

    #[test]
    fn label_variants() {
        assert_eq!(parse_marker("1) Tổ chức").0, Marker::Paren(1));
        assert_eq!(parse_marker("2/ Tổ chức").0, Marker::Number(vec![2]));
        assert_eq!(parse_marker("3- Tổ chức").0, Marker::Number(vec![3]));
        assert_eq!(parse_marker("3-5 ngày").0, Marker::None);
        assert_eq!(parse_marker("1.2/ x").0, Marker::None);
        assert_eq!(parse_marker("- b) Cơ quan").0, Marker::Letter('b'));
        assert_eq!(parse_marker("• c. Cơ quan").0, Marker::Letter('c'));
        assert_eq!(parse_marker("+ 2. Việc").0, Marker::Number(vec![2]));
        assert_eq!(parse_marker("- Cơ quan").0, Marker::Dash);
        assert_eq!(parse_marker("b/ Cơ quan").0, Marker::Letter('b'));
        assert_eq!(parse_marker("(đ) Cơ quan").0, Marker::Letter('đ'));
        assert_eq!(parse_marker("- (c) Cơ quan").0, Marker::Letter('c'));
        assert_eq!(parse_marker("đ/c Nguyễn Văn A").0, Marker::None);
        assert_eq!(parse_marker("(f) không phải").0, Marker::None);
    }

    #[test]
    fn long_numbers_need_a_space_and_text_after_their_separator() {
        let n = |t: &str| long_number(t).map(|(n, sep, rest)| format!("{n}{sep} {rest}"));
        assert_eq!(n("1000. Rà soát").as_deref(), Some("1000. Rà soát"));
        assert_eq!(n("- 1001) Rà soát").as_deref(), Some("1001) Rà soát"));
        assert_eq!(n("2026. Năm sau").as_deref(), Some("2026. Năm sau"));
        assert_eq!(n("999. Rà soát"), None);
        assert_eq!(n("1045/QĐ-UBND ngày"), None);
        assert_eq!(n("1000.000 đồng"), None);
        assert_eq!(n("2026-04-20 là ngày"), None);
        assert_eq!(n("1000. 5 lớp"), None);
        assert_eq!(n("1000."), None);
    }

    #[test]
    fn a_four_digit_label_is_an_item_only_in_sequence() {
        let read = |text: &str| {
            let lines = lines_of(text);
            let mut declined = Vec::new();
            let b = blocks_with(&lines, 0, lines.len(), Threads::One, &mut declined);
            let markers: Vec<Marker> = b.into_iter().map(|b| b.marker).collect();
            let declined: Vec<(usize, String, Option<String>)> = declined
                .into_iter()
                .map(|d| (d.line, d.label, d.last))
                .collect();
            (markers, declined)
        };
        let (m, d) = read("998. A\n999. B\n1000. C\n1001. D");
        assert_eq!(m, [998, 999, 1000, 1001].map(|n| Marker::Number(vec![n])));
        assert!(d.is_empty());
        // A section heading starts a new list: `1000.` continues nothing there.
        let (m, d) = read("999. B\nIII. KINH PHÍ\n1000. Rà soát văn bản");
        assert_eq!(m[2], Marker::None);
        assert_eq!(d, [(2, "1000.".to_string(), None)]);
        // A year at a line start is text, and no warning.
        let (m, d) = read("1. A\n2026. Năm sau");
        assert_eq!(m[0], Marker::Number(vec![1]));
        assert!(m[1..].iter().all(|m| *m == Marker::None), "{m:?}");
        assert!(d.is_empty());
        // `1000)` after `999)`; `1000.` after `999)` is another list's style.
        let (m, d) = read("999) B\n1000) C\n1001. D");
        assert_eq!(m[..2], [Marker::Paren(999), Marker::Paren(1000)]);
        assert_eq!(d, [(2, "1001.".to_string(), None)]);
    }

    #[test]
    fn roman_headings_without_dot() {
        assert_eq!(parse_marker("II NHIỆM VỤ").0, Marker::Roman("II".into()));
        assert_eq!(
            parse_marker("III Kinh phí thực hiện").0,
            Marker::Roman("III".into())
        );
        assert_eq!(
            parse_marker("IV tổ chức thực hiện").0,
            Marker::Roman("IV".into())
        );
        // A numeral without a dot must be followed by a section title.
        assert_eq!(parse_marker("V Long xây dựng").0, Marker::None);
        assert_eq!(parse_marker("IIII. X").0, Marker::None);
        assert_eq!(parse_marker("III/2026.").0, Marker::None);
        assert_eq!(parse_marker("II/2026 và các năm").0, Marker::None);
    }

    fn lines_of(text: &str) -> Vec<Line> {
        super::super::text::prepare(text)
    }

    #[test]
    fn a_name_broken_by_a_wrap_is_joined() {
        // Wrapped at 40 columns: `Bộ` / `Chỉ huy ...` had no room on the line before.
        let text = "a) Cơ quan thực hiện: Công an tỉnh; Bộ\nChỉ huy Quân sự tỉnh; Sở Tư pháp và các\nsở, ban, ngành tỉnh có liên quan khác.\nb) Thời hạn: quý II năm 2026 và các năm\ntiếp theo của kế hoạch này ở tỉnh nhà.";
        let lines = lines_of(text);
        let b = blocks(&lines, 0, lines.len());
        assert_eq!(b.len(), 2, "{b:?}");
        assert!(
            b[0].text.contains("Bộ Chỉ huy Quân sự tỉnh"),
            "{}",
            b[0].text
        );
    }

    #[test]
    fn a_short_line_ends_its_paragraph() {
        // The item title had room for `Sở`: the line after it is a new paragraph.
        let text = "7. Sơ kết việc thực hiện\nSở Nội vụ chủ trì, phối hợp với Công an tỉnh tổ chức sơ kết.\nx x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x";
        let lines = lines_of(text);
        let b = blocks(&lines, 0, lines.len());
        assert_eq!(b[0].text, "Sơ kết việc thực hiện");
    }

    #[test]
    fn a_lower_case_label_inside_a_sentence_continues_it() {
        let text = "- Phối hợp với Sở Tư pháp tổ chức tập huấn chuyên sâu,\nthời gian thực hiện: thường xuyên.";
        let lines = lines_of(text);
        let b = blocks(&lines, 0, lines.len());
        assert_eq!(b.len(), 1, "{b:?}");
    }

    #[test]
    fn paren_items_are_items_in_a_section_without_numbers() {
        let mut b = vec![Block {
            first: 0,
            last: 0,
            marker: Marker::Paren(1),
            text: "Việc".into(),
            table: false,
        }];
        number_paren_items(&mut b);
        assert_eq!(b[0].marker, Marker::Number(vec![1]));
    }

    #[test]
    fn inline_labels() {
        let v = split_labels(
            "Cơ quan chủ trì: Công an tỉnh. Thời gian: quý II/2026; Sản phẩm: Báo cáo",
        );
        assert_eq!(
            v,
            vec![
                (Field::Lead, "Công an tỉnh".to_string()),
                (Field::Timeline, "quý II/2026".to_string()),
                (Field::Products, "Báo cáo".to_string()),
            ]
        );
    }

    #[test]
    fn a_paren_number_continuing_the_items_is_the_next_item() {
        let markers = |text: &str| {
            let lines = super::super::text::prepare(text);
            let mut b = blocks(&lines, 0, lines.len());
            number_paren_items(&mut b);
            b.into_iter().map(|b| b.marker).collect::<Vec<_>>()
        };
        // `3)` after `2.`: the third item.
        assert_eq!(
            markers("1. A\n2. B\na) x\n3) C"),
            [
                Marker::Number(vec![1]),
                Marker::Number(vec![2]),
                Marker::Letter('a'),
                Marker::Number(vec![3])
            ]
        );
        // An enumeration `1)`, `2)`, `3)` inside item 2 stays one.
        assert_eq!(
            markers("1. A\n2. B gồm\n1) x\n2) y\n3) z"),
            [
                Marker::Number(vec![1]),
                Marker::Number(vec![2]),
                Marker::Paren(1),
                Marker::Paren(2),
                Marker::Paren(3)
            ]
        );
    }

    #[test]
    fn a_bulleted_label_after_a_label_paragraph_is_its_sibling() {
        // Labels inline after the title, hard-wrapped so that one label starts a line, then a
        // bulleted label: three fields of the item, none inside another.
        let text = "c) Dự thảo văn bản. Cơ quan chủ trì: Công an tỉnh.\n\
                    Cơ quan phối hợp: Sở Tư pháp.\n\n- Thời gian thực hiện: Khi có yêu cầu.";
        let lines = super::super::text::prepare(text);
        let roots = tree(&blocks(&lines, 0, lines.len()));
        assert_eq!(roots.len(), 1);
        let fields: Vec<(Option<Field>, usize)> = roots[0]
            .children
            .iter()
            .map(|c| (c.field, c.children.len()))
            .collect();
        assert_eq!(
            fields,
            [
                (Some(Field::Lead), 0),
                (Some(Field::Coordinating), 0),
                (Some(Field::Timeline), 0)
            ]
        );
    }

    #[test]
    fn labels() {
        assert_eq!(
            field_label("Cơ quan chủ trì: Công an tỉnh").map(|x| x.0),
            Some(Field::Lead)
        );
        assert_eq!(
            field_label("Đơn vị thực hiện: Sở Tư pháp").map(|x| x.0),
            Some(Field::Performers)
        );
        assert_eq!(
            field_label("Thời hạn: 30/6/2026").map(|x| x.0),
            Some(Field::Timeline)
        );
        assert_eq!(
            field_label("Nội dung, sản phẩm:").map(|x| x.0),
            Some(Field::ContentProducts)
        );
        assert_eq!(
            field_label("Dự thảo các văn bản do Bộ Công an chủ trì xây dựng, gồm: (1)")
                .map(|x| x.0),
            None
        );
    }
}
