//! The standard pack's own unit tests pass, and the embedded pack equals `rules/standard`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use tuanthu::rules::RulePack;

#[test]
fn standard_pack_unit_tests_pass_and_cover_every_rule() {
    let pack = RulePack::standard().expect("standard pack compiles");
    let report = pack.run_tests();
    let failures: Vec<_> = report
        .cases
        .iter()
        .filter(|c| c.failure.is_some())
        .collect();
    assert!(failures.is_empty(), "failing rule tests: {failures:#?}");
    assert!(report.passed() >= 30, "only {} cases", report.passed());
    assert_eq!(report.untested_rules(&pack), Vec::<String>::new());
}

#[test]
fn embedded_standard_pack_matches_the_rules_directory() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/standard");
    let from_dir = RulePack::from_dir(dir).expect("rules/standard loads");
    let embedded = RulePack::standard().unwrap();
    let names = |p: &RulePack| {
        let s = p.source();
        (
            s.rules.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
            s.tests.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        names(&from_dir),
        names(&embedded),
        "list new files of rules/standard in core/src/rules/standard.rs"
    );
    assert!(
        from_dir.source() == embedded.source(),
        "embedded and on-disk standard packs differ"
    );
}
