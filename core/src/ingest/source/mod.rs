//! Plans as issued: `.txt`/`.md` text, Word `.docx` and `.pdf`, told apart by their content (not
//! their file name), turned into the lines the text reader ([`parse_plan`]) reads.
//!
//! - **Text**: UTF-8 (a byte-order mark is dropped) or UTF-16 with its byte-order mark. Anything
//!   else is an error naming the byte offset — a plan in a legacy Vietnamese encoding (TCVN3,
//!   VNI) must be converted to Unicode first.
//! - **.docx** (a zip archive holding `word/document.xml`): read natively, see [`docx`]. Word's
//!   automatic numbering is rebuilt into the labels (`II.`, `1.`, `a)`, `-`) the XML never holds;
//!   tables become pipe-table lines (`| a | b |`).
//! - **.pdf** (`%PDF-`): its text layer through poppler's `pdftotext`, see [`pdf`]. A PDF without
//!   text (a scan) is an error, never an empty plan.
//!
//! Every line keeps its origin (paragraph, table row, page): the plan's line numbers are those of
//! the text read from the document, and the warnings of a .docx or PDF plan name the origin too
//! (`… (paragraph 12)`). An info warning `source_format` says which format was read.

mod docx;
mod numbering;
mod pdf;
mod pdf_table;
mod xml;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::model::Severity;

use super::{parse_plan, ParseOptions, ParseOutcome};

pub use pdf::PDFTOTEXT_TIMEOUT;

/// Limits that protect against hostile archives (zip bombs): the total uncompressed size of the
/// parts read from a .docx, and the number of entries it may list.
pub const DOCX_MAX_UNCOMPRESSED: u64 = 64 * 1024 * 1024;
/// See [`DOCX_MAX_UNCOMPRESSED`].
pub const DOCX_MAX_ENTRIES: usize = 10_000;

/// The format a plan was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// UTF-8 or UTF-16 text (plain text or Markdown).
    Text,
    /// A Word document (Office Open XML).
    Docx,
    /// A PDF with a text layer.
    Pdf,
}

impl SourceFormat {
    /// Short name: `text`, `docx`, `pdf`.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Text => "text",
            SourceFormat::Docx => "docx",
            SourceFormat::Pdf => "pdf",
        }
    }
}

/// Where a line of the read text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Line of a text file (1-based).
    Line(u32),
    /// Paragraph of a .docx body, outside tables (1-based, in document order).
    Paragraph(u32),
    /// Row of a .docx table (tables and rows 1-based, in document order).
    TableRow { table: u32, row: u32 },
    /// Page of a PDF (1-based).
    Page(u32),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Line(n) => write!(f, "line {n}"),
            Origin::Paragraph(n) => write!(f, "paragraph {n}"),
            Origin::TableRow { table, row } => write!(f, "table {table}, row {row}"),
            Origin::Page(n) => write!(f, "page {n}"),
        }
    }
}

/// One line of text read from a document, with its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    pub text: String,
    pub origin: Origin,
}

/// The text of a plan document, line by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    pub format: SourceFormat,
    pub lines: Vec<SourceLine>,
}

impl SourceText {
    /// The lines joined with `\n`: what the text reader reads. Line `n` (1-based) of this text is
    /// `lines[n - 1]`.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.lines.iter().map(|l| l.text.len() + 1).sum());
        for l in &self.lines {
            out.push_str(&l.text);
            out.push('\n');
        }
        out
    }

    /// The origin of line `n` (1-based) of [`text`](Self::text).
    pub fn origin(&self, line: u32) -> Option<Origin> {
        let i = usize::try_from(line).ok()?.checked_sub(1)?;
        self.lines.get(i).map(|l| l.origin)
    }
}

