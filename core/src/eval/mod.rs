//! Evaluation: a plan, evidence, events, an as-of date and policies → a [`Report`].
//!
//! ```
//! use tuanthu::eval::{EvaluationRequest, Evaluator};
//! let evaluator = Evaluator::standard().unwrap();
//! let request: EvaluationRequest = serde_json::from_str(r#"{
//!   "plan": {"id": "p", "title": "Kế hoạch", "obligations": [{
//!     "id": "II.3", "title": "Rà soát văn bản", "lead": [{"kind": "agency", "name": "Sở Tư pháp"}],
//!     "schedule": {"type": "once", "deadline": {"date": "2026-04-20", "bound": "before"}}}]},
//!   "submissions": [{"agency": "Sở Tư pháp", "obligation": "II.3", "received": "2026-04-21",
//!                    "document_number": "12/BC-STP"}],
//!   "as_of": "2026-05-01"}"#).unwrap();
//! let report = evaluator.evaluate(&request).unwrap();
//! assert_eq!(report.assessments[0].status, tuanthu::model::Status::DoneLate);
//! assert_eq!(report.assessments[0].days_late, Some(2));
//! ```

mod blocks;
mod due;
mod expand;
pub(crate) mod explain;
mod forms;
mod hash;
mod matching;
mod memo;
mod session;
mod sink;

use std::cell::OnceCell;
use std::collections::BTreeMap;

/// The hash maps an evaluation keeps for itself (texts shared per period or date, agency and
/// obligation lookups, memo nodes, rule lists): foldhash costs a fraction of SipHash per
/// lookup. Some keys are text a caller chose (agency names, obligation ids), so the hasher is
/// seeded at random per map, as SipHash's is: an input written to collide in one process does
/// not in another, and each map lives for one evaluation.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// [`FastMap`]'s set.
pub(crate) type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
use std::sync::Arc;

use chrono::NaiveDate;
use rhai::{Dynamic, Scope};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError, CalendarOverrides};
use crate::model::{
    AgencyRegistry, Assessment, Event, Finding, Message, PackIdentity, Plan, Provenance, Report,
    Severity, Status, Submission, Summary,
};
use crate::policy::{Policies, PolicyOverrides};
use crate::rules::budget::{EvaluationBudget, EvaluationShares};
use crate::rules::date::Cal;
use crate::rules::verdict::{Placeholders, Verdict};
use crate::rules::views::{
    self, InstanceFacts, InstanceView, Key, SubmissionFacts, SubmissionView,
};
use crate::rules::Flags;
use crate::rules::{AppliesTo, Rule, RuleError, RuleFailure, RulePack};
pub use expand::REGISTRY_RULE;
use expand::{Context, Instance, Registry};
pub use forms::PreparedForms;
use hash::canonical_sha256;
use matching::{Matcher, Matching};
pub use session::{EvaluationSession, Reuse};
pub use sink::LIMITS_RULE;
use sink::{FindingSink, SkipReason};

/// Everything one evaluation needs. The JSON contract shared by the CLI and the bindings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationRequest {
    pub plan: Plan,
    #[serde(default)]
    pub submissions: Vec<Submission>,
    #[serde(default)]
    pub events: Vec<Event>,
    /// The day the evaluation speaks for (no wall clock anywhere).
    pub as_of: NaiveDate,
    /// Caller's policy choices; they win over the plan's and the rule pack's.
    #[serde(default, skip_serializing_if = "PolicyOverrides::is_empty")]
    pub policies: PolicyOverrides,
    /// The province's agencies, so groups expand to concrete agencies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<AgencyRegistry>,
    /// Extra days off (e.g. 24/11 Ngày Văn hóa Việt Nam) and make-up working days.
    #[serde(default, skip_serializing_if = "is_default_calendar")]
    pub calendar: CalendarOverrides,
}

fn is_default_calendar(c: &CalendarOverrides) -> bool {
    c.days_off.is_empty() && c.working_days.is_empty()
}

/// A report-submission form as typed: every field is text, possibly incomplete.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionForm {
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub obligation: String,
    #[serde(default)]
    pub stage: Option<String>,
    #[serde(default)]
    pub period: Option<String>,
    /// `dd/mm/yyyy` or `yyyy-mm-dd`.
    #[serde(default)]
    pub received: String,
    #[serde(default)]
    pub document_number: Option<String>,
}

/// A stored submission as the form that would have filed it (the received date as
/// `YYYY-MM-DD`): what a host checks before it stores a submission.
impl From<&Submission> for SubmissionForm {
    fn from(s: &Submission) -> Self {
        SubmissionForm {
            agency: s.agency.clone(),
            obligation: s.obligation.as_str().to_string(),
            stage: s.stage.clone(),
            period: s.period.as_ref().map(ToString::to_string),
            received: s.received.format("%Y-%m-%d").to_string(),
            document_number: s.document_number.clone(),
        }
    }
}

/// A form to validate against a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormRequest {
    pub plan: Plan,
    pub form: SubmissionForm,
    pub as_of: NaiveDate,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default, skip_serializing_if = "PolicyOverrides::is_empty")]
    pub policies: PolicyOverrides,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<AgencyRegistry>,
    #[serde(default, skip_serializing_if = "is_default_calendar")]
    pub calendar: CalendarOverrides,
}

/// What a form is validated, or a plan evaluated, against besides the plan (and submissions):
/// the borrowed fields of a [`FormRequest`] or an [`EvaluationRequest`].
#[derive(Debug, Clone, Copy)]
pub struct FormContext<'a> {
    pub as_of: NaiveDate,
    pub events: &'a [Event],
    pub policies: &'a PolicyOverrides,
    pub registry: Option<&'a AgencyRegistry>,
    pub calendar: &'a CalendarOverrides,
}

/// `context()` on both request types: their parts besides the plan and the submissions or the
/// form, borrowed (the two types share these fields; serde's `flatten` cannot share them with
/// `deny_unknown_fields`).
macro_rules! request_context {
    ($($request:ty),+) => {$(
        impl $request {
            /// The request's parts besides the plan and the submissions or the form, borrowed.
            pub fn context(&self) -> FormContext<'_> {
                FormContext {
                    as_of: self.as_of,
                    events: &self.events,
                    policies: &self.policies,
                    registry: self.registry.as_ref(),
                    calendar: &self.calendar,
                }
            }
        }
    )+};
}

request_context!(EvaluationRequest, FormRequest);

/// Why an evaluation could not run. Rule failures are not errors: they become findings.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("calendar overrides: {0}")]
    Calendar(#[from] CalendarError),
    #[error("plan: obligation {obligation}: {message}")]
    Plan { obligation: String, message: String },
    #[error("plan: obligation id '{0}' is used twice; ids must be unique")]
    DuplicateObligation(String),
    #[error("events: event id '{0}' is used twice; ids must be unique")]
    DuplicateEvent(String),
    #[error("as_of {0} is outside the supported years {min}–{max}", min = crate::calendar::MIN_YEAR, max = crate::calendar::MAX_YEAR)]
    AsOfOutOfRange(NaiveDate),
    /// A date of the request (a submission's `received`, an event's date or deadline) outside
    /// the calendar's years.
    #[error("{field}: {source}")]
    DateOutOfRange {
        /// Where the date is, e.g. `submissions[3].received`.
        field: String,
        source: crate::calendar::DateOutOfRange,
    },
}

