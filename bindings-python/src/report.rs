//! `tuanthu.Report`: the result of an evaluation.

use std::sync::{Arc, OnceLock};

use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use tuanthu::model::{Finding, Lang, Report};

use crate::convert::{py_date, to_py};
use crate::plan::list_of;

/// Whether a finding says that a rule failed at run time (the core turns a failing rule into an
/// error finding with the rule's id and goes on with the other rules).
pub fn is_rule_failure(f: &Finding) -> bool {
    f.rule_failed
}

/// The result of `evaluate`: one assessment per obligation instance (agency × period × stage),
/// findings from the rules, and a summary.
///
/// `to_json()` is the Rust core's canonical JSON, byte for byte. `assessments` and `findings`
/// are lists of dicts in the JSON contract's shape (optional keys are absent when empty), with
/// dates as `datetime.date`; each access builds a new list. Pickles as its JSON.
#[pyclass(frozen, module = "tuanthu", name = "Report")]
pub struct PyReport {
    pub inner: Arc<Report>,
    json: OnceLock<String>,
    timings: Option<(f64, f64)>,
}

impl PyReport {
    pub fn new(report: Report, timings: Option<(f64, f64)>) -> Self {
        PyReport {
            inner: Arc::new(report),
            json: OnceLock::new(),
            timings,
        }
    }

    fn json(&self) -> &str {
        self.json
            .get_or_init(|| tuanthu::api::to_canonical_json(&*self.inner))
    }

    pub fn rule_failures(&self) -> Vec<&Finding> {
        self.inner
            .findings
            .iter()
            .filter(|f| is_rule_failure(f))
            .collect()
    }
}

fn import_pandas(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("pandas").map_err(|e| {
        PyImportError::new_err(format!(
            "Report.to_pandas() needs pandas, which is not installed \
             (pip install pandas, or pip install 'tuanthu[pandas]'): {e}"
        ))
    })
}

enum Col<'py> {
    Text(Bound<'py, PyList>),
    Date(Bound<'py, PyList>),
    Int(Bound<'py, PyList>),
}

impl<'py> Col<'py> {
    fn list(&self) -> &Bound<'py, PyList> {
        match self {
            Col::Text(l) | Col::Date(l) | Col::Int(l) => l,
        }
    }
}

fn frame<'py>(py: Python<'py>, columns: Vec<(&str, Col<'py>)>) -> PyResult<Bound<'py, PyAny>> {
    let pd = import_pandas(py)?;
    let data = PyDict::new(py);
    for (name, col) in &columns {
        let value = match col {
            Col::Text(l) => l.clone().into_any(),
            Col::Date(l) => {
                let kwargs = PyDict::new(py);
                kwargs.set_item("dtype", "object")?;
                let series = pd.getattr("Series")?.call((l,), Some(&kwargs))?;
                let kwargs = PyDict::new(py);
                kwargs.set_item("format", "%Y-%m-%d")?;
                pd.getattr("to_datetime")?.call((series,), Some(&kwargs))?
            }
            Col::Int(l) => {
                let kwargs = PyDict::new(py);
                kwargs.set_item("dtype", "Int64")?;
                pd.getattr("array")?.call((l,), Some(&kwargs))?
            }
        };
        data.set_item(*name, value)?;
    }
    let kwargs = PyDict::new(py);
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    kwargs.set_item("columns", names)?;
    pd.getattr("DataFrame")?.call((data,), Some(&kwargs))
}

fn text<'py>(py: Python<'py>, s: Option<&str>) -> Bound<'py, PyAny> {
    match s {
        Some(s) => PyString::new(py, s).into_any(),
        None => py.None().into_bound(py),
    }
}

#[pymethods]
impl PyReport {
    /// The canonical JSON, exactly as `tuanthu::api::to_canonical_json` writes it in Rust.
    fn to_json(&self) -> &str {
        self.json()
    }

