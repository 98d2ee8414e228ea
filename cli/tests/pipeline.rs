//! The CLI in pipelines: `-` reads standard input, `--fail-on` says why on stderr, `--format json`
//! errors are one `tuanthu::api::ErrorObject` per line, `check --plan` reads a plan as issued.
//!
//! Plain `std::process::Command` (no assert_cmd): the tests need stdin piping and byte
//! comparisons, which the standard library does in a few lines.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tuanthu::api::{ErrorKind, ErrorObject, FailReason, ReaderWarning};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the CLI with `stdin` as standard input.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tuanthu"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut input = child.stdin.take().expect("stdin");
    // The CLI may exit before reading (argument errors): a broken pipe is not a test failure.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().expect("exits")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn file(p: &str) -> Vec<u8> {
    std::fs::read(root().join(p)).unwrap()
}

const VL: &str = "rules/examples/vinh-long";
const AS_OF: &str = "2026-11-23";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tuanthu-pipeline-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The last line of stderr as an error object (the CLI writes exactly one, last).
fn error_object(out: &Output) -> ErrorObject {
    let err = text(&out.stderr);
    let last = err.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| panic!("not an error object ({e}): {err}"))
}

#[test]
fn dash_reads_each_input_from_stdin_with_the_same_result_as_the_file() {
    let from_files = run(
        &[
            "check",
            "--plan",
            &format!("{VL}/plan.json"),
            "--submissions",
            &format!("{VL}/submissions.csv"),
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
        b"",
    );
    assert_eq!(
        from_files.status.code(),
        Some(0),
        "{}",
        text(&from_files.stderr)
    );

    // Submissions: CSV recognised by content (no extension on stdin).
    let subs = run(
        &[
            "check",
            "--plan",
            &format!("{VL}/plan.json"),
            "--submissions",
            "-",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
        &file(&format!("{VL}/submissions.csv")),
    );
    assert_eq!(subs.status.code(), Some(0), "{}", text(&subs.stderr));
    assert_eq!(subs.stdout, from_files.stdout);

    // Plan JSON recognised by content.
    let plan = run(
        &[
            "check",
            "--plan",
            "-",
            "--submissions",
            &format!("{VL}/submissions.csv"),
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
        &file(&format!("{VL}/plan.json")),
    );
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan.stderr));
    assert_eq!(plan.stdout, from_files.stdout);

    // Submissions as JSON on stdin: the report's submissions round-trip through JSON.
    let dir = scratch("json-subs");
    let subs_json = dir.join("subs.json");
    let csv = std::str::from_utf8(&file(&format!("{VL}/submissions.csv")))
        .unwrap()
        .to_string();
    let parsed = tuanthu::input::submissions_from_csv("s.csv", &csv).unwrap();
    std::fs::write(&subs_json, serde_json::to_vec(&parsed).unwrap()).unwrap();
    let json_subs = run(
        &[
            "check",
            "--plan",
            &format!("{VL}/plan.json"),
            "--submissions",
            "-",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
        &std::fs::read(&subs_json).unwrap(),
    );
    assert_eq!(
        json_subs.status.code(),
        Some(0),
        "{}",
        text(&json_subs.stderr)
    );
    assert_eq!(json_subs.stdout, from_files.stdout);
    // ... and a flag overrides the guess: JSON read as CSV fails loudly, naming stdin.
    let forced = run(
        &[
            "check",
            "--plan",
            &format!("{VL}/plan.json"),
            "--submissions",
            "-",
            "--submissions-format",
            "csv",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
        &std::fs::read(&subs_json).unwrap(),
    );
    assert_eq!(forced.status.code(), Some(2));
    assert_eq!(error_object(&forced).file.as_deref(), Some("<stdin>"));

    // A whole request on stdin.
    let request = serde_json::json!({
        "plan": serde_json::from_slice::<serde_json::Value>(&file(&format!("{VL}/plan.json"))).unwrap(),
        "submissions": parsed,
        "as_of": AS_OF,
    });
    let req = run(
        &["check", "--request", "-", "--format", "json"],
        request.to_string().as_bytes(),
    );
    assert_eq!(req.status.code(), Some(0), "{}", text(&req.stderr));
    assert_eq!(req.stdout, from_files.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn only_one_input_may_be_stdin() {
    let out = run(
        &[
            "check",
            "--plan",
            "-",
            "--submissions",
            "-",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let e = error_object(&out);
    assert_eq!(e.kind, ErrorKind::Usage);
    assert!(e.message.contains("--plan, --submissions"), "{}", e.message);
}

#[test]
fn fail_on_prints_one_line_per_reason_matching_the_report() {
    let args = [
        "check",
        "--plan",
        "rules/examples/vinh-long/plan.json",
        "--registry",
        "rules/examples/vinh-long/registry.json",
        "--submissions",
        "rules/examples/vinh-long/submissions.csv",
        "--events",
        "rules/examples/vinh-long/events.json",
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ];
    let plain = run(&args, b"");
    assert_eq!(plain.status.code(), Some(0));
    assert_eq!(text(&plain.stderr), "", "no --fail-on, nothing on stderr");
    let report: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    let count = |status: &str| {
        report["assessments"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["status"] == status)
            .count()
    };
    let (overdue, late) = (count("overdue"), count("done_late"));
    assert!(overdue > 5 && late > 0, "the example has both");

    let mut with = args.to_vec();
    with.extend(["--fail-on", "overdue,late,unknown,overdue"]);
    let out = run(&with, b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        out.stdout, plain.stdout,
        "--fail-on does not change the report"
    );
    // Under --format json each reason is one JSON object per line (`tuanthu::api::FailReason`)
    // naming every offender; overdue is named once although given twice, and nothing is unknown
    // with a registry.
    let err = text(&out.stderr);
    let reasons: Vec<FailReason> = err
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let summary: Vec<(&str, usize, &str, usize)> = reasons
        .iter()
        .map(|r| {
            (
                r.fail_on.as_str(),
                r.count,
                r.counts.as_str(),
                r.offenders.len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("overdue", overdue, "assessment", overdue),
            ("late", late, "assessment", late)
        ]
    );
    assert!(reasons[1].offenders.iter().all(|o| report["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["status"] == "done_late" && o.starts_with(a["obligation"].as_str().unwrap()))));

    // As a table, the same reasons are lines a person reads.
    let table: Vec<&str> = with
        .iter()
        .copied()
        .filter(|a| *a != "--format" && *a != "json")
        .collect();
    let out = run(&table, b"");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with(&format!("fail-on overdue: {overdue} assessments (")),
        "{err}"
    );
    assert!(
        lines[0].ends_with(&format!(", and {} more)", overdue - 5)),
        "{err}"
    );
    assert!(
        lines[1].starts_with(&format!("fail-on late: {late} assessment")),
        "{err}"
    );
    assert!(lines[1].contains("II.3 Sở Tư pháp"), "{err}");
    assert!(
        lines[1].contains("IV.1 Sở Tài chính 2026"),
        "recurring: with its period: {err}"
    );

    let mut unknown_only = args.to_vec();
    unknown_only.extend(["--fail-on", "unknown"]);
    let out = run(&unknown_only, b"");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn json_errors_are_one_object_naming_file_line_and_field() {
    let dir = scratch("errors");
    let plan = dir.join("plan.json");
    std::fs::write(&plan, "{\n  \"id\": \"p\",\n  \"title\": \"t\",\n  \"obligations\": [\n    {\"id\": \"II.1\"}\n  ]\n}\n").unwrap();
    let subs = dir.join("s.csv");
    std::fs::write(
        &subs,
        "agency,obligation,received\nSở Tư pháp,IV.1,31/02/2026\n",
    )
    .unwrap();
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(
        rules.join("bad.rhai"),
        "// id: bad\n// title: t\n// applies_to: instance\nfn check(x) {\n  x +\n}\n",
    )
    .unwrap();
    let p = |x: &Path| x.to_str().unwrap().to_string();
    let vl_plan = format!("{VL}/plan.json");

    struct Case {
        args: Vec<String>,
        kind: ErrorKind,
        file_ends: Option<&'static str>,
        line: Option<usize>,
        field: Option<&'static str>,
        message: &'static str,
    }
    let case = |args: &[&str], kind, file_ends, line, field, message| Case {
        args: args.iter().map(|s| s.to_string()).collect(),
        kind,
        file_ends,
        line,
        field,
        message,
    };
    let cases = [
        case(
            &["--plan", &p(&plan)],
            ErrorKind::Input,
            Some("plan.json"),
            Some(5),
            Some("obligations[0]"),
            "missing field `title`",
        ),
        case(
            &["--plan", &vl_plan, "--submissions", &p(&subs)],
            ErrorKind::Input,
            Some("s.csv"),
            Some(2),
            Some("received"),
            "'31/02/2026' is not a real date",
        ),
        case(
            &["--plan", &vl_plan, "--rules", &p(&rules)],
            ErrorKind::Rule,
            Some("bad.rhai"),
            Some(6),
            None,
            "syntax error",
        ),
        case(
            &["--plan", "nope.json"],
            ErrorKind::Input,
            Some("nope.json"),
            None,
            None,
            "cannot read",
        ),
    ];
    for c in &cases {
        let mut args: Vec<&str> = vec!["check", "--as-of", AS_OF, "--format", "json"];
        args.extend(c.args.iter().map(String::as_str));
        let out = run(&args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(out.stdout, b"", "nothing on stdout");
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        let e = error_object(&out);
        assert_eq!(e.kind, c.kind, "{err}");
        match c.file_ends {
            Some(f) => assert!(e.file.as_deref().is_some_and(|x| x.ends_with(f)), "{err}"),
            None => assert_eq!(e.file, None),
        }
        assert_eq!(e.line, c.line, "{err}");
        assert_eq!(e.field.as_deref(), c.field, "{err}");
        assert!(e.message.contains(c.message), "{err}");
        // The same failure as text without --format json: the located message a person reads.
        let text_args: Vec<&str> = args
            .iter()
            .copied()
            .filter(|a| *a != "--format" && *a != "json")
            .collect();
        let out = run(&text_args, b"");
        assert_eq!(out.status.code(), Some(2));
        let t = text(&out.stderr);
        assert!(t.starts_with("error: ") && t.contains(c.message), "{t}");
        assert!(serde_json::from_str::<ErrorObject>(t.trim()).is_err());
    }

    // A value clap rejects through our parser is bad input in that flag; an unknown flag is usage.
    let out = run(
        &[
            "check",
            "--plan",
            &vl_plan,
            "--as-of",
            "31/02/2026",
            "--format",
            "json",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let e = error_object(&out);
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (ErrorKind::Input, Some("--as-of"))
    );
    let out = run(
        &[
            "check", "--plan", &vl_plan, "--as-of", AS_OF, "--format", "json", "--bogus",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(error_object(&out).kind, ErrorKind::Usage);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_reads_a_plan_as_issued_like_parse_then_check() {
    let txt = "core/tests/data/plans/can-tho-qd-kh.txt";
    let dir = scratch("issued");
    let plan_json = dir.join("plan.json");
    let parsed = run(&["parse", txt, "-o", plan_json.to_str().unwrap()], b"");
    assert_eq!(parsed.status.code(), Some(0), "{}", text(&parsed.stderr));
    let via_json = run(
        &[
            "check",
            "--plan",
            plan_json.to_str().unwrap(),
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
        b"",
    );
    assert_eq!(
        via_json.status.code(),
        Some(0),
        "{}",
        text(&via_json.stderr)
    );

    let direct = run(
        &["check", "--plan", txt, "--as-of", AS_OF, "--format", "json"],
        b"",
    );
    assert_eq!(direct.status.code(), Some(0), "{}", text(&direct.stderr));
    assert_eq!(
        direct.stdout, via_json.stdout,
        "same report as parse then check"
    );
    // Under --format json the reader's warnings are JSON objects, one per line
    // (`tuanthu::api::ReaderWarning`): exactly the warnings the parsed plan keeps.
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan_json).unwrap()).unwrap();
    let objects: Vec<ReaderWarning> = text(&direct.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(objects.iter().all(|w| w.file == txt));
    let kept: Vec<serde_json::Value> = objects
        .iter()
        .map(|w| serde_json::to_value(&w.warning).unwrap())
        .collect();
    assert_eq!(serde_json::Value::Array(kept), plan["warnings"]);

    // As a table, the reader's warnings as `parse` prints them (parse adds a summary line).
    let table = run(&["check", "--plan", txt, "--as-of", AS_OF], b"");
    assert_eq!(table.status.code(), Some(0), "{}", text(&table.stderr));
    let warnings = text(&table.stderr);
    assert!(
        warnings.contains("can-tho-qd-kh.txt:123: warning [unparsed_timeline]"),
        "{warnings}"
    );
    let parse_lines: Vec<String> = text(&parsed.stderr).lines().map(str::to_string).collect();
    for line in warnings.lines() {
        assert!(
            parse_lines.iter().any(|l| l == line),
            "{line} not printed by parse"
        );
    }

    // From stdin: text recognised by content; the id is the reader's default.
    let stdin = run(
        &["check", "--plan", "-", "--as-of", AS_OF, "--format", "json"],
        &file(txt),
    );
    assert_eq!(stdin.status.code(), Some(0), "{}", text(&stdin.stderr));
    let report: serde_json::Value = serde_json::from_slice(&stdin.stdout).unwrap();
    let expected: serde_json::Value = serde_json::from_slice(&via_json.stdout).unwrap();
    assert_eq!(
        report["assessments"].as_array().unwrap().len(),
        expected["assessments"].as_array().unwrap().len()
    );
    assert!(
        text(&stdin.stderr).contains(r#"{"file":"<stdin>","code":"unparsed_timeline","line":123,"#)
    );

    // Text that is no plan fails loudly instead of checking nothing.
    let out = run(
        &[
            "check",
            "--plan",
            "-",
            "--plan-format",
            "text",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
        "Biên bản họp giao ban.\nKhông có nhiệm vụ nào.\n".as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let e = error_object(&out);
    assert_eq!(
        (e.kind, e.file.as_deref()),
        (ErrorKind::Input, Some("<stdin>"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_plan_in_a_legacy_encoding_is_refused_naming_the_file_once() {
    let dir = scratch("encoding");
    let plan = dir.join("ke-hoach.txt");
    // "Kế hoạch" in Windows-1258 (a legacy Vietnamese code page): not UTF-8 from byte 1 on.
    std::fs::write(&plan, b"K\xea\xd2 ho\xb9ch\n").unwrap();
    let name = plan.to_str().unwrap();
    let out = run(&["parse", name], b"");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert_eq!(err.matches("ke-hoach.txt").count(), 1, "{err}");
    assert!(err.contains("not UTF-8 text"), "{err}");
    assert!(err.contains("TCVN3"), "{err}");
    let out = run(
        &[
            "check", "--plan", name, "--as-of", AS_OF, "--format", "json",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let e = error_object(&out);
    assert_eq!(e.file.as_deref(), Some(name));
    assert!(e.message.starts_with("not UTF-8 text"), "{}", e.message);
}
