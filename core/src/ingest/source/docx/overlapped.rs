//! A large `word/document.xml` unpacked on a second thread while the calling thread scans it.
//!
//! Unpacking (inflating, the CRC check, the UTF-8 check) is about a quarter of a .docx
//! extraction and the plain scan most of the rest; one after the other they add up, side by
//! side the scan only waits for the first piece. The second thread sends the part in pieces of
//! whole characters through a bounded channel; the calling thread reads `numbering.xml` and
//! `styles.xml` meanwhile, then scans each piece as it arrives ([`Body::scan`] stops before a
//! tag or text that may go on in the next piece). The result is the one [`read_in_turn`] gives:
//! whatever would make the two differ (an error in any part, a budget exceeded, a part that is
//! not UTF-8 or outside the plain scan's shape) gives `None` here and the caller reads the
//! document in turn, which also gives its errors. Native targets only (`wasm32` has no
//! threads).

use std::io::{Cursor, Read};
use std::sync::mpsc::{
    channel, sync_channel, Receiver, RecvTimeoutError, Sender, SyncSender, TrySendError,
};
use std::sync::Mutex;
use std::time::Duration;

use zip::ZipArchive;

use super::super::SourceLine;
use super::Prepared;
use super::{
    read_part, Body, Budget, Numbering, Scan, DOCUMENT, DOCX_MAX_ENTRIES, DOCX_MAX_UNCOMPRESSED,
    NUMBERING, STYLES,
};
use crate::ingest::text::{prepare_line, Line};

/// How the part is cut and from what size the second thread is worth starting.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sizes {
    /// A document part declared smaller than this is read in turn: starting a thread costs
    /// tens of microseconds, more than the overlap saves on a small part.
    pub min_part: u64,
    /// Bytes per piece sent (a piece ends on a whole character, so it may be up to 3 shorter).
    pub piece: usize,
    /// Pieces the channel holds before the unpacking thread waits for the scan.
    pub queue: usize,
}

impl Sizes {
    /// 256 KB and more overlapped (as the text reader's two threads, `ingest::par`), in
    /// pieces of 128 KB, at most 1 MB ahead of the scan.
    pub(crate) const DEFAULT: Sizes = Sizes {
        min_part: 256 * 1024,
        piece: 128 * 1024,
        queue: 8,
    };
}

/// A piece of the part: UTF-8 text, or raw bytes from the first piece that is not UTF-8 on.
enum Piece {
    Text(String),
    Bytes(Vec<u8>),
}

/// The document's lines, or `None` when it must be read in turn (see the module docs).
pub(crate) fn read(bytes: &[u8], name: &str, sizes: Sizes) -> Option<Vec<SourceLine>> {
    read_with(bytes, name, sizes, false).map(|(lines, _)| lines)
}

/// How long the unpacking thread, its next piece waiting for room in the channel, waits for a
/// batch of lines to clean before it tries the channel again. Waiting for either with std's
/// channels takes a timeout; the scan takes a piece in about a millisecond, so a free slot is
/// seen a fraction of that late at most.
const RECHECK: Duration = Duration::from_micros(100);

/// A batch of lines for the unpacking thread to clean: the index of the first, their texts.
type Batch = (usize, Vec<String>);

