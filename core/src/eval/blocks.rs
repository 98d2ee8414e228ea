//! Evaluation blocks: the rule calls of one evaluation cut into pieces that can be judged in any
//! order, on any thread, and merged into the report one sequential pass would have written.
//!
//! # Evaluation blocks
//!
//! - **What a block is.** The submissions' rule calls come first in a report, then the
//!   instances' in obligation order; both sequences are cut into consecutive blocks: runs of
//!   [`BLOCK_UNITS`] submissions, and runs of whole obligations (their instances, with the facts
//!   of the submissions matched to them) closed once they hold [`BLOCK_UNITS`] instances or more.
//!   The cut depends on the input only, never on the number of threads.
//! - **What a block owns.** Its share of the evaluation's fuel (the allowance cut in proportion
//!   to the instances and submissions it judges, boundaries rounded down, so the shares add up to
//!   the whole allowance exactly), its own count of stops per rule (`max_stops_per_rule` disables
//!   a rule within the block), and its own findings. The memos of rule calls belong to the thread
//!   and are shared by the blocks it judges: a replayed call spends the units of the real one and
//!   returns its value, so it cannot change a block's result.
//! - **The merge.** Blocks are merged in their order: assessments appended, findings added as one
//!   sequential pass would add them in that order (the count, byte and per-call limits, and the
//!   count of dropped findings, come out the same). A block keeps at most `max_findings` findings;
//!   when it dropped more and the report is still not full after its kept ones (the byte limit
//!   dropped some), the block is judged again straight into the report's findings.
//! - **What is not deterministic.** The wall-clock allowance of rule calls (`evaluation_ms`) is
//!   shared by all blocks and spent by whichever calls run first; time is not deterministic on
//!   one thread either. Everything else is: reports at any thread count are byte-identical, and
//!   for an evaluation that hits no limit they are those of one pass over all rule calls.
//! - **Threads.** On native targets, an evaluation of at least [`POOL_UNITS`] instances and
//!   submissions is judged on `available_parallelism()` threads (at most [`MAX_THREADS`]; see
//!   [`super::Evaluator::with_threads`]), the plan's hash being one more task of the same
//!   threads; on `wasm32`, one block after another on the one thread.

use std::ops::Range;
use std::sync::Arc;

use rhai::Scope;

use super::expand::Instance;
use super::memo::Memo;
use super::sink::FindingSink;
use super::{instance_facts, Evaluator, RuleRun};
use crate::model::{Assessment, Finding, Plan, Severity, Submission};
use crate::policy::Policies;
use crate::rules::budget::EvaluationShares;
use crate::rules::date::Cal;
use crate::rules::views::SubmissionFacts;

/// Submissions, or instances, a block is closed at: enough that its setup (a budget, a sink, a
/// count per rule) is noise beside its rule calls, few enough that a province plan has a block
/// per thread and more.
pub(crate) const BLOCK_UNITS: usize = 256;

#[cfg(test)]
thread_local! {
    /// Tests on this thread cut blocks of this size instead (e.g. 1, or one block for all).
    pub(crate) static TEST_BLOCK_UNITS: std::cell::Cell<Option<usize>> =
        const { std::cell::Cell::new(None) };
}

fn block_units() -> usize {
    #[cfg(test)]
    if let Some(n) = TEST_BLOCK_UNITS.with(std::cell::Cell::get) {
        return n.max(1);
    }
    BLOCK_UNITS
}

/// Instances and submissions from which an evaluation is judged on more than one thread (when
/// the evaluator chooses the count): below, starting threads costs more than it saves.
pub(crate) const POOL_UNITS: usize = 2048;

/// Threads one evaluation uses at most.
pub(crate) const MAX_THREADS: usize = 8;

/// A run of consecutive submissions (by index) or instances (by position in report order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    Submissions(Range<usize>),
    Instances(Range<usize>),
}

