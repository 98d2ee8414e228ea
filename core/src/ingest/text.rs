//! Text normalisation: Unicode NFC, Markdown stripping, and an accent-folded view of a string
//! that maps back to the original, so that patterns can be written in plain ASCII while the
//! output quotes the plan's own words.
//!
//! Line numbers are those of the original input (1-based): normalisation never joins or splits
//! lines.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// One line of the input, as written and as cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    /// 1-based line number in the original input.
    pub no: u32,
    /// The line as written, in NFC, trailing whitespace removed (Markdown kept): what we quote.
    pub raw: String,
    /// NFC, Markdown removed, whitespace collapsed, trimmed: what we parse.
    pub text: String,
    /// The line is a Markdown table row; `text` holds its cells joined by ` | `.
    pub table_row: bool,
    /// The line starts a page: it began with a form feed (`\f`, as `pdftotext` writes
    /// between pages), which is not kept in `raw` or `text`.
    pub page_start: bool,
    /// Characters of `raw` as written, trimmed, runs of whitespace counted once: what a hard
    /// wrap measured ([`written_len`]), counted once here rather than by each step that asks.
    pub written: usize,
}

/// Splits the input into lines (`\n`, `\r\n` or `\r`) and cleans each one.
#[cfg(test)]
pub(crate) fn prepare(input: &str) -> Vec<Line> {
    prepare_with(input, super::par::Threads::One)
}

/// [`prepare`], each line cleaned on its own: the second half of the lines on a second thread
/// when `threads` allows it.
pub(crate) fn prepare_with(input: &str, threads: super::par::Threads) -> Vec<Line> {
    super::par::map(threads, &split_lines(input), |i, l| prepare_line(i, l))
}

/// The line at index `i`, cleaned.
pub(crate) fn prepare_line(i: usize, l: &str) -> Line {
    let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
    // Most lines need no cleaning at all: one pass over the bytes tells, instead of the NFC,
    // markup and whitespace checks and the length count each reading the line in turn.
    if let Some(written) = clean_as_written(l) {
        return Line {
            no,
            raw: l.to_string(),
            text: l.to_string(),
            table_row: false,
            page_start: false,
            written,
        };
    }
    prepare_line_in_full(no, l)
}

/// [`prepare_line`] by each step in turn, for any line.
fn prepare_line_in_full(no: u32, l: &str) -> Line {
    // The form feed may follow the line's indentation (a tab or spaces before it).
    let lead = l.len() - l.trim_start().len();
    let page_start = l[..lead].contains('\u{c}');
    let raw = if page_start {
        nfc_trimmed(&(l[..lead].replace('\u{c}', "") + &l[lead..]))
    } else {
        nfc_trimmed(l)
    };
    let (text, _heading, table_row) = clean_line(&raw);
    let written = written_len(&raw);
    Line {
        no,
        raw,
        text,
        table_row,
        page_start,
        written,
    }
}

/// The character count of `l` when cleaning would leave it as it is (raw and text both `l`),
/// else `None` (then the line may still be clean: the full steps decide). Such a line is NFC
/// Latin text with single spaces between words: ASCII but for controls and the markup
/// [`clean_nfc`] removes, letters of U+00C0–U+024F and U+1E00–U+1EFF and the punctuation of
/// U+2010–U+2027 (none is whitespace, a control or invisible, and none changes under NFC),
/// no space at either end, and no block quote, heading or table row ([`clean_line`]) at its
/// start.
fn clean_as_written(l: &str) -> Option<usize> {
    let b = l.as_bytes();
    if matches!(b.first(), Some(b'>' | b'#' | b'|' | b' ')) || b.last() == Some(&b' ') {
        return None;
    }
    let mut chars = 0;
    let mut i = 0;
    let mut prev_space = false;
    while let Some(&x) = b.get(i) {
        i += match x {
            b' ' if prev_space => return None,
            b'<' | b'[' | b'\\' | b'*' | b'_' | b'`' | b'!' | 0x7F => return None,
            0x20..=0x7E => 1,
            // U+00C0–U+023F; `C2` (U+0080–U+00BF) holds the no-break space, the soft hyphen
            // and controls, so it is left to the full steps.
            0xC3..=0xC8 => 2,
            0xC9 if matches!(b.get(i + 1), Some(0x80..=0x8F)) => 2,
            0xE1 if matches!(b.get(i + 1), Some(0xB8..=0xBB)) => 3,
            // U+2010–U+2027: dashes, quotes, bullets, the ellipsis (not the spaces and
            // invisible marks around them).
            0xE2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0x90..=0xA7)) => 3,
            _ => return None,
        };
        prev_space = x == b' ';
        chars += 1;
    }
    Some(chars)
}

