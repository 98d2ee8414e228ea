//! `tuanthu.RulePack` and `tuanthu.TestReport`.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use tuanthu::api::{rule_listing, test_report, RuleTestReport};
use tuanthu::eval::Evaluator;
use tuanthu::rules::{InlineRule, Limits, PackSource, RuleError, RulePack};

use crate::convert::{py_to_value, to_py};
use crate::errors::{argument_error, internal_error, no_panic, rule_error};

/// The standard pack, compiled once per process.
pub fn standard_evaluator(py: Python<'_>) -> PyResult<Evaluator> {
    static STANDARD: OnceLock<Result<Evaluator, RuleError>> = OnceLock::new();
    match py.detach(|| STANDARD.get_or_init(Evaluator::standard)) {
        Ok(e) => Ok(e.clone()),
        Err(e) => Err(rule_error(py, e)),
    }
}

fn limits_from(py: Python<'_>, limits: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Limits>> {
    let Some(obj) = limits else { return Ok(None) };
    let mut base = serde_json::to_value(Limits::default())
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    let given = py_to_value(obj, "limits")?;
    let (Some(base_map), serde_json::Value::Object(given)) = (base.as_object_mut(), given) else {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "limits: expected a dict such as {\"max_operations\": 10000}",
        ));
    };
    for (k, v) in given {
        if !base_map.contains_key(&k) {
            let known: Vec<&String> = base_map.keys().collect();
            return Err(argument_error(
                py,
                "limits",
                &format!("unknown limit '{k}'; known: {known:?}"),
            ));
        }
        base_map.insert(k, v);
    }
    let limits: Limits =
        serde_json::from_value(base).map_err(|e| argument_error(py, "limits", &e.to_string()))?;
    // Beyond the safe maxima (or 0, which Rhai would read as "unlimited") is an error.
    limits
        .checked()
        .map(Some)
        .map_err(|e| argument_error(py, "limits", &e.to_string()))
}

fn compile(py: Python<'_>, source: PackSource, limits: Limits) -> PyResult<RulePack> {
    py.detach(|| no_panic(|| RulePack::compile(source, limits)))
        .map_err(|m| internal_error(py, &m))?
        .map_err(|e| rule_error(py, &e))
}

/// A compiled rule pack: Rhai rules run in a sandbox, with their unit tests.
///
/// `RulePack.standard()` is the pack shipped with tuanthu; `RulePack.from_dir(path)` loads a
/// directory of `.rhai` rules (`pack.json`, `*.test.json`). `add_rule` adds or replaces a rule
/// written inline (e.g. in a notebook). Pickles as its sources, so worker processes rebuild it.
#[pyclass(frozen, module = "tuanthu", name = "RulePack")]
pub struct PyRulePack {
    evaluator: RwLock<Evaluator>,
}

impl PyRulePack {
    fn from_pack(pack: RulePack) -> Self {
        PyRulePack {
            evaluator: RwLock::new(Evaluator::new(pack)),
        }
    }

