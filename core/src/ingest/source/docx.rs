//! Word `.docx` (Office Open XML, ECMA-376) → lines of text as a reader sees them.
//!
//! - Body paragraphs (`w:p`) in document order, each followed by a blank line (a paragraph is a
//!   block, as in the text form of a plan); a soft line break (`w:br`, `w:cr`) starts a new line
//!   inside the block; a tab (`w:tab`) is a space.
//! - Word's automatic numbering, direct (`w:numPr`) or from the paragraph style, is written out
//!   as the label Word shows (`II.`, `1.`, `a)`, `-`), see [`super::numbering`].
//! - Tables (`w:tbl`) become pipe-table lines `| a | b |`, one per row; paragraphs within a cell
//!   are joined by `<br>` (as pandoc writes them); a cell merged across columns (`w:gridSpan`)
//!   is followed by empty cells, one merged down from the row above (`w:vMerge`) repeats the text
//!   shown in the merged cell. A table nested in a cell is flattened into the cell.
//! - Tracked changes are read as accepted: deleted text (`w:del`, `w:moveFrom`) is dropped,
//!   inserted text (`w:ins`, `w:moveTo`) kept; field instructions (`w:instrText`) are dropped and
//!   field results kept; hidden text (`w:vanish`) is dropped; of alternative content
//!   (`mc:AlternateContent`) only the first choice is read.
//! - Page headers/footers, footnotes and comments are not read: they carry no duties (running
//!   headers and page numbers would only be page furniture). A text box anchored in a paragraph
//!   comes out as paragraphs just before that paragraph.

use std::borrow::Cow;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use zip::ZipArchive;

use super::numbering::{Label, NumRef, Numbering};
use super::xml::{attr, entity, local, local_name, XmlError};
use super::{Origin, SourceError, SourceLine, DOCX_MAX_ENTRIES, DOCX_MAX_UNCOMPRESSED};

#[cfg(not(target_arch = "wasm32"))]
mod overlapped;

const DOCUMENT: &str = "word/document.xml";
const NUMBERING: &str = "word/numbering.xml";
const STYLES: &str = "word/styles.xml";

/// Reads the body of a .docx into lines.
///
/// On native targets a large `word/document.xml` is unpacked on a second thread while this
/// one scans what has arrived (see [`overlapped`]); anything unusual there (an error, a part
/// not UTF-8, a budget exceeded) and every small or `wasm32` read go through [`read_in_turn`],
/// which gives the result and the errors.
pub(crate) fn read(bytes: &[u8], name: &str) -> Result<Vec<SourceLine>, SourceError> {
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(lines) = overlapped::read(bytes, name, overlapped::Sizes::DEFAULT) {
        return Ok(lines);
    }
    read_in_turn(bytes, name)
}

/// Lines of the text reader ([`crate::ingest::text::prepare_line`] on each line of the
/// document's text, in order) and the length of that text.
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(crate) struct Prepared {
    pub lines: Vec<crate::ingest::text::Line>,
    pub text_len: usize,
}

/// [`read`] for the text reader: on native targets the lines of a large document are also
/// cleaned for the text reader as they are read, on the unpacking thread and, once the scan is
/// done, on both (`Some`; the lines returned then keep their origins, their texts are moved
/// into the cleaned lines).
pub(crate) fn read_for_reader(
    bytes: &[u8],
    name: &str,
) -> Result<(Vec<SourceLine>, Option<Prepared>), SourceError> {
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(read) = overlapped::read_with(bytes, name, overlapped::Sizes::DEFAULT, true) {
        return Ok(read);
    }
    read_in_turn(bytes, name).map(|lines| (lines, None))
}

/// Reads the body of a .docx into lines, one part after the other on this thread.
fn read_in_turn(bytes: &[u8], name: &str) -> Result<Vec<SourceLine>, SourceError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| zip_error(name, &e))?;
    if zip.len() > DOCX_MAX_ENTRIES {
        return Err(SourceError::TooManyEntries {
            name: name.to_string(),
            entries: zip.len(),
            limit: DOCX_MAX_ENTRIES,
        });
    }
    if zip.index_for_name(DOCUMENT).is_none() {
        return Err(SourceError::NotDocx {
            name: name.to_string(),
        });
    }
    let mut budget = Budget {
        left: DOCX_MAX_UNCOMPRESSED,
    };
    let document = read_part(&mut zip, DOCUMENT, &mut budget, name)?;
    let numbering_xml = match zip.index_for_name(NUMBERING) {
        Some(_) => Some(read_part(&mut zip, NUMBERING, &mut budget, name)?),
        None => None,
    };
    let styles_xml = match zip.index_for_name(STYLES) {
        Some(_) => Some(read_part(&mut zip, STYLES, &mut budget, name)?),
        None => None,
    };
    let numbering =
        Numbering::read(numbering_xml.as_deref(), styles_xml.as_deref()).map_err(|e| {
            let part = if numbering_xml.is_some() {
                NUMBERING
            } else {
                STYLES
            };
            xml_error(name, part, e)
        })?;
    // The plain scan first; a part outside its shape is read again from the start by quick-xml.
    let plain = std::str::from_utf8(&document)
        .ok()
        .and_then(|xml| Body::new(numbering.clone()).read_plain(xml));
    match plain {
        Some(lines) => Ok(lines),
        None => Body::new(numbering)
            .read(&document)
            .map_err(|e| xml_error(name, DOCUMENT, e)),
    }
}

/// Bytes that may still be unpacked.
struct Budget {
    left: u64,
}

fn zip_error(name: &str, e: &zip::result::ZipError) -> SourceError {
    SourceError::Zip {
        name: name.to_string(),
        message: e.to_string(),
    }
}

fn xml_error(name: &str, part: &str, e: XmlError) -> SourceError {
    SourceError::Xml {
        name: name.to_string(),
        part: part.to_string(),
        position: e.position,
        message: e.message,
    }
}

