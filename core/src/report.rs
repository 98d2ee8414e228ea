//! Rendering a [`Report`] for people (a compliance table) and spreadsheets (CSV).

use std::fmt::Write as _;

use crate::model::format_vi;
use crate::model::{Assessment, Lang, Report, Severity, Status, StatusCounts};

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n > width {
        let cut: String = s.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

fn days_cell(a: &Assessment, lang: Lang) -> String {
    match (a.days_late, a.days_remaining, lang) {
        (Some(n), _, Lang::Vi) => format!("trễ {n}"),
        (Some(n), _, Lang::En) => format!("{n} late"),
        (_, Some(n), Lang::Vi) => format!("còn {n}{}", if a.due_soon { " !" } else { "" }),
        (_, Some(n), Lang::En) => format!("{n} left{}", if a.due_soon { " !" } else { "" }),
        _ => String::new(),
    }
}

fn counts_row(c: &StatusCounts) -> String {
    Status::ALL
        .iter()
        .map(|s| format!("{:>5}", c.get(*s)))
        .collect::<Vec<_>>()
        .join("")
}

/// A plain-text compliance table: instances, then counts per agency and obligation, then findings.
pub fn render_table(report: &Report, lang: Lang) -> String {
    let vi = lang == Lang::Vi;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} — {} {} — {} {}",
        if vi { "Kế hoạch" } else { "Plan" },
        report.plan,
        if vi { "tính đến ngày" } else { "as of" },
        format_vi(report.as_of),
        if vi { "bộ quy tắc" } else { "rule pack" },
        report.rule_pack
    );
    let p = &report.policies;
    let _ = writeln!(
        out,
        "{}: deadline_reading={}, day_off={}, due_soon_days={}\n",
        if vi { "Chính sách" } else { "Policies" },
        p.deadline_reading.as_str(),
        p.day_off.as_str(),
        p.due_soon_days
    );
    let head = if vi {
        [
            "Nhiệm vụ",
            "Cơ quan",
            "Kỳ",
            "Trạng thái",
            "Hạn cuối",
            "Ngày nhận",
            "Số ngày",
        ]
    } else {
        [
            "Task", "Agency", "Period", "Status", "Last day", "Received", "Days",
        ]
    };
    let widths = [9, 38, 16, 18, 10, 10, 9];
    let line = |cells: [&str; 7]| {
        cells
            .iter()
            .zip(widths)
            .map(|(c, w)| pad(c, w))
            .collect::<Vec<_>>()
            .join(" ")
            .trim_end()
            .to_string()
    };
    let _ = writeln!(out, "{}", line(head));
    let _ = writeln!(
        out,
        "{}",
        "─".repeat(widths.iter().sum::<usize>() + widths.len() - 1)
    );
    for a in &report.assessments {
        let id = match &a.stage {
            Some(s) => format!("{}/{s}", a.obligation),
            None => a.obligation.to_string(),
        };
        let period = if vi {
            a.period.label_vi()
        } else {
            a.period.label_en()
        };
        let due = a
            .due
            .as_ref()
            .map(|d| format_vi(d.last_day))
            .unwrap_or_default();
        let rec = a.received.map(format_vi).unwrap_or_default();
        let _ = writeln!(
            out,
            "{}",
            line([
                &id,
                &a.agency,
                &period,
                a.status.short_label(lang),
                &due,
                &rec,
                &days_cell(a, lang)
            ])
        );
    }

    let names: Vec<&str> = Status::ALL.iter().map(|s| s.short_label(lang)).collect();
    let legend = Status::ALL
        .iter()
        .zip(&names)
        .map(|(s, n)| format!("{}={n}", abbreviation(*s)))
        .collect::<Vec<_>>()
        .join(", ");
    let header = Status::ALL
        .iter()
        .map(|s| format!("{:>5}", abbreviation(*s)))
        .collect::<String>();
    let _ = writeln!(
        out,
        "\n{} ({legend})",
        if vi {
            "Tổng hợp theo cơ quan"
        } else {
            "By agency"
        }
    );
    let _ = writeln!(
        out,
        "{}{header}{:>7}",
        pad("", 40),
        if vi { "Tổng" } else { "Total" }
    );
    for (agency, c) in &report.summary.by_agency {
        let _ = writeln!(out, "{}{}{:>7}", pad(agency, 40), counts_row(c), c.total);
    }
    let _ = writeln!(
        out,
        "\n{}",
        if vi {
            "Tổng hợp theo nhiệm vụ"
        } else {
            "By task"
        }
    );
    let _ = writeln!(
        out,
        "{}{header}{:>7}",
        pad("", 40),
        if vi { "Tổng" } else { "Total" }
    );
    for (ob, c) in &report.summary.by_obligation {
        let title = report
            .assessments
            .iter()
            .find(|a| a.obligation.as_str() == ob)
            .map(|a| a.title.as_str())
            .unwrap_or("");
        let _ = writeln!(
            out,
            "{}{}{:>7}",
            pad(&format!("{ob} {title}"), 40),
            counts_row(c),
            c.total
        );
    }
    let t = &report.summary.total;
    let _ = writeln!(
        out,
        "{}{}{:>7}",
        pad(if vi { "Tổng cộng" } else { "Total" }, 40),
        counts_row(t),
        t.total
    );

    if !report.findings.is_empty() {
        let _ = writeln!(out, "\n{}", if vi { "Phát hiện" } else { "Findings" });
        for f in &report.findings {
            let sev = match (f.severity, vi) {
                (Severity::Error, true) => "LỖI",
                (Severity::Warning, true) => "CẢNH BÁO",
                (Severity::Info, true) => "THÔNG TIN",
                (Severity::Error, false) => "ERROR",
                (Severity::Warning, false) => "WARNING",
                (Severity::Info, false) => "INFO",
            };
            let _ = writeln!(out, "  [{sev}] {}: {}", f.rule, f.message(lang));
        }
    }
    out
}

fn abbreviation(s: Status) -> &'static str {
    match s {
        Status::DoneOnTime => "OK",
        Status::DoneLate => "LATE",
        Status::InProgress => "OPEN",
        Status::Overdue => "OVER",
        Status::Ongoing => "CONT",
        Status::NotTriggered => "WAIT",
        Status::Unknown => "?",
    }
}

/// One CSV row per assessment, for spreadsheets.
pub fn render_csv(report: &Report, lang: Lang) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "obligation",
        "title",
        "agency",
        "period",
        "stage",
        "status",
        "status_label",
        "due_soon",
        "stated_due",
        "last_day",
        "received",
        "document_number",
        "days_late",
        "days_remaining",
        "rules",
        "explanation",
    ])?;
    for a in &report.assessments {
        let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        w.write_record([
            a.obligation.as_str(),
            &a.title,
            &a.agency,
            &a.period.to_string(),
            a.stage.as_deref().unwrap_or(""),
            a.status.as_str(),
            a.status.label(lang),
            if a.due_soon { "true" } else { "false" },
            &a.due
                .as_ref()
                .map(|d| d.stated.to_string())
                .unwrap_or_default(),
            &a.due
                .as_ref()
                .map(|d| d.last_day.to_string())
                .unwrap_or_default(),
            &a.received.map(|d| d.to_string()).unwrap_or_default(),
            a.document_number.as_deref().unwrap_or(""),
            &opt(a.days_late),
            &opt(a.days_remaining),
            &a.rules.join(" "),
            match lang {
                Lang::Vi => &a.explanation_vi,
                Lang::En => &a.explanation_en,
            },
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
