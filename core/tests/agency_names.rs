//! Agencies whose names differ only by diacritics ("UBND xã Tân An", "UBND xã Tân Ân": both
//! real commune names after the 2025 mergers are possible in one province) are two agencies:
//! each gets its own instances and its own evidence, and a name that cannot tell them apart
//! (typed without diacritics) is counted for neither, with a finding, never for the first one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use serde_json::json;
use tuanthu::eval::{EvaluationRequest, Evaluator};
use tuanthu::model::{AgencyRegistry, Report, Severity, Status};
use tuanthu::rules::RulePack;

const AN: &str = "UBND xã Tân An";
const AN_HAT: &str = "UBND xã Tân Ân";

fn plan(parties: serde_json::Value) -> serde_json::Value {
    json!({
        "id": "p", "title": "t",
        "obligations": [{
            "id": "II.1", "kind": "task", "title": "Rà soát",
            "lead": parties,
            "schedule": {"type": "once", "deadline": {"date": "2026-04-20", "bound": "before", "text": "trước ngày 20/4/2026"}}
        }]
    })
}

fn registry(names: &[&str]) -> serde_json::Value {
    json!({"agencies": names.iter().map(|n| json!({"name": n, "groups": ["communes"]})).collect::<Vec<_>>()})
}

fn evaluate(plan: serde_json::Value, registry: Option<serde_json::Value>, from: &[&str]) -> Report {
    let submissions: Vec<_> = from
        .iter()
        .map(|a| json!({"agency": a, "obligation": "II.1", "received": "2026-04-10", "document_number": "12/BC-UBND"}))
        .collect();
    let req: EvaluationRequest = serde_json::from_value(json!({
        "plan": plan, "registry": registry, "submissions": submissions, "as_of": "2026-11-23"
    }))
    .unwrap();
    Evaluator::new(RulePack::standard().unwrap())
        .evaluate(&req)
        .unwrap()
}

/// Each agency's status, by name, in report order.
fn statuses(r: &Report) -> Vec<(String, Status)> {
    r.assessments
        .iter()
        .map(|a| (a.agency.to_string(), a.status))
        .collect()
}

fn group() -> serde_json::Value {
    json!([{"kind": "group", "group": "communes", "name": "UBND các xã, phường"}])
}

#[test]
fn a_registry_with_both_names_keeps_two_agencies_each_with_its_own_evidence() {
    for (from, done) in [
        (AN_HAT, AN_HAT),
        ("Ủy ban nhân dân xã Tân Ân", AN_HAT),
        (AN, AN),
    ] {
        let r = evaluate(plan(group()), Some(registry(&[AN, AN_HAT])), &[from]);
        let want: Vec<(String, Status)> = [AN, AN_HAT]
            .iter()
            .map(|a| {
                let s = if *a == done {
                    Status::DoneOnTime
                } else {
                    Status::Overdue
                };
                (a.to_string(), s)
            })
            .collect();
        assert_eq!(statuses(&r), want, "a submission from {from}");
    }
}

#[test]
fn a_name_without_diacritics_that_could_be_either_is_counted_for_neither() {
    let r = evaluate(
        plan(group()),
        Some(registry(&[AN, AN_HAT])),
        &["UBND xa Tan An"],
    );
    assert!(
        statuses(&r).iter().all(|(_, s)| *s == Status::Overdue),
        "{:?}",
        statuses(&r)
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.submission == Some(0))
        .expect("a finding about the submission");
    assert!(f.message_en.contains("not counted"), "{}", f.message_en);
    // Named for what it is: a name of several agencies but for its diacritics, not a name the
    // registry does not have.
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.message_en
            .contains("without its diacritics this name is several agencies' names")
            && !f.message_en.contains("not in the agency registry"),
        "{}",
        f.message_en
    );
    assert!(
        f.message_vi.contains("trùng với tên của nhiều cơ quan"),
        "{}",
        f.message_vi
    );
    // A name the registry does not have at all is still said to be unknown.
    let r = evaluate(
        plan(group()),
        Some(registry(&[AN, AN_HAT])),
        &["UBND xã Tân Bình"],
    );
    let f = r.findings.iter().find(|f| f.submission == Some(0)).unwrap();
    assert!(
        f.message_en.contains("not in the agency registry"),
        "{}",
        f.message_en
    );
}

