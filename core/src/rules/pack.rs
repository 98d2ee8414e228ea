//! Rule packs: a directory of `.rhai` rules with metadata, compiled once, evaluated many times.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rhai::{CallFnOptions, Dynamic, Engine, Scope, AST};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::budget::{EvaluationBudget, Stop};
use super::sandbox::{hardened_engine, LimitError, Limits};
use super::verdict::{self, MessageTemplate, Placeholders, Verdict};
use crate::model::Severity;
use crate::policy::PolicyOverrides;

/// What a rule is evaluated on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    /// Each obligation instance (agency × period × stage); `x` is an `Instance`.
    Instance,
    /// Each submission of evidence, and each report-submission form; `x` is a `Submission`.
    Submission,
}

/// Metadata from a rule file's header comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub applies_to: AppliesTo,
    /// Severity of findings that do not state one.
    pub severity: Severity,
    pub description: String,
    /// `when:` header lines: the rule runs only if one line's conditions all hold. Evaluated
    /// natively, so rules that rarely apply cost nothing on the instances they skip.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<Vec<Condition>>,
    /// `message:` header lines: bilingual templates a verdict names with `message: "<id>"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<MessageTemplate>,
}

impl AppliesTo {
    /// The header form: `instance` or `submission`.
    pub fn as_str(self) -> &'static str {
        match self {
            AppliesTo::Instance => "instance",
            AppliesTo::Submission => "submission",
        }
    }
}

/// Header values for [`RulePack::with_inline_rule`] when the text does not state them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InlineRule {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub applies_to: Option<AppliesTo>,
    #[serde(default)]
    pub severity: Option<Severity>,
}

/// One condition of a `when:` line: `has_due`, `!is_group`, `kind=periodic_report`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Flag { name: String, negated: bool },
    Equals { name: String, value: String },
}

/// Facts a `when:` condition can read.
pub trait Facts {
    fn flag(&self, name: &str) -> Option<bool>;
    fn text(&self, name: &str) -> Option<&str>;
}

impl Facts for super::views::InstanceFacts {
    fn flag(&self, name: &str) -> Option<bool> {
        super::views::InstanceFacts::flag(self, name)
    }
    fn text(&self, name: &str) -> Option<&str> {
        super::views::InstanceFacts::text(self, name)
    }
}

impl Facts for super::views::SubmissionFacts {
    fn flag(&self, name: &str) -> Option<bool> {
        super::views::SubmissionFacts::flag(self, name)
    }
    fn text(&self, name: &str) -> Option<&str> {
        super::views::SubmissionFacts::text(self, name)
    }
}

impl RuleMeta {
    /// Whether the rule's `when:` lines let it run on these facts.
    pub fn applies(&self, facts: &impl Facts) -> bool {
        self.when.is_empty()
            || self.when.iter().any(|line| {
                line.iter().all(|c| match c {
                    Condition::Flag { name, negated } => facts.flag(name) == Some(!negated),
                    Condition::Equals { name, value } => facts.text(name) == Some(value.as_str()),
                })
            })
    }
}

fn parse_when(line: &str, applies: AppliesTo) -> Result<Vec<Condition>, String> {
    let known_flag = |n: &str| flag_names(applies).contains(&n);
    let known_text =
        |n: &str| matches!(applies, AppliesTo::Instance) && ["kind", "schedule"].contains(&n);
    line.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| {
            if let Some((name, value)) = c.split_once('=') {
                let name = name.trim();
                if !known_text(name) {
                    return Err(format!("when: unknown text fact '{name}'"));
                }
                Ok(Condition::Equals {
                    name: name.into(),
                    value: value.trim().into(),
                })
            } else {
                let (negated, name) = match c.strip_prefix('!') {
                    Some(n) => (true, n.trim()),
                    None => (false, c),
                };
                if !known_flag(name) {
                    return Err(format!("when: unknown fact '{name}'"));
                }
                Ok(Condition::Flag {
                    name: name.into(),
                    negated,
                })
            }
        })
        .collect()
}

