//! The submissions table: its columns, which of them are required, and how a cell becomes a
//! field of a [`Submission`]. Every way rows arrive (CSV text, a DataFrame, an Arrow table, a
//! JavaScript array of objects) reads them through here, so a bad cell gives the same message
//! whichever way it came; only the location (CSV line, row position, array index) differs.
//!
//! ```
//! use tuanthu::input::table::{Cell, Column, Layout, RowError};
//! let layout = Layout::from_names(["Agency", "obligation", "received"]).unwrap();
//! assert_eq!(layout.position(Column::Received), Some(2));
//! let row = [Cell::Text("Sở Tư pháp"), Cell::Text("IV.1"), Cell::Text("31/02/2026")];
//! let e = layout.read_row(|i| row[i]).unwrap_err();
//! assert_eq!(e.column, "received");
//! assert_eq!(e.message, "'31/02/2026' is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)");
//! ```

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::calendar::check_date;
use crate::model::{parse_date, DateTextError, ObligationId, Period, PeriodParseError, Submission};

use super::InputError;

/// A column of the submissions table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Agency,
    Obligation,
    Stage,
    Period,
    Received,
    DocumentNumber,
    Note,
}

/// What a column holds, which decides the cells it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Text; numbers are taken as their decimal text (`2026.0` → `2026`).
    Text,
    /// A period such as `2026`, `2026-Q3`, `2026-H1`, `2026-11`.
    Period,
    /// A calendar day: a date, or text `dd/mm/yyyy` / `yyyy-mm-dd`.
    Date,
}

impl Column {
    /// Every column, in the order the CSV form documents them.
    pub const ALL: [Column; 7] = [
        Column::Agency,
        Column::Obligation,
        Column::Stage,
        Column::Period,
        Column::Received,
        Column::DocumentNumber,
        Column::Note,
    ];

    /// The column's name in a header row, a DataFrame, an Arrow schema or a JS object.
    pub fn name(self) -> &'static str {
        match self {
            Column::Agency => "agency",
            Column::Obligation => "obligation",
            Column::Stage => "stage",
            Column::Period => "period",
            Column::Received => "received",
            Column::DocumentNumber => "document_number",
            Column::Note => "note",
        }
    }

    /// Whether every row must have a value here (and so every table must have the column).
    pub fn required(self) -> bool {
        matches!(self, Column::Agency | Column::Obligation | Column::Received)
    }

    pub fn kind(self) -> ColumnKind {
        match self {
            Column::Period => ColumnKind::Period,
            Column::Received => ColumnKind::Date,
            _ => ColumnKind::Text,
        }
    }

    /// The Vietnamese names a header may give the column instead (a spreadsheet kept by hand
    /// in a province names its columns in Vietnamese), the first as the documentation shows it.
    pub fn vietnamese_names(self) -> &'static [&'static str] {
        match self {
            Column::Agency => &[
                "Cơ quan",
                "Đơn vị",
                "Cơ quan, đơn vị",
                "Tên cơ quan",
                "Tên đơn vị",
                "Cơ quan báo cáo",
                "Đơn vị báo cáo",
                "Cơ quan thực hiện",
                "Đơn vị thực hiện",
            ],
            Column::Obligation => &["Nhiệm vụ", "Mã nhiệm vụ", "Số hiệu nhiệm vụ"],
            Column::Stage => &["Giai đoạn", "Bước"],
            Column::Period => &["Kỳ", "Kỳ báo cáo", "Năm"],
            Column::Received => &[
                "Ngày nhận",
                "Ngày gửi",
                "Ngày báo cáo",
                "Ngày hoàn thành",
                "Ngày nhận văn bản",
                "Ngày văn bản đến",
            ],
            Column::DocumentNumber => &["Số văn bản", "Số, ký hiệu", "Số ký hiệu văn bản"],
            Column::Note => &["Ghi chú"],
        }
    }

    /// The column a header names, by its name or one of its [`Column::vietnamese_names`]:
    /// letter case, diacritics, punctuation and surrounding blanks do not matter.
    pub fn from_name(name: &str) -> Option<Column> {
        let wanted = header_key(name);
        Column::ALL
            .into_iter()
            .find(|&c| names_column(c.name(), c.vietnamese_names(), &wanted))
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// Where each of a table's columns (`all`, in slot order) sits among a source's columns, checked:
/// no unknown column, none twice, every required one present. A column is named by its name or
/// one of its Vietnamese names (`vi`), compared as [`header_key`]s. Shared by every table of
/// [`crate::input`], so their header errors read alike.
pub(super) fn locate<'a, C: Copy, const N: usize>(
    all: [C; N],
    name: impl Fn(C) -> &'static str,
    vi: impl Fn(C) -> &'static [&'static str],
    required: impl Fn(C) -> bool,
    names: impl IntoIterator<Item = &'a str>,
) -> Result<[Option<usize>; N], RowError> {
    let mut index = [None; N];
    for (i, raw) in names.into_iter().enumerate() {
        let wanted = header_key(raw);
        let Some(slot) = all
            .iter()
            .position(|&c| names_column(name(c), vi(c), &wanted))
        else {
            return Err(RowError::new(
                raw.trim(),
                format!(
                    "unknown column; expected some of: {}",
                    known_names(&all, &name, &vi)
                ),
            ));
        };
        if index[slot].is_some() {
            return Err(RowError::new(name(all[slot]), "column appears twice"));
        }
        index[slot] = Some(i);
    }
    if let Some(slot) = (0..N).find(|&s| required(all[s]) && index[s].is_none()) {
        return Err(RowError::new(name(all[slot]), "required column is missing"));
    }
    Ok(index)
}

