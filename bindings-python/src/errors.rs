//! Core errors → the Python exceptions of `tuanthu._errors` (plain Python classes, so they carry
//! attributes, pickle, and can be caught as `ValueError` / `RuntimeError` too).

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use pyo3::IntoPyObjectExt;
use tuanthu::api::ApiError;
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

pub fn input_error(py: Python<'_>, e: &InputError) -> PyErr {
    raise(
        py,
        "InputError",
        &e.to_string(),
        &[
            ("file", obj(py, e.source_name.as_str())),
            ("line", obj(py, e.line)),
            ("column", obj(py, e.column)),
            ("field", obj(py, e.field.as_deref())),
            ("detail", obj(py, e.message.as_str())),
        ],
    )
}

/// An input error that is not the core's (a DataFrame cell, an `as_of` argument).
pub fn input_error_at(
    py: Python<'_>,
    file: &str,
    row: Option<usize>,
    field: Option<&str>,
    message: &str,
) -> PyErr {
    let mut text = file.to_string();
    if let Some(r) = row {
        text.push_str(&format!(": row {r}"));
    }
    if let Some(f) = field {
        text.push_str(&format!(": field `{f}`"));
    }
    text.push_str(&format!(": {message}"));
    raise(
        py,
        "InputError",
        &text,
        &[
            ("file", obj(py, file)),
            ("row", obj(py, row)),
            ("field", obj(py, field)),
            ("detail", obj(py, message)),
        ],
    )
}

pub fn eval_error(py: Python<'_>, e: &EvalError) -> PyErr {
    let field = match e {
        EvalError::Calendar(_) => "calendar",
        EvalError::Plan { .. } | EvalError::DuplicateObligation(_) => "plan.obligations",
        EvalError::DuplicateEvent(_) => "events",
        EvalError::AsOfOutOfRange(_) => "as_of",
        EvalError::DateOutOfRange { field, .. } => field.as_str(),
    };
    raise(
        py,
        "InputError",
        &format!("<request>: field `{field}`: {e}"),
        &[
            ("file", obj(py, "<request>")),
            ("field", obj(py, field)),
            ("detail", obj(py, e.to_string())),
        ],
    )
}

/// `line_shift`: header lines the binding added in front of the source (subtracted).
pub fn rule_error(py: Python<'_>, e: &RuleError, line_shift: usize) -> PyErr {
    let (kind, line, column, message) = match e {
        RuleError::Syntax {
            line,
            column,
            message,
            ..
        } => (
            "syntax",
            Some(line.saturating_sub(line_shift)),
            Some(*column),
            message.clone(),
        ),
        RuleError::Metadata { message, .. } => ("metadata", None, None, message.clone()),
        RuleError::DuplicateId { .. } => ("duplicate_id", None, None, e.to_string()),
        RuleError::Manifest { message, .. } => ("manifest", None, None, message.clone()),
        RuleError::Io { message, .. } => ("io", None, None, message.clone()),
        RuleError::Limits(_) => ("limits", None, None, e.to_string()),
        RuleError::TooLarge { .. } => ("too_large", None, None, e.to_string()),
        RuleError::TooManyRules { .. } => ("too_many_rules", None, None, e.to_string()),
    };
    let text = match (e, line) {
        (RuleError::Syntax { file, .. }, Some(l)) => {
            format!(
                "{file}:{l}:{}: syntax error: {message}",
                column.unwrap_or(0)
            )
        }
        _ => e.to_string(),
    };
    raise(
        py,
        "RuleCompileError",
        &text,
        &[
            ("rule_file", obj(py, e.file())),
            ("line", obj(py, line)),
            ("column", obj(py, column)),
            ("kind", obj(py, kind)),
            ("detail", obj(py, message)),
        ],
    )
}

pub fn api_error(py: Python<'_>, e: &ApiError) -> PyErr {
    match e {
        ApiError::Input(e) => input_error(py, e),
        ApiError::Eval(e) => eval_error(py, e),
        ApiError::Rule(e) => rule_error(py, e, 0),
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
