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

/// Serialises a date exactly as chrono's own `Serialize` does (`2026-11-15`), without its
/// formatting machinery for the years 0–9999 (the calendar's are among them): chrono writes
/// a date through `fmt` one character at a time, a quarter of the cost of serialising an
/// obligation, and every plan hash serialises every obligation. Other years go to chrono.
pub(crate) fn serialize_iso<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    let (y, m, day) = (d.year(), d.month(), d.day());
    match u32::try_from(y).ok().filter(|&y| y <= 9999) {
        Some(y) => {
            let digit = |n: u32| b'0' + (n % 10) as u8;
            let text = [
                digit(y / 1000),
                digit(y / 100),
                digit(y / 10),
                digit(y),
                b'-',
                digit(m / 10),
                digit(m),
                b'-',
                digit(day / 10),
                digit(day),
            ];
            match std::str::from_utf8(&text) {
                Ok(t) => s.serialize_str(t),
                Err(_) => serde::Serialize::serialize(d, s),
            }
        }
        None => serde::Serialize::serialize(d, s),
    }
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
    iso_date(t).or_else(|| any_real_date(t))
}

/// [`parse_real_date`] of a trimmed text that is not exactly `yyyy-mm-dd`.
fn any_real_date(t: &str) -> Option<NaiveDate> {
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

/// A real date written exactly `yyyy-mm-dd`, read digit by digit; `None` for any other text,
/// which chrono's `%Y-%m-%d` and the day-first forms then read. chrono reads the same dates from
/// such a text but parses its pattern on every call: two thirds of reading an obligations or
/// submissions table row went to it.
fn iso_date(text: &str) -> Option<NaiveDate> {
    let b: &[u8; 10] = text.as_bytes().try_into().ok()?;
    let digits = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(0, 4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5, 7)?, digits(8, 10)?)
}

/// `dd/mm/yyyy`, the form Vietnamese documents use.
pub fn format_vi(d: NaiveDate) -> String {
    // Not `d.format(..)`: that re-parses the pattern on every call, and dates are formatted
    // for every explanation and rule message.
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn an_iso_looking_text_reads_as_without_the_digit_reader(
            text in "[0-9]{4}-[0-9]{2}-[0-9]{2}|[ 0-9/.+-]{0,12}",
        ) {
            prop_assert_eq!(parse_real_date(&text), any_real_date(text.trim()));
        }
    }

    #[test]
    fn every_day_and_the_calendar_edges_read_as_without_the_digit_reader() {
        let mut d = NaiveDate::from_ymd_opt(1890, 1, 1).unwrap();
        while d.year() <= 2210 {
            let text = d.format("%Y-%m-%d").to_string();
            assert_eq!(parse_real_date(&text), any_real_date(&text));
            assert_eq!(iso_date(&text), Some(d));
            d = d.succ_opt().unwrap();
        }
        for text in [
            "0000-01-01",
            "9999-12-31",
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            " 2026-11-15 ",
            "2026-11-1",
            "2026/11/15",
        ] {
            assert_eq!(parse_real_date(text), any_real_date(text.trim()), "{text}");
        }
    }

    /// A date as `serialize_iso` writes it in JSON.
    fn fast(d: NaiveDate) -> String {
        let mut out = Vec::new();
        serialize_iso(&d, &mut serde_json::Serializer::new(&mut out)).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The dates of the test: every day of the years around the fast path's edges (0, 9999),
    /// of the calendar's years, and a stride through chrono's whole range.
    fn samples() -> Vec<NaiveDate> {
        let mut out = Vec::new();
        for (from, until) in [(-2, 2), (1899, 2101), (9997, 10_001)] {
            let mut d = NaiveDate::from_ymd_opt(from, 1, 1).unwrap();
            while d.year() <= until {
                out.push(d);
                d = d.succ_opt().unwrap();
            }
        }
        let (min, max) = (
            NaiveDate::MIN.num_days_from_ce(),
            NaiveDate::MAX.num_days_from_ce(),
        );
        out.extend(
            (min..=max)
                .step_by(9_973)
                .chain([max])
                .filter_map(NaiveDate::from_num_days_from_ce_opt),
        );
        out
    }

    #[test]
    fn dates_are_serialised_as_chrono_serialises_them() {
        for d in samples() {
            assert_eq!(fast(d), serde_json::to_string(&d).unwrap(), "{d:?}");
        }
    }

    #[test]
    fn the_comparison_catches_a_date_written_wrong() {
        // Planted bug: month and day swapped. The same samples must catch it.
        let swapped = |d: NaiveDate| format!("\"{:04}-{:02}-{:02}\"", d.year(), d.day(), d.month());
        assert!(samples()
            .into_iter()
            .any(|d| swapped(d) != serde_json::to_string(&d).unwrap()));
        assert!(samples().into_iter().all(|d| d.year() < 0
            || d.year() > 9999
            || format!("\"{:04}-{:02}-{:02}\"", d.year(), d.month(), d.day()) == fast(d)));
    }

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
