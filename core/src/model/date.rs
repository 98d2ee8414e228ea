//! Dates as Vietnamese documents and spreadsheets write them: `15/11/2026`, and ISO `2026-11-15`.
//!
//! Reading a CSV, explaining a deadline and the rules' `parse_date` all use these, so they live with
//! the data model rather than in the Rhai adapter.

use chrono::{Datelike, NaiveDate};

/// Parses `15/11/2026`, `15-11-2026`, `2026-11-15`; `None` for anything else or impossible dates.
pub fn parse_date_text(s: &str) -> Option<NaiveDate> {
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
}
