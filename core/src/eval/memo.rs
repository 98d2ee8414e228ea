//! A memo of rule calls within one evaluation: a rule's `check(x)` is a pure function of the
//! view properties it reads (no state survives a call, no clock, no randomness; the calendar is
//! the evaluation's), so a call that reads the same values, in the same order, as an earlier
//! call returns the same value after spending the same budget units. Most instances of a plan
//! share them (`schedule`, `has_evidence`, a day count), so most calls become a few native
//! property reads and hash lookups instead of an interpreter run.
//!
//! The memo is a decision tree per rule: each node names the property the rule reads next; its
//! children are keyed by that property's value; a leaf holds the returned value and the units the
//! call spent. A hit is replayed on the evaluation's budget ([`EvaluationBudget::replay`]) only
//! if the real call would not have been stopped; otherwise the call runs for real. Only calls
//! that returned normally, with a value made of plain data, are kept; failures always rerun.

use std::sync::Arc;

use rhai::Dynamic;

use crate::rules::budget::EvaluationBudget;
use crate::rules::verdict::Reading as Read;
use crate::rules::views::Key;

/// A returned value as read, or why it is no verdict.
pub(crate) type Reading = Result<Read, String>;

/// Nodes one rule's tree may hold in one evaluation: bounds the memory of rules that read
/// values unique to each instance (names, titles), which never hit anyway.
const MAX_NODES: usize = 1 << 14;

#[derive(Debug)]
enum Node {
    /// Not reached yet.
    Open,
    /// The rule reads property `prop` next.
    Read { prop: u8, next: Children },
    /// The call ends here: what its value read as (read once, replayed to every call that
    /// ends here), and the units it spent.
    Leaf { reading: Arc<Reading>, units: u64 },
}

/// A node's children by the value read. Most reads have a handful of values (a flag, a
/// schedule type): a short list compared in place costs less than hashing the key.
#[derive(Debug)]
enum Children {
    Few(Vec<(Key, usize)>),
    Many(super::FastMap<Key, usize>),
}

/// Values a node holds in a list before it moves them to a hash map.
const FEW: usize = 8;

impl Children {
    fn get(&self, key: &Key) -> Option<usize> {
        match self {
            Children::Few(list) => list.iter().find(|(k, _)| k == key).map(|&(_, n)| n),
            Children::Many(map) => map.get(key).copied(),
        }
    }

    /// The child for `key`, which becomes `fresh` if there was none.
    fn get_or_insert(&mut self, key: Key, fresh: usize) -> usize {
        if let Some(n) = self.get(&key) {
            return n;
        }
        match self {
            Children::Few(list) if list.len() < FEW => list.push((key, fresh)),
            Children::Few(list) => {
                let mut map: super::FastMap<Key, usize> = list.drain(..).collect();
                map.insert(key, fresh);
                *self = Children::Many(map);
            }
            Children::Many(map) => {
                map.insert(key, fresh);
            }
        }
        fresh
    }
}

/// The memo of one rule in one evaluation.
#[derive(Debug)]
pub(crate) struct Memo {
    nodes: Vec<Node>,
    /// Set when a recorded path disagreed with the tree (a rule that is not a function of what it
    /// reads, which should not exist): the memo is never used again for this rule.
    off: bool,
}

impl Default for Memo {
    fn default() -> Self {
        Memo {
            nodes: vec![Node::Open],
            off: false,
        }
    }
}

impl Memo {
    /// What the value a call on these facts returns reads as, spending its units from `budget`;
    /// `None` when the call must run (unknown path, or the budget could not pay for it).
    pub fn replay(
        &self,
        key_of: impl Fn(u8) -> Key,
        budget: &EvaluationBudget,
    ) -> Option<Arc<Reading>> {
        if self.off {
            return None;
        }
        let mut at = 0;
        loop {
            match self.nodes.get(at)? {
                Node::Open => return None,
                Node::Read { prop, next } => at = next.get(&key_of(*prop))?,
                Node::Leaf { reading, units } => {
                    return budget.replay(*units).then(|| reading.clone());
                }
            }
        }
    }

    /// Keeps the outcome of a call that read `reads`, returned a value that reads as `reading`,
    /// and spent `units`; only when [`keeps`] said so for that value and those reads.
    pub fn insert(&mut self, reads: Vec<(u8, Key)>, reading: &Arc<Reading>, units: u64) {
        if self.off || self.nodes.len() + reads.len() + 1 > MAX_NODES {
            return;
        }
        let mut at = 0;
        for (prop, key) in reads {
            let fresh = self.nodes.len();
            match &mut self.nodes[at] {
                node @ Node::Open => {
                    *node = Node::Read {
                        prop,
                        next: Children::Few(vec![(key, fresh)]),
                    };
                    self.nodes.push(Node::Open);
                    at = fresh;
                }
                Node::Read { prop: p, next } if *p == prop => {
                    at = next.get_or_insert(key, fresh);
                    if at == fresh {
                        self.nodes.push(Node::Open);
                    }
                }
                _ => {
                    self.off = true;
                    return;
                }
            }
        }
        match &mut self.nodes[at] {
            node @ Node::Open => {
                *node = Node::Leaf {
                    reading: reading.clone(),
                    units,
                }
            }
            Node::Leaf { units: u, .. } if *u == units => {}
            _ => self.off = true,
        }
    }
}

/// Whether a call that read `reads` and returned `value` may be replayed: it read no opaque
/// value, and returned plain data.
pub(crate) fn keeps(reads: &[(u8, Key)], value: &Dynamic) -> bool {
    plain(value, 0) && !reads.iter().any(|(_, k)| *k == Key::Opaque)
}

