//! The plan reader: a Vietnamese implementation plan (Kế hoạch) as issued, in plain text or
//! Markdown converted from .docx, → [`Plan`] with structured warnings and source spans.
//!
//! ```
//! use tuanthu::ingest::{parse_plan, ParseOptions};
//! let text = "Số: 12/KH-UBND\nTây Ninh, ngày 20 tháng 4 năm 2026\nKẾ HOẠCH\nTriển khai thi hành Luật An ninh mạng\n\
//!             II. NHIỆM VỤ\n1. Rà soát văn bản\n- Cơ quan chủ trì: Công an tỉnh.\n- Thời hạn: chậm nhất ngày 30/6/2026.\n";
//! let out = parse_plan(text, &ParseOptions::new("tay-ninh-12"));
//! assert_eq!(out.plan.obligations.len(), 1);
//! assert_eq!(out.plan.obligations[0].id.as_str(), "II.1");
//! ```
//!
//! The reader works from the structure of administrative documents (Decree 30/2020: `I.` → `1.`
//! → `a)` → `-` → `+`) and the vocabulary of these plans (field labels, agency names, timeline
//! phrases), never from one file's wording. It never fails and never panics: a text with no
//! recognisable plan gives a plan with no obligations and an `error` warning (`no_obligations`).
//!
//! Decisions (see also the crate docs):
//! - Section II items become `Task` obligations `II.<n>`; lettered sub-items that carry their own
//!   fields (one per draft decree) become `II.<n>.<letter>`, inheriting the item's fields they
//!   lack.
//! - When the bullets of a `Nội dung` / `Sản phẩm` field give different parties their own
//!   deadlines, the obligation gets a [`Schedule::Staged`] (one stage per dated bullet, ids `1`,
//!   `2`, ... in bullet order); if the task also has a timeline field, the schedule is
//!   `Combined [timeline, Staged]`.
//! - Section IV: the clause that asks for a report with a period or a date (`Hằng năm, trước ngày
//!   15/11 ... báo cáo ... về UBND tỉnh (qua Công an tỉnh)`) becomes a `PeriodicReport` obligation
//!   `IV.<n>`: performers are the subject of the sentence (or of the item), the recipient and via
//!   come from `báo cáo/gửi về X (qua Y)`.
//! - Section III (funding) creates no obligation: an info warning `funding_section_skipped`
//!   records that it was read; any item there (or in IV, or in an unknown section) that has a
//!   date but is not turned into an obligation gives a `dated_duty_skipped` warning.
//! - Coverage: after the obligations are read, every non-empty line is accounted for (part of an
//!   obligation, the header or closing, a section that assigns no dated duty, or a warning); each
//!   run of lines that is none of these gets a `text_not_accounted` warning, and the figure is
//!   kept in [`Plan::coverage`](crate::model::Plan::coverage).
//! - Warning codes are `WarningCode`s (`crate::model::WarningCode`), each with its severity.

mod agencies;
mod coverage;
mod header;
mod obligations;
mod pages;
mod par;
pub mod source;
mod structure;
mod text;
mod timeline;

use crate::model::{IngestWarning, Plan, Severity, WarningCode};

pub use agencies::{recognize_agencies, recognize_agency};
pub use source::{read_plan_bytes, read_plan_file, SourceError, SourceFormat};
pub use timeline::parse_timeline;

/// How to read a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Id of the plan in the output. When empty, derived from `source_name` (its file stem), else
    /// `plan`.
    pub plan_id: String,
    /// File the text came from, for messages and the default id.
    pub source_name: Option<String>,
}

impl ParseOptions {
    /// Options with a plan id.
    pub fn new(plan_id: impl Into<String>) -> Self {
        ParseOptions {
            plan_id: plan_id.into(),
            source_name: None,
        }
    }

    /// Options for a file: the id is the file stem (`plans/vinh-long-144.txt` → `vinh-long-144`).
    pub fn for_file(path: impl Into<String>) -> Self {
        ParseOptions {
            plan_id: String::new(),
            source_name: Some(path.into()),
        }
    }

    fn effective_id(&self) -> String {
        let id = self.plan_id.trim();
        if !id.is_empty() {
            return id.to_string();
        }
        if let Some(src) = &self.source_name {
            let file = src.rsplit(['/', '\\']).next().unwrap_or(src);
            let stem = match file.rfind('.') {
                Some(p) if p > 0 => &file[..p],
                _ => file,
            };
            if !stem.trim().is_empty() {
                return stem.trim().to_string();
            }
        }
        "plan".to_string()
    }
}

/// The result of reading a plan: the plan, with `plan.warnings` saying what was not understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseOutcome {
    pub plan: Plan,
}

