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
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender, TrySendError};

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

/// A batch of lines for the unpacking thread to clean: the index of the first, their texts.
type Batch = (usize, Vec<String>);

/// [`read`]; with `prepare`, the unpacking thread also cleans the lines the scan has read for
/// the text reader ([`prepare_line`]), batch by batch, while the scan has not taken its next
/// piece and, once the part is unpacked, up to the last batch; and
/// the lines returned keep their origins while their texts go into the [`Prepared`] lines.
/// Those are `None` when the document was not read by the plain scan, or a line holds a line
/// break (then the caller joins the lines into a text, as in turn).
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
            (Some(t), Some(r))
        }
        false => (None, None),
    };
    std::thread::scope(|s| {
        let unpacking = std::thread::Builder::new()
            .spawn_scoped(s, move || {
                let mut cleaner = line_rx.map(Cleaner::new);
                // While the scan has not taken the next piece, lines it has read are cleaned:
                // left to the end, their cleaning would come after the scan instead of beside it.
                let len = unpack(bytes, sizes.piece, &tx, &mut || {
                    cleaner.as_mut().is_some_and(Cleaner::clean_waiting)
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
                            send_lines(&mut body.out, &mut sent, tx);
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
                    send_lines(&mut lines, &mut sent, tx);
                }
                (Some(lines), true)
            }
            // Outside the plain shape or not UTF-8: quick-xml, as in turn.
            None => {
                let part = raw.unwrap_or_else(|| xml.into_bytes());
                (Body::new(numbering.numbering).read(&part).ok(), false)
            }
        };
        // The last batch is sent: the unpacking thread's batches end.
        drop(line_tx);
        let (document_len, prepared) = unpacking.join().ok()?;
        // The other parts within what the document left of the budget, as read in turn.
        fits_after(&side_sizes, document_len?)?;
        Some((lines?, prepared.flatten().filter(|_| prepared_here)))
    })
}

/// Moves the texts of the lines from `sent` on into a batch for the unpacking thread.
fn send_lines(lines: &mut [SourceLine], sent: &mut usize, tx: &Sender<Batch>) {
    let Some(new) = lines.get_mut(*sent..) else {
        return;
    };
    if new.is_empty() {
        return;
    }
    let batch = new
        .iter_mut()
        .map(|l| std::mem::take(&mut l.text))
        .collect();
    // A closed channel only means the unpacking thread stopped: it then prepares nothing.
    let _ = tx.send((*sent, batch));
    *sent = lines.len();
}

/// Cleans the batches of lines in the order they were sent, as they come: the lines and the
/// length of the text they make (each line and its `\n`). Nothing is kept if a line holds a
/// line break (it would be two lines of the text) or a batch is out of order.
struct Cleaner {
    rx: Receiver<Batch>,
    lines: Vec<Line>,
    text_len: usize,
    ok: bool,
}

impl Cleaner {
    fn new(rx: Receiver<Batch>) -> Self {
        Cleaner {
            rx,
            lines: Vec::new(),
            text_len: 0,
            ok: true,
        }
    }

    fn clean(&mut self, (start, batch): Batch) {
        self.ok &= start == self.lines.len();
        for text in batch {
            self.ok &= !text.contains(['\n', '\r']);
            if !self.ok {
                return;
            }
            self.text_len += text.len() + 1;
            self.lines.push(prepare_line(self.lines.len(), &text));
        }
    }

    /// Cleans one batch already sent, if there is one (without waiting for it).
    fn clean_waiting(&mut self) -> bool {
        match self.rx.try_recv() {
            Ok(batch) => {
                self.clean(batch);
                true
            }
            Err(_) => false,
        }
    }

    /// The remaining batches cleaned, up to the last one sent; `None` as above, or with no
    /// lines at all.
    fn finish(mut self) -> Option<Prepared> {
        while let Ok(batch) = self.rx.recv() {
            self.clean(batch);
        }
        (self.ok && !self.lines.is_empty()).then_some(Prepared {
            lines: self.lines,
            text_len: self.text_len,
        })
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
        let mut cleaner = Cleaner::new(batch_rx);
        let mut taken = Vec::new();
        send(&tx, Piece::Bytes(vec![1]), &mut || {
            if cleaner.clean_waiting() {
                return true;
            }
            // Nothing left to clean: the scan takes its piece, which frees the channel.
            taken.push(cleaner.lines.len());
            rx.try_recv().is_ok()
        })
        .unwrap();
        assert_eq!(taken, [3]);
        drop(batch_tx);
        let p = cleaner.finish().unwrap();
        let expected: Vec<Line> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| prepare_line(i, t))
            .collect();
        assert_eq!(p.lines, expected);
        assert_eq!(p.text_len, texts.iter().map(|t| t.len() + 1).sum::<usize>());
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