/// Everything the blocks of one evaluation read, shared by every thread.
pub(crate) struct Prepared<'a> {
    pub evaluator: &'a Evaluator,
    pub plan: &'a Plan,
    pub submissions: &'a [Submission],
    /// The facts of each submission as matched.
    pub facts: Vec<Arc<SubmissionFacts>>,
    pub instances: &'a [Instance],
    /// Instance indexes in report order.
    pub order: &'a [usize],
    pub policies: &'a Policies,
    pub cal: Cal,
    pub as_of: chrono::NaiveDate,
    pub shares: EvaluationShares,
}

/// What a block made: its assessments in report order and its findings.
pub(crate) struct Judgement<'l> {
    pub assessments: Vec<Assessment>,
    pub sink: FindingSink<'l>,
}

/// What one thread keeps from block to block: a scope for rule calls and the memos.
pub(crate) struct Worker {
    scope: Scope<'static>,
    memos: Vec<Memo>,
}

impl Worker {
    pub fn new(rules: usize) -> Self {
        Worker {
            scope: Scope::new(),
            memos: (0..rules).map(|_| Memo::default()).collect(),
        }
    }
}

/// The blocks of an evaluation of `submissions` submissions and the instances in report
/// `order` (see the module documentation).
pub(crate) fn cut(submissions: usize, instances: &[Instance], order: &[usize]) -> Vec<Block> {
    let size = block_units();
    let mut blocks: Vec<Block> = (0..submissions)
        .step_by(size)
        .map(|s| Block::Submissions(s..(s + size).min(submissions)))
        .collect();
    let obligation = |p: usize| {
        order
            .get(p)
            .and_then(|&n| instances.get(n))
            .map(|i| i.obligation)
    };
    let mut start = 0;
    for p in 1..=order.len() {
        let boundary = p == order.len() || obligation(p) != obligation(p - 1);
        if boundary && p - start >= size || p == order.len() && p > start {
            blocks.push(Block::Instances(start..p));
            start = p;
        }
    }
    blocks
}

impl Prepared<'_> {
    /// Units (instances and submissions) the evaluation judges.
    fn units(&self) -> usize {
        self.submissions.len() + self.order.len()
    }

    /// The block's units as positions among all of them (submissions first).
    fn span(&self, block: &Block) -> Range<usize> {
        match block {
            Block::Submissions(r) => r.clone(),
            Block::Instances(r) => r.start + self.submissions.len()..r.end + self.submissions.len(),
        }
    }

    /// Judges one block into `sink` with the block's own fuel and stop counts.
    pub fn judge<'l>(
        &self,
        block: &Block,
        worker: &mut Worker,
        sink: FindingSink<'l>,
    ) -> Judgement<'l> {
        let span = self.span(block);
        let pack = self.evaluator.pack();
        let fuel = self.shares.fuel_between(span.start, span.end, self.units());
        let mut run = RuleRun {
            budget: self.shares.budget(fuel),
            sink,
            stops: vec![0; pack.rules().len()],
            max_stops: pack.limits().max_stops_per_rule,
            memos: &mut worker.memos,
        };
        let scope = &mut worker.scope;
        let mut assessments = Vec::new();
        match block {
            Block::Submissions(range) => {
                for k in range.clone() {
                    let (Some(facts), Some(s)) = (self.facts.get(k), self.submissions.get(k))
                    else {
                        continue;
                    };
                    let base = submission_base(k, s, facts);
                    let facts = facts.clone();
                    self.evaluator
                        .run_submission_rules(facts, &self.cal, scope, &base, &mut run);
                }
            }
            Block::Instances(range) => {
                assessments.reserve(range.len());
                for &n in self.order.get(range.clone()).unwrap_or_default() {
                    let Some(inst) = self.instances.get(n) else {
                        continue;
                    };
                    let Some(obligation) = self.plan.obligations.get(inst.obligation) else {
                        continue;
                    };
                    let evidence = inst.evidence.first().and_then(|&k| self.submissions.get(k));
                    let facts =
                        instance_facts(inst, obligation, evidence, self.as_of, self.policies);
                    let (status, due_soon, rules) = self
                        .evaluator
                        .run_instance_rules(facts, &self.cal, scope, inst, obligation, &mut run);
                    assessments.push(super::explain::assess(
                        inst, obligation, evidence, status, due_soon, rules, self.as_of,
                    ));
                }
            }
        }
        Judgement {
            assessments,
            sink: run.sink,
        }
    }

    /// Judges `blocks` on `threads` threads (this one among them), `side` being one more task
    /// run first; returns what `side` returned and each block's judgement, in block order.
    pub fn judge_all<'l, A: Send>(
        &'l self,
        blocks: &[Block],
        threads: usize,
        side: impl Fn() -> A + Sync,
    ) -> (A, Vec<Judgement<'l>>) {
        let limits = self.evaluator.pack().limits();
        let rules = self.evaluator.pack().rules().len();
        let one = |b: &Block, w: &mut Worker| self.judge(b, w, FindingSink::for_block(limits));
        #[cfg(not(target_arch = "wasm32"))]
        if threads > 1 {
            return parallel(blocks, threads, rules, side, one);
        }
        let _ = threads;
        let mut worker = Worker::new(rules);
        let judged = blocks.iter().map(|b| one(b, &mut worker)).collect();
        (side(), judged)
    }

    /// Merges judged blocks into the report's assessments and findings (see the module
    /// documentation), judging again straight into the findings a block whose dropped findings
    /// the merge cannot count without it.
    pub fn merge(
        &self,
        blocks: &[Block],
        judged: Vec<Judgement<'_>>,
    ) -> (Vec<Assessment>, Vec<Finding>) {
        let limits = self.evaluator.pack().limits();
        let mut sink = FindingSink::new(limits);
        let mut assessments = Vec::with_capacity(self.order.len());
        let mut again: Option<Worker> = None;
        for (block, j) in blocks.iter().zip(judged) {
            assessments.extend(j.assessments);
            if !sink.merge(j.sink) {
                let worker =
                    again.get_or_insert_with(|| Worker::new(self.evaluator.pack().rules().len()));
                sink = self.judge(block, worker, sink).sink;
            }
        }
        (assessments, sink.finish(self.shares.allowance()))
    }
}

