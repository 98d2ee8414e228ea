//! A report as Arrow record batches, built column by column in Rust (no Python object per row):
//! dates are `date32`, day counts nullable `int64`, the rest text. `Report.to_arrow()`,
//! `to_polars()` and `to_pandas()` hand these to the library the caller chose through the Arrow
//! PyCapsule interface.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Date32Builder, Int64Builder, StringBuilder};
use arrow_array::types::Date32Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use chrono::NaiveDate;
use tuanthu::model::{Assessment, Finding, Lang};

/// The columns of `Report.to_*("assessments")`, one row per obligation instance.
pub const ASSESSMENT_COLUMNS: [&str; 17] = [
    "obligation",
    "title",
    "agency",
    "period",
    "stage",
    "status",
    "status_vi",
    "due_soon",
    "stated_due",
    "due",
    "received",
    "document_number",
    "days_late",
    "days_remaining",
    "rules",
    "explanation_vi",
    "explanation_en",
];

/// The columns of `Report.to_*("findings")`, one row per finding.
pub const FINDING_COLUMNS: [&str; 10] = [
    "rule",
    "severity",
    "obligation",
    "agency",
    "period",
    "stage",
    "submission",
    "field",
    "message_vi",
    "message_en",
];

fn text<'a, T: 'a>(rows: &'a [T], f: impl Fn(&'a T) -> Option<&'a str>) -> (ArrayRef, DataType) {
    let mut b = StringBuilder::with_capacity(rows.len(), rows.len() * 16);
    for r in rows {
        b.append_option(f(r));
    }
    (Arc::new(b.finish()), DataType::Utf8)
}

/// Text computed per row (a period, joined rule ids), written straight into the column.
fn text_owned<T>(rows: &[T], f: impl Fn(&T) -> Option<String>) -> (ArrayRef, DataType) {
    let mut b = StringBuilder::with_capacity(rows.len(), rows.len() * 8);
    for r in rows {
        b.append_option(f(r));
    }
    (Arc::new(b.finish()), DataType::Utf8)
}

fn date<T>(rows: &[T], f: impl Fn(&T) -> Option<NaiveDate>) -> (ArrayRef, DataType) {
    let mut b = Date32Builder::with_capacity(rows.len());
    for r in rows {
        b.append_option(f(r).map(Date32Type::from_naive_date));
    }
    (Arc::new(b.finish()), DataType::Date32)
}

fn int<T>(rows: &[T], f: impl Fn(&T) -> Option<i64>) -> (ArrayRef, DataType) {
    let mut b = Int64Builder::with_capacity(rows.len());
    for r in rows {
        b.append_option(f(r));
    }
    (Arc::new(b.finish()), DataType::Int64)
}

fn batch(names: &[&str], columns: Vec<(ArrayRef, DataType)>) -> Result<RecordBatch, ArrowError> {
    let fields: Vec<Field> = names
        .iter()
        .zip(&columns)
        // Every column nullable, so the schema is the same for every report (tables of several
        // reports concatenate).
        .map(|(n, (_, t))| Field::new(*n, t.clone(), true))
        .collect();
    let arrays = columns.into_iter().map(|(a, _)| a).collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
}

/// One row per obligation instance, columns [`ASSESSMENT_COLUMNS`].
pub fn assessments(rows: &[Assessment]) -> Result<RecordBatch, ArrowError> {
    let mut due_soon = BooleanBuilder::with_capacity(rows.len());
    for a in rows {
        due_soon.append_value(a.due_soon);
    }
    let columns = vec![
        text(rows, |a| Some(a.obligation.as_str())),
        text(rows, |a| Some(&a.title)),
        text(rows, |a| Some(&a.agency)),
        text_owned(rows, |a| Some(a.period.to_string())),
        text(rows, |a| a.stage.as_deref()),
        text(rows, |a| Some(a.status.as_str())),
        text(rows, |a| Some(a.status.label(Lang::Vi))),
        (Arc::new(due_soon.finish()) as ArrayRef, DataType::Boolean),
        date(rows, |a| a.due.as_ref().map(|d| d.stated)),
        date(rows, |a| a.due.as_ref().map(|d| d.last_day)),
        date(rows, |a| a.received),
        text(rows, |a| a.document_number.as_deref()),
        int(rows, |a| a.days_late),
        int(rows, |a| a.days_remaining),
        text_owned(rows, |a| Some(a.rules.join(","))),
        text(rows, |a| Some(&a.explanation_vi)),
        text(rows, |a| Some(&a.explanation_en)),
    ];
    batch(&ASSESSMENT_COLUMNS, columns)
}

/// One row per finding, columns [`FINDING_COLUMNS`].
pub fn findings(rows: &[Finding]) -> Result<RecordBatch, ArrowError> {
    let columns = vec![
        text(rows, |f| Some(&f.rule)),
        text(rows, |f| Some(f.severity.as_str())),
        text(rows, |f| f.obligation.as_ref().map(|o| o.as_str())),
        text(rows, |f| f.agency.as_deref()),
        text_owned(rows, |f| f.period.as_ref().map(|p| p.to_string())),
        text(rows, |f| f.stage.as_deref()),
        int(rows, |f| f.submission.and_then(|s| i64::try_from(s).ok())),
        text(rows, |f| f.field.as_deref()),
        text(rows, |f| Some(&f.message_vi)),
        text(rows, |f| Some(&f.message_en)),
    ];
    batch(&FINDING_COLUMNS, columns)
}
