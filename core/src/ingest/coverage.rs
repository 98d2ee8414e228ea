//! Per-line accounting, after obligations are read: every non-empty line of the plan is part of
//! an obligation (its source span), the header or the closing (`Nơi nhận`, signature), a section
//! heading, a section that assigns no dated duty (purpose, funding, an unknown section without
//! task fields, the undated general duties of the organisation section), or a warning. Each run of
//! lines that is none of these gets a `text_not_accounted` warning, so a plan read wrongly (items
//! that vanish, text swallowed by a layout the reader does not know) never passes in silence.

use std::collections::HashSet;

use crate::model::{Coverage, Obligation, Schedule, Severity, WarningCode};

use super::structure::{Layout, Node, SectionKind};
use super::text::{fold, Line};
use super::timeline;
use super::Warnings;

/// Why a line is accounted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    /// Before the first section (header, title, preamble) or after the body (closing).
    Frame,
    Heading,
    /// A section that assigns no dated duty.
    NoDutySection,
    Obligation,
    /// A block the reader already warned about.
    Warned,
}

/// A run of unaccounted lines (indices into the line vector).
struct Run {
    first: usize,
    last: usize,
}

/// Accounts for every line, pushes `text_not_accounted` for each unaccounted run, and returns
/// the coverage figure.
pub(crate) fn account(
    lines: &[Line],
    lay: &Layout,
    obligations: &[Obligation],
    w: &mut Warnings,
) -> Coverage {
    let mut why: Vec<Option<Why>> = vec![None; lines.len()];
    // Line numbers increase along the vector.
    let by_no = |no: u32| lines.binary_search_by_key(&no, |l| l.no).ok();

    // Obligations: their spans and their stages' spans.
    for o in obligations {
        for (start, end) in spans(o) {
            if let (Some(a), Some(b)) = (by_no(start), by_no(end)) {
                set(&mut why, a, b, Why::Obligation);
            }
        }
    }
    // Header, title and preamble; the closing (`Nơi nhận`, signature) up to an appendix. With no
    // sections the whole body was read as a task list, so only the header and title are frame.
    let first_section = lay
        .sections
        .first()
        .map_or(lay.body_start, |s| s.heading.first);
    if first_section > 0 {
        set(&mut why, 0, first_section - 1, Why::Frame);
    }
    let closing_end = lay.appendix.as_ref().map_or(lines.len(), |a| a.heading);
    if lay.body_end < closing_end {
        set(&mut why, lay.body_end, closing_end - 1, Why::Frame);
    }
    // Only warnings a reader must look at account for text; an info says how text was read.
    let warned: HashSet<u32> =
        w.0.iter()
            .filter(|x| x.severity.is_some_and(|s| s >= Severity::Warning))
            .map(|x| x.line)
            .collect();
    // Sections read as tasks are those that gave obligations.
    let read_as_tasks: HashSet<&str> = obligations
        .iter()
        .filter_map(|o| o.id.as_str().split('.').next())
        .collect();
    let appendix_tasks = obligations.iter().any(|o| o.id.as_str().starts_with("PL."));
    if lay.sections.is_empty() {
        table_rows(&lay.preamble, &mut why);
        for r in &lay.preamble_tree {
            mark_parent_headings(r, &mut why);
            mark_warned(r, lines, &warned, &mut why);
        }
    }
    for s in &lay.sections {
        set(&mut why, s.heading.first, s.heading.last, Why::Heading);
        let no_duty = match s.kind {
            SectionKind::Purpose | SectionKind::Funding => true,
            SectionKind::Other => !read_as_tasks.contains(s.numeral.as_str()),
            SectionKind::Tasks | SectionKind::Organisation => false,
        };
        if no_duty {
            for b in &s.blocks {
                set(&mut why, b.first, b.last, Why::NoDutySection);
            }
            continue;
        }
        table_rows(&s.blocks, &mut why);
        for r in &s.tree {
            // "Các nhiệm vụ cụ thể tại Phụ lục kèm theo": a pointer to the appendix that was read.
            if appendix_tasks && r.field.is_none() && fold(&r.block.text).contains("phu luc") {
                set(&mut why, r.block.first, r.block.last, Why::Heading);
            }
            mark_parent_headings(r, &mut why);
            mark_warned(r, lines, &warned, &mut why);
            // General duties of the organisation section without a date are not obligations
            // by design; dated ones not made obligations carry `dated_duty_skipped`.
            if s.kind == SectionKind::Organisation {
                mark_undated(r, &mut why);
            }
        }
    }
    if let Some(super::structure::Appendix { heading, blocks }) = &lay.appendix {
        set(&mut why, *heading, *heading, Why::Heading);
        if appendix_tasks {
            table_rows(blocks, &mut why);
        }
        // Prose of an appendix assigns no duty of its own (its tables are read above).
        for b in blocks.iter().filter(|b| !b.table || !appendix_tasks) {
            set(&mut why, b.first, b.last, Why::Frame);
        }
    }
    // Runs of unaccounted non-empty lines.
    let mut runs: Vec<Run> = Vec::new();
    let mut total = 0u32;
    let mut accounted = 0u32;
    let mut unaccounted_lines = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        // A line without a letter or digit (the closing `/.`, a rule of dashes) carries no
        // words to lose; it counts as blank, wherever a wrap or a page break put it.
        if !l.text.chars().any(char::is_alphanumeric) {
            continue;
        }
        total += 1;
        if why.get(i).copied().flatten().is_some() {
            accounted += 1;
            continue;
        }
        unaccounted_lines.push(l.no);
        let blank_since = |r: &Run| {
            lines.get(r.last + 1..i).is_some_and(|between| {
                between
                    .iter()
                    .all(|x| !x.text.chars().any(char::is_alphanumeric))
            })
        };
        match runs.last_mut() {
            // Blank lines do not end a run; an accounted line does.
            Some(r) if blank_since(r) => r.last = i,
            _ => runs.push(Run { first: i, last: i }),
        }
    }
    for r in &runs {
        let run = lines.get(r.first..=r.last).unwrap_or(&[]);
        let text: Vec<&str> = run
            .iter()
            .filter(|l| l.text.chars().any(char::is_alphanumeric))
            .map(|l| l.raw.as_str())
            .collect();
        let (first_no, last_no) = (
            run.first().map_or(1, |l| l.no),
            run.last().map_or(1, |l| l.no),
        );
        let n = text.len();
        w.push(
            WarningCode::TextNotAccounted,
            first_no,
            format!(
                "{n} line{} of the plan (lines {first_no}–{last_no}) {} part of no obligation, known section or header",
                if n == 1 { "" } else { "s" },
                if n == 1 { "is" } else { "are" },
            ),
            Some(text.join("\n")),
        );
    }
    Coverage {
        lines: total,
        accounted,
        unaccounted_lines,
    }
}

