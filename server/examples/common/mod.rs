//! What the server's examples share: the synthetic province the load bench files into (750
//! agencies × 12 obligations in 2026, seed 7), its revision as the service caches it, and its
//! stored submissions as of a day, optionally with refilings like the bench's.
#![allow(dead_code)] // each example uses a part

use std::sync::Arc;

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
                submission,
            })
        })
        .collect()
}