/// `id | severity | Vietnamese text | English text`, placeholders checked against the facts.
fn parse_message(line: &str, applies: AppliesTo) -> Result<MessageTemplate, String> {
    let parts: Vec<&str> = line.split('|').map(str::trim).collect();
    let [id, severity, vi, en] = parts.as_slice() else {
        return Err(format!(
            "message: expected `id | severity | Vietnamese text | English text`, got '{line}'"
        ));
    };
    let severity = Severity::parse(severity).ok_or_else(|| {
        format!("message {id}: severity '{severity}': expected info, warning or error")
    })?;
    let known = match applies {
        AppliesTo::Instance => super::views::INSTANCE_PLACEHOLDERS,
        AppliesTo::Submission => super::views::SUBMISSION_PLACEHOLDERS,
    };
    for name in verdict::placeholder_names(vi)
        .into_iter()
        .chain(verdict::placeholder_names(en))
    {
        if !known.contains(&name) {
            return Err(format!(
                "message {id}: unknown placeholder {{{name}}}; known: {}",
                known.join(", ")
            ));
        }
    }
    Ok(MessageTemplate {
        id: (*id).to_string(),
        severity,
        vi: (*vi).to_string(),
        en: (*en).to_string(),
    })
}

const INSTANCE_FLAGS: &[&str] = &[
    "has_due",
    "has_evidence",
    "triggered",
    "is_group",
    "has_next_stage_due",
    "past_due",
];
const SUBMISSION_FLAGS: &[&str] = &[
    "is_form",
    "agency_known",
    "agency_ambiguous",
    "responsible",
    "coordinating",
    "obligation_exists",
    "stage_ok",
    "period_ok",
    "period_inferred",
    "has_received",
    "received_after_as_of",
    "has_due",
    "late",
    "has_document_number",
    "document_number_valid",
    "duplicate",
];

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub meta: RuleMeta,
    pub file: String,
    pub(crate) ast: AST,
    /// `meta.id`, shared by the rule's findings.
    pub(crate) id: Arc<str>,
    /// `meta.when`, its flags resolved to their positions.
    when: Vec<Vec<Test>>,
}

/// A `when:` condition with its flag resolved, once, to its position in its facts' flag list:
/// the evaluation reads each flag once per facts ([`Flags`]), not once per rule by its name.
#[derive(Debug, Clone)]
enum Test {
    /// `None`: a name the list lacks, which never holds (as [`RuleMeta::applies`] reads it).
    Flag {
        bit: Option<u8>,
        negated: bool,
    },
    Equals {
        name: String,
        value: String,
    },
}

/// The flags a rule of `applies` may test, in the order of their bits in [`Flags`].
fn flag_names(applies: AppliesTo) -> &'static [&'static str] {
    match applies {
        AppliesTo::Instance => INSTANCE_FLAGS,
        AppliesTo::Submission => SUBMISSION_FLAGS,
    }
}

fn compile_when(meta: &RuleMeta) -> Vec<Vec<Test>> {
    let names = flag_names(meta.applies_to);
    let test = |c: &Condition| match c {
        Condition::Flag { name, negated } => Test::Flag {
            bit: names
                .iter()
                .position(|n| n == name)
                .and_then(|i| u8::try_from(i).ok()),
            negated: *negated,
        },
        Condition::Equals { name, value } => Test::Equals {
            name: name.clone(),
            value: value.clone(),
        },
    };
    meta.when
        .iter()
        .map(|line| line.iter().map(test).collect())
        .collect()
}

// [`Flags`] keeps one bit per flag in a `u32`: a longer list would leave its last flags never
// holding, so it does not compile.
const _: () = assert!(INSTANCE_FLAGS.len() <= 32 && SUBMISSION_FLAGS.len() <= 32);

/// One instance's or submission's `when:` flags, each read from the facts on first use and
/// kept (a submission's `document_number_valid` parses the number: once, not once per rule).
pub(crate) struct Flags<'f, F> {
    facts: &'f F,
    names: &'static [&'static str],
    /// Bits read so far, and of those the flags that were `Some(true)`, `Some(false)`.
    read: std::cell::Cell<(u32, u32, u32)>,
}

impl<'f, F: Facts> Flags<'f, F> {
    pub fn new(facts: &'f F, applies: AppliesTo) -> Self {
        Flags {
            facts,
            names: flag_names(applies),
            read: std::cell::Cell::new((0, 0, 0)),
        }
    }

    fn get(&self, bit: u8) -> Option<bool> {
        let m = 1u32.checked_shl(u32::from(bit))?;
        let (read, yes, no) = self.read.get();
        if read & m == 0 {
            let v = self
                .names
                .get(usize::from(bit))
                .and_then(|n| self.facts.flag(n));
            let (yes, no) = match v {
                Some(true) => (yes | m, no),
                Some(false) => (yes, no | m),
                None => (yes, no),
            };
            self.read.set((read | m, yes, no));
            return v;
        }
        (yes & m != 0)
            .then_some(true)
            .or((no & m != 0).then_some(false))
    }
}

