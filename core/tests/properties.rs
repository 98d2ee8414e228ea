//! Properties of evaluation over arbitrary evidence and events: no panic, every submission
//! accounted for, deterministic output.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use chrono::NaiveDate;
use proptest::prelude::*;
use tuanthu::eval::{EvaluationRequest, Evaluator, FormRequest, SubmissionForm};
use tuanthu::model::{Event, EventDeadline, EventKind, ObligationId, Period, Plan, Submission};

fn plan() -> Plan {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../rules/examples/vinh-long/plan.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (2025i32..2029, 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(y, m, 28).unwrap())
    })
}

fn period() -> impl Strategy<Value = Option<Period>> {
    prop_oneof![
        Just(None),
        Just(Some(Period::Once)),
        (2025i32..2029).prop_map(|y| Some(Period::Year(y))),
        "[A-Z0-9-]{1,8}".prop_map(|id| Some(Period::Event(id))),
        Just(Some(Period::AwaitingEvent)),
    ]
}

fn submission() -> impl Strategy<Value = Submission> {
    (
        prop_oneof![
            Just("Sở Tư pháp".to_string()),
            Just("Công an tỉnh".to_string()),
            Just("UBND xã Long Hồ".to_string()),
            "\\PC{0,30}"
        ],
        prop_oneof![
            Just("II.3".to_string()),
            Just("IV.1".to_string()),
            Just("II.4.a".to_string()),
            "[IV.0-9a-z]{1,8}"
        ],
        proptest::option::of(prop_oneof![Just("members".to_string()), "\\PC{0,8}"]),
        period(),
        date(),
        proptest::option::of("\\PC{0,20}"),
    )
        .prop_map(
            |(agency, obligation, stage, period, received, document_number)| Submission {
                agency,
                obligation: ObligationId::new(obligation),
                stage,
                period,
                received,
                document_number,
                note: None,
            },
        )
}

fn event() -> impl Strategy<Value = Event> {
    (
        "[A-Z0-9-]{1,8}",
        prop_oneof![Just("request"), Just("decree_issued"), Just("other_kind")],
        date(),
        0u32..40,
    )
        .prop_map(|(id, kind, date, days)| Event {
            id,
            kind: EventKind::new(kind).unwrap(),
            date,
            obligations: vec![],
            agencies: vec![],
            deadline: Some(EventDeadline::Days(days)),
            description: None,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_evidence_never_panics_and_is_deterministic(
        submissions in proptest::collection::vec(submission(), 0..25),
        mut events in proptest::collection::vec(event(), 0..4),
        as_of in date(),
    ) {
        // Event ids must be unique (a documented input error); keep the first of each.
        let mut seen = std::collections::HashSet::new();
        events.retain(|e| seen.insert(e.id.clone()));
        let evaluator = Evaluator::standard().unwrap();
        let req = EvaluationRequest {
            plan: plan(),
            submissions,
            events,
            as_of,
            policies: Default::default(),
            registry: None,
            calendar: Default::default(),
        };
        let a = evaluator.evaluate(&req).unwrap();
        let b = evaluator.evaluate(&req).unwrap();
        prop_assert_eq!(&a, &b);
        // Every submission is either evidence of an assessment or the subject of a finding.
        for (k, s) in req.submissions.iter().enumerate() {
            let counted = a.assessments.iter().any(|x| {
                x.obligation == s.obligation
                    && x.received == Some(s.received)
                    && x.document_number.as_deref() == s.document_number.as_deref()
            });
            let reported = a.findings.iter().any(|f| f.submission == Some(k));
            prop_assert!(counted || reported, "submission {} vanished: {:?}", k, s);
        }
        prop_assert!(a.findings.iter().all(|f| &*f.rule != "status" || f.agency.is_some()));
    }

    #[test]
    fn arbitrary_forms_never_panic(
        agency in "\\PC{0,30}", obligation in "\\PC{0,10}", period in proptest::option::of("\\PC{0,10}"),
        received in "\\PC{0,12}", document_number in proptest::option::of("\\PC{0,16}"), as_of in date(),
    ) {
        let evaluator = Evaluator::standard().unwrap();
        let req = FormRequest {
            plan: plan(),
            form: SubmissionForm { agency, obligation, stage: None, period, received, document_number },
            as_of,
            events: vec![],
            policies: Default::default(),
            registry: None,
            calendar: Default::default(),
        };
        let findings = evaluator.validate_form(&req).unwrap();
        prop_assert!(findings.iter().all(|f| !f.message_en.is_empty()));
    }
}
