//! The steps of an uncached province report as the service makes it at the end of a load bench
//! (routes.rs: `store::snapshot`, `evaluate_stored`, `render_encoded`), in-process, without
//! HTTP: the synthetic province the bench uses (750 agencies × 12 obligations in 2026, its
//! evidence received by 30/11/2026) with REFILINGS more stored submissions (default 50,000:
//! about what a 60 s mixed bench leaves), each step one function:
//!
//! - `step_snapshot`: the stored submissions copied into the request's list;
//! - `step_request_json`: the whole request's canonical JSON and its sha256 (what the audit
//!   named the request by until now), `step_request_store` its INSERT into SQLite;
//! - `step_request_hash_incremental`: the same hash from the kept state of the last report's
//!   (`hash::RequestHasher`), extended with the submissions added since (`ADDED`, default 100);
//! - `step_sync_kept`: what the service does now instead of the three above: the request kept
//!   from the last report (`inputs::RequestInputs`) brought up to a snapshot with `ADDED` more
//!   submissions, and its hash;
//! - `step_expand`: the plan's instances made and indexed (`Evaluator::prepare_forms`: the same
//!   expansion an evaluation starts with, plus the index a form check needs);
//! - `step_evaluate`: `Evaluator::evaluate_parts` on the revision's plan (expansion included);
//! - `step_evaluate_session`: what the service does now instead: the same evaluation in the
//!   session that evaluated the last report (`ADDED` fewer submissions), which judges again
//!   only the blocks whose inputs changed (`EvaluationSession`; asserted to give the same
//!   report; what it reused is printed), passed the stored submissions shared as the service
//!   passes them (`evaluate_shared`: those of the last report known by identity, not compared);
//! - `step_encode`: the report serialised, hashed and gzipped in one pass;
//! - `step_render_reuse`: what the service does now instead: the report rendered from the last
//!   rendering of the same query (`reuse::report_json`, `ADDED` fewer submissions); also prints
//!   the heap a kept rendering holds.
//!
//! Prints each step's wall and CPU time (medians of REPEAT runs, default 3); for counts the machine's
//! load does not change, run it under callgrind and read the inclusive counts of the `step_*`
//! functions (sha256 there runs valgrind's software path, not the CPU's `sha_ni`):
//!
//!   cargo build --release -p tuanthu-server --example profile_report
//!   ./target/release/examples/profile_report [REFILINGS] [REPEAT] [ADDED]
//!   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!       ./target/release/examples/profile_report 50000 1
//!   callgrind_annotate --inclusive=yes /tmp/cg.out | grep step_
//!
//! For the two steps of a new version alone (the session's `+ADDED` evaluation and the
//! rendering from the last one), collect only inside them:
//!
//!   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!       --toggle-collect='*step_evaluate_session_added*' \
//!       --toggle-collect='*step_render_reuse*' \
//!       ./target/release/examples/profile_report 50000 1
//!
//! Under valgrind a busy machine makes the evaluation run out of its wall-clock allowance
//! (`evaluation_ms`), and the run stops at its first assertion; `PROFILE_EVALUATION_MS=600000`
//! evaluates with that allowance instead (the same work while no limit is reached).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::time::Instant;

use tuanthu::api::to_canonical_json;
use tuanthu::eval::{EvaluationRequest, EvaluationSession, Evaluator, FormContext};
use tuanthu::model::{Report, Submission};
use tuanthu_server::hash::{sha256_hex, RequestHasher};
use tuanthu_server::inputs::RequestInputs;
use tuanthu_server::store::{Snapshot, StoredSubmission};

/// This process's resident memory in bytes (Linux; 0 elsewhere): what a copy of a report adds.
fn resident() -> isize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<isize>().ok())
        .map_or(0, |pages| pages * 4096)
}

#[inline(never)]
fn step_snapshot(list: &[Arc<StoredSubmission>]) -> Vec<Submission> {
    list.iter()
        .map(|s| Submission::clone(&s.submission))
        .collect()
}

#[inline(never)]
fn step_request_json(req: &EvaluationRequest) -> (String, String) {
    let json = to_canonical_json(req);
    let hash = sha256_hex(json.as_bytes());
    (json, hash)
}

#[inline(never)]
fn step_request_store(
    rt: &tokio::runtime::Runtime,
    db: &tuanthu_server::db::Db,
    n: usize,
    json: &str,
) {
    // A new hash each run: the INSERT writes the row (the service's ON CONFLICT skips repeats).
    rt.block_on(tuanthu_server::store::store_request(
        db,
        &format!("profile-{n}"),
        json,
    ))
    .unwrap();
}