impl ParseOutcome {
    /// Warnings of at least this severity.
    pub fn warnings_at_least(&self, s: Severity) -> impl Iterator<Item = &IngestWarning> {
        self.plan
            .warnings
            .iter()
            .filter(move |w| w.severity.unwrap_or(Severity::Warning) >= s)
    }

    /// Whether the reader reported an error (no plan found).
    pub fn has_errors(&self) -> bool {
        self.warnings_at_least(Severity::Error).next().is_some()
    }
}

/// Warnings collected while reading.
#[derive(Debug, Default)]
pub(crate) struct Warnings(pub Vec<IngestWarning>);

impl Warnings {
    /// A warning with the code's own severity.
    pub fn push(
        &mut self,
        code: WarningCode,
        line: u32,
        message: impl Into<String>,
        text: Option<String>,
    ) {
        self.0.push(IngestWarning {
            code: code.as_str().to_string(),
            line,
            message: message.into(),
            text,
            severity: Some(code.severity()),
        });
    }
}

/// The first year (1990–2099) written as a whole number in `t`.
fn first_year(t: &str) -> Option<i32> {
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 4 {
                if let Ok(y) = t[start..i].parse::<i32>() {
                    if (1990..2100).contains(&y) {
                        return Some(y);
                    }
                }
            }
        } else {
            i += 1;
        }
    }
    None
}

/// Reads a plan as issued (plain text or Markdown; NFC or NFD) into the model.
///
/// Never fails and never panics: what is not understood is kept verbatim in a warning (and an
/// unparsed timeline stays as [`Schedule::Unparsed`](crate::model::Schedule::Unparsed)); a text
/// with no recognisable plan gives a plan with no obligations and an `error` warning.
pub fn parse_plan(text: &str, options: &ParseOptions) -> ParseOutcome {
    parse_plan_with(text, options, par::Threads::for_text(text.len()))
}

/// [`parse_plan`], with the pure per-line and per-item steps on two threads when `threads`
/// allows it (the same result either way: tests below).
fn parse_plan_with(text: &str, options: &ParseOptions, threads: par::Threads) -> ParseOutcome {
    parse_lines(text::prepare_with(text, threads), options, threads)
}

/// Lines already cleaned ([`text::prepare_line`] on each line of a text of `text_len` bytes,
/// in order), read as [`parse_plan`] reads that text.
pub(crate) fn parse_prepared(
    lines: Vec<text::Line>,
    text_len: usize,
    options: &ParseOptions,
) -> ParseOutcome {
    parse_lines(lines, options, par::Threads::for_text(text_len))
}

