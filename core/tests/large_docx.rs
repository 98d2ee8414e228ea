//! A large .docx (its `word/document.xml` over 256 KB): unpacked on a second thread while it is
//! scanned, its lines cleaned for the text reader as they come. The plan is the one its text
//! gives, read the way a small document is read (the text of its lines, then the text reader).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

#[path = "../benches/support/mod.rs"]
mod support;

use tuanthu::ingest::source::{parse_document, read_source, SourceFormat, SourceOptions};
use tuanthu::ingest::{read_plan_bytes, ParseOptions};

#[test]
fn a_large_docx_reads_as_its_text() {
    let bytes = support::big_docx(96 * 1024);
    let options = ParseOptions::new("big");
    let doc = read_source(&bytes, "big.docx", &SourceOptions::default()).unwrap();
    assert_eq!(doc.format, SourceFormat::Docx);
    // Large enough for the second thread (a document part of 256 KB or more).
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    let part = zip.by_name("word/document.xml").unwrap().size();
    assert!(part >= 256 * 1024, "{part}");
    let want = parse_document(&doc, &options);
    assert!(want.plan.obligations.len() > 100);
    let got = read_plan_bytes(&bytes, Some("big.docx"), &options).unwrap();
    assert_eq!(got, want);
}