/// A compiled rule pack plus the base calendar: build once, evaluate many times (thread-safe).
#[derive(Debug, Clone)]
pub struct Evaluator {
    pack: RulePack,
    calendar: Arc<Calendar>,
    /// Threads one evaluation may use; 0 lets the evaluator choose.
    threads: usize,
}

impl Evaluator {
    pub fn new(pack: RulePack) -> Self {
        Evaluator {
            pack,
            calendar: Arc::new(Calendar::vietnam()),
            threads: 0,
        }
    }

    /// At most `threads` threads for one evaluation (capped at 8) of at least 2,048 instances
    /// and submissions; 0 or 1 (the default) judges everything on the calling thread. Measured on
    /// an idle 2-core machine, a second thread took 6 % off a national run's wall time and added
    /// 5 % to a province's, for 20–40 % more CPU, so it is the host's choice, not the default.
    /// The report is the same, byte for byte, for any count ("Evaluation blocks" in the
    /// README).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Threads for an evaluation that judges `units` instances and submissions.
    fn threads_for(&self, units: usize) -> usize {
        if cfg!(target_arch = "wasm32") {
            return 1;
        }
        if units < blocks::pool_units() {
            return 1;
        }
        self.threads.clamp(1, blocks::MAX_THREADS)
    }

    /// With the embedded standard rule pack.
    pub fn standard() -> Result<Self, RuleError> {
        Ok(Evaluator::new(RulePack::standard()?))
    }

    pub fn pack(&self) -> &RulePack {
        &self.pack
    }

    /// Policies in force: built-in defaults < rule pack < plan < caller.
    pub fn policies_for(&self, plan: &Plan, caller: &PolicyOverrides) -> Policies {
        Policies::default()
            .with(self.pack.policies())
            .with(&plan.policies)
            .with(caller)
    }

    fn calendar_for(&self, o: &CalendarOverrides) -> Result<Arc<Calendar>, EvalError> {
        if is_default_calendar(o) {
            Ok(self.calendar.clone())
        } else {
            Ok(Arc::new((*self.calendar).clone().with_overrides(o)?))
        }
    }

    /// Evaluates every obligation instance of the plan. Deterministic: the same request gives
    /// the same report, byte for byte.
    pub fn evaluate(&self, req: &EvaluationRequest) -> Result<Report, EvalError> {
        self.evaluate_parts(&req.plan, &req.submissions, &req.context())
    }

    /// [`Evaluator::evaluate`] on borrowed parts, for hosts that keep a plan and submissions
    /// (a Python `Plan`, an Arrow table read once) and evaluate them many times: nothing is
    /// copied into a request.
    pub fn evaluate_parts(
        &self,
        plan: &Plan,
        submissions: &[Submission],
        cx: &FormContext<'_>,
    ) -> Result<Report, EvalError> {
        self.evaluate_with(plan, submissions, cx, None)
    }

    /// [`Evaluator::evaluate_parts`], judging the blocks through `session` when given.
    fn evaluate_with(
        &self,
        plan: &Plan,
        submissions: &[Submission],
        cx: &FormContext<'_>,
        session: Option<&mut session::Sink<'_>>,
    ) -> Result<Report, EvalError> {
        validate(plan, cx.events, cx.as_of)?;
        for (k, s) in submissions.iter().enumerate() {
            in_range(s.received, || format!("submissions[{k}].received"))?;
        }
        let (plan_sha256, judged) =
            self.judge(plan, submissions, cx, || canonical_sha256(plan), session)?;
        let Judged {
            policies,
            assessments,
            findings,
            summary,
        } = judged;
        Ok(Report {
            plan: plan.id.clone(),
            as_of: cx.as_of,
            policies,
            rule_pack: self.pack.label(),
            provenance: Provenance {
                plan_sha256,
                rule_pack: self.pack_identity(),
            },
            assessments,
            findings,
            summary,
        })
    }

    /// The work of [`Evaluator::evaluate_parts`] after its checks; `hash` writes the plan's
    /// hash, on another thread when there is one to spare; `session` judges the blocks when
    /// given.
    fn judge(
        &self,
        plan: &Plan,
        submissions: &[Submission],
        cx: &FormContext<'_>,
        hash: impl Fn() -> String + Sync,
        mut session: Option<&mut session::Sink<'_>>,
    ) -> Result<(String, Judged), EvalError> {
        let Expanded {
            policies,
            cal,
            registry,
            ..
        } = self.expand_context(plan, cx)?;
        let matcher = Matcher::new(plan, &registry, cx.as_of, &policies);
        // A session resumes its last matching when these submissions extend its last ones.
        let mut matching = match session.as_mut().and_then(|s| s.resume(submissions)) {
            Some(m) => m,
            None => Matching::new(self.expand_instances(plan, cx, &policies, &cal, &registry)?),
        };
        let changed = matching.extend(&matcher, submissions);
        let names = matcher.into_obligation_names();
        let Matching {
            instances, facts, ..
        } = &mut matching;
        let instances = &*instances;
        // Member instances made for group agencies go right after their obligation's others.
        let mut order: Vec<usize> = (0..instances.len()).collect();
        order.sort_by_key(|&n| instances[n].obligation);

        let units = instances.len() + facts.len();
        let mut prepared = blocks::Prepared {
            evaluator: self,
            plan,
            submissions,
            facts: std::mem::take(facts),
            instances,
            order: &order,
            policies: &policies,
            cal: Cal(cal.clone()),
            as_of: cx.as_of,
            // Every instance and every submission is judged by the rules: the budget grows
            // with both.
            shares: EvaluationShares::start(self.pack.limits(), units),
            closed_from: std::sync::atomic::AtomicUsize::new(usize::MAX),
            names: names.into(),
        };
        let cut = blocks::cut(submissions.len(), instances, &order);
        // More threads than blocks (and the hash) would only wait.
        let threads = self.threads_for(units).min(cut.len() + 1);
        let (plan_sha256, assessments, mut findings) = if let Some(session) = session {
            let judged = session.judge(&prepared, &cut, threads, &hash, &changed);
            let facts = std::mem::take(&mut prepared.facts);
            drop(prepared);
            matching.facts = facts;
            session.keep(submissions, matching);
            judged
        } else if threads > 1 {
            // The plan's hash is one more task of the same threads.
            prepared.judge_all(&cut, threads, &hash)
        } else {
            // The plan's hash is a pure function of the plan: on a big plan it is written on
            // a second thread while the instances are judged (the same bytes either way).
            let parallel = plan.obligations.len() >= PARALLEL_HASH_OBLIGATIONS;
            let (hash, (_, assessments, findings)) =
                beside(&hash, parallel, || prepared.judge_all(&cut, 1, || ()));
            (hash, assessments, findings)
        };
        findings.extend(registry.renamed_findings(plan));
        let summary = summarize(&assessments, &findings);
        Ok((
            plan_sha256,
            Judged {
                policies,
                assessments,
                findings,
                summary,
            },
        ))
    }

