//! Rule unit tests (`*.test.json` beside the rules), run by `tuanthu test`, like `opa test`.
//!
//! ```json
//! {"rule": "status", "cases": [
//!   {"name": "received on the last day is on time",
//!    "instance": {"obligation": "IV.1", "schedule": "recurring", "agency": "Sở Tư pháp",
//!                 "period": "2026", "due": "2026-11-16", "received": "2026-11-16", "as_of": "2026-11-23"},
//!    "expect": {"status": "done_on_time"}}]}
//! ```
//! `expect` may hold `status`, `due_soon`, `findings` (each `{severity, contains?, field?}`, in
//! order, all of them), `error` (text the rule error must contain) or `nothing: true`.

use std::sync::Arc;

use rhai::{Dynamic, Scope};
use serde::{Deserialize, Serialize};

use super::date::Cal;
use super::pack::{AppliesTo, Flags, RuleError, RulePack, SourceFile};
use super::verdict::{Placeholders, Verdict};
use super::views::{InstanceFacts, InstanceView, SubmissionFacts, SubmissionView};
use crate::calendar::Calendar;
use crate::model::Severity;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Suite {
    rule: String,
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    instance: Option<InstanceFacts>,
    #[serde(default)]
    submission: Option<SubmissionFacts>,
    expect: Expect,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    #[serde(default)]
    nothing: bool,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    due_soon: Option<bool>,
    #[serde(default)]
    findings: Option<Vec<ExpectFinding>>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectFinding {
    severity: Severity,
    #[serde(default)]
    contains: Option<String>,
    #[serde(default)]
    field: Option<String>,
}

/// Outcome of one test case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseResult {
    pub file: String,
    pub rule: String,
    pub name: String,
    /// `None` when the case passed; otherwise what differed.
    pub failure: Option<String>,
}

/// Outcome of a pack's tests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestReport {
    pub cases: Vec<CaseResult>,
}

impl TestReport {
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.failure.is_none()).count()
    }
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
    /// Rules of the pack without any test case.
    pub fn untested_rules(&self, pack: &RulePack) -> Vec<String> {
        pack.rules()
            .iter()
            .filter(|r| !self.cases.iter().any(|c| c.rule == r.meta.id))
            .map(|r| r.meta.id.clone())
            .collect()
    }
}

pub(crate) fn parse_suite(file: &SourceFile) -> Result<Suite, RuleError> {
    serde_json::from_str(&file.text).map_err(|e| RuleError::Manifest {
        file: file.name.clone(),
        message: format!("line {}, column {}: {e}", e.line(), e.column()),
    })
}

impl RulePack {
    /// Runs every test file of the pack.
    pub fn run_tests(&self) -> TestReport {
        let cal = Cal(Arc::new(Calendar::vietnam()));
        let mut report = TestReport::default();
        let mut scope = Scope::new();
        for file in &self.source().tests {
            let suite = match parse_suite(file) {
                Ok(s) => s,
                Err(e) => {
                    report.cases.push(CaseResult {
                        file: file.name.clone(),
                        rule: String::new(),
                        name: String::new(),
                        failure: Some(e.to_string()),
                    });
                    continue;
                }
            };
            let rule = self.rules().iter().find(|r| r.meta.id == suite.rule);
            for case in suite.cases {
                let failure = match rule {
                    None => Some(format!("no rule with id '{}' in the pack", suite.rule)),
                    Some(rule) => run_case(self, rule, &case, &cal, &mut scope).err(),
                };
                report.cases.push(CaseResult {
                    file: file.name.clone(),
                    rule: suite.rule.clone(),
                    name: case.name,
                    failure,
                });
            }
        }
        report
    }
}

