//! Evaluating again what changed a little: an [`EvaluationSession`] keeps what each evaluation
//! block of its last evaluation made ([`super::blocks`]) and, for the next request, merges a
//! block's kept judgement instead of judging it again when that is provably what judging it
//! would make. The report is always that of [`Evaluator::evaluate`] on the same request, byte
//! for byte.
//!
//! # Matching resumed
//!
//! When the request has the same context and plan as the last one (below) and its submissions
//! begin with the last request's submissions, equal one by one (compared with a copy the
//! session keeps: a backdated, changed or removed submission fails it), the plan is not
//! expanded again and the last matching is extended with the appended submissions only
//! ([`super::matching::Matching::extend`]). A caller that knows its first submissions are
//! the last call's unchanged (an append-only store) passes them shared
//! ([`EvaluationSession::evaluate_shared`]): the session holds the last call's, and those at
//! the same positions by identity (`Arc::ptr_eq`: a held `Arc` cannot change) are not
//! compared: their comparison was most of what resuming cost (56,000 submissions, ~8 M
//! instructions), a pointer's is a few instructions. This is
//! exact because matching is one pass in
//! order: a claim reads only what the claims before it left (which instances exist, which have
//! evidence), and the instances, their evidence and the index after the kept submissions are
//! what the last request left (its expansion too: a function of the same plan and context).
//! What an appended submission changes in what came before is
//! marked: the instance it counts for gains evidence (and an earlier received one becomes that
//! instance's first, the previous first its repeat: the repeats of exactly those instances are
//! marked again, and facts whose mark changes get a new allocation), and a member instance it
//! adopts is new. Those instances are the request's *changed* ones; no other instance and no
//! other submission's facts differ from the last request's (an unchanged instance's evidence
//! names kept submissions only, equal one by one, so the judge reads the same first one).
//! Otherwise (another context or plan,
//! or submissions that do not extend the last ones) the plan is expanded and every submission
//! matched again, and the last matching is kept aside to compare instances with.
//!
//! # When a block's judgement is reused
//!
//! A block `k` of the new request reuses the kept judgement of a block of the last one when all
//! of these hold:
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
//!     depend on other submissions: a repeat, the agency as claimed): the same allocation (a
//!     resumed matching keeps the facts of every submission whose facts did not change), else
//!     compared field by field;
//!   - an instances block is the one that starts with the same obligation and holds as many
//!     instances, each judged as the kept one was: after a resumed matching, the kept block
//!     names the same instance at that position (instances keep their numbers: claims only
//!     append) and it is not a changed one; after a matching done again, the instance equals
//!     the one the kept block names in the last matching in every field the judge reads
//!     (compared field by field, the evidence by its count and its first submission's
//!     received date and document number, which is all the judge reads of it). A block
//!     reused then is kept under this request's instance numbers, which the next comparison
//!     reads in this request's matching.
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

use super::blocks::{Block, Kept, Layout, Patch, Placed, Prepared};
use super::expand::Instance;
use super::matching::Matching;
use super::{beside, EvalError, EvaluationRequest, Evaluator, FormContext};
use crate::calendar::CalendarOverrides;
use crate::model::{
    AgencyRegistry, Assessment, Event, Finding, ObligationId, Plan, Report, Submission,
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
    unchanged: Unchanged,
    /// Evaluations so far: what the session proved of a call's submissions is about its
    /// previous call's, taken only when the kept ones are those.
    calls: u64,
    shared: Shared,
}

/// The submissions of the last [`EvaluationSession::evaluate_shared`] call: held (so none of
/// them can change while kept) and copied into one list (what the evaluator reads).
#[derive(Debug, Default)]
struct Shared {
    held: Vec<Arc<Submission>>,
    flat: Vec<Submission>,
    /// The call (of [`EvaluationSession::calls`]) they were for.
    call: u64,
}

