//! `evaluate`, `validate_submission` and the JSON-in/JSON-out functions.

use std::sync::Arc;
use std::time::Instant;

use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};
use tuanthu::calendar::CalendarOverrides;
use tuanthu::eval::{FormContext, FormRequest, SubmissionForm};
use tuanthu::model::{AgencyRegistry, Event, Finding};
use tuanthu::policy::PolicyOverrides;

use crate::convert::{extract_date, py_to_value};
use crate::errors::{api_error, eval_error, input_error, input_error_at, internal_error, raise};
use crate::pack::PyRulePack;
use crate::plan::{list_of, parse_input, parse_input_or_file, PyPlan};
use crate::report::{is_rule_failure, PyReport};
use crate::subs;

fn as_of_date(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<chrono::NaiveDate> {
    extract_date(obj)?.map_err(|m| input_error_at(py, "<arguments>", None, Some("as_of"), &m))
}

/// The optional parts every request shares.
struct Common {
    events: Vec<Event>,
    policies: PolicyOverrides,
    registry: Option<AgencyRegistry>,
    calendar: CalendarOverrides,
}

fn some<'py>(o: Option<&Bound<'py, PyAny>>) -> Option<Bound<'py, PyAny>> {
    o.filter(|o| !o.is_none()).cloned()
}

fn common(
    py: Python<'_>,
    events: Option<&Bound<'_, PyAny>>,
    policies: Option<&Bound<'_, PyAny>>,
    registry: Option<&Bound<'_, PyAny>>,
    calendar: Option<&Bound<'_, PyAny>>,
) -> PyResult<Common> {
    Ok(Common {
        events: match some(events) {
            Some(e) => parse_input_or_file(py, &e, "<events>")?,
            None => Vec::new(),
        },
        policies: match some(policies) {
            Some(p) => parse_input(py, &p, "<policies>")?,
            None => PolicyOverrides::default(),
        },
        registry: match some(registry) {
            Some(r) => Some(parse_input_or_file(py, &r, "<registry>")?),
            None => None,
        },
        calendar: match some(calendar) {
            Some(c) => parse_input(py, &c, "<calendar>")?,
            None => CalendarOverrides::default(),
        },
    })
}

fn strict_error(
    py: Python<'_>,
    failures: &[&Finding],
    report: Option<PyReport>,
) -> PyResult<PyErr> {
    let first = failures[0];
    let message = format!(
        "{} rule failure(s); first: {}",
        failures.len(),
        first.message_en
    );
    let findings = PyList::empty(py);
    for f in failures {
        findings.append(crate::convert::to_py(py, *f)?)?;
    }
    let report = match report {
        Some(r) => Some(Py::new(py, r)?.into_any()),
        None => None,
    };
    Ok(raise(
        py,
        "RuleRuntimeError",
        &message,
        &[
            (
                "rule",
                Some(PyString::new(py, &first.rule).into_any().unbind()),
            ),
            ("findings", Some(findings.into_any().unbind())),
            ("report", report),
        ],
    ))
}

