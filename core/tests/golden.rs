//! Golden files: each plan in `tests/data/plans/` parses to `tests/golden/<name>.json`.
//! The committed golden files were reviewed by hand (see `tests/golden/REVIEW.md`).
//! Set `UPDATE_GOLDEN=1` to rewrite them after an intended change, then review the diff.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use std::path::PathBuf;

use tuanthu::ingest::{parse_plan, ParseOptions};

fn dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(sub)
}

fn check(name: &str) {
    let path = dir("data/plans").join(format!("{name}.txt"));
    let text = std::fs::read_to_string(&path).unwrap();
    let out = parse_plan(&text, &ParseOptions::new(name));
    let json = serde_json::to_string_pretty(&out.plan).unwrap() + "\n";
    let golden = dir("golden").join(format!("{name}.json"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &json).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&golden)
        .unwrap_or_else(|_| panic!("missing {}; run with UPDATE_GOLDEN=1", golden.display()));
    if want != json {
        let first = want
            .lines()
            .zip(json.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| format!("line {}:\n  golden: {a}\n  parsed: {b}", i + 1))
            .unwrap_or_else(|| "lengths differ".into());
        panic!("{name}: parse output differs from the golden file ({first})");
    }
}

#[test]
fn vinh_long() {
    check("vinh-long-144-KH-UBND");
}

#[test]
fn hung_yen_draft() {
    check("hung-yen-draft");
}

#[test]
fn can_tho_decision() {
    check("can-tho-qd-kh");
}

#[test]
fn golden_round_trips_through_serde() {
    for name in ["vinh-long-144-KH-UBND", "hung-yen-draft", "can-tho-qd-kh"] {
        let text = std::fs::read_to_string(dir("data/plans").join(format!("{name}.txt"))).unwrap();
        let plan = parse_plan(&text, &ParseOptions::new(name)).plan;
        let json = serde_json::to_string(&plan).unwrap();
        let back: tuanthu::model::Plan = serde_json::from_str(&json).unwrap();
        assert_eq!(back, plan);
    }
}
