//! The shared test vectors (`tests/vectors/`): loading, running and checking, for Rust's test.
//! Python and JS run the same files with the same rules (see `vectors/README.md`).

use std::path::{Path, PathBuf};

use serde_json::Value;
use tuanthu::api::to_canonical_json;
use tuanthu::eval::{EvaluationRequest, Evaluator, FormRequest};

/// Every vector file, sorted.
pub fn vector_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| {
        p.extension().is_some_and(|e| e == "json") && !p.to_string_lossy().ends_with(".out.json")
    });
    files.sort();
    files
}

/// The golden output file next to a vector.
pub fn out_path(vector: &Path) -> PathBuf {
    vector.with_extension("out.json")
}

/// Runs a vector; returns the canonical output JSON.
pub fn run(evaluator: &Evaluator, vector: &Value) -> Result<String, String> {
    if let Some(req) = vector.get("request") {
        let req: EvaluationRequest =
            serde_json::from_value(req.clone()).map_err(|e| e.to_string())?;
        let report = evaluator.evaluate(&req).map_err(|e| e.to_string())?;
        Ok(to_canonical_json(&report))
    } else if let Some(req) = vector.get("form_request") {
        let req: FormRequest = serde_json::from_value(req.clone()).map_err(|e| e.to_string())?;
        let findings = evaluator.validate_form(&req).map_err(|e| e.to_string())?;
        Ok(to_canonical_json(&findings))
    } else {
        Err("a vector needs `request` or `form_request`".into())
    }
}

fn matches(actual: &Value, expected: &serde_json::Map<String, Value>, keys: &[&str]) -> bool {
    keys.iter().all(|k| match expected.get(*k) {
        None => true,
        Some(want) => actual.get(*k) == Some(want),
    })
}

/// Checks the hand-written `expect` of a vector against its output. Returns every mismatch.
pub fn check_expect(vector: &Value, output: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let Ok(out) = serde_json::from_str::<Value>(output) else {
        return vec!["output is not JSON".into()];
    };
    let expect = vector.get("expect").cloned().unwrap_or(Value::Null);
    let empty = Vec::new();
    if let Some(list) = expect.get("assessments").and_then(Value::as_array) {
        let actual = out
            .get("assessments")
            .and_then(Value::as_array)
            .unwrap_or(&empty);
        for want in list {
            let Some(w) = want.as_object() else { continue };
            let hits: Vec<&Value> = actual
                .iter()
                .filter(|a| matches(a, w, &["obligation", "agency", "period", "stage"]))
                .collect();
            let [a] = hits.as_slice() else {
                problems.push(format!("{} assessments match {want}", hits.len()));
                continue;
            };
            for key in ["status", "days_late", "days_remaining", "due_soon"] {
                if let Some(v) = w.get(key) {
                    if a.get(key) != Some(v) {
                        problems.push(format!("{want}: {key} is {:?}", a.get(key)));
                    }
                }
            }
            if let Some(v) = w.get("due_last_day") {
                let got = a.get("due").and_then(|d| d.get("last_day"));
                if got != Some(v) {
                    problems.push(format!("{want}: due.last_day is {got:?}"));
                }
            }
        }
    }
    if let Some(list) = expect.get("findings").and_then(Value::as_array) {
        // Form outputs are the findings array itself, and the expectation is exact; for reports
        // the expected findings must be present among others.
        let (actual, exact) = match out.as_array() {
            Some(arr) => (arr, true),
            None => (
                out.get("findings")
                    .and_then(Value::as_array)
                    .unwrap_or(&empty),
                false,
            ),
        };
        let keys = [
            "rule",
            "severity",
            "agency",
            "obligation",
            "field",
            "submission",
        ];
        for want in list {
            let Some(w) = want.as_object() else { continue };
            if !actual.iter().any(|f| matches(f, w, &keys)) {
                problems.push(format!("no finding matches {want}"));
            }
        }
        if exact && actual.len() != list.len() {
            problems.push(format!(
                "expected exactly {} finding(s), got {}: {output}",
                list.len(),
                actual.len()
            ));
        }
    }
    problems
}

/// The contract vectors (`vectors/contract/`): the shapes every binding returns besides reports.
pub fn contract_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("vectors")
        .join("contract")
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// One line of `errors.out.json` (a struct, so the keys keep this order as in Python and JS).
#[derive(serde::Serialize)]
struct ErrorCase {
    name: String,
    error: tuanthu::api::ErrorObject,
}

