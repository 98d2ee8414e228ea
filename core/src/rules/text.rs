//! Numbers and dates written straight into a message or an explanation, without the
//! `format!` machinery: every instance's explanation and every rule message carries a few, and
//! formatting them dominated the writing of those texts.

use chrono::{Datelike, NaiveDate};

use crate::model::Period;

/// Appends `n` in decimal, as `{n}` formats it.
pub(crate) fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let v = n.unsigned_abs();
    // Digits from the most significant: the largest power of ten not above `v`.
    let mut unit = 1u64;
    while unit <= v / 10 {
        unit *= 10;
    }
    loop {
        push_digit(out, v / unit % 10);
        if unit == 1 {
            break;
        }
        unit /= 10;
    }
}

/// Appends the ASCII digit `d` (below 10), as a character: no UTF-8 check of a buffer.
fn push_digit(out: &mut String, d: u64) {
    out.push(char::from(b'0' + (d % 10) as u8));
}

/// Appends `dd/mm/yyyy`, as [`crate::model::format_vi`] writes it.
pub(crate) fn push_date_vi(out: &mut String, d: NaiveDate) {
    let two = |out: &mut String, n: u32| {
        push_digit(out, u64::from(n / 10));
        push_digit(out, u64::from(n));
    };
    two(out, d.day());
    out.push('/');
    two(out, d.month());
    out.push('/');
    push_int(out, i64::from(d.year()));
}

/// [`crate::model::format_vi`], written as [`push_date_vi`] writes it.
pub(crate) fn date_vi(d: NaiveDate) -> String {
    let mut s = String::with_capacity(10);
    push_date_vi(&mut s, d);
    s
}

/// A period as its `Display` writes it (`2026`, `2026-H1`, `2026-Q2`, `2026-06`, ...): every
/// instance's facts carry one.
pub(crate) fn period_text(p: &Period) -> String {
    let mut s = String::with_capacity(8);
    let year = |s: &mut String, y: i32| push_int(s, i64::from(y));
    match p {
        Period::Once => s.push_str("once"),
        Period::Year(y) => year(&mut s, *y),
        Period::Half(y, h) => {
            year(&mut s, *y);
            s.push_str("-H");
            push_int(&mut s, i64::from(*h));
        }
        Period::Quarter(y, q) => {
            year(&mut s, *y);
            s.push_str("-Q");
            push_int(&mut s, i64::from(*q));
        }
        Period::Month(y, m) => {
            year(&mut s, *y);
            // `{m:02}`: at least two digits.
            s.push_str(if *m < 10 { "-0" } else { "-" });
            push_int(&mut s, i64::from(*m));
        }
        Period::Event(id) => {
            s.push_str("event:");
            s.push_str(id);
        }
        Period::AwaitingEvent => s.push_str("awaiting-event"),
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_written_as_format_writes_them() {
        let mut samples = vec![0, 1, -1, 9, 10, -10, 99, 100, 12_345, i64::MAX, i64::MIN];
        samples.extend((-1200..1200).step_by(7));
        for n in samples {
            let mut s = String::from("x");
            push_int(&mut s, n);
            assert_eq!(s, format!("x{n}"));
        }
    }

    #[test]
    fn dates_are_written_as_format_vi_writes_them() {
        // Every day of two years (one-digit and two-digit days and months), and far years.
        let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let mut samples: Vec<NaiveDate> = start.iter_days().take(731).collect();
        for y in [1, 9, 10, 999, 1000, 2026, 9999, -5, -2000] {
            samples.extend(NaiveDate::from_ymd_opt(y, 12, 31));
            samples.extend(NaiveDate::from_ymd_opt(y, 2, 3));
        }
        for d in samples {
            assert_eq!(date_vi(d), crate::model::format_vi(d), "{d}");
        }
    }

    #[test]
    fn periods_are_written_as_display_writes_them() {
        let mut samples = vec![
            Period::Once,
            Period::AwaitingEvent,
            Period::Event("REQ-2026".into()),
            Period::Event(String::new()),
        ];
        for y in [-12, 0, 7, 999, 2026, 9999, i32::MIN, i32::MAX] {
            samples.push(Period::Year(y));
            for n in [0u8, 1, 2, 4, 9, 10, 12, 99, 100, 255] {
                samples.extend([
                    Period::Half(y, n),
                    Period::Quarter(y, n),
                    Period::Month(y, n),
                ]);
            }
        }
        for p in samples {
            assert_eq!(period_text(&p), p.to_string(), "{p:?}");
        }
    }
}