fn split_lines(input: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let bytes = input.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&input[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&input[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < input.len() || lines.is_empty() {
        lines.push(&input[start..]);
    }
    lines
}

/// A regex from a pattern written in this crate. A broken pattern is a programming error that
/// every ingest test hits at once, never something input can cause.
#[allow(
    clippy::expect_used,
    reason = "constant pattern: a broken one fails every ingest test"
)]
pub(crate) fn static_regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex")
}

static HTML_TAG: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>"));
static FOOTNOTE: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"(?i)<sup>\s*[0-9*]{1,3}\s*</sup>|\[\^[^\]]*\]"));
static MD_LINK: LazyLock<Regex> = LazyLock::new(|| static_regex(r"!?\[([^\[\]]*)\]\([^()\s]*\)"));
static TABLE_SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"^\|?[\s:|\-+=]*\|[\s:|\-+=]*$"));

/// Cleans one line: Markdown and HTML removed, NFC, whitespace collapsed.
/// Returns the text, the Markdown heading level and whether the line is a table row.
fn clean_line(raw: &str) -> (String, u8, bool) {
    let mut s = raw.trim();
    // Block quotes.
    while let Some(rest) = s.strip_prefix('>') {
        s = rest.trim_start();
    }
    // ATX headings.
    let mut heading = 0u8;
    let hashes = s.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) {
        let rest = &s[hashes..];
        if rest.is_empty() || rest.starts_with(char::is_whitespace) {
            heading = hashes as u8;
            s = rest.trim();
            s = s.trim_end_matches('#').trim_end();
        }
    }
    let table_row = s.starts_with('|') && s.len() > 1;
    if table_row && TABLE_SEPARATOR.is_match(s) {
        return (String::new(), heading, true);
    }
    let mut t = clean_nfc(s);
    if table_row {
        // Only the outer pipes are dropped: an empty cell inside the row keeps its place, or
        // the cells after it would slide into the wrong columns (a deadline read as an agency).
        let inner = t.trim();
        let inner = inner.strip_prefix('|').unwrap_or(inner);
        let inner = inner.strip_suffix('|').unwrap_or(inner);
        let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
        t = if cells.iter().all(|c| c.is_empty()) {
            String::new()
        } else {
            cells.join(" | ")
        };
    }
    (t, heading, table_row)
}

/// Cleans inline text: NFC, HTML tags and Markdown emphasis removed, escapes undone, a leading
/// `* `/`+ ` list bullet turned into `- `/`+ `, whitespace collapsed.
pub(crate) fn clean_inline(s: &str) -> String {
    clean_nfc(&nfc(s))
}

/// [`clean_inline`] for text already in NFC.
fn clean_nfc(nfc: &str) -> String {
    // Most lines have no markup at all.
    if is_plain(nfc) {
        return collapse_ws(nfc);
    }
    let no_notes = FOOTNOTE.replace_all(nfc, " ");
    let no_tags = HTML_TAG.replace_all(&no_notes, |c: &regex::Captures<'_>| {
        let tag = c.get(0).map_or("", |m| m.as_str()).to_ascii_lowercase();
        if tag.starts_with("<br") {
            " ".to_string()
        } else {
            String::new()
        }
    });
    let no_links = MD_LINK.replace_all(&no_tags, "$1");
    let src = no_links.trim();
    let mut out = String::with_capacity(src.len());
    // A Markdown list bullet `* item` becomes `- item`.
    let body = if let Some(rest) = src.strip_prefix("* ").or_else(|| src.strip_prefix("*\t")) {
        out.push_str("- ");
        rest
    } else {
        src
    };
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) => {
                if let Some(&n) = chars.get(i + 1) {
                    out.push(n);
                }
                i += 2;
                continue;
            }
            '*' => {}
            '_' => {
                let prev_word = i > 0 && chars[i - 1].is_alphanumeric();
                let next_word = chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
                if prev_word && next_word {
                    out.push('_');
                }
            }
            '`' => {}
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => {}
            c if c.is_whitespace() || c.is_control() => out.push(' '),
            c => out.push(c),
        }
        i += 1;
    }
    collapse_ws(&out)
}