/// Why a plan document could not be read. Every message names the file and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {name}: {source}")]
    Io {
        name: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{name}: not UTF-8 text (invalid byte at offset {offset}, line {line}); save the plan as UTF-8 text (a plan in TCVN3/ABC or VNI must be converted to Unicode first), or give the .docx or .pdf as issued")]
    InvalidUtf8 {
        name: String,
        offset: usize,
        line: usize,
    },
    #[error("{name}: broken UTF-16 text (unpaired surrogate at byte offset {offset}); save the plan as UTF-8 text")]
    InvalidUtf16 { name: String, offset: usize },
    #[error("{name}: {what}; {advice}")]
    Unsupported {
        name: String,
        what: &'static str,
        advice: &'static str,
    },
    #[error("{name}: not a readable .docx: the zip archive is broken ({message}); open it in Word and save it again")]
    Zip { name: String, message: String },
    #[error("{name}: a zip archive without word/document.xml, so not a Word .docx (an OpenDocument .odt or another Office file?); save the plan as .docx")]
    NotDocx { name: String },
    #[error("{name}: the .docx unpacks to more than {limit} bytes (a zip bomb?); a plan is far smaller: save it again from Word")]
    TooLarge { name: String, limit: u64 },
    #[error("{name}: the .docx lists {entries} entries, more than the {limit} allowed (a zip bomb?); save it again from Word")]
    TooManyEntries {
        name: String,
        entries: usize,
        limit: usize,
    },
    #[error("{name}: {part} in the .docx is not readable XML at byte {position}: {message}; open the file in Word and save it again")]
    Xml {
        name: String,
        part: String,
        position: u64,
        message: String,
    },
    #[error("{name}: reading a PDF needs poppler's pdftotext ({program}), which is not installed: install it with `apt-get install poppler-utils` (Debian/Ubuntu), `dnf install poppler-utils` or `brew install poppler`, or give the plan as .docx or text")]
    PdfToolMissing { name: String, program: String },
    #[error("{name}: pdftotext failed ({status}): {stderr}; is the PDF damaged or password-protected? Give the plan as .docx or text")]
    PdfTool {
        name: String,
        status: String,
        stderr: String,
    },
    #[error("{name}: pdftotext took longer than {seconds} s and was stopped; give the plan as .docx or text")]
    PdfTimeout { name: String, seconds: u64 },
    #[error("{name}: the PDF has no text layer ({pages} page(s) of images: a scan?); run OCR on it first (e.g. ocrmypdf -l vie), or give the plan as .docx or text")]
    PdfNoText { name: String, pages: usize },
}

/// How documents are read besides the text reader's own options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceOptions {
    /// The `pdftotext` program (default: `pdftotext`, found on `PATH`).
    pub pdftotext: PathBuf,
    /// How long `pdftotext` may run.
    pub pdf_timeout: Duration,
}

impl Default for SourceOptions {
    fn default() -> Self {
        SourceOptions {
            pdftotext: PathBuf::from("pdftotext"),
            pdf_timeout: PDFTOTEXT_TIMEOUT,
        }
    }
}

/// The format of a document, from its first bytes.
pub fn sniff(bytes: &[u8]) -> SourceFormat {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        SourceFormat::Docx
    } else if is_pdf(bytes) {
        SourceFormat::Pdf
    } else {
        SourceFormat::Text
    }
}

/// `%PDF-` within the first KiB, as PDF readers accept it.
fn is_pdf(bytes: &[u8]) -> bool {
    let head = bytes.get(..1024).unwrap_or(bytes);
    head.windows(5).any(|w| w == b"%PDF-")
}

/// Reads the text of a plan document of any supported format (chosen by content).
pub fn read_source(
    bytes: &[u8],
    name: &str,
    options: &SourceOptions,
) -> Result<SourceText, SourceError> {
    match sniff(bytes) {
        SourceFormat::Docx => docx::read(bytes, name).map(|lines| SourceText {
            format: SourceFormat::Docx,
            lines,
        }),
        SourceFormat::Pdf => pdf::read(bytes, name, options).map(|lines| SourceText {
            format: SourceFormat::Pdf,
            lines,
        }),
        SourceFormat::Text => decode_text(bytes, name).map(|text| SourceText {
            format: SourceFormat::Text,
            lines: text
                .lines()
                .enumerate()
                .map(|(i, l)| SourceLine {
                    text: l.to_string(),
                    origin: Origin::Line(u32::try_from(i + 1).unwrap_or(u32::MAX)),
                })
                .collect(),
        }),
    }
}

