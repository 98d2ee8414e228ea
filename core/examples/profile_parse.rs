//! Parses a large plan many times (for profiling): `cargo run --release --example profile_parse`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not library code: fail loudly
use tuanthu::ingest::{parse_plan, ParseOptions};

fn main() {
    let vl = include_str!("../tests/data/plans/vinh-long-144-KH-UBND.txt");
    let ct = include_str!("../tests/data/plans/can-tho-qd-kh.txt");
    let a = vl.find("II. NỘI DUNG").unwrap_or(0);
    let b = vl.find("III. KINH PHÍ").unwrap_or(vl.len());
    let c = ct.find("II. NỘI DUNG").unwrap_or(0);
    let d = ct.find("III. KINH PHÍ").unwrap_or(ct.len());
    let mut text = vl[..b].to_string();
    while text.len() < 100 * 1024 {
        text.push_str(&vl[a + 20..b]);
        text.push_str(&ct[c + 12..d]);
    }
    text.push_str(&vl[b..]);
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let start = std::time::Instant::now();
    let mut obligations = 0;
    for _ in 0..n {
        obligations = parse_plan(&text, &ParseOptions::new("p"))
            .plan
            .obligations
            .len();
    }
    eprintln!(
        "{} KB, {obligations} obligations: {:?} per parse",
        text.len() / 1024,
        start.elapsed() / n as u32
    );
}
