//! Times reading a plan document: `cargo run --release --example read_document -- [FILE] [N]`.
//! Without FILE (or with `-`), the 1 MB .docx of the parse benchmark. Prints the time per text extraction and
//! per whole read (extraction and the text reader); `perf stat` around it gives the CPU time.
//! `EXTRACT_ONLY=1` times the extraction alone.

#[path = "../benches/support/mod.rs"]
mod support;

use std::time::Instant;

use tuanthu::ingest::source::{read_source, SourceOptions};
use tuanthu::ingest::{read_plan_bytes, ParseOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (bytes, name) = match args.next() {
        Some(f) if f != "-" => (std::fs::read(&f)?, f),
        Some(_) | None => (support::big_docx(1024 * 1024), "bench-1mb.docx".to_string()),
    };
    let n: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(20);
    let source = SourceOptions::default();
    let options = ParseOptions::new("p");
    let start = Instant::now();
    let mut text_len = 0;
    for _ in 0..n {
        text_len = read_source(&bytes, &name, &source)?.text().len();
    }
    let extract = start.elapsed() / n;
    if std::env::var_os("EXTRACT_ONLY").is_some() {
        eprintln!(
            "{name}: {} KB -> {} KB text; extraction {extract:?} (mean of {n})",
            bytes.len() / 1024,
            text_len / 1024
        );
        return Ok(());
    }
    let start = Instant::now();
    let mut obligations = 0;
    let mut warnings = std::collections::BTreeMap::<String, usize>::new();
    for _ in 0..n {
        let plan = read_plan_bytes(&bytes, Some(&name), &options)?.plan;
        obligations = plan.obligations.len();
        warnings.clear();
        for w in plan.warnings {
            *warnings.entry(w.code).or_default() += 1;
        }
    }
    let whole = start.elapsed() / n;
    eprintln!("warnings by code: {warnings:?}");
    // The text reader alone on a plain-text plan of the same size, for comparison.
    let text = support::big_plan(text_len);
    let start = Instant::now();
    for _ in 0..n {
        tuanthu::ingest::parse_plan(&text, &options);
    }
    eprintln!(
        "parse_plan on {} KB of plain text: {:?} (mean of {n})",
        text.len() / 1024,
        start.elapsed() / n
    );
    eprintln!(
        "{name}: {} KB -> {} KB text, {obligations} obligations; extraction {extract:?}, whole read {whole:?} (mean of {n})",
        bytes.len() / 1024,
        text_len / 1024
    );
    Ok(())
}
