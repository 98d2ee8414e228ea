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
//!   dropped some), the block is judged again straight into the report's findings. Blocks are
//!   merged as soon as the ones before them are, and once the report is full the blocks after
//!   it count their findings as dropped without building them (were that signal ever wrong,
//!   the re-judging above would still give the exact report: it only saves work).
//! - **What is not deterministic.** The wall-clock allowance of rule calls (`evaluation_ms`) is
//!   shared by all blocks and spent by whichever calls run first; time is not deterministic on
//!   one thread either. Everything else is: reports at any thread count are byte-identical, and
//!   for an evaluation that hits no limit they are those of one pass over all rule calls.
//! - **Threads.** On native targets, an evaluation of at least [`POOL_UNITS`] instances and
//!   submissions is judged on the threads the host asked for ([`super::Evaluator::with_threads`],
//!   at most [`MAX_THREADS`]; one by default), the plan's hash being one more task of the same
//!   threads; on `wasm32`, one block after another on the one thread.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rhai::Scope;

use super::expand::Instance;
use super::memo::Memo;
use super::sink::{BlockFindings, FindingSink};
use super::{instance_facts, Evaluator, RuleRun};
use crate::model::{Assessment, Finding, Message, Plan, Severity, Submission};
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
/// the host asked for more): below, starting threads costs more than it saves.
pub(crate) const POOL_UNITS: usize = 2048;

#[cfg(test)]
thread_local! {
    /// Tests on this thread use threads from this many units instead (e.g. 0: always).
    pub(crate) static TEST_POOL_UNITS: std::cell::Cell<Option<usize>> =
        const { std::cell::Cell::new(None) };
}

/// [`POOL_UNITS`], or what a test set.
pub(crate) fn pool_units() -> usize {
    #[cfg(test)]
    if let Some(n) = TEST_POOL_UNITS.with(std::cell::Cell::get) {
        return n;
    }
    POOL_UNITS
}

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
    /// The first block whose findings the report will not keep, once the merge knows it.
    pub closed_from: AtomicUsize,
    /// The obligations' ids and titles the matcher made, for the workers to share.
    pub names: Arc<[super::matching::ObligationNames]>,
}

/// What a block made: its assessments in report order and its findings.
pub(crate) struct Judgement<'l> {
    pub assessments: Vec<Assessment>,
    pub sink: FindingSink<'l>,
    /// Fuel its rule calls spent.
    pub spent: u64,
    /// Whether a limit stopped one of its rule calls.
    pub stopped: bool,
    /// Whether it was judged without the report-full signal ever telling its sink to count
    /// findings without building them: its findings are all there.
    pub complete: bool,
    /// An instances block's: what judging each instance added, by position in the block.
    pub marks: Vec<Mark>,
    /// Whether each assessment is the patch's kept one (taken, not judged), by position.
    pub taken: Vec<bool>,
}

/// Where a block's judgement landed in a report: its assessments, and its findings when the
/// merge kept all of them (none dropped, the block not judged again into the report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Placed {
    pub assessments: Range<usize>,
    pub findings: Option<Range<usize>>,
}

/// Where each block landed in the report merged now, and which of its elements are, by
/// construction, the last report's at the same position: a kept judgement (or a patch's kept
/// instance) merged where it landed last time is the same values, so the service's rendering
/// need not compare them ([`super::session::EvaluationSession::last_unchanged`]).
#[derive(Debug, Default)]
pub(crate) struct Layout {
    /// By block position.
    pub placed: Vec<Option<Placed>>,
    pub assessments: Vec<bool>,
    /// The findings merged from blocks (the report's last few, added at the end, are not).
    pub findings: Vec<bool>,
}

/// What judging one instance of a block added to the block's judgement: its findings (a range
/// of the block's), the fuel it spent, and whether it is reusable alone (no finding of it
/// dropped, none of its rule calls stopped or skipped).
#[derive(Debug, Clone)]
pub(crate) struct Mark {
    findings: Range<usize>,
    spent: u64,
    clean: bool,
}

/// An instances block to judge with the instances a kept judgement of it judged alike: `same[i]`
/// when the instance at position `i` reads what the kept one at `i` read.
pub(crate) struct Patch<'k> {
    pub kept: &'k Kept,
    pub same: Vec<bool>,
}