impl Rule {
    /// [`RuleMeta::applies`] on flags read once per facts (the evaluation's form of it).
    pub(crate) fn applies<F: Facts>(&self, flags: &Flags<'_, F>) -> bool {
        self.when.is_empty()
            || self.when.iter().any(|line| {
                line.iter().all(|t| match t {
                    Test::Flag { bit, negated } => bit.and_then(|b| flags.get(b)) == Some(!negated),
                    Test::Equals { name, value } => flags.facts.text(name) == Some(value.as_str()),
                })
            })
    }
}

/// A named text file of a pack (rule source or test file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// `pack.json`: name, version, default policies and rule order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackManifest {
    pub name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub description: String,
    /// Policy defaults of this pack (a plan's and the caller's win).
    #[serde(default)]
    pub policies: PolicyOverrides,
    /// Rule files in evaluation order; files not listed follow in name order.
    #[serde(default)]
    pub rules: Vec<String>,
}

/// Everything a pack is made of, as text: enough to rebuild it anywhere (pickling, WASM).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PackSource {
    pub manifest: PackManifest,
    pub rules: Vec<SourceFile>,
    pub tests: Vec<SourceFile>,
}

/// Hex SHA-256 of a pack's content, for reports' provenance: the canonical JSON
/// ([`crate::api::to_canonical_json`]) of its [`PackSource`] with the rule files and the test
/// files each in file-name order (the manifest keeps the evaluation order, which is content).
/// Two packs with the same files hash the same wherever and in whatever order they were loaded;
/// sandbox limits are not content.
pub fn content_sha256(source: &PackSource) -> String {
    let mut sorted = source.clone();
    sorted.rules.sort_by(|a, b| a.name.cmp(&b.name));
    sorted.tests.sort_by(|a, b| a.name.cmp(&b.name));
    sha256_hex(crate::api::to_canonical_json(&sorted).as_bytes())
}

/// Lower-case hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    lower_hex(&Sha256::digest(bytes))
}

/// `bytes` as lower-case hex, two digits each. Written digit by digit: one `format!` per byte
/// was a sixth of a one-obligation evaluation (the report's plan hash, every call).
pub(crate) fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Why a rule pack could not be built. Each names the file and, for syntax, the line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("{file}:{line}:{column}: syntax error: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    Metadata { file: String, message: String },
    #[error("{file}: rule id '{id}' is already used by {other}")]
    DuplicateId {
        file: String,
        id: String,
        other: String,
    },
    #[error("{file}: invalid pack manifest: {message}")]
    Manifest { file: String, message: String },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    /// Host limits outside their safe range.
    #[error("sandbox limits: {0}")]
    Limits(#[from] LimitError),
    /// A rule source over `max_rule_bytes`: refused before compiling (compile time grows with
    /// the square of the size).
    #[error("{file}: rule source is {size} bytes; the limit is {max} bytes (max_rule_bytes)")]
    TooLarge {
        file: String,
        size: usize,
        max: usize,
    },
    #[error("pack has {count} rules; the limit is {max} (max_rules)")]
    TooManyRules { count: usize, max: usize },
}

impl RuleError {
    /// The file the error is about.
    pub fn file(&self) -> &str {
        match self {
            RuleError::Syntax { file, .. }
            | RuleError::Metadata { file, .. }
            | RuleError::DuplicateId { file, .. }
            | RuleError::Manifest { file, .. }
            | RuleError::TooLarge { file, .. } => file,
            RuleError::Io { path, .. } => path,
            RuleError::Limits(_) | RuleError::TooManyRules { .. } => "pack.json",
        }
    }
}

/// Why a rule call produced no verdict: the text of its error finding, and whether a sandbox
/// limit stopped it (costly calls the evaluation stops retrying after `max_stops_per_rule`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleFailure {
    pub message: String,
    pub stopped: bool,
}

impl RuleFailure {
    fn error(message: String) -> Self {
        RuleFailure {
            message,
            stopped: false,
        }
    }
}

/// A compiled rule pack. Cheap to clone (shared engine and ASTs); `Send + Sync`.
#[derive(Debug, Clone)]
pub struct RulePack {
    inner: Arc<PackInner>,
}

#[derive(Debug)]
struct PackInner {
    source: PackSource,
    /// [`content_sha256`] of `source`, computed once at compile time.
    sha256: String,
    limits: Limits,
    engine: Engine,
    rules: Vec<Rule>,
}

