//! Assessments with explanations that point back to the plan's own words.

use chrono::NaiveDate;

use super::expand::Instance;
use crate::model::{Assessment, Lang, Obligation, SourceSpan, Status, Submission};
use crate::rules::text;

pub(crate) fn assess(
    inst: &Instance,
    obligation: &Obligation,
    evidence: Option<&Submission>,
    status: Option<Status>,
    due_soon: bool,
    rules: Vec<String>,
    as_of: NaiveDate,
) -> Assessment {
    let classified = status.is_some();
    let status = status.unwrap_or(Status::Unknown);
    let last = inst.due.as_ref().map(|d| d.last_day);
    let days_late = match (status, last, evidence) {
        (Status::DoneLate, Some(l), Some(e)) => Some((e.received - l).num_days()),
        (Status::Overdue, Some(l), _) => Some((as_of - l).num_days()),
        _ => None,
    };
    let days_remaining = match (status, last) {
        (Status::InProgress, Some(l)) => Some((l - as_of).num_days()),
        _ => None,
    };

    // One buffer per language: explanations are written for every instance.
    let mut vi = Sentence::new(status.label(Lang::Vi));
    let mut en = Sentence::new(status.label(Lang::En));
    if due_soon {
        vi.part("sắp đến hạn");
        en.part("due soon");
    }
    if let Some((nv, ne)) = inst.note.as_deref() {
        vi.part(nv);
        en.part(ne);
    }
    match status {
        Status::Unknown if !classified => {
            vi.part("không quy tắc nào phân loại được");
            en.part("no rule classified this instance");
        }
        Status::Unknown if inst.schedule == "unparsed" => {
            let t = inst.phrase.as_deref().unwrap_or("");
            vi.part(&format!(
                "không hiểu được thời hạn “{t}”: cần người xem xét"
            ));
            en.part(&format!("timeline not understood “{t}”: needs a person"));
        }
        Status::Unknown if inst.party.group.is_some() => {
            let g = &inst.party.name;
            vi.part(&format!(
                "nhóm “{g}” chưa được liệt kê thành cơ quan cụ thể: cần danh mục cơ quan (registry)"
            ));
            en.part(&format!(
                "group “{g}” not expanded into agencies: supply an agency registry"
            ));
        }
        Status::Unknown if inst.due.is_none() => {
            vi.part("kế hoạch không nêu hạn");
            en.part("the plan states no due date");
        }
        Status::Ongoing => {
            vi.part(&inst.period.label_vi());
            vi.more("; đánh giá qua báo cáo định kỳ");
            en.part(&inst.period.label_en());
            en.more("; assessed through the periodic report");
        }
        _ => {}
    }
    if let Some(d) = &inst.due {
        vi.part("hạn: ");
        vi.more(&d.derivation_vi);
        en.part("due: ");
        en.more(&d.derivation_en);
    }
    if let Some(e) = evidence {
        vi.part("nhận ngày ");
        vi.date(e.received);
        en.part("received ");
        en.date(e.received);
        if let Some(n) = &e.document_number {
            vi.more(", số ");
            vi.more(n);
            en.more(", no. ");
            en.more(n);
        }
    }
    match (days_late, days_remaining) {
        (Some(n), _) => {
            vi.part("trễ ");
            vi.int(n);
            vi.more(" ngày");
            en.part("");
            en.int(n);
            en.more(" day(s) late");
        }
        (_, Some(n)) => {
            vi.part("còn ");
            vi.int(n);
            vi.more(" ngày");
            en.part("");
            en.int(n);
            en.more(" day(s) left");
        }
        _ => {}
    }
    if !rules.is_empty() {
        vi.part("quy tắc: ");
        en.part("rules: ");
        for (k, r) in rules.iter().enumerate() {
            let sep = if k == 0 { "" } else { ", " };
            vi.more(sep);
            vi.more(r);
            en.more(sep);
            en.more(r);
        }
    }
    if let Some(src) = &obligation.source {
        let q = quote(src, inst.phrase.as_deref());
        let (lines_vi, lines_en) = if src.line_start == src.line_end {
            (
                format!("dòng {}", src.line_start),
                format!("line {}", src.line_start),
            )
        } else {
            (
                format!("dòng {}–{}", src.line_start, src.line_end),
                format!("lines {}–{}", src.line_start, src.line_end),
            )
        };
        vi.part(&format!("kế hoạch, {lines_vi}: “{q}”"));
        en.part(&format!("plan, {lines_en}: “{q}”"));
    }

    Assessment {
        obligation: obligation.id.clone(),
        title: obligation.title.clone(),
        agency: String::from(&*inst.party.name),
        period: inst.period.clone(),
        stage: inst.stage.clone(),
        status,
        due_soon,
        due: inst.due.clone(),
        received: evidence.map(|e| e.received),
        document_number: evidence.and_then(|e| e.document_number.clone()),
        days_late,
        days_remaining,
        rules,
        explanation_vi: vi.finish(),
        explanation_en: en.finish(),
        source: obligation.source.clone(),
    }
}

/// Clauses joined by "; " and closed with ".".
struct Sentence(String);

impl Sentence {
    fn new(first: &str) -> Self {
        let mut s = String::with_capacity(256);
        s.push_str(first);
        Sentence(s)
    }
    /// A new clause.
    fn part(&mut self, text: &str) {
        self.0.push_str("; ");
        self.0.push_str(text);
    }
    /// More of the current clause.
    fn more(&mut self, text: &str) {
        self.0.push_str(text);
    }
    /// A number, as `{n}` writes it.
    fn int(&mut self, n: i64) {
        text::push_int(&mut self.0, n);
    }
    /// A date, as [`crate::model::format_vi`] writes it.
    fn date(&mut self, d: NaiveDate) {
        text::push_date_vi(&mut self.0, d);
    }
    fn finish(mut self) -> String {
        self.0.push('.');
        self.0
    }
}

/// The sentence of the source that holds the timing phrase, else the first line; trimmed of
/// Markdown emphasis and shortened to a readable length.
fn quote(src: &SourceSpan, phrase: Option<&str>) -> String {
    let clean = |s: &str| s.replace("**", "").replace('*', "").trim().to_string();
    let text = clean(&src.text);
    let sentence = phrase
        .map(clean)
        .filter(|p| !p.is_empty())
        .and_then(|p| {
            text.split(['\n', ';'])
                .flat_map(|line| line.split(". "))
                .find(|s| s.contains(p.as_str()))
                .map(str::to_string)
        })
        .unwrap_or_else(|| text.lines().next().unwrap_or("").to_string());
    shorten(sentence.trim(), 240)
}

fn shorten(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max_chars).collect();
        format!("{}…", cut.trim_end())
    }
}