/// A header as compared with column names: folded as agency names are (no case, no
/// diacritics), every character but letters and digits a space (`Số/Ký hiệu`, `document_number`).
pub(super) fn header_key(header: &str) -> String {
    let spaced: String = header
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    crate::model::fold_key(&spaced)
}

fn names_column(name: &str, vi: &[&str], wanted: &str) -> bool {
    header_key(name) == wanted || vi.iter().any(|v| header_key(v) == wanted)
}

/// The columns' names for a message: `agency (Cơ quan), obligation (Nhiệm vụ), …`.
fn known_names<C: Copy>(
    all: &[C],
    name: impl Fn(C) -> &'static str,
    vi: impl Fn(C) -> &'static [&'static str],
) -> String {
    let each = all.iter().map(|&c| match vi(c).first() {
        Some(v) => format!("{} ({v})", name(c)),
        None => name(c).to_string(),
    });
    each.collect::<Vec<_>>().join(", ")
}

/// The names of all columns, comma-separated, for messages.
pub fn column_names() -> String {
    Column::ALL.map(Column::name).join(", ")
}

/// One cell as its source holds it. Blank text, `Missing` and a NaN are all "no value".
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Missing,
    Text(&'a str),
    Int(i64),
    Float(f64),
    Date(NaiveDate),
}

/// A bad header or a bad cell: the column (as the source named it) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field `{column}`: {message}")]
pub struct RowError {
    pub column: String,
    pub message: String,
}

impl RowError {
    pub(super) fn new(column: impl Into<String>, message: impl Into<String>) -> Self {
        RowError {
            column: column.into(),
            message: message.into(),
        }
    }

    /// The error located in a source: `line` is the CSV line (or row number) when there is one.
    pub fn at(self, source_name: &str, line: Option<usize>) -> InputError {
        InputError {
            source_name: source_name.to_string(),
            line,
            column: None,
            field: Some(self.column),
            message: self.message,
        }
    }
}

/// Where each column sits among a source's columns (header cells, DataFrame columns, Arrow
/// fields), checked: no unknown column, none twice, every required one present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    index: [Option<usize>; 7],
}

impl Layout {
    /// The layout of a source whose columns have these names, in order.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Layout, RowError> {
        locate(
            Column::ALL,
            Column::name,
            Column::vietnamese_names,
            Column::required,
            names,
        )
        .map(|index| Layout { index })
    }

    /// The source's position of a column, `None` when the source does not have it.
    pub fn position(&self, c: Column) -> Option<usize> {
        self.index[c.slot()]
    }

    /// One row of a table: `cell(i)` is the cell at the source's position `i`. A row with no
    /// value at all (a blank CSV line, an all-null row) is no submission: `Ok(None)`.
    pub fn read_row<'a>(
        &self,
        cell: impl Fn(usize) -> Cell<'a>,
    ) -> Result<Option<Submission>, RowError> {
        let cells = Column::ALL.map(|c| match self.position(c) {
            Some(i) => cell(i),
            None => Cell::Missing,
        });
        if cells.iter().all(is_blank) {
            return Ok(None);
        }
        read_cells(&cells).map(Some)
    }
}

/// One record given by column (a JS object, a dict): every value here is in the record, so an
/// empty record is an error (its required values are empty), not a row to skip.
pub fn read_record<'a>(
    cells: impl IntoIterator<Item = (&'a str, Cell<'a>)>,
) -> Result<Submission, RowError> {
    let mut row = [Cell::Missing; 7];
    let mut seen = [false; 7];
    for (name, cell) in cells {
        let Some(c) = Column::from_name(name) else {
            return Err(RowError::new(
                name,
                format!(
                    "unknown column; expected some of: {}",
                    known_names(&Column::ALL, Column::name, Column::vietnamese_names)
                ),
            ));
        };
        if seen[c.slot()] {
            return Err(RowError::new(c.name(), "column appears twice"));
        }
        seen[c.slot()] = true;
        row[c.slot()] = cell;
    }
    read_cells(&row)
}