    /// Every instance `plan` makes on `cx`'s day, with what matching claims against them needs.
    fn expand_plan<'a>(
        &self,
        plan: &Plan,
        cx: &FormContext<'a>,
    ) -> Result<Expanded<'a>, EvalError> {
        let mut e = self.expand_context(plan, cx)?;
        e.instances = self.expand_instances(plan, cx, &e.policies, &e.cal, &e.registry)?;
        Ok(e)
    }

    /// What matching claims needs besides the instances (none made yet).
    fn expand_context<'a>(
        &self,
        plan: &Plan,
        cx: &FormContext<'a>,
    ) -> Result<Expanded<'a>, EvalError> {
        Ok(Expanded {
            policies: self.policies_for(plan, cx.policies),
            cal: self.calendar_for(cx.calendar)?,
            registry: Registry::new(cx.registry, Some(plan)),
            instances: Vec::new(),
        })
    }

    /// Every instance `plan` makes on `cx`'s day under that context.
    fn expand_instances(
        &self,
        plan: &Plan,
        cx: &FormContext<'_>,
        policies: &Policies,
        cal: &Arc<Calendar>,
        registry: &Registry<'_>,
    ) -> Result<Vec<Instance>, EvalError> {
        let ctx = Context {
            as_of: cx.as_of,
            policies,
            cal,
            events: cx.events,
            registry,
            dues: Default::default(),
        };
        // At least one instance per obligation, nearly always: sized once for a plan of one
        // obligation per row, where growing the vector copied it a dozen times.
        let mut instances = Vec::with_capacity(plan.obligations.len());
        for (i, o) in plan.obligations.iter().enumerate() {
            expand::expand(i, o, &ctx, &mut instances)?;
        }
        Ok(instances)
    }

    /// The plan's and the pack's content hashes, as a report names them.
    pub fn provenance(&self, plan: &Plan) -> Provenance {
        Provenance {
            plan_sha256: canonical_sha256(plan),
            rule_pack: self.pack_identity(),
        }
    }

    fn pack_identity(&self) -> PackIdentity {
        PackIdentity {
            name: self.pack.name().to_string(),
            version: self.pack.version().to_string(),
            sha256: self.pack.sha256().to_string(),
        }
    }

    /// Field-level messages for a report-submission form being typed (`finding.field` names the
    /// field: agency, obligation, stage, period, received, document_number).
    pub fn validate_form(&self, req: &FormRequest) -> Result<Vec<Finding>, EvalError> {
        self.validate_submission(&req.plan, &req.form, &req.context())
    }

    /// [`Evaluator::validate_form`] on borrowed parts, for hosts that keep a parsed plan and
    /// validate a form at every keystroke (the browser binding).
    pub fn validate_submission(
        &self,
        plan: &Plan,
        form: &SubmissionForm,
        cx: &FormContext<'_>,
    ) -> Result<Vec<Finding>, EvalError> {
        self.check_submission(plan, form, cx)
            .map(|(findings, _)| findings)
    }

    /// [`Evaluator::validate_submission`], and whether the submission would count as the
    /// evidence of an instance of the plan (evaluated alone): for a host that stores submissions
    /// and must refuse what the engine would not count, with one check instead of two.
    pub fn check_submission(
        &self,
        plan: &Plan,
        form: &SubmissionForm,
        cx: &FormContext<'_>,
    ) -> Result<(Vec<Finding>, bool), EvalError> {
        self.prepare_forms(plan, cx)?.check(form)
    }

    /// The plan-side work of [`Evaluator::check_submission`] (the plan checked, its instances
    /// made and indexed, the registry's names folded) done once, for a host that checks many
    /// forms against one plan on one as-of date: [`PreparedForms::check`] gives what
    /// `check_submission` gives, form by form. [`PreparedForms::into_owned`] makes one a host can
    /// keep beside its copy of the plan.
    pub fn prepare_forms<'a>(
        &self,
        plan: &'a Plan,
        cx: &FormContext<'a>,
    ) -> Result<PreparedForms<'a>, EvalError> {
        PreparedForms::new(self, plan, cx)
    }

    fn run_submission_rules(
        &self,
        facts: Arc<SubmissionFacts>,
        cal: &Cal,
        scope: &mut Scope,
        base: &Finding,
        run: &mut RuleRun<'_, '_>,
    ) {
        let flags = Flags::new(&*facts, AppliesTo::Submission);
        for (n, rule) in self.pack.rules().iter().enumerate() {
            if rule.meta.applies_to != AppliesTo::Submission || !rule.applies(&flags) {
                continue;
            }
            if let Some(why) = run.skip(n) {
                run.sink.skip(&rule.meta.id, why);
                continue;
            }
            let view = || {
                Dynamic::from(SubmissionView {
                    facts: facts.clone(),
                    cal: cal.clone(),
                })
            };
            let key_of = |p| views::submission_key(&facts, p);
            match self.call_rule(n, rule, scope, &*facts, view, key_of, run) {
                Ok(v) => run.sink.push_messages(&rule.id, v.messages, base.clone()),
                Err(e) => run.failed(n, rule_failure(&rule.id, &e.message, base), e.stopped),
            }
        }
    }

    fn run_instance_rules(
        &self,
        facts: InstanceFacts,
        cal: &Cal,
        scope: &mut Scope,
        inst: &Instance,
        run: &mut RuleRun<'_, '_>,
    ) -> (Option<Status>, bool, Arc<[Arc<str>]>) {
        // Built only for an instance some rule has something to say about.
        // The facts' obligation id is the obligation's, shared.
        let base = |facts: &InstanceFacts| Finding {
            rule: Arc::default(),
            severity: Severity::Info,
            obligation: Some(facts.obligation.clone().into()),
            agency: Some(inst.party.name.clone()),
            period: Some(inst.period.clone()),
            stage: inst.stage.as_deref().map(Arc::from),
            submission: None,
            field: None,
            message_vi: Message::default(),
            message_en: Message::default(),
            rule_failed: false,
        };
        // A view owns its facts, but only a call the memo cannot replay needs one (a few in a
        // hundred instances): the facts are shared only then, not allocated per instance.
        let shared: OnceCell<Arc<InstanceFacts>> = OnceCell::new();
        let (mut status, mut due_soon) = (None, false);
        run.lists.start();
        let flags = Flags::new(&facts, AppliesTo::Instance);
        for (n, rule) in self.pack.rules().iter().enumerate() {
            if rule.meta.applies_to != AppliesTo::Instance || !rule.applies(&flags) {
                continue;
            }
            if let Some(why) = run.skip(n) {
                run.sink.skip(&rule.meta.id, why);
                continue;
            }
            let view = || {
                Dynamic::from(InstanceView {
                    facts: shared.get_or_init(|| Arc::new(facts.clone())).clone(),
                    cal: cal.clone(),
                })
            };
            let key_of = |p| views::instance_key(&facts, p);
            match self.call_rule(n, rule, scope, &facts, view, key_of, run) {
                Ok(v) => {
                    if v.is_empty() {
                        continue;
                    }
                    run.lists.push(n);
                    // The first rule that classifies decides; later ones add findings only.
                    if status.is_none() {
                        status = v.status;
                        due_soon = v.due_soon.unwrap_or(false);
                    }
                    if run.sink.full() {
                        run.sink.drop_messages(v.messages.len());
                    } else if !v.messages.is_empty() {
                        run.sink.push_messages(&rule.id, v.messages, base(&facts));
                    }
                }
                Err(e) => {
                    run.lists.push(n);
                    run.failed(
                        n,
                        rule_failure(&rule.id, &e.message, &base(&facts)),
                        e.stopped,
                    );
                }
            }
        }
        let rules = self.pack.rules();
        let list = run
            .lists
            .finish(|n| rules.get(n).map_or("", |r| r.meta.id.as_str()));
        (status, due_soon, list)
    }

    /// One rule call: replayed from the evaluation's memo when an earlier call read the same
    /// values ([`memo`]), else run in the sandbox with its reads recorded.
    #[allow(clippy::too_many_arguments)] // one call's parts; a struct would only rename them
    fn call_rule(
        &self,
        n: usize,
        rule: &Rule,
        scope: &mut Scope,
        facts: &dyn Placeholders,
        view: impl FnOnce() -> Dynamic,
        key_of: impl Fn(u8) -> Key,
        run: &mut RuleRun<'_, '_>,
    ) -> Result<Verdict, RuleFailure> {
        let render = !run.sink.full();
        if let Some(reading) = run
            .memos
            .get(n)
            .filter(|_| memo_enabled())
            .and_then(|m| m.replay(&key_of, &run.budget))
        {
            return RulePack::verdict_of(rule, &reading, facts, render);
        }
        let fuel = run.budget.fuel_left();
        let (value, reads) = views::recording(|| self.pack.call(rule, scope, view(), &run.budget));
        let value = value?;
        let spent = fuel.saturating_sub(run.budget.fuel_left());
        let Some(memo) = run.memos.get_mut(n) else {
            return RulePack::judge(rule, value, facts, render);
        };
        // Read once, kept in the memo with the value's path: calls that replay it skip reading.
        let keep = memo::keeps(&reads, &value);
        let reading = Arc::new(RulePack::read(rule, value));
        if keep {
            memo.insert(reads, &reading, spent);
        }
        RulePack::verdict_of(rule, &reading, facts, render)
    }
}

