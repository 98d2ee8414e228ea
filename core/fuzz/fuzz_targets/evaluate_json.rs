//! The JSON entry points every binding wraps (`evaluate_json`, `validate_form_json`) with the
//! standard rule pack: any text is a report or an `ApiError`, never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tuanthu::api::{evaluate_json, validate_form_json};
use tuanthu::eval::Evaluator;

fn evaluator() -> &'static Evaluator {
    static EVALUATOR: OnceLock<Evaluator> = OnceLock::new();
    EVALUATOR.get_or_init(|| match Evaluator::standard() {
        Ok(e) => e,
        Err(e) => panic!("the standard pack does not compile: {e}"),
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // A request that is neither is an input error from both: fine. A report must be JSON.
    if let Ok(report) = evaluate_json(evaluator(), &text) {
        assert!(serde_json::from_str::<serde_json::Value>(&report).is_ok());
    }
    if let Ok(findings) = validate_form_json(evaluator(), &text) {
        assert!(serde_json::from_str::<serde_json::Value>(&findings).is_ok());
    }
});
