//! Timeline phrases (thời gian thực hiện, thời hạn) → [`Schedule`].
//!
//! A phrase is cut into clauses (`;` and sentence ends); each clause is read by finding, in an
//! accent-folded copy, the things a Vietnamese deadline is made of: dates (`20/4/2026`,
//! `20 tháng 4 năm 2026`, `15/11`), the word bounding them (`trước` → before, `chậm nhất`/`đến`
//! → no later than, `từ` → start), windows (`trong tháng 6/2026`, `quý II năm 2026`,
//! `6 tháng đầu năm 2026`, `năm 2026`), ongoing markers (`và các năm tiếp theo`, `thường xuyên`),
//! recurrence (`hằng năm`, `định kỳ 6 tháng`, `hằng quý`, `hằng tháng`) and events (`khi có yêu
//! cầu`, `đột xuất`, `sau khi ... ban hành`, `theo tiến độ dự thảo`, `trong thời hạn 30 ngày kể
//! từ ...`). Matched words are masked so a date is read once. Clauses that assign different
//! parties different dates become a [`Schedule::Staged`]; several kinds of part become a
//! [`Schedule::Combined`]. Nothing is guessed: a phrase with nothing recognisable is
//! [`Schedule::Unparsed`], and a yearly report with no date keeps `due: None`.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use crate::model::{
    AgencyRef, Bound, Deadline, DueRule, EventKind, Frequency, Schedule, Severity, Stage, Trigger,
    WarningCode,
};

use super::agencies;
use super::text::{clean_inline, collapse_ws, Folded};

/// Something worth telling the reader about a phrase that was (partly) understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    pub code: WarningCode,
    pub message: String,
    pub text: Option<String>,
}

/// A parsed phrase: the schedule (`Unparsed` when not understood) and notes.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub schedule: Schedule,
    pub notes: Vec<Note>,
}

/// Parses a timeline phrase. `context_year` is the plan's year, used for phrases that state none
/// (`thường xuyên`, `hằng năm`, `trong quý II`).
///
/// Returns `Err` with the reason when the phrase is not understood (the plan reader then keeps it
/// as [`Schedule::Unparsed`] with an `unparsed_timeline` warning).
///
/// ```
/// use tuanthu::ingest::parse_timeline;
/// use tuanthu::model::Schedule;
/// let s = parse_timeline("Hoàn thành trước ngày 10/4/2026", Some(2026)).unwrap();
/// assert!(matches!(s, Schedule::Once { .. }));
/// assert!(parse_timeline("sớm nhất có thể", Some(2026)).is_err());
/// ```
pub fn parse_timeline(phrase: &str, context_year: Option<i32>) -> Result<Schedule, String> {
    let p = parse(phrase, context_year);
    match p.schedule {
        Schedule::Unparsed { .. } => Err(p
            .notes
            .iter()
            .find(|n| n.code.severity() != Severity::Info)
            .map(|n| n.message.clone())
            .unwrap_or_else(|| "timeline not understood".to_string())),
        s => Ok(s),
    }
}

/// Patterns run on folded (ASCII) text: ASCII `\b`, `\s` and `\d` keep the regex on its fast
/// automata (a Unicode word boundary makes it fall back to a slower engine).
pub(crate) fn ascii_regex(pat: &str) -> Regex {
    let p = pat
        .replace(r"\b", r"(?-u:\b)")
        .replace(r"\s", r"(?-u:\s)")
        .replace(r"\d", "[0-9]");
    super::text::static_regex(&p)
}

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| ascii_regex($pat));
    };
}

re!(
    WITHIN_DAYS,
    r"\b(?:trong(?:\s+(?:thoi\s+han|vong|thoi\s+gian))?|cham\s+nhat(?:\s+la)?|khong\s+qua|sau)\s+(\d{1,3})\s+ngay(\s+lam\s+viec)?\s*,?\s*(?:ke\s+tu|tinh\s+tu|tu|sau\s+khi|sau|khi)\b"
);
re!(
    FOLLOWING_YEARS,
    r"\b(?:tu\s+)?(?:nam\s+)?(\d{4})\s*(?:va|,)\s+(?:cac|nhung)\s+nam\s+(?:tiep\s+theo|sau|ke\s+tiep|tiep)\b"
);
re!(
    FROM_YEAR,
    r"\b(?:tu|bat\s+dau\s+tu|ke\s+tu)\s+nam\s+(\d{4})(?:\s+(?:tro\s+di|tro\s+ve\s+sau))?(?:\s*(?:den|-)\s*(?:het\s+)?(?:nam\s+)?(\d{4}))?"
);
re!(
    YEAR_RANGE,
    r"\b(?:giai\s+doan|tu\s+nam|nam)\s+(\d{4})\s*(?:-|den)\s*(?:het\s+)?(?:nam\s+)?(\d{4})\b"
);
re!(
    DATE_NUM,
    r"\b(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\b"
);
// Ranges written with a dash (`tháng 9/2026 - tháng 12/2026`, `tháng 9 - 12/2026`, `quý III -
// quý IV/2026`, `01/7 - 31/12/2026`): the work runs from the first to the end of the second,
// as `từ ... đến ...` says. Dashes of every kind fold to `-`.
re!(
    RANGE_MONTHS,
    r"\bthang\s+(\d{1,2})(?:\s*(?:/|,?\s*nam)\s*(\d{4}))?\s*-\s*(?:thang\s+)?(\d{1,2})(?:\s*(?:/|,?\s*nam)\s*(\d{4}))?\b"
);
re!(
    RANGE_QUARTERS,
    r"\bquy\s+(iv|iii|ii|i|[1-4])(?:\s*(?:/|,)?\s*(?:nam\s+)?(\d{4}))?\s*-\s*(?:quy\s+)?(iv|iii|ii|i|[1-4])\b(?:\s*(?:/|,)?\s*(?:nam\s+)?(\d{4})\b)?"
);
re!(
    RANGE_DATES,
    r"\b(\d{1,2})\s*[/.]\s*(\d{1,2})(?:\s*[/.]\s*(\d{4}))?\s*-\s*(?:ngay\s+)?(\d{1,2})\s*[/.]\s*(\d{1,2})\s*[/.]\s*(\d{4})\b"
);
re!(
    DATE_WORDS,
    r"\b(\d{1,2})\s+thang\s+(\d{1,2})\s*,?\s*nam\s+(\d{4})\b"
);
re!(
    MONTH_WINDOW,
    r"\bthang\s+(\d{1,2})\s*(?:/|-|,?\s*nam)\s*(\d{4})\b"
);
re!(
    QUARTER,
    r"\bquy\s+(iv|iii|ii|i|[1-4])\b(?:\s*(?:/|-|,)?\s*(?:nam\s+)?(\d{4})\b)?"
);
re!(
    HALF,
    r"\b(?:(?:6|sau)\s+thang|nua)\s+(dau|cuoi)\s+nam\b(?:\s*(?:/\s*)?(\d{4})\b)?"
);
re!(DM_NUM, r"\b(\d{1,2})\s*/\s*(\d{1,2})\b");
re!(DM_WORDS, r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\b");
re!(
    DAY_OF_PERIOD,
    r"\bngay\s+(\d{1,2})\s+(?:(?:cua\s+)?thang\s+(cuoi|dau|sau)\b(?:\s+(?:cua\s+)?(?:moi\s+|hang\s+)?(?:quy|ky|nam))?(?:\s+(sau|tiep\s+theo|ke\s+tiep))?|(hang|moi|cua)\s+thang\b)"
);
// `ngày 25` with no month after it, group 2 set when a month follows after all.
re!(BARE_DAY, r"\bngay\s+(\d{1,2})\b(\s*(?:[/.\-]|thang)\s*\d)?");
re!(MONTHLY_WORDS, r"\b(?:hang|moi)\s+thang\b");
re!(YEAR_WINDOW, r"\b(?:ca\s+)?nam\s+(\d{4})\b");
re!(
    YEARLY,
    r"\b(?:(?:dinh\s+ky\s+)?(?:hang|moi)\s+nam|dinh\s+ky\s+(?:hang\s+)?nam|bao\s+cao\s+nam|(?:mot|1)\s+nam\s+(?:mot|1)\s+lan)\b"
);
re!(
    HALF_YEARLY,
    r"\b(?:dinh\s+ky\s+(?:(?:6|sau)\s+thang|nua\s+nam)|(?:6|sau)\s+thang\s+(?:mot|1)\s+lan|(?:hang|moi)\s+(?:6|sau)\s+thang|so\s+ket\s+(?:6|sau)\s+thang)\b"
);
re!(
    QUARTERLY,
    r"\b(?:(?:dinh\s+ky\s+)?(?:hang|moi)\s+quy|dinh\s+ky\s+quy|(?:3|ba)\s+thang\s+(?:mot|1)\s+lan)\b"
);
re!(
    MONTHLY,
    r"\b(?:(?:dinh\s+ky\s+)?(?:hang|moi)\s+thang|dinh\s+ky\s+thang)\b"
);
re!(PERIODIC, r"\bdinh\s+ky\b");
re!(
    ONGOING,
    r"\b(?:thuong\s+xuyen|lien\s+tuc|hang\s+ngay|hang\s+tuan|duy\s+tri|dai\s+han|hang\s+nam\s+va\s+thuong\s+xuyen)\b"
);
re!(
    REQUEST,
    r"\b(?:khi\s+(?:co|nhan\s+duoc|duoc)\s+(?:van\s+ban\s+)?(?:yeu\s+cau|de\s+nghi|chi\s+dao)|theo\s+(?:yeu\s+cau|de\s+nghi|chi\s+dao)|dot\s+xuat|khi\s+can\s+thiet|khi\s+phat\s+sinh)\b"
);
re!(
    DRAFT,
    r"\b(?:theo\s+tien\s+do\s+(?:xay\s+dung\s+|soan\s+thao\s+|ban\s+hanh\s+)?(?:cac\s+)?(?:du\s+thao|van\s+ban|nghi\s+dinh|thong\s+tu)|khi\s+(?:co|nhan\s+duoc)\s+(?:cac\s+)?du\s+thao|theo\s+(?:lo\s+trinh|ke\s+hoach|tien\s+do)\s+(?:xay\s+dung|soan\s+thao|cua\s+co\s+quan\s+chu\s+tri))"
);
re!(AFTER, r"\b(?:ngay\s+)?sau\s+khi\b");
re!(
    WHEN_ISSUED,
    r"\bkhi\b.{0,80}?\b(?:duoc\s+ban\s+hanh|co\s+hieu\s+luc|ban\s+hanh)\b"
);
re!(
    TIMEISH,
    r"\b(?:ngay|thang|nam|quy\s+(?:i|ii|iii|iv|[1-4])|truoc|sau|cham\s+nhat|thoi\s+han|han|dinh\s+ky|tuan|khi|tien\s+do|lo\s+trinh|\d+)\b"
);

/// Where a date stands relative to the words before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    Before,
    NoLaterThan,
    Start,
}

