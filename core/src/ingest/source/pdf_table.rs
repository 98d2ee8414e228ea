//! Tables of a PDF page rebuilt from the position of its text lines.
//!
//! `pdftotext` in reading order emits a table cell by cell (a column's cells, then the next
//! column's), so a task table's rows fall apart. From `pdftotext -tsv` (every text line with its
//! box) this module finds, on each page, a block of lines that share column starts, rebuilds its
//! rows and gives them back as pipe-table lines (`| 1 | Rà soát văn bản | Sở Tư pháp | … |`),
//! which the text reader reads like a .docx table.
//!
//! - **Columns**: the left edges shared by text lines that stand side by side (three or more at
//!   the same height, at least twice). A header block (issuer | motto) has two and is left alone.
//! - **Region**: the lines between the first and last such row, and those touching it that start
//!   at a column edge and stay inside their column.
//! - **Rows**: each line of the first column (`STT`, `I`, `1`) anchors a row. Cells are either
//!   top-aligned (a row starts at its anchor) or vertically centred (a row is symmetric about its
//!   anchor, and rows tile the table); both are tried and the one under which more cells sit where
//!   that alignment puts them is kept.
//! - A line inside the region that fits no column is not dropped: it follows the rows as a line of
//!   its own, so the text reader reports it (`text_not_accounted`) if it belongs to nothing.
//!
//! When a page's lines cannot be matched with the reading-order text, the page is kept as read.

/// One text line of a page with its box (PDF points, y downwards).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Piece {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

impl Piece {
    fn height(&self) -> f64 {
        (self.y1 - self.y0).max(1.0)
    }
    fn center(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }
}

/// The text lines of each page (index 0 is page 1), from `pdftotext -tsv` output.
pub(crate) fn parse_tsv(tsv: &str) -> Vec<Vec<Piece>> {
    let mut pages: Vec<Vec<Piece>> = Vec::new();
    for row in tsv.lines().skip(1) {
        let c: Vec<&str> = row.split('\t').collect();
        if c.len() < 12 {
            continue;
        }
        let num = |i: usize| c[i].trim().parse::<f64>().ok();
        let (Ok(level), Ok(page)) = (c[0].parse::<u32>(), c[1].parse::<usize>()) else {
            continue;
        };
        let (Some(left), Some(top), Some(width), Some(height)) = (num(6), num(7), num(8), num(9))
        else {
            continue;
        };
        if page == 0 {
            continue;
        }
        while pages.len() < page {
            pages.push(Vec::new());
        }
        let Some(lines) = pages.get_mut(page - 1) else {
            continue;
        };
        match level {
            4 => lines.push(Piece {
                x0: left,
                y0: top,
                x1: left + width,
                y1: top + height,
                text: String::new(),
            }),
            5 => {
                if let Some(l) = lines.last_mut() {
                    if !l.text.is_empty() {
                        l.text.push(' ');
                    }
                    l.text.push_str(c[11].trim());
                }
            }
            _ => {}
        }
    }
    for p in &mut pages {
        p.retain(|l| !l.text.is_empty());
    }
    pages
}

/// One step of `pdftotext`'s reading order, from its `-tsv` output.
enum Step {
    /// A text line: its words (left edge, right edge, text) and its height.
    Line(Vec<(f64, f64, String)>, f64),
    FlowEnd,
    PageEnd,
}

