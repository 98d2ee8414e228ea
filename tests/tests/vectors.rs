//! Every shared vector: the hand-written expectations hold, and the output equals the golden
//! `.out.json` byte for byte (`UPDATE_VECTORS=1` rewrites the goldens after a reviewed change).

use tuanthu::eval::Evaluator;
use tuanthu_tests::{check_expect, out_path, run, vector_files};

#[test]
fn shared_vectors() {
    let evaluator = Evaluator::standard().expect("standard pack");
    let files = vector_files();
    assert!(files.len() >= 19, "vectors missing: {files:?}");
    let update = std::env::var_os("UPDATE_VECTORS").is_some();
    let mut problems = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let vector: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("readable"))
                .expect("vector is JSON");
        let output = match run(&evaluator, &vector) {
            Ok(o) => o,
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                continue;
            }
        };
        problems.extend(
            check_expect(&vector, &output)
                .into_iter()
                .map(|p| format!("{name}: {p}")),
        );
        let golden = out_path(path);
        if update {
            std::fs::write(&golden, &output).expect("write golden");
        } else {
            match std::fs::read_to_string(&golden) {
                Ok(g) if g == output => {}
                Ok(_) => problems.push(format!("{name}: output differs from {}", golden.display())),
                Err(_) => problems.push(format!(
                    "{name}: missing {} (run with UPDATE_VECTORS=1)",
                    golden.display()
                )),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn evaluation_is_deterministic() {
    let evaluator = Evaluator::standard().unwrap();
    for path in vector_files() {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            run(&evaluator, &v),
            run(&evaluator, &v),
            "{}",
            path.display()
        );
    }
}
