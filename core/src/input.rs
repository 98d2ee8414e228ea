//! Reading the contract's inputs from files: plan, registry and events JSON, submissions as CSV
//! or JSON. Every error names the file, the line (or CSV row) and the field, and what was expected.

use std::fmt;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::model::{AgencyRegistry, Event, Obligation, Plan, Submission};

pub mod obligations;
pub mod table;

use table::{Cell, Layout};

/// Bad input, located precisely enough for a person to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InputError {
    /// File name or a label such as `<request>`.
    pub source_name: String,
    /// 1-based line in the file (for CSV, the row's line).
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Field path, e.g. `obligations[3].schedule.deadline.date`, or a CSV column name.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source_name)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Parses JSON into `T`, naming the field path on error.
///
/// ```
/// let e = tuanthu::input::from_json_str::<tuanthu::model::Plan>("plan.json", r#"{"id": "p", "title": "t",
///   "obligations": [{"id": "II.1", "title": "x", "schedule": {"type": "once",
///   "deadline": {"date": "2026-02-31", "bound": "before"}}}]}"#).unwrap_err();
/// assert_eq!(e.field.as_deref(), Some("obligations[0].schedule"));
/// assert!(e.to_string().starts_with("plan.json:"));
/// ```
pub fn from_json_str<T: DeserializeOwned>(source_name: &str, text: &str) -> Result<T, InputError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = explain_json_error(&inner);
        InputError {
            source_name: source_name.to_string(),
            line: (inner.line() > 0).then_some(inner.line()),
            column: (inner.column() > 0).then_some(inner.column()),
            field: (path != "." && !path.is_empty()).then_some(path),
            message,
        }
    })
}

fn explain_json_error(e: &serde_json::Error) -> String {
    let raw = e.to_string();
    // serde_json appends " at line X column Y"; we report those separately.
    let msg = raw.split(" at line ").next().unwrap_or(&raw).to_string();
    if msg.contains("input is out of range")
        || msg.contains("premature end of input") && msg.contains("date")
    {
        format!("{msg}: not a real calendar date (expected YYYY-MM-DD, e.g. 2026-11-15)")
    } else if msg.contains("input contains invalid characters") {
        format!("{msg}: expected a date as YYYY-MM-DD, e.g. 2026-11-15")
    } else {
        msg
    }
}

fn read(path: &Path) -> Result<String, InputError> {
    std::fs::read_to_string(path).map_err(|e| InputError {
        source_name: path.display().to_string(),
        line: None,
        column: None,
        field: None,
        message: format!("cannot read: {e}"),
    })
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, InputError> {
    from_json_str(&path.display().to_string(), &read(path)?)
}

/// Reads a plan JSON file.
pub fn read_plan(path: &Path) -> Result<Plan, InputError> {
    read_json(path)
}

/// Reads an agency registry JSON file.
pub fn read_registry(path: &Path) -> Result<AgencyRegistry, InputError> {
    read_json(path)
}

/// Reads an events JSON file (an array of events).
pub fn read_events(path: &Path) -> Result<Vec<Event>, InputError> {
    read_json(path)
}

/// Reads submissions from `.csv` or `.json` (by extension): a JSON file is an array of row
/// objects, read through the same [`table`] as a CSV file ([`submissions_from_records`]).
pub fn read_submissions(path: &Path) -> Result<Vec<Submission>, InputError> {
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let text = read(path)?;
    let name = path.display().to_string();
    if is_csv {
        submissions_from_csv(&name, &text)
    } else {
        submissions_from_records(&name, &text)
    }
}

/// Parses submissions CSV: a header row with the columns `agency, obligation, stage, period,
/// received, document_number, note` (the first two and `received` required; any order), or their
/// Vietnamese names (`Cơ quan`, `Nhiệm vụ`, `Ngày nhận`…: [`table::Column::vietnamese_names`]),
/// separated by `,`, `;` or tabs (the header decides). Dates may be `dd/mm/yyyy` or `yyyy-mm-dd`. Unknown columns are an error, never ignored. The columns and
/// the cell rules are those of [`table`], shared with DataFrames, Arrow tables and JS arrays.
///
/// ```
/// let rows = tuanthu::input::submissions_from_csv("s.csv",
///     "agency,obligation,period,received,document_number\nSở Tư pháp,IV.1,2026,13/11/2026,12/BC-STP\n").unwrap();
/// assert_eq!(rows[0].received.to_string(), "2026-11-13");
/// let e = tuanthu::input::submissions_from_csv("s.csv", "agency,obligation,received\nSở Tư pháp,IV.1,31/02/2026\n").unwrap_err();
/// assert_eq!(e.to_string(), "s.csv:2: field `received`: '31/02/2026' is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)");
/// ```
pub fn submissions_from_csv(source_name: &str, text: &str) -> Result<Vec<Submission>, InputError> {
    let mut out = Vec::new();
    for_csv_rows(
        source_name,
        text,
        |h| Layout::from_names(h),
        |layout, _line, cell| {
            out.extend(layout.read_row(cell)?);
            Ok(())
        },
    )?;
    Ok(out)
}

/// Reads CSV text row by row for a table of [`table`]'s kind: `layout` reads the header,
/// `row` one record (its cells as [`Cell::Text`], its line). Errors are located on the line.
fn for_csv_rows<L>(
    source_name: &str,
    text: &str,
    layout: impl FnOnce(csv::StringRecordIter<'_>) -> Result<L, table::RowError>,
    mut row: impl for<'r> FnMut(
        &L,
        Option<usize>,
        &dyn Fn(usize) -> Cell<'r>,
    ) -> Result<(), table::RowError>,
) -> Result<(), InputError> {
    let err = |line: Option<usize>, message: String| InputError {
        source_name: source_name.to_string(),
        line,
        column: None,
        field: None,
        message,
    };
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| err(Some(1), format!("cannot read the header row: {e}")))?
        .clone();
    let layout = layout(headers.iter()).map_err(|e| e.at(source_name, Some(1)))?;
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize);
            err(line, format!("malformed CSV row: {e}"))
        })?;
        let line = record.position().map(|p| p.line() as usize);
        let cell = |i: usize| record.get(i).map_or(Cell::Missing, Cell::Text);
        row(&layout, line, &cell).map_err(|e| e.at(source_name, line))?;
    }
    Ok(())
}