#[derive(Debug, Clone)]
enum Part {
    Once(Deadline),
    Ongoing {
        from: Option<i32>,
        until: Option<i32>,
        precondition: Option<Trigger>,
    },
    Recurring {
        every: Frequency,
        due: Option<DueRule>,
        from: Option<i32>,
    },
    Event {
        trigger: Trigger,
        within: Option<u32>,
    },
    /// A window or date with no year (`trong quý II`, `trước ngày 30/6`): the plan's year is used.
    Yearless {
        month: u32,
        /// `None`: the last day of the month.
        day: Option<u32>,
        before: bool,
        text: String,
    },
    /// `định kỳ` with no period.
    Periodic(String),
}

struct Clause<'a> {
    text: &'a str,
    parts: Vec<Part>,
    /// A year seen in the clause, for parts that state none.
    year: Option<i32>,
}

/// Reads a phrase. Never panics; `Unparsed` when nothing is recognisable.
pub(crate) fn parse(phrase: &str, ctx: Option<i32>) -> Parsed {
    let clean = clean_inline(phrase);
    let mut notes = Vec::new();
    let mut clauses: Vec<Clause<'_>> = Vec::new();
    for c in split_clauses(&clean) {
        clauses.push(read_clause(c, &mut notes));
    }
    let schedule = compose(&clauses, ctx, &mut notes);
    let schedule = match schedule {
        Some(s) => s,
        None => {
            if !notes
                .iter()
                .any(|n| n.code == WarningCode::UnparsedTimeline)
            {
                notes.push(Note {
                    code: WarningCode::UnparsedTimeline,
                    message: "timeline phrase not understood; kept verbatim".into(),
                    text: Some(clean.clone()),
                });
            }
            Schedule::Unparsed { text: clean }
        }
    };
    let schedule = keep_phrase(schedule, phrase);
    Parsed { schedule, notes }
}

/// Cuts at sentence ends (`. ` before an upper-case letter), outside parentheses.
pub(crate) fn split_sentences(s: &str) -> Vec<&str> {
    split_at(s, false)
}

/// Cuts at `;` and at sentence ends (`. ` before an upper-case letter), outside parentheses.
pub(crate) fn split_clauses(s: &str) -> Vec<&str> {
    split_at(s, true)
}

fn split_at(s: &str, semicolons: bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        match c {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            ';' if depth == 0 && semicolons => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            '.' if depth == 0 => {
                let next = chars.get(k + 1).map(|x| x.1);
                let after = chars.get(k + 2).map(|x| x.1);
                if next == Some(' ') && after.is_some_and(char::is_uppercase) {
                    out.push(&s[start..i]);
                    start = i + 1;
                }
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|c| c.chars().any(char::is_alphanumeric))
        .collect()
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn last_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let next = if m == 12 {
        date(y.checked_add(1)?, 1, 1)
    } else {
        date(y, m + 1, 1)
    };
    next?.pred_opt()
}

fn num<T: std::str::FromStr>(c: &regex::Captures<'_>, i: usize) -> Option<T> {
    c.get(i)?.as_str().parse().ok()
}

fn mask(work: &mut String, start: usize, end: usize) {
    if start < end
        && end <= work.len()
        && work.is_char_boundary(start)
        && work.is_char_boundary(end)
    {
        work.replace_range(start..end, &"#".repeat(end - start));
    }
}

/// The bounding words just before a date at folded offset `at`: (relation, offset where the
/// phrase starts).
fn relation_before(work: &str, at: usize) -> (Rel, usize) {
    let pre = &work[..at];
    let trimmed = pre.trim_end();
    let mut cut = trimmed.len();
    let mut rest = trimmed;
    let strip = |rest: &mut &str, cut: &mut usize, w: &str| -> bool {
        if rest.ends_with(w)
            && (rest.len() == w.len()
                || !rest.as_bytes()[rest.len() - w.len() - 1].is_ascii_alphanumeric())
        {
            *rest = rest[..rest.len() - w.len()].trim_end();
            *cut = rest.len();
            true
        } else {
            false
        }
    };
    strip(&mut rest, &mut cut, "ngay");
    if !strip(&mut rest, &mut cut, "vao") {
        strip(&mut rest, &mut cut, "la");
    }
    strip(&mut rest, &mut cut, "het");
    // Skip the whitespace a cut leaves.
    let start_of = |cut: usize| -> usize {
        let b = work.as_bytes();
        let mut c = cut;
        while c < at && b[c] == b' ' {
            c += 1;
        }
        c
    };
    for (w, rel) in [
        ("cham nhat truoc", Rel::Before),
        ("truoc", Rel::Before),
        ("cham nhat", Rel::NoLaterThan),
        ("muon nhat", Rel::NoLaterThan),
        ("han chot", Rel::NoLaterThan),
        ("khong qua", Rel::NoLaterThan),
        ("khong sau", Rel::NoLaterThan),
        ("den", Rel::NoLaterThan),
        ("toi", Rel::NoLaterThan),
        ("trong", Rel::NoLaterThan),
        ("ke tu", Rel::Start),
        ("tinh tu", Rel::Start),
        ("bat dau tu", Rel::Start),
        ("tu", Rel::Start),
        // `sau ngày 01/7/2026`: after that day, a start, never a deadline.
        ("sau", Rel::Start),
    ] {
        if ends_word(rest, w) {
            // "hoàn thành trước ngày ..." is quoted from "trước".
            return (rel, start_of(rest.len() - w.len()));
        }
    }
    (Rel::NoLaterThan, start_of(cut))
}

/// `s` ends with the word(s) `w`.
fn ends_word(s: &str, w: &str) -> bool {
    s.ends_with(w)
        && (s.len() == w.len() || !s.as_bytes()[s.len() - w.len() - 1].is_ascii_alphanumeric())
}

/// No bounding word between `from` and the date at `a` (only `ngày`, `vào`...).
fn is_bare(work: &str, from: usize, a: usize) -> bool {
    let between = work.get(from..a).unwrap_or("");
    !["truoc", "cham", "muon", "han", "qua", "den", "toi", "trong"]
        .iter()
        .any(|k| between.contains(k))
}

fn quarter_no(s: &str) -> Option<u32> {
    Some(match s {
        "i" | "1" => 1,
        "ii" | "2" => 2,
        "iii" | "3" => 3,
        "iv" | "4" => 4,
        _ => return None,
    })
}

fn window_rel(work: &str, at: usize) -> (bool, usize) {
    // "trước tháng 6/2026" is before the window; anything else means within it.
    let pre = work[..at].trim_end();
    for w in ["truoc", "cham nhat truoc"] {
        if pre.ends_with(w)
            && (pre.len() == w.len()
                || !pre.as_bytes()[pre.len() - w.len() - 1].is_ascii_alphanumeric())
        {
            return (true, pre.len() - w.len());
        }
    }
    for w in ["trong", "den het", "den cuoi", "het", "cuoi", "vao", "den"] {
        if pre.ends_with(w)
            && (pre.len() == w.len()
                || !pre.as_bytes()[pre.len() - w.len() - 1].is_ascii_alphanumeric())
        {
            return (false, pre.len() - w.len());
        }
    }
    (false, at)
}

/// `từ` / `kể từ` / `bắt đầu từ` just before a window: where it starts, not a deadline.
fn window_start(work: &str, at: usize) -> Option<usize> {
    let pre = work[..at].trim_end();
    for w in ["bat dau tu", "ke tu", "tu", "sau"] {
        if pre.ends_with(w)
            && (pre.len() == w.len()
                || !pre.as_bytes()[pre.len() - w.len() - 1].is_ascii_alphanumeric())
        {
            return Some(pre.len() - w.len());
        }
    }
    None
}

fn classify_event(rest: &str) -> Option<&'static str> {
    if rest.contains("tap huan") || rest.contains("boi duong") {
        Some(EventKind::TRAINING_HELD)
    } else if rest.contains("du thao") {
        Some(EventKind::DRAFT_PUBLISHED)
    } else if rest.contains("nghi dinh")
        && (rest.contains("ban hanh") || rest.contains("hieu luc") || rest.contains("thong qua"))
    {
        Some(EventKind::DECREE_ISSUED)
    } else if rest.contains("yeu cau") || rest.contains("de nghi") || rest.contains("chi dao") {
        Some(EventKind::REQUEST)
    } else if rest.contains("ky ban hanh ke hoach")
        || rest.contains("ban hanh ke hoach nay")
        || rest.contains("ke hoach nay")
        || rest.contains("quyet dinh nay")
        || rest.contains("ngay ky")
    {
        Some("plan_issued")
    } else if rest.contains("ban hanh") || rest.contains("hieu luc") || rest.contains("phe duyet") {
        Some("document_issued")
    } else {
        None
    }
}

