//! Evaluating again what changed a little: an [`EvaluationSession`] keeps what each evaluation
//! block of its last evaluation made ([`super::blocks`]) and, for the next request, merges a
//! block's kept judgement instead of judging it again when that is provably what judging it
//! would make. The report is always that of [`Evaluator::evaluate`] on the same request, byte
//! for byte.
//!
//! # When a block's judgement is reused
//!
//! Expanding the plan and matching the submissions are done again for every request (repeats
//! and claims depend on every submission); only the blocks' rule calls and assessments are
//! reused. A block `k` of the new request reuses the kept judgement of a block of the last
//! one when all of these hold:
//!
//! - **The same evaluation context**: the same evaluator (pack, limits, threads: the session
//!   owns it), and a plan, events, as-of date, caller policies, registry and calendar equal to
//!   the last request's. Otherwise nothing is kept. (The plan's hash is then reused too: it is
//!   a function of the plan.)
//! - **The same inputs.** A rule call reads its facts only; an assessment reads its instance,
//!   the obligation (the plan's) and the evidence's received date and document number; a
//!   finding names what the call was about, a submission's finding its index. So:
//!   - a submissions block is the one with the same index range, and every submission in it
//!     has the same obligation id and the same facts *as matched in this request* (the facts
//!     depend on other submissions: a repeat, the agency as claimed), compared field by field;
//!   - an instances block is the one that starts with the same obligation and holds as many
//!     instances, each equal to the kept one in every field the judge reads (compared field by
//!     field, the evidence by its count and its first submission's received date and document
//!     number, which is all the judge reads of it).
//! - **No limit that depends on the block's share bit**: none of its rule calls was stopped
//!   (fuel, a deadline, an operation limit) or skipped (a rule stopped too often in the block,
//!   the budget out), and the fuel it spent is less than its share in the new request (shares
//!   change with the number of instances and submissions). Then each call had, and has, more
//!   fuel left than it spends: the same calls run to the same ends. Findings its own cap
//!   dropped are not such a limit (the cap is the pack's `max_findings`), the merge handles
//!   them as for a block judged now.
//!
//! An instances block that is not reused whole (one of its instances changed, or its share is
//! too small) is judged again, in order, taking each instance whose inputs are equal to the kept
//! one at the same position in the kept block (the same key, as many instances) from the kept
//! judgement instead of judging it, when: judging it then dropped no finding and stopped or
//! skipped no rule call, no rule is disabled in the block so far (a stop per rule of an instance
//! judged now before it), and the block has more fuel left than it spent. Then each of its calls
//! would again find its units and the budget not expired, run by the same rules: its
//! assessment and findings (added to the block's sink one by one, as pushed then: the block's
//! own cap and the report-full signal count them as they would) and its fuel are those of
//! judging it. Blocks are whole obligations, so this is what saves work when a few of an
//! obligation's instances gained evidence.
//!
//! The merge is always done again, from every block's judgement in order, exactly as
//! [`super::blocks`] merges a fresh evaluation's: the findings caps bite where one pass would
//! have them bite. A kept judgement made past a full report (its findings counted, not built)
//! is merged only where this report is full before it too, else its block is judged again
//! straight into the report; one whose own cap dropped findings is judged again when the report
//! could still keep some, as in a fresh evaluation.
//!
//! What is not reproduced: the wall-clock allowance of rule calls (`evaluation_ms`), spent by
//! the calls that run; reused blocks run none. Time is not deterministic in a fresh evaluation
//! either, so the promise is that of the blocks: byte-identical whenever the fresh evaluation
//! would not run out of time.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use super::blocks::{Block, Kept, Patch, Prepared};
use super::expand::{Instance, Party};
use super::{beside, EvalError, EvaluationRequest, Evaluator, FormContext};
use crate::calendar::CalendarOverrides;
use crate::model::{
    AgencyRegistry, Assessment, DueDate, Event, Finding, ObligationId, Period, Plan, Report,
    Submission,
};
use crate::policy::PolicyOverrides;
use crate::rules::views::SubmissionFacts;

