//! PDF → lines, through poppler's `pdftotext` run as a subprocess with a time limit.
//!
//! `pdftotext -enc UTF-8 -tsv FILE -` lists words in the order of its default (reading-order)
//! mode: for the single-column documents plans are, it gives each printed line once, in order, without the runs of spaces
//! `-layout` puts between the columns of the header block, which would glue the issuer and the
//! national motto into one line. Page breaks (`\f`) are kept to number pages and become line
//! breaks, so the last line of a page and the first of the next never join; the first line of a
//! later page keeps its `\f`, which tells the text reader where pages meet. Page numbers and
//! running headers stay in the text: the text reader treats them as page furniture.
//!
//! One run, `pdftotext -tsv`, gives every word with its box in that reading order: the text is
//! rebuilt from it ([`pdf_table::text_from_tsv`]), and since reading order breaks tables up cell
//! by cell, a page whose boxes show a table has it rebuilt into pipe-table rows ([`pdf_table`]).

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
    // One run gives the box of every word, in reading order: the text is rebuilt from it, and
    // the boxes rebuild tables.
    let tsv = run_pdftotext(&file.path, name, options, &["-tsv"])?;
    let text = pdf_table::text_from_tsv(&tsv);
    let boxes = pdf_table::parse_tsv(&tsv);
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

    /// pdftotext runs once per PDF: a stand-in program counts its runs and prints a TSV.
    #[cfg(unix)]
    #[test]
    fn pdftotext_runs_once() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("tuanthu-once-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("runs");
        let tsv = "level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t595\t842\t-1\t###PAGE###\n\
                   3\t1\t0\t0\t0\t0\t70\t100\t50\t10\t-1\t###FLOW###\n\
                   4\t1\t0\t0\t0\t0\t70\t100\t50\t10\t-1\t###LINE###\n\
                   5\t1\t0\t0\t0\t0\t70\t100\t20\t10\t100\tKẾ\n\
                   5\t1\t0\t0\t0\t1\t95\t100\t25\t10\t100\tHOẠCH\n";
        std::fs::write(dir.join("out.tsv"), tsv).unwrap();
        let prog = dir.join("pdftotext");
        std::fs::write(
            &prog,
            format!(
                "#!/bin/sh\necho \"$*\" >> '{}'\ncat '{}'\n",
                log.display(),
                dir.join("out.tsv").display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&prog, std::fs::Permissions::from_mode(0o755)).unwrap();
        let options = SourceOptions {
            pdftotext: prog,
            ..SourceOptions::default()
        };
        let lines = read(b"%PDF-1.4\n", "plan.pdf", &options).unwrap();
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["KẾ HOẠCH"]);
        let runs = std::fs::read_to_string(&log).unwrap();
        assert_eq!(runs.lines().count(), 1, "{runs}");
        assert!(runs.contains("-tsv"), "{runs}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The text rebuilt from `-tsv` is the text `pdftotext` prints, line for line, for every PDF
    /// fixture; only spaces inside a line may differ (`-1-` printed for a page number `- 1 -`).
    #[test]
    fn text_from_tsv_is_pdftotexts_text() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/formats");
        let run = |args: &[&str], pdf: &std::path::Path| {
            Command::new("pdftotext")
                .args(["-q", "-enc", "UTF-8"])
                .args(args)
                .arg(pdf)
                .arg("-")
                .output()
        };
        let mut pdfs: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        pdfs.sort();
        assert!(pdfs.len() >= 6, "{pdfs:?}");
        for pdf in &pdfs {
            let Ok(text) = run(&[], pdf) else {
                assert!(
                    std::env::var_os("TUANTHU_REQUIRE_PDFTOTEXT").is_none(),
                    "pdftotext is required"
                );
                eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
                return;
            };
            let tsv = run(&["-tsv"], pdf).unwrap();
            let want = String::from_utf8(text.stdout).unwrap();
            let tsv = String::from_utf8(tsv.stdout).unwrap();
            let got = pdf_table::text_from_tsv(&tsv);
            let squeeze =
                |s: &str| -> Vec<String> { s.split('\n').map(|l| l.replace(' ', "")).collect() };
            assert_eq!(squeeze(&got), squeeze(&want), "{}", pdf.display());
            let differ: Vec<(&str, &str)> = want
                .split('\n')
                .zip(got.split('\n'))
                .filter(|(a, b)| a != b)
                .collect();
            // The plan read either way is the same, warnings and coverage included; only the
            // quoted text of a page number may differ in its spaces.
            let boxes = pdf_table::parse_tsv(&tsv);
            let plan = |text: &str| {
                let doc = super::super::SourceText {
                    format: super::super::SourceFormat::Pdf,
                    lines: pages_to_lines(text, &boxes),
                };
                let opts = crate::ingest::ParseOptions::new("t");
                let mut plan = super::super::parse_document(&doc, &opts).plan;
                for w in &mut plan.warnings {
                    let page_number =
                        |t: &String| t.chars().all(|c| " -".contains(c) || c.is_ascii_digit());
                    if w.code == crate::model::WarningCode::PageFurnitureRemoved.as_str()
                        && w.text.as_ref().is_some_and(page_number)
                    {
                        w.text = w.text.as_ref().map(|t| t.replace(' ', ""));
                    }
                }
                serde_json::to_string_pretty(&plan).unwrap()
            };
            if want.chars().any(char::is_alphanumeric) {
                assert_eq!(plan(&got), plan(&want), "{}", pdf.display());
            }
            // Only page numbers differ, and both forms are page numbers to the text reader.
            assert!(
                differ
                    .iter()
                    .all(|(a, _)| a.chars().all(|c| c == '-' || c.is_ascii_digit())),
                "{}: {differ:?}",
                pdf.display()
            );
        }
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
