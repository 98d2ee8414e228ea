//! The .docx reader on arbitrary Word XML: the input is split at its first NUL byte into
//! `word/document.xml` and `word/numbering.xml`, packed as a real zip, and read through the same
//! entry point as a file. It must return a plan or a `SourceError`, never panic; the zip layer
//! itself (corrupt archives, bombs) is covered by the unit tests of the source layer.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use tuanthu::ingest::{read_plan_bytes, ParseOptions};
use zip::write::SimpleFileOptions;

fn docx(document: &[u8], numbering: &[u8]) -> Option<Vec<u8>> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default();
    z.start_file("word/document.xml", opts).ok()?;
    z.write_all(document).ok()?;
    if !numbering.is_empty() {
        z.start_file("word/numbering.xml", opts).ok()?;
        z.write_all(numbering).ok()?;
    }
    Some(z.finish().ok()?.into_inner())
}

fuzz_target!(|data: &[u8]| {
    let (document, numbering) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Some(bytes) = docx(document, numbering) else {
        return;
    };
    if let Ok(outcome) = read_plan_bytes(&bytes, Some("fuzz.docx"), &ParseOptions::new("fuzz")) {
        let json = tuanthu::api::to_canonical_json(&outcome.plan);
        assert!(
            !json.starts_with("{\"error\""),
            "plan did not serialise: {json}"
        );
    }
});