#[test]
fn a_registry_with_one_of_the_names_still_matches_names_typed_without_diacritics() {
    let r = evaluate(plan(group()), Some(registry(&[AN])), &["UBND xa Tan An"]);
    assert_eq!(statuses(&r), vec![(AN.to_string(), Status::DoneOnTime)]);
}

#[test]
fn a_plan_naming_both_without_a_registry_keeps_two_parties() {
    let parties = json!([{"kind": "agency", "name": AN}, {"kind": "agency", "name": AN_HAT}]);
    let r = evaluate(plan(parties), None, &[AN_HAT]);
    assert_eq!(
        statuses(&r),
        vec![
            (AN.to_string(), Status::Overdue),
            (AN_HAT.to_string(), Status::DoneOnTime)
        ]
    );
}

#[test]
fn resolve_tells_the_names_apart_as_the_evaluation_does() {
    let r: AgencyRegistry = serde_json::from_value(registry(&[AN, AN_HAT])).unwrap();
    assert_eq!(r.resolve("Uỷ ban nhân dân xã Tân Ân"), Ok(Some(1)));
    assert_eq!(r.resolve(AN), Ok(Some(0)));
    assert_eq!(r.resolve("UBND xa Tan An"), Err(vec![0, 1]));
    assert_eq!(r.resolve("UBND xã Tân Án"), Err(vec![0, 1]));
    assert_eq!(r.resolve("Sở Tư pháp"), Ok(None));
}

fn registry_notes(r: &Report) -> Vec<&tuanthu::model::Finding> {
    r.findings
        .iter()
        .filter(|f| &*f.rule == tuanthu::eval::REGISTRY_RULE)
        .collect()
}

#[test]
fn a_plan_name_the_registry_spells_with_other_diacritics_is_read_as_it_with_a_warning() {
    let named = |n: &str| json!([{"kind": "agency", "name": n}]);
    // The registry has only "Tân An": the plan's "Tân Ân" is read as it, and said so.
    let r = evaluate(plan(named(AN_HAT)), Some(registry(&[AN])), &[AN_HAT]);
    assert_eq!(statuses(&r), vec![(AN.to_string(), Status::DoneOnTime)]);
    let notes = registry_notes(&r);
    assert_eq!(notes.len(), 1, "{notes:?}");
    let f = notes[0];
    assert_eq!(
        (f.severity, f.agency.as_deref()),
        (Severity::Warning, Some(AN_HAT))
    );
    assert!(
        f.message_en.contains("(obligations II.1)")
            && f.message_en.contains(&format!("has only “{AN}”")),
        "{}",
        f.message_en
    );
    assert!(f.message_vi.contains("viết khác dấu"), "{}", f.message_vi);
    assert!(
        r.summary
            .findings_by_severity
            .get("warning")
            .copied()
            .unwrap_or(0)
            >= 1
    );

    // Spellings that are the registry's name: nothing to say.
    for (in_plan, in_registry) in [
        (AN, AN),
        ("UBND xa Tan An", AN), // typed without diacritics: could be any spelling
        (AN, "UBND xa Tan An"), // a registry without diacritics: likewise
        ("Ủy ban nhân dân xã Tân An", AN), // the abbreviation written out
        ("UBND xã Tân Hoà", "UBND xã Tân Hòa"), // old and new tone placement
        ("ubnd XÃ tân an", AN), // letter case
    ] {
        let r = evaluate(plan(named(in_plan)), Some(registry(&[in_registry])), &[]);
        assert!(
            registry_notes(&r).is_empty(),
            "{in_plan} / {in_registry}: {:?}",
            registry_notes(&r)
        );
    }
    // No registry: nothing to compare with.
    let r = evaluate(plan(named(AN_HAT)), None, &[]);
    assert!(registry_notes(&r).is_empty());
}
