//! Core errors → the Python exceptions of `tuanthu._errors` (plain Python classes, so they carry
//! attributes, pickle, and can be caught as `ValueError` / `RuntimeError` too).

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use pyo3::IntoPyObjectExt;
use tuanthu::api::{ApiError, ErrorKind, ErrorObject};
use tuanthu::eval::EvalError;
use tuanthu::input::InputError;
use tuanthu::rules::RuleError;

fn error_class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyType>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let module = MODULE.get_or_try_init(py, || {
        Ok::<_, PyErr>(py.import("tuanthu._errors")?.unbind())
    })?;
    Ok(module.bind(py).getattr(name)?.cast_into::<PyType>()?)
}

/// Whether `e` is one of ours (a `tuanthu.TuanthuError`).
pub fn is_tuanthu_error(py: Python<'_>, e: &PyErr) -> bool {
    error_class(py, "TuanthuError")
        .map(|cls| e.is_instance(py, &cls))
        .unwrap_or(false)
}

/// Builds `tuanthu.<class>(message, **attrs)` as a `PyErr`.
pub fn raise(
    py: Python<'_>,
    class: &str,
    message: &str,
    attrs: &[(&str, Option<Py<PyAny>>)],
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = error_class(py, class)?;
        let kwargs = PyDict::new(py);
        for (k, v) in attrs {
            kwargs.set_item(*k, v)?;
        }
        let exc = cls.call((message,), Some(&kwargs))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

fn obj<'py, T: IntoPyObject<'py>>(py: Python<'py>, v: T) -> Option<Py<PyAny>> {
    v.into_py_any(py).ok()
}

/// The Python class of each [`ErrorKind`]: one per kind, so `except tuanthu.EvaluationError`
/// catches exactly what JS reports as `kind: "evaluation"`.
fn class_of(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Input => "InputError",
        ErrorKind::Evaluation => "EvaluationError",
        ErrorKind::Rule => "RuleCompileError",
        ErrorKind::Usage => "UsageError",
    }
}

/// The core's [`ErrorObject`] as a Python exception, mechanically: the class by `kind`, the
/// message its one-line `Display`, and `kind`, `file`, `line`, `field` and `detail` (the
/// object's `message`) as attributes (`e.to_dict()` gives the object back). `extra`: attributes
/// only Python has (a JSON column, a DataFrame row).
pub fn error_object(py: Python<'_>, e: &ErrorObject, extra: &[(&str, Option<Py<PyAny>>)]) -> PyErr {
    error_object_as(py, e, &e.to_string(), extra)
}

/// [`error_object`] with the exception's text given (it may say more than the object, e.g. the
/// DataFrame row).
fn error_object_as(
    py: Python<'_>,
    e: &ErrorObject,
    text: &str,
    extra: &[(&str, Option<Py<PyAny>>)],
) -> PyErr {
    let mut attrs = vec![
        ("kind", obj(py, e.kind.as_str())),
        ("file", obj(py, e.file.as_deref())),
        ("line", obj(py, e.line)),
        ("field", obj(py, e.field.as_deref())),
        ("detail", obj(py, e.message.as_str())),
    ];
    attrs.extend(
        extra
            .iter()
            .map(|(k, v)| (*k, v.as_ref().map(|v| v.clone_ref(py)))),
    );
    raise(py, class_of(e.kind), text, &attrs)
}

pub fn input_error(py: Python<'_>, e: &InputError) -> PyErr {
    error_object(py, &ErrorObject::from(e), &[("column", obj(py, e.column))])
}

/// An input error that is not the core's (a DataFrame cell, an `as_of` argument); `row` is a
/// DataFrame's 0-based row position.
pub fn input_error_at(
    py: Python<'_>,
    file: &str,
    row: Option<usize>,
    field: Option<&str>,
    message: &str,
) -> PyErr {
    // The row is Python's own attribute (`.row`): `detail` stays the submissions table's message,
    // the same whichever way the rows arrived (CSV, DataFrame, Arrow); the text names the row.
    let error = ErrorObject {
        field: field.map(str::to_string),
        ..ErrorObject::new(ErrorKind::Input, message).in_file(file)
    };
    let text = match row {
        Some(r) => ErrorObject {
            message: format!("row {r}: {message}"),
            ..error.clone()
        }
        .to_string(),
        None => error.to_string(),
    };
    error_object_as(py, &error, &text, &[("row", obj(py, row))])
}

/// An input error about an argument of a Python call (`limits`, `as_of`), not a file.
pub fn argument_error(py: Python<'_>, field: &str, message: &str) -> PyErr {
    let error = ErrorObject {
        field: Some(field.to_string()),
        ..ErrorObject::new(ErrorKind::Input, message)
    };
    error_object(py, &error, &[])
}

pub fn eval_error(py: Python<'_>, e: &EvalError) -> PyErr {
    error_object(py, &ErrorObject::from(e), &[])
}

pub fn rule_error(py: Python<'_>, e: &RuleError) -> PyErr {
    error_object(py, &ErrorObject::from(e), &[])
}

pub fn api_error(py: Python<'_>, e: &ApiError) -> PyErr {
    match e {
        ApiError::Input(e) => input_error(py, e),
        _ => error_object(py, &e.object(), &[]),
    }
}

/// Runs core code, turning a panic (a bug in the core, never expected) into a `TuanthuError`
/// instead of pyo3's `PanicException` (a `BaseException` that `except Exception` would miss).
pub fn no_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into())
    })
}

pub fn internal_error(py: Python<'_>, message: &str) -> PyErr {
    raise(
        py,
        "TuanthuError",
        &format!("internal error in the tuanthu core (please report it with the input): {message}"),
        &[],
    )
}