impl Patch<'_> {
    /// The kept assessment, findings and fuel of the instance at position `i`, when reusable.
    fn get(&self, i: usize) -> Option<(&Assessment, &[Finding], u64)> {
        if !self.same.get(i).copied().unwrap_or(false) {
            return None;
        }
        let mark = self.kept.marks.get(i).filter(|m| m.clean)?;
        let a = self.kept.assessments.get(i)?;
        let f = self.kept.findings.findings().get(mark.findings.clone())?;
        Some((a, f, mark.spent))
    }
}

/// A block's judgement as an evaluation session keeps it for a later evaluation
/// ([`super::session`]): owned, with what decides whether it may be merged again.
#[derive(Debug, Clone)]
pub(crate) struct Kept {
    pub assessments: Vec<Assessment>,
    pub findings: BlockFindings,
    /// [`Judgement::complete`].
    pub complete: bool,
    /// No limit that depends on the block's share stopped or skipped a rule call.
    pub clean: bool,
    /// [`Judgement::spent`].
    pub spent: u64,
    /// [`Judgement::marks`]: whole when there is one per assessment.
    pub marks: Vec<Mark>,
}

impl Kept {
    fn of(j: &Judgement<'_>) -> Self {
        let findings = j.sink.to_block_findings();
        Kept {
            assessments: j.assessments.clone(),
            clean: !j.stopped && !findings.skipped_any(),
            findings,
            complete: j.complete,
            spent: j.spent,
            marks: j.marks.clone(),
        }
    }
}

