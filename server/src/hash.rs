//! The audit hashes. Same definitions as the core's report provenance (being added there):
//! a plan's hash is sha256 of its canonical JSON; a rule pack's is sha256 over its files in a
//! stable order. Computed here until the core exposes them.

use sha2::{Digest, Sha256};
use tuanthu::api::to_canonical_json;
use tuanthu::model::Plan;
use tuanthu::rules::RulePack;

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// sha256 of the plan's canonical JSON (`tuanthu::api::to_canonical_json`).
pub fn plan_hash(plan: &Plan) -> String {
    sha256_hex(to_canonical_json(plan).as_bytes())
}

/// sha256 over the pack's files sorted by name: `pack.json` (the manifest as canonical JSON),
/// every rule file and every test file, each as `name NUL text NUL`.
pub fn pack_hash(pack: &RulePack) -> String {
    let source = pack.source();
    let mut files: Vec<(String, String)> =
        vec![("pack.json".to_string(), to_canonical_json(&source.manifest))];
    for f in source.rules.iter().chain(&source.tests) {
        files.push((f.name.clone(), f.text.clone()));
    }
    files.sort();
    let mut h = Sha256::new();
    for (name, text) in &files {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(text.as_bytes());
        h.update([0]);
    }
    let mut s = String::with_capacity(64);
    for b in h.finalize() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn pack_hash_changes_with_a_rule() {
        let pack = RulePack::standard().unwrap();
        let a = pack_hash(&pack);
        assert_eq!(a, pack_hash(&RulePack::standard().unwrap()));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/standard");
        let text = std::fs::read_to_string(dir.join("evidence-duplicate.rhai")).unwrap();
        // The same rule with one more comment line: a different pack content.
        let changed = pack
            .with_rule("evidence-duplicate.rhai", &format!("{text}// edited\n"))
            .unwrap();
        assert_ne!(a, pack_hash(&changed));
    }
}
