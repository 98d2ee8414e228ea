//! Dates as Vietnamese documents and spreadsheets write them: `15/11/2026`, and ISO `2026-11-15`.
//!
//! Reading a CSV, explaining a deadline and the rules' `parse_date` all use these, so they live with
//! the data model rather than in the Rhai adapter.

use chrono::{Datelike, NaiveDate};

use crate::calendar::{check_date, DateOutOfRange};

/// Why a text is not a usable date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateTextError {
    #[error("not a real date (expected dd/mm/yyyy or yyyy-mm-dd, e.g. 15/11/2026)")]
    NotADate,
    #[error(transparent)]
    OutOfRange(#[from] DateOutOfRange),
}

/// Parses `15/11/2026`, `15-11-2026`, `2026-11-15` within the calendar's years.
pub fn parse_date(s: &str) -> Result<NaiveDate, DateTextError> {
    let d = parse_real_date(s).ok_or(DateTextError::NotADate)?;
    Ok(check_date(d)?)
}

/// [`parse_date`], `None` for anything else, impossible dates or dates out of range.
pub fn parse_date_text(s: &str) -> Option<NaiveDate> {
    parse_date(s).ok()
}

/// Any real calendar date written `15/11/2026`, `15-11-2026` or `2026-11-15`, range unchecked.
fn parse_real_date(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some(d);
    }
    let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
    let [day, month, year] = parts.as_slice() else {
        return None;
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(day) && digits(month) && digits(year)) || year.len() != 4 {
        return None;
    }
    let day: u32 = day.parse().ok()?;
    let month: u32 = month.parse().ok()?;
    let year: i32 = year.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// `dd/mm/yyyy`, the form Vietnamese documents use.
pub fn format_vi(d: NaiveDate) -> String {
    // Not `d.format(..)`: that re-parses the pattern on every call, and dates are formatted
    // for every explanation and rule message.
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_vietnamese_and_iso_dates() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 15).unwrap();
        assert_eq!(parse_date_text("15/11/2026"), Some(d));
        assert_eq!(parse_date_text(" 15-11-2026 "), Some(d));
        assert_eq!(parse_date_text("2026-11-15"), Some(d));
        assert_eq!(parse_date_text("31/02/2026"), None);
        assert_eq!(parse_date_text("15/11/26"), None);
        assert_eq!(parse_date_text("15/11"), None);
    }

    #[test]
    fn dates_outside_the_calendar_years_are_refused_with_the_reason() {
        for text in [
            "01/01/0001",
            "0001-01-01",
            "31/12/1899",
            "01/01/2200",
            "9999-12-31",
        ] {
            assert!(
                matches!(parse_date(text), Err(DateTextError::OutOfRange(_))),
                "{text}"
            );
        }
        assert_eq!(
            parse_date("01/01/0001").unwrap_err().to_string(),
            "0001-01-01 is outside the supported years 1900–2199"
        );
        assert_eq!(parse_date("31/02/2026"), Err(DateTextError::NotADate));
        assert!(parse_date("01/01/1900").is_ok() && parse_date("31/12/2199").is_ok());
    }
}
