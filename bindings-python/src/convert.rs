//! Python objects ⇄ the JSON contract.
//!
//! Inputs (dicts, lists, dates, paths, numpy scalars) become `serde_json::Value`, then the core's
//! own deserialisers read them, so a dict and the same JSON text give the same answer and the same
//! errors. Outputs go the other way, with the contract's date fields turned into `datetime.date`.

use chrono::{Datelike, NaiveDate};
use pyo3::exceptions::PyTypeError;
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

/// Converts a Python value to JSON. `path` names where we are, for error messages.
pub fn py_to_value(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::Number(i.into()));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::Number(u.into()));
        }
        return Err(PyTypeError::new_err(format!(
            "{path}: integer out of range"
        )));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        return Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| PyTypeError::new_err(format!("{path}: {v} is not a finite number")));
    }
    if let Some(d) = date_like(obj)? {
        return Ok(Value::String(d.format("%Y-%m-%d").to_string()));
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(dict.len());
        for (k, v) in dict.iter() {
            let key: String = match k.cast::<PyString>() {
                Ok(s) => s.to_cow()?.into_owned(),
                Err(_) => k.str()?.to_cow()?.into_owned(),
            };
            let child = child_path(path, &key);
            map.insert(key, py_to_value(&v, &child)?);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(list) = obj.cast::<PyList>() {
        return seq_to_value(list.iter(), path);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return seq_to_value(t.iter(), path);
    }
    if is_pathlike(obj)? {
        let s = obj.py().import("os")?.call_method1("fspath", (obj,))?;
        return py_to_value(&s, path);
    }
    // numpy / pandas scalars (int64, bool_, ...) and other objects with `item()`.
    if obj.hasattr("item")? {
        let item = obj.call_method0("item")?;
        if !item.is(obj) {
            return py_to_value(&item, path);
        }
    }
    // Mappings and iterables that are not dicts or lists (e.g. pandas Series).
    if obj.hasattr("keys")? && obj.hasattr("__getitem__")? {
        let dict = PyDict::new(obj.py());
        for k in obj.call_method0("keys")?.try_iter()? {
            let k = k?;
            dict.set_item(&k, obj.get_item(&k)?)?;
        }
        return py_to_value(dict.as_any(), path);
    }
    Err(PyTypeError::new_err(format!(
        "{}: cannot use a {} value here (expected str, int, float, bool, None, date, dict or list)",
        if path.is_empty() { "value" } else { path },
        obj.get_type().name()?
    )))
}

fn seq_to_value<'py>(
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    path: &str,
) -> PyResult<Value> {
    let mut out = Vec::new();
    for (i, v) in items.enumerate() {
        out.push(py_to_value(&v, &format!("{path}[{i}]"))?);
    }
    Ok(Value::Array(out))
}

fn child_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
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
