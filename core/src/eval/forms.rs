//! Submission forms checked against a plan prepared once: the plan-side work of a check (the plan
//! checked, its instances made and indexed, the registry's names folded) depends on the plan,
//! the registry, the events, the policies and the as-of date, never on the form, and on a
//! province of hundreds of agencies it is nearly all of a check's cost.

use std::borrow::Cow;

use std::sync::Arc;

use chrono::NaiveDate;
use rhai::Scope;

use super::expand::{Instance, Registry, RegistryIndex};
use super::matching::{Claim, InstanceIndex, Matched, Matcher};
use super::{memo, validate, EvalError, Evaluator, Expanded, FormContext, RuleRun, SubmissionForm};
use crate::calendar::Calendar;
use crate::model::{parse_date_text, AgencyRegistry, Finding, Message, Period, Plan, Severity};
use crate::policy::Policies;
use crate::rules::date::Cal;

/// A plan made ready for [`PreparedForms::check`]: see [`Evaluator::prepare_forms`]. `Send`, so
/// a host may keep one (made [`PreparedForms::into_owned`]) per plan revision and day, behind a
/// lock, and check forms on any thread.
pub struct PreparedForms<'a> {
    evaluator: Evaluator,
    plan: Cow<'a, Plan>,
    registry: Option<Cow<'a, AgencyRegistry>>,
    /// The registry's names and aliases by key.
    by_key: RegistryIndex,
    as_of: NaiveDate,
    policies: Policies,
    cal: Arc<Calendar>,
    instances: Vec<Instance>,
    index: InstanceIndex,
}

impl<'a> PreparedForms<'a> {
    pub(super) fn new(
        evaluator: &Evaluator,
        plan: &'a Plan,
        cx: &FormContext<'a>,
    ) -> Result<Self, EvalError> {
        validate(plan, cx.events, cx.as_of)?;
        let Expanded {
            policies,
            cal,
            registry,
            instances,
        } = evaluator.expand_plan(plan, cx)?;
        let index = InstanceIndex::new(&instances);
        Ok(PreparedForms {
            evaluator: evaluator.clone(),
            plan: Cow::Borrowed(plan),
            registry: cx.registry.map(Cow::Borrowed),
            by_key: registry.into_index(),
            as_of: cx.as_of,
            policies,
            cal,
            instances,
            index,
        })
    }

    /// The same, owning its copy of the plan and of the registry.
    pub fn into_owned(self) -> PreparedForms<'static> {
        PreparedForms {
            evaluator: self.evaluator,
            plan: Cow::Owned(self.plan.into_owned()),
            registry: self.registry.map(|r| Cow::Owned(r.into_owned())),
            by_key: self.by_key,
            as_of: self.as_of,
            policies: self.policies,
            cal: self.cal,
            instances: self.instances,
            index: self.index,
        }
    }

    /// The plan's as-of date: a check is of this day.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// What [`Evaluator::check_submission`] gives for `form`: its field-level findings, and
    /// whether it would count as the evidence of an instance. Instances a claim adds (an agency
    /// of a group nobody expanded) are forgotten afterwards, so every check sees the plan as
    /// prepared.
    pub fn check(&mut self, form: &SubmissionForm) -> Result<(Vec<Finding>, bool), EvalError> {
        let before = self.instances.len();
        let m = self.claim(form);
        self.index.forget_from(&self.instances, before);
        self.instances.truncate(before);
        if let Some(missing) = missing_fields(form) {
            return Ok((missing, false));
        }
        // What `evaluate` does with a claim: it is the evidence of its instance when it counts.
        let counted = m.instance.is_some() && m.counts;
        let base = Finding {
            rule: Arc::default(),
            severity: Severity::Info,
            obligation: Some(crate::model::SharedObligationId::from(Arc::from(
                form.obligation.trim(),
            ))),
            agency: Some(m.facts.agency.clone()),
            period: m.facts.period.as_deref().and_then(|p| p.parse().ok()),
            stage: m.facts.stage.as_deref().map(Arc::from),
            submission: None,
            field: None,
            message_vi: Message::default(),
            message_en: Message::default(),
            rule_failed: false,
        };
        let ev = &self.evaluator;
        let mut scope = Scope::new();
        let mut memos = ev
            .pack
            .rules()
            .iter()
            .map(|_| memo::Memo::default())
            .collect();
        let mut run = RuleRun::new(&ev.pack, 1, &mut memos);
        let facts = Arc::new(m.facts);
        ev.run_submission_rules(facts, &Cal(self.cal.clone()), &mut scope, &base, &mut run);
        Ok((run.sink.finish(run.budget.allowance()), counted))
    }

    /// The form matched against the prepared instances.
    fn claim(&mut self, form: &SubmissionForm) -> Matched {
        let blank = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        let period = blank(&form.period).map(|p| p.parse::<Period>().map_err(|_| p));
        let stage = blank(&form.stage);
        let document_number = blank(&form.document_number);
        let registry = Registry::with_index(self.registry.as_deref(), Cow::Borrowed(&self.by_key));
        let matcher = Matcher::new(&self.plan, &registry, self.as_of, &self.policies);
        matcher.claim(
            &Claim {
                agency: &form.agency,
                obligation: &form.obligation,
                stage: stage.as_deref(),
                period,
                received: parse_date_text(&form.received),
                received_text: Some(form.received.trim()),
                document_number: document_number.as_deref(),
                is_form: true,
            },
            &mut self.instances,
            &mut self.index,
        )
    }
}

/// Empty required fields, reported by the host: rules judge what was typed.
fn missing_fields(form: &SubmissionForm) -> Option<Vec<Finding>> {
    let required = [
        (
            &form.agency,
            "agency",
            "Chưa chọn cơ quan",
            "Choose an agency",
        ),
        (
            &form.obligation,
            "obligation",
            "Chưa chọn nhiệm vụ",
            "Choose an obligation",
        ),
        (
            &form.received,
            "received",
            "Chưa nhập ngày nhận",
            "Enter the received date",
        ),
    ];
    let findings: Vec<Finding> = required
        .into_iter()
        .filter(|(value, ..)| value.trim().is_empty())
        .map(|(_, field, vi, en)| Finding {
            field: Some(field.into()),
            ..Finding::error("form.required", vi, en)
        })
        .collect();
    (!findings.is_empty()).then_some(findings)
}