#[inline(never)]
fn step_request_hash_incremental(
    h: &RequestHasher,
    added: &[Submission],
) -> (RequestHasher, String) {
    let mut h = h.clone();
    h.extend(added);
    let hash = h.finish();
    (h, hash)
}

#[inline(never)]
fn step_sync_kept(inputs: &mut RequestInputs, snap: &Arc<Snapshot>) -> String {
    inputs.sync(snap);
    inputs.hash()
}

#[inline(never)]
fn step_expand(ev: &Evaluator, req: &EvaluationRequest) -> usize {
    let cx = req.context();
    ev.prepare_forms(&req.plan, &cx).map(|_| 1).unwrap()
}

#[inline(never)]
fn step_evaluate(ev: &Evaluator, req: &EvaluationRequest, subs: &[Submission]) -> Report {
    let cx: FormContext<'_> = req.context();
    ev.evaluate_parts(&req.plan, subs, &cx).unwrap()
}

#[inline(never)]
fn step_evaluate_session(
    session: &mut EvaluationSession,
    req: &EvaluationRequest,
    subs: &[Arc<Submission>],
) -> Report {
    session
        .evaluate_shared(&req.plan, subs, &req.context())
        .unwrap()
}

/// [`step_evaluate_session`] of the request with `ADDED` more submissions than the session's
/// last, the first ones the same shared entries (the service's store only appends): its own
/// symbol, for callgrind's `--toggle-collect`.
#[inline(never)]
fn step_evaluate_session_added(
    session: &mut EvaluationSession,
    req: &EvaluationRequest,
    subs: &[Arc<Submission>],
) -> Report {
    step_evaluate_session(session, req, subs)
}

#[inline(never)]
fn step_encode(report: &Report) -> tuanthu_server::encode::Encoded {
    let hint = (report.assessments.len() * 1300).saturating_add(report.findings.len() * 400);
    tuanthu_server::encode::canonical_json(report, hint).unwrap()
}

#[inline(never)]
fn step_render_reuse(
    report: &Arc<Report>,
    last: &tuanthu_server::reuse::Rendering,
    since: &tuanthu_server::reuse::Since,
) -> (
    tuanthu_server::encode::Encoded,
    tuanthu_server::reuse::Rendering,
    tuanthu_server::reuse::Reused,
) {
    tuanthu_server::reuse::report_json_since(report.clone(), Some(last), Some(since)).unwrap()
}

/// The standard evaluator, with `PROFILE_EVALUATION_MS` as its `evaluation_ms` when set.
fn evaluator() -> Evaluator {
    let standard = tuanthu::rules::RulePack::standard().unwrap();
    match std::env::var("PROFILE_EVALUATION_MS") {
        Ok(ms) => {
            let limits = tuanthu::rules::Limits {
                evaluation_ms: ms.parse().unwrap(),
                ..*standard.limits()
            };
            Evaluator::new(
                tuanthu::rules::RulePack::compile(standard.source().clone(), limits).unwrap(),
            )
        }
        Err(_) => Evaluator::new(standard),
    }
}