/// [`read`]; with `prepare`, the lines the scan has read are cleaned for the text reader
/// ([`prepare_line`]) batch by batch: by the unpacking thread while the scan has not taken its
/// next piece, and by both threads once the part is unpacked and the scan done (unpacking and
/// scanning take about as long, so most batches are left for then). The lines returned keep
/// their origins while their texts go into the [`Prepared`] lines. Those are `None` when the
/// document was not read by the plain scan, or a line holds a line break (then the caller
/// joins the lines into a text, as in turn).
pub(crate) fn read_with(
    bytes: &[u8],
    name: &str,
    sizes: Sizes,
    prepare: bool,
) -> Option<(Vec<SourceLine>, Option<Prepared>)> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).ok()?;
    if zip.len() > DOCX_MAX_ENTRIES {
        return None;
    }
    let declared = zip.by_name(DOCUMENT).ok()?.size();
    if declared < sizes.min_part || declared > DOCX_MAX_UNCOMPRESSED {
        return None;
    }
    let (tx, rx) = sync_channel::<Piece>(sizes.queue);
    let (line_tx, line_rx) = match prepare {
        true => {
            let (t, r) = channel::<Batch>();
            (Some(t), Some(Mutex::new(r)))
        }
        false => (None, None),
    };
    let queue = line_rx.as_ref();
    std::thread::scope(|s| {
        let unpacking = std::thread::Builder::new()
            .spawn_scoped(s, move || {
                let mut cleaner = queue.map(Cleaner::new);
                // While the scan has not taken the next piece, lines it has read are cleaned as
                // they come: left to the end, their cleaning would come after the scan instead of
                // beside it.
                let len = unpack(bytes, sizes.piece, &tx, &mut || {
                    cleaner.as_mut().is_some_and(|c| c.clean_next(RECHECK))
                });
                // The scan's loop ends when the last piece is in.
                drop(tx);
                (len, cleaner.map(Cleaner::finish))
            })
            .ok()?;
        // Leaving early drops `rx` and `line_tx`: the unpacking thread's next send fails, or
        // its batches end, and it stops.
        let numbering = side_parts(&mut zip, name)?;
        let side_sizes = numbering.sizes;
        let mut xml = String::with_capacity(usize::try_from(declared).unwrap_or(0));
        let mut raw: Option<Vec<u8>> = None;
        let mut plain = Some((Body::new(numbering.numbering.clone()), Scan::default()));
        // Lines already sent to be cleaned.
        let mut sent = 0;
        for piece in rx {
            match (piece, raw.as_mut()) {
                (Piece::Text(t), None) => {
                    xml.push_str(&t);
                    if let Some((body, at)) = plain.as_mut() {
                        if body.scan(at, &xml, false).is_none() {
                            plain = None;
                        } else if let Some(tx) = &line_tx {
                            send_lines(&mut body.out, &mut sent, tx, false);
                        }
                    }
                }
                (Piece::Text(t), Some(r)) => r.extend_from_slice(t.as_bytes()),
                (Piece::Bytes(b), r) => {
                    plain = None;
                    match r {
                        Some(r) => r.extend_from_slice(&b),
                        None => {
                            let mut r = std::mem::take(&mut xml).into_bytes();
                            r.extend_from_slice(&b);
                            raw = Some(r);
                        }
                    }
                }
            }
        }
        let scanned = plain.and_then(|(mut body, mut at)| {
            body.scan(&mut at, &xml, true)?;
            body.finish_plain(&at)
        });
        let (lines, prepared_here) = match scanned {
            Some(mut lines) => {
                if let Some(tx) = &line_tx {
                    send_lines(&mut lines, &mut sent, tx, true);
                }
                (Some(lines), true)
            }
            // Outside the plain shape or not UTF-8: quick-xml, as in turn.
            None => {
                let part = raw.unwrap_or_else(|| xml.into_bytes());
                (Body::new(numbering.numbering).read(&part).ok(), false)
            }
        };
        // The last batch is sent: the batches end, and this thread cleans its share of those
        // left.
        drop(line_tx);
        let here = queue.map(|q| Cleaner::new(q).finish());
        let (document_len, there) = unpacking.join().ok()?;
        // The other parts within what the document left of the budget, as read in turn.
        fits_after(&side_sizes, document_len?)?;
        let prepared = match (here, there) {
            (Some(a), Some(b)) if prepared_here => Cleaned::join(a, b),
            _ => None,
        };
        Some((lines?, prepared))
    })
}

/// Moves the texts of the lines from `sent` on into batches for the cleaners; at the end of
/// the scan (`last`) in batches of [`LAST_BATCH`] lines, so that both threads share them.
fn send_lines(lines: &mut [SourceLine], sent: &mut usize, tx: &Sender<Batch>, last: bool) {
    let Some(new) = lines.get_mut(*sent..) else {
        return;
    };
    let size = if last { LAST_BATCH } else { new.len().max(1) };
    for (k, chunk) in new.chunks_mut(size).enumerate() {
        let batch = chunk
            .iter_mut()
            .map(|l| std::mem::take(&mut l.text))
            .collect();
        // A closed channel only means the cleaners stopped: nothing is then prepared.
        let _ = tx.send((*sent + k * size, batch));
    }
    *sent = lines.len();
}

/// Lines per batch sent at the end of the scan: small enough to share, large enough that
/// taking a batch costs little beside cleaning it.
const LAST_BATCH: usize = 256;