fn trigger(kind: &str, text: &str) -> Option<Trigger> {
    Some(Trigger {
        event: EventKind::new(kind)?,
        text: Some(tidy(text)),
    })
}

fn tidy(s: &str) -> String {
    collapse_ws(s.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':' | '(' | ')' | '-')
    }))
}

/// Where something was found in a clause's folded text (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
}

/// Every match of `re` in `text` with what `read` takes from its groups; a match `read` rejects
/// is skipped (its numbers are out of range, say).
fn found<T>(
    re: &Regex,
    text: &str,
    read: impl Fn(&regex::Captures<'_>) -> Option<T>,
) -> Vec<(Span, T)> {
    re.captures_iter(text)
        .filter_map(|c| {
            let m = c.get(0)?;
            let span = Span {
                start: m.start(),
                end: m.end(),
            };
            Some((span, read(&c)?))
        })
        .collect()
}

/// A full date as written (`20/4/2026`, `20/04/2026`, `ngày 20 tháng 4 năm 2026`): the numbers
/// as read, checked against the calendar later.
#[derive(Debug, Clone, Copy)]
struct FoundDate {
    span: Span,
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
}

/// A part with a date and where the date stands, to order parts and to drop bare windows.
#[derive(Debug, Clone)]
struct Dated {
    at: usize,
    part: Part,
}

/// A window with no year (`trong quý II`, `6 tháng đầu năm`): the plan's year is used.
#[derive(Debug, Clone, Copy)]
struct YearlessWindow {
    span: Span,
    first_month: u32,
    last_month: u32,
    before: bool,
}

/// A range written with a dash: (month, day) of each end, and the years written.
#[derive(Debug, Clone, Copy)]
struct Range {
    first: (u32, Option<u32>),
    first_year: Option<i32>,
    last: (u32, Option<u32>),
    last_year: Option<i32>,
}

/// A due day inside each period (`ngày 15 hằng tháng`, `ngày 5 của tháng đầu quý sau`).
#[derive(Debug, Clone)]
struct PeriodDay {
    day: u32,
    /// Month within the period; `None`: every month of it.
    month: Option<u32>,
    /// 1 for the next period (`quý sau`).
    offset: u32,
    bound: Bound,
    text: String,
}

/// A day and month without a year (`trước ngày 15/11`, `05/12`).
#[derive(Debug, Clone)]
struct DayMonth {
    at: usize,
    day: u32,
    month: u32,
    bound: Bound,
    text: String,
}

/// A frequency and where it is first written.
#[derive(Debug, Clone, Copy)]
struct FreqAt {
    at: usize,
    every: Frequency,
}

/// Where the work of a window-like phrase begins: the window is a start (`từ quý III`), not a
/// deadline.
enum WindowUse {
    Start,
    /// A deadline: before the window (`trước tháng 6`) or within it, quoted from `from`.
    Deadline {
        before: bool,
        from: usize,
    },
}

/// One clause read step by step. Each step finds one kind of thing in the folded text and masks
/// the words it read, so a date is read once: events within N days, ongoing years, full dates,
/// month/quarter/half-year windows, days within a period, days without a year, recurrence, years,
/// then ongoing markers and events. [`ClauseReading::finish`] turns what was found into parts.
struct ClauseReading<'c, 'n> {
    clause: &'c str,
    f: Folded<'c>,
    /// The folded clause with what was read masked by `#`.
    work: String,
    notes: &'n mut Vec<Note>,
    parts: Vec<Part>,
    /// A year seen in the clause, for parts that state none.
    year: Option<i32>,
    dated: Vec<Dated>,
    /// Offsets of dates and windows written with no bounding word (`sơ kết 6 tháng đầu năm 2026`).
    bare: Vec<usize>,
    start_year: Option<i32>,
    /// A window written as a start (`từ tháng 7/2026`, `từ quý III`).
    starts: bool,
    yearless: Vec<YearlessWindow>,
    period_day: Option<PeriodDay>,
    day_months: Vec<DayMonth>,
    freq_at: Vec<FreqAt>,
    freqs: Vec<Frequency>,
    periodic_unspecified: Option<String>,
    year_windows: Vec<Dated>,
    ongoing_marker: Option<std::ops::Range<usize>>,
    events: Vec<Trigger>,
}

fn bound_of(before: bool) -> Bound {
    if before {
        Bound::Before
    } else {
        Bound::NoLaterThan
    }
}

/// Reads one clause into parts and the year it states.
fn read_clause<'c>(clause: &'c str, notes: &mut Vec<Note>) -> Clause<'c> {
    let mut r = ClauseReading::new(clause, notes);
    if let Some(parts) = r.within_days() {
        return Clause {
            text: clause,
            parts,
            year: r.year,
        };
    }
    r.ongoing_years();
    r.ranges();
    r.full_dates();
    r.month_windows();
    r.quarters();
    r.halves();
    r.day_of_period();
    r.days_without_year();
    r.recurrence();
    r.years();
    r.ongoing_and_events();
    let (parts, year) = r.finish();
    Clause {
        text: clause,
        parts,
        year,
    }
}

impl<'c, 'n> ClauseReading<'c, 'n> {
    fn new(clause: &'c str, notes: &'n mut Vec<Note>) -> Self {
        let f = Folded::new(clause);
        let work = f.s.clone();
        ClauseReading {
            clause,
            f,
            work,
            notes,
            parts: Vec::new(),
            year: None,
            dated: Vec::new(),
            bare: Vec::new(),
            start_year: None,
            starts: false,
            yearless: Vec::new(),
            period_day: None,
            day_months: Vec::new(),
            freq_at: Vec::new(),
            freqs: Vec::new(),
            periodic_unspecified: None,
            year_windows: Vec::new(),
            ongoing_marker: None,
            events: Vec::new(),
        }
    }

    /// The original words of a folded range, tidied.
    fn quote(&self, a: usize, b: usize) -> String {
        tidy(self.f.orig_slice(a, b))
    }

    fn note(&mut self, code: WarningCode, message: impl Into<String>, text: String) {
        self.notes.push(Note {
            code,
            message: message.into(),
            text: Some(text),
        });
    }

    /// Step 1: Within N days of an event: the rest of the clause names the event. `Some` ends the
    /// clause.
    fn within_days(&mut self) -> Option<Vec<Part>> {
        let c = WITHIN_DAYS.captures(&self.work)?;
        let m = c.get(0).map_or(0..0, |m| m.range());
        let days: Option<u32> = num(&c, 1);
        let working = c.get(2).is_some();
        let kind = classify_event(&self.work[m.start..]);
        let end = self.work.len();
        if working {
            self.note(
                WarningCode::WorkingDays,
                "the period is counted in working days (ngày làm việc); within_days holds the number as written",
                self.quote(m.start, end),
            );
        }
        match (days, kind) {
            (Some(d), Some(k)) => Some(
                trigger(k, self.f.orig_slice(m.start, end))
                    .map(|t| Part::Event {
                        trigger: t,
                        within: Some(d),
                    })
                    .into_iter()
                    .collect(),
            ),
            _ => {
                self.note(
                    WarningCode::UnknownEvent,
                    "period counted from an event that is not recognised",
                    self.quote(m.start, end),
                );
                Some(Vec::new())
            }
        }
    }

    /// Step 2: Ongoing from a year (`năm 2026 và các năm tiếp theo`, `2026-2030`, `từ năm 2026`).
    fn ongoing_years(&mut self) {
        let found = if let Some(c) = FOLLOWING_YEARS.captures(&self.work) {
            c.get(0)
                .zip(num::<i32>(&c, 1))
                .map(|(m, y)| (y, None, m.start(), m.end()))
        } else if let Some(c) = YEAR_RANGE.captures(&self.work) {
            c.get(0)
                .zip(num::<i32>(&c, 1))
                .map(|(m, y)| (y, num(&c, 2), m.start(), m.end()))
        } else if let Some(c) = FROM_YEAR.captures(&self.work) {
            c.get(0)
                .zip(num::<i32>(&c, 1))
                .map(|(m, y)| (y, num(&c, 2), m.start(), m.end()))
        } else {
            None
        };
        if let Some((y, until, a, b)) = found {
            mask(&mut self.work, a, b);
            self.year = Some(y);
            self.parts.push(Part::Ongoing {
                from: Some(y),
                until,
                precondition: None,
            });
        }
    }

