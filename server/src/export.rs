//! A report in the forms people open: filtered contract JSON, CSV with a BOM (so Excel reads
//! Vietnamese as UTF-8), and .xlsx (a summary sheet agency × obligation, one sheet per
//! obligation). Every form is deterministic: the same report gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use serde::{Deserialize, Serialize};
use tuanthu::api::to_canonical_json;
use tuanthu::model::{fine_key, fold_key, Lang, Report, Status, StatusCounts, Summary};

/// Which part of a report to keep. Agency names compare case- and accent-insensitively
/// after the registry's canonical name (see `canonical`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Filter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obligation: Option<String>,
}

/// Keeps the assessments (and findings) the filter selects, and recounts the summary.
pub fn filter(mut report: Report, f: &Filter) -> Report {
    if f == &Filter::default() {
        return report;
    }
    // The agency asked for: its fold key, and its diacritics where it has some, so that "xã Tân
    // An" does not bring "xã Tân Ân" along (a name typed without them selects both).
    let agency = f.agency.as_deref().map(|q| (fold_key(q), fine_key(q)));
    let named = |name: &str| {
        agency.as_ref().is_none_or(|(key, fine)| {
            fold_key(name) == *key
                && (fine.is_none() || fine_key(name).is_none_or(|g| Some(g) == *fine))
        })
    };
    report.assessments.retain(|a| {
        named(&a.agency)
            && f.status.is_none_or(|s| a.status == s)
            && f.obligation
                .as_deref()
                .is_none_or(|o| a.obligation.as_str() == o)
    });
    // Findings about another agency or obligation go; those about the plan as a whole stay.
    report.findings.retain(|x| {
        x.agency.as_deref().is_none_or(named)
            && f.obligation
                .as_deref()
                .is_none_or(|o| x.obligation.as_ref().is_none_or(|xo| xo.as_str() == o))
    });
    report.summary = summarize(&report);
    report
}

/// The summary of a (filtered) report, counted as the engine counts it.
fn summarize(report: &Report) -> Summary {
    let mut s = Summary::default();
    for a in &report.assessments {
        s.total.add(a.status);
        s.by_agency
            .entry(a.agency.clone())
            .or_default()
            .add(a.status);
        s.by_obligation
            .entry(a.obligation.as_arc().clone())
            .or_default()
            .add(a.status);
    }
    for x in &report.findings {
        *s.findings_by_severity
            .entry(x.severity.as_str().to_string())
            .or_default() += 1;
    }
    s
}

/// The contract's JSON (canonical form).
pub fn json(report: &Report) -> Vec<u8> {
    to_canonical_json(report).into_bytes()
}

