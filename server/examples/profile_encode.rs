//! A province report's encoding as the service renders it at the end of a load bench: the
//! synthetic province of `server/bench.sh` with REFILINGS more stored submissions (default
//! 50,000), its report as of 30/11/2026 rendered once with ADDED fewer submissions (default
//! 190: about how many arrive between two renderings in that bench), then the full report
//! rendered two ways, each step one function:
//!
//! - `step_one_pass`: serialised, hashed and gzipped whole (`encode::canonical_json`);
//! - `step_reuse`: written from the rendering of the report before (`reuse::report_json`).
//!
//! Prints each step's wall and CPU time (medians of REPEAT runs, default 5), how much the second
//! reused, and the sizes. For counts the machine's load does not change, run it under callgrind
//! and read the inclusive counts of the `step_*` functions (sha256 there runs valgrind's
//! software path, not the CPU's `sha_ni`):
//!
//!   cargo build --release -p tuanthu-server --example profile_encode
//!   ./target/release/examples/profile_encode [REFILINGS] [REPEAT] [ADDED]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::time::Instant;

use tuanthu::eval::Evaluator;
use tuanthu::model::{Report, Submission};
use tuanthu_server::encode::Encoded;
use tuanthu_server::reuse::{Rendering, Reused};

#[inline(never)]
fn step_one_pass(report: &Report) -> Encoded {
    let hint = (report.assessments.len() * 1300).saturating_add(report.findings.len() * 400);
    tuanthu_server::encode::canonical_json(report, hint).unwrap()
}

#[inline(never)]
fn step_reuse(report: &Arc<Report>, last: &Rendering) -> (Encoded, Rendering, Reused) {
    tuanthu_server::reuse::report_json(report.clone(), Some(last)).unwrap()
}

/// This thread's CPU time so far in ms (Linux's scheduler statistics: nanoseconds on a CPU),
/// which a loaded machine does not inflate as it does wall time; 0 where unavailable.
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e6)
}

/// Runs `f` `repeat` times; prints the median wall and CPU times; returns the last value.
fn timed<T>(what: &str, repeat: usize, mut f: impl FnMut() -> T) -> T {
    let (mut wall, mut cpu) = (Vec::with_capacity(repeat), Vec::with_capacity(repeat));
    let mut last = None;
    for _ in 0..repeat.max(1) {
        let (t, c) = (Instant::now(), cpu_ms());
        last = Some(f());
        cpu.push(cpu_ms() - c);
        wall.push(t.elapsed().as_secs_f64() * 1e3);
    }
    wall.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    let (w, c) = (wall[wall.len() / 2], cpu[cpu.len() / 2]);
    println!("{what:<44} {w:8.1} ms wall {c:8.1} ms CPU");
    last.unwrap()
}

fn arg(k: usize, default: usize) -> usize {
    std::env::args()
        .nth(k)
        .map_or(default, |a| a.parse().expect("a number"))
}

fn main() {
    let (refilings, repeat, added) = (arg(1, 50_000), arg(2, 5), arg(3, 190));
    let ev = Evaluator::standard().unwrap();
    let mut req = common::province_request();
    let as_of = common::profile_day();
    let subs: Vec<Submission> = common::stored(&req, as_of, refilings)
        .iter()
        .map(|s| s.submission.clone())
        .collect();
    req.as_of = as_of;
    let split = subs.len().saturating_sub(added);
    req.submissions = subs[..split].to_vec();
    let before = ev.evaluate(&req).unwrap();
    req.submissions = subs;
    let report = Arc::new(ev.evaluate(&req).unwrap());
    let (_, last, _) = tuanthu_server::reuse::report_json(Arc::new(before), None).unwrap();
    let one = timed("one pass: JSON + sha256 + gzip", repeat, || {
        step_one_pass(&report)
    });
    let (e, _, reused) = timed(
        &format!("reusing the rendering of {added} fewer"),
        repeat,
        || step_reuse(&report, &last),
    );
    assert!(e.bytes == one.bytes, "the same bytes");
    println!(
        "{} instances, {} findings; {} bytes, gzipped {} in one pass, {} from segments; \
         reused {} of {} elements, {} of {} groups",
        report.assessments.len(),
        report.findings.len(),
        one.bytes.len(),
        one.gzip.len(),
        e.gzip.len(),
        reused.elements,
        reused.of_elements,
        reused.groups,
        reused.of_groups
    );
}