/// The text `pdftotext` prints in its default (reading-order) mode, rebuilt from its `-tsv`
/// output, so that one run gives both the text and the boxes: the lines in order, a blank line
/// after each flow (`par_num` in the TSV; a flow's blocks follow each other without one), a form
/// feed after each page, and, as poppler does, a line ending in `-` joined without the hyphen to
/// the next line of its flow. Words are joined by a space unless their boxes touch (less than a
/// tenth of the line height apart: one word split by a change of font). Where poppler prints two
/// words without a space although they stand apart (`-1-` for `- 1 -`), this text has the
/// space.
pub(crate) fn text_from_tsv(tsv: &str) -> String {
    let mut steps: Vec<Step> = Vec::new();
    let mut flow: Option<&str> = None;
    let mut pages = 0usize;
    for row in tsv.lines().skip(1) {
        let c: Vec<&str> = row.split('\t').collect();
        if c.len() < 12 {
            continue;
        }
        let num = |i: usize| c[i].trim().parse::<f64>().unwrap_or(0.0);
        match c[0] {
            "1" => {
                if flow.take().is_some() {
                    steps.push(Step::FlowEnd);
                }
                if pages > 0 {
                    steps.push(Step::PageEnd);
                }
                pages += 1;
            }
            "3" => {
                if flow.is_some_and(|f| f != c[2]) {
                    steps.push(Step::FlowEnd);
                }
                flow = Some(c[2]);
            }
            "4" => steps.push(Step::Line(Vec::new(), num(9))),
            "5" => {
                if let Some(Step::Line(words, _)) = steps.last_mut() {
                    words.push((num(6), num(6) + num(8), c[11].to_string()));
                }
            }
            _ => {}
        }
    }
    if flow.is_some() {
        steps.push(Step::FlowEnd);
    }
    if pages > 0 {
        steps.push(Step::PageEnd);
    }
    let mut out = String::with_capacity(tsv.len() / 4);
    for (i, step) in steps.iter().enumerate() {
        match step {
            Step::Line(words, h) => {
                let mut line = String::new();
                let mut prev_end: Option<f64> = None;
                for (x0, x1, w) in words {
                    if prev_end.is_some_and(|e| x0 - e >= 0.1 * h) {
                        line.push(' ');
                    }
                    line.push_str(w);
                    prev_end = Some(*x1);
                }
                let next_is_line = matches!(steps.get(i + 1), Some(Step::Line(..)));
                match line.strip_suffix('-') {
                    Some(joined) if next_is_line => out.push_str(joined),
                    _ => {
                        out.push_str(&line);
                        out.push('\n');
                    }
                }
            }
            Step::FlowEnd => out.push('\n'),
            Step::PageEnd => out.push('\u{c}'),
        }
    }
    out
}

/// A table found on a page: its rows as cell texts, the lines it is made of, and the lines
/// inside it that fit no cell.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Table {
    pub rows: Vec<Vec<String>>,
    pub members: Vec<usize>,
    pub unplaced: Vec<usize>,
}

/// Tolerance for "the same left edge" or "the same height", in points.
const SAME: f64 = 2.0;

