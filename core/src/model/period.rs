use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

/// The period an obligation instance covers. Its JSON form is a short string:
///
/// | form | meaning |
/// |---|---|
/// | `once` | a one-off obligation |
/// | `2026` | the year 2026 |
/// | `2026-H1` | first half of 2026 |
/// | `2026-Q2` | second quarter of 2026 |
/// | `2026-06` | June 2026 |
/// | `event:REQ-7` | the instance created by event `REQ-7` |
/// | `awaiting-event` | an event-triggered obligation whose event has not happened |
///
/// ```
/// use tuanthu::model::Period;
/// let p: Period = "2026-Q2".parse().unwrap();
/// assert_eq!(p, Period::Quarter(2026, 2));
/// assert_eq!(p.to_string(), "2026-Q2");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Period {
    Once,
    Year(i32),
    Half(i32, u8),
    Quarter(i32, u8),
    Month(i32, u8),
    Event(String),
    AwaitingEvent,
}

/// A period string that is not one of the forms of [`Period`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid period '{0}': expected once, 2026, 2026-H1, 2026-Q2, 2026-06, event:<id> or awaiting-event")]
pub struct PeriodParseError(pub String);

impl Period {
    /// The calendar year the period belongs to, when it has one.
    pub fn year(&self) -> Option<i32> {
        match self {
            Period::Year(y) | Period::Half(y, _) | Period::Quarter(y, _) | Period::Month(y, _) => {
                Some(*y)
            }
            _ => None,
        }
    }

    /// First and last day of a calendar period.
    pub fn bounds(&self) -> Option<(NaiveDate, NaiveDate)> {
        let (y, m0, months) = match *self {
            Period::Year(y) => (y, 1, 12),
            Period::Half(y, h) => (y, 1 + (u32::from(h) - 1) * 6, 6),
            Period::Quarter(y, q) => (y, 1 + (u32::from(q) - 1) * 3, 3),
            Period::Month(y, m) => (y, u32::from(m), 1),
            _ => return None,
        };
        let start = NaiveDate::from_ymd_opt(y, m0, 1)?;
        let next = start.checked_add_months(chrono::Months::new(months))?;
        Some((start, next.pred_opt()?))
    }

    /// Vietnamese label: `năm 2026`, `quý II/2026`, `tháng 6/2026`...
    pub fn label_vi(&self) -> String {
        match self {
            Period::Once => "một lần".into(),
            Period::Year(y) => format!("năm {y}"),
            Period::Half(y, 1) => format!("6 tháng đầu năm {y}"),
            Period::Half(y, _) => format!("6 tháng cuối năm {y}"),
            Period::Quarter(y, q) => format!("quý {}/{y}", roman(*q)),
            Period::Month(y, m) => format!("tháng {m}/{y}"),
            Period::Event(id) => format!("theo sự kiện {id}"),
            Period::AwaitingEvent => "chờ phát sinh".into(),
        }
    }

    /// English label.
    pub fn label_en(&self) -> String {
        match self {
            Period::Once => "one-off".into(),
            Period::Year(y) => format!("year {y}"),
            Period::Half(y, h) => format!("H{h} {y}"),
            Period::Quarter(y, q) => format!("Q{q} {y}"),
            Period::Month(y, m) => format!("{y}-{m:02}"),
            Period::Event(id) => format!("event {id}"),
            Period::AwaitingEvent => "awaiting event".into(),
        }
    }
}

fn roman(q: u8) -> &'static str {
    match q {
        1 => "I",
        2 => "II",
        3 => "III",
        _ => "IV",
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Once => f.write_str("once"),
            Period::Year(y) => write!(f, "{y}"),
            Period::Half(y, h) => write!(f, "{y}-H{h}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
            Period::Event(id) => write!(f, "event:{id}"),
            Period::AwaitingEvent => f.write_str("awaiting-event"),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PeriodParseError(s.to_string());
        let t = s.trim();
        if t == "once" {
            return Ok(Period::Once);
        }
        if t == "awaiting-event" {
            return Ok(Period::AwaitingEvent);
        }
        if let Some(id) = t.strip_prefix("event:") {
            return if id.is_empty() {
                Err(err())
            } else {
                Ok(Period::Event(id.to_string()))
            };
        }
        let year = |y: &str| -> Result<i32, PeriodParseError> {
            if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) {
                y.parse().map_err(|_| err())
            } else {
                Err(err())
            }
        };
        let Some((y, rest)) = t.split_once('-') else {
            return Ok(Period::Year(year(t)?));
        };
        let y = year(y)?;
        let num = |r: &str, max: u8| -> Result<u8, PeriodParseError> {
            match r.parse::<u8>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(err()),
            }
        };
        if let Some(h) = rest.strip_prefix('H') {
            Ok(Period::Half(y, num(h, 2)?))
        } else if let Some(q) = rest.strip_prefix('Q') {
            Ok(Period::Quarter(y, num(q, 4)?))
        } else if rest.len() == 2 {
            Ok(Period::Month(y, num(rest, 12)?))
        } else {
            Err(err())
        }
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

impl JsonSchema for Period {
    fn schema_name() -> Cow<'static, str> {
        "Period".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "once | YYYY | YYYY-H1..H2 | YYYY-Q1..Q4 | YYYY-MM | event:<id> | awaiting-event",
            "pattern": "^(once|awaiting-event|event:.+|[0-9]{4}(-H[12]|-Q[1-4]|-(0[1-9]|1[0-2]))?)$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_form() {
        for s in [
            "once",
            "2026",
            "2026-H2",
            "2027-Q4",
            "2026-06",
            "event:REQ-1",
            "awaiting-event",
        ] {
            let p: Period = s.parse().unwrap();
            assert_eq!(p.to_string(), s);
        }
    }

    #[test]
    fn rejects_malformed() {
        for s in [
            "", "26", "2026-Q5", "2026-13", "2026-H0", "event:", "2026-6", "yearly",
        ] {
            assert!(s.parse::<Period>().is_err(), "{s} should be rejected");
        }
    }

    #[test]
    fn bounds_cover_the_period() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            Period::Quarter(2026, 2).bounds(),
            Some((d(2026, 4, 1), d(2026, 6, 30)))
        );
        assert_eq!(
            Period::Month(2028, 2).bounds(),
            Some((d(2028, 2, 1), d(2028, 2, 29)))
        );
        assert_eq!(Period::Once.bounds(), None);
    }
}