/// A block's judgement for the merge: made now, or kept from an earlier evaluation.
enum Judged<'l, 'k> {
    Fresh(Judgement<'l>),
    Reused(&'k Kept),
}

/// What one thread keeps from block to block: a scope for rule calls and the memos.
pub(crate) struct Worker {
    scope: Scope<'static>,
    memos: Vec<Memo>,
    /// Texts shared by the assessments it writes: valid for one evaluation, as a worker is.
    texts: super::explain::Shared,
}

impl Worker {
    pub fn new(rules: usize, names: &Arc<[super::matching::ObligationNames]>) -> Self {
        Worker {
            scope: Scope::new(),
            memos: (0..rules).map(|_| Memo::default()).collect(),
            texts: super::explain::Shared::with_names(names),
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

    /// Judges one block into `sink` with the block's own fuel and stop counts; an instance that
    /// `patch` has alike is taken from it instead of judged when judging it now would run the
    /// same calls to the same ends: it was clean, no rule is disabled in this block so far and
    /// the block has more fuel left than it spent (see [`super::session`]).
    pub fn judge<'l>(
        &self,
        block: &Block,
        worker: &mut Worker,
        sink: FindingSink<'l>,
        patch: Option<&Patch<'_>>,
    ) -> Judgement<'l> {
        let pack = self.evaluator.pack();
        let fuel = self.fuel_of(block);
        let mut run = RuleRun {
            budget: self.shares.budget(fuel),
            sink,
            stops: vec![0; pack.rules().len()],
            max_stops: pack.limits().max_stops_per_rule,
            memos: &mut worker.memos,
            lists: super::explain::RuleLists::default(),
        };
        let scope = &mut worker.scope;
        let mut assessments = Vec::new();
        let mut marks = Vec::new();
        let mut taken = Vec::new();
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
                for (i, &n) in self
                    .order
                    .get(range.clone())
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    let before = (
                        run.sink.findings_len(),
                        run.sink.limited(),
                        run.stops.iter().sum::<usize>(),
                        run.budget.fuel_left(),
                    );
                    let mark = |run: &RuleRun<'_, '_>| Mark {
                        findings: before.0..run.sink.findings_len(),
                        spent: before.3.saturating_sub(run.budget.fuel_left()),
                        clean: run.sink.limited() == before.1
                            && run.stops.iter().sum::<usize>() == before.2,
                    };
                    if let Some((a, findings, spent)) = patch.and_then(|p| p.get(i)) {
                        if run.stops.iter().all(|&s| s < run.max_stops)
                            && run.budget.spend_kept(spent)
                        {
                            assessments.push(a.clone());
                            taken.push(true);
                            for f in findings {
                                run.sink.admit_kept(f);
                            }
                            marks.push(mark(&run));
                            continue;
                        }
                    }
                    let Some(inst) = self.instances.get(n) else {
                        continue;
                    };
                    let Some(obligation) = self.plan.obligations.get(inst.obligation) else {
                        continue;
                    };
                    let first = inst.evidence.first().copied();
                    let evidence = first.and_then(|k| self.submissions.get(k));
                    // The evidence's own facts hold its document number as matched: shared by
                    // the instance's facts and the assessment when it is the one written.
                    let written = evidence.and_then(|e| e.document_number.as_deref());
                    let matched = first
                        .and_then(|k| self.facts.get(k))
                        .and_then(|f| f.document_number.as_ref());
                    let document_number = match (written, matched) {
                        (Some(w), Some(m)) if **m == *w => Some(m.clone()),
                        (w, _) => w.map(Arc::from),
                    };
                    let facts = instance_facts(
                        &mut worker.texts,
                        inst,
                        obligation,
                        evidence,
                        document_number.clone(),
                        (self.as_of, self.policies),
                    );
                    let (status, due_soon, rules) = self
                        .evaluator
                        .run_instance_rules(facts, &self.cal, scope, inst, &mut run);
                    assessments.push(super::explain::assess(
                        &mut worker.texts,
                        inst,
                        obligation,
                        evidence.map(|e| (e, document_number)),
                        (status, due_soon),
                        rules,
                        self.as_of,
                    ));
                    taken.push(false);
                    marks.push(mark(&run));
                }
            }
        }
        Judgement {
            assessments,
            spent: fuel.saturating_sub(run.budget.fuel_left()),
            stopped: run.stops.iter().any(|&s| s > 0),
            sink: run.sink,
            complete: true,
            marks,
            taken,
        }
    }

    /// The block's share of the evaluation's fuel.
    pub fn fuel_of(&self, block: &Block) -> u64 {
        let span = self.span(block);
        self.shares.fuel_between(span.start, span.end, self.units())
    }

    /// Judges `blocks` on `threads` threads (this one among them), `side` being one more task
    /// run first, and merges them into the report's assessments and findings (see the module
    /// documentation); returns what `side` returned too.
    pub fn judge_all<A: Send>(
        &self,
        blocks: &[Block],
        threads: usize,
        side: impl Fn() -> A + Sync,
    ) -> (A, Vec<Assessment>, Vec<Finding>) {
        let (a, assessments, findings, _, _) =
            self.judge_reusing(blocks, threads, side, &[], &[], None);
        (a, assessments, findings)
    }

    /// [`Prepared::judge_all`] merging `reused[k]`, when there is one, as block `k`'s
    /// judgement instead of judging it (judged again when the merge cannot use it: it was
    /// judged past a full report and this report is not full before it, or its own cap
    /// dropped findings the report might keep). With `keep` (where each kept judgement, reused
    /// or patched from, landed in the last report, by block position), also what each block
    /// judged now made, by position (`None` for the reused ones), and the [`Layout`].
    pub fn judge_reusing<A: Send>(
        &self,
        blocks: &[Block],
        threads: usize,
        side: impl Fn() -> A + Sync,
        reused: &[Option<&Kept>],
        patches: &[Option<Patch<'_>>],
        keep: Option<Vec<Option<Placed>>>,
    ) -> (A, Vec<Assessment>, Vec<Finding>, Vec<Option<Kept>>, Layout) {
        let limits = self.evaluator.pack().limits();
        let mut merge = Merge {
            sink: FindingSink::new(limits),
            assessments: Vec::with_capacity(self.order.len()),
            next: 0,
            again: None,
            kept: keep.is_some().then(|| Vec::with_capacity(blocks.len())),
            before: keep.unwrap_or_default(),
            layout: Layout::default(),
        };
        // The findings of the kept judgements merged or patched from: about what the report
        // will hold.
        let kept = reused.iter().flatten().copied();
        let kept = kept.chain(patches.iter().flatten().map(|p| p.kept));
        merge
            .sink
            .reserve(kept.map(|k| k.findings.findings().len()).sum());
        let reuse = |k: usize| reused.get(k).copied().flatten();
        let patch = |k: usize| patches.get(k).and_then(Option::as_ref);
        #[cfg(not(target_arch = "wasm32"))]
        if threads > 1 {
            let a = parallel(self, blocks, threads, &side, &reuse, &patch, &mut merge);
            let findings = merge.sink.finish(self.shares.allowance());
            return (
                a,
                merge.assessments,
                findings,
                merge.kept.unwrap_or_default(),
                merge.layout,
            );
        }
        let _ = threads;
        let mut worker = self.worker();
        for (k, b) in blocks.iter().enumerate() {
            let judged = match reuse(k) {
                Some(kept) => Judged::Reused(kept),
                None => Judged::Fresh(self.judge_one(k, b, &mut worker, patch(k))),
            };
            self.absorb(&mut merge, blocks, judged);
        }
        let a = side();
        let findings = merge.sink.finish(self.shares.allowance());
        (
            a,
            merge.assessments,
            findings,
            merge.kept.unwrap_or_default(),
            merge.layout,
        )
    }

    fn worker(&self) -> Worker {
        Worker::new(self.evaluator.pack().rules().len(), &self.names)
    }

    /// Judges the block at position `k` into a sink of its own.
    fn judge_one<'l>(
        &'l self,
        k: usize,
        block: &Block,
        worker: &mut Worker,
        patch: Option<&Patch<'_>>,
    ) -> Judgement<'l> {
        let sink = FindingSink::for_block(self.evaluator.pack().limits());
        let mut judged = self.judge(block, worker, sink.closing(&self.closed_from, k), patch);
        // The signal only moves down: above `k` now, it was above `k` at every look.
        judged.complete = self.closed_from.load(Ordering::Relaxed) > k;
        judged
    }

    /// Merges the next block's judgement, judging it again straight into the report's findings
    /// when its own sink cannot say what they keep (or, kept from an earlier evaluation, it was
    /// judged past a full report and this one is not full yet); once the report is full, tells
    /// the blocks after it to stop building findings.
    fn absorb<'l>(&'l self, merge: &mut Merge<'l>, blocks: &[Block], judged: Judged<'l, '_>) {
        let k = merge.next;
        merge.next += 1;
        let (a0, f0) = (merge.assessments.len(), merge.sink.findings_len());
        let (merged, offered, taken) = match judged {
            Judged::Fresh(judged) => {
                if let Some(kept) = &mut merge.kept {
                    kept.push(Some(Kept::of(&judged)));
                }
                let offered = judged.sink.findings_len();
                merge.assessments.extend(judged.assessments);
                (merge.sink.merge(judged.sink), offered, Some(judged.taken))
            }
            Judged::Reused(kept) => {
                if let Some(all) = &mut merge.kept {
                    all.push(None);
                }
                merge.assessments.extend(kept.assessments.iter().cloned());
                let merged =
                    (kept.complete || merge.sink.full()) && merge.sink.merge_kept(&kept.findings);
                (merged, kept.findings.findings().len(), None)
            }
        };
        if merge.kept.is_some() {
            let whole = merged && merge.sink.findings_len().checked_sub(f0) == Some(offered);
            let placed = Placed {
                assessments: a0..merge.assessments.len(),
                findings: whole.then_some(f0..merge.sink.findings_len()),
            };
            merge
                .layout
                .note(merge.before.get(k).cloned().flatten(), &placed, taken);
            merge.layout.placed.push(Some(placed));
        }
        if !merged {
            if let Some(block) = blocks.get(k) {
                let worker = merge.again.get_or_insert_with(|| self.worker());
                let sink = std::mem::replace(
                    &mut merge.sink,
                    FindingSink::new(self.evaluator.pack().limits()),
                );
                merge.sink = self.judge(block, worker, sink, None).sink;
            }
        }
        if merge.sink.full() {
            self.closed_from.fetch_min(merge.next, Ordering::Relaxed);
        }
    }
}

