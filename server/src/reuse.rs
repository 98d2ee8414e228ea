//! A JSON report rendered again from the last rendering of the same query.
//!
//! A plan's report is rendered again for every new version of its submissions, and from one
//! version to the next most of it does not change: the assessments of the instances no new
//! submission touched, and the findings before the first one that differs. So a rendering keeps,
//! besides its bytes, where each element of `assessments` and `findings` lies in them, and the
//! next rendering of the same query writes an element equal (`Eq`) to the last report's element
//! at the same position as the bytes it had instead of serialising it again: serialisation is a
//! function of the value, so the bytes are the canonical JSON's, element for element.
//!
//! The gzip is made of deflate segments, one per run of elements (a group), each closed with a
//! sync flush (byte-aligned, not final) so that segments join into one deflate stream, and each
//! compressed with the group before it as its dictionary, so that it compresses about as well
//! as one stream would (back references reach into the bytes the decoder has just written). A
//! group whose elements are all reused, as many as before, and whose group before is too, is
//! written as the segment it had; its CRC-32 joins the others' by `crc32fast`'s combination, so
//! the gzip trailer is computed without reading the bytes again. The inflated body is the same
//! bytes either way; only the compressed form differs from one compressed in one stream.
//!
//! Comparing the elements is most of that work (a province's 32,000 elements, their strings
//! apart in memory), so an evaluation session's word is taken where it has one ([`Since`]): the
//! elements it merged from what it kept, where they were in the report before, are that
//! report's, and are not compared again when the last rendering is of that very report.
//!
//! The sha256 (the audit's result hash) is of all the bytes, but resumed: a rendering keeps the
//! hasher's state after every [`CHECKPOINT`] bytes, and the next one, whose bytes up to a
//! checkpoint are equal (compared, not assumed), hashes only what follows it. A new version
//! usually changes a few elements near the end (the findings' tail, the summary), so most of
//! the 15–22 MB is compared (memcmp) instead of hashed again.

use std::io;
use std::ops::Range;
use std::sync::{Arc, Weak};

use axum::body::Bytes;
use flate2::{Compress, Compression, FlushCompress};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tuanthu::model::Report;

use crate::encode::Encoded;

/// About how many bytes of elements a group holds: enough that a segment's own costs (its
/// Huffman tables, the flush's five bytes, a restarted window) stay small beside its data, few
/// enough that a handful of changed elements leave most groups as they were.
const GROUP_BYTES: usize = 32 * 1024;

/// Deflate's window: how far back a segment's references can reach.
const WINDOW: usize = 32 * 1024;

/// How often a rendering keeps the sha256 state: small enough that little is hashed again before
/// the first changed byte, large enough that the states (about 200 bytes each) stay few.
const CHECKPOINT: usize = 64 * 1024;

/// Where an array of the report starts in the skeleton, found by its key at the top level.
const ARRAYS: [&[u8]; 2] = [b"\n  \"assessments\": []", b"\n  \"findings\": []"];

/// What a JSON rendering leaves for the next one of the same query.
#[derive(Debug)]
pub struct Rendering {
    /// The report (as the query filtered it) these bytes are of.
    report: Arc<Report>,
    bytes: Bytes,
    arrays: [Array; 2],
    /// The sha256 state after each multiple of [`CHECKPOINT`] bytes (the first: nothing hashed).
    checkpoints: Vec<Sha256>,
}

impl Rendering {
    /// The heap this rendering holds besides its report (shared with the evaluation): its bytes
    /// (shared with the response), the spans and the gzip segments.
    pub fn heap_bytes(&self) -> usize {
        let arrays: usize = self
            .arrays
            .iter()
            .map(|a| {
                a.spans.capacity() * std::mem::size_of::<Range<usize>>()
                    + a.segments
                        .iter()
                        .map(|s| s.deflate.capacity())
                        .sum::<usize>()
                    + a.segments.capacity() * std::mem::size_of::<Arc<Segment>>()
            })
            .sum();
        self.bytes.len() + arrays + self.checkpoints.capacity() * std::mem::size_of::<Sha256>()
    }
}

