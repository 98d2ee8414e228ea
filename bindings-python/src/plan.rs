//! `tuanthu.Plan`: an implementation plan as obligations.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use tuanthu::ingest::{parse_plan, read_plan_bytes, ParseOptions, ParseOutcome};
use tuanthu::model::{Plan, Severity};

use crate::convert::{is_pathlike, opt_date, py_to_json, to_py};
use crate::errors::input_error;

/// Parses JSON given as text (`str`/`bytes`) or as Python data (dict, list...). For Python data,
/// errors name the field only (the JSON text they would point into was never written by anyone).
pub fn parse_input<T: serde::de::DeserializeOwned + Send>(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    label: &str,
) -> PyResult<T> {
    let (text, from_text) = if let Ok(s) = obj.cast::<PyString>() {
        (s.to_cow()?.into_owned(), true)
    } else if let Ok(b) = obj.cast::<PyBytes>() {
        let text = std::str::from_utf8(b.as_bytes())
            .map_err(|e| {
                crate::errors::input_error_at(py, label, None, None, &format!("not UTF-8: {e}"))
            })?
            .to_owned();
        (text, true)
    } else {
        (py_to_json(obj, label)?, false)
    };
    let parsed = py.detach(|| tuanthu::input::from_json_str::<T>(label, &text));
    parsed.map_err(|mut e| {
        if !from_text {
            e.line = None;
            e.column = None;
        }
        input_error(py, &e)
    })
}

/// Reads a JSON file of the contract (plan, events, registry).
pub fn read_json_file<T: serde::de::DeserializeOwned + Send>(
    py: Python<'_>,
    path: PathBuf,
) -> PyResult<T> {
    let r = py.detach(|| {
        let text = std::fs::read_to_string(&path).map_err(|e| tuanthu::input::InputError {
            source_name: path.display().to_string(),
            line: None,
            column: None,
            field: None,
            message: format!("cannot read: {e}"),
        })?;
        tuanthu::input::from_json_str::<T>(&path.display().to_string(), &text)
    });
    r.map_err(|e| input_error(py, &e))
}

/// True when a `str` argument is JSON text rather than a file path.
pub fn looks_like_json(s: &str) -> bool {
    matches!(s.trim_start().chars().next(), Some('{' | '['))
}

/// JSON text, Python data, or a file path (`os.PathLike`, or a `str` not starting with `{`/`[`).
pub fn parse_input_or_file<T: serde::de::DeserializeOwned + Send>(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    label: &str,
) -> PyResult<T> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?;
        if !looks_like_json(&text) {
            return read_json_file(py, PathBuf::from(&*text));
        }
    } else if is_pathlike(obj)? {
        return read_json_file(py, obj.extract::<PathBuf>()?);
    }
    parse_input(py, obj, label)
}

/// An implementation plan (Kế hoạch): header facts and obligations.
///
/// Build one with `Plan.from_json` (JSON text or a dict), `Plan.from_file`, or `Plan.from_text` /
/// `Plan.from_text_file` (the plan reader, from the plan's own words). Immutable; pickles as its
/// JSON.
#[pyclass(frozen, module = "tuanthu", name = "Plan")]
pub struct PyPlan {
    pub inner: Arc<Plan>,
}

impl PyPlan {
    pub fn new(plan: Plan) -> Self {
        PyPlan {
            inner: Arc::new(plan),
        }
    }

    /// A `Plan`, or anything `Plan.from_json` / `Plan.from_file` takes.
    pub fn coerce(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Arc<Plan>> {
        if let Ok(p) = obj.cast::<PyPlan>() {
            return Ok(p.get().inner.clone());
        }
        parse_input_or_file::<Plan>(py, obj, "<plan>").map(Arc::new)
    }
}

#[pymethods]
impl PyPlan {
    /// Parses a plan from JSON text (`str` or `bytes`) or from Python data (a `dict`, dates as
    /// `datetime.date` or ISO text). Raises `InputError` naming the line and field.
    #[staticmethod]
    fn from_json(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        if let Ok(p) = data.cast::<PyPlan>() {
            return Ok(PyPlan {
                inner: p.get().inner.clone(),
            });
        }
        parse_input::<Plan>(py, data, "<plan>").map(PyPlan::new)
    }