/// [`parse_plan_with`] from the cleaned lines on.
fn parse_lines(
    prepared: Vec<text::Line>,
    options: &ParseOptions,
    threads: par::Threads,
) -> ParseOutcome {
    let mut w = Warnings::default();
    let lines = pages::strip(prepared, &mut w);
    let lay = structure::layout_with(&lines, threads);
    if lay.plan_heading.is_none() {
        w.push(
            WarningCode::NoPlanHeading,
            1,
            "no KẾ HOẠCH heading found; the whole text is read as the plan",
            None,
        );
    }
    for c in structure::label_style_changes(&lines, &lay) {
        w.push(
            WarningCode::LabelStyleChanged,
            lines.get(c.line).map_or(1, |l| l.no),
            format!(
                "item `{}` follows `{}`: the label style changes within the list; read as the list's next item",
                c.after, c.before
            ),
            Some(c.after),
        );
    }
    for d in &lay.declined_labels {
        let after = d
            .last
            .as_ref()
            .map_or("no numbered item before it".to_string(), |l| {
                format!("the list's last item is `{l}`")
            });
        w.push(
            WarningCode::LabelOutOfSequence,
            lines.get(d.line).map_or(1, |l| l.no),
            format!(
                "`{}` starts the line like an item label, but {after}: not the list's next item, read as text",
                d.label
            ),
            lines.get(d.line).map(|l| l.text.clone()),
        );
    }
    let h = header::read(&lines, &lay, &mut w);
    // The plan's year, for phrases that state none; when the header gives none, the first year
    // written in the body (said in an info warning).
    let year = h.year.or_else(|| {
        let found = lines
            .iter()
            .skip(lay.body_start)
            .find_map(|l| first_year(&l.text).map(|y| (l.no, y)));
        if let Some((no, y)) = found {
            w.push(
                WarningCode::YearFromBody,
                no,
                format!("the header states no year; {y}, the first year in the plan, is used for phrases without one"),
                None,
            );
        }
        found.map(|(_, y)| y)
    });
    let obligations = obligations::read(&lines, &lay, year, &mut w, threads);
    if obligations.is_empty() {
        w.push(
            WarningCode::NoObligations,
            1,
            "no recognisable plan: no task or reporting obligation was found",
            None,
        );
    }
    let coverage = coverage::account(&lines, &lay, &obligations, &mut w);
    // Warnings in line order, stable for equal lines.
    w.0.sort_by_key(|x| x.line);
    ParseOutcome {
        plan: Plan {
            id: options.effective_id(),
            number: h.number,
            issuer: h.issuer,
            jurisdiction: h.jurisdiction,
            place: h.place,
            issue_date: h.issue_date,
            title: h.title,
            legal_basis: h.legal_basis,
            law_effective_date: h.law_effective_date,
            policies: Default::default(),
            obligations,
            warnings: w.0,
            coverage: Some(coverage),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;

    const PLANS: [&str; 6] = [
        include_str!("../../tests/data/plans/vinh-long-144-KH-UBND.txt"),
        include_str!("../../tests/data/plans/hung-yen-draft.txt"),
        include_str!("../../tests/data/plans/can-tho-qd-kh.txt"),
        include_str!("../../tests/data/plans/synthetic-agency-first.txt"),
        include_str!("../../tests/data/plans/synthetic-appendix-table.md"),
        include_str!("../../tests/data/plans/synthetic-other-province.txt"),
    ];

    /// The plan read on one thread and on two.
    fn both_ways(text: &str) -> (ParseOutcome, ParseOutcome) {
        let options = ParseOptions::new("t");
        (
            parse_plan_with(text, &options, par::Threads::One),
            parse_plan_with(text, &options, par::Threads::Two),
        )
    }

    #[test]
    fn two_threads_read_each_shared_plan_as_one() {
        for p in PLANS {
            let (one, two) = both_ways(p);
            assert!(!one.plan.obligations.is_empty());
            assert_eq!(one, two);
        }
    }

    /// Vĩnh Long's header, then the task lines of all plans `copies` times over (items numbered
    /// as written, so ids repeat and are renamed), then Vĩnh Long's sections III and IV: many
    /// items in one section, so the items are split between the threads.
    fn big_plan(copies: usize) -> String {
        let vl = PLANS[0];
        let head_end = vl.find("II. NỘI DUNG THỰC HIỆN").unwrap();
        let tail_start = vl.find("III. KINH PHÍ").unwrap();
        let mut out = String::from(&vl[..head_end]);
        out.push_str("II. NỘI DUNG THỰC HIỆN\n");
        for _ in 0..copies {
            for p in &PLANS[..3] {
                let strip = |l: &&str| l.trim_start_matches(['#', ' ', '*']).to_string();
                let lines: Vec<&str> = p.lines().collect();
                let start = lines
                    .iter()
                    .position(|l| strip(l).starts_with("II."))
                    .unwrap();
                let end = lines
                    .iter()
                    .position(|l| strip(l).starts_with("III."))
                    .unwrap();
                for l in &lines[start + 1..end] {
                    out.push_str(l);
                    out.push('\n');
                }
            }
        }
        out.push_str(&vl[tail_start..]);
        out
    }

    #[test]
    fn two_threads_read_a_large_plan_as_one() {
        let text = big_plan(20);
        assert!(text.len() >= 256 * 1024, "{} bytes", text.len());
        assert_eq!(par::Threads::for_text(text.len()), par::Threads::Two);
        let (one, two) = both_ways(&text);
        assert!(one.plan.obligations.len() > 100);
        assert!(one
            .plan
            .warnings
            .iter()
            .any(|w| w.code == WarningCode::DuplicateId.as_str()));
        assert_eq!(one, two);
        assert_eq!(parse_plan(&text, &ParseOptions::new("t")), two);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Any run of lines taken from the plans, in any order, under a plan heading: two
        /// threads give what one gives (warnings, coverage and their order included).
        #[test]
        fn two_threads_read_any_mix_of_lines_as_one(
            pieces in proptest::collection::vec((0usize..6, any::<prop::sample::Index>(), 1usize..80), 1..40)
        ) {
            let mut text = String::from(&PLANS[0][..PLANS[0].find("II. NỘI DUNG THỰC HIỆN").unwrap()]);
            text.push_str("II. NHIỆM VỤ\n");
            for (p, start, len) in pieces {
                let lines: Vec<&str> = PLANS[p].lines().collect();
                let s = start.index(lines.len());
                for l in lines.iter().skip(s).take(len) {
                    text.push_str(l);
                    text.push('\n');
                }
            }
            let (one, two) = both_ways(&text);
            prop_assert_eq!(one, two);
        }
    }
}