    /// The whole report as Python data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &*self.inner)
    }

    /// One dict per obligation instance: obligation, title, agency, period, stage, status,
    /// due_soon, due (stated, bound, last_day, policy, derivation), received, document_number,
    /// days_late, days_remaining, rules, explanation_vi/en, source.
    #[getter]
    fn assessments<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        list_of(py, &self.inner.assessments)
    }

    /// What the rules said: dicts with rule, severity, message_vi, message_en and, when they
    /// apply, obligation, agency, period, stage, submission (index), field.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        list_of(py, &self.inner.findings)
    }

    /// Findings that say a rule failed at run time (error, limit reached): the rule was skipped
    /// for that instance or submission and the others ran. `evaluate(..., strict=True)` raises
    /// `RuleRuntimeError` instead of returning a report that has any.
    #[getter]
    fn rule_errors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for f in self.rule_failures() {
            list.append(to_py(py, f)?)?;
        }
        Ok(list)
    }

    /// Counts per status: `{"total": {...}, "by_agency": {agency: {...}}, "by_obligation":
    /// {id: {...}}, "findings_by_severity": {...}}`; each count dict has done_on_time,
    /// done_late, in_progress, overdue, ongoing, not_triggered, unknown, total.
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.summary)
    }

    /// Id of the plan evaluated.
    #[getter]
    fn plan(&self) -> &str {
        &self.inner.plan
    }

    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_date(py, self.inner.as_of)
    }

    /// The policies in force (defaults < rule pack < plan < caller).
    #[getter]
    fn policies<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.policies)
    }

    /// `name@version` of the rule pack.
    #[getter]
    fn rule_pack(&self) -> &str {
        &self.inner.rule_pack
    }

    /// Seconds spent preparing the request (converting inputs) and evaluating it (GIL
    /// released), measured by the binding; `None` for a report read back from JSON or a pickle.
    #[getter]
    fn timings<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some((prepare, evaluate)) = self.timings else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        d.set_item("prepare_seconds", prepare)?;
        d.set_item("evaluate_seconds", evaluate)?;
        Ok(Some(d))
    }

    /// A pandas DataFrame of the assessments (`kind="assessments"`, one row per instance) or of
    /// the findings (`kind="findings"`). Dates are datetime64 columns, day counts nullable
    /// integers. Needs pandas (imported only here).
    #[pyo3(signature = (kind = "assessments"))]
    fn to_pandas<'py>(&self, py: Python<'py>, kind: &str) -> PyResult<Bound<'py, PyAny>> {
        match kind {
            "assessments" => self.assessments_frame(py),
            "findings" => self.findings_frame(py),
            other => Err(pyo3::exceptions::PyValueError::new_err(format!(
                "to_pandas: kind '{other}': expected 'assessments' or 'findings'"
            ))),
        }
    }

    fn __len__(&self) -> usize {
        self.inner.assessments.len()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyReport>()
            .is_ok_and(|o| *o.get().inner == *self.inner)
    }

    fn __repr__(&self) -> String {
        let t = &self.inner.summary.total;
        format!(
            "Report(plan={:?}, as_of={}, instances={}, overdue={}, done_late={}, done_on_time={}, in_progress={}, findings={})",
            self.inner.plan,
            self.inner.as_of,
            t.total,
            t.overdue,
            t.done_late,
            t.done_on_time,
            t.in_progress,
            self.inner.findings.len()
        )
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let restore = py.import("tuanthu._tuanthu")?.getattr("_restore_report")?;
        PyTuple::new(py, [restore, PyTuple::new(py, [self.json()])?.into_any()])
    }
}

impl PyReport {
    fn assessments_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let names = [
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
        let cols: Vec<Col<'py>> = names
            .iter()
            .map(|n| {
                let l = PyList::empty(py);
                match *n {
                    "stated_due" | "due" | "received" => Col::Date(l),
                    "days_late" | "days_remaining" => Col::Int(l),
                    _ => Col::Text(l),
                }
            })
            .collect();
        let iso = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        for a in &self.inner.assessments {
            let period = a.period.to_string();
            let stated = iso(a.due.as_ref().map(|d| d.stated));
            let due = iso(a.due.as_ref().map(|d| d.last_day));
            let received = iso(a.received);
            let rules = a.rules.join(",");
            let row: [Bound<'py, PyAny>; 17] = [
                text(py, Some(a.obligation.as_str())),
                text(py, Some(&a.title)),
                text(py, Some(&a.agency)),
                text(py, Some(&period)),
                text(py, a.stage.as_deref()),
                text(py, Some(a.status.as_str())),
                text(py, Some(a.status.label(Lang::Vi))),
                pyo3::types::PyBool::new(py, a.due_soon)
                    .to_owned()
                    .into_any(),
                text(py, stated.as_deref()),
                text(py, due.as_deref()),
                text(py, received.as_deref()),
                text(py, a.document_number.as_deref()),
                a.days_late.into_pyobject(py)?.into_any(),
                a.days_remaining.into_pyobject(py)?.into_any(),
                text(py, Some(&rules)),
                text(py, Some(&a.explanation_vi)),
                text(py, Some(&a.explanation_en)),
            ];
            for (c, v) in cols.iter().zip(row) {
                c.list().append(v)?;
            }
        }
        frame(py, names.iter().copied().zip(cols).collect())
    }

    fn findings_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let names = [
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
        let cols: Vec<Col<'py>> = names
            .iter()
            .map(|n| {
                let l = PyList::empty(py);
                if *n == "submission" {
                    Col::Int(l)
                } else {
                    Col::Text(l)
                }
            })
            .collect();
        for f in &self.inner.findings {
            let period = f.period.as_ref().map(|p| p.to_string());
            let row: [Bound<'py, PyAny>; 10] = [
                text(py, Some(&f.rule)),
                text(py, Some(f.severity.as_str())),
                text(py, f.obligation.as_ref().map(|o| o.as_str())),
                text(py, f.agency.as_deref()),
                text(py, period.as_deref()),
                text(py, f.stage.as_deref()),
                f.submission.into_pyobject(py)?.into_any(),
                text(py, f.field.as_deref()),
                text(py, Some(&f.message_vi)),
                text(py, Some(&f.message_en)),
            ];
            for (c, v) in cols.iter().zip(row) {
                c.list().append(v)?;
            }
        }
        frame(py, names.iter().copied().zip(cols).collect())
    }
}

#[pyfunction]
pub fn _restore_report(py: Python<'_>, json: &str) -> PyResult<PyReport> {
    let report: Report = py
        .detach(|| tuanthu::input::from_json_str("<report>", json))
        .map_err(|e| crate::errors::input_error(py, &e))?;
    Ok(PyReport::new(report, None))
}