/// What [`Evaluator::judge`] makes of a plan: a report but for its header and provenance.
struct Judged {
    policies: Policies,
    assessments: Vec<Assessment>,
    findings: Vec<Finding>,
    summary: Summary,
}

/// Obligations from which a plan's hash is written on a thread of its own: a small plan is
/// hashed in less time than a thread takes to start.
const PARALLEL_HASH_OBLIGATIONS: usize = 256;

/// `(side(), main())`, with `side` run on a second thread when `parallel` and the host has more
/// than one core, else after `main` on this one. The results do not depend on which.
#[cfg(not(target_arch = "wasm32"))]
fn beside<A: Send, B>(
    side: impl Fn() -> A + Sync,
    parallel: bool,
    main: impl FnOnce() -> B,
) -> (A, B) {
    static CORES: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let cores =
        *CORES.get_or_init(|| std::thread::available_parallelism().is_ok_and(|n| n.get() > 1));
    if !(parallel && cores) {
        let b = main();
        return (side(), b);
    }
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("tuanthu-plan-hash".into())
            .spawn_scoped(scope, &side);
        let b = main();
        // A thread that could not start, or did not finish, leaves the work to this one.
        let a = spawned.ok().and_then(|h| h.join().ok());
        (a.unwrap_or_else(&side), b)
    })
}

/// WebAssembly has one thread: `side` runs after `main`.
#[cfg(target_arch = "wasm32")]
fn beside<A, B>(side: impl Fn() -> A, _parallel: bool, main: impl FnOnce() -> B) -> (A, B) {
    let b = main();
    (side(), b)
}

/// A plan's instances on one day, and what matching claims against them needs: the policies and
/// calendar they were made under, and the registry with its names folded.
struct Expanded<'a> {
    policies: Policies,
    cal: Arc<Calendar>,
    registry: Registry<'a>,
    instances: Vec<Instance>,
}

/// The budget and the findings of the rule calls of one evaluation block ([`blocks`]).
struct RuleRun<'a, 'm> {
    budget: EvaluationBudget,
    sink: FindingSink<'a>,
    /// Calls of each rule (by pack position) a limit stopped.
    stops: Vec<usize>,
    max_stops: usize,
    /// Each rule's memo of calls (by pack position), kept by the thread from block to block.
    memos: &'m mut Vec<memo::Memo>,
    /// The rule lists of the block's assessments.
    lists: explain::RuleLists,
}

impl<'a, 'm> RuleRun<'a, 'm> {
    /// The rule calls of an evaluation, in one block, that judges `instances` instances and
    /// submissions.
    fn new(pack: &'a RulePack, instances: usize, memos: &'m mut Vec<memo::Memo>) -> Self {
        let limits = pack.limits();
        RuleRun {
            budget: EvaluationBudget::start(limits, instances),
            sink: FindingSink::new(limits),
            stops: vec![0; pack.rules().len()],
            max_stops: limits.max_stops_per_rule,
            memos,
            lists: explain::RuleLists::default(),
        }
    }

    /// Why the rule at pack position `n` must not run now, if so.
    fn skip(&self, n: usize) -> Option<SkipReason> {
        if self.stops.get(n).is_some_and(|&s| s >= self.max_stops) {
            Some(SkipReason::RuleDisabled)
        } else if self.budget.expired() {
            Some(SkipReason::EvaluationBudget)
        } else {
            None
        }
    }

    fn failed(&mut self, n: usize, finding: Finding, stopped: bool) {
        if stopped {
            if let Some(s) = self.stops.get_mut(n) {
                *s += 1;
            }
        }
        self.sink.push(finding);
    }
}

fn rule_failure(id: &Arc<str>, error: &str, base: &Finding) -> Finding {
    Finding {
        rule: id.clone(),
        severity: Severity::Error,
        message_vi: format!("Quy tắc “{id}” bị lỗi, bỏ qua: {error}").into(),
        message_en: format!("Rule '{id}' failed and was skipped: {error}").into(),
        rule_failed: true,
        ..base.clone()
    }
}