/// Whether `s` holds none of the characters [`clean_nfc`] removes or rewrites: markup (`<`, `[`,
/// `\\`, `*`, `_`, `` ` ``, `!`) and invisible characters (zero-width spaces and joiners, word
/// joiner, BOM, soft hyphen). One pass over the bytes: only the lead bytes `C2`, `E2` and `EF`
/// start one of the invisible characters, so the others are checked only after such a byte.
fn is_plain(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'<' | b'[' | b'\\' | b'*' | b'_' | b'`' | b'!' => return false,
            0xC2 | 0xE2 | 0xEF => {
                let c = s[i..].chars().next().unwrap_or(' ');
                if matches!(
                    c,
                    '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
                ) {
                    return false;
                }
                i += c.len_utf8();
            }
            _ => i += 1,
        }
    }
    true
}

/// Characters of a line as written, markup included, trimmed, runs of whitespace counted
/// once: what a hard wrap measured.
fn written_len(raw: &str) -> usize {
    let mut n = 0;
    let mut space = true;
    for c in raw.trim().chars() {
        let ws = c.is_whitespace();
        if !(ws && space) {
            n += 1;
        }
        space = ws;
    }
    n
}

/// Whitespace or a control character (what [`collapse_ws`] turns into a single space), with
/// no table lookup for ASCII and for the precomposed Latin letters of Vietnamese, which are
/// neither.
fn is_space_or_control(c: char) -> bool {
    if c.is_ascii() {
        return c == ' ' || c.is_ascii_control();
    }
    if matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}') {
        return false;
    }
    c.is_whitespace() || c.is_control()
}

/// Trims and collapses runs of whitespace to one space.
pub(crate) fn collapse_ws(s: &str) -> String {
    if is_collapsed(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for w in s
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Whether `s` has no whitespace but single spaces between words: most lines, which then need
/// no rebuilding.
fn is_collapsed(s: &str) -> bool {
    let mut prev_space = true;
    for c in s.chars() {
        if c == ' ' {
            if prev_space {
                return false;
            }
            prev_space = true;
        } else if is_space_or_control(c) {
            return false;
        } else {
            prev_space = false;
        }
    }
    !prev_space || s.is_empty()
}

/// An accent-folded, lower-case view of a string (`Thời hạn` → `thoi han`, `đ` → `d`) with the
/// byte offset in the original of every folded byte, so a match in the folded text can be quoted
/// from the original.
#[derive(Debug, Clone)]
pub(crate) struct Folded<'a> {
    pub orig: &'a str,
    pub s: String,
    map: Vec<usize>,
}

impl<'a> Folded<'a> {
    pub fn new(orig: &'a str) -> Self {
        let mut s = String::with_capacity(orig.len());
        let mut map = Vec::with_capacity(orig.len() + 1);
        fold_bytes(orig, &mut s, |off, n| {
            for _ in 0..n {
                map.push(off);
            }
        });
        map.push(orig.len());
        Folded { orig, s, map }
    }

    /// Byte offset in the original of folded byte `i` (end offsets map to the end of a char).
    pub fn orig_pos(&self, i: usize) -> usize {
        self.map
            .get(i)
            .copied()
            .unwrap_or(self.orig.len())
            .min(self.orig.len())
    }

    /// The original text of the folded range `start..end`.
    pub fn orig_slice(&self, start: usize, end: usize) -> &'a str {
        let a = self.orig_pos(start);
        let b = if end >= self.s.len() {
            self.orig.len()
        } else {
            self.orig_pos(end)
        };
        if a <= b {
            self.orig.get(a..b).unwrap_or("")
        } else {
            ""
        }
    }
}

