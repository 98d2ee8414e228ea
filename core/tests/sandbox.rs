//! Untrusted rules: endless loops, deep recursion, huge strings, wrong return types and runtime
//! errors become error findings for that rule; the other rules still run and nothing panics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use tuanthu::eval::{EvaluationRequest, Evaluator};
use tuanthu::model::{Severity, Status};
use tuanthu::rules::{Limits, PackSource, RulePack, SourceFile};

fn pack_with(extra: &[(&str, &str)]) -> RulePack {
    let mut source: PackSource = RulePack::standard().unwrap().source().clone();
    for (name, text) in extra {
        source.rules.push(SourceFile {
            name: (*name).into(),
            text: (*text).into(),
        });
    }
    RulePack::compile(source, Limits::default()).expect("compiles")
}

fn request() -> EvaluationRequest {
    serde_json::from_str(
        r#"{"plan": {"id": "p", "title": "t", "obligations": [{"id": "II.3", "title": "Rà soát",
            "lead": [{"kind": "agency", "name": "Sở Tư pháp"}],
            "schedule": {"type": "once", "deadline": {"date": "2026-04-20", "bound": "before"}}}]},
            "submissions": [{"agency": "Sở Tư pháp", "obligation": "II.3", "received": "2026-04-21", "document_number": "1/BC-STP"}],
            "as_of": "2026-05-01"}"#,
    )
    .unwrap()
}

fn header(id: &str) -> String {
    format!("// id: {id}\n// title: {id}\n// applies_to: instance\n")
}

#[test]
fn hostile_rules_are_stopped_and_reported_while_others_run() {
    let looping = header("evil.loop") + "fn check(x) { loop { } }";
    let recursion = header("evil.recursion") + "fn f(n) { f(n + 1) }\nfn check(x) { f(0) }";
    let big = header("evil.big") + "fn check(x) { let s = \"x\"; loop { s += s; } }";
    let wrong = header("evil.type") + "fn check(x) { 42 }";
    let bad_status = header("evil.status") + "fn check(x) { #{ status: \"finished\" } }";
    let runtime = header("evil.runtime") + "fn check(x) { x.received < x.no_such_property }";
    let pack = pack_with(&[
        ("zz-loop.rhai", &looping),
        ("zz-recursion.rhai", &recursion),
        ("zz-big.rhai", &big),
        ("zz-type.rhai", &wrong),
        ("zz-status.rhai", &bad_status),
        ("zz-runtime.rhai", &runtime),
    ]);
    let report = Evaluator::new(pack)
        .evaluate(&request())
        .expect("evaluation completes");
    // The standard status rule still classified the instance.
    assert_eq!(report.assessments[0].status, Status::DoneLate);
    let error_of = |rule: &str| {
        report
            .findings
            .iter()
            .find(|f| &*f.rule == rule && f.severity == Severity::Error)
            .map(|f| f.message_en.clone())
            .unwrap_or_else(|| panic!("no error finding for {rule}: {:#?}", report.findings))
    };
    assert!(error_of("evil.loop").contains("too many operations"));
    assert!(error_of("evil.recursion").contains("call stack too deep"));
    assert!(
        error_of("evil.big").contains("too large")
            || error_of("evil.big").contains("too many operations")
    );
    assert!(
        error_of("evil.type").contains("rule returned i64"),
        "{}",
        error_of("evil.type")
    );
    assert!(error_of("evil.status").contains("unknown status 'finished'"));
    assert!(error_of("evil.runtime").contains("failed"));
    assert!(report.assessments[0]
        .rules
        .iter()
        .any(|r| &**r == "evil.loop"));
}

#[test]
fn mixed_type_comparisons_are_errors_not_silent_false() {
    let rule = header("cmp") + "fn check(x) { if x.due < () { #{ status: \"overdue\" } } }";
    let pack = RulePack::compile(
        PackSource {
            rules: vec![SourceFile {
                name: "cmp.rhai".into(),
                text: rule,
            }],
            ..Default::default()
        },
        Limits::default(),
    )
    .unwrap();
    let report = Evaluator::new(pack).evaluate(&request()).unwrap();
    assert_eq!(
        report.assessments[0].status,
        Status::Unknown,
        "no rule classified"
    );
    assert!(
        report.findings[0]
            .message_en
            .contains("comparing a Date with ()"),
        "{:?}",
        report.findings
    );
    assert!(report.assessments[0]
        .explanation_en
        .contains("no rule classified"));
}