/// What a finding about submission `k` says besides its rule and message.
fn submission_base(k: usize, s: &Submission, facts: &SubmissionFacts) -> Finding {
    Finding {
        rule: String::new(),
        severity: Severity::Info,
        obligation: Some(s.obligation.clone()),
        agency: Some(facts.agency.clone()),
        period: facts.period.as_deref().and_then(|p| p.parse().ok()),
        stage: facts.stage.clone(),
        submission: Some(k),
        field: None,
        message_vi: String::new(),
        message_en: String::new(),
        rule_failed: false,
    }
}

/// [`Prepared::judge_all`] on `threads` scoped threads taking blocks in turn: `side` first on
/// a spawned thread, which then takes blocks too. A thread that could not start or did not
/// finish leaves its work to this one.
#[cfg(not(target_arch = "wasm32"))]
fn parallel<'l, A: Send>(
    blocks: &[Block],
    threads: usize,
    rules: usize,
    side: impl Fn() -> A + Sync,
    one: impl Fn(&Block, &mut Worker) -> Judgement<'l> + Sync,
) -> (A, Vec<Judgement<'l>>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Judgement<'l>>>> =
        blocks.iter().map(|_| Mutex::new(None)).collect();
    let work = || {
        let mut worker = Worker::new(rules);
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let (Some(b), Some(slot)) = (blocks.get(k), slots.get(k)) else {
                break;
            };
            let j = one(b, &mut worker);
            if let Ok(mut s) = slot.lock() {
                *s = Some(j);
            }
        }
    };
    let side_out = std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("tuanthu-eval".into())
            .spawn_scoped(scope, || {
                let a = side();
                work();
                a
            });
        let helpers: Vec<_> = (2..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name("tuanthu-eval".into())
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        work();
        for h in helpers {
            let _ = h.join();
        }
        spawned.ok().and_then(|h| h.join().ok())
    });
    let side_out = side_out.unwrap_or_else(&side);
    let mut worker: Option<Worker> = None;
    let judged = blocks
        .iter()
        .zip(slots)
        .map(|(b, slot)| {
            let done = slot.into_inner().ok().flatten();
            done.unwrap_or_else(|| one(b, worker.get_or_insert_with(|| Worker::new(rules))))
        })
        .collect();
    (side_out, judged)
}