/// The table on a page, if its lines show one.
pub(crate) fn find_table(pieces: &[Piece]) -> Option<Table> {
    let (columns, core_top, core_bottom) = columns(pieces)?;
    let h = median_height(pieces);
    let fits = |p: &Piece| column_of(&columns, p).is_some();
    // The region: the rows with several cells, and the fitting lines that touch it.
    let mut top = core_top;
    let mut bottom = core_bottom;
    let mut members: Vec<bool> = pieces
        .iter()
        .map(|p| p.y0 >= top - 0.5 && p.y1 <= bottom + 0.5 && fits(p))
        .collect();
    loop {
        let mut grew = false;
        for (i, p) in pieces.iter().enumerate() {
            let touches = p.y0 <= bottom + 0.5 * h && p.y1 >= top - 0.5 * h;
            if !members[i] && touches && fits(p) {
                members[i] = true;
                top = top.min(p.y0);
                bottom = bottom.max(p.y1);
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    let left = columns.first().copied().unwrap_or(0.0) - SAME;
    let unplaced: Vec<usize> = (0..pieces.len())
        .filter(|&i| !members[i])
        .filter(|&i| {
            let p = &pieces[i];
            p.center() > top && p.center() < bottom && p.x1 > left
        })
        .collect();
    let members: Vec<usize> = (0..pieces.len()).filter(|&i| members[i]).collect();
    let rows = rows(pieces, &members, &columns, top, bottom, h)?;
    Some(Table {
        rows,
        members,
        unplaced,
    })
}

/// Column left edges, and the top and bottom of the rows that show them.
fn columns(pieces: &[Piece]) -> Option<(Vec<f64>, f64, f64)> {
    let mut order: Vec<usize> = (0..pieces.len()).collect();
    order.sort_by(|&a, &b| pieces[a].y0.total_cmp(&pieces[b].y0));
    // Lines at the same height, side by side.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in order {
        match groups.last_mut() {
            Some(g)
                if g.first()
                    .is_some_and(|&f| (pieces[f].y0 - pieces[i].y0).abs() <= 1.0) =>
            {
                g.push(i)
            }
            _ => groups.push(vec![i]),
        }
    }
    let wide: Vec<&Vec<usize>> = groups.iter().filter(|g| g.len() >= 3).collect();
    if wide.len() < 2 {
        return None;
    }
    let mut edges: Vec<f64> = wide
        .iter()
        .flat_map(|g| g.iter().map(|&i| pieces[i].x0))
        .collect();
    edges.sort_by(f64::total_cmp);
    let mut columns: Vec<f64> = Vec::new();
    for x in edges {
        if columns.last().is_none_or(|&c| x - c > SAME) {
            columns.push(x);
        }
    }
    let top = wide
        .iter()
        .flat_map(|g| g.iter().map(|&i| pieces[i].y0))
        .fold(f64::INFINITY, f64::min);
    let bottom = wide
        .iter()
        .flat_map(|g| g.iter().map(|&i| pieces[i].y1))
        .fold(f64::NEG_INFINITY, f64::max);
    (columns.len() >= 3).then_some((columns, top, bottom))
}

/// The column a line starts at and stays inside.
fn column_of(columns: &[f64], p: &Piece) -> Option<usize> {
    let c = columns.iter().position(|&x| (p.x0 - x).abs() <= SAME)?;
    match columns.get(c + 1) {
        Some(&next) if p.x1 > next + SAME => None,
        _ => Some(c),
    }
}

fn median_height(pieces: &[Piece]) -> f64 {
    let mut hs: Vec<f64> = pieces.iter().map(Piece::height).collect();
    hs.sort_by(f64::total_cmp);
    hs.get(hs.len() / 2).copied().unwrap_or(10.0)
}

/// How the cells of a table sit in their rows.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Align {
    Top,
    Centre,
}

/// The rows of the table: cells as texts, one per column.
fn rows(
    pieces: &[Piece],
    members: &[usize],
    columns: &[f64],
    top: f64,
    bottom: f64,
    h: f64,
) -> Option<Vec<Vec<String>>> {
    let mut anchors: Vec<&Piece> = members
        .iter()
        .map(|&i| &pieces[i])
        .filter(|p| column_of(columns, p) == Some(0))
        .collect();
    anchors.sort_by(|a, b| a.y0.total_cmp(&b.y0));
    if anchors.is_empty() {
        return None;
    }
    let mut best: Option<(usize, Vec<Vec<String>>)> = None;
    for align in [Align::Top, Align::Centre] {
        let Some(bounds) = bounds(&anchors, align, top, bottom) else {
            continue;
        };
        let (misplaced, rows) = fill(pieces, members, columns, &bounds, align, h);
        if best.as_ref().is_none_or(|(m, _)| misplaced < *m) {
            best = Some((misplaced, rows));
        }
    }
    best.map(|(_, rows)| rows)
}

/// Row boundaries (n + 1 for n anchors) under an alignment, if it is possible at all.
fn bounds(anchors: &[&Piece], align: Align, top: f64, bottom: f64) -> Option<Vec<f64>> {
    let mut b = vec![top - 0.5];
    match align {
        Align::Top => {
            b.extend(anchors.iter().skip(1).map(|a| a.y0 - 0.5));
            b.push(bottom + 0.5);
        }
        Align::Centre => {
            for a in anchors {
                let prev = b.last().copied().unwrap_or(top);
                let next = 2.0 * a.center() - prev;
                if next < a.y1 - 0.5 {
                    return None;
                }
                b.push(next);
            }
            // Rows tile the table: the last one ends where the table does.
            if let Some(last) = b.last_mut() {
                *last = last.max(bottom + 0.5);
            }
        }
    }
    Some(b)
}

/// Cells of each row, and how many cells the alignment does not explain.
fn fill(
    pieces: &[Piece],
    members: &[usize],
    columns: &[f64],
    bounds: &[f64],
    align: Align,
    h: f64,
) -> (usize, Vec<Vec<String>>) {
    let n = bounds.len().saturating_sub(1);
    let mut cells: Vec<Vec<Vec<&Piece>>> = vec![vec![Vec::new(); columns.len()]; n];
    for &i in members {
        let p = &pieces[i];
        let Some(c) = column_of(columns, p) else {
            continue;
        };
        let r = bounds
            .windows(2)
            .position(|w| p.center() >= w[0] && p.center() < w[1])
            .unwrap_or(if p.center() < bounds[0] { 0 } else { n - 1 });
        cells[r][c].push(p);
    }
    let pitch = line_pitch(&cells, h);
    let mut misplaced = 0;
    let mut rows = Vec::with_capacity(n);
    for (r, row) in cells.iter_mut().enumerate() {
        for cell in row.iter_mut() {
            cell.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
        }
        // A row without its number is a row of its own, placed like the others.
        let cuts = unnumbered_row_starts(row, align, pitch, h);
        let mut lo = bounds[r];
        for hi in cuts.iter().copied().chain([bounds[r + 1]]) {
            let last = hi == bounds[r + 1];
            let mut texts = Vec::with_capacity(columns.len());
            for cell in row.iter() {
                let part: Vec<&Piece> = cell
                    .iter()
                    .copied()
                    .filter(|p| (p.y0 >= lo || lo == bounds[r]) && (p.y0 < hi || last))
                    .collect();
                if let (Some(first), Some(end)) = (part.first(), part.last()) {
                    let off = match align {
                        Align::Top => first.y0 - lo,
                        Align::Centre => (first.y0 + end.y1) / 2.0 - (lo + hi) / 2.0,
                    };
                    if off.abs() > 0.5 * h + 0.5 {
                        misplaced += 1;
                    }
                }
                let words: Vec<&str> = part.iter().map(|p| p.text.as_str()).collect();
                texts.push(words.join(" ").replace('|', "\\|"));
            }
            rows.push(texts);
            lo = hi;
        }
    }
    (misplaced, rows)
}

/// The line pitch inside cells: the smallest step between two lines of one cell (a wrapped
/// cell), or none when no cell has two lines.
fn line_pitch(cells: &[Vec<Vec<&Piece>>], h: f64) -> Option<f64> {
    cells
        .iter()
        .flatten()
        .flat_map(|cell| {
            let mut ys: Vec<f64> = cell.iter().map(|p| p.y0).collect();
            ys.sort_by(f64::total_cmp);
            ys.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>()
        })
        .filter(|&d| d > 0.5 * h)
        .min_by(f64::total_cmp)
}

/// Where a row without its number starts inside the row of the number above it (its lines fell
/// into that row, which is anchored by the first column). A line below which nothing of the
/// row reaches, followed by lines in two or more columns, one of which is not the next line of
/// its cell: a cell that ended more than a line above it, or (top-aligned cells) a column empty
/// until then. Lines that only continue the cells above (a wrapped cell, whatever the number of
/// columns) do not start a row.
fn unnumbered_row_starts(
    row: &[Vec<&Piece>],
    align: Align,
    pitch: Option<f64>,
    h: f64,
) -> Vec<f64> {
    let mut lines: Vec<(usize, &Piece)> = row
        .iter()
        .enumerate()
        .flat_map(|(c, cell)| cell.iter().map(move |p| (c, *p)))
        .collect();
    lines.sort_by(|a, b| a.1.y0.total_cmp(&b.1.y0));
    let mut cuts = Vec::new();
    let mut reach = f64::NEG_INFINITY;
    for (i, &(_, p)) in lines.iter().enumerate() {
        if i > 0 && p.y0 >= reach - 0.5 {
            let above = &lines[..i];
            let next: Vec<(usize, &Piece)> = lines[i..]
                .iter()
                .copied()
                .take_while(|(_, q)| q.y0 < p.y0 + h)
                .collect();
            let mut columns: Vec<usize> = next.iter().map(|&(c, _)| c).collect();
            columns.sort_unstable();
            columns.dedup();
            let fresh =
                |&(c, q): &(usize, &Piece)| match above.iter().rev().find(|&&(ca, _)| ca == c) {
                    Some(&(_, prev)) => pitch.is_some_and(|s| q.y0 - prev.y0 > s + SAME),
                    None => align == Align::Top,
                };
            let numbered = columns.contains(&0);
            if !numbered && columns.len() >= 2 && next.iter().any(fresh) {
                cuts.push(p.y0 - 0.5);
            }
        }
        reach = reach.max(p.y1);
    }
    cuts
}

/// The page's reading-order lines with its table (if any) rebuilt as pipe-table rows: table
/// lines are removed and the rows stand where the first of them stood, followed by the lines
/// inside the table that fit no cell. `None` when the page has no table or its lines cannot be
/// matched one by one with the reading-order text.
pub(crate) fn rebuild_page(page_text: &str, pieces: &[Piece]) -> Option<Vec<String>> {
    let table = find_table(pieces)?;
    let lines: Vec<&str> = page_text.lines().collect();
    let key = |s: &str| s.split_whitespace().collect::<String>();
    // Line k of the page text for each piece, in order.
    let mut at = Vec::with_capacity(pieces.len());
    let mut j = 0;
    for p in pieces {
        let want = key(&p.text);
        while j < lines.len() && key(lines[j]) != want {
            j += 1;
        }
        if j == lines.len() {
            return None;
        }
        at.push(j);
        j += 1;
    }
    let mut drop = vec![false; lines.len()];
    for &i in table.members.iter().chain(&table.unplaced) {
        drop[at[i]] = true;
    }
    let first = table
        .members
        .iter()
        .map(|&i| at[i])
        .min()
        .unwrap_or(lines.len());
    let mut out = Vec::with_capacity(lines.len());
    for (k, l) in lines.iter().enumerate() {
        if k == first {
            out.push(String::new());
            out.extend(table.rows.iter().map(|r| format!("| {} |", r.join(" | "))));
            out.push(String::new());
            out.extend(table.unplaced.iter().map(|&i| pieces[i].text.clone()));
        }
        if !drop[k] {
            out.push(l.trim_end().to_string());
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(x0: f64, y0: f64, w: f64, text: &str) -> Piece {
        Piece {
            x0,
            y0,
            x1: x0 + w,
            y1: y0 + 10.0,
            text: text.to_string(),
        }
    }

    /// A top-aligned task table: header row, two task rows with wrapped cells.
    fn top_aligned() -> Vec<Piece> {
        vec![
            piece(70.0, 50.0, 300.0, "PHỤ LỤC"),
            piece(70.0, 100.0, 20.0, "STT"),
            piece(100.0, 100.0, 60.0, "Nhiệm vụ"),
            piece(200.0, 100.0, 60.0, "Chủ trì"),
            piece(300.0, 100.0, 60.0, "Thời hạn"),
            piece(70.0, 112.0, 10.0, "1"),
            piece(100.0, 112.0, 80.0, "Rà soát"),
            piece(100.0, 124.0, 80.0, "văn bản"),
            piece(200.0, 112.0, 80.0, "Sở Tư pháp"),
            piece(300.0, 112.0, 80.0, "Quý III/2026"),
            piece(70.0, 136.0, 10.0, "2"),
            piece(100.0, 136.0, 80.0, "Tập huấn"),
            piece(200.0, 136.0, 80.0, "Công an"),
            piece(200.0, 148.0, 80.0, "tỉnh"),
            piece(300.0, 136.0, 80.0, "Năm 2026"),
            piece(70.0, 200.0, 300.0, "Trang 3"),
        ]
    }

    fn texts(t: &Table) -> Vec<String> {
        t.rows.iter().map(|r| r.join(" | ")).collect()
    }

    #[test]
    fn top_aligned_rows_are_rebuilt() {
        let t = find_table(&top_aligned()).unwrap();
        assert_eq!(
            texts(&t),
            [
                "STT | Nhiệm vụ | Chủ trì | Thời hạn",
                "1 | Rà soát văn bản | Sở Tư pháp | Quý III/2026",
                "2 | Tập huấn | Công an tỉnh | Năm 2026",
            ]
        );
        assert!(t.unplaced.is_empty());
    }

    #[test]
    fn centred_rows_are_rebuilt() {
        // Row 1 is three lines high (its lead agency wraps); its number and one-line cells
        // sit in its middle, its two-line task half a line off the number. Read as top-aligned,
        // the task's second line would start below its row's top.
        let p = vec![
            piece(70.0, 100.0, 20.0, "STT"),
            piece(100.0, 100.0, 60.0, "Nhiệm vụ"),
            piece(200.0, 100.0, 60.0, "Chủ trì"),
            piece(300.0, 100.0, 60.0, "Thời hạn"),
            piece(200.0, 112.0, 80.0, "Sở Văn hóa,"),
            piece(70.0, 124.0, 10.0, "1"),
            piece(100.0, 118.0, 80.0, "Rà soát"),
            piece(100.0, 130.0, 80.0, "văn bản"),
            piece(200.0, 124.0, 80.0, "Thể thao và"),
            piece(300.0, 124.0, 80.0, "Quý III/2026"),
            piece(200.0, 136.0, 80.0, "Du lịch"),
            piece(70.0, 148.0, 10.0, "2"),
            piece(100.0, 148.0, 80.0, "Tập huấn"),
            piece(200.0, 148.0, 80.0, "Công an tỉnh"),
            piece(300.0, 148.0, 80.0, "Năm 2026"),
        ];
        let t = find_table(&p).unwrap();
        assert_eq!(
            texts(&t),
            [
                "STT | Nhiệm vụ | Chủ trì | Thời hạn",
                "1 | Rà soát văn bản | Sở Văn hóa, Thể thao và Du lịch | Quý III/2026",
                "2 | Tập huấn | Công an tỉnh | Năm 2026",
            ]
        );
    }

    #[test]
    fn a_two_column_header_block_is_no_table() {
        let p = vec![
            piece(70.0, 50.0, 100.0, "ỦY BAN NHÂN DÂN"),
            piece(300.0, 50.0, 200.0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            piece(70.0, 62.0, 100.0, "TỈNH X"),
            piece(300.0, 62.0, 200.0, "Độc lập - Tự do - Hạnh phúc"),
        ];
        assert_eq!(find_table(&p), None);
    }

    #[test]
    fn a_line_that_fits_no_column_is_kept_after_the_rows() {
        let mut p = top_aligned();
        // A note written across the columns inside the table.
        p.push(piece(150.0, 124.0, 40.0, "(*) xem ghi chú"));
        let t = find_table(&p).unwrap();
        assert_eq!(t.unplaced.len(), 1);
        assert_eq!(p[t.unplaced[0]].text, "(*) xem ghi chú");
        let page: String = p.iter().map(|l| format!("{}\n", l.text)).collect();
        let lines = rebuild_page(&page, &p).unwrap();
        let rows = lines.iter().position(|l| l.starts_with("| STT")).unwrap();
        assert_eq!(lines[0], "PHỤ LỤC");
        assert_eq!(lines[rows + 3], "");
        assert_eq!(lines[rows + 4], "(*) xem ghi chú");
        assert_eq!(lines.last().map(String::as_str), Some("Trang 3"));
    }

    /// A cell that fits no column reaches the plan text as a line of its own, and the reader
    /// reports it (`text_not_accounted`, a warning) instead of dropping it.
    #[test]
    fn an_unplaced_cell_is_reported_by_the_reader() {
        use crate::ingest::{parse_plan, ParseOptions};
        use crate::model::{Severity, WarningCode};
        let body = "Số: 8/KH-UBND\nTây Ninh, ngày 2 tháng 6 năm 2026\nKẾ HOẠCH\nTriển khai Luật An ninh mạng\n\
                    II. NHIỆM VỤ\nCác nhiệm vụ tại Phụ lục kèm theo.\nPHỤ LỤC\n";
        let mut p = vec![
            piece(70.0, 100.0, 20.0, "STT"),
            piece(100.0, 100.0, 90.0, "Nội dung nhiệm vụ"),
            piece(200.0, 100.0, 90.0, "Cơ quan chủ trì"),
            piece(300.0, 100.0, 90.0, "Thời gian hoàn thành"),
            piece(70.0, 112.0, 10.0, "1"),
            piece(100.0, 112.0, 80.0, "Rà soát văn bản"),
            piece(200.0, 112.0, 80.0, "Sở Tư pháp"),
            piece(300.0, 112.0, 80.0, "Quý III/2026"),
            piece(70.0, 124.0, 10.0, "2"),
            piece(100.0, 124.0, 80.0, "Tập huấn"),
            piece(200.0, 124.0, 80.0, "Công an tỉnh"),
            piece(300.0, 124.0, 80.0, "Năm 2026"),
        ];
        p.push(piece(150.0, 136.0, 200.0, "Ghi chú riêng của bảng"));
        let page: String = p.iter().map(|l| format!("{}\n", l.text)).collect();
        let lines = rebuild_page(&page, &p).unwrap();
        let text = format!("{body}{}\n", lines.join("\n"));
        let plan = parse_plan(&text, &ParseOptions::new("t")).plan;
        assert_eq!(plan.obligations.len(), 2, "{text}\n{:#?}", plan.warnings);
        let w = plan
            .warnings
            .iter()
            .find(|w| {
                w.code == WarningCode::TextNotAccounted.as_str()
                    && w.text.as_deref() == Some("Ghi chú riêng của bảng")
            })
            .unwrap_or_else(|| panic!("{:#?}", plan.warnings));
        assert_eq!(w.severity, Some(Severity::Warning));
    }

    /// A row with its own task and lead agency but no number (its first cell empty) is not
    /// joined to the row above: it stays a row of its own with an empty first cell, which the
    /// text reader keeps as a task and warns about (`table_row_unnumbered`).
    #[test]
    fn a_row_without_its_number_stays_a_row() {
        let mut p = top_aligned();
        p.pop(); // "Trang 3"
                 // Row 3, unnumbered: two lines below row 2's wrapped lead agency.
        p.push(piece(100.0, 160.0, 80.0, "Kiểm tra"));
        p.push(piece(200.0, 160.0, 80.0, "Sở Nội vụ"));
        p.push(piece(300.0, 160.0, 80.0, "Năm 2027"));
        let t = find_table(&p).unwrap();
        assert_eq!(
            texts(&t),
            [
                "STT | Nhiệm vụ | Chủ trì | Thời hạn",
                "1 | Rà soát văn bản | Sở Tư pháp | Quý III/2026",
                "2 | Tập huấn | Công an tỉnh | Năm 2026",
                " | Kiểm tra | Sở Nội vụ | Năm 2027",
            ]
        );
    }

    /// The same in a table of vertically centred cells, packed without padding (the layout of
    /// fpdf2 and Word tables): the unnumbered row's task starts the line after the last line of
    /// the row above, its lead agency two lines after that cell ended.
    #[test]
    fn a_centred_row_without_its_number_stays_a_row() {
        let mut p = vec![
            piece(70.0, 100.0, 20.0, "STT"),
            piece(100.0, 100.0, 60.0, "Nhiệm vụ"),
            piece(200.0, 100.0, 60.0, "Chủ trì"),
            piece(300.0, 100.0, 60.0, "Thời hạn"),
            piece(100.0, 112.0, 80.0, "Xây dựng"),
            piece(70.0, 124.0, 10.0, "1"),
            piece(100.0, 124.0, 80.0, "quy chế"),
            piece(200.0, 124.0, 80.0, "Công an tỉnh"),
            piece(300.0, 118.0, 80.0, "Trong thời hạn"),
            piece(300.0, 130.0, 80.0, "60 ngày"),
            piece(100.0, 136.0, 80.0, "an ninh mạng"),
        ];
        // Unnumbered: task and lead on two lines, deadline centred.
        p.push(piece(100.0, 148.0, 80.0, "Góp ý dự thảo"));
        p.push(piece(100.0, 160.0, 80.0, "văn bản"));
        p.push(piece(200.0, 148.0, 80.0, "Bộ Chỉ huy"));
        p.push(piece(200.0, 160.0, 80.0, "Quân sự tỉnh"));
        p.push(piece(300.0, 154.0, 80.0, "Khi có yêu cầu"));
        let t = find_table(&p).unwrap();
        assert_eq!(
            texts(&t),
            [
                "STT | Nhiệm vụ | Chủ trì | Thời hạn",
                "1 | Xây dựng quy chế an ninh mạng | Công an tỉnh | Trong thời hạn 60 ngày",
                " | Góp ý dự thảo văn bản | Bộ Chỉ huy Quân sự tỉnh | Khi có yêu cầu",
            ]
        );
    }

    /// Lines that continue cells of the row above, in several columns at once (the task and the
    /// lead agency both wrap), are that row's: joined, and no row without a number appears.
    #[test]
    fn wrapped_cells_in_several_columns_join_their_row() {
        let mut p = top_aligned();
        p.pop();
        // Row 2's task wraps on the line where its lead agency wraps.
        p.push(piece(100.0, 148.0, 80.0, "cán bộ"));
        let t = find_table(&p).unwrap();
        assert_eq!(
            texts(&t),
            [
                "STT | Nhiệm vụ | Chủ trì | Thời hạn",
                "1 | Rà soát văn bản | Sở Tư pháp | Quý III/2026",
                "2 | Tập huấn cán bộ | Công an tỉnh | Năm 2026",
            ]
        );
    }

    /// Through the text reader: the unnumbered row is a task of its own and a `warning` names
    /// its line; a table without such a row has no such warning.
    #[test]
    fn an_unnumbered_row_is_a_task_with_a_warning() {
        use crate::ingest::{parse_plan, ParseOptions};
        use crate::model::{Severity, WarningCode};
        let body = "Số: 8/KH-UBND\nTây Ninh, ngày 2 tháng 6 năm 2026\nKẾ HOẠCH\nTriển khai Luật An ninh mạng\n\
                    II. NHIỆM VỤ\nCác nhiệm vụ tại Phụ lục kèm theo.\nPHỤ LỤC\n";
        let table = |extra: bool| {
            let mut p = vec![
                piece(70.0, 100.0, 20.0, "STT"),
                piece(100.0, 100.0, 90.0, "Nội dung nhiệm vụ"),
                piece(200.0, 100.0, 90.0, "Cơ quan chủ trì"),
                piece(300.0, 100.0, 90.0, "Thời gian hoàn thành"),
                piece(70.0, 112.0, 10.0, "1"),
                piece(100.0, 112.0, 80.0, "Rà soát văn bản"),
                piece(200.0, 112.0, 80.0, "Sở Tư pháp"),
                piece(300.0, 112.0, 80.0, "Quý III/2026"),
                piece(70.0, 124.0, 10.0, "2"),
                piece(100.0, 124.0, 80.0, "Tập huấn"),
                piece(100.0, 136.0, 80.0, "cán bộ"),
                piece(200.0, 124.0, 80.0, "Công an tỉnh"),
                piece(300.0, 124.0, 80.0, "Năm 2026"),
            ];
            if extra {
                p.push(piece(100.0, 148.0, 80.0, "Kiểm tra"));
                p.push(piece(200.0, 148.0, 80.0, "Sở Nội vụ"));
                p.push(piece(300.0, 148.0, 80.0, "Năm 2027"));
            }
            let page: String = p.iter().map(|l| format!("{}\n", l.text)).collect();
            let lines = rebuild_page(&page, &p).unwrap();
            let text = format!("{body}{}\n", lines.join("\n"));
            (
                text.clone(),
                parse_plan(&text, &ParseOptions::new("t")).plan,
            )
        };
        let code = WarningCode::TableRowUnnumbered.as_str();
        let (text, plan) = table(true);
        let titles: Vec<&str> = plan.obligations.iter().map(|o| o.title.as_str()).collect();
        assert_eq!(titles.len(), 3, "{text}\n{titles:?}");
        assert!(titles[1].starts_with("Tập huấn cán bộ"), "{titles:?}");
        assert!(titles[2].starts_with("Kiểm tra"), "{titles:?}");
        let w = plan
            .warnings
            .iter()
            .find(|w| w.code == code)
            .unwrap_or_else(|| panic!("{:#?}", plan.warnings));
        assert_eq!(w.severity, Some(Severity::Warning));
        let row = text.lines().position(|l| l.contains("Kiểm tra")).unwrap() + 1;
        assert_eq!(w.line, u32::try_from(row).unwrap(), "{w:?}");
        let (_, plan) = table(false);
        assert_eq!(plan.obligations.len(), 2);
        assert!(
            plan.warnings.iter().all(|w| w.code != code),
            "{:#?}",
            plan.warnings
        );
    }

    #[test]
    fn tsv_lines_join_their_words() {
        let tsv = "level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t595\t842\t-1\t###PAGE###\n\
                   4\t1\t0\t0\t0\t0\t70\t100\t50\t10\t-1\t###LINE###\n\
                   5\t1\t0\t0\t0\t0\t70\t100\t20\t10\t100\tRà\n\
                   5\t1\t0\t0\t0\t1\t95\t100\t25\t10\t100\tsoát\n";
        let pages = parse_tsv(tsv);
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0], vec![piece(70.0, 100.0, 50.0, "Rà soát")]);
    }
}