/// What one thread cleaned: batches `(first line, lines)`, in the order it took them, the
/// length of the text they make (each line and its `\n`), and whether every line was one line.
struct Cleaned {
    batches: Vec<(usize, Vec<Line>)>,
    text_len: usize,
    ok: bool,
}

impl Cleaned {
    /// Both threads' batches in line order: `None` unless they are every line from the first
    /// on, once each, and each was one line.
    fn join(a: Cleaned, b: Cleaned) -> Option<Prepared> {
        if !(a.ok && b.ok) {
            return None;
        }
        let mut batches = a.batches;
        batches.extend(b.batches);
        batches.sort_unstable_by_key(|(start, _)| *start);
        let mut lines = Vec::with_capacity(batches.iter().map(|(_, l)| l.len()).sum());
        for (start, batch) in batches {
            if start != lines.len() {
                return None;
            }
            lines.extend(batch);
        }
        (!lines.is_empty()).then_some(Prepared {
            lines,
            text_len: a.text_len + b.text_len,
        })
    }
}

/// Takes batches of lines from the queue both threads share and cleans them.
struct Cleaner<'q> {
    queue: &'q Mutex<Receiver<Batch>>,
    done: Cleaned,
}

impl<'q> Cleaner<'q> {
    fn new(queue: &'q Mutex<Receiver<Batch>>) -> Self {
        Cleaner {
            queue,
            done: Cleaned {
                batches: Vec::new(),
                text_len: 0,
                ok: true,
            },
        }
    }

    fn clean(&mut self, (start, batch): Batch) {
        let mut lines = Vec::with_capacity(batch.len());
        for (i, text) in batch.iter().enumerate() {
            self.done.ok &= !text.contains(['\n', '\r']);
            if !self.done.ok {
                return;
            }
            self.done.text_len += text.len() + 1;
            lines.push(prepare_line(start + i, text));
        }
        self.done.batches.push((start, lines));
    }

    /// Takes the next batch, waiting at most `wait` for one to be sent (`None`: wait until one
    /// is, or no more can be); `Err` once no batch can come (the scan sent its last one and the
    /// queue is empty), or the other thread stopped while holding the queue.
    fn take(&self, wait: Option<Duration>) -> Result<Option<Batch>, ()> {
        let Ok(rx) = self.queue.lock() else {
            return Err(());
        };
        match wait {
            Some(d) => match rx.recv_timeout(d) {
                Ok(b) => Ok(Some(b)),
                Err(RecvTimeoutError::Timeout) => Ok(None),
                Err(RecvTimeoutError::Disconnected) => Err(()),
            },
            None => rx.recv().map(Some).map_err(|_| ()),
        }
    }

    /// Cleans the next batch, waiting at most `wait` for it; `false` once no batch can come.
    fn clean_next(&mut self, wait: Duration) -> bool {
        match self.take(Some(wait)) {
            Ok(Some(batch)) => {
                self.clean(batch);
                true
            }
            Ok(None) => true,
            Err(()) => false,
        }
    }

    /// Cleans batches as they come until no more can; what this thread cleaned.
    fn finish(mut self) -> Cleaned {
        while let Ok(Some(batch)) = self.take(None) {
            self.clean(batch);
        }
        if self.queue.is_poisoned() {
            self.done.ok = false;
        }
        self.done
    }
}

/// `numbering.xml` and `styles.xml` read (each within the whole budget), with their sizes.
struct SideParts {
    numbering: Numbering,
    /// Declared and read sizes of `numbering.xml` then `styles.xml`, when present.
    sizes: [Option<(u64, u64)>; 2],
}

/// `Some` when reading `numbering.xml` and `styles.xml` in turn after a document of
/// `document_len` bytes would have stayed within the budget too (declared sizes included, as
/// [`read_part`] checks them).
fn fits_after(sizes: &[Option<(u64, u64)>; 2], document_len: u64) -> Option<()> {
    let mut left = DOCX_MAX_UNCOMPRESSED.checked_sub(document_len)?;
    for (declared, read) in sizes.iter().flatten() {
        if *declared > left || *read > left {
            return None;
        }
        left -= read;
    }
    Some(())
}

