//! `tuanthu.Submissions`: evidence received, from records, CSV/JSON files or a DataFrame.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyFloat, PyInt, PyList, PyString, PyTuple};
use tuanthu::input::table::{Cell, Layout, RowError};
use tuanthu::model::Submission;

use crate::convert::{date_like, is_pathlike, py_to_json};
use crate::errors::{input_error, input_error_at};
use crate::plan::{list_of, looks_like_json};

pub mod arrow;

/// Submissions as the engine reads them: owned when converted for one call, shared when they
/// come from a `Submissions` object.
pub enum SubmissionsArg {
    Owned(Vec<Submission>),
    Shared(Arc<Vec<Submission>>),
}

impl SubmissionsArg {
    /// The rows, borrowed either way: the engine evaluates borrowed parts, so a shared
    /// `Submissions` is never copied.
    pub fn as_slice(&self) -> &[Submission] {
        match self {
            SubmissionsArg::Owned(v) => v,
            SubmissionsArg::Shared(a) => a,
        }
    }
}

fn read_file(py: Python<'_>, path: PathBuf) -> PyResult<Vec<Submission>> {
    py.detach(|| tuanthu::input::read_submissions(&path))
        .map_err(|e| input_error(py, &e))
}

pub fn is_dataframe(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let ty = obj.get_type();
    let module: String = ty.getattr("__module__")?.extract().unwrap_or_default();
    Ok(module.starts_with("pandas") && obj.hasattr("columns")?)
}

