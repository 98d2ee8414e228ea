//! JSON in, JSON out: the entry points every binding wraps, so a government system calling the
//! CLI, Python or the browser with the same JSON gets the same bytes back.

use serde::Serialize;

use crate::eval::{EvalError, EvaluationRequest, Evaluator, FormRequest};
use crate::input::{from_json_str, InputError};
use crate::rules::RuleError;

/// Any failure of an API call, with a stable machine `kind`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Eval(#[from] EvalError),
    #[error(transparent)]
    Rule(#[from] RuleError),
}

impl ApiError {
    /// `input`, `evaluation` or `rule`.
    pub fn kind(&self) -> &'static str {
        match self {
            ApiError::Input(_) => "input",
            ApiError::Eval(_) => "evaluation",
            ApiError::Rule(_) => "rule",
        }
    }
}

/// The canonical JSON form: pretty, two-space indent, trailing newline. Byte-stable.
pub fn to_canonical_json<T: Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        // Our types serialise infallibly (string keys, no non-finite floats).
        Err(e) => format!("{{\"error\": \"serialisation failed: {e}\"}}\n"),
    }
}

/// Evaluates an [`EvaluationRequest`] given as JSON; returns the [`crate::model::Report`] as
/// canonical JSON.
pub fn evaluate_json(evaluator: &Evaluator, request: &str) -> Result<String, ApiError> {
    let req: EvaluationRequest = from_json_str("<request>", request)?;
    Ok(to_canonical_json(&evaluator.evaluate(&req)?))
}

/// Validates a [`FormRequest`] given as JSON; returns the findings as canonical JSON.
pub fn validate_form_json(evaluator: &Evaluator, request: &str) -> Result<String, ApiError> {
    let req: FormRequest = from_json_str("<form request>", request)?;
    Ok(to_canonical_json(&evaluator.validate_form(&req)?))
}

/// JSON Schema of the whole contract: evaluation request, form request, report, findings.
pub fn schema_json() -> String {
    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Contract {
        evaluation_request: EvaluationRequest,
        form_request: FormRequest,
        report: crate::model::Report,
        form_findings: Vec<crate::model::Finding>,
        plan: crate::model::Plan,
        submissions: Vec<crate::model::Submission>,
        events: Vec<crate::model::Event>,
        registry: crate::model::AgencyRegistry,
    }
    to_canonical_json(&schemars::schema_for!(Contract))
}
