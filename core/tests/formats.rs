//! Plans as issued: .docx and .pdf give the same obligations as their text, formats are told
//! apart by content, and unreadable documents fail with the right error.
//!
//! The fixtures in `tests/data/formats/` are made from the text plans by
//! `tests/data/formats/make_fixtures.py` (Word automatic numbering, header and appendix tables,
//! soft line breaks; PDFs with a running header and page numbers). PDF tests need poppler's
//! `pdftotext`; without it they print why they are skipped (the test scripts install it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use tuanthu::ingest::source::{
    read_plan_bytes_with, read_source, Origin, SourceFormat, SourceOptions,
};
use tuanthu::ingest::{
    parse_plan, read_plan_bytes, read_plan_file, ParseOptions, ParseOutcome, SourceError,
};
use tuanthu::model::Plan;

/// The fixtures: (stem of the text plan, its extension).
const PLANS: [(&str, &str); 6] = [
    ("vinh-long-144-KH-UBND", "txt"),
    ("hung-yen-draft", "txt"),
    ("can-tho-qd-kh", "txt"),
    ("synthetic-appendix-table", "md"),
    ("synthetic-other-province", "txt"),
    ("synthetic-agency-first", "txt"),
];

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(data(&format!("formats/{name}"))).unwrap()
}

fn text_plan(stem: &str, ext: &str) -> Plan {
    let text = std::fs::read_to_string(data(&format!("plans/{stem}.{ext}"))).unwrap();
    parse_plan(&text, &ParseOptions::new(stem)).plan
}

fn read_fixture(stem: &str, ext: &str) -> ParseOutcome {
    read_plan_bytes(
        &fixture(&format!("{stem}.{ext}")),
        Some(&format!("{stem}.{ext}")),
        &ParseOptions::new(stem),
    )
    .unwrap_or_else(|e| panic!("{stem}.{ext}: {e}"))
}

/// Removes the fields that depend on where the words sit (line spans), not on what they say.
fn without_sources(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("source");
            m.values_mut().for_each(without_sources);
        }
        Value::Array(a) => a.iter_mut().for_each(without_sources),
        _ => {}
    }
}

/// What a reader of the plan must get the same from any layout: per obligation its id, kind,
/// title, parties and their roles, schedule and report recipient/via.
fn projection(plan: &Plan) -> Vec<Value> {
    plan.obligations
        .iter()
        .map(|o| {
            let mut v = serde_json::json!({
                "id": o.id.as_str(),
                "kind": o.kind.as_str(),
                "title": o.title,
                "lead": o.lead,
                "coordinating": o.coordinating,
                "performers": o.performers,
                "schedule": o.schedule,
                "reporting": o.reporting,
            });
            without_sources(&mut v);
            v
        })
        .collect()
}

/// The header facts: number, issuer, place and date, title, legal basis, the law's date.
fn header(plan: &Plan) -> Value {
    let mut v = serde_json::json!({
        "number": plan.number,
        "issuer": plan.issuer,
        "jurisdiction": plan.jurisdiction,
        "place": plan.place,
        "issue_date": plan.issue_date,
        "title": plan.title,
        "legal_basis": plan.legal_basis,
        "law_effective_date": plan.law_effective_date,
    });
    without_sources(&mut v);
    v
}

/// The first obligation that differs, for a readable failure.
fn first_difference(a: &[Value], b: &[Value]) -> String {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return format!("text: {x}\n got: {y}");
        }
    }
    format!("{} obligations from the text, {} read", a.len(), b.len())
}

/// Whether poppler's `pdftotext` is installed. The test script installs it and sets
/// `TUANTHU_REQUIRE_PDFTOTEXT`, so there a missing `pdftotext` fails instead of skipping.
fn pdftotext_available() -> bool {
    let found = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    if !found && std::env::var_os("TUANTHU_REQUIRE_PDFTOTEXT").is_some() {
        panic!("pdftotext is required (TUANTHU_REQUIRE_PDFTOTEXT is set): apt-get install poppler-utils");
    }
    if !found {
        eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
    }
    found
}

