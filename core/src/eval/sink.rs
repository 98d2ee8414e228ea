//! Where an evaluation's findings go: every size bounded by the host's [`Limits`], every cut
//! said out loud in a finding.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::model::{Finding, Message, Severity};
use crate::rules::verdict::Messages;
use crate::rules::{EvaluationAllowance, Limits};

/// The rule id of findings the host adds when a limit cut the report.
pub const LIMITS_RULE: &str = "tuanthu.limits";

/// Collects findings within `max_findings`, `max_findings_bytes`, `max_findings_per_call` and
/// `max_message_bytes`.
#[derive(Debug)]
pub(crate) struct FindingSink<'a> {
    limits: &'a Limits,
    /// A block's sink: keeps the first `max_findings` findings whatever their bytes, for the
    /// merge to apply the byte limit in report order ([`FindingSink::merge`]).
    block: bool,
    /// For a block's sink: the first block (by position) whose findings the report will not
    /// keep, as the merge learns it, and this block's position. Once the report is full before
    /// this block, its findings are counted as dropped without being built.
    closed_from: Option<(&'a AtomicUsize, usize)>,
    findings: Vec<Finding>,
    bytes: usize,
    dropped: usize,
    /// Rule calls not run, by rule id, and why.
    skipped: BTreeMap<String, Skipped>,
}

/// What a block's sink collected, owned (no limits borrowed): what an evaluation session keeps
/// of a block to merge it again into a later evaluation's report ([`super::session`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct BlockFindings {
    findings: Vec<Finding>,
    dropped: usize,
    skipped: BTreeMap<String, Skipped>,
}

impl BlockFindings {
    /// Whether some rule call of the block was not run (a stop per rule or the budget).
    pub fn skipped_any(&self) -> bool {
        !self.skipped.is_empty()
    }

    /// The findings the block's sink kept, in order.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }
}

/// Rule calls of one rule that were not run.
#[derive(Debug, Default, Clone, Copy)]
struct Skipped {
    /// After the rule was stopped by a limit `max_stops_per_rule` times.
    disabled: usize,
    /// After the evaluation ran out of budget.
    out_of_budget: usize,
}

/// Why a rule call is not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SkipReason {
    /// The rule was stopped by a limit `max_stops_per_rule` times already.
    RuleDisabled,
    /// The evaluation's rule calls ran out of time or operations.
    EvaluationBudget,
}

impl<'a> FindingSink<'a> {
    pub fn new(limits: &'a Limits) -> Self {
        FindingSink {
            limits,
            block: false,
            closed_from: None,
            findings: Vec::new(),
            bytes: 0,
            dropped: 0,
            skipped: BTreeMap::new(),
        }
    }

    /// The sink of one evaluation block: it keeps its first `max_findings` findings (no block
    /// can add more to the report), counts the others, and leaves the byte limit to the merge.
    pub fn for_block(limits: &'a Limits) -> Self {
        FindingSink {
            block: true,
            ..FindingSink::new(limits)
        }
    }

    /// Room for `n` more findings (at most `max_findings`): a report merged from kept blocks
    /// knows about how many it will hold, and growing the list step by step moved it each time.
    pub fn reserve(&mut self, n: usize) {
        self.findings.reserve(n.min(self.limits.max_findings));
    }

    /// This block's sink, for the block at `position`, closed once `closed_from` is at or
    /// before it (the merge stores there the position after which the report is full).
    pub fn closing(self, closed_from: &'a AtomicUsize, position: usize) -> Self {
        FindingSink {
            closed_from: Some((closed_from, position)),
            ..self
        }
    }

    /// Whether the merge already knows this block's findings will all be dropped.
    fn closed(&self) -> bool {
        self.closed_from
            .is_some_and(|(from, at)| from.load(Ordering::Relaxed) <= at)
    }

    /// Adds a finding unless the evaluation's count or byte limit is reached (then it is
    /// counted as dropped, and [`FindingSink::finish`] says so).
    pub fn push(&mut self, mut f: Finding) {
        let max = self.limits.max_message_bytes;
        truncate_message(&mut f.message_vi, max, "đã cắt bớt", "byte");
        truncate_message(&mut f.message_en, max, "truncated", "bytes");
        self.admit(Cow::Owned(f));
    }

    /// [`FindingSink::push`] of a finding whose messages are cut already (copied only when
    /// kept).
    fn admit(&mut self, f: Cow<'_, Finding>) {
        let size = finding_bytes(&f);
        if self.full()
            || (!self.block && self.bytes.saturating_add(size) > self.limits.max_findings_bytes)
        {
            self.dropped += 1;
            return;
        }
        self.bytes += size;
        self.findings.push(f.into_owned());
    }

