//! The audit hashes: the same definitions as the core's report provenance (a plan's hash is
//! sha256 of its canonical JSON; a pack's is `tuanthu::rules::content_sha256`), tested equal
//! below.

use sha2::{Digest, Sha256};
use tuanthu::api::to_canonical_json;
use tuanthu::model::Plan;
use tuanthu::rules::RulePack;

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of a digest.
pub fn hex(digest: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 * digest.len());
    for b in digest {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// The plan's hash as the core's report provenance gives it (sha256 of its canonical JSON).
pub fn plan_hash(plan: &Plan) -> String {
    sha256_hex(to_canonical_json(plan).as_bytes())
}

/// The pack's content hash as the core's report provenance gives it
/// (`tuanthu::rules::content_sha256`), so an audit row and the report it records name the same
/// pack.
pub fn pack_hash(pack: &RulePack) -> String {
    tuanthu::rules::content_sha256(pack.source())
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

    #[test]
    fn audit_hashes_are_the_report_provenance() {
        let evaluator = tuanthu::eval::Evaluator::new(RulePack::standard().unwrap());
        let plan: Plan = serde_json::from_str(
            r#"{"id":"p","title":"Kế hoạch","obligations":[{"id":"1","title":"t","lead":[{"kind":"agency","name":"Sở A"}],
            "schedule":{"type":"once","deadline":{"date":"2026-04-20","bound":"before"}}}]}"#,
        )
        .unwrap();
        let provenance = evaluator.provenance(&plan);
        assert_eq!(plan_hash(&plan), provenance.plan_sha256);
        assert_eq!(pack_hash(evaluator.pack()), provenance.rule_pack.sha256);
    }
}
