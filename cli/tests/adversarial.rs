//! The adversarial cases through the CLI: each ends in a clear error (exit 2) or an error finding
//! for the hostile rule (exit 0, the report printed) within 2 s of CPU time and 256 MB of peak
//! memory, measured with GNU time (`/usr/bin/time`, Debian package `time`), and 20 s of wall time.
//! CPU time is the bound that says "no endless work": on a loaded 2-core machine the same run
//! took 8 s of wall time; the wall bound only says "it returns".

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const CPU: Duration = Duration::from_secs(2);
const WALL: Duration = Duration::from_secs(20);
const MEMORY_KB: u64 = 256 * 1024;
const TIME: &str = "/usr/bin/time";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What a run cost, and what it printed.
struct Run {
    output: Output,
    wall: Duration,
    cpu: Duration,
    peak_kb: u64,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    /// stderr without GNU time's last line.
    fn stderr(&self) -> String {
        let text = String::from_utf8_lossy(&self.output.stderr).into_owned();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.pop();
        lines.join("\n")
    }
}

/// Runs the CLI under GNU time and checks the wall and memory bounds.
fn tuanthu(what: &str, args: &[&str]) -> Run {
    assert!(
        Path::new(TIME).exists(),
        "{TIME} is needed to measure peak memory (apt-get install time)"
    );
    let start = Instant::now();
    let output = Command::new(TIME)
        .args(["-f", "%M %U %S"])
        .arg(env!("CARGO_BIN_EXE_tuanthu"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("runs");
    let wall = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let (peak_kb, cpu) = stderr
        .lines()
        .last()
        .and_then(time_line)
        .unwrap_or_else(|| panic!("no peak memory and CPU time from {TIME}: {stderr}"));
    assert!(cpu < CPU, "{what}: {cpu:?} of CPU time (bound {CPU:?})");
    assert!(
        wall < WALL,
        "{what}: {wall:?} of wall time (bound {WALL:?})"
    );
    assert!(
        peak_kb < MEMORY_KB,
        "{what}: peak memory {peak_kb} KB (bound {MEMORY_KB} KB)"
    );
    Run {
        output,
        wall,
        cpu,
        peak_kb,
    }
}

/// GNU time's `%M %U %S` line: peak memory in KB, and user plus system CPU time.
fn time_line(line: &str) -> Option<(u64, Duration)> {
    let mut fields = line.split_whitespace();
    let peak_kb = fields.next()?.parse().ok()?;
    let mut cpu = Duration::ZERO;
    for f in fields {
        cpu += Duration::try_from_secs_f64(f.parse().ok()?).ok()?;
    }
    Some((peak_kb, cpu))
}

/// A rules directory: the standard pack plus `extra` files.
fn rules_dir(name: &str, extra: &[(String, String)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tuanthu-adv-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(root().join("rules/standard")).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        // The manifest lists the standard files only; extra rules follow in name order.
        std::fs::copy(&path, dir.join(file)).unwrap();
    }
    for (file, text) in extra {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

fn header(id: &str) -> String {
    format!("// id: {id}\n// title: {id}\n// applies_to: instance\n")
}

fn check_with(what: &str, rules: &Path, extra_args: &[&str]) -> Run {
    let d = "rules/examples/vinh-long";
    let (plan, registry, subs, events) = (
        format!("{d}/plan.json"),
        format!("{d}/registry.json"),
        format!("{d}/submissions.csv"),
        format!("{d}/events.json"),
    );
    let mut args = vec![
        "check",
        "--plan",
        &plan,
        "--registry",
        &registry,
        "--events",
        &events,
        "--as-of",
        "2026-11-23",
        "--format",
        "json",
        "--rules",
        rules.to_str().unwrap(),
    ];
    if !extra_args.contains(&"--submissions") {
        args.extend(["--submissions", subs.as_str()]);
    }
    args.extend(extra_args);
    tuanthu(what, &args)
}

/// The messages of the error findings of `rule` in a JSON report.
fn failures(run: &Run, rule: &str) -> Vec<String> {
    assert_eq!(run.output.status.code(), Some(0), "{}", run.stderr());
    let report: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let found: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule && f["rule_failed"] == true)
        .map(|f| f["message_en"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(!found.is_empty(), "no error finding for {rule}");
    // The standard rules still ran.
    let unknown = report["summary"]["total"]["unknown"].as_u64().unwrap_or(0);
    let total: u64 = report["assessments"].as_array().unwrap().len() as u64;
    assert!(unknown * 10 < total, "{unknown} of {total} unclassified");
    found
}

#[test]
fn hostile_rules_end_in_error_findings_within_bounds() {
    for (id, body, want) in [
        (
            "evil.sleep",
            "sleep(100);",
            "Function not found: sleep (i64)",
        ),
        (
            "evil.closures",
            "let a = []; a.pad(160, 0); let b = a; let c = a; a.index_of(|i| b.index_of(|j| c.index_of(|k| k > 1) > 0) > 0)",
            "stopped: too many operations",
        ),
        (
            "evil.contains",
            "let a = []; a.pad(4096, 1); loop { if a.contains(2) { break; } }",
            "stopped: too many operations",
        ),
        (
            "evil.minus",
            "x.as_of - 9223372036854775807",
            "days is outside the supported years 1900–2199",
        ),
    ] {
        let rule = header(id) + format!("fn check(x) {{ {body} }}").as_str();
        let dir = rules_dir(id, &[("zz-evil.rhai".into(), rule)]);
        let run = check_with(id, &dir, &[]);
        let found = failures(&run, id);
        let limit_stop = want.starts_with("stopped:");
        for message in &found {
            // A limit stop: the budget, or on a busy machine the 250 ms deadline first; after
            // three, the rule is disabled for the evaluation.
            let ok = message.contains(want)
                || (limit_stop
                    && (message.contains("stopped: the rule call ran past its time limit")
                        || message.ends_with(
                            "a limit stopped it 3 times in a block of the evaluation \
                             (max_stops_per_rule, counted per block)",
                        )));
            assert!(ok, "{id}: {message}");
        }
        if limit_stop {
            assert_eq!(found.len(), 4, "{id}: {found:#?}");
        }
        eprintln!("{id}: {:?} ({:?} CPU), {} KB", run.wall, run.cpu, run.peak_kb);
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn oversized_packs_are_refused_with_a_clear_error() {
    let mut big = header("evil.huge") + "fn check(x) {\n";
    while big.len() < 2 * 1024 * 1024 {
        big.push_str("let a = 1;\n");
    }
    big.push('}');
    let dir = rules_dir("huge", &[("zz-huge.rhai".into(), big)]);
    let run = check_with("2 MB rule", &dir, &[]);
    assert_eq!(run.output.status.code(), Some(2));
    // With `--format json` the error is the contract's error object, one line on stderr.
    let stderr = run.stderr();
    let line = stderr
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_default();
    let error: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(error["kind"], "rule", "{error}");
    assert_eq!(error["file"], "zz-huge.rhai", "{error}");
    assert_eq!(
        error["message"],
        "rule source is 2097160 bytes; the limit is 65536 bytes (max_rule_bytes)"
    );
    let _ = std::fs::remove_dir_all(dir);

    let chatty: Vec<(String, String)> = (0..1000)
        .map(|i| {
            let id = format!("evil.chatty-{i}");
            let text = header(&id)
                + "fn check(x) { let m = \"\"; m.pad(16000, \"x\"); #{ message_vi: m, message_en: m } }";
            (format!("zz-{i:04}.rhai"), text)
        })
        .collect();
    let dir = rules_dir("chatty", &chatty);
    let run = check_with("1,000 rules", &dir, &[]);
    assert_eq!(run.output.status.code(), Some(2));
    assert!(
        run.stderr()
            .contains("pack has 1010 rules; the limit is 256 (max_rules)"),
        "{}",
        run.stderr()
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_report_received_in_year_one_is_refused() {
    let dir = std::env::temp_dir().join(format!("tuanthu-adv-{}-year1", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let subs = dir.join("s.csv");
    std::fs::write(
        &subs,
        "agency,obligation,received\nSở Tư pháp,IV.1,01/01/0001\n",
    )
    .unwrap();
    let rules = root().join("rules/standard");
    let run = check_with(
        "01/01/0001",
        &rules,
        &["--submissions", subs.to_str().unwrap()],
    );
    assert_eq!(run.output.status.code(), Some(2));
    assert!(
        run.stderr()
            .contains("'01/01/0001': 0001-01-01 is outside the supported years 1900–2199"),
        "{}",
        run.stderr()
    );
    let _ = std::fs::remove_dir_all(dir);
}