/// Every contract output as (file name, canonical JSON): `rules()` and `test()` of the standard
/// pack and of `pack.json`, and the error object of each case of `errors.json`.
pub fn contract_outputs() -> Result<Vec<(String, String)>, String> {
    use tuanthu::api::{rule_listing, test_report, ErrorObject};
    use tuanthu::rules::{Limits, PackSource, RulePack};

    let dir = contract_dir();
    let standard = RulePack::standard().map_err(|e| e.to_string())?;
    let source: PackSource =
        serde_json::from_value(read_json(&dir.join("pack.json"))?["pack"].clone())
            .map_err(|e| format!("pack.json: {e}"))?;
    let pack = RulePack::compile(source, Limits::default()).map_err(|e| e.to_string())?;
    let mut out = vec![
        (
            "rules-standard.out.json".to_string(),
            to_canonical_json(&rule_listing(&standard)),
        ),
        (
            "rules-pack.out.json".to_string(),
            to_canonical_json(&rule_listing(&pack)),
        ),
        (
            "test-report-standard.out.json".to_string(),
            to_canonical_json(&test_report(&standard)),
        ),
        (
            "test-report-pack.out.json".to_string(),
            to_canonical_json(&test_report(&pack)),
        ),
    ];
    let evaluator = Evaluator::new(standard);
    let errors = read_json(&dir.join("errors.json"))?;
    let mut objects = Vec::new();
    for case in errors["cases"].as_array().into_iter().flatten() {
        let name = case["name"].as_str().unwrap_or_default();
        let error: ErrorObject = match case["call"].as_str() {
            Some("evaluate_json") => {
                let text = case["input"]
                    .as_str()
                    .ok_or(format!("{name}: input is not text"))?;
                match tuanthu::api::evaluate_json(&evaluator, text) {
                    Err(e) => e.object(),
                    Ok(_) => return Err(format!("{name}: no error")),
                }
            }
            Some("pack") => {
                let source: PackSource = serde_json::from_value(case["input"].clone())
                    .map_err(|e| format!("{name}: {e}"))?;
                match RulePack::compile(source, Limits::default()) {
                    Err(e) => ErrorObject::from(&e),
                    Ok(_) => return Err(format!("{name}: no error")),
                }
            }
            Some("submissions") => {
                let rows = serde_json::to_string(&case["input"]).map_err(|e| e.to_string())?;
                match tuanthu::input::submissions_from_records("submissions", &rows) {
                    // Each binding names the argument its own way; the rest is the same bytes.
                    Err(e) => ErrorObject {
                        file: None,
                        ..ErrorObject::from(&e)
                    },
                    Ok(_) => return Err(format!("{name}: no error")),
                }
            }
            other => return Err(format!("{name}: unknown call {other:?}")),
        };
        objects.push(ErrorCase {
            name: name.to_string(),
            error,
        });
    }
    out.push(("errors.out.json".to_string(), to_canonical_json(&objects)));
    Ok(out)
}

/// Submission rows (objects keyed by column, as in a `submissions` case of `errors.json`) as CSV
/// text: the header is every key of any row, sorted; a missing key or `null` is an empty cell.
/// Python and JS build the same text from the same rows.
pub fn rows_as_csv(rows: &Value) -> Result<String, String> {
    let rows = rows.as_array().ok_or("rows: expected an array")?;
    let mut header = std::collections::BTreeSet::new();
    for row in rows {
        let row = row.as_object().ok_or("rows: expected objects")?;
        header.extend(row.keys().map(String::as_str));
    }
    let header: Vec<&str> = header.into_iter().collect();
    let cell = |v: Option<&Value>| -> Result<String, String> {
        let text = match v {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(other) => return Err(format!("rows: {other} has no CSV form")),
        };
        Ok(if text.contains([',', '"', '\n']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        })
    };
    let mut out = header.join(",") + "\n";
    for row in rows {
        let cells: Vec<String> = header
            .iter()
            .map(|k| cell(row.get(*k)))
            .collect::<Result<_, _>>()?;
        out += &(cells.join(",") + "\n");
    }
    Ok(out)
}

pub mod typegen;