/// Evaluates a plan against the evidence received, as of a date.
///
/// - `plan`: a `Plan`, a dict, JSON text, or a plan JSON file path.
/// - `submissions`: a `Submissions`, a list of dicts, a pandas DataFrame, any Arrow table or
///   stream (`__arrow_c_stream__`: a polars DataFrame, a pyarrow Table, a DuckDB result), or a
///   CSV/JSON file path (`str` or `pathlib.Path`; a `str` starting with `[` is JSON text).
/// - `events`: a list of event dicts, JSON text or a JSON file path.
/// - `as_of`: the day the evaluation speaks for: `datetime.date` or `YYYY-MM-DD` text. Required:
///   there is no wall clock in the engine.
/// - `policies`: caller policy overrides, e.g. `{"deadline_reading": "inclusive",
///   "day_off": "next_working_day", "due_soon_days": 10}`; they win over the plan's and the
///   rule pack's.
/// - `registry`: the province's agencies (dict or JSON file), so groups expand to agencies.
/// - `calendar`: extra days off and working days, `{"days_off": [{"date": ..., "reason": ...}],
///   "working_days": [...]}`.
/// - `rules`: a `RulePack` (default: the standard pack).
/// - `strict`: a rule that fails at run time normally becomes an error finding (the other rules
///   still run; see `Report.rule_errors`). With `strict=True`, `RuleRuntimeError` is raised
///   instead, carrying those findings and the report.
/// - `threads`: at most this many threads for an evaluation of 2,048 instances or more (capped
///   at 8; 0 or 1, the default: the calling thread, with the plan's hash beside it). The report
///   is the same for any count.
///
/// The GIL is released while the engine runs. Raises `InputError` for bad input.
#[pyfunction]
#[pyo3(signature = (plan, submissions = None, events = None, *, as_of, policies = None, registry = None, calendar = None, rules = None, strict = false, threads = 0))]
#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    py: Python<'_>,
    plan: &Bound<'_, PyAny>,
    submissions: Option<&Bound<'_, PyAny>>,
    events: Option<&Bound<'_, PyAny>>,
    as_of: &Bound<'_, PyAny>,
    policies: Option<&Bound<'_, PyAny>>,
    registry: Option<&Bound<'_, PyAny>>,
    calendar: Option<&Bound<'_, PyAny>>,
    rules: Option<&Bound<'_, PyRulePack>>,
    strict: bool,
    threads: usize,
) -> PyResult<PyReport> {
    let start = Instant::now();
    let evaluator = PyRulePack::evaluator_for(py, rules)?.with_threads(threads);
    let as_of = as_of_date(py, as_of)?;
    let plan = PyPlan::coerce(py, plan)?;
    let submissions = subs::coerce(py, submissions)?;
    let c = common(py, events, policies, registry, calendar)?;
    let prepared = start.elapsed().as_secs_f64();
    let outcome = py.detach(move || {
        crate::errors::no_panic(move || {
            let t = Instant::now();
            // Borrowed parts: neither a `Plan` nor a `Submissions` the caller keeps is copied.
            let cx = FormContext {
                as_of,
                events: &c.events,
                policies: &c.policies,
                registry: c.registry.as_ref(),
                calendar: &c.calendar,
            };
            let built = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let result = evaluator.evaluate_parts(&plan, submissions.as_slice(), &cx);
            (result, built, t.elapsed().as_secs_f64())
        })
    });
    let (result, prepare_more, evaluated) = outcome.map_err(|m| internal_error(py, &m))?;
    let report = result.map_err(|e| eval_error(py, &e))?;
    let report = PyReport::new(report, Some((prepared + prepare_more, evaluated)));
    if strict {
        let failures: Vec<Finding> = report.rule_failures().into_iter().cloned().collect();
        if !failures.is_empty() {
            let refs: Vec<&Finding> = failures.iter().collect();
            return Err(strict_error(py, &refs, Some(report))?);
        }
    }
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
fn form_findings(
    py: Python<'_>,
    plan: &Bound<'_, PyAny>,
    form: &Bound<'_, PyAny>,
    as_of: &Bound<'_, PyAny>,
    events: Option<&Bound<'_, PyAny>>,
    policies: Option<&Bound<'_, PyAny>>,
    registry: Option<&Bound<'_, PyAny>>,
    calendar: Option<&Bound<'_, PyAny>>,
    rules: Option<&Bound<'_, PyRulePack>>,
    strict: bool,
) -> PyResult<Vec<Finding>> {
    let evaluator = PyRulePack::evaluator_for(py, rules)?;
    let as_of = as_of_date(py, as_of)?;
    let plan = PyPlan::coerce(py, plan)?;
    // Every form field is text; numbers and dates typed as such become text.
    let mut value = py_to_value(form, "<form>")?;
    if let serde_json::Value::Object(map) = &mut value {
        for v in map.values_mut() {
            if let serde_json::Value::Number(n) = v {
                *v = serde_json::Value::String(n.to_string());
            }
        }
    }
    let form: SubmissionForm = tuanthu::input::from_json_str("<form>", &value.to_string())
        .map_err(|mut e| {
            e.line = None;
            e.column = None;
            input_error(py, &e)
        })?;
    let c = common(py, events, policies, registry, calendar)?;
    let result = py.detach(move || {
        crate::errors::no_panic(move || {
            let req = FormRequest {
                plan: Arc::try_unwrap(plan).unwrap_or_else(|shared| (*shared).clone()),
                form,
                as_of,
                events: c.events,
                policies: c.policies,
                registry: c.registry,
                calendar: c.calendar,
            };
            evaluator.validate_form(&req)
        })
    });
    let findings = result
        .map_err(|m| internal_error(py, &m))?
        .map_err(|e| eval_error(py, &e))?;
    if strict {
        let failures: Vec<&Finding> = findings.iter().filter(|f| is_rule_failure(f)).collect();
        if !failures.is_empty() {
            return Err(strict_error(py, &failures, None)?);
        }
    }
    Ok(findings)
}

/// Checks a report-submission form as typed (all fields text: agency, obligation, stage, period,
/// received, document_number) and returns field-level findings as dicts (`field` names the
/// form field). An empty list means the form is fine. Arguments as for `evaluate`.
#[pyfunction]
#[pyo3(signature = (plan, form, *, as_of, events = None, policies = None, registry = None, calendar = None, rules = None, strict = false))]
#[allow(clippy::too_many_arguments)]
pub fn validate_submission<'py>(
    py: Python<'py>,
    plan: &Bound<'py, PyAny>,
    form: &Bound<'py, PyAny>,
    as_of: &Bound<'py, PyAny>,
    events: Option<&Bound<'py, PyAny>>,
    policies: Option<&Bound<'py, PyAny>>,
    registry: Option<&Bound<'py, PyAny>>,
    calendar: Option<&Bound<'py, PyAny>>,
    rules: Option<&Bound<'py, PyRulePack>>,
    strict: bool,
) -> PyResult<Bound<'py, PyList>> {
    let findings = form_findings(
        py, plan, form, as_of, events, policies, registry, calendar, rules, strict,
    )?;
    list_of(py, &findings)
}

