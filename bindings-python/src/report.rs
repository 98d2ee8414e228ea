//! `tuanthu.Report`: the result of an evaluation.

use std::sync::{Arc, OnceLock};

use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use pyo3_arrow::PyTable;
use tuanthu::model::{Finding, Lang, Report};
use tuanthu::report::AssessmentColumn;

use crate::convert::{py_date, to_py};
use crate::plan::list_of;

mod arrow;

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

/// An optional library, imported only when asked for, with an `ImportError` that says which
/// extra installs it.
fn import_optional<'py>(
    py: Python<'py>,
    module: &str,
    method: &str,
    extra: &str,
) -> PyResult<Bound<'py, PyModule>> {
    py.import(module).map_err(|e| {
        PyImportError::new_err(format!(
            "Report.{method}() needs {module}, which is not installed \
             (pip install 'tuanthu[{extra}]', or pip install {module}): {e}"
        ))
    })
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

    /// The assessments (`kind="assessments"`, one row per instance) or the findings
    /// (`kind="findings"`) as a `pyarrow.Table`, built column by column in Rust. The assessments
    /// have the columns of `to_csv()` (the core's one definition): dates are `date32`, day counts
    /// nullable `int64`, `due_soon` boolean, the rest text (`rules` joins the rule ids with
    /// spaces); `lang` (`"vi"` or `"en"`) chooses the words of `status_label` and
    /// `explanation`. `columns` (a list of column names) keeps only those, in that order; for
    /// the assessments only those are built, so asking for `["status", "days_late"]` skips the
    /// text of every explanation. An unknown name raises `ValueError` listing the columns.
    /// Needs pyarrow (`pip install 'tuanthu[arrow]'`).
    #[pyo3(signature = (kind = "assessments", *, lang = "vi", columns = None))]
    fn to_arrow<'py>(
        &self,
        py: Python<'py>,
        kind: &str,
        lang: &str,
        columns: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        import_optional(py, "pyarrow", "to_arrow", "arrow")?;
        self.arrow_table(py, kind, lang, columns, "to_arrow")?
            .into_pyarrow(py)
    }

    /// The assessments as CSV text, one row per instance: the CLI's `--format csv` (the core's
    /// flat columns, as `to_arrow`); `lang` as for `to_arrow`.
    #[pyo3(signature = (*, lang = "vi"))]
    fn to_csv(&self, lang: &str) -> PyResult<String> {
        tuanthu::report::render_csv(&self.inner, lang_of(lang)?)
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
    }

    /// As `to_arrow`, as a `polars.DataFrame` (dates are `pl.Date`); pyarrow is not needed.
    /// Needs polars (`pip install 'tuanthu[polars]'`).
    #[pyo3(signature = (kind = "assessments", *, lang = "vi", columns = None))]
    fn to_polars<'py>(
        &self,
        py: Python<'py>,
        kind: &str,
        lang: &str,
        columns: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let pl = import_optional(py, "polars", "to_polars", "polars")?;
        let table = Bound::new(py, self.arrow_table(py, kind, lang, columns, "to_polars")?)?;
        pl.getattr("DataFrame")?.call1((table,))
    }

    /// As `to_arrow`, as a pandas DataFrame: dates are `datetime64` columns, day counts
    /// nullable `Int64`, text columns `object`. Needs pandas and pyarrow (`pip install
    /// 'tuanthu[pandas]'`).
    #[pyo3(signature = (kind = "assessments", *, lang = "vi", columns = None))]
    fn to_pandas<'py>(
        &self,
        py: Python<'py>,
        kind: &str,
        lang: &str,
        columns: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let pd = import_optional(py, "pandas", "to_pandas", "pandas")?;
        let pa = import_optional(py, "pyarrow", "to_pandas", "pandas")?;
        let table = self
            .arrow_table(py, kind, lang, columns, "to_pandas")?
            .into_pyarrow(py)?;
        let int64 = pd.getattr("Int64Dtype")?.call0()?;
        let mapping = PyDict::new(py);
        mapping.set_item(pa.getattr("int64")?.call0()?, int64)?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("date_as_object", false)?;
        kwargs.set_item("types_mapper", mapping.getattr("get")?)?;
        table.call_method("to_pandas", (), Some(&kwargs))
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

/// `"vi"` or `"en"`, the languages of a report's words.
fn lang_of(lang: &str) -> PyResult<Lang> {
    match lang {
        "vi" => Ok(Lang::Vi),
        "en" => Ok(Lang::En),
        other => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "lang '{other}': expected 'vi' or 'en'"
        ))),
    }
}

impl PyReport {
    fn arrow_table(
        &self,
        py: Python<'_>,
        kind: &str,
        lang: &str,
        columns: Option<Vec<String>>,
        method: &str,
    ) -> PyResult<PyTable> {
        let report = self.inner.clone();
        let lang = lang_of(lang)?;
        let batch = match kind {
            "assessments" => {
                let wanted = match &columns {
                    Some(names) => assessment_columns(names, method)?,
                    None => AssessmentColumn::ALL.to_vec(),
                };
                py.detach(|| arrow::assessments(&report.assessments, lang, &wanted))
            }
            "findings" => {
                let keep = match &columns {
                    Some(names) => Some(finding_columns(names, method)?),
                    None => None,
                };
                py.detach(|| {
                    let all = arrow::findings(&report.findings)?;
                    match keep {
                        Some(keep) => all.project(&keep),
                        None => Ok(all),
                    }
                })
            }
            other => {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "{method}: kind '{other}': expected 'assessments' or 'findings'"
                )))
            }
        }
        .map_err(|e| crate::errors::internal_error(py, &e.to_string()))?;
        let schema = batch.schema();
        PyTable::try_new(vec![batch], schema)
    }
}

/// The assessment columns `names` asks for, in its order.
fn assessment_columns(names: &[String], method: &str) -> PyResult<Vec<AssessmentColumn>> {
    let all = AssessmentColumn::ALL.map(AssessmentColumn::name);
    pick(names, &all, method).map(|i| i.into_iter().map(|i| AssessmentColumn::ALL[i]).collect())
}

/// The positions among [`arrow::FINDING_COLUMNS`] of the columns `names` asks for.
fn finding_columns(names: &[String], method: &str) -> PyResult<Vec<usize>> {
    pick(names, &arrow::FINDING_COLUMNS, method)
}

/// The position of each name among `all`; an unknown or repeated name is a `ValueError`.
fn pick(names: &[String], all: &[&str], method: &str) -> PyResult<Vec<usize>> {
    let mut out: Vec<usize> = Vec::with_capacity(names.len());
    for name in names {
        let Some(i) = all.iter().position(|c| c == name) else {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "{method}: unknown column '{name}'; expected some of: {}",
                all.join(", ")
            )));
        };
        if out.contains(&i) {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "{method}: column '{name}' asked for twice"
            )));
        }
        out.push(i);
    }
    Ok(out)
}

#[pyfunction]
pub fn _restore_report(py: Python<'_>, json: &str) -> PyResult<PyReport> {
    let report: Report = py
        .detach(|| tuanthu::input::from_json_str("<report>", json))
        .map_err(|e| crate::errors::input_error(py, &e))?;
    Ok(PyReport::new(report, None))
}
