//! PDF → lines, through poppler's `pdftotext` run as a subprocess with a time limit.
//!
//! `pdftotext -enc UTF-8 FILE -` in its default (reading-order) mode: for the single-column
//! documents plans are, it gives each printed line once, in order, without the runs of spaces
//! `-layout` puts between the columns of the header block, which would glue the issuer and the
//! national motto into one line. Page breaks (`\f`) are kept to number pages and become line
//! breaks, so the last line of a page and the first of the next never join; the first line of a
//! later page keeps its `\f`, which tells the text reader where pages meet. Page numbers and
//! running headers stay in the text: the text reader treats them as page furniture.
//!
//! Reading order breaks tables up cell by cell, so a second run, `pdftotext -tsv`, gives the box
//! of every text line; a page whose boxes show a table has it rebuilt into pipe-table rows
//! ([`pdf_table`]). When that run fails the page is read as text.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use wait_timeout::ChildExt;

use super::{pdf_table, Origin, SourceError, SourceLine, SourceOptions};

/// How long `pdftotext` may run by default: plans are a few pages, read in well under a second.
pub const PDFTOTEXT_TIMEOUT: Duration = Duration::from_secs(30);

/// Reads the text layer of a PDF.
pub(crate) fn read(
    bytes: &[u8],
    name: &str,
    options: &SourceOptions,
) -> Result<Vec<SourceLine>, SourceError> {
    let file = TempPdf::write(bytes).map_err(|source| SourceError::Io {
        name: format!("{name} (a temporary copy for pdftotext)"),
        source,
    })?;
    let text = run_pdftotext(&file.path, name, options, &[])?;
    // The boxes of the text lines, to rebuild tables; a plan without them is read as text.
    let boxes = run_pdftotext(&file.path, name, options, &["-tsv"])
        .map(|tsv| pdf_table::parse_tsv(&tsv))
        .unwrap_or_default();
    let lines = pages_to_lines(&text, &boxes);
    if !text.chars().any(char::is_alphanumeric) {
        return Err(SourceError::PdfNoText {
            name: name.to_string(),
            pages: page_count(&text),
        });
    }
    Ok(lines)
}

/// Pages split on `\f`, each page's lines with its page number; a page whose line boxes show a
/// table has it rebuilt into pipe-table rows (see [`pdf_table`]).
fn pages_to_lines(text: &str, boxes: &[Vec<pdf_table::Piece>]) -> Vec<SourceLine> {
    let mut out = Vec::new();
    for (i, page) in text.split('\u{c}').enumerate() {
        let origin = Origin::Page(u32::try_from(i + 1).unwrap_or(u32::MAX));
        let rebuilt = boxes
            .get(i)
            .and_then(|pieces| pdf_table::rebuild_page(page, pieces));
        let lines: Vec<String> = match rebuilt {
            Some(lines) => lines,
            None => page.lines().map(|l| l.trim_end().to_string()).collect(),
        };
        for (k, mut text) in lines.into_iter().enumerate() {
            // The first line of a later page keeps the form feed that starts it: the text
            // reader knows page boundaries by it (running headers and footers).
            if k == 0 && i > 0 {
                text.insert(0, '\u{c}');
            }
            out.push(SourceLine { text, origin });
        }
    }
    // pdftotext ends the last page with a `\f`: no page after it.
    while out.last().is_some_and(|l| l.text.is_empty()) {
        out.pop();
    }
    out
}

/// Pages in pdftotext's output (each page ends with `\f`).
fn page_count(text: &str) -> usize {
    text.matches('\u{c}').count().max(1)
}

fn run_pdftotext(
    pdf: &std::path::Path,
    name: &str,
    options: &SourceOptions,
    extra: &[&str],
) -> Result<String, SourceError> {
    let program = options.pdftotext.display().to_string();
    let mut child = Command::new(&options.pdftotext)
        .args(["-q", "-enc", "UTF-8"])
        .args(extra)
        .arg(pdf)
        .arg("-")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
                SourceError::PdfToolMissing {
                    name: name.to_string(),
                    program: program.clone(),
                }
            }
            _ => SourceError::Io {
                name: format!("{name} (running {program})"),
                source: e,
            },
        })?;
    // Read both pipes while the program runs, so a full pipe never blocks it.
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let status = match child.wait_timeout(options.pdf_timeout) {
        Ok(Some(status)) => status,
        Ok(None) => {
            // Our own child: stop it and reap it.
            let _ = child.kill();
            let _ = child.wait();
            return Err(SourceError::PdfTimeout {
                name: name.to_string(),
                seconds: options.pdf_timeout.as_secs().max(1),
            });
        }
        Err(source) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(SourceError::Io {
                name: format!("{name} (waiting for {program})"),
                source,
            });
        }
    };
    let out = stdout.map(join).unwrap_or_default();
    let err = stderr.map(join).unwrap_or_default();
    if !status.success() {
        let msg = String::from_utf8_lossy(&err);
        let first = msg.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(SourceError::PdfTool {
            name: name.to_string(),
            status: status.to_string(),
            stderr: if first.is_empty() {
                "no message".to_string()
            } else {
                first.trim().to_string()
            },
        });
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

type Drain = std::thread::JoinHandle<Vec<u8>>;

fn drain(mut r: impl Read + Send + 'static) -> Drain {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        buf
    })
}

fn join(h: Drain) -> Vec<u8> {
    h.join().unwrap_or_default()
}

/// A copy of the PDF in the temporary directory, removed when dropped (pdftotext reads files).
struct TempPdf {
    path: PathBuf,
}

impl TempPdf {
    fn write(bytes: &[u8]) -> std::io::Result<Self> {
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir();
        loop {
            let n = SEQ.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!("tuanthu-{}-{n}.pdf", std::process::id()));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    let file = TempPdf { path };
                    std::io::Write::write_all(&mut f, bytes)?;
                    return Ok(file);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for TempPdf {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_breaks_become_line_breaks() {
        let lines = pages_to_lines("a\nlast of page 1\u{c}first of page 2\nb\n\u{c}", &[]);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["a", "last of page 1", "\u{c}first of page 2", "b"]);
        assert_eq!(lines[2].origin, Origin::Page(2));
        assert_eq!(page_count("x\u{c}y\u{c}"), 2);
    }

    #[test]
    fn missing_program_says_how_to_install() {
        let options = SourceOptions {
            pdftotext: PathBuf::from("/nonexistent/pdftotext"),
            ..SourceOptions::default()
        };
        let e = read(b"%PDF-1.4\n", "plan.pdf", &options).unwrap_err();
        assert!(matches!(e, SourceError::PdfToolMissing { .. }), "{e}");
        assert!(e.to_string().contains("apt-get install poppler-utils"));
    }
}
