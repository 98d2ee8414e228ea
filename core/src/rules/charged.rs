//! Native functions whose work is not counted operation by operation: Rhai's `sort()` compares
//! elements natively, n·log n comparisons for one operation. These replacements charge the
//! budget ([`super::budget::charge`]) for that work first, then do what Rhai's do.
//!
//! Most other per-element work of native functions is already counted: element comparisons
//! (`contains`, `in`, `index_of(value)`, `==` on arrays) and closures go through Rhai's
//! operation hook. What remains (copying, padding, string search over at most
//! `max_string_size` bytes) is linear in sizes that are themselves limited, and ended by the
//! rule call's deadline.

use std::any::TypeId;
use std::cmp::Ordering;

use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString, Position, INT};

use super::budget::charge;

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

/// How two elements of one type compare.
type Order = fn(&Dynamic, &Dynamic) -> Ordering;

/// Comparisons a sort of `n` elements may make: n·⌈log₂ n⌉.
fn sort_cost(n: usize) -> u64 {
    let n = u64::try_from(n).unwrap_or(u64::MAX);
    n.saturating_mul(u64::from(u64::BITS - n.leading_zeros()))
}

fn not_sortable(what: String) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorFunctionNotFound(what, Position::NONE))
}

/// Rhai's natural order of same-typed elements, or why there is none.
fn natural_order(array: &Array) -> RhaiResult<Option<Order>> {
    let Some(first) = array.first() else {
        return Ok(None);
    };
    let type_id = first.type_id();
    if array.iter().any(|a| a.type_id() != type_id) {
        return Err(not_sortable(
            "elements of different types cannot be sorted".into(),
        ));
    }
    let order: Order = if type_id == TypeId::of::<INT>() {
        |a, b| a.as_int().ok().cmp(&b.as_int().ok())
    } else if type_id == TypeId::of::<char>() {
        |a, b| a.as_char().ok().cmp(&b.as_char().ok())
    } else if type_id == TypeId::of::<bool>() {
        |a, b| a.as_bool().ok().cmp(&b.as_bool().ok())
    } else if type_id == TypeId::of::<ImmutableString>() {
        |a, b| {
            let (a, b) = (a.as_immutable_string_ref(), b.as_immutable_string_ref());
            match (a, b) {
                (Ok(a), Ok(b)) => a.as_str().cmp(b.as_str()),
                _ => Ordering::Equal,
            }
        }
    } else if type_id == TypeId::of::<()>() {
        |_, _| Ordering::Equal
    } else {
        return Err(not_sortable(format!(
            "elements of {} cannot be sorted",
            first.type_name()
        )));
    };
    Ok(Some(order))
}

fn sort(array: &mut Array, descending: bool) -> RhaiResult<()> {
    if array.len() <= 1 {
        return Ok(());
    }
    charge(sort_cost(array.len()))?;
    if let Some(order) = natural_order(array)? {
        if descending {
            array.sort_by(|a, b| order(b, a));
        } else {
            array.sort_by(order);
        }
    }
    Ok(())
}

/// Replaces `sort()`, `sort_desc()`, `order()` and `order_desc()` of arrays.
pub fn register(engine: &mut Engine) {
    engine.register_fn("sort", |a: &mut Array| sort(a, false));
    engine.register_fn("sort_desc", |a: &mut Array| sort(a, true));
    engine.register_fn("order", |a: &mut Array| -> RhaiResult<Array> {
        let mut copy = a.clone();
        sort(&mut copy, false).map(|()| copy)
    });
    engine.register_fn("order_desc", |a: &mut Array| -> RhaiResult<Array> {
        let mut copy = a.clone();
        sort(&mut copy, true).map(|()| copy)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cost_of_a_sort_grows_as_n_log_n() {
        assert_eq!(sort_cost(1), 1);
        assert_eq!(sort_cost(4096), 4096 * 13);
        assert_eq!(sort_cost(usize::MAX), u64::MAX);
    }

    #[test]
    fn sorts_like_rhai() {
        let mut a: Array = vec![Dynamic::from(3 as INT), Dynamic::from(1 as INT)];
        sort(&mut a, false).unwrap();
        assert_eq!(a[0].as_int(), Ok(1));
        sort(&mut a, true).unwrap();
        assert_eq!(a[0].as_int(), Ok(3));
        let mut mixed: Array = vec![Dynamic::from(3 as INT), Dynamic::from("x")];
        assert!(sort(&mut mixed, false).is_err());
    }
}