#[test]
fn each_docx_gives_the_obligations_of_its_text() {
    for (stem, ext) in PLANS {
        let text = text_plan(stem, ext);
        let want = projection(&text);
        let out = read_fixture(stem, "docx");
        assert_eq!(header(&out.plan), header(&text), "{stem}.docx header");
        assert!(!out.has_errors(), "{stem}.docx: {:?}", out.plan.warnings);
        let got = projection(&out.plan);
        assert!(!want.is_empty(), "{stem}: no obligations in the text");
        assert!(
            want == got,
            "{stem}.docx differs from its text:\n{}",
            first_difference(&want, &got)
        );
        assert_eq!(
            out.plan.warnings.first().map(|w| w.code.as_str()),
            Some("source_format"),
            "{stem}.docx: the format read is said first"
        );
    }
}

#[test]
fn each_pdf_gives_the_obligations_of_its_text() {
    if !pdftotext_available() {
        eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
        return;
    }
    // Every PDF, tables and page furniture included: pdftotext's reading order breaks a table
    // into cells and puts page numbers and running headers between two pages' text.
    for (stem, ext) in PLANS {
        let text = text_plan(stem, ext);
        let want = projection(&text);
        let out = read_fixture(stem, "pdf");
        assert_eq!(header(&out.plan), header(&text), "{stem}.pdf header");
        let got = projection(&out.plan);
        assert!(
            want == got,
            "{stem}.pdf differs from its text:\n{}",
            first_difference(&want, &got)
        );
    }
}

#[test]
fn warnings_of_a_docx_name_their_paragraph_or_table_row() {
    for (stem, _) in PLANS {
        let bytes = fixture(&format!("{stem}.docx"));
        let doc = read_source(&bytes, stem, &SourceOptions::default()).unwrap();
        assert_eq!(doc.format, SourceFormat::Docx);
        let out = read_fixture(stem, "docx");
        for w in out.plan.warnings.iter().skip(1) {
            let origin = doc
                .origin(w.line)
                .unwrap_or_else(|| panic!("{stem}: warning line {} is past the text", w.line));
            assert!(
                matches!(origin, Origin::Paragraph(_) | Origin::TableRow { .. }),
                "{origin:?}"
            );
            assert!(
                w.message.ends_with(&format!("({origin})")),
                "{stem}: {} does not name {origin}",
                w.message
            );
        }
        // Line numbers of obligations point at their own words in the text read.
        let text = doc.text();
        let lines: Vec<&str> = text.lines().collect();
        for o in &out.plan.obligations {
            let Some(s) = &o.source else { continue };
            let first = lines
                .get(usize::try_from(s.line_start).unwrap() - 1)
                .copied()
                .unwrap_or_default();
            let head: String = first
                .trim_start_matches(['|', ' '])
                .chars()
                .take(12)
                .collect();
            assert!(
                s.text.contains(head.trim()),
                "{stem} {}: line {} is {first:?}",
                o.id,
                s.line_start
            );
        }
    }
}