impl Shared {
    /// Makes the kept lists those of `submissions`, copying only those not at the same position
    /// by identity; returns how many were (the prefix proven unchanged).
    fn update(&mut self, submissions: &[Arc<Submission>]) -> usize {
        // Unequal lengths are a state a panic left: nothing is proven then.
        let proven = if self.held.len() == self.flat.len() {
            self.held
                .iter()
                .zip(submissions)
                .take_while(|(a, b)| Arc::ptr_eq(a, b))
                .count()
        } else {
            0
        };
        self.held.truncate(proven);
        self.flat.truncate(proven);
        // Room for the submissions to come: appending then seldom moves the whole list.
        if self.flat.capacity() < submissions.len() {
            let room =
                (submissions.len().saturating_add(submissions.len() / 2)).saturating_sub(proven);
            self.flat.reserve(room);
            self.held.reserve(room);
        }
        let added = submissions.get(proven..).unwrap_or_default();
        self.held.extend_from_slice(added);
        self.flat.extend(added.iter().map(|s| Submission::clone(s)));
        proven
    }
}

/// Which elements of the last report are the report's before it at the same position, known
/// without comparing them ([`EvaluationSession::last_unchanged`]).
#[derive(Debug, Default)]
struct Unchanged {
    assessments: Vec<bool>,
    findings: Vec<bool>,
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
    /// Submissions matched to instances: those appended since the last request when its
    /// matching was resumed, else all of them.
    pub matched: usize,
}

/// The last request's context and what its blocks made.
#[derive(Debug)]
struct Last {
    context: OwnedContext,
    plan: Plan,
    plan_sha256: Option<String>,
    blocks: HashMap<Key, Entry>,
    /// The last request's submissions and their matching, when it finished.
    matched: Option<Matched>,
}

/// A request's submissions (a copy: the next request is compared with them) and how they
/// matched.
#[derive(Debug)]
struct Matched {
    submissions: Vec<Submission>,
    matching: Matching,
    /// The call that kept them ([`EvaluationSession::calls`]).
    call: u64,
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

/// A kept block: what it read, what it made, and where that landed in the last report.
#[derive(Debug)]
struct Entry {
    inputs: Inputs,
    kept: Kept,
    placed: Option<Placed>,
}

#[derive(Debug)]
enum Inputs {
    /// Per submission: its obligation id and its facts as matched.
    Submissions(Vec<(ObligationId, Arc<SubmissionFacts>)>),
    /// Its instances in report order, by their number in the request's matching.
    Instances(Vec<usize>),
}

/// Whether judging `now` (evidence in `now_subs`) reads what judging `then` (evidence in
/// `then_subs`) read: every field the judge reads, the evidence by its count and its first
/// submission's received date and document number (all the judge reads of it).
fn alike(
    then: &Instance,
    then_subs: &[Submission],
    now: &Instance,
    now_subs: &[Submission],
) -> bool {
    // Every field named: one added to `Instance` must be placed here.
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
    } = now;
    then.obligation == *obligation
        && &then.party == party
        && &then.period == period
        && &then.stage == stage
        && then.schedule == *schedule
        && then.triggered == *triggered
        && &then.due == due
        && then.next_stage_due == *next_stage_due
        && &then.phrase == phrase
        && &then.note == note
        && then.evidence.len() == evidence.len()
        && match (
            first_evidence(then, then_subs),
            first_evidence(now, now_subs),
        ) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                a.received == b.received && a.document_number == b.document_number
            }
            _ => false,
        }
}

/// The submission the judge reads as an instance's evidence.
fn first_evidence<'s>(inst: &Instance, submissions: &'s [Submission]) -> Option<&'s Submission> {
    inst.evidence.first().and_then(|&k| submissions.get(k))
}

/// How this request's instances are compared with those the kept blocks judged.
enum Before<'b> {
    /// The last matching was resumed: an instance is the kept one of the same number unless
    /// it is new or gained evidence (`changed`, by number).
    Resumed(&'b [bool]),
    /// Matched again: compared field by field with the last matching's, when there is one.
    Rematched(Option<&'b Matched>),
}

impl Before<'_> {
    /// Whether this request's instance `now` is judged as the kept one numbered `then` was.
    fn same(&self, p: &Prepared<'_>, then: usize, now: usize) -> bool {
        match *self {
            Before::Resumed(changed) => then == now && !changed.get(now).copied().unwrap_or(true),
            Before::Rematched(Some(m)) => {
                match (m.matching.instances.get(then), p.instances.get(now)) {
                    (Some(a), Some(b)) => alike(a, &m.submissions, b, p.submissions),
                    _ => false,
                }
            }
            Before::Rematched(None) => false,
        }
    }
}

