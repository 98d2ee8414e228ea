//! Python objects ⇄ the JSON contract.
//!
//! Inputs (dicts, lists, dates, paths, numpy scalars) become `serde_json::Value`, then the core's
//! own deserialisers read them, so a dict and the same JSON text give the same answer and the same
//! errors. Outputs go the other way, with the contract's date fields turned into `datetime.date`.

use chrono::{Datelike, NaiveDate};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDate, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde_json::{Map, Number, Value};

fn cached_type<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    module: &str,
    name: &str,
) -> PyResult<&'py Bound<'py, PyType>> {
    cell.get_or_try_init(py, || {
        Ok::<_, PyErr>(
            py.import(module)?
                .getattr(name)?
                .cast_into::<PyType>()?
                .unbind(),
        )
    })
    .map(|t| t.bind(py))
}

/// `datetime.date`, imported once.
pub fn date_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static T: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    cached_type(py, &T, "datetime", "date")
}

/// `os.PathLike`, imported once.
fn pathlike_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static T: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    cached_type(py, &T, "os", "PathLike")
}

pub fn is_pathlike(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    obj.is_instance(pathlike_type(obj.py())?)
}

/// A `datetime.date` (or `datetime.datetime`, `pandas.Timestamp`: their date part).
pub fn date_like(obj: &Bound<'_, PyAny>) -> PyResult<Option<NaiveDate>> {
    if !obj.is_instance(date_type(obj.py())?)? {
        return Ok(None);
    }
    let y: i32 = obj.getattr("year")?.extract()?;
    let m: u32 = obj.getattr("month")?.extract()?;
    let d: u32 = obj.getattr("day")?.extract()?;
    Ok(NaiveDate::from_ymd_opt(y, m, d))
}