/// One of the report's arrays in a rendering.
#[derive(Debug, Default)]
struct Array {
    /// Each element's bytes in the rendering (without the separator and indent before it).
    spans: Vec<Range<usize>>,
    /// Elements per group: fixed by the first rendering, so that groups keep their bounds.
    group: usize,
    /// Each group's deflate segment.
    segments: Vec<Arc<Segment>>,
}

/// A run of bytes compressed on its own.
#[derive(Debug)]
struct Segment {
    deflate: Vec<u8>,
    crc: crc32fast::Hasher,
}

/// How much of a rendering came from the last one: elements and groups reused, of all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reused {
    pub elements: usize,
    pub of_elements: usize,
    pub groups: usize,
    pub of_groups: usize,
    /// Leading bytes whose sha256 state came from the last rendering (not hashed again).
    pub hash_resumed: usize,
    /// Elements reused on an evaluation session's word ([`Since`]), not compared.
    pub known: usize,
}

/// What an evaluation session knows of a report against the report it made before
/// (`tuanthu::eval::EvaluationSession::last_unchanged`): which elements are that report's at
/// the same position, by construction.
#[derive(Debug, Default)]
pub struct Since {
    /// The report before (only its address is read: a rendering of it is what this applies to;
    /// the weak reference keeps the address from being another report's).
    pub before: Weak<Report>,
    pub assessments: Vec<bool>,
    pub findings: Vec<bool>,
}

/// `report`'s canonical JSON (byte-identical to `tuanthu::api::to_canonical_json`), its sha256
/// and its gzip, reusing what `last` (the last rendering of the same query) has of it.
pub fn report_json(
    report: Arc<Report>,
    last: Option<&Rendering>,
) -> io::Result<(Encoded, Rendering, Reused)> {
    report_json_since(report, last, None)
}

/// [`report_json`], taking the elements `since` says are unchanged as equal to the last
/// rendering's, without comparing them, when `last` is a rendering of `since.before` itself
/// (else `since` is not read).
pub fn report_json_since(
    report: Arc<Report>,
    last: Option<&Rendering>,
    since: Option<&Since>,
) -> io::Result<(Encoded, Rendering, Reused)> {
    let since = since
        .filter(|s| last.is_some_and(|l| std::ptr::eq(s.before.as_ptr(), Arc::as_ptr(&l.report))));
    let known = |flags: fn(&Since) -> &[bool], len: usize| {
        since
            .map_or(&[][..], flags)
            .get(..len)
            .filter(|f| f.len() == len)
            .unwrap_or_default()
    };
    let known = [
        known(|s| &s.assessments, report.assessments.len()),
        known(|s| &s.findings, report.findings.len()),
    ];
    let skeleton = skeleton_json(&report)?;
    let mut out = Vec::with_capacity(last.map_or(0, |l| l.bytes.len() + l.bytes.len() / 16));
    let mut written: [Written; 2] = Default::default();
    let mut prefix = Prefix {
        old: last.map_or(&[][..], |l| &l.bytes[..]),
        equal: 0,
        differs: false,
    };
    let mut at = 0;
    for (k, key) in ARRAYS.iter().enumerate() {
        // The `]` of the empty array: the elements go between it and its `[`.
        let close = find(&skeleton[at..], key)
            .map(|p| at + p + key.len() - 1)
            .ok_or_else(|| io::Error::other("the report's JSON lacks a top-level array"))?;
        out.extend_from_slice(&skeleton[at..close]);
        prefix.check(&out);
        written[k] = if k == 0 {
            let old = last.map(|l| (&l.arrays[0], &l.bytes[..], &l.report.assessments[..]));
            write_array(&mut out, &report.assessments, old, known[0], &mut prefix)?
        } else {
            let old = last.map(|l| (&l.arrays[1], &l.bytes[..], &l.report.findings[..]));
            write_array(&mut out, &report.findings, old, known[1], &mut prefix)?
        };
        at = close;
    }
    out.extend_from_slice(&skeleton[at..]);
    prefix.check(&out);
    let known = written.iter().map(|w| w.known).sum();
    let (gzip, arrays, mut reused) = compress(&out, written, last)?;
    reused.known = known;
    let (hasher, checkpoints, resumed) = resume_sha256(&out, last, prefix.equal);
    reused.hash_resumed = resumed;
    let sha256 = crate::hash::hex(&hasher.finalize());
    let bytes = Bytes::from(out);
    let rendering = Rendering {
        report,
        bytes: bytes.clone(),
        arrays,
        checkpoints,
    };
    let encoded = Encoded {
        bytes,
        gzip,
        sha256,
    };
    Ok((encoded, rendering, reused))
}