    /// A plan whose obligations are given as columns: any Arrow table, record batch or stream
    /// (`__arrow_c_stream__`: a pyarrow Table, a polars DataFrame, pandas >= 2.2, DuckDB), one
    /// row per obligation, read column by column without a Python object per cell. Columns
    /// (the core's obligations table, `tuanthu::input::obligations`; any order):
    ///
    /// - `id`, `title`: text; `lead`: the one lead agency (text);
    /// - `deadline`: a date (date32, date64, timestamp) or `dd/mm/yyyy` / `yyyy-mm-dd` text;
    /// - `bound`: `before` (`trước ngày D`) or `no_later_than` (`chậm nhất ngày D`);
    /// - `schedule` (optional): `once`, the only kind one deadline describes.
    ///
    /// Each row is the obligation `{"id", "title", "lead": [{"kind": "agency", "name"}],
    /// "schedule": {"type": "once", "deadline": {"date", "bound"}}}` of the plan JSON; `id` and
    /// `title` name the plan. Nothing is filled in: an empty required cell, an unknown column, a
    /// bound or schedule outside those listed, or a second row with an id already read raises
    /// `InputError` with `.row` (0-based position) and `.field` (the column). Obligations that
    /// need more (several leads, recurring schedules) are given with `Plan.from_json`.
    #[staticmethod]
    #[pyo3(signature = (table, *, id, title))]
    fn from_arrow(
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        id: &str,
        title: &str,
    ) -> PyResult<Self> {
        let obligations = crate::subs::arrow::read_obligations(py, table)?
            .map_err(|e| crate::subs::row_error(py, "<Arrow>", e.row, &e.error))?;
        Ok(PyPlan::new(obligations.into_plan(id, title)))
    }

    /// Reads a plan file: plan JSON (a file whose text starts with `{`), or a plan as issued —
    /// `.txt`/`.md` text, Word `.docx` or `.pdf`, told apart by content — through the plan reader
    /// (as `Plan.from_text_file`; `id` and `strict` apply to those only). A document that cannot
    /// be read (a legacy encoding, a broken or hostile archive, a scanned PDF, no `pdftotext`)
    /// raises `InputError` saying why and what to do.
    #[staticmethod]
    #[pyo3(signature = (path, *, id = None, strict = false))]
    fn from_file(py: Python<'_>, path: PathBuf, id: Option<&str>, strict: bool) -> PyResult<Self> {
        let name = path.display().to_string();
        let bytes = read_bytes(py, &path, &name)?;
        if is_json_document(&bytes) {
            let text = String::from_utf8_lossy(&bytes);
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            return py
                .detach(|| tuanthu::input::from_json_str::<Plan>(&name, text))
                .map(PyPlan::new)
                .map_err(|e| input_error(py, &e));
        }
        read_document(py, &bytes, &name, id, strict)
    }

    /// Reads a plan from its text as issued (plain text or Markdown converted from .docx) with
    /// the plan reader (`tuanthu::ingest::parse_plan`). The reader never fails: what it does not
    /// understand is kept in `plan.warnings` (an unparsed timeline stays as an `unparsed`
    /// schedule, assessed `unknown`). `id` names the plan (default: the stem of `source_name`,
    /// else `plan`). With `strict=True`, a text in which no plan is found (an `error` warning)
    /// raises `InputError` instead.
    #[staticmethod]
    #[pyo3(signature = (text, *, id = None, source_name = None, strict = false))]
    fn from_text(
        py: Python<'_>,
        text: &str,
        id: Option<&str>,
        source_name: Option<&str>,
        strict: bool,
    ) -> PyResult<Self> {
        let options = ParseOptions {
            plan_id: id.unwrap_or_default().to_string(),
            source_name: source_name.map(str::to_string),
        };
        read_text(py, text, &options, strict)
    }

    /// Reads a plan as issued with the plan reader: `.txt`/`.md` text (UTF-8, or UTF-16 with a
    /// byte-order mark), Word `.docx` or `.pdf` (through poppler's `pdftotext`), told apart by
    /// content. The id defaults to the file stem. See `Plan.from_text`.
    #[staticmethod]
    #[pyo3(signature = (path, *, id = None, strict = false))]
    fn from_text_file(
        py: Python<'_>,
        path: PathBuf,
        id: Option<&str>,
        strict: bool,
    ) -> PyResult<Self> {
        let name = path.display().to_string();
        let bytes = read_bytes(py, &path, &name)?;
        read_document(py, &bytes, &name, id, strict)
    }

    /// The plan as Python data (the JSON contract; dates are `datetime.date`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &*self.inner)
    }

    /// The plan's canonical JSON (two-space indent, trailing newline), as the Rust core writes it.
    fn to_json(&self) -> String {
        tuanthu::api::to_canonical_json(&*self.inner)
    }

