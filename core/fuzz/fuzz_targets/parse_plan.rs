//! The plan reader on arbitrary bytes: it promises never to fail and never to panic, and its
//! output must serialise (the CLI prints it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tuanthu::ingest::{parse_plan, ParseOptions};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let outcome = parse_plan(&text, &ParseOptions::new("fuzz"));
    let json = tuanthu::api::to_canonical_json(&outcome.plan);
    // The canonical form never reports its own failure: that would be a silent loss.
    assert!(
        !json.starts_with("{\"error\""),
        "plan did not serialise: {json}"
    );
});
