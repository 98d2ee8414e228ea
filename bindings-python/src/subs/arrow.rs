//! Submissions, and a plan's obligations, from any Arrow producer (polars, pyarrow,
//! pandas >= 2.2, DuckDB results) through the Arrow PyCapsule interface. Columns are read as
//! whole arrays, never a Python object per cell, and every cell goes through the core's
//! submissions table
//! ([`tuanthu::input::table`]) or obligations table ([`tuanthu::input::obligations`]), so the
//! rules and messages are those of a CSV file.

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type};
use arrow_array::{
    Array, ArrayRef, Date32Array, Float64Array, Int64Array, LargeStringArray, RecordBatchReader,
    StringArray, StringViewArray,
};
use arrow_schema::{ArrowError, DataType};
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;
use tuanthu::input::obligations::{ObligationColumn, ObligationLayout, Obligations};
use tuanthu::input::table::{Cell, Column, ColumnKind, Layout, RowError};
use tuanthu::model::Submission;

/// Whether `obj` offers the Arrow PyCapsule interface (a stream, or one record batch).
pub fn is_arrow(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(obj.hasattr("__arrow_c_stream__")? || obj.hasattr("__arrow_c_array__")?)
}

/// A failure while reading: the row position (0-based, across batches) when it is a cell's.
pub struct ArrowReadError {
    pub row: Option<usize>,
    pub error: RowError,
}

fn table_error(message: String) -> ArrowReadError {
    ArrowReadError {
        row: None,
        error: RowError {
            column: String::new(),
            message,
        },
    }
}

/// A table of the core's [`tuanthu::input`] read from Arrow: its layout from the field names,
/// and the name and kind of each column it found, so each column's type is checked once.
pub trait ArrowLayout: Sized {
    fn from_names(names: &[&str]) -> Result<Self, RowError>;
    /// `(position, name, kind)` of every column of the table the source has.
    fn columns(&self) -> Vec<(usize, &'static str, ColumnKind)>;
}

impl ArrowLayout for Layout {
    fn from_names(names: &[&str]) -> Result<Self, RowError> {
        Layout::from_names(names.iter().copied())
    }

    fn columns(&self) -> Vec<(usize, &'static str, ColumnKind)> {
        Column::ALL
            .into_iter()
            .filter_map(|c| self.position(c).map(|i| (i, c.name(), c.kind())))
            .collect()
    }
}

impl ArrowLayout for ObligationLayout {
    fn from_names(names: &[&str]) -> Result<Self, RowError> {
        ObligationLayout::from_names(names.iter().copied())
    }

    fn columns(&self) -> Vec<(usize, &'static str, ColumnKind)> {
        ObligationColumn::ALL
            .into_iter()
            .filter_map(|c| self.position(c).map(|i| (i, c.name(), c.kind())))
            .collect()
    }
}

/// Reads the submissions of an Arrow stream or batch. The GIL is released while the batches are
/// read and converted.
pub fn read(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
) -> PyResult<Result<Vec<Submission>, ArrowReadError>> {
    let reader = obj.extract::<AnyRecordBatch>()?.into_reader()?;
    Ok(py.detach(move || {
        let out = std::cell::RefCell::new(Vec::new());
        read_stream(
            reader,
            |rows| out.borrow_mut().reserve(rows),
            |layout: &Layout, _row, cell| {
                out.borrow_mut().extend(layout.read_row(cell)?);
                Ok(())
            },
        )?;
        Ok(out.into_inner())
    }))
}

/// Reads a plan's obligations from an Arrow stream or batch (the core's obligations table),
/// refusing a second row with an id already read. The GIL is released meanwhile.
pub fn read_obligations(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
) -> PyResult<Result<Obligations, ArrowReadError>> {
    let reader = obj.extract::<AnyRecordBatch>()?.into_reader()?;
    Ok(py.detach(move || {
        let out = std::cell::RefCell::new(Obligations::default());
        read_stream(
            reader,
            |rows| out.borrow_mut().reserve(rows),
            |layout: &ObligationLayout, row, cell| match layout.read_row(cell)? {
                Some(o) => out.borrow_mut().push(row, o),
                None => Ok(()),
            },
        )?;
        Ok(out.into_inner())
    }))
}

/// Every row of a stream through `row(layout, 0-based row position, cell)`, each batch's rows
/// announced to `reserve` first (what they are read into grows once per batch, not row by row).
fn read_stream<L: ArrowLayout>(
    reader: Box<dyn RecordBatchReader + Send>,
    mut reserve: impl FnMut(usize),
    mut row: impl for<'r> FnMut(&L, usize, &dyn Fn(usize) -> Cell<'r>) -> Result<(), RowError>,
) -> Result<(), ArrowReadError> {
    let schema = reader.schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let layout = L::from_names(&names).map_err(|error| ArrowReadError { row: None, error })?;
    // Each column's type is checked once, before any row, so a wrong type is one clear error.
    for (i, name, kind) in layout.columns() {
        check_type(name, kind, schema.field(i).data_type())
            .map_err(|error| ArrowReadError { row: None, error })?;
    }
    let mut first_row = 0;
    for batch in reader {
        let batch = batch.map_err(|e| table_error(format!("cannot read the Arrow stream: {e}")))?;
        let arrays: Vec<Option<ArrayRef>> = batch
            .columns()
            .iter()
            .map(normalise)
            .collect::<Result<_, _>>()
            .map_err(|e| table_error(format!("cannot read the Arrow stream: {e}")))?;
        let columns: Vec<Values<'_>> = arrays.iter().map(|a| Values::new(a.as_ref())).collect();
        reserve(batch.num_rows());
        for i in 0..batch.num_rows() {
            let cell = |k: usize| columns[k].cell(i);
            row(&layout, first_row + i, &cell).map_err(|error| ArrowReadError {
                row: Some(first_row + i),
                error,
            })?;
        }
        first_row += batch.num_rows();
    }
    Ok(())
}