impl RulePack {
    /// The standard pack shipped in `rules/standard`, embedded in the library.
    ///
    /// ```
    /// let pack = tuanthu::rules::RulePack::standard().unwrap();
    /// assert!(pack.rules().iter().any(|r| r.meta.id == "status"));
    /// ```
    pub fn standard() -> Result<RulePack, RuleError> {
        RulePack::compile(super::standard::source()?, Limits::default())
    }

    /// Loads `pack.json` (optional), every `*.rhai` and every `*.test.json` of a directory.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<RulePack, RuleError> {
        let limits = Limits::default();
        RulePack::compile(read_dir_source(dir.as_ref(), &limits)?, limits)
    }

    /// Compiles a pack from its sources with the given sandbox limits, which are checked
    /// against their safe maxima first ([`Limits::validate`]).
    pub fn compile(mut source: PackSource, limits: Limits) -> Result<RulePack, RuleError> {
        limits.validate()?;
        if source.rules.len() > limits.max_rules {
            return Err(RuleError::TooManyRules {
                count: source.rules.len(),
                max: limits.max_rules,
            });
        }
        let engine = hardened_engine(&limits);
        order_rules(&mut source)?;
        source.tests.sort_by(|a, b| a.name.cmp(&b.name));
        let mut rules: Vec<Rule> = Vec::with_capacity(source.rules.len());
        for file in &source.rules {
            let rule = compile_rule(&engine, &limits, file)?;
            if let Some(other) = rules.iter().find(|r| r.meta.id == rule.meta.id) {
                return Err(RuleError::DuplicateId {
                    file: file.name.clone(),
                    id: rule.meta.id,
                    other: other.file.clone(),
                });
            }
            rules.push(rule);
        }
        for t in &source.tests {
            super::testing::parse_suite(t)?;
        }
        let sha256 = content_sha256(&source);
        Ok(RulePack {
            inner: Arc::new(PackInner {
                sha256,
                source,
                limits,
                engine,
                rules,
            }),
        })
    }

    /// A new pack with one more rule (or a rule replaced, when its id exists), e.g. written inline
    /// in a notebook.
    pub fn with_rule(&self, file_name: &str, text: &str) -> Result<RulePack, RuleError> {
        let mut source = self.inner.source.clone();
        let candidate = compile_rule(
            &self.inner.engine,
            &self.inner.limits,
            &SourceFile {
                name: file_name.into(),
                text: text.into(),
            },
        )?;
        if let Some(existing) = self.rules().iter().find(|r| r.meta.id == candidate.meta.id) {
            let existing_file = existing.file.clone();
            source.rules.retain(|f| f.name != existing_file);
        }
        source.rules.retain(|f| f.name != file_name);
        source.rules.push(SourceFile {
            name: file_name.into(),
            text: text.into(),
        });
        source.manifest.rules.retain(|f| f != file_name);
        source.manifest.rules.push(file_name.into());
        RulePack::compile(source, self.inner.limits)
    }

    /// A new pack with a rule written inline (a notebook cell, a form): `text` is a Rhai script
    /// defining `fn check(x)`, stored as `<id>.rhai`; header lines it lacks are made from `id`
    /// and `defaults` (title defaults to the id). Errors name `<id>.rhai` with line numbers as
    /// in `text`. A header `// id:` that differs from `id` is a metadata error.
    pub fn with_inline_rule(
        &self,
        id: &str,
        text: &str,
        defaults: &InlineRule,
    ) -> Result<RulePack, RuleError> {
        let file = format!("{id}.rhai");
        let has = |key: &str| header_pairs(text).find(|(k, _)| *k == key).map(|(_, v)| v);
        if let Some(declared) = has("id").filter(|d| *d != id) {
            return Err(RuleError::Metadata {
                file,
                message: format!(
                    "the header says `// id: {declared}` but the rule was given id '{id}'"
                ),
            });
        }
        let mut prefix = String::new();
        let title = defaults.title.as_deref().unwrap_or(id);
        let wanted = [
            ("id", Some(id)),
            ("title", Some(title)),
            ("applies_to", defaults.applies_to.map(AppliesTo::as_str)),
            ("severity", defaults.severity.map(Severity::as_str)),
        ];
        for (key, value) in wanted {
            if let (None, Some(v)) = (has(key), value) {
                prefix.push_str(&format!("// {key}: {v}\n"));
            }
        }
        let added = prefix.lines().count();
        self.with_rule(&file, &format!("{prefix}{text}"))
            .map_err(|e| match e {
                // Lines as the caller wrote them, not as shifted by the added header.
                RuleError::Syntax {
                    file,
                    line,
                    column,
                    message,
                } => RuleError::Syntax {
                    file,
                    line: line.saturating_sub(added),
                    column,
                    message,
                },
                other => other,
            })
    }

    pub fn name(&self) -> &str {
        &self.inner.source.manifest.name
    }

    pub fn version(&self) -> &str {
        &self.inner.source.manifest.version
    }

    /// `name@version`, as reports name the pack.
    pub fn label(&self) -> String {
        if self.version().is_empty() {
            self.name().to_string()
        } else {
            format!("{}@{}", self.name(), self.version())
        }
    }

    pub fn policies(&self) -> &PolicyOverrides {
        &self.inner.source.manifest.policies
    }

    pub fn rules(&self) -> &[Rule] {
        &self.inner.rules
    }

    pub fn source(&self) -> &PackSource {
        &self.inner.source
    }

    /// Hex SHA-256 of the pack's content: see [`content_sha256`].
    pub fn sha256(&self) -> &str {
        &self.inner.sha256
    }

    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// Runs one rule's `check(x)` on the budget of one call (see [`super::budget`]). Errors
    /// (runtime, limits, deadlines, wrong return type) come back as text for an error finding;
    /// they never stop other rules.
    pub(crate) fn run(
        &self,
        rule: &Rule,
        scope: &mut Scope,
        x: Dynamic,
        facts: &dyn Placeholders,
        budget: &EvaluationBudget,
    ) -> Result<Verdict, RuleFailure> {
        let value = self.call(rule, scope, x, budget)?;
        Self::judge(rule, value, facts, true)
    }

    /// The first half of [`RulePack::run`]: the value `check(x)` returned, unread.
    pub(crate) fn call(
        &self,
        rule: &Rule,
        scope: &mut Scope,
        x: Dynamic,
        budget: &EvaluationBudget,
    ) -> Result<Dynamic, RuleFailure> {
        let options = CallFnOptions::new().eval_ast(false).rewind_scope(true);
        let (value, stop) = budget.call(|| {
            self.inner.engine.call_fn_with_options::<Dynamic>(
                options,
                scope,
                &rule.ast,
                "check",
                (x,),
            )
        });
        let value = match (value, stop) {
            (Err(e), stop) => {
                return Err(RuleFailure {
                    message: self.describe_runtime_error(&e, budget),
                    stopped: stop.is_some() || is_limit(&e),
                })
            }
            // A stopped call failed even if something on the way swallowed the error.
            (Ok(_), Some(stop)) => {
                return Err(RuleFailure {
                    message: self.describe_stop(stop, budget),
                    stopped: true,
                })
            }
            (Ok(v), None) => v,
        };
        Ok(value)
    }

    /// The second half of [`RulePack::run`]: a returned value read strictly as a verdict.
    pub(crate) fn judge(
        rule: &Rule,
        value: Dynamic,
        facts: &dyn Placeholders,
        render: bool,
    ) -> Result<Verdict, RuleFailure> {
        verdict::parse(
            value,
            &verdict::Context {
                default_severity: rule.meta.severity,
                templates: &rule.meta.messages,
                facts,
                render,
            },
        )
        .map_err(RuleFailure::error)
    }

    /// [`RulePack::judge`] in two steps: the value read once ([`verdict::read`]) ...
    pub(crate) fn read(rule: &Rule, value: Dynamic) -> Result<verdict::Reading, String> {
        verdict::read(value, &rule.meta.messages, rule.meta.severity)
    }

    /// ... and the verdict of one call made from it; with [`RulePack::read`], the same as
    /// [`RulePack::judge`].
    pub(crate) fn verdict_of(
        rule: &Rule,
        reading: &Result<verdict::Reading, String>,
        facts: &dyn Placeholders,
        render: bool,
    ) -> Result<Verdict, RuleFailure> {
        match reading {
            Ok(r) => Ok(r.verdict(&verdict::Context {
                default_severity: rule.meta.severity,
                templates: &rule.meta.messages,
                facts,
                render,
            })),
            Err(e) => Err(RuleFailure::error(e.clone())),
        }
    }

    fn describe_stop(&self, stop: Stop, budget: &EvaluationBudget) -> String {
        let limits = &self.inner.limits;
        let given = budget.allowance();
        match stop {
            Stop::Operations => format!(
                "stopped: too many operations (budget of {} spent, closures and native work \
                 included; possible endless loop)",
                limits.max_operations
            ),
            Stop::CallDeadline => format!(
                "stopped: the rule call ran past its time limit of {} ms",
                limits.rule_call_ms
            ),
            Stop::EvaluationOperations => format!(
                "stopped: a block of the evaluation spent its share of the budget of {} operations \
                 for {} instances \
                 and submissions (max_evaluation_operations, evaluation_operations_per_instance)",
                given.operations, given.instances
            ),
            Stop::EvaluationDeadline => format!(
                "stopped: the evaluation ran past its time limit of {} ms for {} instances and \
                 submissions (evaluation_ms, evaluation_us_per_instance)",
                given.ms, given.instances
            ),
        }
    }

    fn describe_runtime_error(&self, e: &rhai::EvalAltResult, budget: &EvaluationBudget) -> String {
        use rhai::EvalAltResult as E;
        let what = match root_cause(e) {
            E::ErrorTooManyOperations(_) => self.describe_stop(Stop::Operations, budget),
            E::ErrorTerminated(token, _) => match Stop::from_token(token) {
                Some(stop) => self.describe_stop(stop, budget),
                None => e.to_string(),
            },
            E::ErrorStackOverflow(_) => {
                "stopped: call stack too deep (possible endless recursion)".to_string()
            }
            E::ErrorDataTooLarge(what, _) => format!("stopped: {what} too large"),
            _ => e.to_string(),
        };
        let pos = e.position();
        if pos.is_none() {
            what
        } else {
            format!(
                "{what} (line {}, column {})",
                pos.line().unwrap_or(0),
                pos.position().unwrap_or(0)
            )
        }
    }
}