    /// Step 2b: Ranges written with a dash: months, quarters or dates. The first end is where
    /// the work starts, the second its deadline (the last day of a month or quarter), as the same
    /// range written `từ ... đến ...` reads; a year written on one end serves both.
    fn ranges(&mut self) {
        let months = found(&RANGE_MONTHS, &self.work, |c| {
            Some(Range {
                first: (num::<u32>(c, 1)?, None),
                first_year: num(c, 2),
                last: (num::<u32>(c, 3)?, None),
                last_year: num(c, 4),
            })
        });
        let quarters = found(&RANGE_QUARTERS, &self.work, |c| {
            let (q1, q2) = (
                quarter_no(c.get(1)?.as_str())?,
                quarter_no(c.get(3)?.as_str())?,
            );
            Some(Range {
                first: (q1 * 3 - 2, None),
                first_year: num(c, 2),
                last: (q2 * 3, None),
                last_year: num(c, 4),
            })
        });
        let dates = found(&RANGE_DATES, &self.work, |c| {
            Some(Range {
                first: (num::<u32>(c, 2)?, Some(num::<u32>(c, 1)?)),
                first_year: num(c, 3),
                last: (num::<u32>(c, 5)?, Some(num::<u32>(c, 4)?)),
                last_year: num(c, 6),
            })
        });
        for (span, range) in months.into_iter().chain(quarters).chain(dates) {
            // A later regex may have matched what an earlier one read.
            if self.work[span.start..span.end].contains('#') || self.continues_a_date(span.end) {
                continue;
            }
            self.range(span, range);
        }
    }

    /// A range's second end followed by more of a date (`tháng 9 - 15/10/2026`): not a range of
    /// months; left to the other steps.
    fn continues_a_date(&self, end: usize) -> bool {
        let rest = self.work[end..].trim_start();
        let mut chars = rest.chars();
        matches!(chars.next(), Some('/' | '.')) && chars.next().is_some_and(|c| c.is_ascii_digit())
    }

    fn range(&mut self, span: Span, r: Range) {
        let Span { start: a, end: b } = span;
        let from = window_start(&self.work, a).unwrap_or_else(|| window_rel(&self.work, a).1);
        mask(&mut self.work, from.min(a), b);
        let text = self.quote(from.min(a), b);
        let (m1, m2) = (r.first.0, r.last.0);
        // One year written serves both ends; a range past December ends the next year.
        let last_year = r
            .last_year
            .or(r.first_year.map(|y| if m2 < m1 { y + 1 } else { y }));
        let first_year = r
            .first_year
            .or(r.last_year.map(|y| if m2 < m1 { y - 1 } else { y }));
        // A month that does not exist reads as no schedule, with the warning: never a guess.
        if !(1..=12).contains(&m1) || !(1..=12).contains(&m2) {
            self.note(WarningCode::InvalidDate, "not a calendar month", text);
            return;
        }
        let Some(y) = last_year else {
            self.starts = true;
            self.yearless.push(YearlessWindow {
                span: Span {
                    start: from.min(a),
                    end: b,
                },
                first_month: m2,
                last_month: m2,
                before: false,
            });
            return;
        };
        let end = match r.last.1 {
            Some(day) => date(y, m2, day),
            None => last_of_month(y, m2),
        };
        let start_ok = match (first_year, r.first.1) {
            (Some(fy), Some(day)) => date(fy, m1, day).is_some(),
            _ => (1..=12).contains(&m1),
        };
        let Some(end) = end.filter(|_| start_ok) else {
            self.note(WarningCode::InvalidDate, "not a calendar date", text);
            return;
        };
        self.starts = true;
        if let Some(fy) = first_year {
            self.start_year.get_or_insert(fy);
        }
        self.year.get_or_insert(y);
        self.dated.push(Dated {
            at: a,
            part: Part::Once(Deadline {
                date: end,
                bound: Bound::NoLaterThan,
                text: Some(text),
            }),
        });
    }

    /// A qualifier just before a window that the window's end does not keep (`đầu năm 2027`,
    /// `giữa tháng 7/2026`): the deadline stays the end of the period (the latest the words
    /// allow, never a day they do not say), quoted with the qualifier and a warning, since the
    /// plan may mean an earlier day. Returns where the quote starts.
    fn qualifier(&mut self, from: usize, b: usize) -> usize {
        let pre = self.work[..from].trim_end();
        for w in ["dau", "giua"] {
            if ends_word(pre, w) {
                let at = pre.len() - w.len();
                self.note(
                    WarningCode::VagueTimeline,
                    "an early or middle part of a period is named: the deadline is the end of the period, the latest the words allow",
                    self.quote(at, b),
                );
                return at;
            }
        }
        from
    }

    /// Step 3: Full dates, in numbers or words; the words before each say how it bounds the work.
    fn full_dates(&mut self) {
        for re in [&*DATE_NUM, &*DATE_WORDS] {
            let found: Vec<FoundDate> = re
                .captures_iter(&self.work)
                .filter_map(|c| {
                    let m = c.get(0)?;
                    Some(FoundDate {
                        span: Span {
                            start: m.start(),
                            end: m.end(),
                        },
                        year: num(&c, 3),
                        month: num(&c, 2),
                        day: num(&c, 1),
                    })
                })
                .collect();
            for d in found {
                self.full_date(d);
            }
        }
    }

    fn full_date(&mut self, d: FoundDate) {
        let Span { start: a, end: b } = d.span;
        let (rel, from) = relation_before(&self.work, a);
        if is_bare(&self.work, from, a) {
            self.bare.push(a);
        }
        let valid = match (d.year, d.month, d.day) {
            (Some(y), Some(mo), Some(day)) => date(y, mo, day),
            _ => None,
        };
        mask(&mut self.work, from.min(a), b);
        let Some(dt) = valid else {
            self.note(
                WarningCode::InvalidDate,
                "not a calendar date",
                self.quote(a, b),
            );
            return;
        };
        self.year.get_or_insert(dt.year());
        match rel {
            Rel::Start => self.start_year = Some(dt.year()),
            Rel::Before | Rel::NoLaterThan => {
                let text = self.quote(from.min(a), b);
                self.dated.push(Dated {
                    at: a,
                    part: Part::Once(Deadline {
                        date: dt,
                        bound: bound_of(rel == Rel::Before),
                        text: Some(text),
                    }),
                });
            }
        }
    }

    /// How a window at `a` is used, masking the words that say so.
    fn window_use(&mut self, a: usize, b: usize, year: Option<i32>) -> WindowUse {
        if let Some(from) = window_start(&self.work, a) {
            mask(&mut self.work, from, b);
            self.starts = true;
            if let Some(y) = year {
                self.start_year.get_or_insert(y);
            }
            return WindowUse::Start;
        }
        let (before, from) = window_rel(&self.work, a);
        WindowUse::Deadline { before, from }
    }

    /// A window of months `first..=last` found at `span`: a deadline at its first day (`trước`)
    /// or its last, a start, or — with no year — a yearless window. `invalid` is the note for a
    /// month that does not exist.
    fn window(&mut self, span: Span, months: (u32, u32), year: Option<i32>, invalid: &str) {
        let Span { start: a, end: b } = span;
        let WindowUse::Deadline { before, from } = self.window_use(a, b, year) else {
            return;
        };
        if from == a {
            self.bare.push(a);
        }
        let from = if before {
            from
        } else {
            self.qualifier(from, b)
        };
        mask(&mut self.work, from, b);
        let (first, last) = months;
        let Some(y) = year else {
            self.yearless.push(YearlessWindow {
                span: Span {
                    start: from,
                    end: b,
                },
                first_month: first,
                last_month: last,
                before,
            });
            return;
        };
        self.year.get_or_insert(y);
        let d = if before {
            date(y, first, 1)
        } else {
            last_of_month(y, last)
        };
        match d {
            Some(d) => {
                let text = self.quote(from, b);
                self.dated.push(Dated {
                    at: a,
                    part: Part::Once(Deadline {
                        date: d,
                        bound: bound_of(before),
                        text: Some(text),
                    }),
                });
            }
            None => self.note(WarningCode::InvalidDate, invalid, self.quote(a, b)),
        }
    }

    /// Step 4a: Month windows (`trong tháng 6/2026`).
    fn month_windows(&mut self) {
        let months = found(&MONTH_WINDOW, &self.work, |c| {
            Some((num::<u32>(c, 1)?, num::<i32>(c, 2)?))
        });
        for (span, (mo, y)) in months {
            self.window(span, (mo, mo), Some(y), "not a calendar month");
        }
    }

    /// Step 4b: Quarters (`quý II năm 2026`, `quý I/2027`, `trong quý II`).
    fn quarters(&mut self) {
        let quarters = found(&QUARTER, &self.work, |c| {
            Some((quarter_no(c.get(1)?.as_str())?, num::<i32>(c, 2)))
        });
        for (span, (q, y)) in quarters {
            self.window(span, (q * 3 - 2, q * 3), y, "not a calendar month");
        }
    }

    /// Step 4c: Half-years (`6 tháng đầu năm 2026`, `6 tháng cuối năm`).
    fn halves(&mut self) {
        let halves = found(&HALF, &self.work, |c| {
            Some((c.get(1)?.as_str() == "dau", num::<i32>(c, 2)))
        });
        for (span, (first_half, y)) in halves {
            let months = if first_half { (1, 6) } else { (7, 12) };
            self.window(span, months, y, "not a calendar month");
        }
    }

    /// Step 5: A due day within a period (`ngày 15 hằng tháng`, `ngày 5 của tháng đầu quý sau`).
    fn day_of_period(&mut self) {
        let Some(c) = DAY_OF_PERIOD.captures(&self.work) else {
            self.day_of_each_month();
            return;
        };
        let (Some(m), Some(day)) = (c.get(0), num::<u32>(&c, 1)) else {
            return;
        };
        let (rel, from) = relation_before(&self.work, m.start());
        let which = c.get(2).map(|x| x.as_str());
        let next = c.get(3).is_some() || which == Some("sau");
        let (month, offset) = match which {
            Some("dau") if next => (None, 1),
            Some("dau") => (Some(1), 0),
            Some("sau") => (None, 1),
            _ => (None, 0),
        };
        let text = self.quote(from, m.end());
        // Keep "hằng tháng" visible to the recurrence markers.
        let keep_from = c.get(4).map_or(m.end(), |g| g.start());
        mask(&mut self.work, from, keep_from);
        if (1..=31).contains(&day) {
            self.period_day = Some(PeriodDay {
                day,
                month,
                offset,
                bound: bound_of(rel == Rel::Before),
                text,
            });
        }
    }