/// How much of the bytes written so far is known to equal the last rendering's at the same
/// offsets: what is written is compared as it is written, except an element kept at the offset
/// it had (its bytes are the last rendering's there), so the whole body is never compared.
struct Prefix<'a> {
    old: &'a [u8],
    /// `out[..equal] == old[..equal]`.
    equal: usize,
    /// A byte after `equal` differs (or is not known equal): nothing more is compared.
    differs: bool,
}

impl Prefix<'_> {
    /// Compares what was written after the known-equal prefix with the old bytes there.
    fn check(&mut self, out: &[u8]) {
        if self.differs || self.equal >= out.len() {
            return;
        }
        let new = &out[self.equal..];
        match self.old.get(self.equal..self.equal + new.len()) {
            Some(old) if old == new => self.equal = out.len(),
            _ => self.differs = true,
        }
    }

    /// `start..end` of the bytes written are the old bytes at the same offsets.
    fn same_at(&mut self, start: usize, end: usize) {
        if !self.differs && self.equal == start {
            self.equal = end;
        }
    }
}

/// The sha256 state after all of `out`, after each multiple of [`CHECKPOINT`] bytes, and how
/// many leading bytes were not hashed again: the states are taken from `last` up to the last
/// checkpoint within `equal`, the length of `out`'s prefix equal to `last`'s bytes, and hashed
/// from there on.
fn resume_sha256(
    out: &[u8],
    last: Option<&Rendering>,
    equal: usize,
) -> (Sha256, Vec<Sha256>, usize) {
    let mut checkpoints = Vec::with_capacity(out.len() / CHECKPOINT + 1);
    // The state after a checkpoint's bytes, equal to the last rendering's, is the one it kept.
    let same = last.map_or(0, |l| {
        (equal / CHECKPOINT).min(l.checkpoints.len().saturating_sub(1))
    });
    match last {
        Some(l) if same > 0 => checkpoints.extend_from_slice(&l.checkpoints[..=same]),
        _ => checkpoints.push(Sha256::new()),
    }
    let mut hasher = checkpoints.last().cloned().unwrap_or_default();
    for chunk in out[same * CHECKPOINT..].chunks(CHECKPOINT) {
        hasher.update(chunk);
        if chunk.len() == CHECKPOINT {
            checkpoints.push(hasher.clone());
        }
    }
    (hasher, checkpoints, same * CHECKPOINT)
}