/// Whether a sandbox limit (rather than the rule's own logic) ended the call.
fn is_limit(e: &rhai::EvalAltResult) -> bool {
    use rhai::EvalAltResult as E;
    matches!(
        root_cause(e),
        E::ErrorTooManyOperations(_)
            | E::ErrorTerminated(..)
            | E::ErrorStackOverflow(_)
            | E::ErrorDataTooLarge(..)
    )
}

/// The error under the `in function ...` wrappers Rhai adds at each nested call.
fn root_cause(e: &rhai::EvalAltResult) -> &rhai::EvalAltResult {
    match e {
        rhai::EvalAltResult::ErrorInFunctionCall(_, _, inner, _) => root_cause(inner),
        other => other,
    }
}

fn read_dir_source(dir: &Path, limits: &Limits) -> Result<PackSource, RuleError> {
    let io = |p: &Path, e: std::io::Error| RuleError::Io {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    let manifest_path = dir.join("pack.json");
    let manifest = if manifest_path.exists() {
        let text = std::fs::read_to_string(&manifest_path).map_err(|e| io(&manifest_path, e))?;
        serde_json::from_str(&text).map_err(|e| RuleError::Manifest {
            file: manifest_path.display().to_string(),
            message: e.to_string(),
        })?
    } else {
        PackManifest {
            name: dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "rules".into()),
            ..PackManifest::default()
        }
    };
    let mut source = PackSource {
        manifest,
        ..PackSource::default()
    };
    for path in entries {
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let target = if name.ends_with(".rhai") {
            &mut source.rules
        } else if name.ends_with(".test.json") {
            &mut source.tests
        } else {
            continue;
        };
        // A rule over the size limit is refused before it is read into memory.
        let size = std::fs::metadata(&path).map_err(|e| io(&path, e))?.len();
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        if name.ends_with(".rhai") && size > limits.max_rule_bytes {
            return Err(RuleError::TooLarge {
                file: name,
                size,
                max: limits.max_rule_bytes,
            });
        }
        let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
        target.push(SourceFile { name, text });
    }
    Ok(source)
}