/// Plain data only (unit, booleans, integers, characters, strings, and arrays and maps of them):
/// never a view or a calendar, which belong to the call that returned them.
fn plain(value: &Dynamic, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    if value.is_unit() || value.is_bool() || value.is_int() || value.is_char() || value.is_string()
    {
        return true;
    }
    if let Some(map) = value.read_lock::<rhai::Map>() {
        return map.values().all(|v| plain(v, depth + 1));
    }
    if let Some(array) = value.read_lock::<rhai::Array>() {
        return array.iter().all(|v| plain(v, depth + 1));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Severity, Status};
    use crate::rules::Limits;

    /// Keeps `value` as the evaluation keeps a rule's returned value (read without templates).
    fn keep(memo: &mut Memo, reads: Vec<(u8, Key)>, value: Dynamic, units: u64) {
        if keeps(&reads, &value) {
            let reading = crate::rules::verdict::read(value, &[], Severity::Error);
            memo.insert(reads, &Arc::new(reading), units);
        }
    }

    /// No facts: the values below name no templates.
    struct NoFacts;
    impl crate::rules::verdict::Placeholders for NoFacts {
        fn write_placeholder(&self, _: &str, _: &mut String) -> bool {
            false
        }
    }

    /// The status a replayed reading says.
    fn status(reading: &Reading) -> Option<Status> {
        let ctx = crate::rules::verdict::Context {
            default_severity: Severity::Error,
            templates: &[],
            facts: &NoFacts,
            render: true,
        };
        reading.as_ref().ok().and_then(|r| r.verdict(&ctx).status)
    }

    #[test]
    fn a_path_read_again_replays_its_value_and_units() {
        let budget = EvaluationBudget::start(&Limits::default(), 1);
        let mut memo = Memo::default();
        let reads = vec![(1, Key::Bool(true)), (2, Key::Int(5))];
        keep(&mut memo, reads, Dynamic::from("overdue"), 7);
        let before = budget.fuel_left();
        let hit = memo.replay(
            |p| if p == 1 { Key::Bool(true) } else { Key::Int(5) },
            &budget,
        );
        assert_eq!(hit.and_then(|r| status(&r)), Some(Status::Overdue));
        assert_eq!(before - budget.fuel_left(), 7, "the same units are spent");
        // Another value of the second read: unknown path, nothing spent.
        let miss = memo.replay(
            |p| if p == 1 { Key::Bool(true) } else { Key::Int(6) },
            &budget,
        );
        assert!(miss.is_none());
        assert_eq!(before - budget.fuel_left(), 7);
    }

    #[test]
    fn a_read_with_many_values_keeps_every_path() {
        // More values than a node lists in place: each still replays its own answer.
        let budget = EvaluationBudget::start(&Limits::default(), 100);
        let mut memo = Memo::default();
        let statuses = ["overdue", "in_progress"];
        for n in 0..3 * FEW as i64 {
            let value = Dynamic::from(statuses[(n % 2) as usize]);
            keep(
                &mut memo,
                vec![(0, Key::Int(n)), (1, Key::Bool(true))],
                value,
                1,
            );
        }
        for n in 0..3 * FEW as i64 {
            let hit = memo.replay(
                |p| if p == 0 { Key::Int(n) } else { Key::Bool(true) },
                &budget,
            );
            let want = [Status::Overdue, Status::InProgress][(n % 2) as usize];
            assert_eq!(hit.and_then(|r| status(&r)), Some(want), "value {n}");
        }
        let unknown = memo.replay(
            |p| {
                if p == 0 {
                    Key::Int(-1)
                } else {
                    Key::Bool(true)
                }
            },
            &budget,
        );
        assert!(unknown.is_none());
    }

    #[test]
    fn a_hit_the_budget_cannot_pay_for_runs_for_real() {
        let budget = EvaluationBudget::start(
            &Limits {
                max_evaluation_operations: 10,
                ..Limits::default()
            },
            0,
        );
        let mut memo = Memo::default();
        keep(&mut memo, vec![(0, Key::Unit)], Dynamic::UNIT, 11);
        assert!(memo.replay(|_| Key::Unit, &budget).is_none());
        assert_eq!(budget.fuel_left(), 10);
    }

    #[test]
    fn a_path_that_disagrees_turns_the_memo_off() {
        let budget = EvaluationBudget::start(&Limits::default(), 1);
        let mut memo = Memo::default();
        keep(&mut memo, vec![(0, Key::Unit)], Dynamic::UNIT, 1);
        keep(&mut memo, vec![(3, Key::Unit)], Dynamic::UNIT, 1);
        assert!(memo.replay(|_| Key::Unit, &budget).is_none());
    }

    #[test]
    fn views_and_calendars_are_not_kept() {
        let budget = EvaluationBudget::start(&Limits::default(), 1);
        let mut memo = Memo::default();
        let cal =
            crate::rules::date::Cal(std::sync::Arc::new(crate::calendar::Calendar::vietnam()));
        keep(&mut memo, vec![(0, Key::Unit)], Dynamic::from(cal), 1);
        assert!(memo.replay(|_| Key::Unit, &budget).is_none());
        let mut map = rhai::Map::new();
        map.insert("status".into(), "overdue".into());
        keep(&mut memo, vec![(0, Key::Unit)], Dynamic::from_map(map), 1);
        let hit = memo.replay(|_| Key::Unit, &budget);
        assert_eq!(hit.and_then(|r| status(&r)), Some(Status::Overdue));
    }
}