#[test]
fn rules_have_no_file_module_or_clock_access() {
    for (src, what) in [
        ("import \"x\" as y; fn check(x) {}", "import"),
        ("fn check(x) { eval(\"1\") }", "eval"),
        ("fn check(x) { print(\"1\") }", "print"),
        ("fn check(x) { debug(\"1\") }", "debug"),
    ] {
        let text = header("r") + src;
        let r = RulePack::compile(
            PackSource {
                rules: vec![SourceFile {
                    name: "r.rhai".into(),
                    text,
                }],
                ..Default::default()
            },
            Limits::default(),
        );
        assert!(r.is_err(), "{what} must not compile");
    }
    // Function calls resolve at run time: the wall clock simply does not exist (`no_time`).
    let clock = header("clock") + "fn check(x) { timestamp() }";
    let report = Evaluator::new(pack_with(&[("clock.rhai", &clock)]))
        .evaluate(&request())
        .unwrap();
    let f = report
        .findings
        .iter()
        .find(|f| &*f.rule == "clock")
        .expect("clock rule reported");
    assert!(
        f.message_en.contains("Function not found"),
        "{}",
        f.message_en
    );
}

#[test]
fn compiling_the_standard_pack_is_repeatable() {
    let a = RulePack::standard().unwrap();
    let b = RulePack::standard().unwrap();
    assert_eq!(a.source(), b.source());
    assert_eq!(a.rules().len(), 10);
}

#[test]
fn an_unknown_message_template_is_a_rule_error() {
    let rule = header("tmpl")
        + "// message: a | info | {agency} | {agency}\nfn check(x) { #{ message: \"b\" } }";
    let report = Evaluator::new(pack_with(&[("tmpl.rhai", &rule)]))
        .evaluate(&request())
        .unwrap();
    let f = report
        .findings
        .iter()
        .find(|f| &*f.rule == "tmpl")
        .expect("reported");
    assert_eq!(f.severity, Severity::Error);
    assert!(
        f.message_en.contains("no message template 'b'"),
        "{}",
        f.message_en
    );
    let ok = header("tmpl2") + "// message: a | info | {agency} trễ {days_late} | {agency} late {days_late}\nfn check(x) { #{ message: \"a\" } }";
    let report = Evaluator::new(pack_with(&[("tmpl2.rhai", &ok)]))
        .evaluate(&request())
        .unwrap();
    let f = report
        .findings
        .iter()
        .find(|f| &*f.rule == "tmpl2")
        .expect("reported");
    assert_eq!(
        (f.severity, f.message_en.as_str()),
        (Severity::Info, "Sở Tư pháp late 2")
    );
}

#[test]
fn years_outside_the_calendar_are_rejected_not_expanded() {
    let mut req = request();
    req.plan.obligations[0].schedule =
        serde_json::from_str(r#"{"type": "ongoing", "from_year": -262000}"#).unwrap();
    let e = Evaluator::standard().unwrap().evaluate(&req).unwrap_err();
    assert!(
        e.to_string()
            .contains("from_year -262000 is outside the supported years 1900–2199"),
        "{e}"
    );
    let mut req = request();
    req.as_of = chrono::NaiveDate::from_ymd_opt(9999, 1, 1).unwrap();
    assert!(Evaluator::standard().unwrap().evaluate(&req).is_err());
}

/// Every function a rule can call, checked against a reviewed list: a Rhai upgrade or a new
/// registration that adds one (a clock, `sleep`, anything that blocks or prints) fails here until
/// the list is updated on purpose (`UPDATE_RULE_FUNCTIONS=1 cargo test --test sandbox`).
#[test]
fn every_function_a_rule_can_call_is_reviewed() {
    let engine = tuanthu::rules::hardened_engine(&Limits::default());
    // Names and parameters only: return types print as Rust paths that vary with the compiler.
    let mut have: Vec<String> = engine
        .gen_fn_signatures(true)
        .into_iter()
        .map(|s| s.split(" -> ").next().unwrap_or_default().to_string())
        .collect();
    have.sort();
    have.dedup();
    for banned in [
        "sleep(",
        "timestamp(",
        "exit(",
        "parse_json(",
        "get_fn_metadata_list(",
        "eval(",
    ] {
        let found: Vec<&String> = have.iter().filter(|s| s.starts_with(banned)).collect();
        assert!(found.is_empty(), "rules must not reach {found:?}");
    }
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rule-functions.txt");
    if std::env::var_os("UPDATE_RULE_FUNCTIONS").is_some() {
        let mut text = String::from(
            "# Every function a rule can call (Rhai signatures without return types), reviewed.\n\
             # Regenerate with\n\
             # UPDATE_RULE_FUNCTIONS=1 cargo test -p tuanthu --test sandbox, then review the diff.\n\
             # `print`/`debug` below are Rhai's conversions to text, which write nothing; the\n\
             # symbols are disabled, so a rule cannot name them.\n",
        );
        for s in &have {
            text.push_str(s);
            text.push('\n');
        }
        std::fs::write(&path, text).unwrap();
    }
    let listed = std::fs::read_to_string(&path).unwrap();
    let want: Vec<&str> = listed
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let new: Vec<&String> = have
        .iter()
        .filter(|s| !want.contains(&s.as_str()))
        .collect();
    let gone: Vec<&&str> = want
        .iter()
        .filter(|s| !have.iter().any(|h| h == *s))
        .collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "functions rules can call changed; review, then update {}:\n  new: {new:#?}\n  gone: {gone:#?}",
        path.display()
    );
}
