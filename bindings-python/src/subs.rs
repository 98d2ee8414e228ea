//! `tuanthu.Submissions`: evidence received, from records, CSV/JSON files or a DataFrame.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyList, PyString, PyTuple};
use tuanthu::model::{ObligationId, Period, Submission};

use crate::convert::{date_like, is_pathlike};
use crate::errors::{input_error, input_error_at};
use crate::plan::{list_of, looks_like_json, parse_input};

const COLUMNS: [&str; 7] = [
    "agency",
    "obligation",
    "stage",
    "period",
    "received",
    "document_number",
    "note",
];

/// Submissions as the engine reads them: owned when converted for one call, shared when they
/// come from a `Submissions` object.
pub enum SubmissionsArg {
    Owned(Vec<Submission>),
    Shared(Arc<Vec<Submission>>),
}

impl SubmissionsArg {
    pub fn into_vec(self) -> Vec<Submission> {
        match self {
            SubmissionsArg::Owned(v) => v,
            SubmissionsArg::Shared(a) => Arc::try_unwrap(a).unwrap_or_else(|a| (*a).clone()),
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
/// a CSV or JSON file path (`str` or `os.PathLike`), or a pandas DataFrame.
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
    }
    parse_input::<Vec<Submission>>(py, obj, "<submissions>").map(SubmissionsArg::Owned)
}

/// Text of a cell: `None`, NaN, `pd.NA` and blank text are missing; numbers become text
/// (`2026.0` → `2026`, as a period column with gaps holds floats).
fn cell_text(obj: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if obj.is_none() {
        return Ok(None);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let t = s.to_cow()?;
        let t = t.trim();
        return Ok((!t.is_empty()).then(|| t.to_string()));
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(Some(obj.str()?.to_cow()?.to_string()));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(Some(obj.str()?.to_cow()?.to_string()));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        if v.is_nan() {
            return Ok(None);
        }
        if v.fract() == 0.0 && v.abs() < 1e15 {
            return Ok(Some(format!("{}", v as i64)));
        }
        return Ok(Some(v.to_string()));
    }
    let name = obj.get_type().name()?;
    let name = name.to_cow()?;
    if name == "NAType" || name == "NaTType" {
        return Ok(None);
    }
    let t = obj.str()?.to_cow()?.trim().to_string();
    Ok((!t.is_empty()).then_some(t))
}

/// Builds submissions from a DataFrame: its columns are those of the CSV form (any order;
/// `agency`, `obligation`, `received` required); `received` may hold datetimes, dates or text.
pub fn from_dataframe(py: Python<'_>, df: &Bound<'_, PyAny>) -> PyResult<Vec<Submission>> {
    let helper = py.import("tuanthu._frames")?;
    let out = helper.call_method1("frame_columns", (df,))?;
    let (cols, index): (Bound<'_, PyList>, Bound<'_, PyList>) = out.extract()?;
    from_columns(py, &cols, &index, "<DataFrame>")
}

fn from_columns(
    py: Python<'_>,
    cols: &Bound<'_, PyList>,
    index: &Bound<'_, PyList>,
    source: &str,
) -> PyResult<Vec<Submission>> {
    let n = index.len();
    let mut columns: [Option<Bound<'_, PyList>>; 7] = Default::default();
    for pair in cols.iter() {
        let (name, values): (String, Bound<'_, PyAny>) = pair.extract()?;
        let Some(k) = COLUMNS.iter().position(|c| *c == name) else {
            return Err(input_error_at(
                py,
                source,
                None,
                Some(&name),
                &format!("unknown column; expected some of: {}", COLUMNS.join(", ")),
            ));
        };
        if columns[k].is_some() {
            return Err(input_error_at(
                py,
                source,
                None,
                Some(&name),
                "column appears twice",
            ));
        }
        columns[k] = Some(values.cast_into::<PyList>()?);
    }
    for req in ["agency", "obligation", "received"] {
        let k = COLUMNS.iter().position(|c| *c == req).unwrap_or(0);
        if columns[k].is_none() {
            return Err(input_error_at(
                py,
                source,
                None,
                Some(req),
                "required column is missing",
            ));
        }
    }
    let row_err = |i: usize, field: &str, message: String| -> PyErr {
        let label = index
            .get_item(i)
            .ok()
            .and_then(|l| l.str().ok().map(|s| s.to_string()))
            .unwrap_or_default();
        let message = if label == i.to_string() {
            message
        } else {
            format!("{message} (index {label})")
        };
        input_error_at(py, source, Some(i), Some(field), &message)
    };
    let mut out = Vec::with_capacity(n);
    let mut cells: [Option<Bound<'_, PyAny>>; 7] = Default::default();
    for i in 0..n {
        for (k, col) in columns.iter().enumerate() {
            cells[k] = match col {
                Some(c) => Some(c.get_item(i)?),
                None => None,
            };
        }
        let text = |k: usize| -> PyResult<Option<String>> {
            match &cells[k] {
                Some(c) => cell_text(c),
                None => Ok(None),
            }
        };
        let texts: Vec<Option<String>> = (0..7)
            .map(|k| if k == 4 { Ok(None) } else { text(k) })
            .collect::<PyResult<_>>()?;
        let received_cell = cells[4].as_ref();
        let received_missing = match received_cell {
            Some(c) => cell_text(c)?.is_none() && date_like(c)?.is_none(),
            None => true,
        };
        if texts.iter().all(Option::is_none) && received_missing {
            continue;
        }
        let required = |k: usize| {
            texts[k]
                .clone()
                .ok_or_else(|| row_err(i, COLUMNS[k], "required value is empty".into()))
        };
        let agency = required(0)?;
        let obligation = required(1)?;
        let received = match received_cell {
            _ if received_missing => {
                return Err(row_err(i, "received", "required value is empty".into()))
            }
            Some(c) => match date_like(c)? {
                Some(d) => d,
                None => {
                    let t = cell_text(c)?.unwrap_or_default();
                    tuanthu::model::parse_date_text(&t).ok_or_else(|| {
                        row_err(
                            i,
                            "received",
                            format!("'{t}' is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)"),
                        )
                    })?
                }
            },
            None => return Err(row_err(i, "received", "required value is empty".into())),
        };
        let period = match &texts[3] {
            None => None,
            Some(p) => Some(
                p.parse::<Period>()
                    .map_err(|e| row_err(i, "period", e.to_string()))?,
            ),
        };
        out.push(Submission {
            agency,
            obligation: ObligationId::new(obligation),
            stage: texts[2].clone(),
            period,
            received,
            document_number: texts[5].clone(),
            note: texts[6].clone(),
        });
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
    /// `period`, `document_number`, `note`) or JSON text.
    #[staticmethod]
    fn from_records(py: Python<'_>, records: &Bound<'_, PyAny>) -> PyResult<Self> {
        let v = parse_input::<Vec<Submission>>(py, records, "<submissions>")?;
        Ok(PySubmissions { inner: Arc::new(v) })
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

    /// From a pandas DataFrame with the CSV's columns. `received` may be datetime64, dates or
    /// text. Errors name the row (0-based position) and the column.
    #[staticmethod]
    fn from_dataframe(py: Python<'_>, df: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PySubmissions {
            inner: Arc::new(from_dataframe(py, df)?),
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