    /// Adds what a block's sink collected, as if its findings had been pushed here one by one
    /// in their order; `false` (this sink unchanged) when that cannot be known from what
    /// the block kept: it dropped findings past its first `max_findings` and this sink is not
    /// full after its kept ones (the byte limit dropped some of them, so a later one might
    /// still fit). The caller then judges the block again straight into this sink.
    #[must_use]
    pub fn merge(&mut self, block: FindingSink<'_>) -> bool {
        let FindingSink {
            findings,
            dropped,
            skipped,
            ..
        } = block;
        self.merge_parts(findings.into_iter().map(Cow::Owned), dropped, &skipped)
    }

    /// [`FindingSink::merge`] of what a block's sink collected in an earlier evaluation (the
    /// findings copied only when kept).
    #[must_use]
    pub fn merge_kept(&mut self, block: &BlockFindings) -> bool {
        self.merge_parts(
            block.findings.iter().map(Cow::Borrowed),
            block.dropped,
            &block.skipped,
        )
    }

    fn merge_parts<'f>(
        &mut self,
        findings: impl Iterator<Item = Cow<'f, Finding>>,
        dropped: usize,
        skipped: &BTreeMap<String, Skipped>,
    ) -> bool {
        let mark = (self.findings.len(), self.bytes, self.dropped);
        for f in findings {
            self.admit(f);
        }
        if dropped > 0 && !self.full() {
            self.findings.truncate(mark.0);
            (self.bytes, self.dropped) = (mark.1, mark.2);
            return false;
        }
        self.dropped += dropped;
        self.add_skipped(skipped);
        true
    }

    /// What this block's sink collected, copied out for a later merge.
    pub fn to_block_findings(&self) -> BlockFindings {
        BlockFindings {
            findings: self.findings.clone(),
            dropped: self.dropped,
            skipped: self.skipped.clone(),
        }
    }

    /// Findings kept so far.
    pub fn findings_len(&self) -> usize {
        self.findings.len()
    }

    /// Findings dropped and rule calls not run so far: unchanged while nothing was cut.
    pub fn limited(&self) -> usize {
        self.skipped
            .values()
            .map(|s| s.disabled + s.out_of_budget)
            .sum::<usize>()
            + self.dropped
    }

    /// Adds a finding an earlier evaluation's block kept (its messages cut already), as its
    /// push added it then.
    pub fn admit_kept(&mut self, f: &Finding) {
        self.admit(Cow::Borrowed(f));
    }

    /// Counts rule calls not run that another sink noted.
    fn add_skipped(&mut self, skipped: &BTreeMap<String, Skipped>) {
        for (rule, s) in skipped {
            let entry = match self.skipped.get_mut(rule) {
                Some(e) => e,
                None => self.skipped.entry(rule.clone()).or_default(),
            };
            entry.disabled += s.disabled;
            entry.out_of_budget += s.out_of_budget;
        }
    }

    /// Whether every further finding will be dropped (the count limit is reached; the byte
    /// limit is not final, as a smaller finding may still fit).
    pub fn full(&self) -> bool {
        self.findings.len() >= self.limits.max_findings || self.closed()
    }

    /// Counts `total` messages of one rule call as dropped, as [`FindingSink::push_messages`]
    /// would once the sink is [`FindingSink::full`], without building their findings.
    pub fn drop_messages(&mut self, total: usize) {
        let keep = self.limits.max_findings_per_call;
        self.dropped += total.min(keep) + usize::from(total > keep);
    }

    /// Adds the messages one rule call returned: at most `max_findings_per_call`, then an error
    /// finding for the rule saying how many were left out. `base` (what they concern) is moved
    /// into the last of them and cloned for the others: one finding per call, the usual case,
    /// copies none of its strings.
    pub fn push_messages(&mut self, rule: &Arc<str>, messages: Messages, base: Finding) {
        let total = messages.len();
        let keep = self.limits.max_findings_per_call;
        if self.full() {
            self.drop_messages(total);
            return;
        }
        let over = total > keep;
        let last = total.min(keep);
        let mut base = Some(base);
        for (i, msg) in messages.into_iter().take(keep).enumerate() {
            let this = if i + 1 == last && !over {
                base.take()
            } else {
                base.clone()
            };
            let Some(this) = this else { break };
            self.push(Finding {
                rule: rule.clone(),
                severity: msg.severity,
                field: msg.field,
                message_vi: msg.message_vi,
                message_en: msg.message_en,
                ..this
            });
        }
        if let (true, Some(base)) = (over, base) {
            self.push(Finding {
                rule: rule.clone(),
                severity: Severity::Error,
                message_vi: format!(
                    "Quy tắc “{rule}” trả về {total} phát hiện trong một lần gọi; chỉ giữ {keep} \
                     phát hiện đầu (max_findings_per_call)"
                )
                .into(),
                message_en: format!(
                    "Rule '{rule}' returned {total} findings in one call; only the first {keep} \
                     are kept (max_findings_per_call)"
                )
                .into(),
                rule_failed: true,
                ..base
            });
        }
    }

    /// Notes a rule call not run.
    pub fn skip(&mut self, rule: &str, why: SkipReason) {
        let entry = match self.skipped.get_mut(rule) {
            Some(e) => e,
            None => self.skipped.entry(rule.to_string()).or_default(),
        };
        match why {
            SkipReason::RuleDisabled => entry.disabled += 1,
            SkipReason::EvaluationBudget => entry.out_of_budget += 1,
        }
    }

    /// The findings, followed by one error finding per rule that was not run everywhere and
    /// one for the findings dropped, if any. These last few are never dropped themselves.
    /// `given` is what the evaluation's rule calls were given, for the message that says it
    /// ran out.
    pub fn finish(mut self, given: EvaluationAllowance) -> Vec<Finding> {
        let blank = Finding::error("", "", "");
        let (ms, ops, n) = (given.ms, given.operations, given.instances);
        let stops = self.limits.max_stops_per_rule;
        for (rule, skipped) in std::mem::take(&mut self.skipped) {
            if skipped.disabled > 0 {
                let calls = skipped.disabled;
                self.findings.push(Finding {
                    rule: rule.as_str().into(),
                    message_vi: format!(
                        "Quy tắc “{rule}” không được chạy thêm {calls} lần: đã bị dừng {stops} lần \
                         trong một khối của lần đánh giá vì vượt giới hạn (max_stops_per_rule, \
                         tính theo từng khối)"
                    )
                    .into(),
                    message_en: format!(
                        "Rule '{rule}' was not run {calls} more times: a limit stopped it {stops} \
                         times in a block of the evaluation (max_stops_per_rule, counted per \
                         block)"
                    )
                    .into(),
                    rule_failed: true,
                    ..blank.clone()
                });
            }
            if skipped.out_of_budget > 0 {
                let calls = skipped.out_of_budget;
                self.findings.push(Finding {
                    message_vi: format!(
                        "Quy tắc “{rule}” không được chạy {calls} lần: lần đánh giá đã dùng hết \
                         ngân sách ({ops} thao tác, {ms} ms cho {n} lượt nhiệm vụ và báo cáo, số thao tác \
                         chia cho các khối theo phần việc của mỗi khối; \
                         max_evaluation_operations, evaluation_ms, \
                         evaluation_operations_per_instance, evaluation_us_per_instance)"
                    ).into(),
                    message_en: format!(
                        "Rule '{rule}' was not run {calls} times: the evaluation ran out of its \
                         budget ({ops} operations, {ms} ms for {n} instances and submissions, the operations \
                         shared among its blocks in proportion to what each judges; \
                         max_evaluation_operations, evaluation_ms, \
                         evaluation_operations_per_instance, evaluation_us_per_instance)"
                    ).into(),
                    rule: rule.into(),
                    rule_failed: true,
                    ..blank.clone()
                });
            }
        }
        if self.dropped > 0 {
            let (n, b, dropped) = (
                self.limits.max_findings,
                self.limits.max_findings_bytes,
                self.dropped,
            );
            self.findings.push(Finding {
                rule: LIMITS_RULE.into(),
                message_vi: format!(
                    "Đã bỏ {dropped} phát hiện: báo cáo đạt giới hạn {n} phát hiện hoặc {b} byte \
                     (max_findings, max_findings_bytes)"
                )
                .into(),
                message_en: format!(
                    "{dropped} findings were dropped: the report reached its limit of {n} \
                     findings or {b} bytes (max_findings, max_findings_bytes)"
                )
                .into(),
                ..blank
            });
        }
        self.findings
    }
}

/// What a finding adds to the report, roughly: its texts plus a fixed overhead for the rest.
fn finding_bytes(f: &Finding) -> usize {
    const OVERHEAD: usize = 256;
    OVERHEAD
        + f.rule.len()
        + f.message_vi.len()
        + f.message_en.len()
        + f.field.as_ref().map_or(0, String::len)
        + f.agency.as_ref().map_or(0, |a| a.len())
}

/// Cuts `text` to at most `max` bytes (on a character boundary) plus a note of what was cut.
fn truncate_message(message: &mut Message, max: usize, note: &str, unit: &str) {
    if message.len() <= max {
        return;
    }
    let mut text = String::from(std::mem::take(message));
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = text.len() - end;
    text.truncate(end);
    text.push_str(&format!(" … [{note}: {cut} {unit}]"));
    *message = Message::Owned(text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_on_a_character_boundary_and_say_so() {
        let mut t = Message::from("ạ".repeat(10)); // 3 bytes each
        truncate_message(&mut t, 8, "truncated", "bytes");
        assert_eq!(t, "ạạ … [truncated: 24 bytes]");
        let mut short = Message::Shared("ok".into());
        truncate_message(&mut short, 8, "truncated", "bytes");
        assert_eq!(short, "ok");
    }
}
