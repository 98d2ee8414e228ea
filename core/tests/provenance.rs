//! A report names what its verdicts follow from by content: the plan's canonical JSON and the
//! rule pack's files, hashed so the same verdict can be reproduced (and checked) anywhere.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use sha2::{Digest, Sha256};
use tuanthu::api::to_canonical_json;
use tuanthu::eval::{EvaluationRequest, Evaluator};
use tuanthu::rules::{content_sha256, Limits, PackSource, RulePack};

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn request() -> EvaluationRequest {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/01-once-statuses.json");
    let vector: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    serde_json::from_value(vector["request"].clone()).unwrap()
}

#[test]
fn the_plan_hash_is_the_sha256_of_its_canonical_json() {
    let req = request();
    let report = Evaluator::standard().unwrap().evaluate(&req).unwrap();
    let p = &report.provenance;
    assert_eq!(p.plan_sha256, hex(to_canonical_json(&req.plan).as_bytes()));
    assert_eq!(p.plan_sha256.len(), 64);
    // Any change to the plan changes the hash; the submissions and as-of date do not enter it.
    let mut other = req.clone();
    other.plan.title.push('.');
    let changed = Evaluator::standard().unwrap().evaluate(&other).unwrap();
    assert_ne!(changed.provenance.plan_sha256, p.plan_sha256);
    let mut later = req.clone();
    later.as_of = later.as_of.succ_opt().unwrap();
    let later = Evaluator::standard().unwrap().evaluate(&later).unwrap();
    assert_eq!(later.provenance, report.provenance);
}

#[test]
fn the_pack_hash_depends_on_its_files_not_on_how_they_were_loaded() {
    let standard = RulePack::standard().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/standard");
    let from_dir = RulePack::from_dir(&dir).unwrap();
    assert_eq!(
        standard.sha256(),
        from_dir.sha256(),
        "embedded and on-disk copies"
    );
    assert_eq!(standard.sha256(), content_sha256(standard.source()));

    // The files in another order: the same content, the same hash.
    let mut shuffled: PackSource = standard.source().clone();
    shuffled.rules.reverse();
    shuffled.tests.reverse();
    let again = RulePack::compile(shuffled, Limits::default()).unwrap();
    assert_eq!(again.sha256(), standard.sha256());

    // One byte more in one rule: another hash, which a report then names.
    let mut edited = standard.source().clone();
    edited.rules[0].text.push('\n');
    let edited = RulePack::compile(edited, Limits::default()).unwrap();
    assert_ne!(edited.sha256(), standard.sha256());
    let report = Evaluator::new(edited.clone()).evaluate(&request()).unwrap();
    let id = &report.provenance.rule_pack;
    assert_eq!(
        (id.name.as_str(), id.version.as_str(), id.sha256.as_str()),
        (edited.name(), edited.version(), edited.sha256())
    );
}