/// The separator of a CSV text: of `,`, `;` and tab, the one its header line has most of outside
/// quotes (`,` when none). Excel saves "CSV" with the list separator of the system's regional
/// settings, `;` where the decimal mark is a comma, as on Vietnamese systems.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in header.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let seps = [b',', b';', b'\t'];
    // The first of the most frequent: a header without separators is one column of `,`.
    let best = (0..3).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
    seps[best]
}

/// Parses an obligations CSV: a header row with the columns `id, title, lead, deadline, bound`
/// (and optionally `schedule`, whose only value is `once`), one obligation per row, read
/// through [`obligations`] (the table Arrow tables from Python are read through too). A second
/// row with an id already read is an error naming both lines.
///
/// ```
/// let obs = tuanthu::input::obligations_from_csv("o.csv",
///     "id,title,lead,deadline,bound\nII.3,Rà soát,Sở Tư pháp,20/04/2026,before\n").unwrap();
/// assert_eq!(obs[0].id.as_str(), "II.3");
/// let e = tuanthu::input::obligations_from_csv("o.csv",
///     "id,title,lead,deadline,bound\nII.3,Rà soát,Sở Tư pháp,20/04/2026,by\n").unwrap_err();
/// assert_eq!(e.to_string(), "o.csv:2: field `bound`: 'by' is not a bound (expected before or no_later_than)");
/// ```
pub fn obligations_from_csv(source_name: &str, text: &str) -> Result<Vec<Obligation>, InputError> {
    let mut out = obligations::Obligations::default();
    for_csv_rows(
        source_name,
        text,
        |names| obligations::ObligationLayout::from_names(names),
        |layout, line, cell| {
            if let Some(o) = layout.read_row(cell)? {
                out.push(line.unwrap_or_default(), o)?;
            }
            Ok(())
        },
    )?;
    Ok(out.into_vec())
}

