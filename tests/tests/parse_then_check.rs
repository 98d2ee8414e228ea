//! End to end: each shared plan read from its issued text (`tuanthu::ingest`) and evaluated with
//! the shipped evidence gives the same assessments and findings as the hand-written plan JSON of
//! `rules/examples/` (which stays as the independent, hand-checked oracle).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_json::{json, Value};
use tuanthu::eval::{EvaluationRequest, Evaluator};
use tuanthu::ingest::{parse_plan, ParseOptions};
use tuanthu::input;
use tuanthu::model::{Plan, Report};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn evaluate(plan: Plan, example: &str) -> Report {
    let d = root().join("rules/examples").join(example);
    let req = EvaluationRequest {
        plan,
        submissions: input::read_submissions(&d.join("submissions.csv")).unwrap(),
        events: input::read_events(&d.join("events.json")).unwrap(),
        as_of: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        policies: Default::default(),
        registry: Some(input::read_registry(&d.join("registry.json")).unwrap()),
        calendar: Default::default(),
    };
    Evaluator::standard().unwrap().evaluate(&req).unwrap()
}

/// What a person acts on: who, what, which period, status, dates, and every finding. Titles,
/// explanations and source spans are the reader's own wording and may differ.
fn essentials(r: &Report) -> (Vec<Value>, Vec<Value>) {
    let mut a: Vec<Value> = r
        .assessments
        .iter()
        .map(|a| {
            json!([
                a.obligation,
                a.agency,
                a.period,
                a.stage,
                a.status,
                a.due.as_ref().map(|d| d.last_day),
                a.received,
                a.days_late,
                a.days_remaining,
                a.rules
            ])
        })
        .collect();
    let mut f: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            json!([
                f.rule,
                f.severity,
                f.obligation,
                f.agency,
                f.period,
                f.stage,
                f.submission,
                f.field,
                f.message_en
            ])
        })
        .collect();
    a.sort_by_key(|v| v.to_string());
    f.sort_by_key(|v| v.to_string());
    (a, f)
}

fn check(example: &str, text_file: &str, id: &str) {
    let text =
        std::fs::read_to_string(root().join("core/tests/data/plans").join(text_file)).unwrap();
    let parsed = parse_plan(&text, &ParseOptions::new(id)).plan;
    let hand = input::read_plan(
        &root()
            .join("rules/examples")
            .join(example)
            .join("plan.json"),
    )
    .unwrap();
    let ids = |p: &Plan| {
        p.obligations
            .iter()
            .map(|o| o.id.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&parsed), ids(&hand), "{example}: obligations");
    let (pa, pf) = essentials(&evaluate(parsed, example));
    let (ha, hf) = essentials(&evaluate(hand, example));
    let only = |x: &[Value], y: &[Value]| {
        x.iter()
            .filter(|v| !y.contains(v))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert!(
        pa == ha,
        "{example}: assessments differ\nparsed only: {:#?}\nhand only: {:#?}",
        only(&pa, &ha),
        only(&ha, &pa)
    );
    assert!(
        pf == hf,
        "{example}: findings differ\nparsed only: {:#?}\nhand only: {:#?}",
        only(&pf, &hf),
        only(&hf, &pf)
    );
    assert!(!pa.is_empty() && !pf.is_empty());
}

#[test]
fn vinh_long() {
    check(
        "vinh-long",
        "vinh-long-144-KH-UBND.txt",
        "vinh-long-144-KH-UBND",
    );
}

#[test]
fn can_tho() {
    check("can-tho", "can-tho-qd-kh.txt", "can-tho-qd-kh");
}

#[test]
fn hung_yen() {
    check("hung-yen", "hung-yen-draft.txt", "hung-yen-draft");
}