/// Reads a plan given as the bytes of a document (.txt, .md, .docx or .pdf, chosen by content).
/// `name` names the document in errors (default: `options.source_name`, else `<plan>`).
pub fn read_plan_bytes(
    bytes: &[u8],
    name: Option<&str>,
    options: &ParseOptions,
) -> Result<ParseOutcome, SourceError> {
    read_plan_bytes_with(bytes, name, options, &SourceOptions::default())
}

/// [`read_plan_bytes`] with explicit [`SourceOptions`].
pub fn read_plan_bytes_with(
    bytes: &[u8],
    name: Option<&str>,
    options: &ParseOptions,
    source: &SourceOptions,
) -> Result<ParseOutcome, SourceError> {
    let name = name
        .or(options.source_name.as_deref())
        .unwrap_or("<plan>")
        .to_string();
    if sniff(bytes) == SourceFormat::Text {
        // Plain text keeps its own line breaks (CR, CRLF) for the text reader.
        let text = decode_text(bytes, &name)?;
        return Ok(parse_plan(&text, options));
    }
    if sniff(bytes) == SourceFormat::Docx {
        // A large .docx comes with its lines already cleaned for the text reader.
        let (lines, prepared) = docx::read_for_reader(bytes, &name)?;
        let doc = SourceText {
            format: SourceFormat::Docx,
            lines,
        };
        return Ok(match prepared {
            Some(p) => with_origins(&doc, super::parse_prepared(p.lines, p.text_len, options)),
            None => parse_document(&doc, options),
        });
    }
    let doc = read_source(bytes, &name, source)?;
    Ok(parse_document(&doc, options))
}

/// Reads a plan file (.txt, .md, .docx or .pdf, chosen by content). The plan id defaults to the
/// file stem, as with [`ParseOptions::for_file`].
pub fn read_plan_file(
    path: impl AsRef<Path>,
    options: &ParseOptions,
) -> Result<ParseOutcome, SourceError> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| SourceError::Io {
        name: name.clone(),
        source,
    })?;
    let mut options = options.clone();
    if options.source_name.is_none() {
        options.source_name = Some(name.clone());
    }
    read_plan_bytes(&bytes, Some(&name), &options)
}

/// Reads the text of a document with the text reader; warnings name their origin.
pub fn parse_document(doc: &SourceText, options: &ParseOptions) -> ParseOutcome {
    with_origins(doc, parse_plan(&doc.text(), options))
}

/// The plan read from `doc`'s text, its warnings naming their origin (only the lines' origins
/// are read here, not their texts).
fn with_origins(doc: &SourceText, mut out: ParseOutcome) -> ParseOutcome {
    if doc.format == SourceFormat::Text {
        return out;
    }
    for w in &mut out.plan.warnings {
        if let Some(o) = doc.origin(w.line) {
            w.message = format!("{} ({o})", w.message);
        }
    }
    let what = match doc.format {
        SourceFormat::Docx => {
            let paragraphs = count(doc, |o| matches!(o, Origin::Paragraph(_)));
            let rows = count(doc, |o| matches!(o, Origin::TableRow { .. }));
            format!("read from a Word document (.docx): {paragraphs} paragraphs, {rows} table rows; Word's numbering is written out as labels and table rows as `| cell | cell |` lines")
        }
        _ => {
            let pages = count(doc, |o| matches!(o, Origin::Page(_)));
            format!("read from a PDF through pdftotext: {pages} page(s)")
        }
    };
    out.plan.warnings.insert(
        0,
        crate::model::IngestWarning {
            code: "source_format".to_string(),
            line: 1,
            message: format!(
                "{what}; line numbers count the lines of the text read from it, and warnings name the paragraph, table row or page"
            ),
            text: None,
            severity: Some(Severity::Info),
        },
    );
    out
}

