//! The CLI's contract: exit codes (0 ok, 1 non-compliance with --fail-on or failing rule tests,
//! 2 bad input) and error messages that name the file, line and field.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn tuanthu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tuanthu"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn example(p: &str) -> [String; 8] {
    let d = format!("rules/examples/{p}");
    [
        "--plan".into(),
        format!("{d}/plan.json"),
        "--registry".into(),
        format!("{d}/registry.json"),
        "--submissions".into(),
        format!("{d}/submissions.csv"),
        "--events".into(),
        format!("{d}/events.json"),
    ]
}

fn check(p: &str, extra: &[&str]) -> Output {
    let e = example(p);
    let mut args: Vec<&str> = vec!["check"];
    args.extend(e.iter().map(String::as_str));
    args.extend(extra);
    tuanthu(&args)
}

#[test]
fn check_prints_the_table_and_exits_zero() {
    let out = check("vinh-long", &["--as-of", "2026-11-23"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("Kế hoạch vinh-long-144-KH-UBND"), "{s}");
    assert!(s.contains("QUÁ HẠN"));
    assert!(s.contains("Tổng hợp theo cơ quan"));
}

#[test]
fn fail_on_overdue_exits_one() {
    let out = check(
        "vinh-long",
        &["--as-of", "2026-11-23", "--fail-on", "overdue"],
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn json_output_is_deterministic_and_english_table_works() {
    let a = check("can-tho", &["--as-of", "2026-11-23", "--format", "json"]);
    let b = check("can-tho", &["--as-of", "2026-11-23", "--format", "json"]);
    assert_eq!(a.stdout, b.stdout);
    let en = check("can-tho", &["--as-of", "2026-11-23", "--lang", "en"]);
    assert!(text(&en.stdout).contains("By agency"));
    let csv = check("hung-yen", &["--as-of", "2026-11-23", "--format", "csv"]);
    assert!(text(&csv.stdout).starts_with("obligation,title,agency,period"));
}

#[test]
fn policies_change_the_sunday_report() {
    let strict = check("vinh-long", &["--as-of", "2026-11-23", "--format", "json"]);
    let lenient = check(
        "vinh-long",
        &[
            "--as-of",
            "2026-11-23",
            "--format",
            "json",
            "--deadline-reading",
            "inclusive",
            "--day-off",
            "next-working-day",
        ],
    );
    let status = |o: &Output, agency: &str| -> String {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["assessments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["obligation"] == "IV.1" && a["agency"] == agency && a["period"] == "2026")
            .map(|a| a["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    // Received Sunday 15/11 and Monday 16/11/2026.
    assert_eq!(status(&strict, "Sở Tài chính"), "done_late");
    assert_eq!(status(&strict, "Sở Nội vụ"), "done_late");
    assert_eq!(status(&lenient, "Sở Tài chính"), "done_on_time");
    assert_eq!(status(&lenient, "Sở Nội vụ"), "done_on_time");
}

#[test]
fn bad_input_exits_two_with_a_located_message() {
    let dir = std::env::temp_dir().join(format!("tuanthu-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("plan.json");
    std::fs::write(&plan, "{\n  \"id\": \"p\",\n  \"title\": \"t\",\n  \"obligations\": [\n    {\"id\": \"II.1\"}\n  ]\n}\n").unwrap();
    let out = tuanthu(&[
        "check",
        "--plan",
        plan.to_str().unwrap(),
        "--as-of",
        "2026-11-23",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("plan.json:5:"), "{err}");
    assert!(err.contains("missing field `title`"), "{err}");

    let subs = dir.join("s.csv");
    std::fs::write(
        &subs,
        "agency,obligation,received\nSở Tư pháp,IV.1,31/02/2026\n",
    )
    .unwrap();
    let out = tuanthu(&[
        "check",
        "--plan",
        "rules/examples/vinh-long/plan.json",
        "--submissions",
        subs.to_str().unwrap(),
        "--as-of",
        "2026-11-23",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("s.csv:2: field `received`: '31/02/2026' is not a real date"),
        "{}",
        text(&out.stderr)
    );

    let out = tuanthu(&[
        "check",
        "--plan",
        "rules/examples/vinh-long/plan.json",
        "--as-of",
        "31/02/2026",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("'31/02/2026' is not a real date"));

    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(
        rules.join("bad.rhai"),
        "// id: bad\n// title: t\n// applies_to: instance\nfn check(x) {\n  x +\n}\n",
    )
    .unwrap();
    let out = tuanthu(&[
        "check",
        "--plan",
        "rules/examples/vinh-long/plan.json",
        "--as-of",
        "2026-11-23",
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("bad.rhai:6:"),
        "{}",
        text(&out.stderr)
    );

    let out = tuanthu(&["check", "--plan", "nope.json", "--as-of", "2026-11-23"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nope.json: cannot read"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rule_tests_and_schema() {
    let out = tuanthu(&["test", "rules"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains(" passed, 0 failed"));
    let out = tuanthu(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(schema["$defs"]["Plan"].is_object(), "schema has Plan");
    assert!(schema["$defs"]["Report"].is_object());
}

/// `tuanthu rules` and `tuanthu test` under `--format json` print the contract's shapes: the same
/// bytes as the shared contract vectors, which Python and JS return too.
#[test]
fn rules_and_rule_tests_as_json_are_the_contract_vectors() {
    let vector = |name: &str| {
        std::fs::read_to_string(root().join("tests/vectors/contract").join(name)).unwrap()
    };
    let out = tuanthu(&["rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), vector("rules-standard.out.json"));
    let from_dir = tuanthu(&["rules", "--rules", "rules/standard", "--format", "json"]);
    assert_eq!(
        from_dir.stdout, out.stdout,
        "embedded and on-disk standard pack"
    );
    let table = tuanthu(&["rules"]);
    assert!(
        text(&table.stdout).starts_with("status "),
        "{}",
        text(&table.stdout)
    );

    let out = tuanthu(&["test", "rules/standard", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let want: serde_json::Value =
        serde_json::from_str(&vector("test-report-standard.out.json")).unwrap();
    assert_eq!(reports, serde_json::json!([want]));

    // A failing pack exits 1 with its report; a pack that does not build is a JSON error object.
    let dir = std::env::temp_dir().join(format!("tuanthu-cli-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pack: serde_json::Value = serde_json::from_str(&vector("pack.json")).unwrap();
    for f in pack["pack"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .chain(pack["pack"]["tests"].as_array().unwrap())
    {
        std::fs::write(
            dir.join(f["name"].as_str().unwrap()),
            f["text"].as_str().unwrap(),
        )
        .unwrap();
    }
    let d = dir.to_str().unwrap();
    let out = tuanthu(&["test", d, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (reports[0]["passed"].as_u64(), reports[0]["failed"].as_u64()),
        (Some(1), Some(1))
    );
    std::fs::write(dir.join("late.rhai"), "// id: late\nfn check(x) {}\n").unwrap();
    let out = tuanthu(&["rules", "--rules", d, "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let e: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(
        (e["kind"].as_str(), e["file"].as_str()),
        (Some("rule"), Some("late.rhai"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_a_registry_groups_are_unknown_and_say_why() {
    let out = tuanthu(&[
        "check",
        "--plan",
        "rules/examples/vinh-long/plan.json",
        "--as-of",
        "2026-11-23",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let group = v["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency"] == "các sở, ban, ngành tỉnh" && a["obligation"] == "IV.1")
        .expect("group instance");
    assert_eq!(group["status"], "unknown");
    assert!(group["explanation_en"]
        .as_str()
        .unwrap()
        .contains("supply an agency registry"));
}

#[test]
fn parse_reads_a_plan_as_issued_and_reports_what_it_did_not_understand() {
    let out = tuanthu(&["parse", "core/tests/data/plans/can-tho-qd-kh.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let plan: tuanthu::model::Plan = serde_json::from_slice(&out.stdout).expect("plan JSON");
    assert_eq!(plan.id, "can-tho-qd-kh");
    assert_eq!(plan.obligations.len(), 6);
    let err = text(&out.stderr);
    assert!(
        err.contains("can-tho-qd-kh.txt:123: warning [unparsed_timeline]"),
        "{err}"
    );
    let out = tuanthu(&[
        "parse",
        "core/tests/data/plans/can-tho-qd-kh.txt",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let out = tuanthu(&["parse", "no-such-plan.txt"]);
    assert_eq!(out.status.code(), Some(2));
}