/// One part of the archive, within the unpacking budget.
fn read_part(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    part: &str,
    budget: &mut Budget,
    name: &str,
) -> Result<Vec<u8>, SourceError> {
    let too_large = || SourceError::TooLarge {
        name: name.to_string(),
        limit: DOCX_MAX_UNCOMPRESSED,
    };
    let file = zip.by_name(part).map_err(|e| zip_error(name, &e))?;
    // The declared size can lie; the read below is bounded either way.
    if file.size() > budget.left {
        return Err(too_large());
    }
    let mut buf = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0));
    file.take(budget.left.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| SourceError::Zip {
            name: name.to_string(),
            message: format!("{part}: {e}"),
        })?;
    let read = u64::try_from(buf.len()).unwrap_or(u64::MAX);
    if read > budget.left {
        return Err(too_large());
    }
    budget.left -= read;
    Ok(buf)
}

/// A paragraph being read.
#[derive(Debug, Default)]
struct Para {
    text: String,
    style: Option<String>,
    num: NumRef,
}

/// How a cell is merged with the one above it (`w:vMerge`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum VMerge {
    #[default]
    None,
    Restart,
    Continue,
}

/// A table cell being read.
#[derive(Debug, Default)]
struct Cell {
    paras: Vec<String>,
    span: usize,
    vmerge: VMerge,
}

/// A table being read: finished rows (cells as text, by grid column) and the current row.
#[derive(Debug, Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Option<Vec<Cell>>,
    /// Text of the cell that starts a vertical merge, by grid column.
    merged: Vec<Option<String>>,
}

impl Table {
    /// Closes a row: cells laid out on the grid, merged cells filled.
    fn end_row(&mut self) {
        let Some(cells) = self.row.take() else { return };
        let mut out: Vec<String> = Vec::new();
        for cell in cells {
            let col = out.len();
            let text = cell_text(&cell.paras);
            let shown = match cell.vmerge {
                VMerge::Continue => self.merged.get(col).cloned().flatten().unwrap_or_default(),
                VMerge::Restart => {
                    if self.merged.len() <= col {
                        self.merged.resize(col + 1, None);
                    }
                    if let Some(m) = self.merged.get_mut(col) {
                        *m = Some(text.clone());
                    }
                    text
                }
                VMerge::None => {
                    if let Some(m) = self.merged.get_mut(col) {
                        *m = None;
                    }
                    text
                }
            };
            out.push(shown);
            for _ in 1..cell.span.max(1) {
                out.push(String::new());
            }
        }
        self.rows.push(out);
    }
}

/// Cell paragraphs joined by `<br>`; a `|` in the text is escaped so it does not split the row.
fn cell_text(paras: &[String]) -> String {
    let parts: Vec<String> = paras
        .iter()
        .map(|p| p.replace('\n', "<br>").trim().replace('|', "\\|"))
        .filter(|p| !p.is_empty())
        .collect();
    parts.join("<br>")
}

/// The reading state over `word/document.xml`.
struct Body {
    numbering: Numbering,
    out: Vec<SourceLine>,
    paras: Vec<Para>,
    tables: Vec<Table>,
    /// Depth inside an element whose content is skipped (deleted text, field instructions...).
    skip: usize,
    in_run: bool,
    in_text: bool,
    run_hidden: bool,
    in_run_props: bool,
    in_para_props: bool,
    paragraph_no: u32,
    table_no: u32,
    /// Per `mc:AlternateContent` being read: whether a choice was already taken.
    alternates: Vec<bool>,
    /// The text buffer of the last paragraph closed, emptied: the next paragraph fills it
    /// instead of growing a new one.
    spare: String,
}

/// Where a plain scan stands in a part: the next byte to read and the elements open (their
/// names as byte ranges of the part, which may grow between two calls).
#[derive(Debug, Default)]
struct Scan {
    i: usize,
    open: Vec<(usize, usize)>,
}

/// Elements whose whole content is not visible text.
fn skipped(name: &[u8]) -> bool {
    matches!(
        name,
        b"del"
            | b"moveFrom"
            | b"instrText"
            | b"delInstrText"
            | b"delText"
            | b"pPrChange"
            | b"rPrChange"
            | b"numberingChange"
            | b"tblPrChange"
            | b"tcPrChange"
            | b"trPrChange"
            | b"sectPrChange"
            | b"Fallback"
            | b"footnoteReference"
            | b"commentReference"
    )
}

impl Body {
    fn new(numbering: Numbering) -> Self {
        Body {
            numbering,
            out: Vec::new(),
            paras: Vec::new(),
            tables: Vec::new(),
            skip: 0,
            in_run: false,
            in_text: false,
            run_hidden: false,
            in_run_props: false,
            in_para_props: false,
            paragraph_no: 0,
            table_no: 0,
            alternates: Vec::new(),
            spare: String::new(),
        }
    }