#[test]
fn the_format_is_chosen_by_content_not_by_name() {
    let dir = std::env::temp_dir().join(format!("tuanthu-formats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let stem = "vinh-long-144-KH-UBND";
    let want = projection(&text_plan(stem, "txt"));
    // A .docx saved as .txt.
    let as_txt = dir.join("plan.txt");
    std::fs::write(&as_txt, fixture(&format!("{stem}.docx"))).unwrap();
    let got = read_plan_file(&as_txt, &ParseOptions::new(stem)).unwrap();
    assert_eq!(projection(&got.plan), want, "a docx named .txt");
    assert_eq!(got.plan.warnings[0].code, "source_format");
    // Text saved as .docx, with a BOM and CRLF line ends.
    let text = std::fs::read_to_string(data(&format!("plans/{stem}.txt"))).unwrap();
    let as_docx = dir.join("plan.docx");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
    std::fs::write(&as_docx, bytes).unwrap();
    let got = read_plan_file(&as_docx, &ParseOptions::new(stem)).unwrap();
    assert_eq!(projection(&got.plan), want, "text named .docx");
    // UTF-16 text, as Notepad saves "Unicode".
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let got = read_plan_bytes(&utf16, Some("plan.txt"), &ParseOptions::new(stem)).unwrap();
    assert_eq!(projection(&got.plan), want, "UTF-16 text");
    // The id defaults to the file stem.
    let got = read_plan_file(&as_docx, &ParseOptions::default()).unwrap();
    assert_eq!(got.plan.id, "plan");
    if pdftotext_available() {
        let as_docx = dir.join("renamed.docx");
        std::fs::write(&as_docx, fixture(&format!("{stem}.pdf"))).unwrap();
        let got = read_plan_file(&as_docx, &ParseOptions::new(stem)).unwrap();
        assert_eq!(projection(&got.plan), want, "a pdf named .docx");
    } else {
        eprintln!("renamed pdf skipped: pdftotext is not installed");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    // The fastest level: the zip bomb below packs 65 MB.
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for (name, body) in entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(body).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn read_err(bytes: &[u8]) -> SourceError {
    match read_plan_bytes(bytes, Some("bad.docx"), &ParseOptions::new("bad")) {
        Ok(out) => panic!("read as a plan: {:?}", out.plan.warnings),
        Err(e) => {
            assert!(e.to_string().starts_with("bad.docx: "), "{e}");
            e
        }
    }
}

#[test]
fn broken_documents_fail_with_the_right_error() {
    let docx = fixture("vinh-long-144-KH-UBND.docx");
    // A download cut short.
    let e = read_err(&docx[..docx.len() / 2]);
    assert!(matches!(e, SourceError::Zip { .. }), "{e}");
    // Bytes damaged inside the compressed document.
    let mut damaged = docx.clone();
    let mid = damaged.len() / 3;
    for b in &mut damaged[mid..mid + 400] {
        *b = !*b;
    }
    let e = read_err(&damaged);
    assert!(
        matches!(e, SourceError::Zip { .. } | SourceError::Xml { .. }),
        "{e}"
    );
    // A zip that is no Word document (an .odt, an .xlsx).
    let e = read_err(&zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b"<office:document-content/>"),
    ]));
    assert!(matches!(e, SourceError::NotDocx { .. }), "{e}");
    assert!(e.to_string().contains("save the plan as .docx"), "{e}");
    // A zip bomb: 65 MB of spaces that pack into a few kilobytes.
    let spaces = vec![b' '; 65 * 1024 * 1024];
    let bomb = zip_of(&[("word/document.xml", &spaces)]);
    assert!(bomb.len() < 1024 * 1024);
    let e = read_err(&bomb);
    assert!(matches!(e, SourceError::TooLarge { .. }), "{e}");
    // An archive listing too many entries.
    let names: Vec<String> = (0..10_001).map(|i| format!("x/{i}")).collect();
    let mut entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    entries.push(("word/document.xml", b"<w:document/>"));
    let e = read_err(&zip_of(&entries));
    assert!(matches!(e, SourceError::TooManyEntries { .. }), "{e}");
    // An old binary .doc.
    let e = read_err(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00");
    assert!(matches!(e, SourceError::Unsupported { .. }), "{e}");
    // Text in a legacy 8-bit encoding.
    let e = read_err(b"K\xca HO\xa0CH\n");
    assert!(
        matches!(
            e,
            SourceError::InvalidUtf8 {
                offset: 1,
                line: 1,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn pdfs_without_text_or_broken_fail_clearly() {
    // Without pdftotext: how to install it.
    let missing = SourceOptions {
        pdftotext: PathBuf::from("/nonexistent/bin/pdftotext"),
        ..SourceOptions::default()
    };
    let e = read_plan_bytes_with(
        &fixture("scanned-no-text.pdf"),
        Some("scan.pdf"),
        &ParseOptions::new("scan"),
        &missing,
    )
    .unwrap_err();
    assert!(matches!(e, SourceError::PdfToolMissing { .. }), "{e}");
    assert!(
        e.to_string().contains("apt-get install poppler-utils"),
        "{e}"
    );
    if !pdftotext_available() {
        eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
        return;
    }
    let e = read_plan_bytes(
        &fixture("scanned-no-text.pdf"),
        Some("scan.pdf"),
        &ParseOptions::new("scan"),
    )
    .unwrap_err();
    assert!(
        matches!(e, SourceError::PdfNoText { pages: 1, .. }),
        "a scan is an error, never an empty plan: {e}"
    );
    assert!(e.to_string().contains("OCR"), "{e}");
    let e = read_plan_bytes(
        b"%PDF-1.7\nnot really a pdf\n",
        Some("broken.pdf"),
        &ParseOptions::new("broken"),
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            SourceError::PdfTool { .. } | SourceError::PdfNoText { .. }
        ),
        "{e}"
    );
}

#[cfg(unix)]
#[test]
fn a_hanging_pdftotext_is_stopped() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("tuanthu-hang-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("pdftotext");
    std::fs::write(&script, "#!/bin/sh\nexec sleep 30\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let options = SourceOptions {
        pdftotext: script,
        pdf_timeout: Duration::from_millis(300),
    };
    let started = std::time::Instant::now();
    let e = read_plan_bytes_with(
        b"%PDF-1.4\n",
        Some("slow.pdf"),
        &ParseOptions::new("slow"),
        &options,
    )
    .unwrap_err();
    assert!(matches!(e, SourceError::PdfTimeout { .. }), "{e}");
    assert!(started.elapsed() < Duration::from_secs(10));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A Word task table whose row leaves a cell empty (no coordinating agency): the .docx reader
/// writes the empty cell (`| 1 | ... | Công an tỉnh |  | Khi có yêu cầu |`) and the text reader
/// keeps it in its column, so the deadline is not read as the coordinating agency.
#[test]
fn empty_cell_in_a_task_table_keeps_its_column() {
    let cell = |t: &str| format!(r#"<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"#);
    let row = |cells: &[&str]| {
        let cs: String = cells.iter().map(|c| cell(c)).collect();
        format!("<w:tr>{cs}</w:tr>")
    };
    let para = |t: &str| format!(r#"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>"#);
    let body = [
        para("Số: 9/KH-UBND"),
        para("Quảng Trị, ngày 2 tháng 6 năm 2026"),
        para("KẾ HOẠCH"),
        para("Triển khai thi hành Luật An ninh mạng"),
        para("I. MỤC ĐÍCH, YÊU CẦU"),
        para("Bảo đảm thi hành Luật."),
        para("II. NHIỆM VỤ"),
        format!(
            "<w:tbl>{}{}</w:tbl>",
            row(&[
                "STT",
                "Nội dung",
                "Cơ quan chủ trì",
                "Cơ quan phối hợp",
                "Thời gian hoàn thành"
            ]),
            row(&[
                "1",
                "Góp ý dự thảo văn bản",
                "Công an tỉnh",
                "",
                "Khi có yêu cầu"
            ]),
        ),
    ]
    .concat();
    let xml = format!(
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let docx = zip_of(&[("word/document.xml", xml.as_bytes())]);
    let doc = read_source(&docx, "t.docx", &SourceOptions::default()).unwrap();
    assert!(
        doc.text()
            .contains("| 1 | Góp ý dự thảo văn bản | Công an tỉnh |  | Khi có yêu cầu |"),
        "{}",
        doc.text()
    );
    let out = read_plan_bytes(&docx, Some("t.docx"), &ParseOptions::new("t")).unwrap();
    let schedule = out
        .plan
        .obligations
        .iter()
        .find(|o| o.title.contains("Góp ý"))
        .map(|o| serde_json::to_value(&o.schedule).unwrap());
    let schedule = schedule.expect("the table row is an obligation");
    assert_eq!(schedule["type"], "event_triggered", "{schedule}");
    let task = out
        .plan
        .obligations
        .iter()
        .find(|o| o.title.contains("Góp ý"))
        .expect("the table row is an obligation");
    let lead = serde_json::to_value(&task.lead).unwrap().to_string();
    assert!(lead.contains("Công an tỉnh"), "{lead}");
    assert!(task.coordinating.is_empty(), "{:?}", task.coordinating);
}