fn main() {
    let (refilings, repeat, added) = (
        common::arg(1, 50_000),
        common::arg(2, 3),
        common::arg(3, 100),
    );
    let ev = evaluator();
    let as_of = common::profile_day();
    let mut req = common::province_request();
    let list = common::stored(&req, as_of, refilings);
    req.submissions.clear();
    req.as_of = as_of;
    println!(
        "{} obligations, {} stored submissions",
        req.plan.obligations.len(),
        list.len()
    );
    let subs = common::timed("snapshot (copy the submissions)", repeat, |_| {
        step_snapshot(&list)
    });
    let split = subs.len().saturating_sub(added);
    let full = EvaluationRequest {
        submissions: subs.clone(),
        ..req.clone()
    };
    let (json, hash) = common::timed("request JSON + sha256", repeat, |_| {
        step_request_json(&full)
    });
    let dir = std::env::temp_dir().join(format!("tuanthu-profile-{}", std::process::id()));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt
        .block_on(tuanthu_server::db::Db::open(&dir, None))
        .unwrap();
    common::timed("request INSERT (SQLite)", repeat, |k| {
        step_request_store(&rt, &db, k, &json)
    });
    let _ = std::fs::remove_dir_all(&dir);
    let mut kept = RequestHasher::new(&req).unwrap();
    kept.extend(&subs[..split]);
    let (_, incremental) = common::timed(
        &format!("request sha256 kept, +{added} submissions"),
        repeat,
        |_| step_request_hash_incremental(&kept, &subs[split..]),
    );
    assert_eq!(incremental, hash, "the kept hash is the whole request's");
    // The service's path now: the request kept from the last report, brought up to a snapshot
    // with ADDED more submissions (their copies and hashing), then its hash.
    let rev = Arc::new(common::revision(&req));
    let before = Arc::new(Snapshot {
        version: 1,
        list: list[..split].to_vec(),
    });
    let after = Arc::new(Snapshot {
        version: 2,
        list: list.clone(),
    });
    let mut times = Vec::new();
    for _ in 0..repeat.max(1) {
        let mut inputs = RequestInputs::new(rev.clone(), as_of);
        inputs.sync(&before);
        let t = Instant::now();
        let h = step_sync_kept(&mut inputs, &after);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(h, hash, "the kept request's hash is the whole request's");
        assert!(inputs.submissions().iter().map(|s| &**s).eq(&subs));
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{:<40} {:8.1} ms",
        format!("kept request: sync +{added} and hash"),
        times[times.len() / 2]
    );
    common::timed("expand (prepare_forms)", repeat, |_| step_expand(&ev, &req));
    let report = common::timed("evaluate (expand + judge)", repeat, |_| {
        step_evaluate(&ev, &req, &subs)
    });
    let shared: Vec<Arc<Submission>> = list.iter().map(|s| s.submission.clone()).collect();
    let mut times = Vec::new();
    for _ in 0..repeat.max(1) {
        let mut session = ev.session();
        step_evaluate_session(&mut session, &req, &shared[..split]);
        let t = Instant::now();
        let kept = step_evaluate_session_added(&mut session, &req, &shared);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(
            kept == report,
            "the session's report is a fresh evaluation's"
        );
        if times.len() == 1 {
            let r = session.last_reuse();
            println!(
                "  (the session matched {} submissions, reused {} of {} blocks, {} of {} \
                 instances and submissions, and {} instances alone)",
                r.matched, r.reused_blocks, r.blocks, r.reused_units, r.units, r.offered_instances
            );
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{:<40} {:8.1} ms",
        format!("evaluate in a session, +{added}"),
        times[times.len() / 2]
    );
    let encoded = common::timed("encode: JSON+sha256+gzip", repeat, |_| step_encode(&report));
    let kept_report = report;
    // The rendering the service keeps of the report before the last ADDED submissions, then the
    // report rendered from it.
    let mut session = ev.session();
    let before = Arc::new(step_evaluate_session(&mut session, &req, &shared[..split]));
    // The report as the service has it: from the same session, with what it took unchanged.
    let report = Arc::new(step_evaluate_session(&mut session, &req, &shared));
    assert!(
        *report == kept_report,
        "the session's report is a fresh evaluation's"
    );
    let (a, f) = session.last_unchanged();
    let since = tuanthu_server::reuse::Since {
        before: Arc::downgrade(&before),
        assessments: a.to_vec(),
        findings: f.to_vec(),
    };
    println!(
        "  (the session took {} of {} assessments and {} of {} findings unchanged)",
        a.iter().filter(|&&s| s).count(),
        a.len(),
        f.iter().filter(|&&s| s).count(),
        f.len()
    );
    let held = resident();
    let copy = (*before).clone();
    println!(
        "a report: about {} bytes resident ({:.0} per instance)",
        resident() - held,
        (resident() - held) as f64 / copy.assessments.len().max(1) as f64
    );
    drop(copy);
    let (first, last, _) = tuanthu_server::reuse::report_json(before.clone(), None).unwrap();
    drop(first);
    println!(
        "a kept rendering: {} bytes on the heap besides its report ({:.0} per instance)",
        last.heap_bytes(),
        last.heap_bytes() as f64 / before.assessments.len().max(1) as f64
    );
    let (again, _, reused) = common::timed(
        &format!("render from the last rendering, +{added}"),
        repeat,
        |_| step_render_reuse(&report, &last, &since),
    );
    assert!(again.bytes == encoded.bytes, "the reused rendering's bytes");
    println!(
        "  (reused {} of {} elements, {} of {} gzip groups)",
        reused.elements, reused.of_elements, reused.groups, reused.of_groups
    );
    println!(
        "{} instances, {} findings, request {} bytes, report {} bytes, gzipped {} bytes",
        report.assessments.len(),
        report.findings.len(),
        json.len(),
        encoded.bytes.len(),
        encoded.gzip.len()
    );
}
