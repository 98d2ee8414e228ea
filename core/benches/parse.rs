//! Parse a ~100 KB plan built from the task blocks of the three real plans, renumbered; read a
//! 1 MB .docx of the same kind (Word numbering, run formatting) built here.
//!
//! `cargo bench -p tuanthu --bench parse -- --warm-up-time 1 --measurement-time 3`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not library code: fail loudly

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tuanthu::ingest::source::{read_source, SourceOptions};
use tuanthu::ingest::{parse_plan, read_plan_bytes, ParseOptions};

mod support;

use support::{big_docx, big_plan, PLANS};

fn bench_docx(c: &mut Criterion) {
    let docx = big_docx(1024 * 1024);
    let opts = ParseOptions::new("bench");
    let source = SourceOptions::default();
    let text_len = read_source(&docx, "bench.docx", &source)
        .map(|d| d.text().len())
        .unwrap_or(0);
    let n = read_plan_bytes(&docx, Some("bench.docx"), &opts)
        .map(|o| o.plan.obligations.len())
        .unwrap_or(0);
    assert!(n > 100, "only {n} obligations from the .docx");
    let mut g = c.benchmark_group("docx");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(docx.len() as u64));
    g.bench_function(
        format!(
            "{} KB .docx -> {} KB text",
            docx.len() / 1024,
            text_len / 1024
        ),
        |b| b.iter(|| read_source(black_box(&docx), "bench.docx", &source)),
    );
    g.bench_function(
        format!("{} KB .docx -> plan, {n} obligations", docx.len() / 1024),
        |b| b.iter(|| read_plan_bytes(black_box(&docx), Some("bench.docx"), black_box(&opts))),
    );
    g.finish();
}

fn bench(c: &mut Criterion) {
    let text = big_plan(100 * 1024);
    let opts = ParseOptions::new("bench");
    let n = parse_plan(&text, &opts).plan.obligations.len();
    assert!(n > 100, "only {n} obligations");
    let mut g = c.benchmark_group("parse_plan");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function(format!("{} KB, {n} obligations", text.len() / 1024), |b| {
        b.iter(|| parse_plan(black_box(&text), black_box(&opts)))
    });
    g.finish();
    let real = PLANS[0];
    c.bench_function("parse_plan vinh-long (11 KB)", |b| {
        b.iter(|| parse_plan(black_box(real), black_box(&opts)))
    });
}

criterion_group!(benches, bench, bench_docx);
criterion_main!(benches);