/// Manifest order first, then the rest by name; a listed file that is missing is an error.
fn order_rules(source: &mut PackSource) -> Result<(), RuleError> {
    let mut ordered = Vec::with_capacity(source.rules.len());
    for name in &source.manifest.rules {
        let pos = source
            .rules
            .iter()
            .position(|f| &f.name == name)
            .ok_or_else(|| RuleError::Manifest {
                file: "pack.json".into(),
                message: format!("rule file '{name}' is listed but not present"),
            })?;
        ordered.push(source.rules.remove(pos));
    }
    source.rules.sort_by(|a, b| a.name.cmp(&b.name));
    ordered.append(&mut source.rules);
    source.rules = ordered;
    Ok(())
}

/// Whether the 1-based `line`:`column` of `text` comes right after `<digit>.`, as in `1.5`: the
/// rule language has no floating point (Rhai's `no_float`), and Rhai's own message does not say so.
fn follows_decimal_point(text: &str, line: usize, column: usize) -> bool {
    let Some(l) = text.lines().nth(line.saturating_sub(1)) else {
        return false;
    };
    let before: Vec<char> = l.chars().take(column.saturating_sub(1)).collect();
    matches!(before.as_slice(), [.., d, '.'] if d.is_ascii_digit())
}

fn compile_rule(engine: &Engine, limits: &Limits, file: &SourceFile) -> Result<Rule, RuleError> {
    if file.text.len() > limits.max_rule_bytes {
        return Err(RuleError::TooLarge {
            file: file.name.clone(),
            size: file.text.len(),
            max: limits.max_rule_bytes,
        });
    }
    let meta = parse_meta(file)?;
    let ast = engine.compile(&file.text).map_err(|e| {
        let pos = e.position();
        let (line, column) = (pos.line().unwrap_or(0), pos.position().unwrap_or(0));
        let mut message = e.err_type().to_string();
        if follows_decimal_point(&file.text, line, column) {
            message.push_str(
                " (numbers in rules are whole numbers: there is no floating point, so results \
                 are the same on every platform)",
            );
        }
        RuleError::Syntax {
            file: file.name.clone(),
            line,
            column,
            message,
        }
    })?;
    let has_check = ast
        .iter_functions()
        .any(|f| f.name == "check" && f.params.len() == 1);
    if !has_check {
        return Err(RuleError::Metadata {
            file: file.name.clone(),
            message: "a rule must define `fn check(x)` taking one argument".into(),
        });
    }
    Ok(Rule {
        id: meta.id.as_str().into(),
        when: compile_when(&meta),
        meta,
        file: file.name.clone(),
        ast,
    })
}