/// The report's canonical JSON with both arrays empty (everything else is small).
fn skeleton_json(r: &Report) -> io::Result<Vec<u8>> {
    let skeleton = Report {
        plan: r.plan.clone(),
        as_of: r.as_of,
        policies: r.policies,
        rule_pack: r.rule_pack.clone(),
        provenance: r.provenance.clone(),
        assessments: Vec::new(),
        findings: Vec::new(),
        summary: r.summary.clone(),
    };
    let mut json = serde_json::to_vec_pretty(&skeleton)?;
    json.push(b'\n');
    Ok(json)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// An array as this rendering wrote it.
#[derive(Default)]
struct Written {
    spans: Vec<Range<usize>>,
    /// Whether each element was written as the bytes it had in the last rendering.
    kept: Vec<bool>,
    /// Those of them taken as equal on `known`'s word.
    known: usize,
}

/// Writes `items` as the elements of a top-level array (between its `[` and `]`): each as the
/// bytes the last rendering's element at the same position had when the two are equal (known
/// so when `known` says it, else compared), else serialised.
fn write_array<T: Serialize + Eq>(
    out: &mut Vec<u8>,
    items: &[T],
    last: Option<(&Array, &[u8], &[T])>,
    known: &[bool],
    prefix: &mut Prefix<'_>,
) -> io::Result<Written> {
    let mut w = Written {
        spans: Vec::with_capacity(items.len()),
        kept: Vec::with_capacity(items.len()),
        known: 0,
    };
    let mut scratch = Vec::new();
    for (i, item) in items.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        prefix.check(out);
        let start = out.len();
        let same = last.and_then(|(array, bytes, old)| {
            let span = array.spans.get(i)?;
            let equal = old.get(i)?;
            let said = known.get(i).copied().unwrap_or(false);
            w.known += usize::from(said);
            (said || equal == item).then(|| Some((span.start, bytes.get(span.clone())?)))?
        });
        if let Some((_, b)) = same {
            out.extend_from_slice(b);
        } else {
            scratch.clear();
            serde_json::to_writer_pretty(&mut scratch, item)?;
            indent_into(out, &scratch);
        }
        match same {
            Some((at, _)) if at == start => prefix.same_at(start, out.len()),
            _ => prefix.check(out),
        }
        w.spans.push(start..out.len());
        w.kept.push(same.is_some());
    }
    if !items.is_empty() {
        out.extend_from_slice(b"\n  ");
    }
    Ok(w)
}

/// An element serialised alone, as it is written one level into a top-level array: the pretty
/// printer indents each of its lines by two more levels (JSON strings hold no raw newline, so
/// every newline is the printer's).
fn indent_into(out: &mut Vec<u8>, element: &[u8]) {
    let mut rest = element;
    while let Some(n) = rest.iter().position(|&b| b == b'\n') {
        out.extend_from_slice(&rest[..=n]);
        out.extend_from_slice(b"    ");
        rest = &rest[n + 1..];
    }
    out.extend_from_slice(rest);
}

/// Elements per group for an array first rendered with these spans.
fn group_size(spans: &[Range<usize>]) -> usize {
    let total: usize = spans.iter().map(|s| s.len()).sum();
    let mean = total.checked_div(spans.len()).unwrap_or(1).max(1);
    (GROUP_BYTES / mean).max(1)
}

/// The bytes of group `g` (elements `g * group ..`): from the separator before its first element
/// to the end of its last, so that consecutive groups are contiguous.
fn group_bytes(spans: &[Range<usize>], elements: Range<usize>) -> Range<usize> {
    let separator = if elements.start == 0 { 5 } else { 6 };
    spans[elements.start].start - separator..spans[elements.end - 1].end
}

/// The gzip of `out`: the groups of each array whose elements were all kept and which hold as
/// many elements as before are the segments they had; everything else is compressed now.
fn compress(
    out: &[u8],
    written: [Written; 2],
    last: Option<&Rendering>,
) -> io::Result<(Vec<u8>, [Array; 2], Reused)> {
    let mut c = Compress::new(Compression::fast(), false);
    let mut reused = Reused::default();
    let mut arrays: [Array; 2] = Default::default();
    let mut segments = Vec::new();
    let mut pos = 0;
    for (k, w) in written.into_iter().enumerate() {
        let old = last.map(|l| &l.arrays[k]);
        // An array that was empty fixed no group size.
        let group = old
            .filter(|a| !a.spans.is_empty())
            .map_or_else(|| group_size(&w.spans), |a| a.group);
        let n = w.spans.len();
        let bounds: Vec<Range<usize>> = (0..n.div_ceil(group))
            .map(|g| g * group..(g * group + group).min(n))
            .collect();
        // A group is as it was when all its elements are, and it holds as many as before.
        let same: Vec<bool> = bounds
            .iter()
            .map(|e| {
                old.is_some_and(|a| (e.start + group).min(a.spans.len()) == e.end)
                    && w.kept[e.clone()].iter().all(|&b| b)
            })
            .collect();
        let mut own = Vec::with_capacity(bounds.len());
        for (g, elements) in bounds.iter().enumerate() {
            let range = group_bytes(&w.spans, elements.clone());
            if range.start > pos {
                segments.push(Arc::new(deflate_segment(
                    &mut c,
                    &out[pos..range.start],
                    &[],
                )?));
            }
            // A group is compressed with the group before it as its dictionary (back
            // references reach into it, as in one stream), so its segment is kept only when
            // that group is unchanged too.
            let dictionary = match g.checked_sub(1) {
                Some(p) => {
                    let before = group_bytes(&w.spans, bounds[p].clone());
                    &out[before.end.saturating_sub(WINDOW).max(before.start)..before.end]
                }
                None => &[][..],
            };
            let kept = (same[g] && (g == 0 || same[g - 1]))
                .then(|| old.and_then(|a| a.segments.get(g).cloned()))
                .flatten();
            reused.groups += usize::from(kept.is_some());
            let segment = match kept {
                Some(s) => s,
                None => Arc::new(deflate_segment(&mut c, &out[range.clone()], dictionary)?),
            };
            own.push(segment.clone());
            segments.push(segment);
            pos = range.end;
        }
        reused.of_groups += own.len();
        reused.elements += w.kept.iter().filter(|&&b| b).count();
        reused.of_elements += n;
        arrays[k] = Array {
            spans: w.spans,
            group,
            segments: own,
        };
    }
    if out.len() > pos {
        segments.push(Arc::new(deflate_segment(&mut c, &out[pos..], &[])?));
    }
    Ok((join(&segments), arrays, reused))
}