/// First and last code point of the folding table: Latin-1 Supplement to Latin Extended
/// Additional, where every Vietnamese letter lives.
const TABLE_FIRST: u32 = 0x00C0;
const TABLE_LAST: u32 = 0x1EFF;

/// Folded ASCII letter for each code point of the table (0: not a simple letter).
static FOLD_TABLE: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut t = vec![0u8; (TABLE_LAST - TABLE_FIRST + 1) as usize];
    for cp in TABLE_FIRST..=TABLE_LAST {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        let mut base = None;
        let mut simple = true;
        for d in std::iter::once(c).nfd() {
            if ('\u{0300}'..='\u{036f}').contains(&d) {
                continue;
            }
            if base.is_some() {
                simple = false;
            }
            base = Some(d);
        }
        if let (Some(b), true) = (base, simple) {
            let l = b.to_ascii_lowercase();
            if l.is_ascii_alphabetic() {
                t[(cp - TABLE_FIRST) as usize] = l as u8;
            }
        }
    }
    for c in ['đ', 'Đ'] {
        t[(c as u32 - TABLE_FIRST) as usize] = b'd';
    }
    t
});

/// Appends the folded form of `c`: base letters without tone or vowel marks, lower case.
/// Inlined: it runs once per character of nearly every text the reader looks at, and the
/// call cost as much as the fold of an ASCII or Vietnamese letter.
#[inline]
pub(crate) fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let cp = c as u32;
    if (TABLE_FIRST..=TABLE_LAST).contains(&cp) {
        let b = FOLD_TABLE[(cp - TABLE_FIRST) as usize];
        if b != 0 {
            out.push(b as char);
            return;
        }
    }
    fold_other(c, out);
}

/// [`fold_char`] for characters outside ASCII and the letters of the table.
fn fold_other(c: char, out: &mut String) {
    match c {
        '\u{0300}'..='\u{036f}' => {}
        '\u{00A0}' | '\u{2007}' | '\u{202F}' => out.push(' '),
        '–' | '—' | '‒' | '−' => out.push('-'),
        '“' | '”' | '„' => out.push('"'),
        '‘' | '’' => out.push('\''),
        _ => {
            for d in std::iter::once(c).nfd() {
                if ('\u{0300}'..='\u{036f}').contains(&d) {
                    continue;
                }
                for l in d.to_lowercase() {
                    out.push(l);
                }
            }
        }
    }
}

/// Appends the folded form of `s` to `out`, as [`fold_char`] on each character would, reading
/// ASCII and the two- and three-byte letters of the table straight from the UTF-8 bytes (the
/// fold runs over nearly every text the reader looks at; decoding each character and the call
/// per character cost more than the fold itself). `mark(offset, n)` is told that the character
/// at byte `offset` of `s` gave `n` bytes of `out`.
#[inline(always)]
fn fold_bytes(s: &str, out: &mut String, mut mark: impl FnMut(usize, usize)) {
    let table: &[u8] = &FOLD_TABLE;
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&x) = b.get(i) {
        if x < 0x80 {
            out.push(char::from(x.to_ascii_lowercase()));
            mark(i, 1);
            i += 1;
            continue;
        }
        let (cp, len) = match (x, b.get(i + 1), b.get(i + 2)) {
            (0xC2..=0xDF, Some(&y), _) => ((u32::from(x & 0x1F) << 6) | u32::from(y & 0x3F), 2),
            (0xE0..=0xEF, Some(&y), Some(&z)) => (
                (u32::from(x & 0x0F) << 12) | (u32::from(y & 0x3F) << 6) | u32::from(z & 0x3F),
                3,
            ),
            _ => (0, 0),
        };
        if (TABLE_FIRST..=TABLE_LAST).contains(&cp) {
            let f = table[(cp - TABLE_FIRST) as usize];
            if f != 0 {
                out.push(char::from(f));
                mark(i, 1);
                i += len;
                continue;
            }
        }
        let Some(c) = s.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        let before = out.len();
        fold_other(c, out);
        mark(i, out.len() - before);
        i += c.len_utf8();
    }
}