/// Line numbers (first, last) of an obligation's own span and its stages' spans.
fn spans(o: &Obligation) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = o
        .source
        .iter()
        .map(|s| (s.line_start, s.line_end))
        .collect();
    let mut stack: Vec<&Schedule> = vec![&o.schedule];
    while let Some(s) = stack.pop() {
        match s {
            Schedule::Staged { stages } => out.extend(
                stages
                    .iter()
                    .filter_map(|st| st.source.as_ref())
                    .map(|sp| (sp.line_start, sp.line_end)),
            ),
            Schedule::Combined { parts } => stack.extend(parts.iter()),
            _ => {}
        }
    }
    out
}

/// An item heading whose sub-items became obligations is part of them: it gives their title
/// (`II.4` → `II.4.a`, `II.4.b`) or their lead (`1. Công an tỉnh:`). Returns whether the node
/// holds any obligation line.
fn mark_parent_headings(n: &Node, why: &mut [Option<Why>]) -> bool {
    let mut below = false;
    for c in &n.children {
        below |= mark_parent_headings(c, why);
    }
    let own = why
        .get(n.block.first..=n.block.last)
        .is_some_and(|s| s.contains(&Some(Why::Obligation)));
    if below && !own {
        set(why, n.block.first, n.block.last, Why::Obligation);
    }
    below || own
}

/// A node whose first line carries a warning is accounted for, with everything under it.
fn mark_warned(n: &Node, lines: &[Line], warned: &HashSet<u32>, why: &mut [Option<Why>]) {
    if lines
        .get(n.block.first)
        .is_some_and(|l| warned.contains(&l.no))
    {
        set(why, n.block.first, n.last_line(), Why::Warned);
        return;
    }
    for c in &n.children {
        mark_warned(c, lines, warned, why);
    }
}

/// An undated node of the organisation section, with its undated children.
fn mark_undated(n: &Node, why: &mut [Option<Why>]) {
    if timeline::has_deadline(&n.block.text) {
        return;
    }
    set(why, n.block.first, n.block.last, Why::NoDutySection);
    for c in &n.children {
        mark_undated(c, why);
    }
}

/// Table rows that are not tasks (the header row, group rows `I | NHIỆM VỤ CHUNG`) assign no
/// duty; task rows are in obligation spans already.
fn table_rows(blocks: &[super::structure::Block], why: &mut [Option<Why>]) {
    for b in blocks.iter().filter(|b| b.table) {
        set(why, b.first, b.last, Why::Heading);
    }
}

fn set(why: &mut [Option<Why>], first: usize, last: usize, reason: Why) {
    for slot in why.iter_mut().take(last.saturating_add(1)).skip(first) {
        if slot.is_none() {
            *slot = Some(reason);
        }
    }
}