    /// Step 5 again, for a monthly duty whose day stands apart from `hằng tháng` (`Định kỳ hằng
    /// tháng, trước ngày 25`): a day with no month after it is the day of each month. Only one
    /// such day, and only with `hằng/mỗi tháng` in the clause: a bare day of a quarter or a
    /// year says no month, so it stays unread.
    fn day_of_each_month(&mut self) {
        if !self.work.contains("thang") || !MONTHLY_WORDS.is_match(&self.work) {
            return;
        }
        let mut bare = BARE_DAY
            .captures_iter(&self.work)
            .filter(|c| c.get(2).is_none());
        let (Some(c), None) = (bare.next(), bare.next()) else {
            return;
        };
        let (Some((start, end)), Some(day)) =
            (c.get(0).map(|m| (m.start(), m.end())), num::<u32>(&c, 1))
        else {
            return;
        };
        if !(1..=31).contains(&day) {
            return;
        }
        let (rel, from) = relation_before(&self.work, start);
        let text = self.quote(from, end);
        mask(&mut self.work, from, end);
        self.period_day = Some(PeriodDay {
            day,
            month: None,
            offset: 0,
            bound: bound_of(rel == Rel::Before),
            text,
        });
    }

    /// Step 6: Day and month without a year (`trước ngày 15/11`, `05/12`). A number pair such as
    /// `4/5` is a date only when a timeline word introduces it (or it opens the phrase, after a
    /// field label): `Trang 4/5` is a page number, never a deadline.
    fn days_without_year(&mut self) {
        for re in [&*DM_WORDS, &*DM_NUM] {
            let numeric = std::ptr::eq(re, &*DM_NUM);
            let pairs = found(re, &self.work, |c| {
                Some((num::<u32>(c, 1)?, num::<u32>(c, 2)?))
            });
            for (Span { start: a, end: b }, (day, month)) in pairs {
                if numeric && !self.introduces_day(a) {
                    continue;
                }
                let (rel, from) = relation_before(&self.work, a);
                mask(&mut self.work, from.min(a), b);
                if date(2024, month, day).is_none() {
                    self.note(
                        WarningCode::InvalidDate,
                        "not a day of the year",
                        self.quote(a, b),
                    );
                    continue;
                }
                if rel == Rel::Start {
                    continue;
                }
                let text = self.quote(from.min(a), b);
                self.day_months.push(DayMonth {
                    at: a,
                    day,
                    month,
                    bound: bound_of(rel == Rel::Before),
                    text,
                });
            }
        }
    }

    /// Whether the words before a bare `D/M` at `a` make it a date: a timeline word (`ngày`,
    /// `trước`, `chậm nhất`, `đến`, ...), the start of the phrase, or a list of dates
    /// (`trước ngày 15/6 và 15/12`).
    fn introduces_day(&self, a: usize) -> bool {
        let pre = self.work[..a].trim_end();
        if pre.is_empty() || pre.ends_with('(') {
            return true;
        }
        let intro = [
            "ngay",
            "truoc",
            "cham nhat",
            "muon nhat",
            "han",
            "han chot",
            "den",
            "toi",
            "vao",
            "tu",
            "het",
            "khong qua",
            "la",
            "hoac",
        ];
        if intro.iter().any(|w| ends_word(pre, w)) {
            return true;
        }
        // After a recurrence: "hằng năm, 15/11", "định kỳ hằng quý: 20/3".
        let after_period = pre.trim_end_matches([',', ':']).trim_end();
        if ["hang nam", "hang quy", "moi nam", "dinh ky"]
            .iter()
            .any(|w| ends_word(after_period, w))
        {
            return true;
        }
        let listed = ends_word(pre, "va") || pre.ends_with(',');
        listed && (!self.day_months.is_empty() || pre.contains('#'))
    }

    /// Step 7: Recurrence: each frequency with where it is first written, in text order.
    fn recurrence(&mut self) {
        for (re, every) in [
            (&*HALF_YEARLY, Frequency::HalfYearly),
            (&*QUARTERLY, Frequency::Quarterly),
            (&*MONTHLY, Frequency::Monthly),
            (&*YEARLY, Frequency::Yearly),
        ] {
            let spans: Vec<(usize, usize)> = re
                .find_iter(&self.work)
                .map(|m| (m.start(), m.end()))
                .collect();
            if let Some(&(at, _)) = spans.first() {
                if !self.freq_at.iter().any(|x| x.every == every) {
                    self.freq_at.push(FreqAt { at, every });
                }
            }
            for (a, b) in spans {
                mask(&mut self.work, a, b);
            }
        }
        self.freq_at.sort_by_key(|x| x.at);
        self.freqs = self.freq_at.iter().map(|x| x.every).collect();
        if let Some(m) = PERIODIC.find(&self.work) {
            let r = m.range();
            if self.freqs.is_empty() {
                self.periodic_unspecified = Some(self.quote(r.start, r.end));
            }
            mask(&mut self.work, r.start, r.end);
        }
    }

    /// Step 8: Years as windows (`năm 2026`, `trong năm 2027`).
    fn years(&mut self) {
        let years = found(&YEAR_WINDOW, &self.work, |c| num::<i32>(c, 1));
        for (Span { start: a, end: b }, y) in years {
            let WindowUse::Deadline { before, from } = self.window_use(a, b, Some(y)) else {
                continue;
            };
            let from = if before {
                from
            } else {
                self.qualifier(from, b)
            };
            mask(&mut self.work, from, b);
            self.year.get_or_insert(y);
            let d = if before {
                date(y, 1, 1)
            } else {
                date(y, 12, 31)
            };
            if let Some(d) = d {
                let text = self.quote(from, b);
                self.year_windows.push(Dated {
                    at: a,
                    part: Part::Once(Deadline {
                        date: d,
                        bound: bound_of(before),
                        text: Some(text),
                    }),
                });
            }
        }
    }

    /// Step 9: Ongoing markers (`thường xuyên`) and events (drafts, `sau khi ...`, requests).
    fn ongoing_and_events(&mut self) {
        self.ongoing_marker = ONGOING.find(&self.work).map(|m| m.range());
        if let Some(r) = self.ongoing_marker.clone() {
            mask(&mut self.work, r.start, r.end);
        }
        if let Some(m) = DRAFT.find(&self.work) {
            let r = m.range();
            let end = self.work.len();
            if let Some(t) = trigger(EventKind::DRAFT_PUBLISHED, self.f.orig_slice(r.start, end)) {
                self.events.push(t);
            }
            mask(&mut self.work, r.start, end);
        }
        if let Some(m) = AFTER.find(&self.work) {
            self.after_event(m.range());
        } else if let Some(m) = WHEN_ISSUED.find(&self.work) {
            let r = m.range();
            if let Some(k) = classify_event(&self.work[r.start..]) {
                if let Some(t) = trigger(k, self.f.orig_slice(r.start, r.end)) {
                    self.events.push(t);
                }
                mask(&mut self.work, r.start, r.end);
            }
        }
        if let Some(m) = REQUEST.find(&self.work) {
            self.request(m.range());
        }
    }

    /// `sau khi ...`: the event the work waits for.
    fn after_event(&mut self, r: std::ops::Range<usize>) {
        let end = clause_end(&self.work, r.start);
        match classify_event(&self.work[r.end..]) {
            Some(k) => {
                if let Some(t) = trigger(k, self.f.orig_slice(r.start, end)) {
                    self.events.push(t);
                }
            }
            None => self.note(
                WarningCode::UnknownEvent,
                "event after which the work is due is not recognised",
                self.quote(r.start, self.work.len()),
            ),
        }
        mask(&mut self.work, r.start, end);
    }

    /// `khi có yêu cầu (của ...)`: quoted up to the end of the authority when written.
    fn request(&mut self, r: std::ops::Range<usize>) {
        let tail = &self.work[r.end..];
        let mut end = r.end;
        for prefix in [" cua ", " theo yeu cau cua "] {
            let Some(rest) = tail.strip_prefix(prefix) else {
                continue;
            };
            let stop = rest
                .find([',', ';', '.', '(', ')', '#'])
                .unwrap_or(rest.len());
            // The authority: at most six words, not the verb that follows ("báo cáo", "gửi").
            let mut len = 0;
            for (k, w) in rest[..stop].split(' ').enumerate() {
                if k >= 6 || w == "bao" || w == "gui" {
                    break;
                }
                len += w.len() + usize::from(k > 0);
            }
            if len > 0 {
                end = r.end + prefix.len() + len;
            }
            break;
        }
        let end = end.min(self.work.len());
        if let Some(t) = trigger(EventKind::REQUEST, self.f.orig_slice(r.start, end)) {
            self.events.push(t);
        }
        mask(&mut self.work, r.start, end);
    }

