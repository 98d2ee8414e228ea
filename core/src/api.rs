//! JSON in, JSON out: the entry points every binding wraps, so a government system calling the
//! CLI, Python or the browser with the same JSON gets the same bytes back.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::eval::{EvalError, EvaluationRequest, Evaluator, FormRequest};
use crate::input::{from_json_str, InputError};
use crate::model::{AgencyRef, Finding, IngestWarning, Obligation, ObligationKind, Severity};
use crate::rules::{AppliesTo, Rule, RuleError, RulePack};

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
    /// `input`, `evaluation` or `rule`: [`ErrorKind`] as text.
    pub fn kind(&self) -> &'static str {
        self.error_kind().as_str()
    }

    /// The error as it crosses a boundary.
    pub fn object(&self) -> ErrorObject {
        ErrorObject::from(self)
    }

    pub fn error_kind(&self) -> ErrorKind {
        match self {
            ApiError::Input(_) => ErrorKind::Input,
            ApiError::Eval(_) => ErrorKind::Evaluation,
            ApiError::Rule(_) => ErrorKind::Rule,
        }
    }
}

/// The machine kind of an [`ErrorObject`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Unreadable or malformed input: a file, JSON, CSV row, date or plan text.
    Input,
    /// The input was well formed but cannot be evaluated (duplicate ids, year out of range…).
    Evaluation,
    /// A rule pack failed to load: syntax error, bad header, duplicate id, unreadable file.
    Rule,
    /// The caller asked for something impossible: unknown option, conflicting arguments.
    Usage,
}

impl ErrorKind {
    /// The JSON form: `input`, `evaluation`, `rule`, `usage`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Input => "input",
            ErrorKind::Evaluation => "evaluation",
            ErrorKind::Rule => "rule",
            ErrorKind::Usage => "usage",
        }
    }
}

/// An error as it crosses a boundary (the CLI's `--format json`, the bindings): one JSON object
/// naming what failed and where, so a pipeline can point a person at the line to fix.
///
/// `message` never repeats the location; a person-readable one-liner is [`ErrorObject`]'s
/// `Display` (`file:line: field `x`: message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorObject {
    pub kind: ErrorKind,
    /// The file (or a label such as `<request>`, `<stdin>`) the error is about.
    pub file: Option<String>,
    /// 1-based line in that file.
    pub line: Option<usize>,
    /// Field path (`obligations[3].schedule`) or CSV column.
    pub field: Option<String>,
    pub message: String,
}

impl ErrorObject {
    /// An error with no location.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ErrorObject {
            kind,
            file: None,
            line: None,
            field: None,
            message: message.into(),
        }
    }

    /// The same error about `file`.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }
}

impl std::fmt::Display for ErrorObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}")?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
            }
            f.write_str(": ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl From<&InputError> for ErrorObject {
    fn from(e: &InputError) -> Self {
        ErrorObject {
            kind: ErrorKind::Input,
            file: Some(e.source_name.clone()),
            line: e.line,
            field: e.field.clone(),
            message: e.message.clone(),
        }
    }
}

impl From<&EvalError> for ErrorObject {
    // Evaluation errors name obligations and events, not file positions: the message says which,
    // and `field` the part of the request concerned.
    fn from(e: &EvalError) -> Self {
        let field = match e {
            EvalError::Calendar(_) => "calendar",
            EvalError::Plan { .. } | EvalError::DuplicateObligation(_) => "plan.obligations",
            EvalError::DuplicateEvent(_) => "events",
            EvalError::AsOfOutOfRange(_) => "as_of",
            EvalError::DateOutOfRange { field, .. } => field.as_str(),
        };
        // The message without the field it starts with: the object names the field already.
        let text = e.to_string();
        let message = text
            .strip_prefix(field)
            .and_then(|rest| rest.strip_prefix(": "))
            .unwrap_or(&text);
        ErrorObject {
            field: Some(field.to_string()),
            ..ErrorObject::new(ErrorKind::Evaluation, message)
        }
    }
}