pub fn py_date(py: Python<'_>, d: NaiveDate) -> PyResult<Bound<'_, PyAny>> {
    // Months and days always fit in u8.
    let m = u8::try_from(d.month()).unwrap_or(1);
    let day = u8::try_from(d.day()).unwrap_or(1);
    Ok(PyDate::new(py, d.year(), m, day)?.into_any())
}

pub fn opt_date(py: Python<'_>, d: Option<NaiveDate>) -> PyResult<Bound<'_, PyAny>> {
    match d {
        Some(d) => py_date(py, d),
        None => Ok(py.None().into_bound(py)),
    }
}

/// How deep a value may nest. The contract's deepest value (a plan's schedule inside an
/// obligation) is under 10 levels; a deeper one is a mistake or an attack, and a bound keeps the
/// converter's recursion far from the thread's stack limit.
pub const MAX_DEPTH: usize = 128;

/// Converts a Python value to JSON. `source` names the argument in errors (`<plan>`, `<form>`):
/// every failure is a `tuanthu.InputError` whose `field` is the path inside the value
/// (`obligations[3].schedule`), including a value nested deeper than [`MAX_DEPTH`], one that
/// contains itself, and an exception raised by the caller's own objects while being read.
pub fn py_to_value(obj: &Bound<'_, PyAny>, source: &str) -> PyResult<Value> {
    let mut walker = Walker {
        source,
        path: Vec::new(),
        open: Vec::new(),
    };
    walker.value(obj)
}

/// One step of the path from the top of a value to where a conversion is.
enum Step {
    Key(String),
    Index(usize),
}

/// The state of one conversion: where it is, and which containers it is inside (by identity),
/// so a container met again on its own path is a cycle, not an endless descent.
struct Walker<'a> {
    source: &'a str,
    path: Vec<Step>,
    open: Vec<usize>,
}

impl Walker<'_> {
    fn field(&self) -> Option<String> {
        let mut out = String::new();
        for step in &self.path {
            match step {
                Step::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        (!out.is_empty()).then_some(out)
    }

    fn error(&self, py: Python<'_>, message: &str) -> PyErr {
        crate::errors::input_error_at(py, self.source, None, self.field().as_deref(), message)
    }

    /// An exception from the caller's own object (a `keys()`, `__getitem__` or `item()` that
    /// raises) becomes an `InputError` at this path, with the original as its `__cause__`.
    /// Errors of ours and exceptions that are not `Exception`s (KeyboardInterrupt) pass through.
    fn wrap(&self, py: Python<'_>, e: PyErr) -> PyErr {
        let ours = crate::errors::is_tuanthu_error(py, &e);
        if ours || !e.is_instance_of::<pyo3::exceptions::PyException>(py) {
            return e;
        }
        let what = e
            .get_type(py)
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "exception".into());
        let err = self.error(
            py,
            &format!("reading the value raised {what}: {}", e.value(py)),
        );
        err.set_cause(py, Some(e));
        err
    }

    fn value(&mut self, obj: &Bound<'_, PyAny>) -> PyResult<Value> {
        let py = obj.py();
        if let Some(v) = scalar(obj).map_err(|e| self.wrap(py, e))? {
            return v.map_err(|message| self.error(py, &message));
        }
        // `open` counts every level, including objects standing for another (`item()`), so an
        // object whose `item()` returns a new such object ends here too.
        if self.open.len() >= MAX_DEPTH {
            return Err(self.error(
                py,
                &format!("the value is nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        // Identity of the container while it is open: a pointer is what Python's id() is.
        let id = obj.as_ptr() as usize;
        if self.open.contains(&id) {
            return Err(self.error(py, "the value contains itself (a cycle)"));
        }
        self.open.push(id);
        let result = self.container(obj);
        self.open.pop();
        result
    }

    fn container(&mut self, obj: &Bound<'_, PyAny>) -> PyResult<Value> {
        let py = obj.py();
        if let Ok(dict) = obj.cast::<PyDict>() {
            let mut map = Map::with_capacity(dict.len());
            // A snapshot: the caller's objects run while we read (`item()`), and pyo3's dict
            // iterator panics if one of them changes this dict's size.
            for pair in dict.items().iter() {
                let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair.extract()?;
                let key = self.key(&k)?;
                map.insert(key.clone(), self.child(Step::Key(key), &v)?);
            }
            return Ok(Value::Object(map));
        }
        if let Ok(list) = obj.cast::<PyList>() {
            return self.seq(list.iter());
        }
        if let Ok(t) = obj.cast::<PyTuple>() {
            return self.seq(t.iter());
        }
        self.other(obj).map_err(|e| self.wrap(py, e))
    }

    /// Paths, numpy/pandas scalars and mappings that are not dicts: whatever they stand for.
    fn other(&mut self, obj: &Bound<'_, PyAny>) -> PyResult<Value> {
        let py = obj.py();
        if is_pathlike(obj)? {
            let s = py.import("os")?.call_method1("fspath", (obj,))?;
            return self.value(&s);
        }
        // numpy / pandas scalars (int64, bool_, ...) and other objects with `item()`.
        if obj.hasattr("item")? {
            let item = obj.call_method0("item")?;
            if !item.is(obj) {
                return self.value(&item);
            }
        }
        // Mappings that are not dicts (e.g. pandas Series).
        if obj.hasattr("keys")? && obj.hasattr("__getitem__")? {
            let mut map = Map::new();
            for k in obj.call_method0("keys")?.try_iter()? {
                let k = k?;
                let v = obj.get_item(&k)?;
                let key = self.key(&k)?;
                map.insert(key.clone(), self.child(Step::Key(key), &v)?);
            }
            return Ok(Value::Object(map));
        }
        Err(self.error(
            py,
            &format!(
                "cannot use a value of type {} here (expected str, int, float, bool, None, date, dict or list)",
                obj.get_type().name()?
            ),
        ))
    }

    /// A mapping key as text: `str` as it is, an `int` or `bool` by its `str()`; anything else
    /// (a tuple, an object) is an error rather than a text nobody wrote.
    fn key(&self, k: &Bound<'_, PyAny>) -> PyResult<String> {
        let py = k.py();
        if let Ok(s) = k.cast::<PyString>() {
            return Ok(s.to_cow()?.into_owned());
        }
        if k.is_instance_of::<PyInt>() {
            return Ok(k.str()?.to_cow()?.into_owned());
        }
        Err(self.error(
            py,
            &format!(
                "a key of type {} is not text (keys must be str)",
                k.get_type().name()?
            ),
        ))
    }

    fn child(&mut self, step: Step, v: &Bound<'_, PyAny>) -> PyResult<Value> {
        self.path.push(step);
        let r = self.value(v);
        self.path.pop();
        r
    }

    fn seq<'py>(&mut self, items: impl Iterator<Item = Bound<'py, PyAny>>) -> PyResult<Value> {
        let mut out = Vec::new();
        for (i, v) in items.enumerate() {
            out.push(self.child(Step::Index(i), &v)?);
        }
        Ok(Value::Array(out))
    }
}

/// A value with no children: `Some(Ok)` for one the contract takes, `Some(Err(why))` for a
/// scalar it cannot take (a huge int, NaN), `None` for anything else.
fn scalar(obj: &Bound<'_, PyAny>) -> PyResult<Option<Result<Value, String>>> {
    if obj.is_none() {
        return Ok(Some(Ok(Value::Null)));
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Some(Ok(Value::Bool(b.is_true()))));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Some(Ok(Value::String(s.to_cow()?.into_owned()))));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Some(Ok(Value::Number(i.into()))));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Some(Ok(Value::Number(u.into()))));
        }
        return Ok(Some(Err(
            "integer out of range (the contract's integers fit in 64 bits)".into(),
        )));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        return Ok(Some(
            Number::from_f64(v)
                .map(Value::Number)
                .ok_or_else(|| format!("{v} is not a finite number")),
        ));
    }
    if let Some(d) = date_like(obj)? {
        return Ok(Some(Ok(Value::String(d.format("%Y-%m-%d").to_string()))));
    }
    Ok(None)
}

/// JSON text of a Python value.
pub fn py_to_json(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    let value = py_to_value(obj, what)?;
    Ok(value.to_string())
}

/// Any serialisable core type to Python (dicts in the JSON contract's field order, date fields
/// as `datetime.date`).
pub fn to_py<'py, T: serde::Serialize>(py: Python<'py>, v: &T) -> PyResult<Bound<'py, PyAny>> {
    crate::pyser::to_python(py, v)
}

/// A date given as `datetime.date`, `datetime.datetime`, `pandas.Timestamp`, `YYYY-MM-DD` or
/// `dd/mm/yyyy` text.
pub fn extract_date(obj: &Bound<'_, PyAny>) -> PyResult<Result<NaiveDate, String>> {
    if let Some(d) = date_like(obj)? {
        return Ok(Ok(d));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?;
        return Ok(tuanthu::model::parse_date_text(&text).ok_or_else(|| {
            format!("'{text}' is not a real date (expected YYYY-MM-DD or dd/mm/yyyy, or a datetime.date)")
        }));
    }
    Ok(Err(format!(
        "expected a datetime.date or a date text such as 2026-11-15, got {}",
        obj.get_type().name()?
    )))
}
