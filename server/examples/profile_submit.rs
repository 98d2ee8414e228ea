//! The engine's check of one submission as the service makes it (routes.rs `check_submission`:
//! the submission's obligation alone, the plan's registry and events, as of the day), repeated
//! over the synthetic province the load bench files into (750 agencies × 12 obligations in
//! 2026), without HTTP or the database. Prints the time per check; for counts the machine's
//! load does not change, run it under callgrind with a small N and read the inclusive counts:
//!
//!   cargo build --release -p tuanthu-server --example profile_submit
//!   ./target/release/examples/profile_submit 2000 [fresh]
//!   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!       ./target/release/examples/profile_submit 50
//!   callgrind_annotate --inclusive=yes /tmp/cg.out | head -40
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Instant;

use tuanthu::eval::{Evaluator, FormContext, SubmissionForm};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(2000, |a| a.parse().expect("N: how many checks"));
    // `fresh`: every check prepares its plan again (the core's `check_submission`); otherwise
    // the service's path, the plan prepared once per obligation and day.
    let fresh = std::env::args().nth(2).as_deref() == Some("fresh");
    let ev = Evaluator::standard().unwrap();
    let req = common::province_request();
    let as_of = common::profile_day();
    let subs: Vec<_> = req
        .submissions
        .iter()
        .filter(|s| s.received <= as_of)
        .collect();
    let rev = common::revision(&req);
    let cx = FormContext {
        as_of,
        events: &rev.events,
        policies: &Default::default(),
        registry: rev.registry.as_ref(),
        calendar: &Default::default(),
    };
    let t = Instant::now();
    let mut counted = 0usize;
    for k in 0..n {
        let s = subs[(k * 7919) % subs.len()];
        let form = SubmissionForm {
            document_number: Some(format!("{k}/BC-PROFILE")),
            ..SubmissionForm::from(s)
        };
        let (_, c) = if fresh {
            let plan = rev.plan_for(s.obligation.as_str()).unwrap_or(&rev.plan);
            ev.check_submission(plan, &form, &cx).unwrap()
        } else {
            rev.check_form(&ev, s.obligation.as_str(), &form, &cx)
                .unwrap()
        };
        counted += usize::from(c);
    }
    let per = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!(
        "{n} checks ({counted} counted), {per:.0} µs per check{}; registry of {} agencies",
        if fresh {
            " (each prepared again)"
        } else {
            " (prepared once)"
        },
        rev.registry.as_ref().map_or(0, |r| r.agencies.len())
    );
}
