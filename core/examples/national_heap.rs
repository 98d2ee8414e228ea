//! Why a national run on one thread cost more than 34 provinces (docs/performance.md,
//! "National on one thread"): evaluates the 34 synthetic provinces in one of several ways and
//! prints, per iteration, the wall time and this process's user and system CPU time.
//!
//! `cargo run --release --example national_heap -- MODE ITERATIONS`, MODE one of
//! - `one`: the provinces one after another on this thread (as `national_34_provinces/one_thread`);
//! - `same`: the first province 34 times on this thread;
//! - `two`: the provinces split over two spawned threads (as `.../two_threads`).
//!
//! `PEERS=ROWS` first evaluates the peers' workload of ROWS rows on this thread and keeps its
//! rows and requests alive, as `benches/evaluate.rs` did while its national group ran after the
//! peers' (criterion evaluates on this thread too); `PEERS_DROP=1` drops
//! them before the provinces; `PEERS_OTHER=1` evaluates them with another `Evaluator`.
//! Under `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*national_heap::measure*'`
//! only the provinces' evaluations are counted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not library code: fail loudly

use std::hint::black_box;
use std::time::Instant;

use tuanthu::eval::{EvaluationRequest, Evaluator};
use tuanthu::unstable::synth::{province, Shape};

#[path = "../benches/peers/mod.rs"]
mod peers;

/// User and system CPU seconds of this process so far (Linux; 0 elsewhere).
fn cpu() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0) / 100.0;
    (ticks(11), ticks(12))
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "one".into());
    let iterations: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let evaluator = Evaluator::standard().unwrap().with_threads(1);
    let rows: usize = std::env::var("PEERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    if rows > 0 {
        let rows = peers::rows(rows, 42);
        let reqs = peers::requests(&rows);
        let other = Evaluator::standard().unwrap().with_threads(1);
        let ev = if std::env::var_os("PEERS_OTHER").is_some() {
            &other
        } else {
            &evaluator
        };
        for r in &reqs {
            black_box(ev.evaluate(r).unwrap());
        }
        if std::env::var_os("PEERS_DROP").is_none() {
            // Alive to the end of the process, as in the benchmark's scope.
            std::mem::forget((rows, reqs));
        }
    }
    let nation: Vec<EvaluationRequest> = (1..=34).map(|i| province(i, Shape::default())).collect();
    for _ in 0..iterations {
        let ((u0, s0), t) = (cpu(), Instant::now());
        measure(&mode, &evaluator, &nation);
        let (wall, (u1, s1)) = (t.elapsed().as_secs_f64(), cpu());
        println!(
            "{mode}: {:.1} ms wall, {:.2} s user, {:.2} s system CPU",
            wall * 1e3,
            u1 - u0,
            s1 - s0
        );
    }
}

#[inline(never)]
fn measure(mode: &str, evaluator: &Evaluator, nation: &[EvaluationRequest]) {
    match mode {
        "one" => {
            for r in nation {
                black_box(evaluator.evaluate(r).unwrap());
            }
        }
        "same" => {
            for _ in nation {
                black_box(evaluator.evaluate(&nation[0]).unwrap());
            }
        }
        "two" => {
            let (left, right) = nation.split_at(nation.len() / 2);
            std::thread::scope(|s| {
                for half in [left, right] {
                    s.spawn(move || {
                        for r in half {
                            black_box(evaluator.evaluate(r).unwrap());
                        }
                    });
                }
            });
        }
        other => panic!("unknown mode {other}: one, same or two"),
    }
}
