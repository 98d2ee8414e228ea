//! The bindings' type definitions are generated from the contract's JSON Schema and checked in:
//! this test fails when they drift from the core's types. `TUANTHU_UPDATE_TYPES=1` rewrites them
//! (then review the diff; `tsc` and mypy check them in the bindings' test scripts).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use tuanthu_tests::typegen;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn schema() -> serde_json::Value {
    serde_json::from_str(&tuanthu::api::schema_json()).unwrap()
}

#[test]
fn checked_in_types_are_generated_from_the_schema() {
    let files = [
        (
            repo().join("bindings-wasm/src/contract.d.ts"),
            typegen::typescript(&schema()).unwrap(),
        ),
        (
            repo().join("bindings-python/python/tuanthu/types.py"),
            typegen::python_module(&schema()).unwrap(),
        ),
    ];
    let update = std::env::var_os("TUANTHU_UPDATE_TYPES").is_some();
    let mut stale = Vec::new();
    for (path, text) in &files {
        if update {
            std::fs::write(path, text).unwrap();
        } else if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "out of date (regenerate with TUANTHU_UPDATE_TYPES=1 cargo test -p tuanthu-tests --test generated_types): {stale:?}"
    );
}

#[test]
fn every_contract_type_is_generated_in_both_languages() {
    let schema = schema();
    let ts = typegen::typescript(&schema).unwrap();
    let py = typegen::python_module(&schema).unwrap();
    let defs = schema["$defs"].as_object().unwrap();
    for name in defs.keys() {
        let ts_name = if name == "Plan" { "PlanData" } else { name };
        assert!(
            ts.contains(&format!("export interface {ts_name} "))
                || ts.contains(&format!("export type {ts_name} = ")),
            "{name} missing from contract.d.ts"
        );
        assert!(
            py.contains(&format!("\nclass {name}(")) || py.contains(&format!("\n{name} = ")),
            "{name} missing from types.py"
        );
    }
    // The shapes this task unified are there with their fields.
    for needle in [
        "export interface RuleTestReport {",
        "    untested_rules: string[];",
        "export type ErrorKind = 'input' | 'evaluation' | 'rule' | 'usage';",
        "    provenance: Provenance;",
    ] {
        assert!(ts.contains(needle), "{needle}");
    }
    assert!(py.contains("class RuleTestCase("), "{py}");
    assert!(py.contains("    untested_rules: List[str]\n"), "{py}");
}
