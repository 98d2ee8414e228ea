//! Performance targets: with the full standard pack, ≤ 1 µs per instance on both workload shapes:
//! a synthetic province (150 agencies × 12 obligations × 5 years, mixed schedules, 80% evidence)
//! and the peer engines' one-obligation-per-row shape (100,000 rows, `peers/mod.rs`); 34
//! provinces (national scale) ≤ 0.3 s on 2 cores; rule-pack compile ≤ 20 ms; no fixed cost per
//! call beyond tens of microseconds (`tiny_plan`).
//!
//! `cargo bench -p tuanthu --bench evaluate` — per-instance time = 1 / the reported throughput.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not library code: fail loudly

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tuanthu::eval::{EvaluationRequest, Evaluator};
use tuanthu::rules::{Limits, PackSource, RulePack};
use tuanthu::unstable::synth::{province, Shape};

mod peers;

fn instances(evaluator: &Evaluator, reqs: &[EvaluationRequest]) -> u64 {
    reqs.iter()
        .map(|r| {
            evaluator
                .evaluate(r)
                .map(|rep| rep.assessments.len() as u64)
                .unwrap_or(0)
        })
        .sum()
}

fn benches(c: &mut Criterion) {
    c.bench_function("rule_pack_compile/standard", |b| {
        b.iter(|| black_box(RulePack::standard().expect("compiles")))
    });

    let evaluator = Evaluator::standard().expect("standard pack");
    // Every evaluation on the calling thread (blocks one after another), as by default; and
    // the blocks on every core.
    let serial = evaluator.clone().with_threads(1);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parallel = evaluator.clone().with_threads(cores);

    // The fixed cost of one call: the peers workload at 10 rows (two requests of a few
    // obligations each). A host evaluating many small plans pays this per call; it must stay
    // tens of microseconds (set-up lives in the `Evaluator`).
    let tiny = peers::requests(&peers::rows(10, 42));
    let n = instances(&evaluator, &tiny);
    let mut g = c.benchmark_group("tiny_plan");
    g.throughput(Throughput::Elements(n));
    g.bench_function(
        format!("evaluate_{}_calls_{n}_instances", tiny.len()),
        |b| {
            b.iter(|| {
                for r in &tiny {
                    black_box(evaluator.evaluate(r).expect("evaluates"));
                }
            })
        },
    );
    g.finish();

    let one = vec![province(1, Shape::default())];
    let n = instances(&evaluator, &one);
    let mut g = c.benchmark_group("province");
    g.throughput(Throughput::Elements(n));
    g.sample_size(20);
    g.bench_function(format!("evaluate_{n}_instances"), |b| {
        b.iter(|| black_box(evaluator.evaluate(&one[0]).expect("evaluates")))
    });
    g.bench_function(format!("evaluate_{n}_instances_{cores}_threads"), |b| {
        b.iter(|| black_box(parallel.evaluate(&one[0]).expect("evaluates")))
    });
    // The same work with an empty rule pack: expansion, matching, due dates, explanations.
    // The difference with the line above is what all the rules cost.
    let bare = Evaluator::new(
        RulePack::compile(PackSource::default(), Limits::default()).expect("empty pack"),
    );
    g.bench_function(format!("evaluate_{n}_instances_without_rules"), |b| {
        b.iter(|| black_box(bare.evaluate(&one[0]).expect("evaluates")))
    });
    g.finish();

    let nation: Vec<EvaluationRequest> = (1..=34).map(|i| province(i, Shape::default())).collect();
    let total = instances(&evaluator, &nation);
    let mut g = c.benchmark_group("national_34_provinces");
    g.throughput(Throughput::Elements(total));
    g.sample_size(10);
    g.bench_function(format!("one_thread_{total}_instances"), |b| {
        b.iter(|| {
            for r in &nation {
                black_box(serial.evaluate(r).expect("evaluates"));
            }
        })
    });
    // One province after another, each one's blocks on the machine's cores.
    g.bench_function(format!("blocks_in_parallel_{total}_instances"), |b| {
        b.iter(|| {
            for r in &nation {
                black_box(parallel.evaluate(r).expect("evaluates"));
            }
        })
    });
    // The evaluator is Send + Sync: provinces split across two threads with no shared state,
    // each evaluation on its own thread.
    g.bench_function(format!("two_threads_{total}_instances"), |b| {
        b.iter(|| {
            let (left, right) = nation.split_at(nation.len() / 2);
            std::thread::scope(|s| {
                for half in [left, right] {
                    let ev = &serial;
                    s.spawn(move || {
                        for r in half {
                            black_box(ev.evaluate(r).expect("evaluates"));
                        }
                    });
                }
            });
        })
    });
    g.finish();

    // Last, and its 100,000 rows and requests dropped at the end of this block: kept alive
    // beside the groups above, they fragment the calling thread's heap (glibc's main arena),
    // and an evaluation whose many small allocations land in the holes between them ran about
    // twice as slow with the same instructions (docs/performance.md, "National on one thread:
    // why it cost more than 34 provinces").
    {
        // One obligation per row, as the peer engines' benchmark: every instance carries its own
        // obligation, deadline and explanation, so per-obligation work is per-instance work here.
        let rows = peers::rows(100_000, 42);
        let reqs = peers::requests(&rows);
        let n = instances(&evaluator, &reqs);
        assert_eq!(n, rows.len() as u64, "one instance per row");
        let mut g = c.benchmark_group("peers_one_obligation_per_row");
        g.throughput(Throughput::Elements(n));
        g.sample_size(10);
        g.bench_function(format!("evaluate_{n}_instances"), |b| {
            b.iter(|| {
                for r in &reqs {
                    black_box(evaluator.evaluate(r).expect("evaluates"));
                }
            })
        });
        g.bench_function(format!("evaluate_{n}_instances_without_rules"), |b| {
            b.iter(|| {
                for r in &reqs {
                    black_box(bare.evaluate(r).expect("evaluates"));
                }
            })
        });
        g.finish();
    }
}

criterion_group!(evaluate, benches);
criterion_main!(evaluate);