/// Years a plan may name: the calendar's range. Without this bound a `from_year` of -262000
/// would expand into hundreds of thousands of instances: input must not be able to flood us.
fn check_years(
    obligation: &crate::model::Obligation,
    s: &crate::model::Schedule,
) -> Result<(), EvalError> {
    use crate::calendar::{MAX_YEAR, MIN_YEAR};
    use crate::model::Schedule;
    let bad = |what: &str, y: i32| EvalError::Plan {
        obligation: obligation.id.to_string(),
        message: format!("{what} {y} is outside the supported years {MIN_YEAR}–{MAX_YEAR}"),
    };
    let (from, until) = match s {
        Schedule::Ongoing {
            from_year,
            until_year,
            ..
        }
        | Schedule::Recurring {
            from_year,
            until_year,
            ..
        } => (*from_year, *until_year),
        Schedule::Combined { parts } => {
            return parts.iter().try_for_each(|p| check_years(obligation, p));
        }
        Schedule::Once { deadline } => return check_deadline(obligation, "deadline", deadline),
        Schedule::Staged { stages } => {
            return stages.iter().try_for_each(|st| {
                check_deadline(
                    obligation,
                    &format!("stage {} deadline", st.id),
                    &st.deadline,
                )
            });
        }
        _ => return Ok(()),
    };
    if !(MIN_YEAR..=MAX_YEAR).contains(&from) {
        return Err(bad("from_year", from));
    }
    match until {
        Some(u) if !(MIN_YEAR..=MAX_YEAR).contains(&u) => Err(bad("until_year", u)),
        Some(u) if u < from => Err(EvalError::Plan {
            obligation: obligation.id.to_string(),
            message: format!("until_year {u} is before from_year {from}"),
        }),
        _ => Ok(()),
    }
}

/// [`crate::calendar::check_date`], naming where the date was.
fn in_range(date: NaiveDate, field: impl FnOnce() -> String) -> Result<(), EvalError> {
    crate::calendar::check_date(date)
        .map(|_| ())
        .map_err(|source| EvalError::DateOutOfRange {
            field: field(),
            source,
        })
}

/// A stated deadline of the plan within the calendar's years.
fn check_deadline(
    obligation: &crate::model::Obligation,
    what: &str,
    deadline: &crate::model::Deadline,
) -> Result<(), EvalError> {
    crate::calendar::check_date(deadline.date)
        .map(|_| ())
        .map_err(|e| EvalError::Plan {
            obligation: obligation.id.to_string(),
            message: format!("{what} {e}"),
        })
}

fn validate(plan: &Plan, events: &[Event], as_of: NaiveDate) -> Result<(), EvalError> {
    if crate::calendar::check_date(as_of).is_err() {
        return Err(EvalError::AsOfOutOfRange(as_of));
    }
    for (k, e) in events.iter().enumerate() {
        in_range(e.date, || format!("events[{k}].date"))?;
        if let Some(
            crate::model::EventDeadline::Before(d) | crate::model::EventDeadline::NoLaterThan(d),
        ) = e.deadline
        {
            in_range(d, || format!("events[{k}].deadline"))?;
        }
    }
    let mut seen = std::collections::HashSet::with_capacity(plan.obligations.len());
    for o in &plan.obligations {
        if !seen.insert(o.id.as_str()) {
            return Err(EvalError::DuplicateObligation(o.id.to_string()));
        }
        check_years(o, &o.schedule)?;
    }
    let mut ids = std::collections::HashSet::new();
    for e in events {
        if !ids.insert(e.id.as_str()) {
            return Err(EvalError::DuplicateEvent(e.id.clone()));
        }
    }
    Ok(())
}

/// The facts rules read about `inst`; `document_number` is its evidence's, shared with the
/// assessment.
fn instance_facts(
    texts: &mut explain::Shared,
    inst: &Instance,
    obligation: &crate::model::Obligation,
    evidence: Option<&Submission>,
    document_number: Option<Arc<str>>,
    cx: (NaiveDate, &Policies),
) -> InstanceFacts {
    let (as_of, policies) = cx;
    let period = texts.period(&inst.period);
    let shared = texts.obligation(inst.obligation, obligation);
    InstanceFacts {
        obligation: shared.id.clone(),
        title: shared.title.clone(),
        kind: obligation.kind.as_str().into(),
        schedule: inst.schedule.into(),
        agency: inst.party.name.clone(),
        is_group: inst.party.group.is_some(),
        period,
        stage: inst.stage.clone(),
        triggered: inst.triggered,
        due: inst.due.as_ref().map(|d| d.last_day),
        stated_due: inst.due.as_ref().map(|d| d.stated),
        received: evidence.map(|s| s.received),
        document_number,
        evidence_count: u32::try_from(inst.evidence.len()).unwrap_or(u32::MAX),
        as_of,
        due_soon_days: policies.due_soon_days,
        deadline_reading: policies.deadline_reading.as_str().into(),
        day_off: policies.day_off.as_str().into(),
        recipient: shared.recipient.clone(),
        via: shared.via.clone(),
        next_stage_due: inst.next_stage_due,
    }
}

fn summarize(assessments: &[Assessment], findings: &[Finding]) -> Summary {
    let mut s = Summary::default();
    for a in assessments {
        s.total.add(a.status);
    }
    s.by_agency = counts_by(assessments, |a| &a.agency, true);
    // An obligation's instances are consecutive in report order and its id is unique: its
    // key never comes back after a run, so nothing is looked up.
    s.by_obligation = counts_by(assessments, |a| a.obligation.as_arc(), false);
    s.findings_by_severity = counts_by_severity(findings);
    s
}

/// Findings per severity: counted in place, so the map's three keys are made once, not a key
/// per finding.
fn counts_by_severity(findings: &[Finding]) -> BTreeMap<String, u32> {
    let all = [Severity::Info, Severity::Warning, Severity::Error];
    let mut counts = [0u32; 3];
    for f in findings {
        counts[f.severity as usize] += 1;
    }
    all.into_iter()
        .zip(counts)
        .filter(|&(_, n)| n > 0)
        .map(|(sev, n)| (sev.as_str().to_string(), n))
        .collect()
}

