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
use tuanthu::report::{AssessmentColumn, FlatType, FlatValue};

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

/// One row per obligation instance: the core's flat columns `wanted` (some of
/// [`AssessmentColumn::ALL`], those of the CSV; only these are built), each typed by its
/// [`FlatType`]; `lang` as for the CSV.
pub fn assessments(
    rows: &[Assessment],
    lang: Lang,
    wanted: &[AssessmentColumn],
) -> Result<RecordBatch, ArrowError> {
    let columns = wanted.iter().map(|&c| flat_column(rows, c, lang)).collect();
    let names: Vec<&str> = wanted.iter().map(|c| c.name()).collect();
    batch(&names, columns)
}

/// One flat column of every assessment, as the Arrow array of its type.
fn flat_column(rows: &[Assessment], c: AssessmentColumn, lang: Lang) -> (ArrayRef, DataType) {
    // `value` gives only the column's own type: the other arms of each match are unreachable
    // and left null rather than panicking.
    match c.flat_type() {
        FlatType::Text => {
            let mut b = StringBuilder::with_capacity(rows.len(), rows.len() * 16);
            for a in rows {
                match c.value(a, lang) {
                    FlatValue::Text(t) => b.append_option(t.as_deref()),
                    _ => b.append_null(),
                }
            }
            (Arc::new(b.finish()) as ArrayRef, DataType::Utf8)
        }
        FlatType::Bool => {
            let mut b = BooleanBuilder::with_capacity(rows.len());
            for a in rows {
                b.append_option(match c.value(a, lang) {
                    FlatValue::Bool(v) => Some(v),
                    _ => None,
                });
            }
            (Arc::new(b.finish()) as ArrayRef, DataType::Boolean)
        }
        FlatType::Date => date(rows, |a| match c.value(a, lang) {
            FlatValue::Date(d) => d,
            _ => None,
        }),
        FlatType::Int => int(rows, |a| match c.value(a, lang) {
            FlatValue::Int(n) => n,
            _ => None,
        }),
    }
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
