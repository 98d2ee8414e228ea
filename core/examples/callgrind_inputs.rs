//! The two inputs of the parse benchmark, read N times inside one function, for instruction
//! counts that do not depend on machine load:
//! `valgrind --tool=callgrind --toggle-collect='*run_reads*' target/release/examples/callgrind_inputs text|docx|extract [N]`
//! (`extract`: the .docx input's text extraction alone, without the text reader).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not library code: fail loudly

#[path = "../benches/support/mod.rs"]
mod support;

use tuanthu::ingest::source::{read_source, SourceOptions};
use tuanthu::ingest::{parse_plan, read_plan_bytes, ParseOptions};

enum Input {
    Text(String),
    Docx(Vec<u8>),
    Extract(Vec<u8>),
}

/// The measured part: only this function is counted by `--toggle-collect`.
#[inline(never)]
fn run_reads(input: &Input, n: u32) -> usize {
    let options = ParseOptions::new("bench");
    let mut obligations = 0;
    for _ in 0..n {
        obligations = match input {
            Input::Text(t) => parse_plan(t, &options).plan.obligations.len(),
            Input::Docx(d) => read_plan_bytes(d, Some("bench.docx"), &options)
                .map(|o| o.plan.obligations.len())
                .unwrap_or(0),
            // Extraction alone: its line count stands in for the obligations.
            Input::Extract(d) => read_source(d, "bench.docx", &SourceOptions::default())
                .map(|t| t.lines.len())
                .unwrap_or(0),
        };
    }
    obligations
}

fn main() {
    let mut args = std::env::args().skip(1);
    let input = match args.next().as_deref() {
        Some("docx") => Input::Docx(support::big_docx(1024 * 1024)),
        Some("extract") => Input::Extract(support::big_docx(1024 * 1024)),
        _ => Input::Text(support::big_plan(100 * 1024)),
    };
    let n: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let obligations = run_reads(&input, n);
    assert!(
        obligations > 100,
        "only {obligations} obligations (or lines)"
    );
    eprintln!("{obligations} obligations (extract: lines)");
}