/// Evaluations of one evaluator that reuse what the last one judged where provably the same
/// (module documentation). Made by [`Evaluator::session`].
///
/// ```
/// use tuanthu::eval::{EvaluationRequest, Evaluator};
/// use tuanthu::unstable::synth::{province, Shape};
/// let evaluator = Evaluator::standard().unwrap();
/// let mut session = evaluator.session();
/// let shape = Shape { agencies: 20, obligations: 3, years: 1, evidence_percent: 60 };
/// let mut req = province(1, shape);
/// let last = req.submissions.pop().unwrap();
/// let before = session.evaluate(&req).unwrap();
/// assert_eq!(before, evaluator.evaluate(&req).unwrap());
/// // Nothing changed: every block is reused.
/// assert_eq!(session.evaluate(&req).unwrap(), before);
/// assert_eq!(session.last_reuse().reused_blocks, session.last_reuse().blocks);
/// req.submissions.push(last);
/// let after = session.evaluate(&req).unwrap();
/// assert_eq!(after, evaluator.evaluate(&req).unwrap());
/// ```
#[derive(Debug)]
pub struct EvaluationSession {
    evaluator: Evaluator,
    last: Option<Last>,
    reuse: Reuse,
}

/// What the last evaluation of a session reused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reuse {
    /// Evaluation blocks of the request.
    pub blocks: usize,
    /// Blocks whose kept judgement was offered to the merge instead of judging them (the merge
    /// judges one again in the rare cases the module documentation names).
    pub reused_blocks: usize,
    /// Instances and submissions the request judges.
    pub units: usize,
    /// Those in reused blocks.
    pub reused_units: usize,
    /// Instances of blocks judged again that were offered alone (unchanged; taken unless a
    /// limit of the block stood in the way).
    pub offered_instances: usize,
}

/// The last request's context and what its blocks made.
#[derive(Debug)]
struct Last {
    context: OwnedContext,
    plan: Plan,
    plan_sha256: Option<String>,
    blocks: HashMap<Key, Entry>,
}

/// [`FormContext`], owned.
#[derive(Debug, PartialEq)]
struct OwnedContext {
    as_of: NaiveDate,
    events: Vec<Event>,
    policies: PolicyOverrides,
    registry: Option<AgencyRegistry>,
    calendar: CalendarOverrides,
}

impl OwnedContext {
    fn of(cx: &FormContext<'_>) -> Self {
        OwnedContext {
            as_of: cx.as_of,
            events: cx.events.to_vec(),
            policies: *cx.policies,
            registry: cx.registry.cloned(),
            calendar: cx.calendar.clone(),
        }
    }

    fn is(&self, cx: &FormContext<'_>) -> bool {
        let FormContext {
            as_of,
            events,
            policies,
            registry,
            calendar,
        } = *cx;
        self.as_of == as_of
            && self.events == events
            && &self.policies == policies
            && self.registry.as_ref() == registry
            && &self.calendar == calendar
    }
}

/// Which kept block a block of the new request is compared with: a submissions block by its
/// range (its findings name submission indexes), an instances block by its first obligation
/// and size (its place moves when a claim adds instances to an obligation before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Submissions(usize, usize),
    Instances(usize, usize),
}

/// A kept block: what it read and what it made.
#[derive(Debug)]
struct Entry {
    inputs: Inputs,
    kept: Kept,
}

#[derive(Debug)]
enum Inputs {
    /// Per submission: its obligation id and its facts as matched.
    Submissions(Vec<(ObligationId, Arc<SubmissionFacts>)>),
    Instances(Vec<InstanceInput>),
}

/// What judging an instance reads of it and of its evidence.
#[derive(Debug)]
struct InstanceInput {
    obligation: usize,
    party: Party,
    period: Period,
    stage: Option<String>,
    schedule: &'static str,
    triggered: bool,
    due: Option<Arc<DueDate>>,
    next_stage_due: Option<NaiveDate>,
    phrase: Option<String>,
    note: Option<Arc<(String, String)>>,
    evidence_count: usize,
    /// The first evidence's received date and document number.
    first: Option<(NaiveDate, Option<String>)>,
}

