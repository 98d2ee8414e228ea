//! The standard rule pack (`rules/standard/`), embedded so every binding ships the same rules.

use super::pack::{PackSource, RuleError, SourceFile};

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../rules/standard/", $name)))),*]
    };
}

const MANIFEST: &str = include_str!("../../../rules/standard/pack.json");

const RULES: &[(&str, &str)] = embed!(
    "status.rhai",
    "periodic-report.rhai",
    "staged.rhai",
    "evidence-obligation.rhai",
    "evidence-responsible.rhai",
    "evidence-stage-period.rhai",
    "evidence-received.rhai",
    "evidence-document-number.rhai",
    "evidence-lateness.rhai",
    "evidence-duplicate.rhai",
);

const TESTS: &[(&str, &str)] = embed!(
    "status.test.json",
    "periodic-report.test.json",
    "staged.test.json",
    "evidence-obligation.test.json",
    "evidence-responsible.test.json",
    "evidence-stage-period.test.json",
    "evidence-received.test.json",
    "evidence-document-number.test.json",
    "evidence-lateness.test.json",
    "evidence-duplicate.test.json",
);

fn files(list: &[(&str, &str)]) -> Vec<SourceFile> {
    list.iter()
        .map(|(name, text)| SourceFile {
            name: (*name).to_string(),
            text: (*text).to_string(),
        })
        .collect()
}

/// Sources of the standard pack.
pub fn source() -> Result<PackSource, RuleError> {
    let manifest = serde_json::from_str(MANIFEST).map_err(|e| RuleError::Manifest {
        file: "rules/standard/pack.json".into(),
        message: e.to_string(),
    })?;
    Ok(PackSource {
        manifest,
        rules: files(RULES),
        tests: files(TESTS),
    })
}