impl Evaluator {
    /// A session of this evaluator: evaluations that reuse what the last one judged where that
    /// is provably what judging again would make ([`EvaluationSession`]).
    pub fn session(&self) -> EvaluationSession {
        EvaluationSession {
            evaluator: self.clone(),
            last: None,
            reuse: Reuse::default(),
            unchanged: Unchanged::default(),
            calls: 0,
            shared: Shared::default(),
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
        self.run(plan, submissions, cx, 0)
    }

    /// [`EvaluationSession::evaluate_parts`] of shared submissions: the same report, byte for
    /// byte. Those at the same positions as the previous call's, by identity (`Arc::ptr_eq`),
    /// are not compared with the session's copy nor copied again; the others are, whatever
    /// the caller passes. What an append-only store's caller passes to spare the comparison
    /// of every submission.
    pub fn evaluate_shared(
        &mut self,
        plan: &Plan,
        submissions: &[Arc<Submission>],
        cx: &FormContext<'_>,
    ) -> Result<Report, EvalError> {
        // Taken out while evaluating: a panic leaves nothing held, so nothing proven next.
        let mut shared = std::mem::take(&mut self.shared);
        let proven = shared.update(submissions);
        // What `update` proved is about the previous call when that call was this one's kind.
        let vouched = if shared.call == self.calls { proven } else { 0 };
        let report = self.run(plan, &shared.flat, cx, vouched);
        shared.call = self.calls;
        self.shared = shared;
        report
    }

    /// An evaluation, `submissions[..vouched]` known to be the previous call's unchanged.
    fn run(
        &mut self,
        plan: &Plan,
        submissions: &[Submission],
        cx: &FormContext<'_>,
        vouched: usize,
    ) -> Result<Report, EvalError> {
        self.calls += 1;
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
                matched: None,
            });
        }
        self.reuse = Reuse::default();
        self.unchanged = Unchanged::default();
        let mut kept = self.last.take();
        let report = self.evaluator.evaluate_with(
            plan,
            submissions,
            cx,
            Some(&mut Sink {
                last: &mut kept,
                reuse: &mut self.reuse,
                unchanged: &mut self.unchanged,
                resumed: None,
                previous: None,
                call: self.calls,
                vouched,
            }),
        );
        self.last = kept;
        if report.is_err() {
            self.unchanged = Unchanged::default();
        }
        report
    }

    /// What the last evaluation reused.
    pub fn last_reuse(&self) -> Reuse {
        self.reuse
    }

    /// Which assessments and which findings of the last report (by position; `true` for
    /// some) are, by construction, the elements at the same position of the session's report
    /// before it: a kept judgement merged where it landed then. Empty after a failed
    /// evaluation or one with nothing kept; the others are unknown (maybe equal), not
    /// different. What the service's rendering of the next report need not compare.
    pub fn last_unchanged(&self) -> (&[bool], &[bool]) {
        (&self.unchanged.assessments, &self.unchanged.findings)
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
    unchanged: &'s mut Unchanged,
    /// The last request's submissions when its matching was resumed.
    resumed: Option<Vec<Submission>>,
    /// The last request's matching when this one was matched again.
    previous: Option<Matched>,
    /// This call's number, and how many of its first submissions are proven the previous
    /// call's.
    call: u64,
    vouched: usize,
}