/// Compresses `bytes` as one segment: raw deflate whose window starts as `dictionary` (the
/// bytes right before it in the body, which the decoder has in its window at that point), ended
/// by a sync flush (byte-aligned, not final), so that segments join into one stream.
fn deflate_segment(c: &mut Compress, bytes: &[u8], dictionary: &[u8]) -> io::Result<Segment> {
    c.reset();
    if !dictionary.is_empty() {
        c.set_dictionary(dictionary).map_err(io::Error::other)?;
    }
    let mut out = Vec::with_capacity(bytes.len() / 8 + 64);
    let mut pos = 0;
    loop {
        out.reserve((bytes.len() - pos) / 8 + 1024);
        let before = c.total_in();
        c.compress_vec(&bytes[pos..], &mut out, FlushCompress::Sync)
            .map_err(io::Error::other)?;
        pos += usize::try_from(c.total_in() - before).map_err(io::Error::other)?;
        // The flush is complete once all input is in and the output had room to spare.
        if pos == bytes.len() && out.len() < out.capacity() {
            break;
        }
    }
    let mut crc = crc32fast::Hasher::new();
    crc.update(bytes);
    Ok(Segment { deflate: out, crc })
}

/// One gzip member (RFC 1952) of the segments in order: a header without name or time, the
/// segments, a final empty block, the CRC-32 and the length (mod 2^32) of the whole.
fn join(segments: &[Arc<Segment>]) -> Vec<u8> {
    const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    // BFINAL = 1, fixed Huffman codes, end of block: the bits 1, 10, 0000000.
    const FINAL_EMPTY_BLOCK: [u8; 2] = [0x03, 0x00];
    let size = segments.iter().map(|s| s.deflate.len()).sum::<usize>() + 20;
    let mut gz = Vec::with_capacity(size);
    gz.extend_from_slice(&HEADER);
    let mut crc = crc32fast::Hasher::new();
    for s in segments {
        gz.extend_from_slice(&s.deflate);
        crc.combine(&s.crc);
    }
    gz.extend_from_slice(&FINAL_EMPTY_BLOCK);
    // RFC 1952: ISIZE is the input's length modulo 2^32.
    let len = crc.total_len() as u32;
    gz.extend_from_slice(&crc.finalize().to_le_bytes());
    gz.extend_from_slice(&len.to_le_bytes());
    gz
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use tuanthu::api::to_canonical_json;
    use tuanthu::eval::{EvaluationRequest, Evaluator};
    use tuanthu::unstable::synth::{province, Shape};

    use super::*;
    use crate::encode::tests::{inflate, report};

    /// Renders `report` after `last` and checks the three forms against the canonical JSON.
    fn render(report: &Report, last: Option<&Rendering>) -> (Rendering, Reused) {
        render_with(&Arc::new(report.clone()), last, None)
    }

    /// [`report_json_since`] (with `since`, a session's word), checked as [`render`] checks.
    fn render_with(
        report: &Arc<Report>,
        last: Option<&Rendering>,
        since: Option<&Since>,
    ) -> (Rendering, Reused) {
        let want = to_canonical_json(&**report).into_bytes();
        let (e, rendering, reused) = report_json_since(report.clone(), last, since).unwrap();
        assert!(e.bytes == want, "the bytes are the canonical JSON");
        assert_eq!(e.sha256, crate::hash::sha256_hex(&want));
        assert!(inflate(&e.gzip) == want, "the gzip inflates to the bytes");
        (rendering, reused)
    }

    #[test]
    fn an_unchanged_report_is_written_wholly_from_the_last_rendering() {
        let report = report();
        let (first, reused) = render(&report, None);
        assert_eq!(reused.elements, 0);
        assert!(reused.of_groups > 4, "several groups: {reused:?}");
        let (_, again) = render(&report, Some(&first));
        assert_eq!(again.elements, again.of_elements);
        assert_eq!(again.groups, again.of_groups);
        assert_eq!(
            again.of_elements,
            report.assessments.len() + report.findings.len()
        );
    }

    #[test]
    fn one_changed_assessment_is_serialised_and_its_group_and_the_next_compressed_again() {
        let report = report();
        let (first, _) = render(&report, None);
        let mut changed = report.clone();
        let k = changed.assessments.len() / 2;
        let agency = format!("{} \"mới\"\n", changed.assessments[k].agency);
        changed.assessments[k].agency = agency.into();
        let (_, reused) = render(&changed, Some(&first));
        assert_eq!(reused.elements, reused.of_elements - 1);
        // Its group, and the next, whose dictionary it is.
        assert_eq!(reused.groups, reused.of_groups - 2);
    }

    #[test]
    fn the_hash_resumes_from_the_last_checkpoint_before_the_first_changed_byte() {
        let report = report();
        let (first, reused) = render(&report, None);
        assert_eq!(reused.hash_resumed, 0);
        let len = first.bytes.len();
        assert!(len > 4 * CHECKPOINT, "several checkpoints: {len} bytes");
        // Unchanged: every whole chunk's state is taken.
        let (same, reused) = render(&report, Some(&first));
        assert_eq!(reused.hash_resumed, len / CHECKPOINT * CHECKPOINT);
        // The last finding changed: hashed again from the checkpoint before it only.
        let mut changed = report.clone();
        let last = changed.findings.last_mut().unwrap();
        last.message_en = format!("{} (changed here)", last.message_en).into();
        let at = find(to_canonical_json(&changed).as_bytes(), b"(changed here)").unwrap_or(0);
        assert!(
            at > 2 * CHECKPOINT,
            "the last finding is far from the start: {at}"
        );
        let (_, reused) = render(&changed, Some(&same));
        // From the checkpoint before the changed finding's start (a finding is a few KB).
        assert!(reused.hash_resumed <= at, "{reused:?}");
        assert!(reused.hash_resumed + 2 * CHECKPOINT > at, "{reused:?}");
        // The first assessment changed: hashed again from the start.
        let mut changed = report.clone();
        changed.assessments[0].agency = "khác".into();
        let (_, reused) = render(&changed, Some(&same));
        assert_eq!(reused.hash_resumed, 0);
    }

    /// A province of 40 agencies and 5 obligations, 60 % of them reported on.
    fn small_province() -> EvaluationRequest {
        province(
            5,
            Shape {
                agencies: 40,
                obligations: 5,
                years: 1,
                evidence_percent: 60,
            },
        )
    }

    #[test]
    fn reports_of_more_submissions_reuse_what_did_not_change() {
        let mut req = small_province();
        let ev = Evaluator::standard().unwrap();
        let mut last = None;
        let mut reused_any = false;
        for k in 0..4 {
            // Each step files a few more reports (refilings of stored ones, under new numbers).
            for j in 0..3 {
                let mut s = req.submissions[(k * 7 + j * 13) % req.submissions.len()].clone();
                s.document_number = Some(format!("{k}-{j}/BC"));
                req.submissions.push(s);
            }
            let report = ev.evaluate(&req).unwrap();
            let (rendering, reused) = render(&report, last.as_ref());
            reused_any |= reused.elements > 0 && reused.groups > 0;
            last = Some(rendering);
        }
        assert!(reused_any, "later reports reuse elements and groups");
    }

    #[test]
    fn a_sessions_word_is_taken_for_a_rendering_of_the_report_it_is_about_only() {
        let mut req = small_province();
        let later = req.submissions.split_off(req.submissions.len() - 3);
        let mut session = Evaluator::standard().unwrap().session();
        let before = Arc::new(session.evaluate(&req).unwrap());
        req.submissions.extend(later);
        let after = Arc::new(session.evaluate(&req).unwrap());
        let (a, f) = session.last_unchanged();
        let since = Since {
            before: Arc::downgrade(&before),
            assessments: a.to_vec(),
            findings: f.to_vec(),
        };
        let said = a.iter().chain(f).filter(|&&s| s).count();
        assert!(said > after.assessments.len() / 2, "{said}");
        let (_, first, _) = report_json(before.clone(), None).unwrap();
        let (_, reused) = render_with(&after, Some(&first), Some(&since));
        assert_eq!(reused.known, said);
        // A word about another report (the same values elsewhere) is not taken: here it would
        // keep an element that changed.
        let mut changed = (*after).clone();
        changed.assessments[0].agency = "khác".into();
        let copy = Arc::new((*before).clone());
        let all = Since {
            before: Arc::downgrade(&copy),
            assessments: vec![true; changed.assessments.len()],
            findings: vec![true; changed.findings.len()],
        };
        let (_, reused) = render_with(&Arc::new(changed), Some(&first), Some(&all));
        assert_eq!(reused.known, 0);
    }

    #[test]
    fn empty_arrays_and_filtered_reports_render_canonically() {
        let report = report();
        let (first, _) = render(&report, None);
        let mut empty = report.clone();
        empty.assessments.clear();
        empty.findings.clear();
        let (second, _) = render(&empty, Some(&first));
        let (third, _) = render(&report, Some(&second));
        let mut some = report.clone();
        some.assessments.truncate(7);
        render(&some, Some(&third));
    }

    /// A change to a report, as a new version of its submissions could make it.
    #[derive(Debug, Clone)]
    enum Change {
        Assessment(usize, String),
        RemoveAssessment(usize),
        DuplicateFinding(usize),
        TruncateFindings(usize),
        Same,
    }

    fn change() -> impl Strategy<Value = Change> {
        prop_oneof![
            (any::<usize>(), "[a-zà-ỹ\"\\\\\n ]{0,12}").prop_map(|(i, s)| Change::Assessment(i, s)),
            any::<usize>().prop_map(Change::RemoveAssessment),
            any::<usize>().prop_map(Change::DuplicateFinding),
            any::<usize>().prop_map(Change::TruncateFindings),
            Just(Change::Same),
        ]
    }

    fn apply(r: &mut Report, c: &Change) {
        match c {
            Change::Assessment(i, s) if !r.assessments.is_empty() => {
                let n = r.assessments.len();
                r.assessments[i % n].agency = s.as_str().into();
            }
            Change::RemoveAssessment(i) if !r.assessments.is_empty() => {
                let n = r.assessments.len();
                r.assessments.remove(i % n);
            }
            Change::DuplicateFinding(i) if !r.findings.is_empty() => {
                let n = r.findings.len();
                let f = r.findings[i % n].clone();
                r.findings.insert(i % n, f);
            }
            Change::TruncateFindings(i) => {
                let n = r.findings.len();
                r.findings.truncate(i % (n + 1));
            }
            _ => {}
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn any_sequence_of_changes_renders_the_canonical_bytes(
            changes in proptest::collection::vec(proptest::collection::vec(change(), 0..4), 1..5)
        ) {
            let mut report = report();
            let (mut last, _) = render(&report, None);
            for step in &changes {
                for c in step {
                    apply(&mut report, c);
                }
                last = render(&report, Some(&last)).0;
            }
        }
    }
}
