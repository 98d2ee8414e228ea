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

/// A newline and the deepest indent written in one piece; deeper levels add pieces of it.
const NEWLINE_INDENT: &[u8; 129] = &{
    let mut b = [b' '; 129];
    b[0] = b'\n';
    b
};

/// serde_json's `PrettyFormatter` with its default two-space indent, byte for byte, but for
/// how the bytes reach the writer: a newline and its indent go in one write (serde_json writes
/// the indent two bytes at a time), which was a third of the hash's serialising for a plan of
/// one-obligation rows. `tests::the_formatter_writes_what_serde_json_writes` holds it to that.
#[derive(Default)]
struct Pretty {
    level: usize,
    has_value: bool,
}

impl Pretty {
    /// `\n` and the indent of the current level.
    fn newline<W: ?Sized + Write>(&self, w: &mut W) -> std::io::Result<()> {
        let mut spaces = 2 * self.level;
        let first = spaces.min(NEWLINE_INDENT.len() - 1);
        w.write_all(&NEWLINE_INDENT[..=first])?;
        spaces -= first;
        while spaces > 0 {
            let piece = spaces.min(NEWLINE_INDENT.len() - 1);
            w.write_all(&NEWLINE_INDENT[1..=piece])?;
            spaces -= piece;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `value` as [`crate::api::to_canonical_json`] writes it (without its final newline), into `w`.
fn write_pretty<T: serde::Serialize + ?Sized, W: Write>(
    w: &mut W,
    value: &T,
) -> std::io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, Pretty::default());
    value.serialize(&mut ser).map_err(std::io::Error::from)
}

/// SHA-256 (lower-case hex) of the plan's canonical JSON, without building that string: a plan
/// with one obligation per row is megabytes of JSON, and building the string only to hash it
/// cost as much as hashing.
pub(crate) fn canonical_sha256(plan: &Plan) -> String {
    let mut out = BufWriter::with_capacity(RUN, Hashing(Sha256::new()));
    // `to_canonical_json` ends the text with a newline.
    let written = write_pretty(&mut out, plan).and_then(|()| out.write_all(b"\n"));
    match (written, out.into_inner()) {
        (Ok(()), Ok(Hashing(h))) => crate::rules::lower_hex(&h.finalize()),
        // Not reached (our types serialise infallibly): hash what `to_canonical_json` writes then.
        _ => crate::rules::sha256_hex(crate::api::to_canonical_json(plan).as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use proptest::prelude::*;

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

    /// What `write_pretty` writes, as text.
    fn pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
        let mut out = Vec::new();
        write_pretty(&mut out, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Any JSON value: nested arrays and objects (empty ones too), strings to escape, numbers.
    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[a-zA-Zà-ỹ\"\\\n\t\u{1}/ ]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(8, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[a-z\"]{0,6}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn the_formatter_writes_what_serde_json_writes(value in json_value()) {
            prop_assert_eq!(pretty(&value), serde_json::to_string_pretty(&value).unwrap());
        }
    }

    #[test]
    fn the_formatter_writes_plans_and_deep_nesting_as_serde_json_does() {
        for seed in [1, 2, 5] {
            let plan = province(seed, Shape::default()).plan;
            assert_eq!(pretty(&plan), serde_json::to_string_pretty(&plan).unwrap());
        }
        // Deeper than the one-piece indent (64 levels): the indent goes in several pieces.
        let mut deep = serde_json::json!({"x": [1, {}], "y": []});
        for k in 0..150 {
            deep = if k % 2 == 0 {
                serde_json::json!([deep, k])
            } else {
                serde_json::json!({"k": deep, "e": {}})
            };
        }
        assert_eq!(pretty(&deep), serde_json::to_string_pretty(&deep).unwrap());
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
