//! Python binding of tuanthu: `import tuanthu`.
//!
//! The Python API is an idiomatic wrapper over the core's JSON contract: inputs are converted to
//! the core's serde types (so a dict and the same JSON text behave identically), the engine runs
//! with the GIL released, and `Report.to_json()` is the core's canonical JSON byte for byte.
//! Classes are frozen and hold an `Arc` to the core object.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod convert;
mod errors;
mod eval;
mod pack;
mod plan;
mod pyser;
mod report;
mod subs;

use pyo3::prelude::*;

#[pymodule]
fn _tuanthu(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<plan::PyPlan>()?;
    m.add_class::<pack::PyRulePack>()?;
    m.add_class::<pack::TestResults>()?;
    m.add_class::<subs::PySubmissions>()?;
    m.add_class::<report::PyReport>()?;
    m.add_function(wrap_pyfunction!(eval::evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(eval::validate_submission, m)?)?;
    m.add_function(wrap_pyfunction!(eval::validate_submission_json, m)?)?;
    m.add_function(wrap_pyfunction!(eval::evaluate_json, m)?)?;
    m.add_function(wrap_pyfunction!(eval::validate_form_json, m)?)?;
    m.add_function(wrap_pyfunction!(eval::schema_json, m)?)?;
    m.add_function(wrap_pyfunction!(plan::_restore_plan, m)?)?;
    m.add_function(wrap_pyfunction!(pack::_restore_pack, m)?)?;
    m.add_function(wrap_pyfunction!(subs::_restore_submissions, m)?)?;
    m.add_function(wrap_pyfunction!(report::_restore_report, m)?)?;
    Ok(())
}
