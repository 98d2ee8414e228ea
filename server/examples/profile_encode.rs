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

fn main() {
    let (refilings, repeat, added) = (
        common::arg(1, 50_000),
        common::arg(2, 5),
        common::arg(3, 190),
    );
    let ev = Evaluator::standard().unwrap();
    let mut req = common::province_request();
    let as_of = common::profile_day();
    let subs: Vec<Submission> = common::stored(&req, as_of, refilings)
        .iter()
        .map(|s| Submission::clone(&s.submission))
        .collect();
    req.as_of = as_of;
    let split = subs.len().saturating_sub(added);
    req.submissions = subs[..split].to_vec();
    let before = ev.evaluate(&req).unwrap();
    req.submissions = subs;
    let report = Arc::new(ev.evaluate(&req).unwrap());
    let (_, last, _) = tuanthu_server::reuse::report_json(Arc::new(before), None).unwrap();
    let one = common::timed("one pass: JSON + sha256 + gzip", repeat, |_| {
        step_one_pass(&report)
    });
    let (e, _, reused) = common::timed(
        &format!("reusing the rendering of {added} fewer"),
        repeat,
        |_| step_reuse(&report, &last),
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