fn side_parts(zip: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<SideParts> {
    let mut part = |part: &str| -> Option<Option<(Vec<u8>, u64)>> {
        if zip.index_for_name(part).is_none() {
            return Some(None);
        }
        let declared = zip.by_name(part).ok()?.size();
        let mut budget = Budget {
            left: DOCX_MAX_UNCOMPRESSED,
        };
        read_part(zip, part, &mut budget, name)
            .ok()
            .map(|b| Some((b, declared)))
    };
    let numbering_xml = part(NUMBERING)?;
    let styles_xml = part(STYLES)?;
    let numbering = Numbering::read(
        numbering_xml.as_ref().map(|(b, _)| b.as_slice()),
        styles_xml.as_ref().map(|(b, _)| b.as_slice()),
    )
    .ok()?;
    let size = |p: &Option<(Vec<u8>, u64)>| {
        p.as_ref()
            .map(|(b, declared)| (*declared, u64::try_from(b.len()).unwrap_or(u64::MAX)))
    };
    Some(SideParts {
        sizes: [size(&numbering_xml), size(&styles_xml)],
        numbering,
    })
}

/// Unpacks the document part into pieces sent to `tx`; its size, or `None` on any error
/// (the part is then read in turn, which reports it). While the channel is full, `idle` is
/// called for other work until it says there is none (then the send waits).
fn unpack(
    bytes: &[u8],
    piece: usize,
    tx: &SyncSender<Piece>,
    idle: &mut impl FnMut() -> bool,
) -> Option<u64> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).ok()?;
    let file = zip.by_name(DOCUMENT).ok()?;
    let mut r = file.take(DOCX_MAX_UNCOMPRESSED.saturating_add(1));
    let want = u64::try_from(piece.max(4)).unwrap_or(u64::MAX);
    let mut total = 0u64;
    let mut carry: Vec<u8> = Vec::new();
    let mut utf8 = true;
    loop {
        let mut buf = Vec::with_capacity(piece.max(4) + 3);
        buf.append(&mut carry);
        let n = (&mut r).take(want).read_to_end(&mut buf).ok()?;
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        total = total.saturating_add(n);
        if total > DOCX_MAX_UNCOMPRESSED {
            return None;
        }
        let last = n < want;
        if utf8 {
            // A character cut at the piece's end goes with the next piece.
            let whole = if last { buf.len() } else { whole_chars(&buf) };
            carry = buf.split_off(whole);
            match String::from_utf8(buf) {
                Ok(t) => {
                    if !t.is_empty() {
                        send(tx, Piece::Text(t), idle)?;
                    }
                }
                Err(e) => {
                    utf8 = false;
                    let mut b = e.into_bytes();
                    b.append(&mut carry);
                    send(tx, Piece::Bytes(b), idle)?;
                }
            }
        } else if !buf.is_empty() {
            send(tx, Piece::Bytes(buf), idle)?;
        }
        if last {
            return Some(total);
        }
    }
}

/// Sends `piece`, doing `idle` work while the channel is full; `None` when the scan has stopped.
fn send(tx: &SyncSender<Piece>, mut piece: Piece, idle: &mut impl FnMut() -> bool) -> Option<()> {
    loop {
        match tx.try_send(piece) {
            Ok(()) => return Some(()),
            Err(TrySendError::Full(p)) if idle() => piece = p,
            Err(TrySendError::Full(p)) => return tx.send(p).ok(),
            Err(TrySendError::Disconnected(_)) => return None,
        }
    }
}