/// As `validate_submission`, returning the findings as the core's canonical JSON text.
#[pyfunction]
#[pyo3(signature = (plan, form, *, as_of, events = None, policies = None, registry = None, calendar = None, rules = None, strict = false))]
#[allow(clippy::too_many_arguments)]
pub fn validate_submission_json(
    py: Python<'_>,
    plan: &Bound<'_, PyAny>,
    form: &Bound<'_, PyAny>,
    as_of: &Bound<'_, PyAny>,
    events: Option<&Bound<'_, PyAny>>,
    policies: Option<&Bound<'_, PyAny>>,
    registry: Option<&Bound<'_, PyAny>>,
    calendar: Option<&Bound<'_, PyAny>>,
    rules: Option<&Bound<'_, PyRulePack>>,
    strict: bool,
) -> PyResult<String> {
    let findings = form_findings(
        py, plan, form, as_of, events, policies, registry, calendar, rules, strict,
    )?;
    Ok(tuanthu::api::to_canonical_json(&findings))
}

fn request_text(py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = request.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if crate::convert::is_pathlike(request)? {
        let path: std::path::PathBuf = request.extract()?;
        return py.detach(|| std::fs::read_to_string(&path)).map_err(|e| {
            input_error_at(
                py,
                &path.display().to_string(),
                None,
                None,
                &format!("cannot read: {e}"),
            )
        });
    }
    crate::convert::py_to_json(request, "<request>")
}

/// The JSON contract directly: an `EvaluationRequest` (JSON text, a dict, or a `pathlib.Path`
/// to a JSON file) in, the `Report` as canonical JSON text out — the same bytes the Rust core
/// and every other binding produce for it.
#[pyfunction]
#[pyo3(signature = (request, *, rules = None))]
pub fn evaluate_json(
    py: Python<'_>,
    request: &Bound<'_, PyAny>,
    rules: Option<&Bound<'_, PyRulePack>>,
) -> PyResult<String> {
    let evaluator = PyRulePack::evaluator_for(py, rules)?;
    let text = request_text(py, request)?;
    py.detach(|| crate::errors::no_panic(|| tuanthu::api::evaluate_json(&evaluator, &text)))
        .map_err(|m| internal_error(py, &m))?
        .map_err(|e| api_error(py, &e))
}

/// The JSON contract directly: a `FormRequest` in, the findings as canonical JSON text out.
#[pyfunction]
#[pyo3(signature = (request, *, rules = None))]
pub fn validate_form_json(
    py: Python<'_>,
    request: &Bound<'_, PyAny>,
    rules: Option<&Bound<'_, PyRulePack>>,
) -> PyResult<String> {
    let evaluator = PyRulePack::evaluator_for(py, rules)?;
    let text = request_text(py, request)?;
    py.detach(|| crate::errors::no_panic(|| tuanthu::api::validate_form_json(&evaluator, &text)))
        .map_err(|m| internal_error(py, &m))?
        .map_err(|e| api_error(py, &e))
}

/// JSON Schema of the whole contract (evaluation request, form request, report, plan, ...).
#[pyfunction]
pub fn schema_json() -> String {
    tuanthu::api::schema_json()
}