/// How many distinct origins of a kind the document's lines have.
fn count(doc: &SourceText, kind: impl Fn(&Origin) -> bool) -> usize {
    let mut seen: Vec<Origin> = doc
        .lines
        .iter()
        .map(|l| l.origin)
        .filter(|o| kind(o))
        .collect();
    seen.dedup();
    seen.len()
}

/// Text bytes as a string: UTF-8 (BOM dropped) or UTF-16 with a BOM.
pub fn decode_text(bytes: &[u8], name: &str) -> Result<String, SourceError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest, 3, name);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, name, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, name, u16::from_be_bytes);
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Err(SourceError::Unsupported {
            name: name.to_string(),
            what: "a Word 97-2003 .doc (or another old Office file), not a .docx",
            advice: "open it in Word or LibreOffice and save it as .docx",
        });
    }
    if bytes.starts_with(b"{\\rtf") {
        return Err(SourceError::Unsupported {
            name: name.to_string(),
            what: "an RTF document",
            advice: "open it in Word or LibreOffice and save it as .docx",
        });
    }
    utf8(bytes, 0, name)
}

fn utf8(bytes: &[u8], skipped: usize, name: &str) -> Result<String, SourceError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
            Err(SourceError::InvalidUtf8 {
                name: name.to_string(),
                offset: skipped + e.valid_up_to(),
                line: 1 + valid.iter().filter(|&&b| b == b'\n').count(),
            })
        }
    }
}

fn utf16(bytes: &[u8], name: &str, unit: fn([u8; 2]) -> u16) -> Result<String, SourceError> {
    let units = bytes.chunks(2).map(|c| {
        unit([
            c.first().copied().unwrap_or(0),
            c.get(1).copied().unwrap_or(0),
        ])
    });
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, r) in char::decode_utf16(units).enumerate() {
        match r {
            Ok(c) => out.push(c),
            Err(_) => {
                return Err(SourceError::InvalidUtf16 {
                    name: name.to_string(),
                    offset: 2 + 2 * i,
                })
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"PK\x03\x04rest"), SourceFormat::Docx);
        assert_eq!(sniff(b"%PDF-1.7\n"), SourceFormat::Pdf);
        assert_eq!(sniff(b"\r\n%PDF-1.4"), SourceFormat::Pdf);
        assert_eq!(sniff("KẾ HOẠCH".as_bytes()), SourceFormat::Text);
        assert_eq!(sniff(b""), SourceFormat::Text);
    }

    #[test]
    fn decodes_boms_and_utf16() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFabc", "x").unwrap(), "abc");
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Số: 1".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode_text(&le, "x").unwrap(), "Số: 1");
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Kế".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode_text(&be, "x").unwrap(), "Kế");
    }

    #[test]
    fn invalid_text_names_file_offset_and_line() {
        let e = decode_text(b"ok\nline two \xC0 bad", "plan.txt").unwrap_err();
        assert!(matches!(
            e,
            SourceError::InvalidUtf8 {
                offset: 12,
                line: 2,
                ..
            }
        ));
        let msg = e.to_string();
        assert!(msg.starts_with("plan.txt: not UTF-8"), "{msg}");
        assert!(msg.contains("offset 12"), "{msg}");
        let bad16 = [0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00];
        assert!(matches!(
            decode_text(&bad16, "x"),
            Err(SourceError::InvalidUtf16 { offset: 2, .. })
        ));
        assert!(matches!(
            decode_text(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1....", "old.doc"),
            Err(SourceError::Unsupported { .. })
        ));
    }

    #[test]
    fn origins_are_named() {
        assert_eq!(Origin::Paragraph(3).to_string(), "paragraph 3");
        assert_eq!(
            Origin::TableRow { table: 2, row: 5 }.to_string(),
            "table 2, row 5"
        );
        assert_eq!(Origin::Page(4).to_string(), "page 4");
    }
}