impl InstanceInput {
    fn of(inst: &Instance, submissions: &[Submission]) -> Self {
        // Every field named: one added to `Instance` must be placed here or below.
        let Instance {
            obligation,
            party,
            period,
            stage,
            schedule,
            triggered,
            due,
            next_stage_due,
            phrase,
            note,
            evidence,
        } = inst;
        InstanceInput {
            obligation: *obligation,
            party: party.clone(),
            period: period.clone(),
            stage: stage.clone(),
            schedule,
            triggered: *triggered,
            due: due.clone(),
            next_stage_due: *next_stage_due,
            phrase: phrase.clone(),
            note: note.clone(),
            evidence_count: evidence.len(),
            first: first_evidence(inst, submissions)
                .map(|s| (s.received, s.document_number.clone())),
        }
    }

    /// Whether judging `inst` reads what judging the kept one read.
    fn is(&self, inst: &Instance, submissions: &[Submission]) -> bool {
        let Instance {
            obligation,
            party,
            period,
            stage,
            schedule,
            triggered,
            due,
            next_stage_due,
            phrase,
            note,
            evidence,
        } = inst;
        self.obligation == *obligation
            && &self.party == party
            && &self.period == period
            && &self.stage == stage
            && self.schedule == *schedule
            && self.triggered == *triggered
            && &self.due == due
            && self.next_stage_due == *next_stage_due
            && &self.phrase == phrase
            && &self.note == note
            && self.evidence_count == evidence.len()
            && match (&self.first, first_evidence(inst, submissions)) {
                (None, None) => true,
                (Some((received, number)), Some(s)) => {
                    *received == s.received && number == &s.document_number
                }
                _ => false,
            }
    }
}

/// The submission the judge reads as an instance's evidence.
fn first_evidence<'s>(inst: &Instance, submissions: &'s [Submission]) -> Option<&'s Submission> {
    inst.evidence.first().and_then(|&k| submissions.get(k))
}

impl Evaluator {
    /// A session of this evaluator: evaluations that reuse what the last one judged where that
    /// is provably what judging again would make ([`EvaluationSession`]).
    pub fn session(&self) -> EvaluationSession {
        EvaluationSession {
            evaluator: self.clone(),
            last: None,
            reuse: Reuse::default(),
        }
    }
}

impl EvaluationSession {
    /// [`Evaluator::evaluate`] of `req`: the same report, byte for byte.
    pub fn evaluate(&mut self, req: &EvaluationRequest) -> Result<Report, EvalError> {
        self.evaluate_parts(&req.plan, &req.submissions, &req.context())
    }

    /// [`Evaluator::evaluate_parts`]: the same report, byte for byte.
    pub fn evaluate_parts(
        &mut self,
        plan: &Plan,
        submissions: &[Submission],
        cx: &FormContext<'_>,
    ) -> Result<Report, EvalError> {
        let same = self
            .last
            .as_ref()
            .is_some_and(|l| l.context.is(cx) && &l.plan == plan);
        if !same {
            self.last = Some(Last {
                context: OwnedContext::of(cx),
                plan: plan.clone(),
                plan_sha256: None,
                blocks: HashMap::new(),
            });
        }
        self.reuse = Reuse::default();
        let mut kept = self.last.take();
        let report = self.evaluator.evaluate_with(
            plan,
            submissions,
            cx,
            Some(&mut Sink {
                last: &mut kept,
                reuse: &mut self.reuse,
            }),
        );
        self.last = kept;
        report
    }

    /// What the last evaluation reused.
    pub fn last_reuse(&self) -> Reuse {
        self.reuse
    }

    /// The session's evaluator.
    pub fn evaluator(&self) -> &Evaluator {
        &self.evaluator
    }
}

