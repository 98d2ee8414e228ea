//! A rendered report's three forms in one pass: the bytes, their sha256 and their gzip. The
//! bytes are written into one buffer as the serialiser produces them; every `CHUNK` bytes the
//! new part is fed to the hasher and the compressor while it is still in the CPU's cache,
//! instead of hashing and then compressing the whole 15–22 MB buffer after it is written.

use std::io::{self, Write};

use axum::body::Bytes;
use flate2::write::GzEncoder;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// How much new output is gathered before it goes to the hasher and the compressor: large
/// enough that the per-call costs vanish, small enough to stay in a core's L2 cache.
const CHUNK: usize = 64 * 1024;

/// The bytes served without `Content-Encoding`, the same bytes gzipped, and their sha256.
#[derive(Debug)]
pub struct Encoded {
    pub bytes: Bytes,
    pub gzip: Vec<u8>,
    /// Lower-case hex sha256 of `bytes`.
    pub sha256: String,
}

/// A writer that keeps what is written and feeds it, chunk by chunk, to sha256 and gzip.
pub struct Encoder {
    bytes: Vec<u8>,
    /// How much of `bytes` the hasher and the compressor have seen.
    fed: usize,
    chunk: usize,
    hasher: Sha256,
    gz: GzEncoder<Vec<u8>>,
}

impl Encoder {
    /// An encoder expecting about `size_hint` bytes.
    pub fn new(size_hint: usize) -> Self {
        Self::with_chunk(size_hint, CHUNK)
    }

    fn with_chunk(size_hint: usize, chunk: usize) -> Self {
        Encoder {
            bytes: Vec::with_capacity(size_hint),
            fed: 0,
            chunk: chunk.max(1),
            hasher: Sha256::new(),
            // Fast level: a province's report is compressed once per version while clients wait.
            gz: GzEncoder::new(
                Vec::with_capacity(size_hint / 8),
                flate2::Compression::fast(),
            ),
        }
    }

    #[cold]
    fn feed(&mut self) -> io::Result<()> {
        let new = &self.bytes[self.fed..];
        self.hasher.update(new);
        self.gz.write_all(new)?;
        self.fed = self.bytes.len();
        Ok(())
    }

    /// Feeds what is left and returns the three forms.
    pub fn finish(mut self) -> io::Result<Encoded> {
        self.feed()?;
        let gzip = self.gz.finish()?;
        Ok(Encoded {
            bytes: Bytes::from(self.bytes),
            gzip,
            sha256: crate::hash::hex(&self.hasher.finalize()),
        })
    }
}

// serde_json writes a few bytes at a time (a quote, a key, an indent): these calls must cost
// what a `Vec<u8>`'s do, so they are inlined and `write_all` is one `write`, not a loop.
impl Write for Encoder {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes.extend_from_slice(buf);
        if self.bytes.len() - self.fed >= self.chunk {
            self.feed()?;
        }
        Ok(buf.len())
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.write(buf).map(|_| ())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `value` as the contract's canonical JSON (`tuanthu::api::to_canonical_json`: pretty-printed,
/// one final newline), hashed and gzipped as it is written.
pub fn canonical_json<T: Serialize>(value: &T, size_hint: usize) -> io::Result<Encoded> {
    let mut e = Encoder::new(size_hint);
    serde_json::to_writer_pretty(&mut e, value)?;
    e.write_all(b"\n")?;
    e.finish()
}

/// Bytes rendered some other way (CSV, .xlsx), hashed and gzipped.
pub fn bytes(bytes: Vec<u8>) -> io::Result<Encoded> {
    let mut e = Encoder::new(0);
    e.bytes = bytes;
    e.finish()
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Read;

    use super::*;
    use tuanthu::api::to_canonical_json;
    use tuanthu::eval::Evaluator;
    use tuanthu::unstable::synth::{province, Shape};

    /// A small province's report, and gzip inflated: shared with `reuse`'s tests.
    pub(crate) fn report() -> tuanthu::model::Report {
        let req = province(
            3,
            Shape {
                agencies: 40,
                obligations: 5,
                years: 1,
                evidence_percent: 70,
            },
        );
        Evaluator::standard().unwrap().evaluate(&req).unwrap()
    }

    pub(crate) fn inflate(gz: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(gz)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn one_pass_gives_the_canonical_bytes_their_hash_and_their_gzip() {
        let report = report();
        let canonical = to_canonical_json(&report).into_bytes();
        assert!(canonical.len() > 3 * CHUNK, "several chunks are fed");
        let e = canonical_json(&report, 0).unwrap();
        assert!(e.bytes == canonical, "the body is byte-identical");
        assert_eq!(e.sha256, crate::hash::sha256_hex(&canonical));
        assert!(inflate(&e.gzip) == canonical);
    }

    #[test]
    fn chunk_boundaries_do_not_change_the_result() {
        let report = report();
        let canonical = to_canonical_json(&report).into_bytes();
        let want = crate::hash::sha256_hex(&canonical);
        // A chunk of one byte feeds at every write; one of 7 bytes splits writes unevenly.
        for chunk in [1, 7, 4096, usize::MAX] {
            let mut e = Encoder::with_chunk(0, chunk);
            serde_json::to_writer_pretty(&mut e, &report).unwrap();
            e.write_all(b"\n").unwrap();
            let e = e.finish().unwrap();
            assert!(e.bytes == canonical, "chunk {chunk}");
            assert_eq!(e.sha256, want, "chunk {chunk}");
            assert!(inflate(&e.gzip) == canonical, "chunk {chunk}");
        }
    }

    #[test]
    fn other_bytes_are_hashed_and_gzipped() {
        let e = bytes(b"abc".to_vec()).unwrap();
        assert_eq!(e.bytes, &b"abc"[..]);
        assert_eq!(
            e.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(inflate(&e.gzip), b"abc");
        assert_eq!(inflate(&bytes(Vec::new()).unwrap().gzip), b"");
    }
}