/// The report as merged so far: blocks `..next`.
struct Merge<'l> {
    sink: FindingSink<'l>,
    assessments: Vec<Assessment>,
    next: usize,
    /// The worker that judges blocks again (see [`FindingSink::merge`]).
    again: Option<Worker>,
    /// What the blocks judged now made, when asked to keep it.
    kept: Option<Vec<Option<Kept>>>,
    /// Where each block's kept judgement landed in the last report, by block position.
    before: Vec<Option<Placed>>,
    layout: Layout,
}

impl Layout {
    /// Notes the elements of a block merged now at `now` that are the last report's at the
    /// same position: the kept judgement it merged (`taken` is `None`), or the instances a
    /// judgement made now took from it (`taken`), when that judgement landed at the same
    /// place last time (`then`).
    fn note(&mut self, then: Option<Placed>, now: &Placed, taken: Option<Vec<bool>>) {
        let same_place = then
            .as_ref()
            .is_some_and(|t| t.assessments == now.assessments);
        let n = now.assessments.len();
        let reused = taken.is_none();
        match taken {
            None => self.assessments.extend(std::iter::repeat_n(same_place, n)),
            Some(t) if same_place && t.len() == n => self.assessments.extend(t),
            Some(_) => self.assessments.extend(std::iter::repeat_n(false, n)),
        }
        if let Some(f) = &now.findings {
            // Findings of a judgement made now are new values (equal or not): compared.
            let same = reused && then.is_some_and(|t| t.findings.as_ref() == Some(f));
            self.findings.resize(f.start, false);
            self.findings.extend(std::iter::repeat_n(same, f.len()));
        }
    }
}