/// Status counts per key, built in one pass from sorted, distinct keys. A key's assessments are
/// often consecutive (an obligation's instances, an agency's periods) or few keys repeat on many
/// rows (the agencies of a plan with one obligation per row): counting those first leaves far
/// fewer keys to sort than assessments (sorting one key per assessment dominated).
/// `repeats`: whether a key may come back after other keys (else only runs are counted; the
/// sort still merges any repeat, so the counts are right either way).
fn counts_by<'a>(
    assessments: &'a [Assessment],
    key: impl Fn(&'a Assessment) -> &'a Arc<str>,
    repeats: bool,
) -> BTreeMap<Arc<str>, crate::model::StatusCounts> {
    let mut keyed: Vec<(&Arc<str>, crate::model::StatusCounts)> = Vec::new();
    // Keys seen so far → their place in `keyed`, while few: past that, a new key is pushed
    // again and the sort below merges its counts (memory stays bounded by the keys' count).
    let mut seen: FastMap<&str, usize> = FastMap::default();
    for a in assessments {
        let k = key(a);
        let at = match keyed.last() {
            Some((last, _)) if *last == k => Some(keyed.len() - 1),
            _ => seen.get(&**k).copied(),
        };
        match at.and_then(|n| keyed.get_mut(n)) {
            Some((_, c)) => c.add(a.status),
            None => {
                if repeats && seen.len() < COUNTED_KEYS {
                    seen.insert(&**k, keyed.len());
                }
                let mut c = crate::model::StatusCounts::default();
                c.add(a.status);
                keyed.push((k, c));
            }
        }
    }
    keyed.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out: Vec<(Arc<str>, crate::model::StatusCounts)> = Vec::with_capacity(keyed.len());
    for (k, c) in keyed {
        match out.last_mut() {
            Some((last, total)) if *last == *k => add_counts(total, &c),
            _ => out.push((Arc::clone(k), c)),
        }
    }
    // From sorted, distinct keys: a bulk build, no per-key search.
    out.into_iter().collect()
}

/// Distinct keys [`counts_by`] looks up before it only appends.
const COUNTED_KEYS: usize = 4096;

/// `into += from`, status by status (destructured: a new status cannot be left out).
fn add_counts(into: &mut crate::model::StatusCounts, from: &crate::model::StatusCounts) {
    let crate::model::StatusCounts {
        done_on_time,
        done_late,
        in_progress,
        overdue,
        ongoing,
        not_triggered,
        unknown,
        total,
    } = from;
    into.done_on_time += done_on_time;
    into.done_late += done_late;
    into.in_progress += in_progress;
    into.overdue += overdue;
    into.ongoing += ongoing;
    into.not_triggered += not_triggered;
    into.unknown += unknown;
    into.total += total;
}