    fn read(mut self, xml: &[u8]) -> Result<Vec<SourceLine>, XmlError> {
        // Text is checked as UTF-8 piece by piece as it is decoded: a part that is not UTF-8 as
        // a whole (which the plain scan needs) is still read if the text it shows is.
        let mut r = Reader::from_reader(xml);
        loop {
            let ev = r.read_event().map_err(|e| XmlError::at(&r, e))?;
            match ev {
                Event::Start(s) => self.open(&s),
                Event::Empty(s) => self.empty(&s),
                Event::End(e) => self.close(e.local_name().as_ref()),
                Event::Text(t) if self.takes_text() => {
                    let s = t
                        .xml_content(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| XmlError::at(&r, e))?;
                    self.push_text(&s);
                }
                Event::CData(t) if self.takes_text() => {
                    let s = t.decode().map_err(|e| XmlError::at(&r, e))?;
                    self.push_text(&s);
                }
                Event::GeneralRef(g) if self.takes_text() => self.push_text(&entity(&g)),
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(self.finish())
    }

    /// [`Body::read`] for a part in the plain shape Word writes: elements, attributes in quotes,
    /// text without references (`&...;`) or carriage returns, a declaration; no comments,
    /// CDATA or DTD. It scans the bytes itself, several times faster than quick-xml's general
    /// reader, and hands the same elements (as quick-xml's `BytesStart`) and the same text to the
    /// same steps. Anything outside that shape, including every error quick-xml would report
    /// (an unclosed or mismatched tag), gives `None`: the caller reads the part with quick-xml.
    fn read_plain(mut self, xml: &str) -> Option<Vec<SourceLine>> {
        let mut at = Scan::default();
        self.scan(&mut at, xml, true)?;
        self.finish_plain(&at)
    }

    /// The plain scan from where `at` stands over `xml`, the part so far (`complete`: all of
    /// it). On a part still arriving it stops before a piece (text, tag, declaration) that may
    /// go on past the end, and goes on from there when called again with more: every piece is
    /// read from the same bytes as in one call on the whole part, so the result is the same
    /// (tests below). `None`: outside the plain shape (see [`Body::read_plain`]).
    fn scan(&mut self, at: &mut Scan, xml: &str, complete: bool) -> Option<()> {
        let b = xml.as_bytes();
        // Where a piece that did not fit stops the scan: an error only on the whole part.
        let cut = |i: usize, at: &mut Scan| {
            at.i = i;
            (!complete).then_some(())
        };
        let mut i = at.i;
        while let Some(&c) = b.get(i) {
            if c != b'<' {
                let end = match find_any(b.get(i..)?, [b'<', b'&', b'<']) {
                    Some(k) if b.get(i + k) == Some(&b'&') => return None,
                    Some(k) => i + k,
                    None if complete => b.len(),
                    None => return cut(i, at),
                };
                let text = xml.get(i..end)?;
                if self.takes_text() && text.contains('\r') {
                    return None;
                }
                if self.takes_text() {
                    self.push_text(text);
                }
                i = end;
                continue;
            }
            match b.get(i + 1) {
                Some(b'/') => {
                    let Some(gt) = b
                        .get(i + 2..)
                        .and_then(|r| r.iter().position(|&c| c == b'>'))
                    else {
                        return cut(i, at);
                    };
                    let gt = i + 2 + gt;
                    let name = b.get(i + 2..gt)?;
                    match at.open.pop() {
                        Some((s, e)) if b.get(s..e) == Some(name) => {}
                        _ => return None,
                    }
                    self.close(local_name(name));
                    i = gt + 1;
                }
                Some(b'?') => {
                    let Some(k) = b
                        .get(i + 2..)
                        .and_then(|r| r.windows(2).position(|w| w == b"?>"))
                    else {
                        return cut(i, at);
                    };
                    i = i + 2 + k + 2;
                }
                Some(b'!') => return None,
                None => return cut(i, at),
                Some(_) => {
                    let Some(gt) = b.get(i + 1..).and_then(tag_end) else {
                        return cut(i, at);
                    };
                    let gt = i + 1 + gt;
                    let (content, empty) = match xml.get(i + 1..gt)? {
                        c if c.ends_with('/') => (c.get(..c.len() - 1)?, true),
                        c => (c, false),
                    };
                    let name_len = content
                        .bytes()
                        .position(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
                        .unwrap_or(content.len());
                    if name_len == 0 {
                        return None;
                    }
                    let s = BytesStart::from_content(content, name_len);
                    if empty {
                        self.empty(&s);
                    } else {
                        at.open.push((i + 1, i + 1 + name_len));
                        self.open(&s);
                    }
                    i = gt + 1;
                }
            }
        }
        at.i = i;
        Some(())
    }

    /// The lines of a part scanned to its end (`None` when an element is still open).
    fn finish_plain(self, at: &Scan) -> Option<Vec<SourceLine>> {
        if !at.open.is_empty() {
            return None;
        }
        Some(self.finish())
    }

    /// An element opens.
    fn open(&mut self, s: &BytesStart<'_>) {
        if self.skip > 0 {
            self.skip += 1;
        } else {
            // The local name is found once per element, not in each step.
            let name = local(s);
            if self.skips(name, s) {
                self.skip = 1;
            } else {
                self.start(name, s);
            }
        }
    }

    /// An empty element (`<w:br/>`).
    fn empty(&mut self, s: &BytesStart<'_>) {
        if self.skip == 0 {
            let name = local(s);
            if !self.skips(name, s) {
                self.start(name, s);
                self.end(name);
            }
        }
    }

    /// An element closes (`name` without prefix).
    fn close(&mut self, name: &[u8]) {
        if self.skip > 0 {
            self.skip -= 1;
        } else {
            self.end(name);
        }
    }

    /// The lines read, with what was open at the end closed.
    fn finish(mut self) -> Vec<SourceLine> {
        // A document cut short: what was read is kept.
        while !self.paras.is_empty() {
            self.end_paragraph();
        }
        while !self.tables.is_empty() {
            self.end_table();
        }
        self.out
    }

    /// Whether an element's content is skipped: never-visible elements, and every alternative
    /// after the first one taken.
    fn skips(&mut self, name: &[u8], s: &BytesStart<'_>) -> bool {
        if skipped(name) {
            return true;
        }
        if name == b"Choice" {
            if let Some(taken) = self.alternates.last_mut() {
                if *taken {
                    return true;
                }
                *taken = true;
            }
        }
        if name == b"vanish" && self.in_run_props {
            self.run_hidden = attr(s, b"val").is_none_or(|v| v != "0" && v != "false");
        }
        false
    }

    fn takes_text(&self) -> bool {
        self.skip == 0 && self.in_text && !self.run_hidden
    }

    fn push_text(&mut self, s: &str) {
        if let Some(p) = self.paras.last_mut() {
            p.text.push_str(s);
        }
    }

    fn start(&mut self, name: &[u8], s: &BytesStart<'_>) {
        match name {
            b"p" => self.paras.push(Para {
                text: std::mem::take(&mut self.spare),
                ..Para::default()
            }),
            b"pPr" => self.in_para_props = true,
            b"pStyle" if self.in_para_props => {
                if let Some(p) = self.paras.last_mut() {
                    p.style = attr(s, b"val");
                }
            }
            b"numId" if self.in_para_props => {
                if let Some(p) = self.paras.last_mut() {
                    p.num.num_id = attr(s, b"val");
                }
            }
            b"ilvl" if self.in_para_props => {
                if let Some(p) = self.paras.last_mut() {
                    p.num.ilvl = attr(s, b"val").and_then(|v| v.trim().parse().ok());
                }
            }
            b"r" => {
                self.in_run = true;
                self.run_hidden = false;
            }
            b"rPr" if self.in_run => self.in_run_props = true,
            b"t" if self.in_run => self.in_text = true,
            b"tab" if self.in_run && !self.in_run_props => self.push_text(" "),
            b"br" | b"cr" if self.in_run && !self.run_hidden => self.push_text("\n"),
            b"noBreakHyphen" if self.in_run && !self.run_hidden => self.push_text("-"),
            b"sym" if self.in_run && !self.run_hidden => {
                // Symbol-font glyphs sit in the private-use area: not text.
                let c = attr(s, b"char")
                    .and_then(|h| u32::from_str_radix(h.trim(), 16).ok())
                    .and_then(char::from_u32)
                    .filter(|c| !('\u{E000}'..='\u{F8FF}').contains(c));
                if let Some(c) = c {
                    self.push_text(&c.to_string());
                }
            }
            b"tbl" => self.tables.push(Table::default()),
            b"tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.row = Some(Vec::new());
                }
            }
            b"tc" => {
                if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    row.push(Cell {
                        span: 1,
                        ..Cell::default()
                    });
                }
            }
            b"gridSpan" => {
                if let Some(c) = self.current_cell() {
                    c.span = attr(s, b"val")
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(1)
                        .clamp(1, 64);
                }
            }
            b"vMerge" => {
                if let Some(c) = self.current_cell() {
                    c.vmerge = match attr(s, b"val").as_deref() {
                        Some("restart") => VMerge::Restart,
                        _ => VMerge::Continue,
                    };
                }
            }
            b"AlternateContent" => self.alternates.push(false),
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) {
        match name {
            b"p" => self.end_paragraph(),
            b"pPr" => self.in_para_props = false,
            b"r" => {
                self.in_run = false;
                self.run_hidden = false;
            }
            b"rPr" => self.in_run_props = false,
            b"t" => self.in_text = false,
            b"tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.end_row();
                }
            }
            b"tbl" => self.end_table(),
            b"AlternateContent" => {
                self.alternates.pop();
            }
            _ => {}
        }
    }

    fn current_cell(&mut self) -> Option<&mut Cell> {
        self.tables
            .last_mut()
            .and_then(|t| t.row.as_mut())
            .and_then(|r| r.last_mut())
    }

    fn end_paragraph(&mut self) {
        let Some(mut p) = self.paras.pop() else {
            return;
        };
        self.in_para_props = false;
        let label = self.numbering.label(&p.num, p.style.as_deref());
        {
            let text = labelled(label, &p.text);
            if let Some(cell) = self.current_cell() {
                cell.paras.push(text.into_owned());
            } else if !self.tables.is_empty() {
                // A paragraph in a table but outside any cell: a broken file; keep the text.
                if let Some(t) = self.tables.last_mut() {
                    t.rows.push(vec![text.into_owned()]);
                }
            } else {
                self.body_lines(&text);
            }
        }
        p.text.clear();
        self.spare = p.text;
    }

    /// A body paragraph's lines, then the blank line that ends its block.
    fn body_lines(&mut self, text: &str) {
        self.paragraph_no += 1;
        let origin = Origin::Paragraph(self.paragraph_no);
        for line in text.split('\n') {
            self.out.push(SourceLine {
                text: line.trim_end().to_string(),
                origin,
            });
        }
        self.out.push(SourceLine {
            text: String::new(),
            origin,
        });
    }

    fn end_table(&mut self) {
        let Some(mut t) = self.tables.pop() else {
            return;
        };
        t.end_row();
        if let Some(cell) = self.current_cell() {
            // A table nested in a cell: its rows become lines of the cell.
            for row in &t.rows {
                let cells: Vec<&str> = row
                    .iter()
                    .map(String::as_str)
                    .filter(|c| !c.is_empty())
                    .collect();
                cell.paras.push(cells.join(" "));
            }
            return;
        }
        self.table_no += 1;
        let table = self.table_no;
        let mut last = Origin::TableRow { table, row: 0 };
        for (i, row) in t.rows.iter().enumerate() {
            last = Origin::TableRow {
                table,
                row: u32::try_from(i + 1).unwrap_or(u32::MAX),
            };
            self.out.push(SourceLine {
                text: format!("| {} |", row.join(" | ")),
                origin: last,
            });
        }
        self.out.push(SourceLine {
            text: String::new(),
            origin: last,
        });
    }
}

