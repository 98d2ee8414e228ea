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
            .find(|a| a.obligation.as_str() == &**ob)
            .map(|a| &*a.title)
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

/// A column of the flat per-assessment table: the CSV of [`render_csv`] and the Arrow table of the
/// Python binding (`Report.to_arrow()`) are both these columns, in [`AssessmentColumn::ALL`]'s
/// order, with these names and values; only the encoding differs (CSV text, typed Arrow arrays).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssessmentColumn {
    Obligation,
    Title,
    Agency,
    Period,
    Stage,
    Status,
    /// The status in words, in the table's language.
    StatusLabel,
    DueSoon,
    /// The deadline as the plan states it.
    StatedDue,
    /// The last day that is on time, after the reading and day-off policies.
    LastDay,
    Received,
    DocumentNumber,
    DaysLate,
    DaysRemaining,
    /// The rules that returned a verdict, space-separated.
    Rules,
    /// Why the status is what it is, in the table's language.
    Explanation,
}

/// What a flat column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlatType {
    Text,
    Bool,
    Date,
    Int,
}

/// One cell of the flat table, typed; `None` is an empty cell (CSV) or a null (Arrow).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlatValue<'a> {
    Text(Option<std::borrow::Cow<'a, str>>),
    Bool(bool),
    Date(Option<chrono::NaiveDate>),
    Int(Option<i64>),
}

impl FlatValue<'_> {
    /// The cell as CSV text: dates `yyyy-mm-dd`, booleans `true`/`false`, nothing as empty.
    pub fn to_text(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            FlatValue::Text(t) => t.as_deref().map_or(Cow::Borrowed(""), Cow::Borrowed),
            FlatValue::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            FlatValue::Date(d) => d.map_or(Cow::Borrowed(""), |d| Cow::Owned(d.to_string())),
            FlatValue::Int(n) => n.map_or(Cow::Borrowed(""), |n| Cow::Owned(n.to_string())),
        }
    }
}

impl AssessmentColumn {
    /// Every column, in the table's order.
    pub const ALL: [AssessmentColumn; 16] = [
        AssessmentColumn::Obligation,
        AssessmentColumn::Title,
        AssessmentColumn::Agency,
        AssessmentColumn::Period,
        AssessmentColumn::Stage,
        AssessmentColumn::Status,
        AssessmentColumn::StatusLabel,
        AssessmentColumn::DueSoon,
        AssessmentColumn::StatedDue,
        AssessmentColumn::LastDay,
        AssessmentColumn::Received,
        AssessmentColumn::DocumentNumber,
        AssessmentColumn::DaysLate,
        AssessmentColumn::DaysRemaining,
        AssessmentColumn::Rules,
        AssessmentColumn::Explanation,
    ];

    /// The column's name: the CSV header cell and the Arrow field name.
    pub fn name(self) -> &'static str {
        match self {
            AssessmentColumn::Obligation => "obligation",
            AssessmentColumn::Title => "title",
            AssessmentColumn::Agency => "agency",
            AssessmentColumn::Period => "period",
            AssessmentColumn::Stage => "stage",
            AssessmentColumn::Status => "status",
            AssessmentColumn::StatusLabel => "status_label",
            AssessmentColumn::DueSoon => "due_soon",
            AssessmentColumn::StatedDue => "stated_due",
            AssessmentColumn::LastDay => "last_day",
            AssessmentColumn::Received => "received",
            AssessmentColumn::DocumentNumber => "document_number",
            AssessmentColumn::DaysLate => "days_late",
            AssessmentColumn::DaysRemaining => "days_remaining",
            AssessmentColumn::Rules => "rules",
            AssessmentColumn::Explanation => "explanation",
        }
    }

    /// The type of every value of the column ([`AssessmentColumn::value`] gives only this one).
    pub fn flat_type(self) -> FlatType {
        match self {
            AssessmentColumn::DueSoon => FlatType::Bool,
            AssessmentColumn::StatedDue
            | AssessmentColumn::LastDay
            | AssessmentColumn::Received => FlatType::Date,
            AssessmentColumn::DaysLate | AssessmentColumn::DaysRemaining => FlatType::Int,
            _ => FlatType::Text,
        }
    }

    /// The column's value for one assessment; `lang` chooses the words of the status label and
    /// the explanation.
    pub fn value(self, a: &Assessment, lang: Lang) -> FlatValue<'_> {
        use std::borrow::Cow;
        fn text(t: &str) -> FlatValue<'_> {
            FlatValue::Text(Some(Cow::Borrowed(t)))
        }
        let owned = |t: String| FlatValue::Text(Some(Cow::Owned(t)));
        match self {
            AssessmentColumn::Obligation => text(a.obligation.as_str()),
            AssessmentColumn::Title => text(&a.title),
            AssessmentColumn::Agency => text(&a.agency),
            AssessmentColumn::Period => owned(a.period.to_string()),
            AssessmentColumn::Stage => FlatValue::Text(a.stage.as_deref().map(Cow::Borrowed)),
            AssessmentColumn::Status => text(a.status.as_str()),
            AssessmentColumn::StatusLabel => text(a.status.label(lang)),
            AssessmentColumn::DueSoon => FlatValue::Bool(a.due_soon),
            AssessmentColumn::StatedDue => FlatValue::Date(a.due.as_ref().map(|d| d.stated)),
            AssessmentColumn::LastDay => FlatValue::Date(a.due.as_ref().map(|d| d.last_day)),
            AssessmentColumn::Received => FlatValue::Date(a.received),
            AssessmentColumn::DocumentNumber => {
                FlatValue::Text(a.document_number.as_deref().map(Cow::Borrowed))
            }
            AssessmentColumn::DaysLate => FlatValue::Int(a.days_late),
            AssessmentColumn::DaysRemaining => FlatValue::Int(a.days_remaining),
            AssessmentColumn::Rules => owned(a.rules.join(" ")),
            // Written for the reader: an explanation is not kept written (see `Explanation`).
            AssessmentColumn::Explanation => FlatValue::Text(Some(a.explanation(lang).text())),
        }
    }
}

/// One CSV row per assessment, for spreadsheets: the columns of [`AssessmentColumn::ALL`].
pub fn render_csv(report: &Report, lang: Lang) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(AssessmentColumn::ALL.map(AssessmentColumn::name))?;
    for a in &report.assessments {
        let values = AssessmentColumn::ALL.map(|c| c.value(a, lang));
        let texts = values.each_ref().map(FlatValue::to_text);
        w.write_record(texts.iter().map(|t| t.as_bytes()))?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn the_csv_is_the_flat_columns_with_their_values() {
        use crate::unstable::synth::{province, Shape};
        let shape = Shape {
            agencies: 4,
            obligations: 6,
            years: 2,
            ..Shape::default()
        };
        let request = province(7, shape);
        let report = crate::eval::Evaluator::standard()
            .unwrap()
            .evaluate(&request)
            .unwrap();
        assert!(report.assessments.iter().any(|a| a.received.is_some()));
        assert!(report.assessments.iter().any(|a| a.days_late.is_some()));
        let csv = render_csv(&report, Lang::En).unwrap();
        let mut rows = csv::Reader::from_reader(csv.as_bytes());
        let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header, AssessmentColumn::ALL.map(|c| c.name().to_string()));
        let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), report.assessments.len());
        for (record, a) in records.iter().zip(&report.assessments) {
            for (i, c) in AssessmentColumn::ALL.into_iter().enumerate() {
                assert_eq!(&record[i], c.value(a, Lang::En).to_text(), "{}", c.name());
            }
        }
    }
}
