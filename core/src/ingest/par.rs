//! The reader's pure steps split over two threads on a large plan.
//!
//! Only work whose pieces depend on nothing but their input is split (cleaning a line, reading
//! one numbered task item); each half gives its results in input order and the two are joined in
//! that order, so the result is the same as on one thread (tests below and in `mod.rs` compare
//! both ways). On `wasm32` there are no threads: everything runs on the caller's thread.

/// Whether the reader may use a second thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Threads {
    /// Everything on the calling thread.
    One,
    /// Large enough pieces of work are split in two halves (native targets only).
    Two,
}

/// Below this many bytes of plan text the work stays on one thread: starting a thread costs
/// tens of microseconds, more than what splitting a small plan saves.
const MIN_PARALLEL_BYTES: usize = 256 * 1024;

impl Threads {
    /// Two threads for a plan of at least [`MIN_PARALLEL_BYTES`], one otherwise.
    pub(crate) fn for_text(len: usize) -> Threads {
        if len >= MIN_PARALLEL_BYTES {
            Threads::Two
        } else {
            Threads::One
        }
    }
}

/// Runs `a` and `b`, `b` on a second thread when `threads` is [`Threads::Two`] on a native
/// target, and returns both results. If the thread cannot be started, `b` runs here.
pub(crate) fn both<A, B>(
    threads: Threads,
    a: impl FnOnce() -> A,
    b: impl Fn() -> B + Sync,
) -> (A, B)
where
    B: Send,
{
    #[cfg(not(target_arch = "wasm32"))]
    if threads == Threads::Two {
        return std::thread::scope(|s| {
            let spawned = std::thread::Builder::new().spawn_scoped(s, &b);
            let ra = a();
            let rb = match spawned {
                Ok(h) => match h.join() {
                    Ok(rb) => rb,
                    // The same panic as if `b` had run here (the reader itself never panics).
                    Err(e) => std::panic::resume_unwind(e),
                },
                Err(_) => b(),
            };
            (ra, rb)
        });
    }
    let _ = threads;
    (a(), b())
}

/// `f` applied to each item, in order; the second half of `items` on a second thread when
/// `threads` allows it.
pub(crate) fn map<T, R>(threads: Threads, items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let mid = items.len() / 2;
    let (first, second) = items.split_at(mid);
    let (mut a, b) = both(
        threads,
        || {
            first
                .iter()
                .enumerate()
                .map(|(i, t)| f(i, t))
                .collect::<Vec<R>>()
        },
        || {
            second
                .iter()
                .enumerate()
                .map(|(i, t)| f(mid + i, t))
                .collect::<Vec<R>>()
        },
    );
    a.extend(b);
    a
}

/// `f(i)` for every job `i` (one weight per job), results in job order. With two threads both
/// take jobs from one shared queue, heaviest first (so one large job does not leave a thread
/// idle at the end); `f` must depend on its job only, and each job's result is put back at
/// its place.
pub(crate) fn map_balanced<R>(
    threads: Threads,
    weights: &[usize],
    f: impl Fn(usize) -> R + Sync,
) -> Vec<R>
where
    R: Send,
{
    if threads == Threads::One || weights.len() < 2 {
        return (0..weights.len()).map(f).collect();
    }
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weights.get(i).copied().unwrap_or(0)));
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Each thread's results, in the order it took the jobs.
    let take = || {
        let mut done: Vec<(usize, R)> = Vec::new();
        loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&i) = order.get(k) else {
                return done;
            };
            done.push((i, f(i)));
        }
    };
    let (a, b) = both(threads, take, take);
    let mut all: Vec<(usize, R)> = a.into_iter().chain(b).collect();
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn both_runs_each_side_once_in_either_mode() {
        for t in [Threads::One, Threads::Two] {
            let (a, b) = both(t, || 1 + 1, || "two".to_string());
            assert_eq!((a, b.as_str()), (2, "two"));
        }
    }

    #[test]
    fn threads_follow_the_text_size() {
        assert_eq!(Threads::for_text(10 * 1024), Threads::One);
        assert_eq!(Threads::for_text(MIN_PARALLEL_BYTES), Threads::Two);
    }

    proptest! {
        /// Split or not, every job runs once and its result stands at its place.
        #[test]
        fn map_balanced_keeps_job_order(weights in proptest::collection::vec(0usize..1000, 0..200)) {
            let f = |i: usize| i * 7 + 1;
            let expected: Vec<usize> = (0..weights.len()).map(f).collect();
            prop_assert_eq!(map_balanced(Threads::One, &weights, f), expected.clone());
            prop_assert_eq!(map_balanced(Threads::Two, &weights, f), expected);
        }

        /// Split or not, every item is mapped once, with its own index, in input order.
        #[test]
        fn map_keeps_order_and_indices(items in proptest::collection::vec(any::<u32>(), 0..200)) {
            let f = |i: usize, x: &u32| (i, x.wrapping_mul(31));
            let one = map(Threads::One, &items, f);
            let two = map(Threads::Two, &items, f);
            let expected: Vec<(usize, u32)> =
                items.iter().enumerate().map(|(i, x)| (i, x.wrapping_mul(31))).collect();
            prop_assert_eq!(&one, &expected);
            prop_assert_eq!(&two, &expected);
        }
    }
}