    /// The evaluator in force now (cheap: shared compiled rules and calendar).
    pub fn evaluator(&self) -> Evaluator {
        match self.evaluator.read() {
            Ok(e) => e.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn pack(&self) -> RulePack {
        self.evaluator().pack().clone()
    }

    /// The pack to evaluate with: the given one, or the standard pack.
    pub fn evaluator_for(
        py: Python<'_>,
        rules: Option<&Bound<'_, PyRulePack>>,
    ) -> PyResult<Evaluator> {
        match rules {
            Some(r) => Ok(r.get().evaluator()),
            None => standard_evaluator(py),
        }
    }
}

/// `applies_to` or `severity` given to `add_rule`, read as the contract reads them.
fn parse_arg<T: serde::de::DeserializeOwned>(
    py: Python<'_>,
    name: &str,
    value: &str,
) -> PyResult<T> {
    serde_json::from_value(serde_json::Value::String(value.to_string()))
        .map_err(|e| argument_error(py, name, &format!("'{value}': {e}")))
}

#[pymethods]
impl PyRulePack {
    /// The standard rule pack shipped with tuanthu (status classification, periodic report,
    /// staged deadlines, evidence checks, form validation). `limits` (a dict of sandbox limits,
    /// e.g. `{"max_operations": 10000}`) recompiles it with other limits.
    #[staticmethod]
    #[pyo3(signature = (*, limits = None))]
    fn standard(py: Python<'_>, limits: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let base = standard_evaluator(py)?;
        match limits_from(py, limits)? {
            None => Ok(PyRulePack {
                evaluator: RwLock::new(base),
            }),
            Some(l) => Ok(Self::from_pack(compile(
                py,
                base.pack().source().clone(),
                l,
            )?)),
        }
    }

    /// Loads a rule pack directory: `pack.json` (optional), every `*.rhai` rule and every
    /// `*.test.json` test file. Raises `RuleCompileError` naming the file, line and column.
    #[staticmethod]
    #[pyo3(signature = (path, *, limits = None))]
    fn from_dir(
        py: Python<'_>,
        path: PathBuf,
        limits: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let limits = limits_from(py, limits)?;
        let pack = py
            .detach(|| no_panic(|| RulePack::from_dir(&path)))
            .map_err(|m| internal_error(py, &m))?
            .map_err(|e| rule_error(py, &e))?;
        match limits {
            None => Ok(Self::from_pack(pack)),
            Some(l) => Ok(Self::from_pack(compile(py, pack.source().clone(), l)?)),
        }
    }

    /// Rebuilds a pack from its sources (`source()`), e.g. received from another process.
    #[staticmethod]
    #[pyo3(signature = (source, *, limits = None))]
    fn from_source(
        py: Python<'_>,
        source: &Bound<'_, PyAny>,
        limits: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let src: PackSource = crate::plan::parse_input(py, source, "<rule pack source>")?;
        let limits = limits_from(py, limits)?.unwrap_or_default();
        Ok(Self::from_pack(compile(py, src, limits)?))
    }

    /// Adds a rule written inline, or replaces the rule with the same id. `source` is a Rhai
    /// script defining `fn check(x)`; header lines it lacks (`// id:`, `// title:`,
    /// `// applies_to:`, `// severity:`) are made from the arguments. The rule is stored as
    /// `<id>.rhai`. Raises `RuleCompileError` (line and column as in `source`) and leaves the pack
    /// unchanged on error.
    #[pyo3(signature = (id, source, *, title = None, applies_to = None, severity = None))]
    fn add_rule(
        &self,
        py: Python<'_>,
        id: &str,
        source: &str,
        title: Option<&str>,
        applies_to: Option<&str>,
        severity: Option<&str>,
    ) -> PyResult<()> {
        let defaults = InlineRule {
            title: title.map(str::to_string),
            applies_to: applies_to
                .map(|a| parse_arg(py, "applies_to", a))
                .transpose()?,
            severity: severity.map(|s| parse_arg(py, "severity", s)).transpose()?,
        };
        let current = self.pack();
        let new = py
            .detach(|| no_panic(|| current.with_inline_rule(id, source, &defaults)))
            .map_err(|m| internal_error(py, &m))?
            .map_err(|e| rule_error(py, &e))?;
        let evaluator = Evaluator::new(new);
        match self.evaluator.write() {
            Ok(mut guard) => *guard = evaluator,
            Err(poisoned) => *poisoned.into_inner() = evaluator,
        }
        Ok(())
    }

    /// Runs the pack's unit tests (`*.test.json`, and those of rules added since).
    fn test(&self, py: Python<'_>) -> PyResult<TestResults> {
        let pack = self.pack();
        let report = py
            .detach(|| no_panic(|| test_report(&pack)))
            .map_err(|m| internal_error(py, &m))?;
        Ok(TestResults {
            report: Arc::new(report),
        })
    }

    /// `name@version`, as reports name the pack.
    #[getter]
    fn label(&self) -> String {
        self.pack().label()
    }

    #[getter]
    fn name(&self) -> String {
        self.pack().name().to_string()
    }

    #[getter]
    fn version(&self) -> String {
        self.pack().version().to_string()
    }

    /// The rules in evaluation order: dicts with id, title, applies_to, severity, description,
    /// file (the contract's `RuleInfo`, as JS's `rules()` and `tuanthu rules --format json`).
    #[getter]
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &rule_listing(&self.pack()))
    }