/// Submissions from whatever the caller has: `None`, a `Submissions`, a list of dicts, JSON text,
/// a CSV or JSON file path (`str` or `os.PathLike`), a pandas DataFrame, or any Arrow table or
/// stream (`__arrow_c_stream__`: polars, pyarrow, DuckDB).
pub fn coerce(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<SubmissionsArg> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(SubmissionsArg::Owned(Vec::new()));
    };
    if let Ok(s) = obj.cast::<PySubmissions>() {
        return Ok(SubmissionsArg::Shared(s.get().inner.clone()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?;
        if !looks_like_json(&text) {
            return read_file(py, PathBuf::from(&*text)).map(SubmissionsArg::Owned);
        }
    } else if is_pathlike(obj)? {
        return read_file(py, obj.extract()?).map(SubmissionsArg::Owned);
    } else if is_dataframe(obj)? {
        return from_dataframe(py, obj).map(SubmissionsArg::Owned);
    } else if arrow::is_arrow(obj)? {
        return from_arrow(py, obj).map(SubmissionsArg::Owned);
    }
    from_records(py, obj).map(SubmissionsArg::Owned)
}

/// Submissions from a list of dicts (or JSON text of one) through the core's submissions table,
/// the function JS arrays go through: the same cell rules and the same error object (field
/// `[i].column`) as JS, and the same message as CSV, DataFrames and Arrow.
fn from_records(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Vec<Submission>> {
    let (text, from_text) = if let Ok(s) = obj.cast::<PyString>() {
        (s.to_cow()?.into_owned(), true)
    } else if let Ok(b) = obj.cast::<PyBytes>() {
        let text = std::str::from_utf8(b.as_bytes())
            .map_err(|e| input_error_at(py, RECORDS, None, None, &format!("not UTF-8: {e}")))?;
        (text.to_owned(), true)
    } else {
        (py_to_json(obj, RECORDS)?, false)
    };
    py.detach(|| tuanthu::input::submissions_from_records(RECORDS, &text))
        .map_err(|mut e| {
            // Lines and columns are those of the JSON text we made, not of anything the caller
            // wrote.
            if !from_text {
                e.line = None;
                e.column = None;
            }
            input_error(py, &e)
        })
}

/// The label of records given as Python data or JSON text (`file` of their errors).
const RECORDS: &str = "<submissions>";

/// A pandas cell as it is: `None`, NaN, `pd.NA` and `NaT` are missing; dates (and datetimes,
/// Timestamps: their day) are dates; numbers stay numbers; anything else is its `str()`.
enum PyCell {
    Missing,
    Text(String),
    Int(i64),
    Float(f64),
    Date(chrono::NaiveDate),
}

impl PyCell {
    fn read(obj: &Bound<'_, PyAny>) -> PyResult<PyCell> {
        if obj.is_none() {
            return Ok(PyCell::Missing);
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(PyCell::Text(s.to_cow()?.into_owned()));
        }
        if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>() {
            if let Ok(i) = obj.extract::<i64>() {
                return Ok(PyCell::Int(i));
            }
        }
        if let Ok(f) = obj.cast::<PyFloat>() {
            return Ok(PyCell::Float(f.value()));
        }
        if let Some(d) = date_like(obj)? {
            return Ok(PyCell::Date(d));
        }
        let name = obj.get_type().name()?;
        if matches!(&*name.to_cow()?, "NAType" | "NaTType") {
            return Ok(PyCell::Missing);
        }
        Ok(PyCell::Text(obj.str()?.to_cow()?.into_owned()))
    }

    fn cell(&self) -> Cell<'_> {
        match self {
            PyCell::Missing => Cell::Missing,
            PyCell::Text(t) => Cell::Text(t),
            PyCell::Int(i) => Cell::Int(*i),
            PyCell::Float(f) => Cell::Float(*f),
            PyCell::Date(d) => Cell::Date(*d),
        }
    }
}

/// Builds submissions from a pandas DataFrame: its columns are those of the CSV form (any
/// order; `agency`, `obligation`, `received` required); `received` may hold datetimes, dates or
/// text. The columns and cell rules are the core's submissions table, as for a CSV file.
pub fn from_dataframe(py: Python<'_>, df: &Bound<'_, PyAny>) -> PyResult<Vec<Submission>> {
    let helper = py.import("tuanthu._frames")?;
    let out = helper.call_method1("frame_columns", (df,))?;
    let (cols, index): (Bound<'_, PyList>, Bound<'_, PyList>) = out.extract()?;
    from_columns(py, &cols, &index, "<DataFrame>")
}

/// A table error as `InputError`: `row` is the 0-based row position.
pub fn row_error(py: Python<'_>, source: &str, row: Option<usize>, e: &RowError) -> PyErr {
    let field = (!e.column.is_empty()).then_some(e.column.as_str());
    input_error_at(py, source, row, field, &e.message)
}

/// Submissions from an Arrow table or stream (see [`arrow`]).
pub fn from_arrow(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Vec<Submission>> {
    arrow::read(py, obj)?.map_err(|e| row_error(py, "<Arrow>", e.row, &e.error))
}

fn from_columns(
    py: Python<'_>,
    cols: &Bound<'_, PyList>,
    index: &Bound<'_, PyList>,
    source: &str,
) -> PyResult<Vec<Submission>> {
    let mut names = Vec::with_capacity(cols.len());
    let mut columns = Vec::with_capacity(cols.len());
    for pair in cols.iter() {
        let (name, values): (String, Bound<'_, PyAny>) = pair.extract()?;
        names.push(name);
        columns.push(values.cast_into::<PyList>()?);
    }
    let layout = Layout::from_names(names.iter().map(String::as_str))
        .map_err(|e| row_error(py, source, None, &e))?;
    let with_label = |i: usize, mut e: RowError| -> PyErr {
        // A DataFrame's own index label helps find the row when it is not the position.
        let label = index
            .get_item(i)
            .ok()
            .and_then(|l| l.str().ok().map(|s| s.to_string()))
            .unwrap_or_default();
        if label != i.to_string() {
            e.message = format!("{} (index {label})", e.message);
        }
        row_error(py, source, Some(i), &e)
    };
    let n = index.len();
    let mut out = Vec::with_capacity(n);
    let mut cells: Vec<PyCell> = Vec::with_capacity(columns.len());
    for i in 0..n {
        cells.clear();
        for col in &columns {
            cells.push(PyCell::read(&col.get_item(i)?)?);
        }
        match layout.read_row(|k| cells[k].cell()) {
            Ok(row) => out.extend(row),
            Err(e) => return Err(with_label(i, e)),
        }
    }
    Ok(out)
}

/// Evidence received (reports, documents), ready for `evaluate`. Convert once, evaluate many
/// times (e.g. the same submissions against several `as_of` dates or policies).
#[pyclass(frozen, module = "tuanthu", name = "Submissions")]
pub struct PySubmissions {
    pub inner: Arc<Vec<Submission>>,
}

#[pymethods]
impl PySubmissions {
    /// From a list of dicts (`agency`, `obligation`, `received`, and optionally `stage`,
    /// `period`, `document_number`, `note`) or JSON text of one, read like the rows of a CSV file
    /// (`received` a `datetime.date` or `dd/mm/yyyy` / `yyyy-mm-dd` text). Errors name the record
    /// and the column as `[i].column`.
    #[staticmethod]
    fn from_records(py: Python<'_>, records: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PySubmissions {
            inner: Arc::new(from_records(py, records)?),
        })
    }

    /// From a `.csv` or `.json` file.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        Ok(PySubmissions {
            inner: Arc::new(read_file(py, path)?),
        })
    }

    /// From CSV text (header row: agency, obligation, stage, period, received,
    /// document_number, note).
    #[staticmethod]
    #[pyo3(signature = (text, *, source_name = "<csv>"))]
    fn from_csv(py: Python<'_>, text: &str, source_name: &str) -> PyResult<Self> {
        let v = py
            .detach(|| tuanthu::input::submissions_from_csv(source_name, text))
            .map_err(|e| input_error(py, &e))?;
        Ok(PySubmissions { inner: Arc::new(v) })
    }

    /// From a DataFrame with the CSV's columns: pandas, or anything with the Arrow PyCapsule
    /// interface (polars, pyarrow, DuckDB). `received` may be a date, datetime or text column.
    /// Errors name the row (0-based position) and the column.
    #[staticmethod]
    fn from_dataframe(py: Python<'_>, df: &Bound<'_, PyAny>) -> PyResult<Self> {
        let v = if is_dataframe(df)? || !arrow::is_arrow(df)? {
            from_dataframe(py, df)?
        } else {
            from_arrow(py, df)?
        };
        Ok(PySubmissions { inner: Arc::new(v) })
    }

    /// From any Arrow table, record batch or stream (`__arrow_c_stream__`: polars, pyarrow,
    /// pandas >= 2.2, DuckDB results), read column by column without a Python object per cell.
    /// `received` may be date32, date64, timestamp (a zoned one is read on its zone's clock) or
    /// text; nulls are missing values. Errors name the row (0-based position) and the column.
    #[staticmethod]
    fn from_arrow(py: Python<'_>, table: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PySubmissions {
            inner: Arc::new(from_arrow(py, table)?),
        })
    }

    /// The submissions as a list of dicts (dates are `datetime.date`).
    fn to_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        list_of(py, &self.inner)
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PySubmissions>()
            .is_ok_and(|o| *o.get().inner == *self.inner)
    }

    fn __repr__(&self) -> String {
        format!("Submissions({} rows)", self.inner.len())
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let json = serde_json::to_string(&*self.inner)
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        let restore = py
            .import("tuanthu._tuanthu")?
            .getattr("_restore_submissions")?;
        PyTuple::new(py, [restore, PyTuple::new(py, [json])?.into_any()])
    }
}

#[pyfunction]
pub fn _restore_submissions(py: Python<'_>, json: &str) -> PyResult<PySubmissions> {
    let v: Vec<Submission> =
        tuanthu::input::from_json_str("<submissions>", json).map_err(|e| input_error(py, &e))?;
    Ok(PySubmissions { inner: Arc::new(v) })
}
