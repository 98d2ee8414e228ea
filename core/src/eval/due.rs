//! Due dates: a stated date, its bound, and the policies → the last on-time day, with the steps.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::calendar::Calendar;
use crate::model::{AppliedPolicy, Bound, DueDate};
use crate::policy::{DayOffRule, DeadlineReading, Policies};

/// Where a stated date came from, when not straight from the plan's deadline phrase.
pub(crate) struct Origin {
    pub vi: String,
    pub en: String,
}

fn weekday_vi(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ Nhật",
    }
}

fn weekday_en(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// A piece of a derivation: fixed text, or a date written as [`format_vi`] writes it.
enum Piece<'a> {
    Text(&'a str),
    Date(NaiveDate),
}

fn write(out: &mut String, pieces: &[Piece<'_>]) {
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Date(d) => crate::rules::text::push_date_vi(out, *d),
        }
    }
}

/// Derives the last on-time day.
///
/// "trước ngày D" read `exclusive` ends on D − 1, `inclusive` on D; "chậm nhất ngày D" ends on D.
/// When that day is off, `next_working_day` moves it (Civil Code 2015 art. 148(5)); `strict` keeps it.
pub(crate) fn derive(
    stated: NaiveDate,
    bound: Bound,
    policies: &Policies,
    cal: &Calendar,
    origin: Option<&Origin>,
) -> DueDate {
    // Written piece by piece, not with `format!`: a plan with one obligation per row derives a
    // due date for every distinct deadline date, thousands per plan.
    use Piece::{Date, Text};
    let (mut vi, mut en) = (String::with_capacity(96), String::with_capacity(96));
    if let Some(o) = origin {
        write(&mut vi, &[Text(&o.vi), Text("; ")]);
        write(&mut en, &[Text(&o.en), Text("; ")]);
    }
    let mut last = match bound {
        Bound::Before => {
            let last = match policies.deadline_reading {
                DeadlineReading::Exclusive => stated.pred_opt().unwrap_or(stated),
                DeadlineReading::Inclusive => stated,
            };
            let reading = policies.deadline_reading.as_str();
            let vi_words = [
                Text("trước ngày "),
                Text(", cách hiểu "),
                Text(" → ngày cuối "),
            ];
            let en_words = [Text("before "), Text(", read "), Text(" → last day ")];
            for (out, [before, read, then]) in [(&mut vi, vi_words), (&mut en, en_words)] {
                write(
                    out,
                    &[before, Date(stated), read, Text(reading), then, Date(last)],
                );
            }
            last
        }
        Bound::NoLaterThan => {
            write(&mut vi, &[Text("chậm nhất ngày "), Date(stated)]);
            write(&mut en, &[Text("no later than "), Date(stated)]);
            stated
        }
    };
    if cal.is_day_off(last) {
        let info = cal.day_info(last);
        // Weekend names already say the weekday ("Sunday (weekly rest day)").
        if info.kind == crate::calendar::DayKind::Weekend {
            write(
                &mut vi,
                &[Text("; "), Date(last), Text(" là "), Text(&info.name_vi)],
            );
            write(
                &mut en,
                &[Text("; "), Date(last), Text(" is a "), Text(&info.name_en)],
            );
        } else {
            write(
                &mut vi,
                &[
                    Text("; "),
                    Date(last),
                    Text(" là "),
                    Text(weekday_vi(last)),
                    Text(", "),
                    Text(&info.name_vi),
                ],
            );
            write(
                &mut en,
                &[
                    Text("; "),
                    Date(last),
                    Text(" is a "),
                    Text(weekday_en(last)),
                    Text(", "),
                    Text(&info.name_en),
                ],
            );
        }
        let policy = policies.day_off.as_str();
        match policies.day_off {
            DayOffRule::Strict => {
                write(
                    &mut vi,
                    &[Text("; chính sách "), Text(policy), Text(": giữ nguyên")],
                );
                write(
                    &mut en,
                    &[Text("; policy "), Text(policy), Text(": unchanged")],
                );
            }
            DayOffRule::NextWorkingDay => {
                last = cal.next_working_day_on_or_after(last);
                write(
                    &mut vi,
                    &[Text("; chính sách "), Text(policy), Text(" → "), Date(last)],
                );
                write(
                    &mut en,
                    &[Text("; policy "), Text(policy), Text(" → "), Date(last)],
                );
            }
        }
    }
    DueDate {
        stated,
        bound,
        last_day: last,
        policy: AppliedPolicy {
            deadline_reading: policies.deadline_reading,
            day_off: policies.day_off,
        },
        derivation_vi: vi,
        derivation_en: en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::format_vi;

    /// The derivation as it was written with `format!` before it was written piece by piece.
    fn reference(
        stated: NaiveDate,
        bound: Bound,
        policies: &Policies,
        cal: &Calendar,
        origin: Option<&Origin>,
    ) -> (NaiveDate, String, String) {
        let s = format_vi(stated);
        let (mut vi, mut en) = match origin {
            Some(o) => (format!("{}; ", o.vi), format!("{}; ", o.en)),
            None => (String::new(), String::new()),
        };
        let reading = policies.deadline_reading.as_str();
        let mut last = match (bound, policies.deadline_reading) {
            (Bound::Before, DeadlineReading::Exclusive) => {
                let l = stated.pred_opt().unwrap_or(stated);
                vi.push_str(&format!(
                    "trước ngày {s}, cách hiểu {reading} → ngày cuối {}",
                    format_vi(l)
                ));
                en.push_str(&format!(
                    "before {s}, read {reading} → last day {}",
                    format_vi(l)
                ));
                l
            }
            (Bound::Before, DeadlineReading::Inclusive) => {
                vi.push_str(&format!(
                    "trước ngày {s}, cách hiểu {reading} → ngày cuối {s}"
                ));
                en.push_str(&format!("before {s}, read {reading} → last day {s}"));
                stated
            }
            (Bound::NoLaterThan, _) => {
                vi.push_str(&format!("chậm nhất ngày {s}"));
                en.push_str(&format!("no later than {s}"));
                stated
            }
        };
        if cal.is_day_off(last) {
            let info = cal.day_info(last);
            let l = format_vi(last);
            // Weekend names already say the weekday ("Sunday (weekly rest day)").
            if info.kind == crate::calendar::DayKind::Weekend {
                vi.push_str(&format!("; {l} là {}", info.name_vi));
                en.push_str(&format!("; {l} is a {}", info.name_en));
            } else {
                vi.push_str(&format!("; {l} là {}, {}", weekday_vi(last), info.name_vi));
                en.push_str(&format!(
                    "; {l} is a {}, {}",
                    weekday_en(last),
                    info.name_en
                ));
            }
            let policy = policies.day_off.as_str();
            match policies.day_off {
                DayOffRule::Strict => {
                    vi.push_str(&format!("; chính sách {policy}: giữ nguyên"));
                    en.push_str(&format!("; policy {policy}: unchanged"));
                }
                DayOffRule::NextWorkingDay => {
                    last = cal.next_working_day_on_or_after(last);
                    vi.push_str(&format!("; chính sách {policy} → {}", format_vi(last)));
                    en.push_str(&format!("; policy {policy} → {}", format_vi(last)));
                }
            }
        }
        (last, vi, en)
    }

    #[test]
    fn derivations_are_the_text_format_wrote() {
        use DayOffRule::*;
        use DeadlineReading::*;
        let cal = Calendar::vietnam();
        let origin = Origin {
            vi: "kế hoạch không nêu ngày".into(),
            en: "the plan states no day".into(),
        };
        let mut day = d(2025, 12, 20);
        while day <= d(2027, 1, 10) {
            for (r, o) in [
                (Exclusive, Strict),
                (Exclusive, NextWorkingDay),
                (Inclusive, Strict),
                (Inclusive, NextWorkingDay),
            ] {
                let p = policies(r, o);
                for bound in [Bound::Before, Bound::NoLaterThan] {
                    for from in [None, Some(&origin)] {
                        let got = derive(day, bound, &p, &cal, from);
                        let want = reference(day, bound, &p, &cal, from);
                        assert_eq!((got.last_day, got.derivation_vi, got.derivation_en), want);
                    }
                }
            }
            day = day.succ_opt().unwrap();
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn policies(r: DeadlineReading, o: DayOffRule) -> Policies {
        Policies {
            deadline_reading: r,
            day_off: o,
            ..Policies::default()
        }
    }

    #[test]
    fn before_15_11_2026_under_all_four_policy_combinations() {
        use DayOffRule::*;
        use DeadlineReading::*;
        let cal = Calendar::vietnam();
        let cases = [
            (Exclusive, Strict, d(2026, 11, 14)),
            (Exclusive, NextWorkingDay, d(2026, 11, 16)),
            (Inclusive, Strict, d(2026, 11, 15)),
            (Inclusive, NextWorkingDay, d(2026, 11, 16)),
        ];
        for (r, o, want) in cases {
            let due = derive(d(2026, 11, 15), Bound::Before, &policies(r, o), &cal, None);
            assert_eq!(due.last_day, want, "{r:?} {o:?}: {}", due.derivation_en);
        }
    }

    #[test]
    fn derivation_names_the_day_and_the_policy() {
        let cal = Calendar::vietnam();
        let p = policies(DeadlineReading::Inclusive, DayOffRule::NextWorkingDay);
        let due = derive(d(2026, 11, 15), Bound::Before, &p, &cal, None);
        assert!(
            due.derivation_en.contains("15/11/2026 is a Sunday"),
            "{}",
            due.derivation_en
        );
        assert!(
            due.derivation_en
                .contains("policy next_working_day → 16/11/2026"),
            "{}",
            due.derivation_en
        );
        assert!(
            due.derivation_vi.contains("Chủ nhật"),
            "{}",
            due.derivation_vi
        );
    }

    #[test]
    fn no_later_than_keeps_the_date() {
        let cal = Calendar::vietnam();
        let due = derive(
            d(2026, 6, 30),
            Bound::NoLaterThan,
            &Policies::default(),
            &cal,
            None,
        );
        assert_eq!(due.last_day, d(2026, 6, 30));
    }
}