/// Where an evaluation of a session finds the last one's blocks and leaves its own.
pub(crate) struct Sink<'s> {
    last: &'s mut Option<Last>,
    reuse: &'s mut Reuse,
}

impl Sink<'_> {
    /// [`Prepared::judge_all`] reusing the kept blocks that qualify (module documentation),
    /// keeping this evaluation's blocks for the next; `hash` writes the plan's hash unless it
    /// is known.
    pub(crate) fn judge(
        &mut self,
        p: &Prepared<'_>,
        cut: &[Block],
        threads: usize,
        hash: &(impl Fn() -> String + Sync),
    ) -> (String, Vec<Assessment>, Vec<Finding>) {
        let Some(last) = self.last.as_mut() else {
            let (h, a, f) = p.judge_all(cut, threads, hash);
            return (h, a, f);
        };
        let mut old = std::mem::take(&mut last.blocks);
        let keys: Vec<Key> = cut.iter().map(|b| key(p, b)).collect();
        // The kept blocks of the same keys, taken out of `old`, and whether each is reused whole.
        let found: Vec<Option<(Entry, bool)>> = cut
            .iter()
            .zip(&keys)
            .map(|(b, k)| {
                let e = old.remove(k)?;
                let whole =
                    e.kept.clean && e.kept.spent < p.fuel_of(b) && same_inputs(p, b, &e.inputs);
                Some((e, whole))
            })
            .collect();
        drop(old);
        let reused: Vec<Option<&Kept>> = found
            .iter()
            .map(|f| f.as_ref().filter(|(_, whole)| *whole).map(|(e, _)| &e.kept))
            .collect();
        // An instances block judged again takes its unchanged instances from the kept one.
        let patches: Vec<Option<Patch<'_>>> = cut
            .iter()
            .zip(&found)
            .map(|(b, f)| match (b, f) {
                (Block::Instances(r), Some((e, false))) => patch(p, r, e),
                _ => None,
            })
            .collect();
        let known = last.plan_sha256.clone();
        let side = || known.clone().unwrap_or_else(hash);
        let (plan_sha256, assessments, findings, made) = if threads > 1 {
            p.judge_reusing(cut, threads, side, &reused, &patches, true)
        } else {
            let parallel =
                known.is_none() && p.plan.obligations.len() >= super::PARALLEL_HASH_OBLIGATIONS;
            let (h, (_, a, f, made)) = beside(side, parallel, || {
                p.judge_reusing(cut, 1, || (), &reused, &patches, true)
            });
            (h, a, f, made)
        };
        *self.reuse = Reuse {
            blocks: cut.len(),
            reused_blocks: reused.iter().flatten().count(),
            units: p.submissions.len() + p.order.len(),
            reused_units: cut
                .iter()
                .zip(&reused)
                .filter(|(_, r)| r.is_some())
                .map(|(b, _)| match b {
                    Block::Submissions(r) | Block::Instances(r) => r.len(),
                })
                .sum(),
            offered_instances: patches
                .iter()
                .flatten()
                .map(|p| p.same.iter().filter(|&&s| s).count())
                .sum(),
        };
        drop((reused, patches));
        let mut made = made.into_iter();
        for ((b, k), f) in cut.iter().zip(keys).zip(found) {
            let entry = match (f, made.next().flatten()) {
                (Some((e, true)), _) => Some(e),
                (_, Some(kept)) => Some(Entry {
                    inputs: inputs(p, b),
                    kept,
                }),
                _ => None,
            };
            if let Some(entry) = entry {
                last.blocks.insert(k, entry);
            }
        }
        last.plan_sha256 = Some(plan_sha256.clone());
        (plan_sha256, assessments, findings)
    }
}

fn key(p: &Prepared<'_>, block: &Block) -> Key {
    match block {
        Block::Submissions(r) => Key::Submissions(r.start, r.end),
        Block::Instances(r) => {
            let first = p
                .order
                .get(r.start)
                .and_then(|&n| p.instances.get(n))
                .map_or(usize::MAX, |i| i.obligation);
            Key::Instances(first, r.len())
        }
    }
}