/// The folded byte of the character at byte `i` of `b` and the character's length, when it folds
/// to one byte as [`fold_bytes`] reads it straight from the UTF-8 bytes (ASCII and the letters of
/// the table: nearly all Vietnamese text); `None` at the end and for any other character (its
/// fold, by `fold_other`, may be empty or longer). `b` must be a whole `str`'s bytes.
#[inline(always)]
pub(crate) fn fold_byte_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    let x = *b.get(i)?;
    if x < 0x80 {
        return Some((x.to_ascii_lowercase(), 1));
    }
    let (cp, len) = match (x, b.get(i + 1), b.get(i + 2)) {
        (0xC2..=0xDF, Some(&y), _) => ((u32::from(x & 0x1F) << 6) | u32::from(y & 0x3F), 2),
        (0xE0..=0xEF, Some(&y), Some(&z)) => (
            (u32::from(x & 0x0F) << 12) | (u32::from(y & 0x3F) << 6) | u32::from(z & 0x3F),
            3,
        ),
        _ => return None,
    };
    if !(TABLE_FIRST..=TABLE_LAST).contains(&cp) {
        return None;
    }
    match FOLD_TABLE[(cp - TABLE_FIRST) as usize] {
        0 => None,
        f => Some((f, len)),
    }
}

/// Appends the folded form of `s` to `out`. Inlined: the agency tokeniser calls it once per
/// word.
#[inline]
pub(crate) fn fold_into(s: &str, out: &mut String) {
    fold_bytes(s, out, |_, _| {});
}

/// A letter or digit (fast for Vietnamese letters). Inlined: the agency tokeniser asks it of
/// every character.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    let cp = c as u32;
    if (TABLE_FIRST..=TABLE_LAST).contains(&cp) && FOLD_TABLE[(cp - TABLE_FIRST) as usize] != 0 {
        return true;
    }
    c.is_alphanumeric()
}

/// NFC, without work when the text is already NFC (the common case).
pub(crate) fn nfc(s: &str) -> String {
    if is_nfc(s) {
        s.to_string()
    } else {
        s.nfc().collect()
    }
}

/// Whether `s` is NFC. Vietnamese text written precomposed (ASCII, Latin-1, Latin Extended-A
/// and -B, Latin Extended Additional) is NFC without a table lookup per character: every
/// character there is a starter that NFC keeps. Anything else goes to the quick check.
fn is_nfc(s: &str) -> bool {
    precomposed_latin(s)
        || unicode_normalization::is_nfc_quick(s.chars())
            == unicode_normalization::IsNormalized::Yes
}

/// Whether every character of `s` is in U+0000–U+024F or U+1E00–U+1EFF, read from the UTF-8
/// bytes: lead bytes up to `C8` are below U+0240, `C9 80`–`C9 8F` is U+0240–U+024F, and
/// `E1 B8`–`E1 BB` is U+1E00–U+1EFF.
fn precomposed_latin(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        let ok = match x {
            0x00..=0xC8 => true,
            0xC9 => matches!(b.get(i + 1), Some(0x80..=0x8F)),
            0xE1 => matches!(b.get(i + 1), Some(0xB8..=0xBB)),
            _ => false,
        };
        if !ok {
            return false;
        }
        i += 1;
    }
    true
}

/// NFC of a line without its trailing whitespace, copied once (most lines are NFC already).
fn nfc_trimmed(s: &str) -> String {
    let t = s.trim_end();
    if is_nfc(t) {
        t.to_string()
    } else {
        let mut n: String = t.nfc().collect();
        n.truncate(n.trim_end().len());
        n
    }
}

/// Whether the folded form of `s` starts with `prefix`, folding only as much of `s` as needed
/// (`fold(s).starts_with(prefix)`, without folding a long text to look at its first words).
pub(crate) fn fold_starts_with(s: &str, prefix: &str) -> bool {
    let mut out = String::with_capacity(prefix.len() + 4);
    for c in s.chars() {
        fold_char(c, &mut out);
        if out.len() >= prefix.len() {
            break;
        }
    }
    out.starts_with(prefix)
}

/// The folded form of a whole string.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_bytes(s, &mut out, |_, _| {});
    out
}