/// Reads the header: leading `// key: value` comment lines (id, title, applies_to, severity,
/// description).
/// The `// key: value` lines of a rule's header comment (blank lines skipped, up to the first
/// line of code), trimmed: the one reading of headers, for compiling and for inline rules.
fn header_pairs(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map_while(|l| l.strip_prefix("//"))
        .filter_map(|c| c.split_once(':'))
        .map(|(k, v)| (k.trim(), v.trim()))
}

fn parse_meta(file: &SourceFile) -> Result<RuleMeta, RuleError> {
    let err = |message: String| RuleError::Metadata {
        file: file.name.clone(),
        message,
    };
    let (mut id, mut title, mut applies, mut severity, mut description) =
        (None, None, None, Severity::Warning, String::new());
    let mut when_lines: Vec<String> = Vec::new();
    let mut message_lines: Vec<String> = Vec::new();
    for (key, value) in header_pairs(&file.text) {
        let value = value.to_string();
        match key {
            "id" => id = Some(value),
            "title" => title = Some(value),
            "applies_to" => {
                applies = Some(match value.as_str() {
                    "instance" => AppliesTo::Instance,
                    "submission" => AppliesTo::Submission,
                    other => {
                        return Err(err(format!(
                            "applies_to '{other}': expected instance or submission"
                        )))
                    }
                })
            }
            "severity" => {
                severity = Severity::parse(&value).ok_or_else(|| {
                    err(format!(
                        "severity '{value}': expected info, warning or error"
                    ))
                })?
            }
            "when" => when_lines.push(value),
            "message" => message_lines.push(value),
            "description" => {
                if !description.is_empty() {
                    description.push(' ');
                }
                description.push_str(&value);
            }
            _ => {}
        }
    }
    let id = id.ok_or_else(|| err("missing `// id: ...` in the header comment".into()))?;
    let valid_id = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b));
    if !valid_id {
        return Err(err(format!(
            "rule id '{id}': use lower-case letters, digits, '-', '_' or '.'"
        )));
    }
    let applies_to =
        applies.ok_or_else(|| err("missing `// applies_to: instance|submission`".into()))?;
    let when = when_lines
        .iter()
        .map(|l| parse_when(l, applies_to).map_err(&err))
        .collect::<Result<_, _>>()?;
    let mut messages: Vec<MessageTemplate> = Vec::new();
    for line in &message_lines {
        let t = parse_message(line, applies_to).map_err(&err)?;
        if messages.iter().any(|m| m.id == t.id) {
            return Err(err(format!("message '{}' is defined twice", t.id)));
        }
        messages.push(t);
    }
    Ok(RuleMeta {
        messages,
        id,
        title: title.ok_or_else(|| err("missing `// title: ...` in the header comment".into()))?,
        applies_to,
        severity,
        description,
        when,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_hex_is_two_lower_case_digits_per_byte() {
        let all: Vec<u8> = (0..=255).collect();
        let expected: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(lower_hex(&all), expected);
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    fn pack_of(rules: &[(&str, &str)]) -> Result<RulePack, RuleError> {
        RulePack::compile(
            PackSource {
                manifest: PackManifest {
                    name: "t".into(),
                    ..Default::default()
                },
                rules: rules
                    .iter()
                    .map(|(n, t)| SourceFile {
                        name: (*n).into(),
                        text: (*t).into(),
                    })
                    .collect(),
                tests: vec![],
            },
            Limits::default(),
        )
    }

    const HEADER: &str = "// id: r\n// title: T\n// applies_to: instance\n";

    #[test]
    fn syntax_error_names_file_line_and_column() {
        let e = pack_of(&[(
            "bad.rhai",
            &format!("{HEADER}fn check(x) {{\n  let y = ;\n}}"),
        )])
        .unwrap_err();
        match e {
            RuleError::Syntax {
                file, line, column, ..
            } => {
                assert_eq!(file, "bad.rhai");
                assert_eq!(line, 5);
                assert!(column > 0);
            }
            other => panic!("expected syntax error, got {other:?}"),
        }
    }

    #[test]
    fn a_decimal_number_is_a_syntax_error_that_says_why() {
        let e = pack_of(&[(
            "f.rhai",
            &format!("{HEADER}fn check(x) {{\n  let days = 1.5;\n}}"),
        )])
        .unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("f.rhai:5:"), "{text}");
        assert!(text.contains("no floating point"), "{text}");
        // An ordinary syntax error gets no such hint.
        let e = pack_of(&[("g.rhai", &format!("{HEADER}fn check(x) {{ let = 1; }}"))]);
        assert!(!e.unwrap_err().to_string().contains("floating"));
    }

    #[test]
    fn header_is_required_and_checked() {
        let e = pack_of(&[("a.rhai", "fn check(x) { () }")]).unwrap_err();
        assert!(e.to_string().contains("a.rhai: missing `// id"), "{e}");
        let e = pack_of(&[(
            "a.rhai",
            "// id: a\n// title: t\n// applies_to: form\nfn check(x) {}",
        )])
        .unwrap_err();
        assert!(e.to_string().contains("applies_to 'form'"), "{e}");
        let e = pack_of(&[("a.rhai", &format!("{HEADER}fn other(x) {{}}"))]).unwrap_err();
        assert!(e.to_string().contains("fn check(x)"), "{e}");
    }

    #[test]
    fn duplicate_ids_are_rejected() {
        let src = format!("{HEADER}fn check(x) {{}}");
        let e = pack_of(&[("a.rhai", &src), ("b.rhai", &src)]).unwrap_err();
        assert!(matches!(e, RuleError::DuplicateId { .. }), "{e}");
    }

    #[test]
    fn undefined_variables_fail_at_compile_time() {
        let e = pack_of(&[("a.rhai", &format!("{HEADER}fn check(x) {{ y }}"))]).unwrap_err();
        assert!(matches!(e, RuleError::Syntax { .. }), "{e}");
    }

    #[test]
    fn eval_is_not_available() {
        let e = pack_of(&[("a.rhai", &format!("{HEADER}fn check(x) {{ eval(\"1\") }}"))]);
        assert!(e.is_err(), "eval must be disabled");
    }

    #[test]
    fn message_templates_are_checked_when_the_pack_compiles() {
        let bad = format!(
            "{HEADER}// message: late | warning | {{agency}} {{colour}} | x\nfn check(x) {{}}"
        );
        let e = pack_of(&[("a.rhai", &bad)]).unwrap_err();
        assert!(
            e.to_string().contains("unknown placeholder {colour}"),
            "{e}"
        );
        let bad = format!("{HEADER}// message: late | warning | only three\nfn check(x) {{}}");
        let e = pack_of(&[("a.rhai", &bad)]).unwrap_err();
        assert!(e.to_string().contains("expected `id | severity"), "{e}");
        let bad = format!("{HEADER}// message: late | loud | a | b\nfn check(x) {{}}");
        assert!(pack_of(&[("a.rhai", &bad)]).is_err());
    }
}