/// The block's instances in report order.
fn instances_of<'p>(p: &'p Prepared<'_>, r: &std::ops::Range<usize>) -> Vec<&'p Instance> {
    p.order
        .get(r.clone())
        .unwrap_or_default()
        .iter()
        .filter_map(|&n| p.instances.get(n))
        .collect()
}

/// The patch of an instances block of range `r` from the kept entry of its key, when the kept
/// judgement has a mark per instance and as many instances.
fn patch<'k>(p: &Prepared<'_>, r: &std::ops::Range<usize>, e: &'k Entry) -> Option<Patch<'k>> {
    let Inputs::Instances(kept) = &e.inputs else {
        return None;
    };
    let now = instances_of(p, r);
    let n = now.len();
    if kept.len() != n || e.kept.marks.len() != n || e.kept.assessments.len() != n {
        return None;
    }
    let same: Vec<bool> = now
        .iter()
        .zip(kept)
        .map(|(i, k)| k.is(i, p.submissions))
        .collect();
    same.contains(&true).then_some(Patch {
        kept: &e.kept,
        same,
    })
}

fn same_inputs(p: &Prepared<'_>, block: &Block, kept: &Inputs) -> bool {
    match (block, kept) {
        (Block::Submissions(r), Inputs::Submissions(kept)) => {
            kept.len() == r.len()
                && r.clone().zip(kept).all(|(k, (obligation, facts))| {
                    match (p.submissions.get(k), p.facts.get(k)) {
                        (Some(s), Some(f)) => {
                            &s.obligation == obligation && (Arc::ptr_eq(f, facts) || f == facts)
                        }
                        _ => false,
                    }
                })
        }
        (Block::Instances(r), Inputs::Instances(kept)) => {
            let now = instances_of(p, r);
            now.len() == kept.len() && now.iter().zip(kept).all(|(i, k)| k.is(i, p.submissions))
        }
        _ => false,
    }
}