    /// The obligations, as a list of dicts (id, kind, title, lead, schedule, ...).
    #[getter]
    fn obligations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.obligations)
    }

    /// Ids of the obligations, in plan order.
    #[getter]
    fn obligation_ids(&self) -> Vec<String> {
        self.inner
            .obligations
            .iter()
            .map(|o| o.id.to_string())
            .collect()
    }

    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    #[getter]
    fn title(&self) -> &str {
        &self.inner.title
    }

    /// Number and symbol (số, ký hiệu), e.g. `144/KH-UBND`; `None` for a draft.
    #[getter]
    fn number(&self) -> Option<&str> {
        self.inner.number.as_deref()
    }

    #[getter]
    fn jurisdiction(&self) -> Option<&str> {
        self.inner.jurisdiction.as_deref()
    }

    #[getter]
    fn issue_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        opt_date(py, self.inner.issue_date)
    }

    /// What the plan reader could not understand (empty for hand-written plans).
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.warnings)
    }

    fn __len__(&self) -> usize {
        self.inner.obligations.len()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyPlan>()
            .is_ok_and(|o| *o.get().inner == *self.inner)
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.to_json().hash(&mut h);
        h.finish()
    }

    fn __repr__(&self) -> String {
        format!(
            "Plan(id={:?}, number={:?}, obligations={})",
            self.inner.id,
            self.inner.number.as_deref().unwrap_or(""),
            self.inner.obligations.len()
        )
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let restore = py.import("tuanthu._tuanthu")?.getattr("_restore_plan")?;
        let json = serde_json::to_string(&*self.inner)
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        PyTuple::new(py, [restore, PyTuple::new(py, [json])?.into_any()])
    }
}

fn read_bytes(py: Python<'_>, path: &std::path::Path, name: &str) -> PyResult<Vec<u8>> {
    py.detach(|| std::fs::read(path)).map_err(|e| {
        crate::errors::input_error_at(py, name, None, None, &format!("cannot read: {e}"))
    })
}

/// Plan JSON rather than a plan document: the first character (after a BOM) opens an object.
fn is_json_document(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'{')
}

/// A plan document of any format through the source layer and the reader.
fn read_document(
    py: Python<'_>,
    bytes: &[u8],
    name: &str,
    id: Option<&str>,
    strict: bool,
) -> PyResult<PyPlan> {
    let mut options = ParseOptions::for_file(name);
    options.plan_id = id.unwrap_or_default().to_string();
    let read = py
        .detach(|| crate::errors::no_panic(|| read_plan_bytes(bytes, Some(name), &options)))
        .map_err(|m| crate::errors::internal_error(py, &m))?;
    let outcome = read.map_err(|e| {
        let message = e.to_string();
        let detail = message
            .strip_prefix(&format!("{name}: "))
            .unwrap_or(&message);
        crate::errors::input_error_at(py, name, None, None, detail)
    })?;
    finish(py, outcome, &options, strict)
}

fn read_text(py: Python<'_>, text: &str, options: &ParseOptions, strict: bool) -> PyResult<PyPlan> {
    let outcome = py
        .detach(|| crate::errors::no_panic(|| parse_plan(text, options)))
        .map_err(|m| crate::errors::internal_error(py, &m))?;
    finish(py, outcome, options, strict)
}

/// The plan, or with `strict`, an `InputError` when no plan was found.
fn finish(
    py: Python<'_>,
    outcome: ParseOutcome,
    options: &ParseOptions,
    strict: bool,
) -> PyResult<PyPlan> {
    if strict && outcome.has_errors() {
        let file = options.source_name.as_deref().unwrap_or("<plan text>");
        let first = outcome.warnings_at_least(Severity::Error).next();
        let message = first.map_or_else(
            || "no plan found".to_string(),
            |w| format!("{} ({})", w.message, w.code),
        );
        let e = crate::errors::input_error_at(py, file, None, None, &message);
        if let Some(w) = first {
            e.value(py).setattr("line", w.line)?;
        }
        return Err(e);
    }
    Ok(PyPlan::new(outcome.plan))
}

#[pyfunction]
pub fn _restore_plan(py: Python<'_>, json: &str) -> PyResult<PyPlan> {
    let s = PyString::new(py, json);
    PyPlan::from_json(py, s.as_any())
}

/// A list of dicts from a list of serialisable values.
pub fn list_of<'py, T: serde::Serialize>(
    py: Python<'py>,
    items: &[T],
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for item in items {
        list.append(to_py(py, item)?)?;
    }
    Ok(list)
}
