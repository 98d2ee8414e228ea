//! The audit hashes: the same definitions as the core's report provenance (a plan's hash is
//! sha256 of its canonical JSON; a pack's is `tuanthu::rules::content_sha256`), tested equal
//! below.

use std::sync::Arc;

use sha2::{Digest, Sha256};
use tuanthu::api::to_canonical_json;
use tuanthu::eval::EvaluationRequest;
use tuanthu::model::{Plan, Submission};
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

/// The line that opens the submissions in a request's canonical JSON (serde_json's pretty
/// printing, two spaces an indent, fields in declaration order) when there are none. Unique: a
/// key at the top level is the only line with exactly two spaces before a quote, and a string
/// holds no raw newline.
const EMPTY_SUBMISSIONS: &str = "\n  \"submissions\": []";

/// sha256 of an evaluation request's canonical JSON (`tuanthu::api::to_canonical_json`), written
/// as the submissions arrive: the state after the text before the submissions and the
/// submissions so far is kept, so a request that only appends submissions to an earlier one is
/// hashed by writing the added ones and the fixed text after them. The result is the whole
/// request's hash, byte for byte the same definition (tested against it below), so an audit
/// record still names its request exactly.
///
/// The canonical JSON of a request with submissions `s₁ … sₙ` is `HEAD [ \n    s₁ ,\n    s₂ …
/// \n  ] REST` (each `sᵢ` pretty-printed on its own and indented two levels deeper, which is what
/// serde_json writes inside the array), and `HEAD [] REST` when there are none; HEAD and REST
/// are cut from the request's JSON with no submissions.
#[derive(Clone)]
pub struct RequestHasher {
    state: Sha256,
    rest: Arc<str>,
    count: usize,
    buf: Vec<u8>,
}

impl std::fmt::Debug for RequestHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestHasher")
            .field("count", &self.count)
            .finish_non_exhaustive()
    }
}

impl RequestHasher {
    /// A hasher for requests like `req` (its submissions ignored), with no submissions yet.
    /// `None` if the JSON does not have the expected shape (then hash the whole request).
    pub fn new(req: &EvaluationRequest) -> Option<Self> {
        let empty = EvaluationRequest {
            submissions: Vec::new(),
            ..req.clone()
        };
        Self::from_empty_json(&to_canonical_json(&empty))
    }

    fn from_empty_json(json: &str) -> Option<Self> {
        let at = json.find(EMPTY_SUBMISSIONS)?;
        if json[at + 1..].contains(EMPTY_SUBMISSIONS) {
            return None;
        }
        let head_end = at + EMPTY_SUBMISSIONS.len() - 2;
        let mut state = Sha256::new();
        state.update(&json.as_bytes()[..head_end]);
        state.update(b"[");
        Some(RequestHasher {
            state,
            rest: Arc::from(&json[head_end + 2..]),
            count: 0,
            buf: Vec::new(),
        })
    }

    /// How many submissions were written.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Writes `added` after the submissions written so far.
    pub fn extend<'a>(&mut self, added: impl IntoIterator<Item = &'a Submission>) {
        for s in added {
            self.buf.clear();
            // A Submission serialises infallibly (string keys, no floats); if it ever failed,
            // the hash would differ from the whole request's, which the re-run checks.
            let _ = serde_json::to_writer_pretty(&mut self.buf, s);
            self.state
                .update(if self.count == 0 { "\n    " } else { ",\n    " });
            for (k, line) in self.buf.split(|&b| b == b'\n').enumerate() {
                if k > 0 {
                    self.state.update(b"\n    ");
                }
                self.state.update(line);
            }
            self.count += 1;
        }
    }

    /// The hex sha256 of the request with the submissions written so far.
    pub fn finish(&self) -> String {
        let mut state = self.state.clone();
        state.update(if self.count == 0 { "]" } else { "\n  ]" });
        state.update(self.rest.as_bytes());
        hex(&state.finalize())
    }
}

/// The hex sha256 of `req`'s canonical JSON: the audit's name of a request.
pub fn request_hash(req: &EvaluationRequest) -> String {
    sha256_hex(to_canonical_json(req).as_bytes())
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

    fn request(subs: usize) -> EvaluationRequest {
        let mut req = tuanthu::unstable::synth::province(
            3,
            tuanthu::unstable::synth::Shape {
                agencies: 12,
                obligations: 3,
                years: 1,
                evidence_percent: 90,
            },
        );
        req.submissions.truncate(subs);
        req
    }

    #[test]
    fn kept_request_hash_is_the_whole_requests() {
        let full = request(usize::MAX);
        assert!(full.submissions.len() > 20, "enough submissions to split");
        // Document numbers that JSON escapes: quotes, a backslash, a newline, Vietnamese.
        let mut subs = full.submissions.clone();
        subs[1].document_number = Some("12/\"BC\"\\UBND\nSở Tư pháp".into());
        subs[2].document_number = None;
        let hasher = RequestHasher::new(&full).unwrap();
        for n in [0, 1, 2, 3, 7, subs.len()] {
            for split in [0, n / 2, n] {
                let mut h = hasher.clone();
                h.extend(&subs[..split]);
                let kept = h.clone();
                h.extend(&subs[split..n]);
                let req = EvaluationRequest {
                    submissions: subs[..n].to_vec(),
                    ..full.clone()
                };
                assert_eq!(
                    h.finish(),
                    request_hash(&req),
                    "{n} submissions, split {split}"
                );
                assert_eq!(h.count(), n);
                // The kept state is unchanged by the extension of its clone.
                assert_eq!(kept.count(), split);
            }
        }
        // What is written after the submissions (here the as-of day) is in the hash too.
        let mut other = full.clone();
        other.as_of = other.as_of.succ_opt().unwrap();
        let mut h = RequestHasher::new(&other).unwrap();
        h.extend(&other.submissions);
        assert_eq!(h.finish(), request_hash(&other));
        assert_ne!(h.finish(), request_hash(&full));
    }

    #[test]
    fn a_changed_submission_changes_the_request_hash() {
        let req = request(10);
        let mut h = RequestHasher::new(&req).unwrap();
        h.extend(&req.submissions);
        let mut changed = req.submissions.clone();
        changed[4].received = changed[4].received.succ_opt().unwrap();
        let mut h2 = RequestHasher::new(&req).unwrap();
        h2.extend(&changed);
        assert_ne!(h.finish(), h2.finish());
        // So does one more, one fewer, or the same ones in another order.
        let mut h3 = RequestHasher::new(&req).unwrap();
        h3.extend(&req.submissions[..9]);
        assert_ne!(h.finish(), h3.finish());
        let mut swapped = req.submissions.clone();
        swapped.swap(0, 1);
        let mut h4 = RequestHasher::new(&req).unwrap();
        h4.extend(&swapped);
        assert_ne!(h.finish(), h4.finish());
    }
}
