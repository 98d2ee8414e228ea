//! Evaluates a workload many times (for profiling and for CPU-time measurements on a busy
//! machine, where criterion's wall-clock figures are not the engine's):
//!
//! `cargo run --release --example profile_evaluate -- peers|province|national [ITERATIONS] [ROWS]`
//!
//! ROWS (peers only, default 100,000) keeps callgrind runs short. Instructions per instance,
//! load-independent: run under `valgrind --tool=callgrind` with ITERATIONS 1 and 2; the difference
//! of the two totals is one evaluation of the workload (setup and pack compile cancel out).
//!
//! `THREADS=N` in the environment evaluates on at most N threads (`Evaluator::with_threads`;
//! unset: the default, one).
//!
//! Prints the instances evaluated and, per instance, the wall time and this process's CPU time
//! (user + system, from `/proc/self/stat` on Linux; 0 elsewhere).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not library code: fail loudly

use std::hint::black_box;
use std::time::Instant;

use tuanthu::eval::{EvaluationRequest, Evaluator};
use tuanthu::unstable::synth::{province, Shape};

#[path = "../benches/peers/mod.rs"]
mod peers;

/// CPU seconds of this process so far (Linux), in clock ticks of 1/100 s.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which ends with ')'): utime and stime are 14th and 15th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let shape = std::env::args().nth(1).unwrap_or_else(|| "peers".into());
    let iterations: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let reqs: Vec<EvaluationRequest> = match shape.as_str() {
        "peers" => {
            let rows = std::env::args()
                .nth(3)
                .and_then(|n| n.parse().ok())
                .unwrap_or(100_000);
            peers::requests(&peers::rows(rows, 42))
        }
        "province" => vec![province(1, Shape::default())],
        "national" => (1..=34).map(|i| province(i, Shape::default())).collect(),
        other => panic!("unknown shape {other}: peers, province or national"),
    };
    let threads = std::env::var("THREADS").ok().and_then(|n| n.parse().ok());
    let evaluator = Evaluator::standard()
        .unwrap()
        .with_threads(threads.unwrap_or(0));
    let mut instances = 0usize;
    let (wall, cpu) = (Instant::now(), cpu_seconds());
    for _ in 0..iterations {
        for r in &reqs {
            instances += black_box(evaluator.evaluate(r).unwrap()).assessments.len();
        }
    }
    let (wall, cpu) = (wall.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    println!(
        "{shape}: {instances} instances, {:.3} µs wall, {:.3} µs CPU per instance ({:.3} s wall \
         per iteration; threads {})",
        wall / instances as f64 * 1e6,
        cpu / instances as f64 * 1e6,
        wall / iterations as f64,
        threads.map_or("default (1)".to_string(), |n: usize| n.to_string()),
    );
}
