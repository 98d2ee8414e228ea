//! The plan's content hash: SHA-256 of exactly the bytes [`crate::api::to_canonical_json`]
//! writes (serde_json's pretty output and a final newline), hashed as they are written.

use std::io::{BufWriter, Write};

use sha2::{Digest, Sha256};

use crate::model::Plan;

/// The buffer between serde_json and the hash. serde_json writes a plan in pieces of a few
/// bytes (a key, a quote, an indent); they are gathered and hashed a run at a time.
const RUN: usize = 64 * 1024;

/// Bytes written go straight into the hash.
struct Hashing(Sha256);

impl Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// SHA-256 (lower-case hex) of the plan's canonical JSON, without building that string: a plan
/// with one obligation per row is megabytes of JSON, and building the string only to hash it
/// cost as much as hashing.
pub(crate) fn canonical_sha256(plan: &Plan) -> String {
    let mut out = BufWriter::with_capacity(RUN, Hashing(Sha256::new()));
    // `to_canonical_json` ends the text with a newline.
    let written = serde_json::to_writer_pretty(&mut out, plan)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"));
    match (written, out.into_inner()) {
        (Ok(()), Ok(Hashing(h))) => crate::rules::lower_hex(&h.finalize()),
        // Not reached (our types serialise infallibly): hash what `to_canonical_json` writes then.
        _ => crate::rules::sha256_hex(crate::api::to_canonical_json(plan).as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::unstable::synth::{province, Shape};

    fn reference(plan: &Plan) -> String {
        crate::rules::sha256_hex(crate::api::to_canonical_json(plan).as_bytes())
    }

    #[test]
    fn the_hash_is_the_hash_of_the_canonical_json() {
        for seed in [3, 4] {
            let plan = province(seed, Shape::default()).plan;
            assert_eq!(canonical_sha256(&plan), reference(&plan));
        }
    }

    #[test]
    fn plans_longer_than_several_runs_hash_the_same_bytes() {
        // Enough obligations that the JSON spans several runs, with a run boundary anywhere.
        let shape = Shape {
            agencies: 3,
            obligations: 700,
            years: 1,
            evidence_percent: 50,
        };
        let plan = province(9, shape).plan;
        let json = crate::api::to_canonical_json(&plan);
        assert!(json.len() > 3 * RUN, "{} bytes", json.len());
        assert_eq!(canonical_sha256(&plan), reference(&plan));
        // A different plan, a different hash (the hash reads the obligations).
        let mut fewer = plan.clone();
        fewer.obligations.pop();
        assert_ne!(canonical_sha256(&fewer), canonical_sha256(&plan));
    }

    #[test]
    fn bytes_written_in_pieces_hash_as_one_string() {
        // Every piece size, across buffer boundaries: the writer keeps the bytes in order.
        let text: Vec<u8> = (0..(3 * RUN + 17)).map(|i| (i * 31 % 251) as u8).collect();
        for piece in [1, 7, 4096, RUN - 1, RUN, RUN + 1] {
            let mut out = BufWriter::with_capacity(RUN, Hashing(Sha256::new()));
            for chunk in text.chunks(piece) {
                out.write_all(chunk).unwrap();
            }
            let Ok(Hashing(h)) = out.into_inner() else {
                panic!("flushing into the hash failed");
            };
            let got = crate::rules::lower_hex(&h.finalize());
            assert_eq!(got, crate::rules::sha256_hex(&text), "pieces of {piece}");
        }
    }
}
