//! Arbitrary rule source, compiled into a one-rule pack with small sandbox limits and run over a
//! plan with submissions (instance and submission rules) and a form: a compile error, a report or
//! an error finding, never a panic or a hang (libFuzzer's `-timeout` catches a hang).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tuanthu::eval::{EvaluationRequest, Evaluator, FormRequest};
use tuanthu::rules::{Limits, PackManifest, PackSource, RulePack, SourceFile};

/// A request of the shared vectors with submissions from responsible, coordinating and unknown
/// agencies, so every kind of rule has something to look at.
const VECTOR: &str = include_str!("../../../tests/vectors/10-evidence-problems.json");
const FORM_VECTOR: &str = include_str!("../../../tests/vectors/form-04-valid.json");

fn request_of<T: serde::de::DeserializeOwned>(vector: &str, key: &str) -> T {
    let value: serde_json::Value = match serde_json::from_str(vector) {
        Ok(v) => v,
        Err(e) => panic!("vector is not JSON: {e}"),
    };
    match serde_json::from_value(value[key].clone()) {
        Ok(r) => r,
        Err(e) => panic!("vector request does not match the contract: {e}"),
    }
}

fn requests() -> &'static (EvaluationRequest, FormRequest) {
    static REQUESTS: OnceLock<(EvaluationRequest, FormRequest)> = OnceLock::new();
    REQUESTS.get_or_init(|| {
        (
            request_of(VECTOR, "request"),
            request_of(FORM_VECTOR, "form_request"),
        )
    })
}

/// Small limits: the fuzzer looks for crashes and unbounded work, not for big legitimate rules.
fn limits() -> Limits {
    Limits {
        max_operations: 20_000,
        max_call_levels: 16,
        max_expr_depth: 32,
        max_fn_expr_depth: 16,
        max_string_size: 4 * 1024,
        max_array_size: 512,
        max_map_size: 64,
        ..Limits::default()
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let source = PackSource {
        manifest: PackManifest {
            name: "fuzz".into(),
            ..PackManifest::default()
        },
        rules: vec![SourceFile {
            name: "fuzz.rhai".into(),
            text: text.into_owned(),
        }],
        tests: Vec::new(),
    };
    let Ok(pack) = RulePack::compile(source, limits()) else {
        return;
    };
    let evaluator = Evaluator::new(pack);
    let (request, form) = requests();
    // A rule's failure is an error finding; an `Err` here is about the request, which is valid.
    if let Err(e) = evaluator.evaluate(request) {
        panic!("a valid request failed because of a rule: {e}");
    }
    if let Err(e) = evaluator.validate_form(form) {
        panic!("a valid form request failed because of a rule: {e}");
    }
});
