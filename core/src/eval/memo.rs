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

use std::collections::HashMap;

use rhai::Dynamic;

use crate::rules::budget::EvaluationBudget;
use crate::rules::views::Key;

/// Nodes one rule's tree may hold in one evaluation: bounds the memory of rules that read
/// values unique to each instance (names, titles), which never hit anyway.
const MAX_NODES: usize = 1 << 14;

#[derive(Debug)]
enum Node {
    /// Not reached yet.
    Open,
    /// The rule reads property `prop` next.
    Read { prop: u8, next: HashMap<Key, usize> },
    /// The call ends here.
    Leaf { value: Dynamic, units: u64 },
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
    /// The value a call on these facts returns, spending its units from `budget`; `None` when the
    /// call must run (unknown path, or the budget could not pay for it).
    pub fn replay(&self, key_of: impl Fn(u8) -> Key, budget: &EvaluationBudget) -> Option<Dynamic> {
        if self.off {
            return None;
        }
        let mut at = 0;
        loop {
            match self.nodes.get(at)? {
                Node::Open => return None,
                Node::Read { prop, next } => at = *next.get(&key_of(*prop))?,
                Node::Leaf { value, units } => {
                    return budget.replay(*units).then(|| value.clone());
                }
            }
        }
    }

    /// Keeps the outcome of a call that read `reads`, returned `value` and spent `units`.
    pub fn insert(&mut self, reads: Vec<(u8, Key)>, value: &Dynamic, units: u64) {
        if self.off || !plain(value, 0) || reads.iter().any(|(_, k)| *k == Key::Opaque) {
            return;
        }
        if self.nodes.len() + reads.len() + 1 > MAX_NODES {
            return;
        }
        let mut at = 0;
        for (prop, key) in reads {
            let fresh = self.nodes.len();
            match &mut self.nodes[at] {
                node @ Node::Open => {
                    *node = Node::Read {
                        prop,
                        next: HashMap::from([(key, fresh)]),
                    };
                    self.nodes.push(Node::Open);
                    at = fresh;
                }
                Node::Read { prop: p, next } if *p == prop => {
                    at = *next.entry(key).or_insert(fresh);
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
                    value: value.clone(),
                    units,
                }
            }
            Node::Leaf { units: u, .. } if *u == units => {}
            _ => self.off = true,
        }
    }
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
    use crate::rules::Limits;

    #[test]
    fn a_path_read_again_replays_its_value_and_units() {
        let budget = EvaluationBudget::start(&Limits::default(), 1);
        let mut memo = Memo::default();
        let reads = vec![(1, Key::Bool(true)), (2, Key::Int(5))];
        memo.insert(reads, &Dynamic::from("overdue"), 7);
        let before = budget.fuel_left();
        let hit = memo.replay(
            |p| if p == 1 { Key::Bool(true) } else { Key::Int(5) },
            &budget,
        );
        assert_eq!(hit.map(|v| v.to_string()), Some("overdue".into()));
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
    fn a_hit_the_budget_cannot_pay_for_runs_for_real() {
        let budget = EvaluationBudget::start(
            &Limits {
                max_evaluation_operations: 10,
                ..Limits::default()
            },
            0,
        );
        let mut memo = Memo::default();
        memo.insert(vec![(0, Key::Unit)], &Dynamic::UNIT, 11);
        assert!(memo.replay(|_| Key::Unit, &budget).is_none());
        assert_eq!(budget.fuel_left(), 10);
    }

    #[test]
    fn a_path_that_disagrees_turns_the_memo_off() {
        let budget = EvaluationBudget::start(&Limits::default(), 1);
        let mut memo = Memo::default();
        memo.insert(vec![(0, Key::Unit)], &Dynamic::UNIT, 1);
        memo.insert(vec![(3, Key::Unit)], &Dynamic::UNIT, 1);
        assert!(memo.replay(|_| Key::Unit, &budget).is_none());
    }

    #[test]
    fn views_and_calendars_are_not_kept() {
        let budget = EvaluationBudget::start(&Limits::default(), 1);
        let mut memo = Memo::default();
        let cal =
            crate::rules::date::Cal(std::sync::Arc::new(crate::calendar::Calendar::vietnam()));
        memo.insert(vec![(0, Key::Unit)], &Dynamic::from(cal), 1);
        assert!(memo.replay(|_| Key::Unit, &budget).is_none());
        let mut map = rhai::Map::new();
        map.insert("status".into(), "overdue".into());
        memo.insert(vec![(0, Key::Unit)], &Dynamic::from_map(map), 1);
        assert!(memo.replay(|_| Key::Unit, &budget).is_some());
    }
}