fn run_case(
    pack: &RulePack,
    rule: &super::pack::Rule,
    case: &Case,
    cal: &Cal,
    scope: &mut Scope,
) -> Result<(), String> {
    // A rule whose `when:` lines exclude the case says nothing, exactly as in evaluation.
    let applies = match (&case.instance, &case.submission) {
        (Some(i), _) => rule.applies(&Flags::new(i, AppliesTo::Instance)),
        (_, Some(s)) => rule.applies(&Flags::new(s, AppliesTo::Submission)),
        _ => true,
    };
    if !applies {
        return check(&case.expect, Ok(Verdict::default()));
    }
    let (x, facts): (Dynamic, &dyn Placeholders) =
        match (rule.meta.applies_to, &case.instance, &case.submission) {
            (AppliesTo::Instance, Some(i), None) => (
                Dynamic::from(InstanceView {
                    facts: Arc::new(i.clone()),
                    cal: cal.clone(),
                }),
                i,
            ),
            (AppliesTo::Submission, None, Some(s)) => (
                Dynamic::from(SubmissionView {
                    facts: Arc::new(s.clone()),
                    cal: cal.clone(),
                }),
                s,
            ),
            (AppliesTo::Instance, ..) => {
                return Err("an instance rule's case needs `instance` (only)".into())
            }
            (AppliesTo::Submission, ..) => {
                return Err("a submission rule's case needs `submission` (only)".into())
            }
        };
    let budget = super::budget::EvaluationBudget::start(pack.limits(), 1);
    let outcome = pack
        .run(rule, scope, x, facts, &budget)
        .map_err(|f| f.message);
    check(&case.expect, outcome)
}

fn check(expect: &Expect, outcome: Result<Verdict, String>) -> Result<(), String> {
    let verdict = match (outcome, &expect.error) {
        (Err(e), Some(want)) if e.contains(want.as_str()) => return Ok(()),
        (Err(e), _) => return Err(format!("rule failed: {e}")),
        (Ok(v), Some(want)) => {
            return Err(format!("expected an error containing '{want}', got {v:?}"))
        }
        (Ok(v), None) => v,
    };
    if expect.nothing {
        return if verdict.is_empty() {
            Ok(())
        } else {
            Err(format!("expected no verdict, got {verdict:?}"))
        };
    }
    if let Some(want) = &expect.status {
        let got = verdict.status.map(|s| s.as_str()).unwrap_or("(none)");
        if got != want {
            return Err(format!("status: expected {want}, got {got}"));
        }
    }
    if let Some(want) = expect.due_soon {
        if verdict.due_soon.unwrap_or(false) != want {
            return Err(format!(
                "due_soon: expected {want}, got {:?}",
                verdict.due_soon
            ));
        }
    }
    if let Some(want) = &expect.findings {
        if want.len() != verdict.messages.len() {
            return Err(format!(
                "expected {} finding(s), got {}: {:?}",
                want.len(),
                verdict.messages.len(),
                verdict.messages
            ));
        }
        for (w, got) in want.iter().zip(&verdict.messages) {
            if w.severity != got.severity {
                return Err(format!(
                    "finding severity: expected {:?}, got {:?} ({})",
                    w.severity, got.severity, got.message_en
                ));
            }
            if let Some(c) = &w.contains {
                if !got.message_vi.contains(c.as_str()) && !got.message_en.contains(c.as_str()) {
                    return Err(format!(
                        "finding should contain '{c}': {} / {}",
                        got.message_vi, got.message_en
                    ));
                }
            }
            if w.field.is_some() && w.field != got.field {
                return Err(format!(
                    "finding field: expected {:?}, got {:?}",
                    w.field, got.field
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::rules::AppliesTo;

    #[test]
    fn when_lines_read_from_kept_flags_decide_as_by_name() {
        // Every rule of the standard pack on the facts of every test case of the pack: the
        // evaluation's reading of `when:` (flags by position, each read once) agrees with
        // `RuleMeta::applies` (by name), both ways.
        let pack = RulePack::standard().unwrap();
        let (mut run, mut skipped) = (0, 0);
        for file in &pack.source().tests {
            for case in parse_suite(file).unwrap().cases {
                for rule in pack.rules() {
                    let (by_name, kept) =
                        match (rule.meta.applies_to, &case.instance, &case.submission) {
                            (AppliesTo::Instance, Some(i), _) => (
                                rule.meta.applies(i),
                                rule.applies(&Flags::new(i, AppliesTo::Instance)),
                            ),
                            (AppliesTo::Submission, _, Some(s)) => (
                                rule.meta.applies(s),
                                rule.applies(&Flags::new(s, AppliesTo::Submission)),
                            ),
                            _ => continue,
                        };
                    assert_eq!(kept, by_name, "{} on {}", rule.meta.id, case.name);
                    if rule.meta.when.is_empty() {
                        continue;
                    }
                    if by_name {
                        run += 1;
                    } else {
                        skipped += 1;
                    }
                }
            }
        }
        assert!(run > 20 && skipped > 20, "{run} {skipped}");
    }
}
