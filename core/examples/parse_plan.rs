//! Prints the JSON of a plan file: `cargo run -p tuanthu --example parse_plan -- PLAN.txt`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not library code: fail loudly
use tuanthu::ingest::{parse_plan, ParseOptions};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_plan PLAN.txt");
        std::process::exit(2);
    };
    let text = match std::fs::read(&path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let out = parse_plan(&text, &ParseOptions::for_file(path));
    match serde_json::to_string_pretty(&out.plan) {
        Ok(j) => println!("{j}"),
        Err(e) => eprintln!("{e}"),
    }
}
