//! The `Date` and `Calendar` types rules see.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rhai::{Dynamic, Engine, EvalAltResult, ImmutableString, Position, INT};

use crate::calendar::{check_date, Calendar};
use crate::model::{format_vi, parse_date, parse_date_text, DateTextError};

/// A calendar date in Vietnam, as rules see it: `date(2026, 11, 15)`, `parse_date("15/11/2026")`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// The working calendar of the evaluation, reachable from views as `x.cal`.
#[derive(Debug, Clone)]
pub struct Cal(pub Arc<Calendar>);

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

fn runtime_error<T>(msg: impl Into<String>) -> RhaiResult<T> {
    Err(Box::new(EvalAltResult::ErrorRuntime(
        Dynamic::from(msg.into()),
        Position::NONE,
    )))
}

/// A date a rule made, checked against the calendar's years.
fn in_range(d: NaiveDate) -> RhaiResult<Date> {
    check_date(d)
        .map(Date)
        .map_or_else(|e| runtime_error(e.to_string()), Ok)
}

/// `d + n` days (`d - n` with `back`): an error, never an overflow, for any `n`.
fn offset(d: Date, n: INT, back: bool) -> RhaiResult<Date> {
    let days = if back { n.checked_neg() } else { Some(n) };
    let shifted = days
        .and_then(chrono::TimeDelta::try_days)
        .and_then(|t| d.0.checked_add_signed(t))
        .filter(|nd| check_date(*nd).is_ok());
    match shifted {
        Some(nd) => Ok(Date(nd)),
        None => runtime_error(format!(
            "{} {} {n} days is outside the supported years {}–{}",
            format_vi(d.0),
            if back { '-' } else { '+' },
            crate::calendar::MIN_YEAR,
            crate::calendar::MAX_YEAR
        )),
    }
}

fn shift(d: Date, n: INT) -> RhaiResult<Date> {
    offset(d, n, false)
}

fn shift_back(d: Date, n: INT) -> RhaiResult<Date> {
    offset(d, n, true)
}

/// Registers `Date`, its operators and functions, and `Calendar` methods.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<Date>("Date");
    engine.register_type_with_name::<Cal>("Calendar");

    engine.register_fn("date", |y: INT, m: INT, d: INT| -> RhaiResult<Date> {
        let ok = i32::try_from(y)
            .ok()
            .zip(u32::try_from(m).ok())
            .zip(u32::try_from(d).ok());
        match ok.and_then(|((y, m), d)| NaiveDate::from_ymd_opt(y, m, d)) {
            Some(nd) => in_range(nd),
            None => runtime_error(format!("date({y}, {m}, {d}) is not a real date")),
        }
    });
    engine.register_fn("parse_date", |s: ImmutableString| -> RhaiResult<Date> {
        match parse_date(&s) {
            Ok(d) => Ok(Date(d)),
            Err(DateTextError::NotADate) => runtime_error(format!(
                "'{s}' is not a date (expected dd/mm/yyyy, e.g. 15/11/2026)"
            )),
            Err(e) => runtime_error(format!("'{s}': {e}")),
        }
    });
    engine.register_fn("is_date", |s: ImmutableString| {
        parse_date_text(&s).is_some()
    });

    engine.register_fn("==", |a: Date, b: Date| a == b);
    engine.register_fn("!=", |a: Date, b: Date| a != b);
    engine.register_fn("<", |a: Date, b: Date| a < b);
    engine.register_fn("<=", |a: Date, b: Date| a <= b);
    engine.register_fn(">", |a: Date, b: Date| a > b);
    engine.register_fn(">=", |a: Date, b: Date| a >= b);
    engine.register_fn("+", shift);
    engine.register_fn("-", shift_back);
    engine.register_fn("-", |a: Date, b: Date| -> INT { (a.0 - b.0).num_days() });

    // Rhai compares values of different types as `false` without a word (rhai #491): a rule
    // writing `x.received <= x.due` when there is no evidence would silently misclassify. Make
    // every mixed comparison an error instead.
    for op in ["==", "!=", "<", "<=", ">", ">="] {
        engine.register_fn(op, |_: Date, _: ()| -> RhaiResult<bool> {
            runtime_error(
                "comparing a Date with () (no value): check x.has_evidence / x.has_due first",
            )
        });
        engine.register_fn(op, |_: (), _: Date| -> RhaiResult<bool> {
            runtime_error(
                "comparing () (no value) with a Date: check x.has_evidence / x.has_due first",
            )
        });
        engine.register_fn(op, |_: Date, _: INT| -> RhaiResult<bool> {
            runtime_error("comparing a Date with a number: use date(y, m, d) or a Date difference")
        });
        engine.register_fn(op, |_: INT, _: Date| -> RhaiResult<bool> {
            runtime_error("comparing a number with a Date: use date(y, m, d) or a Date difference")
        });
        engine.register_fn(op, |_: Date, _: ImmutableString| -> RhaiResult<bool> {
            runtime_error("comparing a Date with a string: use parse_date(\"15/11/2026\")")
        });
        engine.register_fn(op, |_: ImmutableString, _: Date| -> RhaiResult<bool> {
            runtime_error("comparing a string with a Date: use parse_date(\"15/11/2026\")")
        });
    }

    engine.register_get("year", |d: &mut Date| INT::from(d.0.year()));
    engine.register_get("month", |d: &mut Date| INT::from(d.0.month()));
    engine.register_get("day", |d: &mut Date| INT::from(d.0.day()));
    // ISO weekday: 1 = Monday … 7 = Sunday.
    engine.register_get("weekday", |d: &mut Date| {
        INT::from(d.0.weekday().number_from_monday())
    });
    engine.register_fn("to_string", |d: &mut Date| format_vi(d.0));
    engine.register_fn("to_debug", |d: &mut Date| {
        format!("date({})", format_vi(d.0))
    });
    engine.register_fn("iso", |d: &mut Date| d.0.to_string());

    engine.register_fn("is_working_day", |c: &mut Cal, d: Date| {
        c.0.is_working_day(d.0)
    });
    engine.register_fn("is_day_off", |c: &mut Cal, d: Date| c.0.is_day_off(d.0));
    engine.register_fn(
        "next_working_day",
        |c: &mut Cal, d: Date| -> RhaiResult<Date> {
            in_range(c.0.next_working_day_on_or_after(d.0))
        },
    );
    // The calendar saturates at the ends of time; a rule gets an error instead.
    engine.register_fn(
        "add_working_days",
        |c: &mut Cal, d: Date, n: INT| -> RhaiResult<Date> {
            in_range(c.0.add_working_days(d.0, n))
        },
    );
    engine.register_fn(
        "working_days_between",
        |c: &mut Cal, a: Date, b: Date| -> INT { c.0.working_days_between(a.0, b.0) },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_arithmetic_is_checked_for_every_n() {
        let d = Date(NaiveDate::from_ymd_opt(2026, 11, 15).unwrap());
        for n in [INT::MIN, INT::MIN + 1, -1_000_000, 1_000_000, INT::MAX] {
            assert!(shift(d, n).is_err(), "+ {n}");
            assert!(shift_back(d, n).is_err(), "- {n}");
        }
        assert_eq!(
            shift(d, 1).unwrap().0,
            NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
        );
        assert_eq!(
            shift_back(d, 1).unwrap().0,
            NaiveDate::from_ymd_opt(2026, 11, 14).unwrap()
        );
    }
}