/// What a finding about submission `k` says besides its rule and message.
fn submission_base(k: usize, s: &Submission, facts: &SubmissionFacts) -> Finding {
    // The facts share the plan's id when the submission names it as written (the finding
    // names the obligation as the submission wrote it).
    let obligation = if *facts.obligation == *s.obligation.as_str() {
        facts.obligation.clone().into()
    } else {
        (&s.obligation).into()
    };
    Finding {
        rule: Arc::default(),
        severity: Severity::Info,
        obligation: Some(obligation),
        agency: Some(facts.agency.clone()),
        period: facts.period.as_deref().and_then(|p| p.parse().ok()),
        stage: facts.stage.as_deref().map(Arc::from),
        submission: Some(k),
        field: None,
        message_vi: Message::default(),
        message_en: Message::default(),
        rule_failed: false,
    }
}

/// [`Prepared::judge_all`] on `threads` scoped threads taking blocks in turn: `side` first on
/// a spawned thread, which then takes blocks too. Whichever thread finds the merge free merges
/// the judged blocks that come next in order. A thread that could not start or did not finish
/// leaves its work to this one.
#[cfg(not(target_arch = "wasm32"))]
fn parallel<'l, 'k, A: Send>(
    p: &'l Prepared<'_>,
    blocks: &[Block],
    threads: usize,
    side: &(impl Fn() -> A + Sync),
    reuse: &(impl Fn(usize) -> Option<&'k Kept> + Sync),
    patch: &(impl Fn(usize) -> Option<&'k Patch<'k>> + Sync),
    merge: &mut Merge<'l>,
) -> A {
    use std::sync::atomic::AtomicUsize;
    use std::sync::Mutex;
    let next = AtomicUsize::new(0);
    // Reused blocks are judged already.
    let slots: Vec<Mutex<Option<Judged<'l, 'k>>>> = (0..blocks.len())
        .map(|k| Mutex::new(reuse(k).map(Judged::Reused)))
        .collect();
    let merging = Mutex::new(merge);
    // Merges the judged blocks that come next, as far as they are judged.
    let drain = |m: &mut Merge<'l>| {
        while let Some(judged) = slots
            .get(m.next)
            .and_then(|slot| slot.lock().ok().and_then(|mut s| s.take()))
        {
            p.absorb(m, blocks, judged);
        }
    };
    let work = || {
        let mut worker = p.worker();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let (Some(b), Some(slot)) = (blocks.get(k), slots.get(k)) else {
                break;
            };
            if reuse(k).is_some() {
                continue;
            }
            let judged = p.judge_one(k, b, &mut worker, patch(k));
            if let Ok(mut s) = slot.lock() {
                *s = Some(Judged::Fresh(judged));
            }
            if let Ok(mut m) = merging.try_lock() {
                drain(&mut m);
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
    // What is left: blocks judged after the last merge, and any a lost thread did not judge.
    let mut worker: Option<Worker> = None;
    let m = merging
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    drain(m);
    while let Some(b) = blocks.get(m.next) {
        let w = worker.get_or_insert_with(|| p.worker());
        let judged = match reuse(m.next) {
            Some(kept) => Judged::Reused(kept),
            None => Judged::Fresh(p.judge_one(m.next, b, w, patch(m.next))),
        };
        p.absorb(m, blocks, judged);
    }
    side_out.unwrap_or_else(side)
}