pub(super) fn is_blank(cell: &Cell<'_>) -> bool {
    match cell {
        Cell::Missing => true,
        Cell::Text(t) => t.trim().is_empty(),
        Cell::Float(f) => f.is_nan(),
        Cell::Int(_) | Cell::Date(_) => false,
    }
}

/// The cell as text, `None` when it has no value. A date is not text: `Err` with the message.
pub(super) fn text_of(cell: &Cell<'_>) -> Result<Option<String>, String> {
    Ok(match *cell {
        Cell::Missing => None,
        Cell::Text(t) => {
            let t = t.trim();
            (!t.is_empty()).then(|| t.to_string())
        }
        Cell::Int(i) => Some(i.to_string()),
        Cell::Float(f) if f.is_nan() => None,
        // A whole number stored as a float (a period column with gaps in pandas) reads as the
        // integer it is; 1e15 keeps the conversion exact.
        Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", f as i64)),
        Cell::Float(f) => Some(f.to_string()),
        Cell::Date(d) => return Err(format!("expected text, got the date {d}")),
    })
}

/// [`text_of`], borrowed from a text cell: for a cell read and dropped (a date, a bound), no copy.
pub(super) fn text_ref<'a>(cell: &Cell<'a>) -> Result<Option<Cow<'a, str>>, String> {
    match *cell {
        Cell::Text(t) => {
            let t = t.trim();
            Ok((!t.is_empty()).then_some(Cow::Borrowed(t)))
        }
        _ => text_of(cell).map(|t| t.map(Cow::Owned)),
    }
}

pub(super) fn date_of(cell: &Cell<'_>) -> Result<Option<NaiveDate>, String> {
    if let Cell::Date(d) = *cell {
        return check_date(d).map(Some).map_err(|r| format!("'{d}': {r}"));
    }
    let Some(text) = text_ref(cell)? else {
        return Ok(None);
    };
    parse_date(&text).map(Some).map_err(|e| match e {
        DateTextError::NotADate => {
            format!("'{text}' is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)")
        }
        DateTextError::OutOfRange(r) => format!("'{text}': {r}"),
    })
}

/// The period an integer's decimal text parses to: a year of four digits, nothing else.
fn year_period(y: i64) -> Result<Period, PeriodParseError> {
    match i32::try_from(y) {
        Ok(y) if (1000..=9999).contains(&y) => Ok(Period::Year(y)),
        _ => Err(PeriodParseError(y.to_string())),
    }
}

