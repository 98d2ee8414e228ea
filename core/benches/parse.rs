//! Parse a ~100 KB plan built from the task blocks of the three real plans, renumbered.
//!
//! `cargo bench -p tuanthu --bench parse -- --warm-up-time 1 --measurement-time 3`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not library code: fail loudly

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tuanthu::ingest::{parse_plan, ParseOptions};

const PLANS: [&str; 3] = [
    include_str!("../tests/data/plans/vinh-long-144-KH-UBND.txt"),
    include_str!("../tests/data/plans/hung-yen-draft.txt"),
    include_str!("../tests/data/plans/can-tho-qd-kh.txt"),
];

/// Lines of section II of a plan (between the `II.` and `III.` headings).
fn tasks_of(plan: &str) -> Vec<&str> {
    let strip = |l: &str| l.trim_start_matches(['#', ' ', '*']).to_string();
    let lines: Vec<&str> = plan.lines().collect();
    let start = lines
        .iter()
        .position(|l| strip(l).starts_with("II."))
        .unwrap_or(0);
    let end = lines
        .iter()
        .position(|l| strip(l).starts_with("III."))
        .unwrap_or(lines.len());
    lines[start + 1..end].to_vec()
}

/// A plan of about `target` bytes: Vĩnh Long's header, task blocks of all three plans with items
/// renumbered, and Vĩnh Long's sections III and IV.
fn big_plan(target: usize) -> String {
    let vl = PLANS[0];
    let head_end = vl.find("II. NỘI DUNG THỰC HIỆN").unwrap_or(0);
    let tail_start = vl.find("III. KINH PHÍ").unwrap_or(vl.len());
    let mut out = String::from(&vl[..head_end]);
    out.push_str("II. NỘI DUNG THỰC HIỆN\n\n");
    let blocks: Vec<Vec<&str>> = PLANS.iter().map(|p| tasks_of(p)).collect();
    let mut n = 0;
    'fill: loop {
        for (k, b) in blocks.iter().enumerate() {
            for line in b {
                let t = line.trim_start_matches(['#', ' ', '*']);
                let digits = t.chars().take_while(char::is_ascii_digit).count();
                if digits > 0 && t[digits..].starts_with(". ") {
                    n += 1;
                    // Vary the wording a little from copy to copy.
                    let year = 2026 + (n % 3);
                    out.push_str(&format!(
                        "{n}. {} (đợt {year}, mẫu {k})\n",
                        &t[digits + 2..]
                    ));
                } else {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            if out.len() >= target {
                break 'fill;
            }
        }
    }
    out.push('\n');
    out.push_str(&vl[tail_start..]);
    out
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

criterion_group!(benches, bench);
criterion_main!(benches);