/// Where the `>` that ends a tag is in `b` (the tag after its `<`): the first one outside quoted
/// attribute values, as quick-xml finds it.
fn tag_end(b: &[u8]) -> Option<usize> {
    let mut k = 0;
    loop {
        let j = k + find_any(b.get(k..)?, [b'>', b'"', b'\''])?;
        let c = *b.get(j)?;
        if c == b'>' {
            return Some(j);
        }
        // A quoted attribute value: its end, then on.
        k = j + 2 + find_any(b.get(j + 1..)?, [c, c, c])?;
    }
}

/// The first byte of `hay` that is one of `set`, eight bytes at a time (markup is most of a
/// part, and its runs between stops are longer than a per-byte loop or a vector search with
/// its set-up cost pays for).
fn find_any(hay: &[u8], set: [u8; 3]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let splat = set.map(|c| u64::from(c) * LO);
    let mut chunks = hay.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // A byte of `x ^ splat` is zero where `x` has that stop; the lowest flagged byte is
        // exact (a false flag can only sit above a true one).
        let zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
        let hits = zero(x ^ splat[0]) | zero(x ^ splat[1]) | zero(x ^ splat[2]);
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|c| set.contains(c))
        .map(|k| at + k)
}

/// The paragraph as shown: its label, then its text (borrowed when it has no label).
fn labelled(label: Option<Label>, text: &str) -> Cow<'_, str> {
    match label {
        Some(l) if !l.text.is_empty() => {
            let text = text.trim_start();
            let mut out = l.text;
            out.reserve(text.len() + 1);
            if l.space_after {
                out.push(' ');
            }
            out.push_str(text);
            Cow::Owned(out)
        }
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

    fn docx(parts: &[(&str, String)]) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in parts {
            z.start_file(*name, opts).unwrap();
            z.write_all(body.as_bytes()).unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    fn body(inner: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{inner}</w:body></w:document>"#
        )
    }

    fn lines(bytes: &[u8]) -> Vec<String> {
        read(bytes, "t.docx")
            .unwrap()
            .into_iter()
            .map(|l| l.text)
            .collect()
    }

    fn p(inner: &str) -> String {
        format!("<w:p>{inner}</w:p>")
    }

    fn r(text: &str) -> String {
        format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#)
    }

    #[test]
    fn runs_breaks_tabs_entities_and_tracked_changes() {
        let xml = body(&[
            p(&format!(
                "{}<w:r><w:tab/><w:t>B</w:t><w:br/><w:t>C &amp; D&#x1EA0;</w:t></w:r>",
                r("A")
            )),
            p(&format!(
                r#"{}<w:ins w:id="1"><w:r><w:t>kept</w:t></w:r></w:ins><w:del w:id="2"><w:r><w:delText>dropped</w:delText></w:r></w:del>"#,
                r("x ")
            )),
            // A field: the instruction is dropped, the result kept.
            p(r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#),
            // Hidden text and the second alternative are not shown.
            p(&format!(
                r#"<w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r>{}<mc:AlternateContent><mc:Choice Requires="wps"><w:r><w:t>choice</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>fallback</w:t></w:r></mc:Fallback></mc:AlternateContent>"#,
                r("seen ")
            )),
            // Tab stops in paragraph properties are no text.
            p(&format!(
                r#"<w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>{}"#,
                r("end")
            )),
        ]
        .concat());
        let got = lines(&docx(&[("word/document.xml", xml)]));
        assert_eq!(
            got,
            [
                "A B",
                "C & DẠ",
                "",
                "x kept",
                "",
                "7",
                "",
                "seen choice",
                "",
                "end",
                ""
            ]
        );
    }

    #[test]
    fn numbering_direct_and_by_style() {
        let numbering = format!(
            r#"<w:numbering {W}><w:abstractNum w:abstractNumId="5"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl><w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl></w:abstractNum><w:num w:numId="3"><w:abstractNumId w:val="5"/></w:num></w:numbering>"#
        );
        let styles = format!(
            r#"<w:styles {W}><w:style w:type="paragraph" w:styleId="Muc"><w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style></w:styles>"#
        );
        let num = |l: u8, t: &str| {
            p(&format!(
                r#"<w:pPr><w:numPr><w:ilvl w:val="{l}"/><w:numId w:val="3"/></w:numPr></w:pPr>{}"#,
                r(t)
            ))
        };
        let sec = |t: &str| {
            p(&format!(
                r#"<w:pPr><w:pStyle w:val="Muc"/></w:pPr>{}"#,
                r(t)
            ))
        };
        let xml = body(
            &[
                sec("MỤC ĐÍCH"),
                num(1, "Mục đích"),
                num(2, "Một"),
                num(2, "Hai"),
                sec("NHIỆM VỤ"),
                num(1, "Tuyên truyền"),
                num(2, "Ba"),
            ]
            .concat(),
        );
        let got = lines(&docx(&[
            ("word/document.xml", xml),
            ("word/numbering.xml", numbering),
            ("word/styles.xml", styles),
        ]));
        let shown: Vec<&str> = got
            .iter()
            .map(String::as_str)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(
            shown,
            [
                "I. MỤC ĐÍCH",
                "1. Mục đích",
                "a) Một",
                "b) Hai",
                "II. NHIỆM VỤ",
                "1. Tuyên truyền",
                "a) Ba"
            ]
        );
    }

    #[test]
    fn tables_as_pipe_rows_with_merges() {
        let tc = |props: &str, paras: &[&str]| {
            let ps: String = paras.iter().map(|t| p(&r(t))).collect();
            format!("<w:tc><w:tcPr>{props}</w:tcPr>{ps}</w:tc>")
        };
        let tr = |cells: &[String]| format!("<w:tr>{}</w:tr>", cells.concat());
        let xml = body(&format!(
            "{}<w:tbl>{}{}{}{}</w:tbl>{}",
            p(&r("before")),
            tr(&[
                tc("", &["STT"]),
                tc("", &["Nội dung"]),
                tc("", &["Cơ quan chủ trì"])
            ]),
            tr(&[
                tc("", &["I"]),
                tc(r#"<w:gridSpan w:val="2"/>"#, &["NHIỆM VỤ CHUNG"])
            ]),
            tr(&[
                tc("", &["1"]),
                tc("", &["Rà soát", "văn bản a|b"]),
                tc(r#"<w:vMerge w:val="restart"/>"#, &["Công an tỉnh"]),
            ]),
            tr(&[
                tc("", &["2"]),
                tc("", &["Tập huấn"]),
                tc("<w:vMerge/>", &[])
            ]),
            p(&r("after")),
        ));
        let doc = read(&docx(&[("word/document.xml", xml)]), "t.docx").unwrap();
        let got: Vec<(&str, Origin)> = doc.iter().map(|l| (l.text.as_str(), l.origin)).collect();
        let row = |row| Origin::TableRow { table: 1, row };
        assert_eq!(
            got,
            [
                ("before", Origin::Paragraph(1)),
                ("", Origin::Paragraph(1)),
                ("| STT | Nội dung | Cơ quan chủ trì |", row(1)),
                ("| I | NHIỆM VỤ CHUNG |  |", row(2)),
                ("| 1 | Rà soát<br>văn bản a\\|b | Công an tỉnh |", row(3)),
                ("| 2 | Tập huấn | Công an tỉnh |", row(4)),
                ("", row(4)),
                ("after", Origin::Paragraph(2)),
                ("", Origin::Paragraph(2)),
            ]
        );
    }

    /// The plain scan and quick-xml's reader over one `word/document.xml`: the scan's lines
    /// (`None`: it sent the part to quick-xml) and quick-xml's.
    fn both_ways(xml: &str) -> (Option<Vec<SourceLine>>, Result<Vec<SourceLine>, XmlError>) {
        let plain = Body::new(Numbering::default()).read_plain(xml);
        let general = Body::new(Numbering::default()).read(xml.as_bytes());
        (plain, general)
    }

    #[test]
    fn plain_scan_reads_as_quick_xml_does() {
        let cases = [
            // Quotes, `>` and `/` inside attribute values; whitespace and line ends in tags.
            p(r#"<w:r><w:t xml:space='preserve' >a > b</w:t><w:sym w:font="x>y" w:char="0041"/></w:r>"#),
            p("<w:r\n\t><w:t>tab</w:t><w:tab\r\n/><w:t>x</w:t></w:r>"),
            p(r#"<w:pPr><w:rPr><w:vanish w:val="a/b"/></w:rPr></w:pPr><w:r><w:rPr><w:vanish w:val='0'/></w:rPr><w:t>shown</w:t></w:r>"#),
            // Names without prefix, and a prefix other than `w:`.
            "<p><r><t>bare</t></r></p><x:p><x:r><x:t>other</x:t></x:r></x:p>".to_string(),
            // A table with a nested table and a text box in a paragraph.
            format!(
                "<w:tbl><w:tr><w:tc>{}<w:tbl><w:tr><w:tc>{}</w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>",
                p(&r("outer")),
                p(&r("inner"))
            ),
            p(&format!("<w:r><w:pict><w:txbxContent>{}</w:txbxContent></w:pict></w:r>{}", p(&r("box")), r("after"))),
            // Text outside `w:t`, Vietnamese text, CR/LF outside text.
            p("\r\n<w:r>ignored<w:t>Ủy ban nhân dân</w:t></w:r>\r\n"),
        ];
        for inner in &cases {
            let xml = format!("\u{FEFF}{}", body(inner));
            let (plain, general) = both_ways(&xml);
            assert_eq!(plain, Some(general.unwrap()), "{inner}");
        }
        // A document cut short inside an element, after a declaration.
        let cut = body(&p(&r("cut"))).replace("</w:body></w:document>", "");
        let (plain, general) = both_ways(&cut);
        assert!(plain.is_none() && general.is_ok(), "{plain:?}");
    }

    #[test]
    fn plain_scan_leaves_other_shapes_to_quick_xml() {
        // Entities, comments, CDATA, a carriage return in text, a mismatched or stray end tag,
        // an unterminated tag: the scan gives up, and `read` returns quick-xml's result.
        let cases = [
            p(&r("a &amp; b")),
            format!("<!-- c -->{}", p(&r("a"))),
            p("<w:r><w:t><![CDATA[x]]></w:t></w:r>"),
            p(&r("a\r\nb")),
            "<w:p><w:r><w:t>a</w:t></w:x></w:p>".to_string(),
            "</w:p>".to_string(),
            "<w:p><w:r".to_string(),
            "<w:p></w:p >".to_string(),
        ];
        for inner in &cases {
            let xml = body(inner);
            let (plain, general) = both_ways(&xml);
            assert!(plain.is_none(), "{inner}: {plain:?}");
            let via_read = read(&docx(&[("word/document.xml", xml)]), "t.docx");
            match (general, via_read) {
                (Ok(g), Ok(v)) => assert_eq!(g, v, "{inner}"),
                (Err(_), Err(SourceError::Xml { .. })) => {}
                (g, v) => panic!("{inner}: quick-xml {g:?}, read {v:?}"),
            }
        }
    }

    #[test]
    fn find_any_finds_the_first_stop() {
        let hay: Vec<u8> = (0..40u8).map(|k| b'a' + k % 20).collect();
        for start in 0..hay.len() {
            for stop in [b'<', b'>', b'"'] {
                let mut h = hay.clone();
                h[start] = stop;
                if start + 5 < h.len() {
                    h[start + 5] = b'"';
                }
                assert_eq!(find_any(&h, [b'<', b'>', b'"']), Some(start), "{start}");
                assert_eq!(find_any(&h[..start], [stop, stop, stop]), None);
            }
        }
        // Bytes above 0x80 (UTF-8) do not flag.
        let vi = "Ủy ban nhân dân tỉnh>";
        assert_eq!(find_any(vi.as_bytes(), [b'>'; 3]), Some(vi.len() - 1));
    }

    #[test]
    fn broken_parts_are_named() {
        let xml = body("<w:p><w:r><w:t>a</w:t></w:r></w:x></w:p>");
        let e = read(&docx(&[("word/document.xml", xml)]), "t.docx").unwrap_err();
        assert!(
            matches!(&e, SourceError::Xml { part, .. } if part == "word/document.xml"),
            "{e}"
        );
        let e = read(&docx(&[("word/other.xml", body(""))]), "t.docx").unwrap_err();
        assert!(matches!(e, SourceError::NotDocx { .. }), "{e}");
    }

    /// Pieces of Word XML, well and badly formed, that random documents are made of.
    const PIECES: &[&str] = &[
        "<w:p>",
        "</w:p>",
        "<w:r>",
        "</w:r>",
        "<w:t>",
        "</w:t>",
        "<w:t xml:space=\"preserve\">",
        "<w:tab/>",
        "<w:br/>",
        "<w:br w:type='page'/>",
        "<w:pPr>",
        "</w:pPr>",
        "<w:rPr>",
        "</w:rPr>",
        "<w:vanish/>",
        "<w:vanish w:val=\"0\"/>",
        "<w:tbl>",
        "</w:tbl>",
        "<w:tr>",
        "</w:tr>",
        "<w:tc>",
        "</w:tc>",
        "<w:del>",
        "</w:del>",
        "<w:delText>",
        "</w:delText>",
        "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>",
        "<w:sym w:font=\"x>y\" w:char=\"0041\"/>",
        "<w:r\n\t>",
        "<w:tab\r\n/>",
        "</w:p >",
        "Ủy ban nhân dân",
        "a > b",
        " ",
        "\n",
        "\r\n",
        "&amp;",
        "&#x41;",
        "<!-- c -->",
        "<![CDATA[x]]>",
        "<",
        ">",
        "/",
        "\"",
        "'",
        "=",
        "<w:",
        "<?pi x?>",
        "</w:x>",
        "<x:p>",
        "</x:p>",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

        /// The plain scan is only a faster way to the same lines: on any document it either
        /// gives up (and quick-xml reads it) or gives exactly what quick-xml gives; it never
        /// reads a document that quick-xml refuses.
        #[test]
        fn the_plain_scan_agrees_with_quick_xml_or_gives_up(
            picks in proptest::collection::vec(0..PIECES.len(), 0..60)
        ) {
            let inner: String = picks.iter().filter_map(|&k| PIECES.get(k).copied()).collect();
            let xml = body(&inner);
            let (plain, general) = both_ways(&xml);
            if let Some(lines) = plain {
                match general {
                    Ok(g) => proptest::prop_assert_eq!(lines, g, "{}", inner),
                    Err(e) => proptest::prop_assert!(false, "quick-xml refuses {inner:?} ({e:?}); the scan read it"),
                }
            }
        }
    }

    /// Elements that wrap others, as their opening and closing tags.
    const PAIRS: &[(&str, &str)] = &[
        ("<w:p>", "</w:p>"),
        ("<w:r>", "</w:r>"),
        ("<w:t>", "</w:t>"),
        ("<w:t xml:space=\"preserve\">", "</w:t>"),
        ("<w:pPr>", "</w:pPr>"),
        ("<w:rPr>", "</w:rPr>"),
        ("<w:tbl>", "</w:tbl>"),
        ("<w:tr>", "</w:tr>"),
        ("<w:tc>", "</w:tc>"),
        ("<w:del>", "</w:del>"),
        ("<w:delText>", "</w:delText>"),
        ("<x:p>", "</x:p>"),
        ("<w:r\n\t>", "</w:r>"),
        ("<w:pict><w:txbxContent>", "</w:txbxContent></w:pict>"),
    ];

    /// Texts and empty elements.
    const LEAVES: &[&str] = &[
        "Ủy ban nhân dân",
        "a > b",
        "x",
        " ",
        "\n",
        "\r\n",
        "&amp;",
        "<w:tab/>",
        "<w:br/>",
        "<w:br w:type='page'/>",
        "<w:vanish/>",
        "<w:vanish w:val=\"0\"/>",
        "<w:tab\r\n/>",
        "<w:sym w:font=\"x>y\" w:char=\"0041\"/>",
        "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>",
    ];

    /// Well-formed XML of any nesting, of Word's elements.
    fn any_tree() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let leaf = (0..LEAVES.len()).prop_map(|k| LEAVES.get(k).copied().unwrap_or("").to_string());
        leaf.prop_recursive(5, 80, 6, |inner| {
            (0..PAIRS.len(), proptest::collection::vec(inner, 0..6)).prop_map(|(k, kids)| {
                let (open, close) = PAIRS.get(k).copied().unwrap_or(("", ""));
                format!("{open}{}{close}", kids.concat())
            })
        })
    }

    /// Paragraphs as Word writes them: runs of text, tabs and breaks, some hidden, some in
    /// tables, some numbered.
    fn word_paragraphs() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let text = prop_oneof![
            Just("Ủy ban nhân dân"),
            Just("a > b"),
            Just("1. Sở Tư pháp"),
            Just(" "),
            Just("x\ny"),
            Just("&amp;"),
            Just("a\r\nb"),
            Just("\"trích\" 'dẫn' / 20/4/2026"),
        ];
        let piece = prop_oneof![
            4 => text.prop_map(|t| format!("<w:t xml:space=\"preserve\">{t}</w:t>")),
            1 => Just("<w:tab/>".to_string()),
            1 => Just("<w:br/>".to_string()),
        ];
        let run = (
            proptest::bool::weighted(0.2),
            proptest::collection::vec(piece, 1..4),
        )
            .prop_map(|(hidden, pieces)| {
                let props = if hidden {
                    "<w:rPr><w:vanish/></w:rPr>"
                } else {
                    ""
                };
                format!("<w:r>{props}{}</w:r>", pieces.concat())
            });
        let para = (
            proptest::bool::weighted(0.3),
            proptest::collection::vec(run, 0..4),
        )
            .prop_map(|(numbered, runs)| {
                let props = if numbered {
                    "<w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>"
                } else {
                    ""
                };
                format!("<w:p>{props}{}</w:p>", runs.concat())
            });
        para.prop_recursive(2, 40, 4, |inner| {
            proptest::collection::vec(proptest::collection::vec(inner, 1..3), 1..3).prop_map(
                |cells| {
                    let tcs: String = cells
                        .iter()
                        .map(|c| format!("<w:tc>{}</w:tc>", c.concat()))
                        .collect();
                    format!("<w:tbl><w:tr>{tcs}</w:tr></w:tbl>")
                },
            )
        })
    }

    fn word_tree() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![3 => word_paragraphs(), 1 => any_tree()]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// On well-formed documents the scan gives quick-xml's lines, and it reads every one
        /// without references, carriage returns in text, comments or CDATA itself.
        #[test]
        fn the_plain_scan_reads_well_formed_word_xml_as_quick_xml_does(
            trees in proptest::collection::vec(word_tree(), 1..4)
        ) {
            let inner = trees.concat();
            let xml = body(&inner);
            let (plain, general) = both_ways(&xml);
            let general = general.map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e:?}")))?;
            match plain {
                Some(lines) => proptest::prop_assert_eq!(lines, general, "{}", inner),
                None => proptest::prop_assert!(
                    inner.contains('&') || inner.contains('\r'),
                    "the scan gave up on a plain document: {inner:?}"
                ),
            }
        }
    }

    /// Overlapped reads on every piece size from 1 byte, any queue, no minimum part size.
    fn overlapped_ways(bytes: &[u8], pieces: impl IntoIterator<Item = usize>) {
        let in_turn = read_in_turn(bytes, "t.docx").ok();
        for piece in pieces {
            for queue in [1, 3] {
                let sizes = overlapped::Sizes {
                    min_part: 0,
                    piece,
                    queue,
                };
                assert_eq!(
                    overlapped::read(bytes, "t.docx", sizes),
                    in_turn,
                    "piece {piece}, queue {queue}"
                );
            }
        }
    }

    #[test]
    fn overlapped_reads_the_format_fixtures_as_in_turn() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/formats");
        let mut n = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.extension().is_some_and(|x| x == "docx") {
                let bytes = std::fs::read(&path).unwrap();
                assert!(read_in_turn(&bytes, "t.docx").is_ok(), "{path:?}");
                overlapped_ways(&bytes, [1, 2, 3, 7, 64, 1000, 4097, 5000, 9000, 1 << 20]);
                n += 1;
            }
        }
        assert!(n >= 6, "{n} fixtures");
    }

    #[test]
    fn lines_cleaned_while_reading_are_the_text_readers_lines() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/formats");
        let options = crate::ingest::ParseOptions::new("t");
        let mut n = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.extension().is_none_or(|x| x != "docx") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let in_turn = super::super::SourceText {
                format: super::super::SourceFormat::Docx,
                lines: read_in_turn(&bytes, "t.docx").unwrap(),
            };
            let text = in_turn.text();
            assert!(!text.is_empty());
            for piece in [7, 1000, 1 << 20] {
                let sizes = overlapped::Sizes {
                    min_part: 0,
                    piece,
                    queue: 2,
                };
                let (lines, prepared) =
                    overlapped::read_with(&bytes, "t.docx", sizes, true).unwrap();
                let origins = |l: &[SourceLine]| l.iter().map(|l| l.origin).collect::<Vec<_>>();
                assert_eq!(origins(&lines), origins(&in_turn.lines), "{path:?}");
                // Not read by the plain scan (an entity `&amp;`): the lines as in turn, to be
                // joined into the text.
                let Some(p) = prepared else {
                    assert_eq!(lines, in_turn.lines, "{path:?}");
                    continue;
                };
                n += 1;
                assert_eq!(p.text_len, text.len());
                assert_eq!(p.lines, crate::ingest::text::prepare(&text), "{path:?}");
                assert_eq!(
                    crate::ingest::parse_prepared(p.lines, p.text_len, &options),
                    crate::ingest::parse_plan(&text, &options),
                    "{path:?}"
                );
            }
        }
        // Five of the six fixtures, at three piece sizes.
        assert!(n >= 15, "{n}");
    }

    #[test]
    fn overlapped_leaves_what_is_not_plain_or_utf8_to_the_reading_in_turn() {
        // Entities and a comment: quick-xml reads them in either way.
        overlapped_ways(
            &docx(&[(
                "word/document.xml",
                body(&format!("<!-- c -->{}", p(&r("Ủy ban &amp; sở")))),
            )]),
            1..40,
        );
        // Text runs and tags longer than a piece, cut anywhere, and a text run over 1 MB.
        let long = format!(
            "{}<w:p><w:pPr><w:pStyle w:val=\"{}\"/></w:pPr>{}</w:p>{}",
            p(&r(&"Ủy ban nhân dân tỉnh ".repeat(3000))),
            "x".repeat(20000),
            r("sau"),
            p(&r("cuối"))
        );
        overlapped_ways(
            &docx(&[("word/document.xml", body(&long))]),
            [1, 100, 4095, 4096, 4097, 5000, 9000, 30000],
        );
        let huge = p(&r(&"Sở Tư pháp chủ trì; ".repeat(50_000)));
        overlapped_ways(&docx(&[("word/document.xml", body(&huge))]), [100_000]);
        // Not UTF-8 (a Latin-1 byte): in turn, quick-xml reads it or says why; overlapped
        // gives the same lines or leaves it to the reading in turn.
        let xml = body(&p(&r("caf\u{e9}"))).replace('\u{e9}', "\u{1}");
        let mut bytes = xml.into_bytes();
        for b in bytes.iter_mut() {
            if *b == 1 {
                *b = 0xE9;
            }
        }
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        z.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        std::io::Write::write_all(&mut z, &bytes).unwrap();
        let doc = z.finish().unwrap().into_inner();
        for piece in 1..40 {
            let sizes = overlapped::Sizes {
                min_part: 0,
                piece,
                queue: 2,
            };
            let o = overlapped::read(&doc, "t.docx", sizes);
            if let Some(o) = o {
                assert_eq!(
                    Ok(o),
                    read_in_turn(&doc, "t.docx").map_err(|e| e.to_string())
                );
            }
        }
        // A broken document, one without the body part, and a broken numbering part (the
        // unpacking thread stops when the scan gives up early): left to the reading in turn.
        let big_body = body(&p(&r("x")).repeat(2000));
        for doc in [
            docx(&[("word/document.xml", body("<w:p><w:r></w:p>"))]),
            docx(&[("word/other.xml", body(""))]),
            docx(&[
                ("word/document.xml", big_body),
                ("word/numbering.xml", "<w:numbering><w:num".to_string()),
            ]),
        ] {
            let sizes = overlapped::Sizes {
                min_part: 0,
                piece: 5,
                queue: 1,
            };
            assert!(overlapped::read(&doc, "t.docx", sizes).is_none());
            assert!(read(&doc, "t.docx").is_err());
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// Cut into pieces anywhere, well formed or not, a document reads as in turn (an
        /// error in turn is `None` overlapped: the caller then reads it in turn).
        #[test]
        fn overlapped_reads_any_document_as_in_turn(
            picks in proptest::collection::vec(0..PIECES.len(), 0..60),
            trees in proptest::collection::vec(word_tree(), 0..3),
            piece in 1usize..64,
            queue in 1usize..4,
        ) {
            let inner: String = picks.iter().filter_map(|&k| PIECES.get(k).copied()).collect();
            for inner in [inner, trees.concat()] {
                let bytes = docx(&[("word/document.xml", body(&inner))]);
                let sizes = overlapped::Sizes { min_part: 0, piece, queue };
                proptest::prop_assert_eq!(
                    overlapped::read(&bytes, "t.docx", sizes),
                    read_in_turn(&bytes, "t.docx").ok(),
                    "{}", inner
                );
            }
        }
    }
}