/// The row's cells in [`Column::ALL`] order, read into a submission.
fn read_cells(cells: &[Cell<'_>; 7]) -> Result<Submission, RowError> {
    let text = |c: Column| text_of(&cells[c.slot()]).map_err(|m| RowError::new(c.name(), m));
    let required_text =
        |c: Column| text(c)?.ok_or_else(|| RowError::new(c.name(), "required value is empty"));
    let agency = required_text(Column::Agency)?;
    let obligation = required_text(Column::Obligation)?;
    let received = date_of(&cells[Column::Received.slot()])
        .map_err(|m| RowError::new(Column::Received.name(), m))?
        .ok_or_else(|| RowError::new(Column::Received.name(), "required value is empty"))?;
    let period_error = |e: PeriodParseError| RowError::new(Column::Period.name(), e.to_string());
    let period = match cells[Column::Period.slot()] {
        // A year as an integer (an Arrow or pandas Int64 column) without a text on the way: the
        // same periods and errors as its decimal text.
        Cell::Int(y) => Some(year_period(y).map_err(period_error)?),
        _ => match text(Column::Period)? {
            None => None,
            Some(p) => Some(p.parse::<Period>().map_err(period_error)?),
        },
    };
    Ok(Submission {
        agency,
        obligation: ObligationId::new(obligation),
        stage: text(Column::Stage)?,
        period,
        received,
        document_number: text(Column::DocumentNumber)?,
        note: text(Column::Note)?,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn layout_checks_the_header() {
        let e = Layout::from_names(["agency", "obligation", "colour", "received"]).unwrap_err();
        assert_eq!(e.column, "colour");
        assert!(e
            .message
            .starts_with("unknown column; expected some of: agency (Cơ quan), obligation ("));
        let e = Layout::from_names(["agency", "AGENCY", "obligation", "received"]).unwrap_err();
        assert_eq!(
            (e.column.as_str(), e.message.as_str()),
            ("agency", "column appears twice")
        );
        let e = Layout::from_names(["agency", "received"]).unwrap_err();
        assert_eq!(
            (e.column.as_str(), e.message.as_str()),
            ("obligation", "required column is missing")
        );
    }

    #[test]
    fn cells_of_every_kind_read_the_same() {
        let layout = Layout::from_names(["received", "agency", "obligation", "period"]).unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 11, 13).unwrap();
        let as_text = [
            Cell::Text(" 13/11/2026 "),
            Cell::Text("A"),
            Cell::Text("IV.1"),
            Cell::Text("2026"),
        ];
        let typed = [
            Cell::Date(date),
            Cell::Text("A"),
            Cell::Text("IV.1"),
            Cell::Float(2026.0),
        ];
        let a = layout.read_row(|i| as_text[i]).unwrap().unwrap();
        let b = layout.read_row(|i| typed[i]).unwrap().unwrap();
        assert_eq!(a, b);
        assert_eq!(a.received, date);
        assert_eq!(a.period.unwrap().to_string(), "2026");
        let blank = [
            Cell::Missing,
            Cell::Text("  "),
            Cell::Float(f64::NAN),
            Cell::Missing,
        ];
        assert_eq!(layout.read_row(|i| blank[i]).unwrap(), None);
    }

    #[test]
    fn bad_cells_name_their_column() {
        let layout = Layout::from_names(["agency", "obligation", "received", "period"]).unwrap();
        let cases: [([Cell<'_>; 4], &str, &str); 5] = [
            (
                [
                    Cell::Missing,
                    Cell::Text("II.1"),
                    Cell::Text("01/01/2026"),
                    Cell::Missing,
                ],
                "agency",
                "required value is empty",
            ),
            (
                [
                    Cell::Text("A"),
                    Cell::Text("II.1"),
                    Cell::Missing,
                    Cell::Missing,
                ],
                "received",
                "required value is empty",
            ),
            (
                [
                    Cell::Text("A"),
                    Cell::Text("II.1"),
                    Cell::Int(20260101),
                    Cell::Missing,
                ],
                "received",
                "'20260101' is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)",
            ),
            (
                [
                    Cell::Text("A"),
                    Cell::Text("II.1"),
                    Cell::Text("2026-01-01"),
                    Cell::Text("2026-Q5"),
                ],
                "period",
                "invalid period '2026-Q5'",
            ),
            (
                [
                    Cell::Date(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
                    Cell::Text("II.1"),
                    Cell::Text("2026-01-01"),
                    Cell::Missing,
                ],
                "agency",
                "expected text, got the date 2026-01-01",
            ),
        ];
        for (row, column, message) in cases {
            let e = layout.read_row(|i| row[i]).unwrap_err();
            assert_eq!(e.column, column);
            assert!(e.message.starts_with(message), "{e}");
        }
        let far = NaiveDate::from_ymd_opt(1800, 1, 1).unwrap();
        let row = [
            Cell::Text("A"),
            Cell::Text("II.1"),
            Cell::Date(far),
            Cell::Missing,
        ];
        let e = layout.read_row(|i| row[i]).unwrap_err();
        assert!(e.message.starts_with("'1800-01-01': "), "{e}");
    }

    #[test]
    fn an_integer_period_is_its_decimal_text() {
        let layout = Layout::from_names(["agency", "obligation", "received", "period"]).unwrap();
        for y in [
            i64::MIN,
            -2026,
            0,
            999,
            1000,
            2026,
            9999,
            10_000,
            i64::from(i32::MAX) + 1,
        ] {
            let read = |period: Cell<'_>| {
                let row = [
                    Cell::Text("A"),
                    Cell::Text("II.1"),
                    Cell::Text("2026-01-01"),
                    period,
                ];
                layout
                    .read_row(|i| row[i])
                    .map(|s| s.and_then(|s| s.period))
            };
            let text = y.to_string();
            assert_eq!(read(Cell::Int(y)), read(Cell::Text(&text)), "{y}");
        }
    }

    #[test]
    fn records_name_unknown_keys_and_do_not_skip_empty_ones() {
        let e =
            read_record([("agency", Cell::Text("A")), ("recieved", Cell::Text("x"))]).unwrap_err();
        assert_eq!(e.column, "recieved");
        let e = read_record([]).unwrap_err();
        assert_eq!(
            (e.column.as_str(), e.message.as_str()),
            ("agency", "required value is empty")
        );
        let s = read_record([
            ("agency", Cell::Text("A")),
            ("obligation", Cell::Text("II.1")),
            ("received", Cell::Text("2026-01-02")),
            ("note", Cell::Missing),
        ])
        .unwrap();
        assert_eq!(s.note, None);
    }
}