fn inputs(p: &Prepared<'_>, block: &Block) -> Inputs {
    match block {
        Block::Submissions(r) => Inputs::Submissions(
            r.clone()
                .filter_map(|k| {
                    Some((
                        p.submissions.get(k)?.obligation.clone(),
                        p.facts.get(k)?.clone(),
                    ))
                })
                .collect(),
        ),
        Block::Instances(r) => Inputs::Instances(
            instances_of(p, r)
                .into_iter()
                .map(|i| InstanceInput::of(i, p.submissions))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::blocks::{TEST_BLOCK_UNITS, TEST_POOL_UNITS};
    use super::*;
    use crate::rules::{Limits, RulePack};
    use crate::unstable::synth::{province, Shape};
    use proptest::prelude::*;

    /// Evaluators of the standard pack under limits that bite in different places: none,
    /// the findings count and per-call caps, the evaluation's fuel, the findings bytes.
    fn evaluators() -> &'static [Evaluator] {
        static ALL: std::sync::OnceLock<Vec<Evaluator>> = std::sync::OnceLock::new();
        ALL.get_or_init(|| {
            let source = RulePack::standard().unwrap().source().clone();
            let limits = [
                Limits::default(),
                Limits {
                    max_findings: 7,
                    max_findings_per_call: 1,
                    ..Limits::default()
                },
                Limits {
                    max_evaluation_operations: 30_000,
                    evaluation_operations_per_instance: 0,
                    ..Limits::default()
                },
                Limits {
                    max_findings: 60,
                    max_findings_bytes: 4_000,
                    ..Limits::default()
                },
            ];
            limits
                .into_iter()
                .map(|l| Evaluator::new(RulePack::compile(source.clone(), l).unwrap()))
                .collect()
        })
    }

    /// One change to a request between two evaluations.
    #[derive(Debug, Clone)]
    enum Step {
        /// The next `n` submissions of the plan's own, appended.
        Append(usize),
        /// A copy of submission `a` with a new document number, appended (what the service's
        /// bench does).
        Refile(usize),
        /// A copy of submission `a`, received `days` earlier, inserted at `at`.
        Backdate {
            a: usize,
            days: i64,
            at: usize,
        },
        /// Submission `a`'s document number changed, or its received date moved by `days`.
        Change {
            a: usize,
            days: i64,
        },
        Remove(usize),
        /// The as-of date moved by `days`.
        AsOf(i64),
        Nothing,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => (1usize..6).prop_map(Step::Append),
            2 => any::<usize>().prop_map(Step::Refile),
            1 => (any::<usize>(), 1i64..60, any::<usize>())
                .prop_map(|(a, days, at)| Step::Backdate { a, days, at }),
            1 => (any::<usize>(), -20i64..20).prop_map(|(a, days)| Step::Change { a, days }),
            1 => any::<usize>().prop_map(Step::Remove),
            1 => (-40i64..40).prop_map(Step::AsOf),
            1 => Just(Step::Nothing),
        ]
    }

    /// `req` after `step`, `pool` holding the plan's submissions not yet appended.
    fn apply(req: &mut EvaluationRequest, pool: &mut Vec<Submission>, step: &Step, n: usize) {
        let subs = &mut req.submissions;
        let len = subs.len();
        let number = |k: usize| Some(format!("{n}-{k}/BC-TEST"));
        match *step {
            Step::Append(count) => {
                let take = count.min(pool.len());
                subs.extend(pool.drain(..take));
            }
            Step::Refile(a) if len > 0 => {
                let mut s = subs[a % len].clone();
                s.document_number = number(0);
                subs.push(s);
            }
            Step::Backdate { a, days, at } if len > 0 => {
                let mut s = subs[a % len].clone();
                s.received -= chrono::Duration::days(days);
                s.document_number = number(1);
                subs.insert(at % (len + 1), s);
            }
            Step::Change { a, days } if len > 0 => {
                let s = &mut subs[a % len];
                if days == 0 {
                    s.document_number = number(2);
                } else {
                    s.received += chrono::Duration::days(days);
                }
            }
            Step::Remove(a) if len > 0 => {
                subs.remove(a % len);
            }
            Step::AsOf(days) => req.as_of += chrono::Duration::days(days),
            _ => {}
        }
    }

    /// Runs `steps` on a province of `shape` through one session, asserting each report is a
    /// fresh evaluation's, byte for byte; returns the blocks the session reused in all.
    fn run(
        evaluator: &Evaluator,
        seed: u64,
        shape: Shape,
        units: Option<usize>,
        threads: usize,
        steps: &[Step],
    ) -> usize {
        let evaluator = evaluator.clone().with_threads(threads);
        TEST_BLOCK_UNITS.with(|b| b.set(units));
        TEST_POOL_UNITS.with(|p| p.set(Some(0)));
        let mut req = province(seed, shape);
        let mut pool = req.submissions.split_off(req.submissions.len() / 2);
        let mut session = evaluator.session();
        let mut reused = 0;
        for (n, s) in std::iter::once(&Step::Nothing).chain(steps).enumerate() {
            apply(&mut req, &mut pool, s, n);
            let fresh = serde_json::to_string(&evaluator.evaluate(&req).unwrap()).unwrap();
            let kept = serde_json::to_string(&session.evaluate(&req).unwrap()).unwrap();
            assert!(
                fresh == kept,
                "seed {seed}, {shape:?}, blocks of {units:?}, {threads} threads: step {n} {s:?}"
            );
            reused += session.last_reuse().reused_blocks;
        }
        TEST_BLOCK_UNITS.with(|b| b.set(None));
        TEST_POOL_UNITS.with(|p| p.set(None));
        reused
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn a_session_reports_what_a_fresh_evaluation_reports(
            seed in 1u64..10_000,
            agencies in 3usize..14,
            obligations in 1usize..5,
            years in 1i32..3,
            evidence_percent in 0u32..101,
            units in prop_oneof![Just(None), (1usize..24).prop_map(Some)],
            threads in 1usize..3,
            limits in 0usize..4,
            steps in proptest::collection::vec(step(), 1..7),
        ) {
            let shape = Shape { agencies, obligations, years, evidence_percent };
            run(&evaluators()[limits], seed, shape, units, threads, &steps);
        }
    }

    #[test]
    fn appended_submissions_reuse_the_blocks_before_them_under_every_limit() {
        let shape = Shape {
            agencies: 30,
            obligations: 4,
            years: 2,
            evidence_percent: 70,
        };
        let steps = [
            Step::Append(3),
            Step::Refile(5),
            Step::Append(1),
            Step::Backdate {
                a: 2,
                days: 30,
                at: 1000,
            },
            Step::Refile(7),
            Step::AsOf(3),
            Step::Append(2),
        ];
        for (k, evaluator) in evaluators().iter().enumerate() {
            for threads in [1, 2] {
                let reused = run(evaluator, 11, shape, Some(16), threads, &steps);
                // The fuel limit leaves no block clean; the others reuse.
                if k != 2 {
                    assert!(reused > 20, "limits {k}, {threads} threads: {reused}");
                }
            }
        }
    }

    #[test]
    fn a_block_judged_past_a_full_report_is_judged_again_once_the_report_is_not_full_there() {
        // Findings capped near what the plan makes: with reports from an unknown agency filed
        // (findings of their own, no instance touched) the report is full before its last
        // blocks, which count their findings without building them; without them it is not,
        // and those blocks (their instances unchanged) must not be merged from what was kept.
        let shape = Shape {
            agencies: 12,
            obligations: 4,
            years: 1,
            evidence_percent: 60,
        };
        let req = province(21, shape);
        let mut more = req.clone();
        for k in 0..10 {
            let mut s = req.submissions[k].clone();
            s.agency = "Sở Không Có".into();
            more.submissions.push(s);
        }
        let total = Evaluator::standard()
            .unwrap()
            .evaluate(&more)
            .unwrap()
            .findings
            .len();
        let fewer = Evaluator::standard()
            .unwrap()
            .evaluate(&req)
            .unwrap()
            .findings
            .len();
        assert!(total >= fewer + 10, "{total} {fewer}");
        let source = RulePack::standard().unwrap().source().clone();
        for max_findings in fewer.saturating_sub(30).max(1)..total {
            let limits = Limits {
                max_findings,
                ..Limits::default()
            };
            let evaluator = Evaluator::new(RulePack::compile(source.clone(), limits).unwrap());
            TEST_BLOCK_UNITS.with(|b| b.set(Some(5)));
            let mut session = evaluator.session();
            for r in [&more, &req, &more] {
                let kept = serde_json::to_string(&session.evaluate(r).unwrap()).unwrap();
                let fresh = serde_json::to_string(&evaluator.evaluate(r).unwrap()).unwrap();
                assert!(kept == fresh, "max_findings {max_findings}");
            }
            TEST_BLOCK_UNITS.with(|b| b.set(None));
        }
    }

    #[test]
    fn another_context_or_a_changed_plan_drops_what_was_kept() {
        let evaluator = Evaluator::standard().unwrap();
        let req = province(
            3,
            Shape {
                agencies: 10,
                obligations: 2,
                years: 1,
                evidence_percent: 50,
            },
        );
        let mut session = evaluator.session();
        session.evaluate(&req).unwrap();
        session.evaluate(&req).unwrap();
        assert_eq!(
            session.last_reuse().reused_blocks,
            session.last_reuse().blocks
        );
        let mut other = req.clone();
        other.plan.obligations[0].title.push_str(" (sửa)");
        let report = session.evaluate(&other).unwrap();
        assert_eq!(session.last_reuse().reused_blocks, 0);
        assert_eq!(report, evaluator.evaluate(&other).unwrap());
        let mut later = other.clone();
        later.as_of += chrono::Duration::days(1);
        session.evaluate(&later).unwrap();
        assert_eq!(session.last_reuse().reused_blocks, 0);
    }
}
