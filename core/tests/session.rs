//! An evaluation session, through the public API, on a plan big enough for several blocks and
//! two threads: every report is a fresh evaluation's, byte for byte, and appending reuses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use tuanthu::api::to_canonical_json;
use tuanthu::eval::{EvaluationRequest, Evaluator};
use tuanthu::unstable::synth::{province, Shape};

fn refile(req: &mut EvaluationRequest, k: usize, tag: &str) {
    let mut s = req.submissions[k % req.submissions.len()].clone();
    s.document_number = Some(format!("{tag}/BC-LAI"));
    req.submissions.push(s);
}

#[test]
fn a_session_gives_each_report_of_a_fresh_evaluation_and_reuses_what_did_not_change() {
    let shape = Shape {
        agencies: 150,
        obligations: 8,
        years: 2,
        evidence_percent: 75,
    };
    let whole = province(8, shape);
    for threads in [1, 2] {
        let evaluator = Evaluator::standard().unwrap().with_threads(threads);
        let mut req = whole.clone();
        let mut pool = req.submissions.split_off(req.submissions.len() * 3 / 4);
        let mut session = evaluator.session();
        let units = req.submissions.len() + evaluator.evaluate(&req).unwrap().assessments.len();
        assert!(units >= 2048, "{units}: two threads judge it");
        for step in 0..7 {
            match step {
                0 => {}
                1 | 4 => req.submissions.extend(pool.drain(..20.min(pool.len()))),
                2 => refile(&mut req, 3, "1"),
                3 => {
                    // Backdated, sorted in near the start.
                    let mut s = req.submissions[10].clone();
                    s.received -= chrono::Duration::days(20);
                    req.submissions.insert(2, s);
                }
                5 => {
                    req.submissions.remove(7);
                }
                _ => req.as_of += chrono::Duration::days(1),
            }
            let kept = to_canonical_json(&session.evaluate(&req).unwrap());
            let fresh = to_canonical_json(&evaluator.evaluate(&req).unwrap());
            assert!(kept == fresh, "{threads} threads, step {step}");
            let reuse = session.last_reuse();
            match step {
                // Appended or refiled at the end: the submission blocks before are reused.
                1 | 2 | 4 => assert!(
                    reuse.reused_blocks > 0 && reuse.reused_units >= 256,
                    "{threads} threads, step {step}: {reuse:?}"
                ),
                // Another as-of date: nothing is kept.
                6 => assert_eq!(reuse.reused_blocks, 0),
                _ => {}
            }
            if step == 2 {
                // The refiled instance's block is judged again, its other instances taken.
                assert!(reuse.offered_instances > 0, "{threads} threads: {reuse:?}");
            }
        }
    }
}
