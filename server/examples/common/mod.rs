//! What the server's examples share: the synthetic province the load bench files into (750
//! agencies × 12 obligations in 2026, seed 7), its revision as the service caches it, and its
//! stored submissions as of a day, optionally with refilings like the bench's.
#![allow(dead_code)] // each example uses a part

use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use tuanthu::eval::EvaluationRequest;
use tuanthu::unstable::synth::{province, Shape};
use tuanthu_server::cache::CachedRevision;
use tuanthu_server::store::{Revision, StoredSubmission};

/// The synthetic province (12,002 instances; evidence for 80 % of them).
pub fn province_request() -> EvaluationRequest {
    province(
        7,
        Shape {
            agencies: 750,
            obligations: 12,
            years: 1,
            evidence_percent: 80,
        },
    )
}

/// The day the profiles evaluate as of: 30/11/2026.
pub fn profile_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).expect("a valid date")
}

/// Revision 1 of `req`'s plan as the service caches it.
pub fn revision(req: &EvaluationRequest) -> CachedRevision {
    CachedRevision::new(Revision::unstored(
        req.plan.clone(),
        1,
        req.registry.clone(),
        req.events.clone(),
    ))
}

/// `req`'s submissions received by `as_of` as the service stores them, then `refilings` more,
/// each one of those filed again with a document number of its own (what the load bench's
/// clients send: each is counted, as a repeat of its instance's evidence).
pub fn stored(
    req: &EvaluationRequest,
    as_of: NaiveDate,
    refilings: usize,
) -> Vec<Arc<StoredSubmission>> {
    let base: Vec<_> = req
        .submissions
        .iter()
        .filter(|s| s.received <= as_of)
        .cloned()
        .collect();
    let refiled = (0..refilings).map(|k| {
        let mut s = base[(k * 7919) % base.len()].clone();
        s.document_number = Some(format!("{k}/BC-LOAD"));
        s
    });
    base.iter()
        .cloned()
        .chain(refiled)
        .enumerate()
        .map(|(k, submission)| {
            Arc::new(StoredSubmission {
                id: format!("s{k:08}"),
                plan_id: req.plan.id.clone(),
                created_at: format!("2026-11-30T00:00:00.{k:08}Z"),
                created_by: "profile".into(),
                submission: Arc::new(submission),
            })
        })
        .collect()
}

/// The `k`th command-line argument as a number, or `default`.
pub fn arg(k: usize, default: usize) -> usize {
    std::env::args()
        .nth(k)
        .map_or(default, |a| a.parse().expect("a number"))
}

/// This thread's CPU time so far in ms (Linux's scheduler statistics: nanoseconds on a CPU),
/// which a loaded machine does not inflate as it does wall time; 0 where unavailable.
pub fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e6)
}

/// Runs `f` (given the run's number) `repeat` times; prints the median wall and CPU times;
/// returns the last value.
pub fn timed<T>(what: &str, repeat: usize, mut f: impl FnMut(usize) -> T) -> T {
    let (mut wall, mut cpu) = (Vec::with_capacity(repeat), Vec::with_capacity(repeat));
    let mut last = None;
    for k in 0..repeat.max(1) {
        let (t, c) = (Instant::now(), cpu_ms());
        last = Some(f(k));
        cpu.push(cpu_ms() - c);
        wall.push(t.elapsed().as_secs_f64() * 1e3);
    }
    wall.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    let (w, c) = (wall[wall.len() / 2], cpu[cpu.len() / 2]);
    println!("{what:<44} {w:8.1} ms wall {c:8.1} ms CPU");
    last.expect("at least one run")
}