/// Submissions from JSON records: an array of objects keyed by column name (a JavaScript array
/// of rows), read through the same [`table`] as a CSV file, so a bad cell gives the CSV's
/// message. Errors name the record and the column as `[i].column`.
///
/// ```
/// let e = tuanthu::input::submissions_from_records("submissions",
///     r#"[{"agency": "A", "obligation": "IV.1", "received": "31/02/2026"}]"#).unwrap_err();
/// assert_eq!(e.to_string(), "submissions: field `[0].received`: '31/02/2026' is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)");
/// ```
pub fn submissions_from_records(
    source_name: &str,
    text: &str,
) -> Result<Vec<Submission>, InputError> {
    let records: Vec<serde_json::Map<String, serde_json::Value>> =
        from_json_str(source_name, text)?;
    records
        .iter()
        .enumerate()
        .map(|(i, record)| {
            let locate = |e: table::RowError| InputError {
                source_name: source_name.to_string(),
                line: None,
                column: None,
                field: Some(format!("[{i}].{}", e.column)),
                message: e.message,
            };
            let cells = record
                .iter()
                .map(|(k, v)| json_cell(k, v).map(|c| (k.as_str(), c)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(locate)?;
            table::read_record(cells).map_err(locate)
        })
        .collect()
}

/// A JSON value as a table cell: text, a number, or null (missing).
fn json_cell<'a>(key: &str, v: &'a serde_json::Value) -> Result<Cell<'a>, table::RowError> {
    use serde_json::Value;
    Ok(match v {
        Value::Null => Cell::Missing,
        Value::String(s) => Cell::Text(s),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Cell::Int(i),
            None => Cell::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::Bool(_) | Value::Array(_) | Value::Object(_) => {
            return Err(table::RowError {
                column: key.to_string(),
                message: "expected text, a number or null".into(),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_errors_name_row_and_column() {
        let e = submissions_from_csv("s.csv", "agency,obligation,colour,received\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("colour"));
        assert_eq!(e.line, Some(1));
        let e = submissions_from_csv("s.csv", "agency,received\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("`obligation`: required column is missing"),
            "{e}"
        );
        let e = submissions_from_csv(
            "s.csv",
            "agency,obligation,received\nA,II.1,01/01/2026\n,II.1,01/01/2026\n",
        )
        .unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("agency")));
        let e = submissions_from_csv(
            "s.csv",
            "agency,obligation,received,period\nA,II.1,01/01/2026,2026-Q5\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("invalid period '2026-Q5'"), "{e}");
        let e = submissions_from_csv("s.csv", "agency,obligation,received\nA,II.1\n").unwrap_err();
        assert!(e.to_string().contains("malformed CSV row"), "{e}");
    }

    const ENGLISH: &str = "agency,obligation,stage,period,received,document_number,note\n\
        Sở Tư pháp,IV.1,,2026,13/11/2026,12/BC-STP,\"đã gửi; bản giấy\"\n\
        \"UBND xã Tân An, huyện X\",II.3,b1,2026-Q3,2026-04-18,,\n";

    /// The same rows as Excel saves them where the list separator is `;` (Vietnamese regional
    /// settings): BOM, CRLF, Vietnamese headers in any case and spelling of the separators.
    #[test]
    fn vietnamese_headers_and_semicolons_read_as_the_english_csv() {
        let english = submissions_from_csv("s.csv", ENGLISH).unwrap();
        assert_eq!(english.len(), 2);
        let headers = [
            "Cơ quan;Nhiệm vụ;Giai đoạn;Kỳ;Ngày nhận;Số, ký hiệu;Ghi chú",
            "CƠ QUAN;NHIỆM VỤ;GIAI ĐOẠN;KỲ BÁO CÁO;NGÀY GỬI;SỐ/KÝ HIỆU;GHI CHÚ",
            "Don vi;Ma nhiem vu;Giai doan;Nam;Ngay nhan;So van ban;Ghi chu",
            "Tên đơn vị;Số hiệu nhiệm vụ;Bước;Kỳ;Ngày hoàn thành;Số ký hiệu văn bản;Ghi chú",
        ];
        for header in headers {
            let rows = ENGLISH
                .lines()
                .skip(1)
                .map(|l| separated(l, ';'))
                .collect::<Vec<_>>()
                .join("\r\n");
            let text = format!("\u{feff}{header}\r\n{rows}\r\n");
            let read =
                submissions_from_csv("s.csv", &text).unwrap_or_else(|e| panic!("{header}: {e}"));
            assert_eq!(read, english, "{header}");
            let tab_rows: Vec<String> = ENGLISH
                .lines()
                .skip(1)
                .map(|l| separated(l, '\t'))
                .collect();
            let tabs = format!("{}\n{}\n", header.replace(';', "\t"), tab_rows.join("\n"));
            assert_eq!(
                submissions_from_csv("s.csv", &tabs).unwrap(),
                english,
                "{header}"
            );
        }
        // A comma file whose note holds a `;` stays a comma file: the header decides.
        assert_eq!(english[0].note.as_deref(), Some("đã gửi; bản giấy"));
    }

    /// A comma-separated row with another separator: commas outside quotes become `sep`.
    fn separated(line: &str, sep: char) -> String {
        let mut quoted = false;
        line.chars()
            .map(|c| match c {
                '"' => {
                    quoted = !quoted;
                    c
                }
                ',' if !quoted => sep,
                _ => c,
            })
            .collect()
    }

    #[test]
    fn unknown_columns_name_the_vietnamese_names_too() {
        let e = submissions_from_csv("s.csv", "Cơ quan;Nhiệm vụ;Màu;Ngày nhận\n").unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(1), Some("Màu")));
        assert!(
            e.message
                .contains("agency (Cơ quan), obligation (Nhiệm vụ), stage (Giai đoạn)"),
            "{e}"
        );
        // A column named twice, once in each language.
        let e = submissions_from_csv("s.csv", "agency,Cơ quan,obligation,received\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "s.csv:1: field `agency`: column appears twice"
        );
        // JSON records (a JS array of objects) take the same names.
        let rows = submissions_from_records(
            "r",
            r#"[{"Cơ quan": "Sở Tư pháp", "Nhiệm vụ": "IV.1", "Ngày nhận": "13/11/2026"}]"#,
        )
        .unwrap();
        assert_eq!(rows[0].agency, "Sở Tư pháp");
    }

    #[test]
    fn obligations_csv_takes_the_appendix_tables_vietnamese_headers() {
        let english = obligations_from_csv(
            "o.csv",
            "id,title,lead,deadline,bound\nII.3,Rà soát,Sở Tư pháp,20/04/2026,before\n",
        )
        .unwrap();
        let vietnamese = obligations_from_csv(
            "o.csv",
            "Mã nhiệm vụ;Nội dung nhiệm vụ;Cơ quan chủ trì;Thời hạn hoàn thành;bound\n\
             II.3;Rà soát;Sở Tư pháp;20/04/2026;before\n",
        )
        .unwrap();
        assert_eq!(vietnamese, english);
    }

    #[test]
    fn obligations_csv_reads_like_plan_json_and_names_lines() {
        let obs = obligations_from_csv(
            "o.csv",
            "id,title,lead,deadline,bound,schedule\nII.3,Rà soát,Sở Tư pháp,20/04/2026,before,once\n\
             IV.1,Báo cáo,Công an tỉnh,2026-11-15,no_later_than,\n",
        )
        .unwrap();
        let plan: Plan = from_json_str(
            "p.json",
            r#"{"id": "p", "title": "t", "obligations": [
              {"id": "II.3", "title": "Rà soát", "lead": [{"kind": "agency", "name": "Sở Tư pháp"}],
               "schedule": {"type": "once", "deadline": {"date": "2026-04-20", "bound": "before"}}},
              {"id": "IV.1", "title": "Báo cáo", "lead": [{"kind": "agency", "name": "Công an tỉnh"}],
               "schedule": {"type": "once", "deadline": {"date": "2026-11-15", "bound": "no_later_than"}}}]}"#,
        )
        .unwrap();
        assert_eq!(obs, plan.obligations);
        let e = obligations_from_csv(
            "o.csv",
            "id,title,lead,deadline,bound\nII.3,a,A,20/04/2026,before\nII.3,b,B,21/04/2026,before\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "o.csv:3: field `id`: 'II.3' is the id of row 2 too (ids are unique within a plan)"
        );
        let e = obligations_from_csv("o.csv", "id,title,lead,deadline\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "o.csv:1: field `bound`: required column is missing"
        );
    }

    #[test]
    fn records_read_like_csv_rows() {
        let csv = submissions_from_csv(
            "s.csv",
            "agency,obligation,period,received\nA,IV.1,2026,13/11/2026\n",
        )
        .unwrap();
        let records = submissions_from_records(
            "s",
            r#"[{"agency": "A", "obligation": "IV.1", "period": 2026, "received": "13/11/2026", "note": null}]"#,
        )
        .unwrap();
        assert_eq!(csv, records);
        for (record, field, message) in [
            (
                r#"{"agency": "A", "received": "2026-01-01"}"#,
                "[0].obligation",
                "required value is empty",
            ),
            (
                r#"{"agency": "A", "obligation": "II.1", "received": true}"#,
                "[0].received",
                "expected text, a number or null",
            ),
            (
                r#"{"agency": "A", "obligation": "II.1", "received": "x", "colour": 1}"#,
                "[0].colour",
                "unknown column",
            ),
        ] {
            let e = submissions_from_records("s", &format!("[{record}]")).unwrap_err();
            assert_eq!(e.field.as_deref(), Some(field), "{e}");
            assert!(e.message.starts_with(message), "{e}");
        }
        let e = submissions_from_records("s", "{}").unwrap_err();
        assert!(e.message.contains("expected a sequence"), "{e}");
    }

    #[test]
    fn json_errors_name_line_and_field() {
        let e = from_json_str::<Vec<Submission>>(
            "s.json",
            "[\n {\"agency\": \"A\", \"obligation\": \"II.1\", \"received\": \"2026-02-31\"}\n]",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(2));
        assert_eq!(e.field.as_deref(), Some("[0].received"));
        assert!(
            e.message.contains("not a real calendar date"),
            "{}",
            e.message
        );
        let e = from_json_str::<Vec<Submission>>(
            "s.json",
            "[{\"agency\": \"A\", \"obligation\": \"II.1\", \"recieved\": \"2026-01-01\"}]",
        )
        .unwrap_err();
        assert!(
            e.message.contains("unknown field `recieved`"),
            "{}",
            e.message
        );
        let e = from_json_str::<Plan>("p.json", "{\"id\": ").unwrap_err();
        assert!(e.message.contains("EOF"), "{}", e.message);
    }
}