/// Upper-case text (`CẦN THƠ`) to title case (`Cần Thơ`).
pub(crate) fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if c.is_alphabetic() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
        } else {
            out.push(c);
            start = c.is_whitespace() || c == '-' || c == '(';
        }
    }
    out
}

/// Whether the alphabetic characters of `s` are all upper case (and there are some).
pub(crate) fn is_upper(s: &str) -> bool {
    let mut any = false;
    for c in s.chars() {
        if c.is_alphabetic() {
            if c.is_lowercase() {
                return false;
            }
            any = true;
        }
    }
    any
}

/// Trims spaces and the punctuation that ends a clause or a list item.
pub(crate) fn trim_clause(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ';' | ',' | ':' | '/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line taken as written ([`clean_as_written`]) is the line the full steps make, and its
    /// count is theirs; the test also makes sure the quick way is taken for most plain lines.
    fn quick_way_agrees(l: &str) -> bool {
        let full = prepare_line_in_full(7, l);
        assert_eq!(prepare_line(6, l), full, "{l:?}");
        clean_as_written(l).is_some()
    }

    #[test]
    fn lines_taken_as_written_are_cleaned_lines() {
        // Every character below U+3000, alone, between letters and next to spaces.
        for c in ('\0'..='\u{2FFF}').chain(['\u{FEFF}', '\u{FFFD}', '\u{1F600}']) {
            for l in [
                format!("{c}"),
                format!("a{c}b"),
                format!("a {c}"),
                format!("{c} b"),
                format!("{c}{c}x"),
            ] {
                quick_way_agrees(&l);
            }
        }
        // Random lines of pieces the steps treat apart: spaces, markup, controls, decomposed
        // and precomposed letters at the ends of the ranges taken as written.
        const PIECES: [&str; 52] = [
            "a", "Z", "1", ".", ":", "-", "+", "(", ")", " ", "  ", "\t", "\u{c}", "\r", "\u{7f}",
            "\u{1}", "\u{a0}", "\u{ad}", "\u{200b}", "\u{feff}", "\u{2003}", "ệ", "Đ", "ơ", "À",
            "e\u{301}", "\u{301}", "ȿ", "ɏ", "ɐ", "Ḁ", "ỿ", "ἀ", "“", "–", "°", "<b>", "*", "_",
            "[x](y)", "!", "`", "\\", "#", "# ", ">", "|", "| a |", "…", "\u{2028}", "\u{200f}",
            "\u{2030}",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut quick = 0;
        for _ in 0..100_000 {
            let mut l = String::new();
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            for _ in 0..(seed >> 60) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                // Mostly letters and single spaces, as lines are, so the quick way is tried.
                let k = (seed >> 33) as usize % (PIECES.len() * 2);
                l.push_str(PIECES.get(k).copied().unwrap_or(["a", " ", "ệ"][k % 3]));
            }
            quick += usize::from(quick_way_agrees(&l));
        }
        assert!(quick > 5_000, "only {quick} lines taken as written");
    }

    /// The fast path of `is_nfc` answers as the quick check does, character by character.
    #[test]
    fn precomposed_latin_is_nfc_as_the_quick_check_says() {
        for c in ('\0'..='\u{024F}').chain('\u{1E00}'..='\u{1EFF}') {
            let s = c.to_string();
            assert_eq!(
                unicode_normalization::is_nfc_quick(s.chars()),
                unicode_normalization::IsNormalized::Yes,
                "U+{:04X}",
                c as u32
            );
            assert!(is_nfc(&s));
        }
        assert!(!is_nfc("Ho\u{0300}a"));
        assert_eq!(nfc("Ho\u{0300}a"), "Hòa");
        assert!(is_nfc("Ủy ban nhân dân tỉnh Tây Ninh"));
    }

    /// The byte-level checks answer as the character-level definitions they replace.
    #[test]
    fn byte_checks_match_char_definitions() {
        let invisible = [
            '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}',
        ];
        let markup = ['<', '[', '\\', '*', '_', '`', '!'];
        let cps = (0u32..0x3100)
            .chain(0xFE00..0x10000)
            .chain(0x1F600..0x1F610);
        for c in cps.filter_map(char::from_u32) {
            let s = format!("ab{c}ố");
            let latin = s
                .chars()
                .all(|c| matches!(c, '\0'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}'));
            assert_eq!(precomposed_latin(&s), latin, "U+{:04X}", c as u32);
            let plain = !markup.contains(&c) && !invisible.contains(&c);
            assert_eq!(is_plain(&s), plain, "U+{:04X}", c as u32);
            assert_eq!(
                is_space_or_control(c),
                c.is_whitespace() || c.is_control(),
                "U+{:04X}",
                c as u32
            );
        }
        for (s, p) in [
            ("Thời hạn: 30/6", "thoi han"),
            ("Đ", "d"),
            ("", ""),
            ("ab", "abc"),
        ] {
            assert_eq!(fold_starts_with(s, p), fold(s).starts_with(p), "{s} {p}");
        }
        // `is_collapsed` against its definition, around every character checked above.
        let slow = |s: &str| {
            let mut prev_space = true;
            for c in s.chars() {
                if c == ' ' {
                    if prev_space {
                        return false;
                    }
                    prev_space = true;
                } else if c.is_whitespace() || c.is_control() {
                    return false;
                } else {
                    prev_space = false;
                }
            }
            !prev_space || s.is_empty()
        };
        let cps = (0u32..0x3100)
            .chain(0xFE00..0x10000)
            .chain(0x1F600..0x1F610);
        for c in cps.filter_map(char::from_u32) {
            for s in [
                format!("a {c}b"),
                format!("{c}"),
                format!("Tỉnh {c} "),
                format!("x{c}{c}y"),
            ] {
                assert_eq!(is_collapsed(&s), slow(&s), "{s:?}");
                let mut folded = String::new();
                for ch in s.chars() {
                    fold_char(ch, &mut folded);
                }
                assert_eq!(fold(&s), folded, "{s:?}");
                // The offset map of `Folded` against the one built character by character.
                let mut map = Vec::new();
                let mut f = String::new();
                for (off, ch) in s.char_indices() {
                    let before = f.len();
                    fold_char(ch, &mut f);
                    map.extend(std::iter::repeat_n(off, f.len() - before));
                }
                map.push(s.len());
                let fast = Folded::new(&s);
                assert_eq!((fast.s.as_str(), &fast.map), (f.as_str(), &map), "{s:?}");
                let mut into = String::from("x");
                fold_into(&s, &mut into);
                assert_eq!(into, format!("x{folded}"), "{s:?}");
            }
        }
    }

    #[test]
    fn strips_markdown_and_keeps_lines() {
        let lines = prepare("a\r\n### **1. Tổ chức**  \n\n*1027* x<sup>y</sup>\\.\r");
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[1].text, "1. Tổ chức");
        assert_eq!(lines[3].text, "1027 xy.");
    }

    #[test]
    fn folds_and_maps_back() {
        let f = Folded::new("Thời hạn: trước ngày 15/11");
        assert_eq!(f.s, "thoi han: truoc ngay 15/11");
        let i = f.s.find("truoc").unwrap();
        assert_eq!(f.orig_slice(i, f.s.len()), "trước ngày 15/11");
    }

    #[test]
    fn nfd_input_folds_the_same() {
        let nfd: String = "Thời hạn".nfd().collect();
        assert_eq!(fold(&nfd), "thoi han");
        assert_eq!(clean_inline(&nfd), "Thời hạn");
    }

    #[test]
    fn table_folds_like_nfd() {
        for c in "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđĐÀỮỴ".chars()
        {
            let mut a = String::new();
            fold_char(c, &mut a);
            let slow: String = std::iter::once(c)
                .nfd()
                .filter(|d| !('\u{0300}'..='\u{036f}').contains(d))
                .flat_map(char::to_lowercase)
                .map(|d| if d == 'đ' { 'd' } else { d })
                .collect();
            assert_eq!(a, slow, "{c}");
        }
    }

    #[test]
    fn title_cases_upper_names() {
        assert_eq!(title_case("CẦN THƠ"), "Cần Thơ");
        assert_eq!(title_case("BÀ RỊA - VŨNG TÀU"), "Bà Rịa - Vũng Tàu");
    }
}