    /// Turns what was found into the clause's parts and year.
    fn finish(mut self) -> (Vec<Part>, Option<i32>) {
        let clause_year = self.year.or(self.start_year);
        if self.period_day.is_some() {
            // Day within a period: needs a recurrence; `hằng tháng` is the default reading.
            let every = self
                .freqs
                .iter()
                .copied()
                .find(|f| *f != Frequency::Yearly)
                .unwrap_or(Frequency::Monthly);
            if !self.freqs.contains(&every) {
                self.freqs.push(every);
            }
        }
        if !self.freqs.is_empty() {
            return self.recurring_parts(clause_year);
        }
        self.dated_parts(clause_year)
    }

    /// The dates written for the `k`-th frequency: with several, each takes the dates written
    /// after it (before the next one), else those just before it: "6 tháng (trước 15/6) và năm
    /// (trước 15/12)".
    fn own_days(&self, k: usize) -> Vec<DayMonth> {
        if self.freqs.len() <= 1 {
            return self.day_months.clone();
        }
        let at = self.freq_at.get(k).map_or(0, |x| x.at);
        let next = self.freq_at.get(k + 1).map_or(usize::MAX, |x| x.at);
        let prev = k
            .checked_sub(1)
            .and_then(|p| self.freq_at.get(p))
            .map_or(0, |x| x.at);
        let after: Vec<DayMonth> = self
            .day_months
            .iter()
            .filter(|x| x.at >= at && x.at < next)
            .cloned()
            .collect();
        if after.is_empty() {
            self.day_months
                .iter()
                .filter(|x| x.at < at && x.at >= prev)
                .cloned()
                .collect()
        } else {
            after
        }
    }

    fn recurring_parts(mut self, clause_year: Option<i32>) -> (Vec<Part>, Option<i32>) {
        // "duy trì thường xuyên hằng năm": continuous work, not a dated report.
        let dateless =
            self.day_months.is_empty() && self.period_day.is_none() && self.dated.is_empty();
        if self.ongoing_marker.is_some() && dateless && self.freqs == [Frequency::Yearly] {
            self.parts.push(Part::Ongoing {
                from: clause_year,
                until: None,
                precondition: None,
            });
        } else {
            for (k, every) in self.freqs.clone().into_iter().enumerate() {
                let own = self.own_days(k);
                let due = due_rule(every, self.period_day.as_ref(), &own, &self.dated);
                if due.is_none() {
                    let text = tidy(self.clause);
                    self.note(
                        WarningCode::RecurringWithoutDueDate,
                        format!(
                            "a {} obligation with no due day stated: due is left empty (never invented)",
                            freq_name(every)
                        ),
                        text,
                    );
                }
                // A full date in a recurring clause fixes the first year.
                let from = self
                    .dated
                    .iter()
                    .find_map(|x| match &x.part {
                        Part::Once(d) => Some(d.date.year()),
                        _ => None,
                    })
                    .or(clause_year);
                self.parts.retain(|p| !matches!(p, Part::Ongoing { .. }));
                self.parts.push(Part::Recurring { every, due, from });
            }
        }
        for t in std::mem::take(&mut self.events) {
            self.parts.push(Part::Event {
                trigger: t,
                within: None,
            });
        }
        (self.parts, clause_year)
    }

    /// Deadlines: dated parts, yearless windows and days, years as a last resort; ongoing work
    /// and the events it waits for.
    fn dated_parts(mut self, clause_year: Option<i32>) -> (Vec<Part>, Option<i32>) {
        if let Some(t) = self.periodic_unspecified.take() {
            self.parts.push(Part::Periodic(t));
        }
        // A bare date or window beside a bounded one names the period worked on, not the deadline.
        let bare = std::mem::take(&mut self.bare);
        let mut dated = std::mem::take(&mut self.dated);
        if dated.iter().any(|x| !bare.contains(&x.at)) {
            dated.retain(|x| !bare.contains(&x.at));
        }
        dated.sort_by_key(|x| x.at);
        let mut onces: Vec<Part> = dated.into_iter().map(|x| x.part).collect();
        for w in std::mem::take(&mut self.yearless) {
            let text = self.quote(w.span.start, w.span.end);
            self.note(
                WarningCode::YearInferred,
                "no year stated; the plan's year is used",
                text.clone(),
            );
            onces.push(Part::Yearless {
                month: if w.before {
                    w.first_month
                } else {
                    w.last_month
                },
                day: if w.before { Some(1) } else { None },
                before: w.before,
                text,
            });
        }
        for dm in std::mem::take(&mut self.day_months) {
            self.note(
                WarningCode::YearInferred,
                "date without a year; the plan's year is used",
                dm.text.clone(),
            );
            onces.push(Part::Yearless {
                month: dm.month,
                day: Some(dm.day),
                before: dm.bound == Bound::Before,
                text: dm.text,
            });
        }
        let has_ongoing = |parts: &[Part]| parts.iter().any(|p| matches!(p, Part::Ongoing { .. }));
        if onces.is_empty() && !has_ongoing(&self.parts) {
            if let Some(first) = self.year_windows.first() {
                if self
                    .events
                    .iter()
                    .any(|t| t.event.as_str() != EventKind::REQUEST)
                    || self.ongoing_marker.is_some()
                {
                    // "Năm 2026 (sau khi ...)": work within that year once the event happened.
                    if let Part::Once(d) = &first.part {
                        self.parts.push(Part::Ongoing {
                            from: Some(d.date.year()),
                            until: Some(d.date.year()),
                            precondition: None,
                        });
                    }
                } else {
                    onces.push(first.part.clone());
                }
            }
        }
        if !has_ongoing(&self.parts) && self.ongoing_marker.is_some() {
            self.parts.push(Part::Ongoing {
                from: clause_year,
                until: None,
                precondition: None,
            });
        } else if !has_ongoing(&self.parts)
            && onces.is_empty()
            && (self.start_year.is_some() || self.starts)
        {
            self.parts.push(Part::Ongoing {
                from: self.start_year,
                until: None,
                precondition: None,
            });
        }
        let ongoing = has_ongoing(&self.parts);
        // An event before ongoing work is its precondition.
        let mut rest_events = Vec::new();
        for t in std::mem::take(&mut self.events) {
            let is_pre = t.event.as_str() != EventKind::REQUEST;
            if ongoing && is_pre {
                for p in self.parts.iter_mut() {
                    if let Part::Ongoing { precondition, .. } = p {
                        if precondition.is_none() {
                            *precondition = Some(t.clone());
                        }
                    }
                }
            } else if !onces.is_empty() && is_pre {
                self.notes.push(Note {
                    code: WarningCode::PreconditionNotModelled,
                    message: "a dated task also waits for an event; the date is kept, the event is not modelled".into(),
                    text: t.text.clone(),
                });
            } else {
                rest_events.push(t);
            }
        }
        let mut out: Vec<Part> = onces;
        out.append(&mut self.parts);
        out.extend(rest_events.into_iter().map(|t| Part::Event {
            trigger: t,
            within: None,
        }));
        (out, clause_year)
    }
}

fn clause_end(work: &str, from: usize) -> usize {
    // An event clause ends at a closing parenthesis or the end.
    work[from..].find(')').map_or(work.len(), |p| from + p)
}

fn freq_name(f: Frequency) -> &'static str {
    match f {
        Frequency::Yearly => "yearly",
        Frequency::HalfYearly => "half-yearly",
        Frequency::Quarterly => "quarterly",
        Frequency::Monthly => "monthly",
    }
}

fn months_in(f: Frequency) -> u32 {
    match f {
        Frequency::Yearly => 12,
        Frequency::HalfYearly => 6,
        Frequency::Quarterly => 3,
        Frequency::Monthly => 1,
    }
}

/// The due day of a recurring duty: a day within the period, else the first day-and-month or
/// full date written for it.
fn due_rule(
    every: Frequency,
    period_day: Option<&PeriodDay>,
    day_months: &[DayMonth],
    dated: &[Dated],
) -> Option<DueRule> {
    if every != Frequency::Yearly {
        if let Some(p) = period_day {
            return Some(DueRule {
                month: p.month,
                day: p.day,
                bound: p.bound,
                month_offset: p.offset,
                text: Some(p.text.clone()),
            });
        }
    }
    let (d, mo, bound, text) = if let Some(dm) = day_months.first() {
        (dm.day, dm.month, dm.bound, dm.text.clone())
    } else if let Some(Part::Once(dl)) = dated.first().map(|x| &x.part) {
        (
            dl.date.day(),
            dl.date.month(),
            dl.bound,
            dl.text.clone().unwrap_or_default(),
        )
    } else {
        return None;
    };
    let n = months_in(every);
    let month = if every == Frequency::Yearly {
        Some(mo)
    } else {
        let pos = (mo - 1) % n + 1;
        (pos != n).then_some(pos)
    };
    Some(DueRule {
        month,
        day: d,
        bound,
        month_offset: 0,
        text: Some(text),
    })
}