/// The Arrow types a column of this kind accepts.
fn check_type(name: &str, kind: ColumnKind, t: &DataType) -> Result<(), RowError> {
    let ok = match kind {
        ColumnKind::Date => is_text(t) || is_temporal(t),
        ColumnKind::Text | ColumnKind::Period => is_text(t) || is_number(t),
    };
    if ok || *t == DataType::Null {
        return Ok(());
    }
    let expected = match kind {
        ColumnKind::Date => "a date (date32, date64, timestamp) or text such as 2026-11-15",
        ColumnKind::Period => "text such as 2026-Q3, or a year as an integer",
        ColumnKind::Text => "text",
    };
    Err(RowError {
        column: name.to_string(),
        message: format!("a column of Arrow type {t} cannot be read here: expected {expected}"),
    })
}

fn is_text(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => is_text(v),
        _ => false,
    }
}

fn is_number(t: &DataType) -> bool {
    t.is_integer() || t.is_floating()
}

fn is_temporal(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _)
    )
}

/// One column of a batch as an array of the type its cells are read from (integers widened to
/// `Int64`, floats to `Float64`, dates and timestamps cast to `Date32`, dictionaries decoded):
/// made once per batch, so reading a cell is an index, not a type dispatch.
fn normalise(a: &ArrayRef) -> Result<Option<ArrayRef>, ArrowError> {
    let t = a.data_type();
    Ok(Some(match t {
        DataType::Null => return Ok(None),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => a.clone(),
        DataType::Int64 | DataType::Float64 | DataType::Date32 => a.clone(),
        DataType::Dictionary(_, _) => cast(a, &DataType::LargeUtf8)?,
        // A timestamp with a time zone is read as the day on that zone's wall clock.
        DataType::Date64 | DataType::Timestamp(_, _) => cast(a, &DataType::Date32)?,
        _ if t.is_integer() => cast(a, &DataType::Int64)?,
        _ if t.is_floating() => cast(a, &DataType::Float64)?,
        // Refused by `check_type` before any batch is read.
        _ => return Ok(None),
    }))
}

fn cast(a: &ArrayRef, to: &DataType) -> Result<ArrayRef, ArrowError> {
    arrow_cast::cast(a.as_ref(), to)
}

/// A normalised column, borrowed as its concrete array type.
enum Values<'a> {
    Missing,
    Utf8(&'a StringArray),
    LargeUtf8(&'a LargeStringArray),
    View(&'a StringViewArray),
    Int(&'a Int64Array),
    Float(&'a Float64Array),
    Date(&'a Date32Array),
}

impl<'a> Values<'a> {
    fn new(a: Option<&'a ArrayRef>) -> Values<'a> {
        let Some(a) = a else {
            return Values::Missing;
        };
        match a.data_type() {
            DataType::Utf8 => Values::Utf8(a.as_string::<i32>()),
            DataType::LargeUtf8 => Values::LargeUtf8(a.as_string::<i64>()),
            DataType::Utf8View => Values::View(a.as_string_view()),
            DataType::Int64 => Values::Int(a.as_primitive::<Int64Type>()),
            DataType::Float64 => Values::Float(a.as_primitive::<Float64Type>()),
            DataType::Date32 => Values::Date(a.as_primitive::<Date32Type>()),
            _ => Values::Missing,
        }
    }

    fn cell(&self, i: usize) -> Cell<'a> {
        match *self {
            Values::Missing => Cell::Missing,
            Values::Utf8(a) if a.is_valid(i) => Cell::Text(a.value(i)),
            Values::LargeUtf8(a) if a.is_valid(i) => Cell::Text(a.value(i)),
            Values::View(a) if a.is_valid(i) => Cell::Text(a.value(i)),
            Values::Int(a) if a.is_valid(i) => Cell::Int(a.value(i)),
            Values::Float(a) if a.is_valid(i) => Cell::Float(a.value(i)),
            Values::Date(a) if a.is_valid(i) => match a.value_as_date(i) {
                Some(d) => Cell::Date(d),
                None => Cell::Missing,
            },
            _ => Cell::Missing,
        }
    }
}