/// The core's CSV with a UTF-8 byte-order mark.
pub fn csv(report: &Report, lang: Lang) -> Result<Vec<u8>, csv::Error> {
    let body = tuanthu::report::render_csv(report, lang)?;
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend_from_slice(body.as_bytes());
    Ok(out)
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique in the book.
fn sheet_name(base: &str, used: &mut BTreeSet<String>) -> String {
    let clean: String = base
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(28)
        .collect();
    let clean = clean.trim_matches('\'').to_string();
    let clean = if clean.is_empty() {
        "_".to_string()
    } else {
        clean
    };
    let mut name = clean.clone();
    let mut n = 2;
    while !used.insert(name.to_lowercase()) {
        name = format!("{clean}~{n}");
        n += 1;
    }
    name
}

/// A workbook: `Tổng hợp` (agencies down, obligations across, each cell the worst status's
/// label and the instance count) and one sheet per obligation listing its instances.
pub fn xlsx(report: &Report, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // A fixed creation time (the as-of date): the same report gives the same bytes.
    let created = ExcelDateTime::from_ymd(
        u16::try_from(report.as_of.year())
            .map_err(|_| XlsxError::DateTimeRangeError(report.as_of.to_string()))?,
        u8::try_from(report.as_of.month()).unwrap_or(1),
        u8::try_from(report.as_of.day()).unwrap_or(1),
    )?;
    let props = DocProperties::new()
        .set_title(format!("{} — {}", report.plan, report.as_of))
        .set_creation_datetime(&created);
    book.set_properties(&props);
    let bold = Format::new().set_bold();
    let mut used = BTreeSet::new();

    let obligations: Vec<String> = {
        let mut seen = BTreeSet::new();
        report
            .assessments
            .iter()
            .map(|a| a.obligation.as_str().to_string())
            .filter(|o| seen.insert(o.clone()))
            .collect()
    };
    let mut cells: BTreeMap<(String, String), StatusCounts> = BTreeMap::new();
    for a in &report.assessments {
        cells
            .entry((a.agency.to_string(), a.obligation.as_str().to_string()))
            .or_default()
            .add(a.status);
    }
    let agencies: BTreeSet<&String> = cells.keys().map(|(a, _)| a).collect();

    let summary = book.add_worksheet();
    summary.set_name(sheet_name("Tổng hợp", &mut used))?;
    summary.write_string_with_format(0, 0, "Cơ quan / Agency", &bold)?;
    summary.set_column_width(0, 40)?;
    for (j, o) in obligations.iter().enumerate() {
        summary.write_string_with_format(0, col(j + 1)?, o, &bold)?;
    }
    for (i, agency) in agencies.iter().enumerate() {
        let row = row_of(i + 1)?;
        summary.write_string(row, 0, agency.as_str())?;
        for (j, o) in obligations.iter().enumerate() {
            if let Some(c) = cells.get(&((*agency).clone(), o.clone())) {
                summary.write_string(row, col(j + 1)?, cell_text(c, lang))?;
            }
        }
    }

    let headers = [
        "Cơ quan / Agency",
        "Kỳ / Period",
        "Giai đoạn / Stage",
        "Trạng thái / Status",
        "Hạn cuối / Last day",
        "Ngày nhận / Received",
        "Số, ký hiệu / Document",
        "Trễ (ngày) / Days late",
        "Giải thích / Explanation",
    ];
    for o in &obligations {
        let sheet = book.add_worksheet();
        // "NV " (nhiệm vụ) before the id: a name with a space is always quoted in formulas,
        // which also keeps rust_xlsxwriter 0.92 from parsing ids such as "II.3" as a cell
        // reference (its parser overflows on them).
        sheet.set_name(sheet_name(&format!("NV {o}"), &mut used))?;
        for (j, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(0, col(j)?, *h, &bold)?;
        }
        sheet.set_column_width(0, 40)?;
        sheet.set_column_width(8, 80)?;
        let rows = report
            .assessments
            .iter()
            .filter(|a| a.obligation.as_str() == o);
        for (i, a) in rows.enumerate() {
            let r = row_of(i + 1)?;
            sheet.write_string(r, 0, &*a.agency)?;
            sheet.write_string(r, 1, a.period.to_string())?;
            sheet.write_string(r, 2, a.stage.as_deref().unwrap_or(""))?;
            sheet.write_string(r, 3, a.status.label(lang))?;
            if let Some(d) = &a.due {
                sheet.write_string(r, 4, tuanthu::model::format_vi(d.last_day))?;
            }
            if let Some(d) = a.received {
                sheet.write_string(r, 5, tuanthu::model::format_vi(d))?;
            }
            sheet.write_string(r, 6, a.document_number.as_deref().unwrap_or(""))?;
            if let Some(n) = a.days_late {
                // Day counts are small integers: exact in an f64.
                #[allow(clippy::cast_precision_loss)]
                sheet.write_number(r, 7, n as f64)?;
            }
            sheet.write_string(r, 8, a.explanation(lang).text())?;
        }
    }
    book.save_to_buffer()
}

/// The most pressing status among a cell's instances, and how many instances it has.
fn cell_text(c: &StatusCounts, lang: Lang) -> String {
    let order = [
        Status::Overdue,
        Status::DoneLate,
        Status::Unknown,
        Status::InProgress,
        Status::Ongoing,
        Status::NotTriggered,
        Status::DoneOnTime,
    ];
    let worst = order.into_iter().find(|s| c.get(*s) > 0);
    match worst {
        Some(s) if c.total > 1 => format!("{} ({}/{})", s.short_label(lang), c.get(s), c.total),
        Some(s) => s.short_label(lang).to_string(),
        None => String::new(),
    }
}

fn row_of(i: usize) -> Result<u32, XlsxError> {
    u32::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)
}

fn col(j: usize) -> Result<u16, XlsxError> {
    u16::try_from(j).map_err(|_| XlsxError::RowColumnLimitError)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A filter by "xã Tân An" does not bring "xã Tân Ân" along; without diacritics it selects both.
    #[test]
    fn an_agency_filter_tells_diacritic_twins_apart() {
        let req: tuanthu::eval::EvaluationRequest = serde_json::from_value(serde_json::json!({
            "plan": {"id": "p", "title": "t", "obligations": [{
                "id": "II.1", "kind": "task", "title": "t",
                "lead": [{"kind": "agency", "name": "UBND xã Tân An"},
                         {"kind": "agency", "name": "UBND xã Tân Ân"},
                         {"kind": "agency", "name": "Sở Tư pháp"}],
                "schedule": {"type": "once", "deadline": {"date": "2026-04-20", "bound": "before", "text": "trước ngày 20/4/2026"}}
            }]},
            "as_of": "2026-11-23"
        }))
        .unwrap();
        let pack = tuanthu::rules::RulePack::standard().unwrap();
        let report = tuanthu::eval::Evaluator::new(pack).evaluate(&req).unwrap();
        let kept = |q: &str| {
            let f = Filter {
                agency: Some(q.into()),
                ..Filter::default()
            };
            let r = filter(report.clone(), &f);
            r.assessments
                .iter()
                .map(|a| a.agency.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(kept("Ủy ban nhân dân xã Tân An"), ["UBND xã Tân An"]);
        assert_eq!(kept("UBND xã Tân Ân"), ["UBND xã Tân Ân"]);
        assert_eq!(kept("ubnd xa tan an"), ["UBND xã Tân An", "UBND xã Tân Ân"]);
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut used = BTreeSet::new();
        assert_eq!(sheet_name("NV II.3", &mut used), "NV II.3");
        assert_eq!(sheet_name("nv ii.3", &mut used), "nv ii.3~2");
        assert_eq!(sheet_name("a/b:c", &mut used), "a_b_c");
        let long = "x".repeat(40);
        assert!(sheet_name(&long, &mut used).chars().count() <= 31);
    }
}