impl Sink<'_> {
    /// The last request's matching, to be extended with the submissions appended since, when
    /// `submissions` begins with the last request's submissions (the same context and plan:
    /// otherwise nothing was kept). Else `None`, and the last matching is kept aside for the
    /// comparison of instances.
    pub(crate) fn resume(&mut self, submissions: &[Submission]) -> Option<Matching> {
        let kept = self.last.as_mut()?.matched.take()?;
        let n = kept.submissions.len();
        // What was proven is about the previous call: taken when that call kept these.
        let vouched = if kept.call + 1 == self.call {
            self.vouched.min(n)
        } else {
            0
        };
        if kept.matching.facts.len() == n
            && submissions.len() >= n
            && submissions.get(vouched..n) == kept.submissions.get(vouched..)
        {
            self.resumed = Some(kept.submissions);
            Some(kept.matching)
        } else {
            self.previous = Some(kept);
            None
        }
    }

    /// Keeps this request's submissions and matching for the next one.
    pub(crate) fn keep(&mut self, submissions: &[Submission], matching: Matching) {
        let Some(last) = self.last.as_mut() else {
            return;
        };
        let mut copy = self.resumed.take().unwrap_or_default();
        copy.extend_from_slice(submissions.get(copy.len()..).unwrap_or_default());
        last.matched = Some(Matched {
            submissions: copy,
            matching,
            call: self.call,
        });
    }

    /// [`Prepared::judge_all`] reusing the kept blocks that qualify (module documentation),
    /// keeping this evaluation's blocks for the next; `hash` writes the plan's hash unless it
    /// is known.
    pub(crate) fn judge(
        &mut self,
        p: &Prepared<'_>,
        cut: &[Block],
        threads: usize,
        hash: &(impl Fn() -> String + Sync),
        changed: &[bool],
    ) -> (String, Vec<Assessment>, Vec<Finding>) {
        let resumed_from = self.resumed.as_ref().map_or(0, Vec::len);
        let rematched = self.resumed.is_none();
        let before = match self.resumed {
            Some(_) => Before::Resumed(changed),
            None => Before::Rematched(self.previous.as_ref()),
        };
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
                let whole = e.kept.clean
                    && e.kept.spent < p.fuel_of(b)
                    && same_inputs(p, &before, resumed_from, b, &e.inputs);
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
                (Block::Instances(r), Some((e, false))) => patch(p, &before, r, e),
                _ => None,
            })
            .collect();
        // Where each kept judgement found (reused or patched from) landed in the last report.
        let before: Vec<Option<Placed>> = found
            .iter()
            .map(|f| f.as_ref().and_then(|(e, _)| e.placed.clone()))
            .collect();
        let known = last.plan_sha256.clone();
        let side = || known.clone().unwrap_or_else(hash);
        let (plan_sha256, assessments, findings, made, layout) = if threads > 1 {
            p.judge_reusing(cut, threads, side, &reused, &patches, Some(before))
        } else {
            let parallel =
                known.is_none() && p.plan.obligations.len() >= super::PARALLEL_HASH_OBLIGATIONS;
            let (h, (_, a, f, made, layout)) = beside(side, parallel, || {
                p.judge_reusing(cut, 1, || (), &reused, &patches, Some(before))
            });
            (h, a, f, made, layout)
        };
        let Layout {
            placed,
            assessments: same_assessments,
            findings: mut same_findings,
        } = layout;
        // The findings the report adds at the end (limits) are new.
        same_findings.resize(findings.len(), false);
        *self.unchanged = Unchanged {
            assessments: same_assessments,
            findings: same_findings,
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
            matched: p.submissions.len() - resumed_from.min(p.submissions.len()),
        };
        drop((reused, patches));
        let mut made = made.into_iter();
        let mut placed = placed.into_iter();
        for ((b, k), f) in cut.iter().zip(keys).zip(found) {
            let placed = placed.next().flatten();
            let entry = match (f, made.next().flatten()) {
                // After a matching done again, instances may have other numbers: the entry
                // names this request's (and its facts, so the next compares by address).
                (Some((e, true)), _) if rematched => Some(Entry {
                    inputs: inputs(p, b),
                    kept: e.kept,
                    placed,
                }),
                (Some((e, true)), _) => Some(Entry { placed, ..e }),
                (_, Some(kept)) => Some(Entry {
                    inputs: inputs(p, b),
                    kept,
                    placed,
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

/// The block's instances in report order, by number.
fn numbers<'p>(p: &'p Prepared<'_>, r: &std::ops::Range<usize>) -> &'p [usize] {
    p.order.get(r.clone()).unwrap_or_default()
}

/// The patch of an instances block of range `r` from the kept entry of its key, when the kept
/// judgement has a mark per instance and as many instances.
fn patch<'k>(
    p: &Prepared<'_>,
    before: &Before<'_>,
    r: &std::ops::Range<usize>,
    e: &'k Entry,
) -> Option<Patch<'k>> {
    let Inputs::Instances(kept) = &e.inputs else {
        return None;
    };
    let now = numbers(p, r);
    let n = now.len();
    if kept.len() != n || e.kept.marks.len() != n || e.kept.assessments.len() != n {
        return None;
    }
    let same: Vec<bool> = now
        .iter()
        .zip(kept)
        .map(|(&now, &then)| before.same(p, then, now))
        .collect();
    same.contains(&true).then_some(Patch {
        kept: &e.kept,
        same,
    })
}

/// Whether the block reads what the kept one read; `proven` submissions are the last
/// request's (a resumed matching), so a kept block's record of their obligation, made by the
/// last request or one it equals there, need not be compared.
fn same_inputs(
    p: &Prepared<'_>,
    before: &Before<'_>,
    proven: usize,
    block: &Block,
    kept: &Inputs,
) -> bool {
    match (block, kept) {
        (Block::Submissions(r), Inputs::Submissions(kept)) => {
            kept.len() == r.len()
                && r.clone().zip(kept).all(|(k, (obligation, facts))| {
                    if k < proven && p.facts.get(k).is_some_and(|f| Arc::ptr_eq(f, facts)) {
                        return true;
                    }
                    match (p.submissions.get(k), p.facts.get(k)) {
                        (Some(s), Some(f)) => {
                            &s.obligation == obligation && (Arc::ptr_eq(f, facts) || f == facts)
                        }
                        _ => false,
                    }
                })
        }
        (Block::Instances(r), Inputs::Instances(kept)) => {
            let now = numbers(p, r);
            now.len() == kept.len()
                && now
                    .iter()
                    .zip(kept)
                    .all(|(&now, &then)| before.same(p, then, now))
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
        Block::Instances(r) => Inputs::Instances(numbers(p, r).to_vec()),
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
        /// A copy of submission `a`, received `days` earlier and appended: it takes the
        /// instance `a` counted for, and `a` becomes its repeat.
        Earlier {
            a: usize,
            days: i64,
        },
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
        /// A copy of submission `a` from a department the plan does not name, appended: in a
        /// plan whose first obligation names the departments as a group and without a registry,
        /// it adopts member instances of its own (new instances numbered last).
        Adopt(usize),
        /// The as-of date moved by `days`.
        AsOf(i64),
        Nothing,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => (1usize..6).prop_map(Step::Append),
            2 => any::<usize>().prop_map(Step::Refile),
            2 => (any::<usize>(), 1i64..60).prop_map(|(a, days)| Step::Earlier { a, days }),
            1 => (any::<usize>(), 1i64..60, any::<usize>())
                .prop_map(|(a, days, at)| Step::Backdate { a, days, at }),
            1 => (any::<usize>(), -20i64..20).prop_map(|(a, days)| Step::Change { a, days }),
            1 => any::<usize>().prop_map(Step::Remove),
            2 => any::<usize>().prop_map(Step::Adopt),
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
            Step::Earlier { a, days } if len > 0 => {
                let mut s = subs[a % len].clone();
                s.received -= chrono::Duration::days(days);
                s.document_number = number(3);
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
            Step::Adopt(a) if len > 0 => {
                let mut s = subs[a % len].clone();
                s.agency = format!("Sở Thử Nghiệm {}", a % 3);
                s.document_number = number(4);
                if let Some(o) = req.plan.obligations.first() {
                    s.obligation = o.id.clone();
                }
                subs.push(s);
            }
            Step::Remove(a) if len > 0 => {
                subs.remove(a % len);
            }
            Step::AsOf(days) => req.as_of += chrono::Duration::days(days),
            _ => {}
        }
    }

    /// Departments not named one by one in the first obligation, and no registry: a claim from
    /// a department the plan does not name adopts member instances.
    fn grouped(req: &mut EvaluationRequest) {
        req.registry = None;
        if let Some(o) = req.plan.obligations.first_mut() {
            o.performers.push(crate::model::AgencyRef::Group {
                group: crate::model::AgencyGroup::Departments,
                name: "Các sở, ban, ngành".into(),
                text: None,
            });
        }
    }

    /// Asserts that the elements the session says are unchanged are the previous report's at
    /// the same position; returns how many it said.
    fn check_unchanged(
        session: &EvaluationSession,
        before: Option<&Report>,
        now: &Report,
    ) -> usize {
        let (a, f) = session.last_unchanged();
        let Some(before) = before else {
            assert!(
                !a.contains(&true) && !f.contains(&true),
                "nothing to compare with"
            );
            return 0;
        };
        assert!(a.is_empty() || a.len() == now.assessments.len());
        assert!(f.is_empty() || f.len() == now.findings.len());
        for (i, _) in a.iter().enumerate().filter(|(_, &s)| s) {
            assert!(
                before.assessments.get(i) == now.assessments.get(i),
                "assessment {i}"
            );
        }
        for (i, _) in f.iter().enumerate().filter(|(_, &s)| s) {
            assert!(before.findings.get(i) == now.findings.get(i), "finding {i}");
        }
        a.iter().chain(f).filter(|&&s| s).count()
    }

    /// Runs `steps` on a province of `shape` through one session, asserting each report is a
    /// fresh evaluation's, byte for byte, and that the elements it says are unchanged are;
    /// returns the blocks the session reused and the elements it said unchanged, in all.
    fn run(
        evaluator: &Evaluator,
        seed: u64,
        shape: Shape,
        units: Option<usize>,
        threads: usize,
        steps: &[Step],
        groups: bool,
    ) -> (usize, usize) {
        let evaluator = evaluator.clone().with_threads(threads);
        TEST_BLOCK_UNITS.with(|b| b.set(units));
        TEST_POOL_UNITS.with(|p| p.set(Some(0)));
        let mut req = province(seed, shape);
        if groups {
            grouped(&mut req);
        }
        let mut pool = req.submissions.split_off(req.submissions.len() / 2);
        let mut session = evaluator.session();
        let (mut reused, mut unchanged) = (0, 0);
        let mut last: Option<Report> = None;
        for (n, s) in std::iter::once(&Step::Nothing).chain(steps).enumerate() {
            let was = req.clone();
            apply(&mut req, &mut pool, s, n);
            let fresh = serde_json::to_string(&evaluator.evaluate(&req).unwrap()).unwrap();
            let report = session.evaluate(&req).unwrap();
            unchanged += check_unchanged(&session, last.as_ref(), &report);
            let kept = serde_json::to_string(&report).unwrap();
            last = Some(report);
            assert!(
                fresh == kept,
                "seed {seed}, {shape:?}, blocks of {units:?}, {threads} threads: step {n} {s:?}"
            );
            // The last matching is resumed exactly when only submissions were appended.
            let all = req.submissions.len();
            let appended = n > 0
                && was.as_of == req.as_of
                && req.submissions.get(..was.submissions.len()) == Some(&was.submissions[..]);
            let matched = if appended {
                all - was.submissions.len()
            } else {
                all
            };
            assert_eq!(session.last_reuse().matched, matched, "step {n} {s:?}");
            reused += session.last_reuse().reused_blocks;
        }
        TEST_BLOCK_UNITS.with(|b| b.set(None));
        TEST_POOL_UNITS.with(|p| p.set(None));
        (reused, unchanged)
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
            groups in any::<bool>(),
        ) {
            let shape = Shape { agencies, obligations, years, evidence_percent };
            run(&evaluators()[limits], seed, shape, units, threads, &steps, groups);
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
            Step::Earlier { a: 9, days: 25 },
            Step::Append(2),
            Step::Change { a: 4, days: 0 },
            Step::Earlier { a: 12, days: 40 },
            Step::Remove(6),
            Step::Refile(2),
            Step::AsOf(3),
            Step::Append(2),
        ];
        for (k, evaluator) in evaluators().iter().enumerate() {
            for threads in [1, 2] {
                let (reused, unchanged) =
                    run(evaluator, 11, shape, Some(16), threads, &steps, false);
                // The fuel limit leaves no block clean; the others reuse, and say which
                // elements they took unchanged.
                if k != 2 {
                    assert!(reused > 20, "limits {k}, {threads} threads: {reused}");
                    assert!(
                        unchanged > 100,
                        "limits {k}, {threads} threads: {unchanged}"
                    );
                }
            }
        }
    }

    #[test]
    fn appended_claims_that_adopt_member_instances_resume_the_matching() {
        let shape = Shape {
            agencies: 12,
            obligations: 3,
            years: 1,
            evidence_percent: 60,
        };
        // An adopting claim adds instances: the step is what the test means it to be.
        let mut req = province(5, shape);
        grouped(&mut req);
        let before = Evaluator::standard().unwrap().evaluate(&req).unwrap();
        apply(&mut req, &mut Vec::new(), &Step::Adopt(1), 1);
        let after = Evaluator::standard().unwrap().evaluate(&req).unwrap();
        assert!(after.assessments.len() > before.assessments.len());
        let steps = [
            Step::Adopt(1),
            Step::Refile(3),
            Step::Adopt(2),
            Step::Earlier { a: 5, days: 10 },
            Step::Adopt(4),
            Step::Change { a: 2, days: 0 },
            Step::Adopt(7),
            Step::Backdate {
                a: 3,
                days: 5,
                at: 4,
            },
            Step::Adopt(5),
            Step::Append(2),
        ];
        for evaluator in evaluators() {
            for threads in [1, 2] {
                run(evaluator, 5, shape, Some(8), threads, &steps, true);
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
    fn shared_submissions_are_spared_only_where_they_are_the_previous_calls_by_identity() {
        let evaluator = Evaluator::standard().unwrap();
        let mut req = province(
            7,
            Shape {
                agencies: 12,
                obligations: 3,
                years: 1,
                evidence_percent: 70,
            },
        );
        let mut pool = req.submissions.split_off(req.submissions.len() / 2);
        let mut shared: Vec<Arc<Submission>> = req.submissions.drain(..).map(Arc::new).collect();
        let request = |shared: &[Arc<Submission>]| EvaluationRequest {
            submissions: shared.iter().map(|s| Submission::clone(s)).collect(),
            ..req.clone()
        };
        let fresh = |shared: &[Arc<Submission>]| {
            evaluator
                .evaluate(&request(shared))
                .ok()
                .map(|r| serde_json::to_string(&r).unwrap())
        };
        // Asserts the session's report is a fresh evaluation's; returns how many it matched.
        let call = |session: &mut EvaluationSession, shared: &[Arc<Submission>]| {
            let req = request(shared);
            let report = session
                .evaluate_shared(&req.plan, shared, &req.context())
                .ok()
                .map(|r| serde_json::to_string(&r).unwrap());
            assert!(report == fresh(shared));
            session.last_reuse().matched
        };
        let mut session = evaluator.session();
        call(&mut session, &shared);
        // Appended only: resumed.
        shared.push(Arc::new(pool.remove(0)));
        assert_eq!(call(&mut session, &shared), 1);
        // A changed submission at a kept position (another `Arc`), which changes the report:
        // compared, so the matching is done again.
        let n = shared.len();
        let was = fresh(&shared);
        let mut changed = Submission::clone(&shared[0]);
        changed.received -= chrono::Duration::days(40);
        changed.document_number = Some("97/BC-DOI".into());
        shared[0] = Arc::new(changed);
        assert!(fresh(&shared) != was, "the change is one the report shows");
        assert_eq!(call(&mut session, &shared), n);
        // Equal submissions read again (every one another `Arc`) and one appended: compared,
        // equal, so resumed.
        shared = shared
            .iter()
            .map(|s| Arc::new(Submission::clone(s)))
            .collect();
        shared.push(Arc::new(pool.remove(0)));
        assert_eq!(call(&mut session, &shared), 1);
        // A plain call in between with another first submission: the shared ones that follow are
        // those of the shared call before it by identity, not of the plain call, so compared.
        let mut plain = request(&shared);
        plain.submissions[0].document_number = Some("96/BC-DOI".into());
        assert_eq!(
            session.evaluate(&plain).unwrap(),
            evaluator.evaluate(&plain).unwrap()
        );
        shared.push(Arc::new(pool.remove(0)));
        assert_eq!(call(&mut session, &shared), shared.len());
        // A call that fails before matching keeps nothing: what the next call proves against
        // it does not cover what the session kept from the call before, which differs from it.
        let n = shared.len();
        shared[1] = Arc::new({
            let mut s = Submission::clone(&shared[1]);
            s.document_number = Some("98/BC-DOI".into());
            s
        });
        let mut bad = pool.remove(0);
        bad.received = chrono::NaiveDate::MIN;
        shared.push(Arc::new(bad));
        assert!(fresh(&shared).is_none());
        assert_eq!(call(&mut session, &shared), 0);
        shared.truncate(n);
        shared.push(Arc::new(pool.remove(0)));
        assert_eq!(call(&mut session, &shared), n + 1);
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
