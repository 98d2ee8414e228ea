//! `tuanthu parse` and `check --plan` on plans as issued in other formats: the CLI reads the
//! bytes and lets the library's source layer choose the format by content.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use std::path::PathBuf;
use std::process::{Command, Output};

use tuanthu::ingest::{read_plan_file, ParseOptions};
use tuanthu::model::Plan;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/data/formats")
        .join(name)
}

fn tuanthu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tuanthu"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn parse_reads_a_docx_as_the_library_does() {
    let path = fixture("hung-yen-draft.docx");
    let out = tuanthu(&["parse", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("[source_format]"), "{stderr}");
    let from_cli: Plan = serde_json::from_slice(&out.stdout).unwrap();
    let from_lib = read_plan_file(&path, &ParseOptions::for_file(path.display().to_string()))
        .unwrap()
        .plan;
    assert_eq!(from_cli.id, "hung-yen-draft");
    assert!(!from_cli.obligations.is_empty());
    assert_eq!(from_cli, from_lib);
}

#[test]
fn check_takes_a_docx_plan_and_a_renamed_one() {
    let path = fixture("vinh-long-144-KH-UBND.docx");
    let dir = std::env::temp_dir().join(format!("tuanthu-cli-formats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The same bytes under a misleading name: the format comes from the content.
    let renamed = dir.join("plan.txt");
    std::fs::copy(&path, &renamed).unwrap();
    let report = |p: &PathBuf| {
        let out = tuanthu(&[
            "check",
            "--plan",
            p.to_str().unwrap(),
            "--as-of",
            "23/11/2026",
            "--format",
            "json",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["assessments"].as_array().unwrap().len()
    };
    let n = report(&path);
    assert!(n > 0);
    assert_eq!(report(&renamed), n);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_scanned_pdf_is_an_error_that_says_why() {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        assert!(
            std::env::var_os("TUANTHU_REQUIRE_PDFTOTEXT").is_none(),
            "pdftotext is required: apt-get install poppler-utils"
        );
        eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
        return;
    }
    let path = fixture("scanned-no-text.pdf");
    let out = tuanthu(&["parse", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("scanned-no-text.pdf"), "{stderr}");
    assert!(stderr.contains("no text layer"), "{stderr}");
}