/// Finishes parts with the years they need and joins the clauses.
fn compose(clauses: &[Clause<'_>], ctx: Option<i32>, notes: &mut Vec<Note>) -> Option<Schedule> {
    // A year for parts that state none: the phrase's own first year, else the plan's.
    let phrase_year = clauses.iter().find_map(|c| c.year);
    let default_year = phrase_year.or(ctx);
    let mut per_clause: Vec<(usize, Vec<Schedule>)> = Vec::new();
    for (ci, c) in clauses.iter().enumerate() {
        let mut out = Vec::new();
        for p in &c.parts {
            let year = c.year.or(default_year);
            match finish(p, year, notes) {
                Some(s) => out.push(s),
                None => {
                    if !notes.iter().any(|n| n.code == WarningCode::NoYear) {
                        notes.push(Note {
                            code: WarningCode::NoYear,
                            message:
                                "the phrase needs a year and neither it nor the plan states one"
                                    .into(),
                            text: Some(tidy(c.text)),
                        });
                    }
                }
            }
        }
        if out.is_empty() {
            let folded = super::text::fold(c.text);
            if TIMEISH.is_match(&folded) && clauses.len() > 1 {
                notes.push(Note {
                    code: WarningCode::TimelineClauseIgnored,
                    message: "part of the timeline was not understood and is not in the schedule"
                        .into(),
                    text: Some(tidy(c.text)),
                });
            }
        }
        per_clause.push((ci, out));
    }
    // Staged: several clauses, each with one dated deadline, some naming who acts.
    let dated: Vec<&(usize, Vec<Schedule>)> = per_clause
        .iter()
        .filter(|(_, s)| s.len() == 1 && matches!(s[0], Schedule::Once { .. }))
        .collect();
    if dated.len() >= 2 {
        let mut stages = Vec::new();
        let mut any_party = false;
        for (ci, s) in &dated {
            let Schedule::Once { deadline } = &s[0] else {
                continue;
            };
            let c = &clauses[*ci];
            let (found, _) = agencies::leading(c.text, false);
            let parties: Vec<AgencyRef> = found.into_iter().map(|f| f.agency).collect();
            any_party |= !parties.is_empty();
            let route = agencies::reporting(c.text);
            if let Some(r) = route.as_ref().filter(|r| !r.others.is_empty()) {
                notes.push(Note {
                    code: WarningCode::RecipientChosen,
                    message: format!(
                        "the stage reports to {}, the first body named; others named too",
                        r.recipient.name()
                    ),
                    text: Some(tidy(c.text)),
                });
            }
            let recipient = route.map(|r| r.recipient);
            stages.push(Stage {
                id: agencies::stage_id(&parties, stages.iter().map(|s: &Stage| s.id.as_str())),
                parties,
                deadline: deadline.clone(),
                recipient,
                source: None,
            });
        }
        if any_party && dated.len() == per_clause.iter().filter(|(_, s)| !s.is_empty()).count() {
            return Some(Schedule::Staged { stages });
        }
    }
    let mut all: Vec<Schedule> = per_clause.into_iter().flat_map(|(_, s)| s).collect();
    dedupe(&mut all);
    match all.len() {
        0 => None,
        1 => all.pop(),
        _ => Some(Schedule::Combined { parts: all }),
    }
}

fn dedupe(v: &mut Vec<Schedule>) {
    let mut out: Vec<Schedule> = Vec::new();
    for s in v.drain(..) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    *v = out;
}

/// Ongoing work keeps the phrase it was read from, so explanations can quote it.
fn keep_phrase(s: Schedule, phrase: &str) -> Schedule {
    match s {
        Schedule::Ongoing {
            from_year,
            until_year,
            precondition,
            text: None,
        } => Schedule::Ongoing {
            from_year,
            until_year,
            precondition,
            text: Some(phrase.trim().trim_end_matches('.').to_string()),
        },
        Schedule::Combined { parts } => Schedule::Combined {
            parts: parts.into_iter().map(|p| keep_phrase(p, phrase)).collect(),
        },
        other => other,
    }
}

fn finish(p: &Part, year: Option<i32>, notes: &mut Vec<Note>) -> Option<Schedule> {
    Some(match p {
        Part::Once(d) => Schedule::Once {
            deadline: d.clone(),
        },
        Part::Ongoing {
            from,
            until,
            precondition,
        } => Schedule::Ongoing {
            from_year: from.or(year)?,
            until_year: *until,
            precondition: precondition.clone(),
            text: None,
        },
        Part::Recurring { every, due, from } => Schedule::Recurring {
            every: *every,
            due: due.clone(),
            from_year: from.or(year)?,
            until_year: None,
        },
        Part::Event { trigger, within } => Schedule::EventTriggered {
            trigger: trigger.clone(),
            within_days: *within,
        },
        Part::Yearless {
            month,
            day,
            before,
            text,
        } => {
            let y = year?;
            let d = match day {
                Some(d) => date(y, *month, *d)?,
                None => last_of_month(y, *month)?,
            };
            Schedule::Once {
                deadline: Deadline {
                    date: d,
                    bound: if *before {
                        Bound::Before
                    } else {
                        Bound::NoLaterThan
                    },
                    text: Some(text.clone()),
                },
            }
        }
        Part::Periodic(t) => {
            notes.push(Note {
                code: WarningCode::UnparsedTimeline,
                message: "periodic (định kỳ) with no period stated: kept verbatim".into(),
                text: Some(t.clone()),
            });
            Schedule::Unparsed { text: t.clone() }
        }
    })
}

/// Whether a text contains something a deadline is made of (a date, a window, a recurrence).
pub(crate) fn has_deadline(text: &str) -> bool {
    deadline_in(&super::text::fold(text))
}

fn deadline_in(f: &str) -> bool {
    (f.contains('/')
        || f.contains("thang")
        || f.contains("quy")
        || f.contains("nua")
        || f.contains('-')
        || f.contains('.'))
        && (DATE_NUM.is_match(f)
            || DATE_WORDS.is_match(f)
            || MONTH_WINDOW.is_match(f)
            || QUARTER.is_match(f)
            || HALF.is_match(f)
            || (DM_NUM.is_match(f) && (f.contains("truoc") || f.contains("cham nhat"))))
}

fn recurrence_in(f: &str) -> bool {
    YEARLY.is_match(f)
        || HALF_YEARLY.is_match(f)
        || QUARTERLY.is_match(f)
        || MONTHLY.is_match(f)
        || PERIODIC.is_match(f)
}

/// Whether a text has anything a timeline is made of: a deadline, a recurrence, an ongoing
/// marker or an event.
pub(crate) fn has_timeline_words(text: &str) -> bool {
    let f = super::text::fold(text);
    deadline_in(&f)
        || recurrence_in(&f)
        || ONGOING.is_match(&f)
        || REQUEST.is_match(&f)
        || AFTER.is_match(&f)
        || DRAFT.is_match(&f)
        || FOLLOWING_YEARS.is_match(&f)
}

/// Whether a text states a recurrence (`hằng năm`, `định kỳ`, `hằng quý`...).
pub(crate) fn has_recurrence(text: &str) -> bool {
    recurrence_in(&super::text::fold(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn once(phrase: &str) -> (NaiveDate, Bound) {
        match parse_timeline(phrase, Some(2026)) {
            Ok(Schedule::Once { deadline }) => (deadline.date, deadline.bound),
            other => panic!("{phrase}: {other:?}"),
        }
    }

    /// `20/4/2026`, `20/04/2026`, `20-4-2026`, `20.4.2026` and `ngày 20 tháng 4 năm 2026` are one
    /// date, whatever bounds it.
    #[test]
    fn date_forms_read_alike() {
        for (lead, bound) in [
            ("trước ngày", Bound::Before),
            ("chậm nhất ngày", Bound::NoLaterThan),
            ("đến hết ngày", Bound::NoLaterThan),
            ("hoàn thành trước", Bound::Before),
        ] {
            for date in [
                "20/4/2026",
                "20/04/2026",
                "20 / 04 / 2026",
                "20-4-2026",
                "20.4.2026",
                "20 tháng 4 năm 2026",
                "20 tháng 04 năm 2026",
                "20 tháng 4, năm 2026",
            ] {
                let phrase = format!("{lead} {date}");
                assert_eq!(once(&phrase), (d(2026, 4, 20), bound), "{phrase}");
            }
        }
    }

    /// A schedule with its quoted texts left out, to compare readings of one meaning.
    fn shape(phrase: &str) -> String {
        let s = parse_timeline(phrase, Some(2026)).unwrap_or_else(|e| panic!("{phrase}: {e}"));
        let mut v = serde_json::to_value(&s).unwrap();
        fn strip(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Object(m) => {
                    m.remove("text");
                    m.values_mut().for_each(strip);
                }
                serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
                _ => {}
            }
        }
        strip(&mut v);
        v.to_string()
    }

    /// A range written with a dash reads as the same range written `từ ... đến ...`: the work
    /// is due by the end of the second period, never at the end of the first (two deadlines),
    /// and `tháng 9 - 12/2026` is never the ninth of December.
    #[test]
    fn dash_ranges_read_as_from_to() {
        for (dash, words) in [
            (
                "Tháng 9/2026 - tháng 12/2026",
                "Từ tháng 9/2026 đến tháng 12/2026",
            ),
            (
                "tháng 9/2026 – tháng 12/2026",
                "Từ tháng 9/2026 đến tháng 12/2026",
            ),
            ("Tháng 9 - 12/2026", "Từ tháng 9 đến tháng 12/2026"),
            ("Tháng 9-12 năm 2026", "Từ tháng 9 đến tháng 12 năm 2026"),
            (
                "tháng 11/2026 - tháng 2/2027",
                "từ tháng 11/2026 đến tháng 2/2027",
            ),
            ("Quý III - Quý IV/2026", "Từ quý III đến quý IV năm 2026"),
            ("quý III – IV năm 2026", "Từ quý III đến quý IV năm 2026"),
            ("Quý I/2026 - Quý II/2027", "Từ quý I/2026 đến quý II/2027"),
            (
                "01/7/2026 - 31/12/2026",
                "Từ ngày 01/7/2026 đến ngày 31/12/2026",
            ),
            ("01/7 - 31/12/2026", "Từ ngày 01/7 đến ngày 31/12/2026"),
            (
                "Từ 01/7/2026 - 31/12/2026",
                "Từ ngày 01/7/2026 đến ngày 31/12/2026",
            ),
            (
                "Trong thời gian tháng 9 - 12/2026",
                "Trong thời gian từ tháng 9 đến tháng 12/2026",
            ),
        ] {
            assert_eq!(shape(dash), shape(words), "{dash} / {words}");
            let s = parse_timeline(dash, Some(2026)).unwrap();
            let Schedule::Once { deadline } = s else {
                panic!("{dash}: {s:?}");
            };
            assert_eq!(deadline.bound, Bound::NoLaterThan, "{dash}");
            assert!(
                deadline
                    .text
                    .as_deref()
                    .is_some_and(|t| t.contains('-') || t.contains('–')),
                "{dash}: the quote keeps the range: {deadline:?}"
            );
        }
        // A range with a day or month that does not exist: no schedule, an `invalid_date`
        // warning (not a start read as ongoing work, nor a yearless guess).
        for bad in [
            "tháng 0 - 5",
            "Tháng 9 - 13",
            "tháng 14/2026 - tháng 2/2027",
            "01/7 - 31/02/2026",
        ] {
            let p = parse(bad, Some(2026));
            assert!(
                matches!(p.schedule, Schedule::Unparsed { .. }),
                "{bad}: {:?}",
                p.schedule
            );
            assert!(
                p.notes.iter().any(|n| n.code == WarningCode::InvalidDate),
                "{bad}: {:?}",
                p.notes
            );
        }
        // Not ranges: a date after a month, page furniture after a date.
        assert_eq!(
            once("chậm nhất ngày 30/6/2026 - 3 -"),
            (d(2026, 6, 30), Bound::NoLaterThan)
        );
        let p = parse("tháng 9 - 15/10/2026", Some(2026));
        assert!(
            !format!("{:?}", p.schedule).contains("2026-12-"),
            "{:?}",
            p.schedule
        );
    }

    /// `đầu`/`giữa` (early, middle) before a period: the period's end, with a warning that
    /// quotes the qualifier; `cuối` (end) is the period's end exactly, without one.
    #[test]
    fn early_and_middle_of_a_period_are_warned() {
        for (phrase, due) in [
            ("Đầu năm 2027", d(2027, 12, 31)),
            ("Giữa năm 2026", d(2026, 12, 31)),
            ("đầu quý III/2026", d(2026, 9, 30)),
            ("Hoàn thành trong đầu tháng 7/2026", d(2026, 7, 31)),
            ("giữa tháng 7 năm 2026", d(2026, 7, 31)),
        ] {
            assert_eq!(once(phrase), (due, Bound::NoLaterThan), "{phrase}");
            let p = parse(phrase, Some(2026));
            let n = p
                .notes
                .iter()
                .find(|n| n.code == WarningCode::VagueTimeline);
            let quoted = n.and_then(|n| n.text.as_deref()).unwrap_or_default();
            assert!(
                quoted.to_lowercase().starts_with("đầu")
                    || quoted.to_lowercase().starts_with("giữa"),
                "{phrase}: {:?}",
                p.notes
            );
            assert_eq!(WarningCode::VagueTimeline.severity(), Severity::Warning);
        }
        for phrase in ["Cuối năm 2026", "6 tháng đầu năm 2026", "cuối quý III/2026"] {
            let p = parse(phrase, Some(2026));
            assert!(
                p.notes.iter().all(|n| n.code != WarningCode::VagueTimeline),
                "{phrase}: {:?}",
                p.notes
            );
        }
    }

    /// `sau ngày X` (after X) is where the work starts, not a deadline; `không sau ngày X` (not
    /// after X) is one.
    #[test]
    fn after_a_day_is_a_start() {
        for phrase in ["Sau ngày 01/7/2026", "sau tháng 6/2026"] {
            let s = parse_timeline(phrase, Some(2026)).unwrap();
            assert!(
                matches!(
                    s,
                    Schedule::Ongoing {
                        from_year: 2026,
                        ..
                    }
                ),
                "{phrase}: {s:?}"
            );
        }
        assert_eq!(
            once("không sau ngày 30/6/2026"),
            (d(2026, 6, 30), Bound::NoLaterThan)
        );
    }

    /// A date comes only from a timeline phrase: page numbers and bare numbers are not dates.
    #[test]
    fn page_furniture_and_bare_numbers_are_never_dates() {
        for phrase in [
            "Trang 4/5",
            "trang 2/7",
            "- 3 -",
            "3",
            "12",
            "Trang 4",
            "Tổ chức thực hiện Trang 4/5",
            "Số 12/KH-UBND",
            "mục 2/3 của Kế hoạch",
        ] {
            let p = parse(phrase, Some(2026));
            assert!(
                matches!(p.schedule, Schedule::Unparsed { .. }),
                "{phrase}: {:?}",
                p.schedule
            );
            assert!(!has_deadline(phrase), "{phrase}");
        }
        // Furniture spliced into a real phrase: only the real date is read.
        for phrase in [
            "chậm nhất ngày 30/6/2026 Trang 4/5",
            "Trang 4/5 chậm nhất ngày 30/6/2026",
            "chậm nhất ngày 30/6/2026 - 3 -",
        ] {
            assert_eq!(
                once(phrase),
                (d(2026, 6, 30), Bound::NoLaterThan),
                "{phrase}"
            );
        }
        // A day and month introduced by a timeline word is still a date.
        for (phrase, want) in [
            ("trước ngày 4/5", (d(2026, 5, 4), Bound::Before)),
            ("trước 4/5", (d(2026, 5, 4), Bound::Before)),
            ("chậm nhất 4/5", (d(2026, 5, 4), Bound::NoLaterThan)),
            ("4/5", (d(2026, 5, 4), Bound::NoLaterThan)),
        ] {
            assert_eq!(once(phrase), want, "{phrase}");
        }
        // After a recurrence, a day and month is the due day.
        for phrase in ["Hằng năm, 15/11", "hằng năm 15/11"] {
            match parse_timeline(phrase, Some(2026)) {
                Ok(Schedule::Recurring { due: Some(due), .. }) => {
                    assert_eq!((due.month, due.day), (Some(11), 15), "{phrase}");
                }
                other => panic!("{phrase}: {other:?}"),
            }
        }
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn date_strategy() -> impl Strategy<Value = NaiveDate> {
            (2000i32..2100, 1u32..=12, 1u32..=31).prop_filter_map("a calendar date", |(y, m, d)| {
                NaiveDate::from_ymd_opt(y, m, d)
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]

            /// Every written form of a full date gives the same deadline.
            #[test]
            fn written_forms_agree(dt in date_strategy(), lead in prop_oneof![
                Just("trước ngày"), Just("chậm nhất ngày"), Just("hoàn thành trước"), Just("đến hết ngày")
            ]) {
                let (y, m, d) = (dt.year(), dt.month(), dt.day());
                let forms = [
                    format!("{lead} {d}/{m}/{y}"),
                    format!("{lead} {d:02}/{m:02}/{y}"),
                    format!("{lead} {d}-{m}-{y}"),
                    format!("{lead} {d} tháng {m} năm {y}"),
                    format!("{lead} {d:02} tháng {m:02} năm {y}"),
                ];
                let read: Vec<Option<(NaiveDate, Bound)>> = forms
                    .iter()
                    .map(|p| match parse_timeline(p, Some(2026)) {
                        Ok(Schedule::Once { deadline }) => Some((deadline.date, deadline.bound)),
                        _ => None,
                    })
                    .collect();
                prop_assert!(read[0].is_some_and(|(x, _)| x == dt), "{:?}", read);
                for r in &read {
                    prop_assert_eq!(r, &read[0], "{:?}", forms);
                }
            }

            /// Page numbers in their common forms are never read as dates.
            #[test]
            fn page_numbers_are_not_dates(a in 1u32..99, b in 1u32..99, form in 0usize..5) {
                let text = match form {
                    0 => format!("Trang {a}/{b}"),
                    1 => format!("trang {a} / {b}"),
                    2 => format!("- {a} -"),
                    3 => format!("{a}"),
                    _ => format!("Trang {a}"),
                };
                let p = parse(&text, Some(2026));
                prop_assert!(matches!(p.schedule, Schedule::Unparsed { .. }), "{text}: {:?}", p.schedule);
                prop_assert!(!has_deadline(&text), "{text}");
            }
        }
    }

    #[test]
    fn once_before() {
        match parse_timeline("trước ngày 20 tháng 4 năm 2026", None).unwrap() {
            Schedule::Once { deadline } => {
                assert_eq!(deadline.date, d(2026, 4, 20));
                assert_eq!(deadline.bound, Bound::Before);
                assert_eq!(
                    deadline.text.as_deref(),
                    Some("trước ngày 20 tháng 4 năm 2026")
                );
            }
            s => panic!("{s:?}"),
        }
    }

    #[test]
    fn yearly_report_with_ad_hoc() {
        let s = parse_timeline(
            "Hằng năm, trước ngày 15 tháng 11 hoặc đột xuất theo yêu cầu của cấp có thẩm quyền",
            Some(2026),
        )
        .unwrap();
        let Schedule::Combined { parts } = s else {
            panic!()
        };
        assert!(matches!(
            &parts[0],
            Schedule::Recurring {
                every: Frequency::Yearly,
                due: Some(DueRule {
                    month: Some(11),
                    day: 15,
                    ..
                }),
                from_year: 2026,
                ..
            }
        ));
        assert!(matches!(&parts[1], Schedule::EventTriggered { .. }));
    }
}
