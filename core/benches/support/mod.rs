//! The large inputs of the parse benchmark and of `examples/read_document.rs`: a ~100 KB plan
//! built from the task blocks of the three real plans, and a .docx of it as Word writes one.

#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // benchmark and example inputs: a failure is a broken bench

use std::io::{Cursor, Write};

pub const PLANS: [&str; 3] = [
    include_str!("../../tests/data/plans/vinh-long-144-KH-UBND.txt"),
    include_str!("../../tests/data/plans/hung-yen-draft.txt"),
    include_str!("../../tests/data/plans/can-tho-qd-kh.txt"),
];

/// Lines of section II of a plan (between the `II.` and `III.` headings).
fn tasks_of(plan: &str) -> Vec<&str> {
    let strip = |l: &str| l.trim_start_matches(['#', ' ', '*']).to_string();
    let lines: Vec<&str> = plan.lines().collect();
    let start = lines
        .iter()
        .position(|l| strip(l).starts_with("II."))
        .unwrap_or(0);
    let end = lines
        .iter()
        .position(|l| strip(l).starts_with("III."))
        .unwrap_or(lines.len());
    lines[start + 1..end].to_vec()
}

/// A plan of about `target` bytes: Vĩnh Long's header, task blocks of all three plans with items
/// renumbered, and Vĩnh Long's sections III and IV.
pub fn big_plan(target: usize) -> String {
    let vl = PLANS[0];
    let head_end = vl.find("II. NỘI DUNG THỰC HIỆN").unwrap_or(0);
    let tail_start = vl.find("III. KINH PHÍ").unwrap_or(vl.len());
    let mut out = String::from(&vl[..head_end]);
    out.push_str("II. NỘI DUNG THỰC HIỆN\n\n");
    let blocks: Vec<Vec<&str>> = PLANS.iter().map(|p| tasks_of(p)).collect();
    let mut n = 0;
    'fill: loop {
        for (k, b) in blocks.iter().enumerate() {
            for line in b {
                let t = line.trim_start_matches(['#', ' ', '*']);
                let digits = t.chars().take_while(char::is_ascii_digit).count();
                if digits > 0 && t[digits..].starts_with(". ") {
                    n += 1;
                    // Vary the wording a little from copy to copy.
                    let year = 2026 + (n % 3);
                    out.push_str(&format!(
                        "{n}. {} (đợt {year}, mẫu {k})\n",
                        &t[digits + 2..]
                    ));
                } else {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            if out.len() >= target {
                break 'fill;
            }
        }
    }
    out.push('\n');
    out.push_str(&vl[tail_start..]);
    out
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

/// Escapes text for XML.
fn esc(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Revision ids as Word writes them (`w:rsidR="00A1B2C3"`): they make the XML about as
/// compressible as a real document's.
struct Rsid(u32);

impl Rsid {
    fn next(&mut self) -> String {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        format!("00{:06X}", self.0 >> 8)
    }
}

/// One paragraph as Word writes it: paragraph properties, the text in runs of a few words each
/// with their own properties, the label (`II.`, `1.`, `a)`) left to the numbering.
fn paragraph(line: &str, rsid: &mut Rsid) -> String {
    let t = line
        .trim_start_matches(['#', ' ', '*'])
        .trim_end_matches('*');
    let roman = t
        .split_once(". ")
        .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| matches!(c, 'I' | 'V' | 'X')));
    let digits = t
        .split_once(". ")
        .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    let letter = t
        .split_once(") ")
        .filter(|(n, _)| n.len() == 1 && n.chars().all(|c| c.is_ascii_lowercase()));
    let (level, text) = match (roman, digits, letter) {
        (Some((_, rest)), _, _) => (Some(0), rest),
        (_, Some((_, rest)), _) => (Some(1), rest),
        (_, _, Some((_, rest))) => (Some(2), rest),
        _ => (None, t),
    };
    let num = level.map_or(String::new(), |l| {
        format!(r#"<w:numPr><w:ilvl w:val="{l}"/><w:numId w:val="1"/></w:numPr>"#)
    });
    let mut out = format!(
        r#"<w:p w:rsidR="{}" w:rsidRDefault="{}"><w:pPr>{num}<w:spacing w:before="120" w:after="120"/><w:ind w:firstLine="567"/><w:jc w:val="both"/></w:pPr>"#,
        rsid.next(),
        rsid.next()
    );
    let words: Vec<&str> = text.split(' ').collect();
    for (k, chunk) in words.chunks(6).enumerate() {
        let sep = if k + 1 < words.len().div_ceil(6) {
            " "
        } else {
            ""
        };
        out.push_str(&format!(
            r#"<w:r w:rsidRPr="{}"><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN"/></w:rPr><w:t xml:space="preserve">{}{sep}</w:t></w:r>"#,
            rsid.next(),
            esc(&chunk.join(" "))
        ));
    }
    out.push_str("</w:p>");
    out
}

/// A .docx of about `target` bytes: a plan built like the 105 KB one, grown until its Word form
/// reaches the size.
pub fn big_docx(target: usize) -> Vec<u8> {
    let numbering = format!(
        r#"<w:numbering {W}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl><w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#
    );
    let mut text_size = 200 * 1024;
    loop {
        let text = big_plan(text_size);
        let mut rsid = Rsid(7);
        let body: String = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| paragraph(l, &mut rsid))
            .collect();
        let document = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}</w:body></w:document>"#
        );
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, part) in [
            ("word/document.xml", &document),
            ("word/numbering.xml", &numbering),
        ] {
            z.start_file(name, opts).expect("zip");
            z.write_all(part.as_bytes()).expect("zip");
        }
        let bytes = z.finish().expect("zip").into_inner();
        if bytes.len() >= target * 97 / 100 || text_size > 64 * 1024 * 1024 {
            return bytes;
        }
        text_size = text_size * target / bytes.len().max(1) + 1024;
    }
}
