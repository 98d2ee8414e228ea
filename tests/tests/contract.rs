//! The contract vectors (`vectors/contract/`): `rules()`, the rule-test report and each error
//! kind, byte for byte as Python (`test_vectors.py`) and JS (`vectors.test.mjs`) must give them.
//! `UPDATE_VECTORS=1` rewrites the `.out.json` files after a reviewed change.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use tuanthu_tests::{contract_dir, contract_outputs};

#[test]
fn contract_vectors() {
    let outputs = contract_outputs().unwrap();
    let update = std::env::var_os("UPDATE_VECTORS").is_some();
    let mut problems = Vec::new();
    for (name, text) in &outputs {
        let path = contract_dir().join(name);
        if update {
            std::fs::write(&path, text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            problems.push(format!("{} differs (or is missing)", path.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_error_kind_but_usage_is_covered_and_the_pack_report_shows_a_failure() {
    let outputs = contract_outputs().unwrap();
    let get = |n: &str| -> serde_json::Value {
        let (_, text) = outputs.iter().find(|(name, _)| name == n).unwrap();
        serde_json::from_str(text).unwrap()
    };
    let errors = get("errors.out.json");
    let kinds: std::collections::BTreeSet<&str> = errors
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["error"]["kind"].as_str().unwrap())
        .collect();
    // `usage` is the CLI's alone (conflicting arguments), tested in cli/tests.
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["evaluation", "input", "rule"]
    );
    let report = get("test-report-pack.out.json");
    assert_eq!(
        (report["passed"].as_u64(), report["failed"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(report["untested_rules"], serde_json::json!(["note"]));
    assert!(report["cases"][1]["failure"]
        .as_str()
        .unwrap()
        .contains("status: expected done_on_time"));
    let standard = get("test-report-standard.out.json");
    assert_eq!(standard["failed"], 0, "{standard}");
    assert_eq!(get("rules-pack.out.json")[0]["file"], "late.rhai");
}

/// The row and the column of a records error's field `[row].column`.
fn row_and_column(field: &str) -> (usize, &str) {
    let (row, column) = field
        .strip_prefix('[')
        .and_then(|f| f.split_once("]."))
        .unwrap_or_else(|| panic!("field {field:?} is not [row].column"));
    (row.parse().unwrap(), column)
}

#[test]
fn bad_submission_rows_as_csv_are_the_records_error_at_the_same_row_and_column() {
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(contract_dir().join("errors.json")).unwrap())
            .unwrap();
    let outputs = contract_outputs().unwrap();
    let (_, errors) = outputs
        .iter()
        .find(|(n, _)| n == "errors.out.json")
        .unwrap();
    let errors: serde_json::Value = serde_json::from_str(errors).unwrap();
    let mut seen = 0;
    for (case, out) in cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .zip(errors.as_array().unwrap())
    {
        if case["call"] != "submissions" {
            continue;
        }
        seen += 1;
        let want = &out["error"];
        assert_eq!(want["kind"], "input", "{}", case["name"]);
        let (row, column) = row_and_column(want["field"].as_str().unwrap());
        let csv = tuanthu_tests::rows_as_csv(&case["input"]).unwrap();
        let e = tuanthu::input::submissions_from_csv("s.csv", &csv).unwrap_err();
        let got = tuanthu::api::ErrorObject::from(&e);
        assert_eq!(
            (got.kind.as_str(), got.message.as_str()),
            ("input", want["message"].as_str().unwrap()),
            "{}: {csv}",
            case["name"]
        );
        // The header is line 1, the first row line 2.
        assert_eq!(
            (got.line, got.field.as_deref()),
            (Some(row + 2), Some(column)),
            "{}",
            case["name"]
        );
    }
    assert!(seen >= 4, "only {seen} submissions cases");
}
