//! The steps of an uncached province report, one function each, for a profiler: the service's
//! report path (routes.rs: `evaluate_stored`, `render`, `gzip`) done in-process on the synthetic
//! province the load bench uses (750 agencies × 12 obligations in 2026, its evidence received
//! by 30/11/2026), without HTTP or the database. Prints each step's wall time; for counts the
//! machine's load does not change, run it under callgrind and read the inclusive counts of the
//! `step_*` functions. `step_render_json`, `step_hash` and `step_gzip` are the three passes the
//! service made before; `step_encode_one_pass` is what it does now (`encode::canonical_json`:
//! the same bytes, hashed and gzipped as they are written):
//!
//!   cargo build --release -p tuanthu-server --example profile_report
//!   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!       ./target/release/examples/profile_report
//!   callgrind_annotate --inclusive=yes /tmp/cg.out | grep step_
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::time::Instant;

use tuanthu::api::to_canonical_json;
use tuanthu::eval::{EvaluationRequest, Evaluator};
use tuanthu::model::Report;
use tuanthu::unstable::synth::{province, Shape};
use tuanthu_server::hash::sha256_hex;

#[inline(never)]
fn step_evaluate(ev: &Evaluator, req: &EvaluationRequest) -> Report {
    ev.evaluate(req).unwrap()
}

#[inline(never)]
fn step_request_json(req: &EvaluationRequest) -> (String, String) {
    let json = to_canonical_json(req);
    let hash = sha256_hex(json.as_bytes());
    (json, hash)
}

#[inline(never)]
fn step_render_json(report: &Report) -> Vec<u8> {
    tuanthu_server::export::json(report)
}

#[inline(never)]
fn step_hash(bytes: &[u8]) -> String {
    sha256_hex(bytes)
}

#[inline(never)]
fn step_encode_one_pass(report: &Report) -> tuanthu_server::encode::Encoded {
    tuanthu_server::encode::canonical_json(report, report.assessments.len() * 1300).unwrap()
}

#[inline(never)]
fn step_gzip(bytes: &[u8], level: u32) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 8),
        flate2::Compression::new(level),
    );
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let v = f();
    println!("{what:<28} {:8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    v
}

fn main() {
    let ev = Evaluator::standard().unwrap();
    let mut req = province(
        7,
        Shape {
            agencies: 750,
            obligations: 12,
            years: 1,
            evidence_percent: 80,
        },
    );
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    req.submissions.retain(|s| s.received <= as_of);
    req.as_of = as_of;
    println!(
        "{} obligations, {} submissions",
        req.plan.obligations.len(),
        req.submissions.len()
    );
    let report = timed("evaluate", || step_evaluate(&ev, &req));
    let (json, _) = timed("request JSON + sha256", || step_request_json(&req));
    let bytes = timed("report JSON", || step_render_json(&report));
    timed("report sha256", || step_hash(&bytes));
    let fast = timed("gzip level 1", || step_gzip(&bytes, 1));
    let one = timed("one pass: JSON+sha256+gzip", || {
        step_encode_one_pass(&report)
    });
    assert!(
        one.bytes == bytes,
        "the one-pass body is the report's bytes"
    );
    assert_eq!(one.sha256, step_hash(&bytes));
    println!(
        "{} instances, request {} bytes, report {} bytes, gzipped {} bytes",
        report.assessments.len(),
        json.len(),
        bytes.len(),
        fast.len()
    );
}