#[cfg(test)]
thread_local! {
    /// Tests on this thread evaluate without replaying memoised rule calls.
    static NO_MEMO: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn memo_enabled() -> bool {
    #[cfg(test)]
    if NO_MEMO.with(std::cell::Cell::get) {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Limits;
    use crate::unstable::synth::{province, Shape};

    fn both_ways(evaluator: &Evaluator, req: &EvaluationRequest) -> (String, String) {
        let with = serde_json::to_string(&evaluator.evaluate(req).unwrap()).unwrap();
        NO_MEMO.with(|m| m.set(true));
        let without = serde_json::to_string(&evaluator.evaluate(req).unwrap()).unwrap();
        NO_MEMO.with(|m| m.set(false));
        (with, without)
    }

    #[test]
    fn findings_by_severity_are_those_of_one_count_per_finding() {
        let mut findings = Vec::new();
        for (n, sev) in [
            Severity::Error,
            Severity::Info,
            Severity::Error,
            Severity::Error,
        ]
        .into_iter()
        .enumerate()
        {
            findings.push(Finding {
                severity: sev,
                ..Finding::error(format!("r{n}"), "", "")
            });
        }
        let mut want: BTreeMap<String, u32> = BTreeMap::new();
        for f in &findings {
            *want.entry(f.severity.as_str().to_string()).or_default() += 1;
        }
        // No warning: no key for it, as the map built per finding has none.
        assert_eq!(counts_by_severity(&findings), want);
    }

    #[test]
    fn counts_by_key_are_those_of_one_count_per_assessment() {
        // Keys in runs, repeated out of order, and more distinct keys than are looked up.
        let req = province(3, Shape::default());
        let mut assessments = Evaluator::standard()
            .unwrap()
            .evaluate(&req)
            .unwrap()
            .assessments;
        let template = assessments[0].clone();
        for n in 0..(COUNTED_KEYS + 50) {
            let mut a = template.clone();
            a.agency = format!("agency {}", n % (COUNTED_KEYS + 7)).into();
            a.status = [Status::Overdue, Status::DoneLate, Status::Unknown][n % 3];
            assessments.push(a);
        }
        fn agency(a: &Assessment) -> &Arc<str> {
            &a.agency
        }
        fn obligation(a: &Assessment) -> &Arc<str> {
            a.obligation.as_arc()
        }
        for key in [agency as fn(&Assessment) -> &Arc<str>, obligation] {
            let mut want: BTreeMap<Arc<str>, crate::model::StatusCounts> = BTreeMap::new();
            for a in &assessments {
                want.entry(key(a).clone()).or_default().add(a.status);
            }
            for repeats in [true, false] {
                assert_eq!(counts_by(&assessments, key, repeats), want);
            }
        }
    }

    #[test]
    fn replayed_rule_calls_give_the_report_byte_for_byte() {
        let evaluator = Evaluator::standard().unwrap();
        let shape = Shape {
            agencies: 40,
            obligations: 12,
            years: 3,
            evidence_percent: 70,
        };
        for seed in 1..=3 {
            let (with, without) = both_ways(&evaluator, &province(seed, shape));
            assert!(with == without, "province {seed}: memo changed the report");
        }
    }

    #[test]
    fn replayed_calls_spend_the_evaluation_budget_as_real_ones() {
        // A budget that runs out part way: the same rule calls are skipped either way.
        let limits = Limits {
            max_evaluation_operations: 20_000,
            evaluation_operations_per_instance: 0,
            ..Limits::default()
        };
        let pack =
            RulePack::compile(RulePack::standard().unwrap().source().clone(), limits).unwrap();
        let evaluator = Evaluator::new(pack);
        let req = province(7, Shape::default());
        let (with, without) = both_ways(&evaluator, &req);
        assert!(
            with.contains("max_evaluation_operations"),
            "the budget ran out"
        );
        assert!(with == without, "memo changed where the budget ran out");
    }

    #[test]
    fn the_plan_hash_is_the_hash_of_its_canonical_json() {
        for seed in [3, 4] {
            let plan = province(seed, Shape::default()).plan;
            let json = crate::api::to_canonical_json(&plan);
            assert_eq!(
                canonical_sha256(&plan),
                crate::rules::sha256_hex(json.as_bytes())
            );
        }
    }

    #[test]
    fn a_big_plan_hashed_beside_the_evaluation_names_the_same_hash() {
        let shape = Shape {
            agencies: 3,
            obligations: PARALLEL_HASH_OBLIGATIONS + 5,
            years: 1,
            evidence_percent: 50,
        };
        let req = province(5, shape);
        assert!(req.plan.obligations.len() >= PARALLEL_HASH_OBLIGATIONS);
        let evaluator = Evaluator::standard().unwrap();
        let report = evaluator.evaluate(&req).unwrap();
        let json = crate::api::to_canonical_json(&req.plan);
        assert_eq!(
            report.provenance.plan_sha256,
            crate::rules::sha256_hex(json.as_bytes())
        );
        assert_eq!(report.provenance, evaluator.provenance(&req.plan));
        // Either way round, the same pair.
        let serial = beside(|| canonical_sha256(&req.plan), false, || 7);
        let parallel = beside(|| canonical_sha256(&req.plan), true, || 7);
        assert_eq!(serial, parallel);
    }

    #[test]
    fn a_full_report_counts_the_dropped_findings_as_before() {
        let limits = Limits {
            max_findings: 5,
            ..Limits::default()
        };
        let pack =
            RulePack::compile(RulePack::standard().unwrap().source().clone(), limits).unwrap();
        let req = province(2, Shape::default());
        let all = Evaluator::standard()
            .unwrap()
            .evaluate(&req)
            .unwrap()
            .findings;
        assert!(all.len() > 5 && all.iter().all(|f| &*f.rule != LIMITS_RULE));
        let report = Evaluator::new(pack).evaluate(&req).unwrap();
        assert_eq!(report.findings[..5], all[..5]);
        let last = report.findings.last().unwrap();
        assert_eq!(&*last.rule, LIMITS_RULE);
        let dropped = format!("{} findings were dropped", all.len() - 5);
        assert!(last.message_en.starts_with(&dropped), "{}", last.message_en);
        assert_eq!(report.findings.len(), 6);
    }

    #[test]
    fn findings_share_their_rules_ids_and_their_instances_texts() {
        // A copy of these per finding was most of a finding's allocations.
        let evaluator = Evaluator::standard().unwrap();
        let report = evaluator.evaluate(&province(2, Shape::default())).unwrap();
        // The texts of each instance's first finding, by instance.
        let mut first: FastMap<String, [*const u8; 2]> = FastMap::default();
        let mut again = 0;
        for f in &report.findings {
            let rule = evaluator
                .pack()
                .rules()
                .iter()
                .find(|r| *r.meta.id == *f.rule);
            assert_eq!(
                rule.map(|r| r.id.as_ptr()),
                Some(f.rule.as_ptr()),
                "{}",
                f.rule
            );
            if f.submission.is_some() {
                continue;
            }
            let (Some(o), Some(a)) = (&f.obligation, &f.agency) else {
                panic!("an instance's finding names its obligation and agency: {f:?}");
            };
            let texts = [o.as_str().as_ptr(), a.as_ptr()];
            let instance = format!("{o} {a} {:?} {:?}", f.period, f.stage);
            match first.get(&instance) {
                Some(t) => {
                    assert_eq!(*t, texts, "{instance}");
                    again += 1;
                }
                None => {
                    first.insert(instance, texts);
                }
            }
        }
        assert!(again > 20, "{again}");
    }

    #[test]
    fn a_rule_call_reads_the_facts_of_its_own_instance() {
        // The facts of a call the memo cannot replay go into a view made only then.
        let echo = "fn check(x) { if x.has_evidence { \
                    #{ message_vi: x.document_number, \
                    message_en: `${x.obligation}|${x.agency}|${x.period}|${x.stage}` } } }";
        let pack = quiet_pack(pack_with(&[("echo", echo)], Limits::default()));
        let evaluator = Evaluator::new(pack);
        let mut checked = 0;
        for req in requests() {
            let report = evaluator.evaluate(&req).unwrap();
            let said: FastMap<String, &str> = report
                .findings
                .iter()
                .filter(|f| &*f.rule == "echo")
                .map(|f| (f.message_en.to_string(), f.message_vi.as_str()))
                .collect();
            for a in report.assessments.iter().filter(|a| a.received.is_some()) {
                let stage = a.stage.as_deref().unwrap_or_default();
                let about = format!("{}|{}|{}|{stage}", a.obligation, a.agency, a.period);
                let number = a.document_number.as_deref().unwrap_or_default();
                assert_eq!(said.get(&about).copied(), Some(number), "{about}");
                checked += 1;
            }
        }
        assert!(checked > 50, "{checked}");
    }

    /// A pack of the standard rules plus `extra` instance rules, under `limits`.
    fn pack_with(extra: &[(&str, &str)], limits: Limits) -> RulePack {
        let mut source = RulePack::standard().unwrap().source().clone();
        for (id, body) in extra {
            source.rules.push(crate::rules::SourceFile {
                name: format!("zz-{id}.rhai"),
                text: format!("// id: {id}\n// title: {id}\n// applies_to: instance\n{body}"),
            });
        }
        RulePack::compile(source, limits).unwrap()
    }

    /// `pack` with the standard rules' bodies emptied (their headers kept): the other rules'
    /// findings alone.
    fn quiet_pack(pack: RulePack) -> RulePack {
        let mut source = pack.source().clone();
        for f in &mut source.rules {
            if f.name.starts_with("zz-") {
                continue;
            }
            let header: String = f
                .text
                .lines()
                .take_while(|l| l.starts_with("//"))
                .map(|l| format!("{l}\n"))
                .collect();
            f.text = header + "fn check(x) { }";
        }
        RulePack::compile(source, *pack.limits()).unwrap()
    }

    /// The report's JSON with blocks of `units` (None: the default size) on `threads` threads.
    fn report_json(
        evaluator: &Evaluator,
        req: &EvaluationRequest,
        units: Option<usize>,
        threads: usize,
    ) -> String {
        blocks::TEST_BLOCK_UNITS.with(|b| b.set(units));
        let report = evaluator
            .clone()
            .with_threads(threads)
            .evaluate(req)
            .unwrap();
        blocks::TEST_BLOCK_UNITS.with(|b| b.set(None));
        serde_json::to_string(&report).unwrap()
    }

    /// Plans of a few shapes with a few evidence rates: small enough to evaluate often.
    fn requests() -> Vec<EvaluationRequest> {
        (1..=6u64)
            .map(|seed| {
                let n = usize::try_from(seed).unwrap();
                province(
                    seed,
                    Shape {
                        agencies: 3 + 7 * n,
                        obligations: 1 + 3 * n,
                        years: 1 + i32::try_from(n % 3).unwrap(),
                        evidence_percent: u32::try_from(15 * n).unwrap(),
                    },
                )
            })
            .collect()
    }

    /// Forms a host may send: each submission as typed, and ones that name an agency of a
    /// group nobody expanded (a claim adds its instances), nobody, a wrong period or stage.
    fn forms_of(req: &EvaluationRequest) -> Vec<SubmissionForm> {
        let mut forms: Vec<SubmissionForm> = req
            .submissions
            .iter()
            // The form's other date style (dd/mm/yyyy), on purpose: both must be read alike.
            .map(|s| SubmissionForm {
                received: s.received.format("%d/%m/%Y").to_string(),
                ..SubmissionForm::from(s)
            })
            .collect();
        let first = forms.first().cloned().unwrap();
        for (agency, period, stage, received) in [
            ("UBND xã Tân Mới", None, None, "01/03/2026"),
            ("Ủy ban nhân dân phường Tân Mới", None, None, "02/03/2026"),
            ("UBND xã Tân Mới", Some("2026"), None, "03/03/2026"),
            ("Sở Không Có", None, None, "01/03/2026"),
            ("", None, None, ""),
            (first.agency.as_str(), Some("2099"), None, "01/03/2026"),
            (first.agency.as_str(), None, Some("khong-co"), "01/03/2026"),
        ] {
            forms.push(SubmissionForm {
                agency: agency.into(),
                period: period.map(Into::into),
                stage: stage.map(Into::into),
                received: received.into(),
                ..first.clone()
            });
        }
        forms
    }

    #[test]
    fn a_plan_prepared_once_checks_every_form_as_a_fresh_check_does() {
        // With the registry (groups expanded) and without it (a commune's form adds instances
        // to the prepared plan, which must be forgotten before the next form).
        let evaluator = Evaluator::standard().unwrap();
        for req in requests().iter().take(3) {
            for registry in [req.registry.as_ref(), None] {
                let cx = FormContext {
                    registry,
                    ..req.context()
                };
                let mut prepared = evaluator.prepare_forms(&req.plan, &cx).unwrap();
                let mut owned = evaluator
                    .prepare_forms(&req.plan, &cx)
                    .unwrap()
                    .into_owned();
                let forms = forms_of(req);
                // Each form twice, in turn, so a form follows one that added instances.
                for form in forms.iter().chain(forms.iter().rev()) {
                    let fresh = evaluator.check_submission(&req.plan, form, &cx).unwrap();
                    assert_eq!(prepared.check(form).unwrap(), fresh, "{form:?}");
                    assert_eq!(owned.check(form).unwrap(), fresh, "{form:?}");
                }
            }
        }
        fn send<T: Send>(_: &T) {}
        let req = &requests()[0];
        send(
            &evaluator
                .prepare_forms(&req.plan, &req.context())
                .unwrap()
                .into_owned(),
        );
    }

    #[test]
    fn every_thread_count_and_block_size_gives_the_report_of_one_pass() {
        // No limit is reached: one block on one thread is the sequential pass of every rule
        // call, and any cut on any number of threads must give its bytes.
        let evaluator = Evaluator::standard().unwrap();
        for (k, req) in requests().iter().enumerate() {
            let one = report_json(&evaluator, req, Some(usize::MAX), 1);
            for (units, threads) in [
                (None, 2),
                (None, 3),
                (Some(1), 2),
                (Some(7), 8),
                (Some(50), 1),
            ] {
                let other = report_json(&evaluator, req, units, threads);
                assert!(
                    one == other,
                    "request {k}: blocks of {units:?} on {threads} threads"
                );
            }
        }
    }

    #[test]
    fn the_findings_caps_bite_where_one_pass_would_have_them_bite() {
        // A rule with many findings per call, under count, byte and per-call limits: the merge
        // keeps and drops the findings one pass over the blocks' order keeps and drops, however
        // the blocks are cut (the byte limit drops early, big findings and keeps later, small
        // ones: the case where a block's own cap cannot decide and it is judged again).
        let chatty = "fn check(x) { let out = []; \
                      for i in 0..(x.agency.len() % 5) { out.push(#{ message_vi: x.agency + x.period, message_en: \"e\" }); } \
                      if x.has_evidence { out.push(#{ message_vi: \"s\", message_en: \"s\" }); } out }";
        // A finding bigger than the whole byte limit now and then, small ones otherwise: the
        // byte limit drops a big one among a block's first `max_findings`, so a later small
        // one still fits.
        let mixed = "fn check(x) { if !x.has_evidence { let m = \"x\"; \
                     for i in 0..12 { m += m; } return #{ message_vi: m, message_en: m }; } \
                     #{ message_vi: x.period, message_en: \"e\" } }";
        let cases = [
            (chatty, false, 40, 1 << 20),
            (chatty, false, 10_000, 40 * 300),
            (chatty, false, 25, 20 * 300),
            (mixed, true, 8, 3_000),
            (mixed, true, 60, 20_000),
        ];
        for (rule, quiet, max_findings, max_findings_bytes) in cases {
            let limits = Limits {
                max_findings,
                max_findings_bytes,
                max_findings_per_call: 3,
                ..Limits::default()
            };
            let mut pack = pack_with(&[("chatty", rule)], limits);
            if quiet {
                pack = quiet_pack(pack);
            }
            let evaluator = Evaluator::new(pack);
            for (k, req) in requests().iter().enumerate() {
                let one = report_json(&evaluator, req, Some(usize::MAX), 1);
                assert!(one.contains("tuanthu.limits"), "request {k}: the cap bit");
                for (units, threads) in [(None, 2), (Some(1), 2), (Some(3), 1), (Some(11), 4)] {
                    let other = report_json(&evaluator, req, units, threads);
                    assert!(
                        one == other,
                        "request {k}, limits {max_findings}/{max_findings_bytes}: blocks of \
                         {units:?} on {threads} threads"
                    );
                }
            }
        }
    }

    #[test]
    fn a_runaway_rule_gives_the_same_report_on_any_thread_count_and_stays_bounded() {
        // Stops and fuel are per block, so the report depends on the cut, never on the threads.
        let limits = Limits {
            max_findings: 30,
            rule_call_ms: 60_000,
            evaluation_ms: 600_000,
            ..Limits::default()
        };
        let evaluator = Evaluator::new(pack_with(&[("loop", "fn check(x) { loop { } }")], limits));
        let req = &requests()[3];
        let blocks = {
            let report = report_json(&evaluator, req, None, 1);
            for threads in [2, 3, 8] {
                assert!(
                    report == report_json(&evaluator, req, None, threads),
                    "{threads} threads"
                );
            }
            serde_json::from_str::<Report>(&report).unwrap()
        };
        // Each block stops the rule at most `max_stops_per_rule` times: what it spends is
        // bounded by the blocks' count, and the total fuel is the evaluation's.
        let stopped = blocks
            .findings
            .iter()
            .filter(|f| &*f.rule == "loop" && f.message_en.contains("too many operations"))
            .count();
        let n = blocks.assessments.len() + req.submissions.len();
        assert!(
            stopped >= 3 && stopped <= 3 * n.div_ceil(blocks::BLOCK_UNITS) + 3,
            "{stopped}"
        );
        let disabled = blocks
            .findings
            .iter()
            .find(|f| &*f.rule == "loop" && f.message_en.contains("was not run"))
            .unwrap();
        assert!(
            disabled
                .message_en
                .contains("(max_stops_per_rule, counted per block)"),
            "{}",
            disabled.message_en
        );
        // The standard rules still classified every instance.
        assert!(blocks
            .assessments
            .iter()
            .all(|a| a.status != Status::Unknown));
    }
}
