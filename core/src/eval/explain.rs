//! Assessments with explanations that point back to the plan's own words.

use chrono::NaiveDate;

use super::expand::Instance;
use crate::model::{Assessment, Lang, Obligation, SourceSpan, Status, Submission};
use crate::rules::date::format_vi;

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

    let mut vi = vec![status.label(Lang::Vi).to_string()];
    let mut en = vec![status.label(Lang::En).to_string()];
    if due_soon {
        vi.push("sắp đến hạn".into());
        en.push("due soon".into());
    }
    if let Some((nv, ne)) = &inst.note {
        vi.push(nv.clone());
        en.push(ne.clone());
    }
    match status {
        Status::Unknown if !classified => {
            vi.push("không quy tắc nào phân loại được".into());
            en.push("no rule classified this instance".into());
        }
        Status::Unknown if inst.schedule == "unparsed" => {
            let t = inst.phrase.as_deref().unwrap_or("");
            vi.push(format!("không hiểu được thời hạn “{t}”: cần người xem xét"));
            en.push(format!("timeline not understood “{t}”: needs a person"));
        }
        Status::Unknown if inst.party.group.is_some() => {
            vi.push(format!(
                "nhóm “{}” chưa được liệt kê thành cơ quan cụ thể: cần danh mục cơ quan (registry)",
                inst.party.name
            ));
            en.push(format!(
                "group “{}” not expanded into agencies: supply an agency registry",
                inst.party.name
            ));
        }
        Status::Unknown if inst.due.is_none() => {
            vi.push("kế hoạch không nêu hạn".into());
            en.push("the plan states no due date".into());
        }
        Status::Ongoing => {
            vi.push(format!(
                "{}; đánh giá qua báo cáo định kỳ",
                inst.period.label_vi()
            ));
            en.push(format!(
                "{}; assessed through the periodic report",
                inst.period.label_en()
            ));
        }
        _ => {}
    }
    if let Some(d) = &inst.due {
        vi.push(format!("hạn: {}", d.derivation_vi));
        en.push(format!("due: {}", d.derivation_en));
    }
    if let Some(e) = evidence {
        let doc = e
            .document_number
            .as_deref()
            .map(|n| format!(", số {n}"))
            .unwrap_or_default();
        let doc_en = e
            .document_number
            .as_deref()
            .map(|n| format!(", no. {n}"))
            .unwrap_or_default();
        vi.push(format!("nhận ngày {}{doc}", format_vi(e.received)));
        en.push(format!("received {}{doc_en}", format_vi(e.received)));
    }
    match (days_late, days_remaining) {
        (Some(n), _) => {
            vi.push(format!("trễ {n} ngày"));
            en.push(format!("{n} day(s) late"));
        }
        (_, Some(n)) => {
            vi.push(format!("còn {n} ngày"));
            en.push(format!("{n} day(s) left"));
        }
        _ => {}
    }
    if !rules.is_empty() {
        vi.push(format!("quy tắc: {}", rules.join(", ")));
        en.push(format!("rules: {}", rules.join(", ")));
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
        vi.push(format!("kế hoạch, {lines_vi}: “{q}”"));
        en.push(format!("plan, {lines_en}: “{q}”"));
    }

    Assessment {
        obligation: obligation.id.clone(),
        title: obligation.title.clone(),
        agency: inst.party.name.clone(),
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
        explanation_vi: vi.join("; ") + ".",
        explanation_en: en.join("; ") + ".",
        source: obligation.source.clone(),
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