impl From<&RuleError> for ErrorObject {
    fn from(e: &RuleError) -> Self {
        if let RuleError::Limits(limits) = e {
            // Limits come from the host, not from a rule file.
            return ErrorObject {
                kind: ErrorKind::Input,
                file: None,
                line: None,
                field: Some("limits".to_string()),
                message: limits.to_string(),
            };
        }
        let (line, message) = match e {
            RuleError::Syntax {
                line,
                column,
                message,
                ..
            } => (
                Some(*line),
                format!("column {column}: syntax error: {message}"),
            ),
            RuleError::DuplicateId { id, other, .. } => {
                (None, format!("rule id '{id}' is already used by {other}"))
            }
            RuleError::Metadata { message, .. } | RuleError::Io { message, .. } => {
                (None, message.clone())
            }
            RuleError::Manifest { message, .. } => {
                (None, format!("invalid pack manifest: {message}"))
            }
            RuleError::TooLarge { size, max, .. } => (
                None,
                format!("rule source is {size} bytes; the limit is {max} bytes (max_rule_bytes)"),
            ),
            RuleError::TooManyRules { count, max } => (
                None,
                format!("pack has {count} rules; the limit is {max} (max_rules)"),
            ),
            RuleError::Limits(limits) => (None, format!("sandbox limits: {limits}")),
        };
        ErrorObject {
            kind: ErrorKind::Rule,
            file: Some(e.file().to_string()),
            line,
            field: None,
            message,
        }
    }
}

impl From<&ApiError> for ErrorObject {
    fn from(e: &ApiError) -> Self {
        match e {
            ApiError::Input(e) => e.into(),
            ApiError::Eval(e) => e.into(),
            ApiError::Rule(e) => e.into(),
        }
    }
}

/// One rule of a pack, as `rules()` lists it in every binding and `tuanthu rules --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RuleInfo {
    pub id: String,
    pub title: String,
    pub applies_to: AppliesTo,
    /// Severity of the rule's findings that do not state one.
    pub severity: Severity,
    pub description: String,
    /// The rule's file in the pack (`status.rhai`).
    pub file: String,
}

impl From<&Rule> for RuleInfo {
    fn from(r: &Rule) -> Self {
        RuleInfo {
            id: r.meta.id.clone(),
            title: r.meta.title.clone(),
            applies_to: r.meta.applies_to,
            severity: r.meta.severity,
            description: r.meta.description.clone(),
            file: r.file.clone(),
        }
    }
}

/// The rules of a pack in evaluation order.
pub fn rule_listing(pack: &RulePack) -> Vec<RuleInfo> {
    pack.rules().iter().map(RuleInfo::from).collect()
}

/// One case of a rule pack's unit tests (`*.test.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RuleTestCase {
    pub file: String,
    /// Id of the rule under test (empty when the test file itself could not be read).
    pub rule: String,
    pub name: String,
    pub passed: bool,
    /// What differed; `null` when the case passed.
    pub failure: Option<String>,
}

/// The outcome of running a pack's unit tests, in every binding and `tuanthu test --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RuleTestReport {
    /// `name@version` of the pack.
    pub pack: String,
    pub passed: usize,
    pub failed: usize,
    pub cases: Vec<RuleTestCase>,
    /// Rules of the pack without any test case.
    pub untested_rules: Vec<String>,
}

/// Runs the pack's unit tests.
pub fn test_report(pack: &RulePack) -> RuleTestReport {
    let report = pack.run_tests();
    RuleTestReport {
        pack: pack.label(),
        passed: report.passed(),
        failed: report.failed(),
        untested_rules: report.untested_rules(pack),
        cases: report
            .cases
            .into_iter()
            .map(|c| RuleTestCase {
                passed: c.failure.is_none(),
                file: c.file,
                rule: c.rule,
                name: c.name,
                failure: c.failure,
            })
            .collect(),
    }
}

/// A message for one field of a report-submission form as typed (the browser's form API): a
/// [`Finding`] of form validation, reduced to what a form shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FormMessage {
    /// `agency`, `obligation`, `stage`, `period`, `received`, `document_number`; `null` for a
    /// message about the whole form (a rule that failed to run).
    pub field: Option<String>,
    pub severity: Severity,
    #[serde(rename = "ruleId")]
    pub rule_id: String,
    pub message_vi: String,
    pub message_en: String,
}

impl From<&Finding> for FormMessage {
    fn from(f: &Finding) -> Self {
        FormMessage {
            field: f.field.clone(),
            severity: f.severity,
            rule_id: f.rule.to_string(),
            message_vi: f.message_vi.to_string(),
            message_en: f.message_en.to_string(),
        }
    }
}

/// An obligation as a picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ObligationSummary {
    pub id: String,
    pub title: String,
    pub kind: ObligationKind,
    /// Lead and performing agencies (or groups), by name.
    pub responsible: Vec<String>,
    pub coordinating: Vec<String>,
}