    /// Ids of the rules, in evaluation order.
    #[getter]
    fn rule_ids(&self) -> Vec<String> {
        self.pack()
            .rules()
            .iter()
            .map(|r| r.meta.id.clone())
            .collect()
    }

    /// The policy defaults this pack sets.
    #[getter]
    fn policies<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.pack().policies())
    }

    /// The sandbox limits it runs with.
    #[getter]
    fn limits<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.pack().limits())
    }

    /// Everything the pack is made of, as a dict: `{"manifest", "rules", "tests"}`.
    fn source<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.pack().source())
    }

    fn __len__(&self) -> usize {
        self.pack().rules().len()
    }

    fn __repr__(&self) -> String {
        let pack = self.pack();
        format!("RulePack({:?}, rules={})", pack.label(), pack.rules().len())
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let pack = self.pack();
        let json = |v: serde_json::Result<String>| {
            v.map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
        };
        let source = json(serde_json::to_string(pack.source()))?;
        let limits = json(serde_json::to_string(pack.limits()))?;
        let restore = py.import("tuanthu._tuanthu")?.getattr("_restore_pack")?;
        PyTuple::new(
            py,
            [restore, PyTuple::new(py, [source, limits])?.into_any()],
        )
    }
}

#[pyfunction]
pub fn _restore_pack(py: Python<'_>, source: &str, limits: &str) -> PyResult<PyRulePack> {
    let src: PackSource = tuanthu::input::from_json_str("<rule pack source>", source)
        .map_err(|e| crate::errors::input_error(py, &e))?;
    let limits: Limits = tuanthu::input::from_json_str("<rule pack limits>", limits)
        .map_err(|e| crate::errors::input_error(py, &e))?;
    Ok(PyRulePack::from_pack(compile(py, src, limits)?))
}

/// Outcome of `RulePack.test()`: the contract's `RuleTestReport` (`to_dict()`), with its
/// fields as attributes.
#[pyclass(frozen, module = "tuanthu", name = "TestReport")]
pub struct TestResults {
    report: Arc<RuleTestReport>,
}

#[pymethods]
impl TestResults {
    /// `name@version` of the pack tested.
    #[getter]
    fn pack(&self) -> String {
        self.report.pack.clone()
    }

    #[getter]
    fn passed(&self) -> usize {
        self.report.passed
    }

    #[getter]
    fn failed(&self) -> usize {
        self.report.failed
    }

    /// True when no case failed.
    #[getter]
    fn ok(&self) -> bool {
        self.report.failed == 0
    }

    /// One dict per case: file, rule, name, passed, failure (None when it passed).
    #[getter]
    fn cases<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.report.cases)
    }

    /// The failed cases only.
    #[getter]
    fn failures<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let failed: Vec<_> = self.report.cases.iter().filter(|c| !c.passed).collect();
        to_py(py, &failed)
    }

    /// Rules of the pack without any test case.
    #[getter]
    fn untested_rules(&self) -> Vec<String> {
        self.report.untested_rules.clone()
    }

    /// The report as a dict: `{pack, passed, failed, cases, untested_rules}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &*self.report)
    }

    /// The report as canonical JSON text: the bytes of `tuanthu test --format json`'s entries.
    fn to_json(&self) -> String {
        tuanthu::api::to_canonical_json(&*self.report)
    }

    fn __len__(&self) -> usize {
        self.report.cases.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "TestReport(passed={}, failed={}, untested_rules={:?})",
            self.report.passed, self.report.failed, self.report.untested_rules
        )
    }
}