/// The length of `b` without a UTF-8 character cut at its end (whatever else it holds).
fn whole_chars(b: &[u8]) -> usize {
    let n = b.len();
    for back in 1..=n.min(3) {
        let c = b[n - back];
        if c & 0xC0 != 0x80 {
            let len = match c {
                0xF0.. => 4,
                0xE0.. => 3,
                0xC0.. => 2,
                _ => 1,
            };
            return if len > back { n - back } else { n };
        }
    }
    n
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn expected(texts: &[&str]) -> Prepared {
        Prepared {
            lines: texts
                .iter()
                .enumerate()
                .map(|(i, t)| prepare_line(i, t))
                .collect(),
            text_len: texts.iter().map(|t| t.len() + 1).sum(),
        }
    }

    /// While the scan has not taken the last piece sent, the unpacking thread cleans the lines
    /// already read instead of waiting: all of them before the next piece goes through, in
    /// order, as one cleaning at the end would give them.
    #[test]
    fn a_full_channel_leaves_time_to_clean_the_lines_read() {
        let (tx, rx) = sync_channel::<Piece>(1);
        tx.send(Piece::Bytes(vec![0])).unwrap();
        let (batch_tx, batch_rx) = channel::<Batch>();
        let texts = ["Sở  Tư pháp", "- Thời hạn:\tquý II", "Ủy ban"];
        batch_tx
            .send((0, vec![texts[0].into(), texts[1].into()]))
            .unwrap();
        batch_tx.send((2, vec![texts[2].into()])).unwrap();
        let queue = Mutex::new(batch_rx);
        let mut cleaner = Cleaner::new(&queue);
        let mut taken = Vec::new();
        let cleaned = |c: &Cleaner<'_>| c.done.batches.iter().map(|(_, l)| l.len()).sum::<usize>();
        send(&tx, Piece::Bytes(vec![1]), &mut || {
            let before = cleaned(&cleaner);
            let open = cleaner.clean_next(Duration::ZERO);
            if cleaned(&cleaner) == before {
                // Nothing left to clean: the scan takes its piece, which frees the channel.
                taken.push(before);
                assert!(rx.try_recv().is_ok());
            }
            open
        })
        .unwrap();
        assert_eq!(taken, [3]);
        drop(batch_tx);
        // No batch can come any more: the unpacking thread's send would wait for the scan.
        assert!(!cleaner.clean_next(Duration::from_secs(60)));
        let other = Cleaner::new(&queue).finish();
        let p = Cleaned::join(cleaner.finish(), other).unwrap();
        assert_eq!(p, expected(&texts));
    }

    /// The batches left at the end, taken by both threads in any interleaving, join into the
    /// lines in order; a batch missing, given twice, or holding a line break gives nothing.
    #[test]
    fn both_threads_share_the_last_batches() {
        let texts: Vec<String> = (0..1000)
            .map(|i| format!("Dòng  {i}:\tSở Tư pháp"))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut lines: Vec<SourceLine> = texts
            .iter()
            .map(|t| SourceLine {
                text: t.clone(),
                origin: super::super::super::Origin::Paragraph(1),
            })
            .collect();
        let (batch_tx, batch_rx) = channel::<Batch>();
        let mut sent = 0;
        send_lines(&mut lines[..300], &mut sent, &batch_tx, false);
        send_lines(&mut lines, &mut sent, &batch_tx, true);
        assert_eq!(sent, 1000);
        drop(batch_tx);
        let queue = Mutex::new(batch_rx);
        let (a, b) = std::thread::scope(|s| {
            let there = s.spawn(|| Cleaner::new(&queue).finish());
            let here = Cleaner::new(&queue).finish();
            (here, there.join().unwrap())
        });
        assert_eq!(Cleaned::join(a, b).unwrap(), expected(&refs));

        let part = |batches: Vec<(usize, Vec<Line>)>| Cleaned {
            batches,
            text_len: 0,
            ok: true,
        };
        let line = |i: usize| prepare_line(i, "x");
        let gap = Cleaned::join(
            part(vec![(0, vec![line(0)])]),
            part(vec![(2, vec![line(2)])]),
        );
        assert!(gap.is_none());
        let twice = Cleaned::join(
            part(vec![(0, vec![line(0)])]),
            part(vec![(0, vec![line(0)])]),
        );
        assert!(twice.is_none());
        let (tx, rx) = channel::<Batch>();
        tx.send((0, vec!["a\nb".into()])).unwrap();
        drop(tx);
        let queue = Mutex::new(rx);
        let broken = Cleaned::join(Cleaner::new(&queue).finish(), part(Vec::new()));
        assert!(broken.is_none());
    }

    #[test]
    fn whole_chars_keeps_a_cut_character_for_the_next_piece() {
        let s = "aỦ€𝄞b".as_bytes();
        for cut in 0..=s.len() {
            let w = whole_chars(&s[..cut]);
            assert!(std::str::from_utf8(&s[..w]).is_ok(), "{cut}");
            assert!(cut - w <= 3);
            // Nothing is held back when the piece ends on a whole character.
            if std::str::from_utf8(&s[..cut]).is_ok() {
                assert_eq!(w, cut);
            }
        }
    }
}