impl From<&Obligation> for ObligationSummary {
    fn from(o: &Obligation) -> Self {
        let name = |r: &AgencyRef| r.name().to_string();
        ObligationSummary {
            id: o.id.to_string(),
            title: o.title.clone(),
            kind: o.kind,
            responsible: o.responsible().into_iter().map(name).collect(),
            coordinating: o.coordinating.iter().map(name).collect(),
        }
    }
}

/// A warning of the plan reader about one file, as the CLI prints it on stderr under
/// `--format json` (one object per line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReaderWarning {
    pub file: String,
    #[serde(flatten)]
    pub warning: IngestWarning,
}

/// Why `tuanthu check --fail-on` exits 1: one condition the report meets, printed on stderr (one
/// JSON object per line under `--format json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FailReason {
    /// The `--fail-on` value: `overdue`, `late`, `unknown`, `error` or `warning`.
    pub fail_on: String,
    /// How many assessments or findings meet it.
    pub count: usize,
    /// `assessment` or `finding`.
    pub counts: String,
    /// Every offender's label (`II.3 Sở Tư pháp`, `evidence.document-number: II.3 Sở Tư pháp`).
    pub offenders: Vec<String>,
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

/// JSON Schema of the whole contract: evaluation request, form request, report, findings, error.
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
        error: ErrorObject,
        rules: Vec<RuleInfo>,
        rule_test_report: RuleTestReport,
        rule_pack_source: crate::rules::PackSource,
        inline_rule: crate::rules::InlineRule,
        form_messages: Vec<FormMessage>,
        obligation_summaries: Vec<ObligationSummary>,
        reader_warning: ReaderWarning,
        fail_reason: FailReason,
    }
    to_canonical_json(&schemars::schema_for!(Contract))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api_errors() -> Vec<ApiError> {
        let input =
            from_json_str::<crate::model::Plan>("plan.json", "{\n  \"id\": 1\n}").unwrap_err();
        let rule = RuleError::Syntax {
            file: "bad.rhai".into(),
            line: 6,
            column: 1,
            message: "expected an expression".into(),
        };
        vec![
            ApiError::Input(input),
            ApiError::Eval(EvalError::DuplicateEvent("e1".into())),
            ApiError::Rule(rule),
        ]
    }

    #[test]
    fn error_objects_keep_the_kind_and_location_of_each_error() {
        let objects: Vec<ErrorObject> = api_errors().iter().map(ErrorObject::from).collect();
        for (e, o) in api_errors().iter().zip(&objects) {
            // The binding's `kind()` string and the object's serialised kind never drift apart.
            assert_eq!(serde_json::to_value(o.kind).unwrap(), e.kind());
            assert_eq!(o.kind, e.error_kind());
        }
        let input = &objects[0];
        assert_eq!(input.file.as_deref(), Some("plan.json"));
        assert_eq!(input.line, Some(2));
        assert_eq!(input.field.as_deref(), Some("id"));
        assert!(
            !input.message.contains("plan.json"),
            "location is not repeated"
        );
        let rule = &objects[2];
        assert_eq!(
            (rule.file.as_deref(), rule.line),
            (Some("bad.rhai"), Some(6))
        );
        assert!(rule.message.contains("expected an expression"));
        assert_eq!(objects[1].file, None);
        assert_eq!(objects[1].field.as_deref(), Some("events"));
        assert_eq!(
            objects[1].to_string(),
            "field `events`: event id 'e1' is used twice; ids must be unique",
            "the field is not repeated in the message"
        );
        assert!(objects[1].message.contains("'e1'"));
    }

    #[test]
    fn error_object_json_has_every_key_and_is_in_the_schema() {
        for k in [
            ErrorKind::Input,
            ErrorKind::Evaluation,
            ErrorKind::Rule,
            ErrorKind::Usage,
        ] {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        let o = ErrorObject::new(ErrorKind::Usage, "m");
        let v = serde_json::to_value(&o).unwrap();
        assert_eq!(
            serde_json::to_string(&o).unwrap(),
            r#"{"kind":"usage","file":null,"line":null,"field":null,"message":"m"}"#,
            "every key, absent ones as null, in the documented order"
        );
        let back: ErrorObject = serde_json::from_value(v).unwrap();
        assert_eq!(back, o);
        let schema: serde_json::Value = serde_json::from_str(&schema_json()).unwrap();
        assert!(schema["$defs"]["ErrorObject"].is_object());
        assert_eq!(o.to_string(), "m");
        let located = ErrorObject {
            line: Some(3),
            field: Some("received".into()),
            ..ErrorObject::new(ErrorKind::Input, "bad").in_file("s.csv")
        };
        assert_eq!(located.to_string(), "s.csv:3: field `received`: bad");
    }
}
