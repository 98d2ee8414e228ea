//! Vietnamese working calendar for state agencies: which days are days off, and working-day
//! arithmetic for deadlines.
//!
//! A day is off when it is
//! - a **weekly rest day**: Saturday or Sunday. State agencies work a 40-hour Monday–Friday week
//!   (Quyết định 188/1999/QĐ-TTg; the practice Nghị định 45/2013/NĐ-CP keeps for state agencies;
//!   Bộ luật Lao động 2019 art. 111 lets the employer fix the weekly rest);
//! - a **public holiday** of Bộ luật Lao động 2019 art. 112(1) (see [`Calendar::vietnam`] for the
//!   days and the defaults used when no schedule was announced);
//! - a **substitute day** (*nghỉ bù*, art. 111(3)): a holiday on a weekly rest day is made up on
//!   the next working day;
//! - an **announced day off**: the Prime Minister fixes the Tết and Quốc khánh days
//!   (art. 112(3)) and approves swaps for civil servants (*hoán đổi ngày làm việc*): a weekday
//!   becomes a day off and a Saturday a make-up working day (*làm bù*). Announced schedules ship
//!   as data (`core/data/vn-announced-holidays.json`) and replace the computed defaults;
//! - a **caller day off** from [`CalendarOverrides`] (e.g. 24/11 "Ngày Văn hóa Việt Nam").
//!   Caller days off and caller working days win over every other rule.
//!
//! Holidays are computed for [`MIN_YEAR`]`..=`[`MAX_YEAR`]; outside it only weekends are days off.
//! Queries are O(1) (`add_working_days` O(log n)): the whole supported range is precomputed once
//! into a bit set with per-word prefix counts, shared between clones.
//!
//! Deadline policies (Civil Code 2015 art. 148 moving a last day off to the next working day) are
//! applied by callers with [`Calendar::next_working_day_on_or_after`].

pub(crate) mod lunar;

use chrono::{Datelike, NaiveDate, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, OnceLock};

use table::DayTable;

/// First year with computed holidays.
pub const MIN_YEAR: i32 = 1900;
/// Last year with computed holidays.
pub const MAX_YEAR: i32 = 2199;

/// A date outside the years the calendar models ([`MIN_YEAR`]`..=`[`MAX_YEAR`]).
#[derive(thiserror::Error, Debug, Clone, Copy, PartialEq, Eq)]
#[error("{date} is outside the supported years {MIN_YEAR}–{MAX_YEAR}")]
pub struct DateOutOfRange {
    /// The date out of range.
    pub date: NaiveDate,
}

/// The one range check for dates entering tuanthu (requests, CSV, rule dates, overrides): a
/// date the calendar does not model would be judged on weekends alone, or overflow.
pub fn check_date(date: NaiveDate) -> Result<NaiveDate, DateOutOfRange> {
    if (MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err(DateOutOfRange { date })
    }
}

/// Why a day is off (or worked): shown in explanations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DayInfo {
    /// The day described.
    pub date: NaiveDate,
    /// Which rule decides the day.
    pub kind: DayKind,
    /// Vietnamese name (the holiday, or the caller's reason).
    pub name_vi: String,
    /// English name (the holiday, or the caller's reason).
    pub name_en: String,
}

/// The rule that makes a day off or a working day, in order of increasing precedence:
/// weekly rest < statutory/announced days < caller overrides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// Saturday or Sunday, the weekly rest (day off).
    Weekend,
    /// A public holiday of Labour Code 2019 art. 112, also when it falls on a weekend (day off).
    PublicHoliday,
    /// *Nghỉ bù*: replaces a holiday that fell on a weekly rest day, art. 111(3) (day off).
    SubstituteDay,
    /// A weekday given off by an announced swap (day off).
    AnnouncedDayOff,
    /// *Làm bù*: a weekend day worked in exchange for an announced day off (working day).
    MakeUpWorkingDay,
    /// A day off added by the caller (day off).
    CallerDayOff,
    /// A working day imposed by the caller (working day).
    CallerWorkingDay,
    /// An ordinary working day.
    WorkingDay,
}

impl DayKind {
    /// Whether days of this kind are days off.
    pub fn is_day_off(self) -> bool {
        !matches!(
            self,
            DayKind::MakeUpWorkingDay | DayKind::CallerWorkingDay | DayKind::WorkingDay
        )
    }
}

/// Caller-supplied additions to the calendar (part of the public JSON contract).
///
/// Both lists win over every statutory and announced rule. A date may not appear in both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarOverrides {
    /// Extra days off, e.g. 24/11 "Ngày Văn hóa Việt Nam".
    #[serde(default)]
    pub days_off: Vec<DatedReason>,
    /// Days worked although the calendar says off, e.g. a local make-up Saturday.
    #[serde(default)]
    pub working_days: Vec<DatedReason>,
}

/// A date with the reason it is listed, shown in explanations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatedReason {
    /// The date.
    pub date: NaiveDate,
    /// Free text; may be empty.
    #[serde(default)]
    pub reason: String,
}

/// Errors from building a calendar.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// The same date is both a caller day off and a caller working day.
    #[error("{date} is listed both as a day off and as a working day")]
    ConflictingOverride {
        /// The date listed twice.
        date: NaiveDate,
    },
    /// An override outside the years the calendar models.
    #[error("{date} is outside the supported years {MIN_YEAR}..={MAX_YEAR}")]
    YearOutOfRange {
        /// The date out of range.
        date: NaiveDate,
    },
}

/// A working calendar: statutory rules, announced schedules and caller overrides.
///
/// Cheap to clone (shared, immutable data); `Send + Sync`.
#[derive(Clone)]
pub struct Calendar {
    base: Arc<Base>,
    /// Effective working/off bits: `base.table` plus caller overrides.
    table: Arc<DayTable>,
    caller: Arc<BTreeMap<NaiveDate, CallerEntry>>,
}

/// Holidays and announced days, shared by all calendars built from the same rules.
struct Base {
    table: Arc<DayTable>,
    /// Every day that is not plain weekend / plain working day.
    specials: HashMap<NaiveDate, DayInfo>,
    announced_years: Vec<i32>,
}

#[derive(Debug, Clone)]
struct CallerEntry {
    working: bool,
    reason: String,
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("years", &(MIN_YEAR..=MAX_YEAR))
            .field("announced_years", &self.base.announced_years)
            .field("overrides", &self.caller)
            .finish()
    }
}

impl Default for Calendar {
    /// [`Calendar::vietnam`].
    fn default() -> Self {
        Calendar::vietnam()
    }
}

impl Calendar {
    /// The calendar of Vietnamese state agencies: weekly rest, statutory holidays, and the
    /// shipped announced schedules (2025, 2026), which replace the computed default of the
    /// holidays they cover in their year.
    ///
    /// Public holidays, Bộ luật Lao động 2019 art. 112(1):
    /// - Tết Dương lịch: 1/1.
    /// - Tết Nguyên đán: 5 days. The Prime Minister fixes which (art. 112(3)); default: the last
    ///   day of the lunar year and days 1–4 of the new year.
    /// - Giỗ Tổ Hùng Vương: 10/3 lunar.
    /// - Ngày Chiến thắng 30/4 and Ngày Quốc tế Lao động 1/5.
    /// - Quốc khánh: 2/9 plus one adjacent day, fixed by the Prime Minister. Default: the adjacent
    ///   day that gives the longer continuous break; on a tie the one that is a weekday (no extra
    ///   substitute day); then 1/9. That is 3/9 when 2/9 is a Monday, Thursday or Sunday and 1/9
    ///   otherwise, which reproduces the schedules announced for 2021–2026.
    ///
    /// Substitute days (art. 111(3)): each holiday on a Saturday or Sunday gives the next day that
    /// is neither weekend, holiday nor earlier substitute. Two holidays on one date give one day
    /// off. Announced years carry their substitutes in the data.
    ///
    /// Earlier law, applied by year: Tết was 4 days (last day + days 1–3) until 2013 (Bộ luật Lao
    /// động 2012 art. 115 took effect 1/5/2013); Giỗ Tổ is a holiday from 2007 (Luật 84/2007/QH11);
    /// Quốc khánh is one day before 2021. Rules before 1995 are not modelled (1995 rules apply).
    #[allow(
        clippy::expect_used,
        reason = "the shipped table is compiled in and parsed by every calendar test"
    )]
    pub fn vietnam() -> Calendar {
        static CAL: OnceLock<Calendar> = OnceLock::new();
        CAL.get_or_init(|| {
            let announced = announced::parse(announced::SHIPPED)
                .expect("core/data/vn-announced-holidays.json is valid (checked by tests)");
            Calendar::from_base(build_base(&announced))
        })
        .clone()
    }

    /// Statutory rules only, ignoring announced schedules: what [`Calendar::vietnam`] computes
    /// for a year nothing was announced for.
    pub fn vietnam_statutory() -> Calendar {
        static CAL: OnceLock<Calendar> = OnceLock::new();
        CAL.get_or_init(|| Calendar::from_base(build_base(&[])))
            .clone()
    }

    fn from_base(base: Base) -> Calendar {
        Calendar {
            table: Arc::clone(&base.table),
            base: Arc::new(base),
            caller: Arc::new(BTreeMap::new()),
        }
    }

    /// Adds caller days off and working days; they win over every other rule.
    ///
    /// Overrides accumulate over calls. Errors: a date that would be both a day off and a working
    /// day ([`CalendarError::ConflictingOverride`]), a date outside
    /// [`MIN_YEAR`]`..=`[`MAX_YEAR`] ([`CalendarError::YearOutOfRange`]). A date listed twice in
    /// one list keeps its first non-empty reason.
    pub fn with_overrides(self, overrides: &CalendarOverrides) -> Result<Calendar, CalendarError> {
        let mut caller = (*self.caller).clone();
        let lists = [
            (&overrides.days_off, false),
            (&overrides.working_days, true),
        ];
        for (list, working) in lists {
            for item in list {
                check_date(item.date)
                    .map_err(|e| CalendarError::YearOutOfRange { date: e.date })?;
                match caller.get_mut(&item.date) {
                    Some(entry) if entry.working != working => {
                        return Err(CalendarError::ConflictingOverride { date: item.date });
                    }
                    Some(entry) => {
                        if entry.reason.is_empty() {
                            entry.reason.clone_from(&item.reason);
                        }
                    }
                    None => {
                        caller.insert(
                            item.date,
                            CallerEntry {
                                working,
                                reason: item.reason.clone(),
                            },
                        );
                    }
                }
            }
        }
        let mut table = (*self.base.table).clone();
        for (date, entry) in &caller {
            table.set(*date, entry.working);
        }
        table.finish();
        Ok(Calendar {
            base: self.base,
            table: Arc::new(table),
            caller: Arc::new(caller),
        })
    }

    /// The caller overrides applied so far, sorted by date.
    pub fn overrides(&self) -> CalendarOverrides {
        let mut out = CalendarOverrides::default();
        for (date, entry) in self.caller.iter() {
            let item = DatedReason {
                date: *date,
                reason: entry.reason.clone(),
            };
            if entry.working {
                out.working_days.push(item);
            } else {
                out.days_off.push(item);
            }
        }
        out
    }

    /// Whether an announced schedule (rather than the computed default) is used for `year`.
    pub fn has_announced_schedule(&self, year: i32) -> bool {
        self.base.announced_years.contains(&year)
    }

    /// Whether `d` is a day off (weekend, holiday, substitute, announced or caller day off).
    pub fn is_day_off(&self, d: NaiveDate) -> bool {
        !self.table.is_working(d)
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        self.table.is_working(d)
    }

    /// Why `d` is a day off or a working day.
    pub fn day_info(&self, d: NaiveDate) -> DayInfo {
        if let Some(entry) = self.caller.get(&d) {
            let (kind, vi, en) = if entry.working {
                (
                    DayKind::CallerWorkingDay,
                    "Ngày làm việc theo yêu cầu",
                    "Working day set by the caller",
                )
            } else {
                (
                    DayKind::CallerDayOff,
                    "Ngày nghỉ theo yêu cầu",
                    "Day off set by the caller",
                )
            };
            let (name_vi, name_en) = if entry.reason.is_empty() {
                (vi.to_owned(), en.to_owned())
            } else {
                (entry.reason.clone(), entry.reason.clone())
            };
            return DayInfo {
                date: d,
                kind,
                name_vi,
                name_en,
            };
        }
        if let Some(info) = self.base.specials.get(&d) {
            return info.clone();
        }
        match d.weekday() {
            Weekday::Sat => info(
                d,
                DayKind::Weekend,
                "Thứ Bảy (nghỉ hằng tuần)",
                "Saturday (weekly rest day)",
            ),
            Weekday::Sun => info(
                d,
                DayKind::Weekend,
                "Chủ nhật (nghỉ hằng tuần)",
                "Sunday (weekly rest day)",
            ),
            _ => info(d, DayKind::WorkingDay, "Ngày làm việc", "Working day"),
        }
    }

    /// Every day of `year` that is not a plain weekend or plain working day (holidays, also on
    /// weekends; substitute, announced and caller days; make-up working days), in date order.
    pub fn special_days(&self, year: i32) -> Vec<DayInfo> {
        let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            return Vec::new();
        };
        first
            .iter_days()
            .take_while(|d| d.year() == year)
            .map(|d| self.day_info(d))
            .filter(|i| !matches!(i.kind, DayKind::Weekend | DayKind::WorkingDay))
            .collect()
    }

    /// `d` if it is a working day, else the first working day after it (Civil Code 2015
    /// art. 148(5) for a period's last day). Saturates at `NaiveDate::MAX`.
    pub fn next_working_day_on_or_after(&self, d: NaiveDate) -> NaiveDate {
        if self.is_working_day(d) {
            return d;
        }
        let rank = self.table.rank(table::day_number(d));
        table::date_from_number(self.table.select(rank.saturating_add(1)))
    }

    /// The `n`-th working day after `d` (`n > 0`) or before `d` (`n < 0`); `d` itself for 0.
    ///
    /// `d` need not be a working day and is never counted: `add_working_days(friday, 1)` and
    /// `add_working_days(saturday, 1)` are both the next Monday (if working), and
    /// `add_working_days(monday, -1)` the previous Friday. Saturates at `NaiveDate::MIN/MAX`.
    pub fn add_working_days(&self, d: NaiveDate, n: i64) -> NaiveDate {
        let rank = self.table.rank(table::day_number(d));
        let target = match n {
            0 => return d,
            // The working day x > d with `working days in (d, x]` = n.
            1.. => rank.saturating_add(n),
            // The working day x < d with `working days in [x, d)` = -n.
            _ => (rank - i64::from(self.is_working_day(d)) + 1).saturating_add(n),
        };
        table::date_from_number(self.table.select(target))
    }

    /// Number of working days in `(from, to]`; negative (minus those in `(to, from]`) when
    /// `to < from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        self.table.rank(table::day_number(to)) - self.table.rank(table::day_number(from))
    }
}

fn info(date: NaiveDate, kind: DayKind, name_vi: &str, name_en: &str) -> DayInfo {
    DayInfo {
        date,
        kind,
        name_vi: name_vi.to_owned(),
        name_en: name_en.to_owned(),
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The statutory holidays, as listed in art. 112(1) and named in announcements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Holiday {
    NewYear,
    Tet,
    HungKings,
    ReunificationDay,
    LabourDay,
    NationalDay,
}

struct HolidayDay {
    holiday: Holiday,
    date: NaiveDate,
    name_vi: String,
    name_en: String,
}

/// Statutory holiday days of `year` under the law of that year (see [`Calendar::vietnam`]).
fn statutory_holidays(year: i32) -> Vec<HolidayDay> {
    let mut out = Vec::new();
    let mut push = |holiday, date: Option<NaiveDate>, vi: String, en: String| {
        if let Some(date) = date {
            out.push(HolidayDay {
                holiday,
                date,
                name_vi: vi,
                name_en: en,
            });
        }
    };
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d);

    push(
        Holiday::NewYear,
        ymd(1, 1),
        "Tết Dương lịch (1/1)".into(),
        "New Year's Day (1 January)".into(),
    );

    let tet = lunar::tet(year);
    if let Some(eve) = tet.pred_opt() {
        let day = lunar::solar_to_lunar(eve).day;
        push(
            Holiday::Tet,
            Some(eve),
            format!("Tết Nguyên đán ({day} tháng Chạp)"),
            "Lunar New Year (Tết): last day of the lunar year".into(),
        );
    }
    let days_after_eve = if year >= 2014 { 4 } else { 3 };
    for (i, date) in tet.iter_days().take(days_after_eve).enumerate() {
        let n = i + 1;
        push(
            Holiday::Tet,
            Some(date),
            format!("Tết Nguyên đán (mùng {n} tháng Giêng)"),
            format!("Lunar New Year (Tết): day {n} of the first lunar month"),
        );
    }

    if year >= 2007 {
        push(
            Holiday::HungKings,
            Some(lunar::hung_kings_day(year)),
            "Giỗ Tổ Hùng Vương (10/3 âm lịch)".into(),
            "Hung Kings' Commemoration Day (10th day of the 3rd lunar month)".into(),
        );
    }
    push(
        Holiday::ReunificationDay,
        ymd(4, 30),
        "Ngày Chiến thắng (30/4)".into(),
        "Reunification Day (30 April)".into(),
    );
    push(
        Holiday::LabourDay,
        ymd(5, 1),
        "Ngày Quốc tế Lao động (1/5)".into(),
        "International Labour Day (1 May)".into(),
    );

    let national_day = ymd(9, 2);
    push(
        Holiday::NationalDay,
        national_day,
        "Quốc khánh (2/9)".into(),
        "National Day (2 September)".into(),
    );
    if year >= 2021 {
        if let Some(nd) = national_day {
            let adjacent = match nd.weekday() {
                Weekday::Mon | Weekday::Thu | Weekday::Sun => ymd(9, 3),
                _ => ymd(9, 1),
            };
            push(
                Holiday::NationalDay,
                adjacent,
                "Quốc khánh (ngày liền kề 2/9)".into(),
                "National Day holiday (day adjacent to 2 September)".into(),
            );
        }
    }
    out.sort_by_key(|h| h.date);
    out
}

/// Computes holidays, substitutes and announced days for every supported year.
fn build_base(announced: &[announced::AnnouncedYear]) -> Base {
    let first = NaiveDate::from_ymd_opt(MIN_YEAR, 1, 1).unwrap_or(NaiveDate::MIN);
    let last = NaiveDate::from_ymd_opt(MAX_YEAR, 12, 31).unwrap_or(NaiveDate::MAX);
    let mut table = DayTable::weekly_rest(first, last);
    let mut specials: HashMap<NaiveDate, DayInfo> = HashMap::new();

    for year in MIN_YEAR..=MAX_YEAR {
        let schedule = announced.iter().find(|a| a.year == year);
        if let Some(schedule) = schedule {
            for day in &schedule.days {
                table.set(day.date, !day.kind.is_day_off());
                specials.insert(
                    day.date,
                    info(day.date, day.kind, &day.name_vi, &day.name_en),
                );
            }
        }
        let replaced = schedule.map_or(&[][..], |s| &s.replaces[..]);
        let holidays: Vec<HolidayDay> = statutory_holidays(year)
            .into_iter()
            .filter(|h| !replaced.contains(&h.holiday))
            .collect();

        for h in &holidays {
            table.set(h.date, false);
            specials
                .entry(h.date)
                .and_modify(|i| {
                    i.name_vi = format!("{}; {}", i.name_vi, h.name_vi);
                    i.name_en = format!("{}; {}", i.name_en, h.name_en);
                })
                .or_insert_with(|| info(h.date, DayKind::PublicHoliday, &h.name_vi, &h.name_en));
        }

        // Art. 111(3): in date order, each weekend holiday takes the next free weekday.
        let mut weekend_holidays: Vec<NaiveDate> = holidays
            .iter()
            .map(|h| h.date)
            .filter(|d| is_weekend(*d))
            .collect();
        weekend_holidays.dedup();
        for holiday in weekend_holidays {
            let mut day = holiday;
            let substitute = loop {
                match day.succ_opt() {
                    Some(next) => day = next,
                    None => break None,
                }
                if !is_weekend(day) && table.is_working(day) {
                    break Some(day);
                }
            };
            if let Some(sub) = substitute {
                table.set(sub, false);
                let (vi, en) = specials
                    .get(&holiday)
                    .map(|i| (i.name_vi.clone(), i.name_en.clone()))
                    .unwrap_or_default();
                let info = DayInfo {
                    date: sub,
                    kind: DayKind::SubstituteDay,
                    name_vi: format!("Nghỉ bù {vi} ({})", holiday.format("%d/%m/%Y")),
                    name_en: format!("Substitute day off for {en} ({holiday})"),
                };
                specials.insert(sub, info);
            }
        }
    }
    table.finish();
    Base {
        table: Arc::new(table),
        specials,
        announced_years: announced.iter().map(|a| a.year).collect(),
    }
}

/// Announced schedules shipped as data.
mod announced {
    use super::{DayKind, Holiday, MAX_YEAR, MIN_YEAR};
    use chrono::{Datelike, NaiveDate, Weekday};
    use serde::Deserialize;
    use std::collections::HashSet;

    /// `core/data/vn-announced-holidays.json`.
    pub(super) const SHIPPED: &str = include_str!("../../data/vn-announced-holidays.json");

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[allow(dead_code)]
        description: String,
        years: Vec<AnnouncedYear>,
    }

    /// One year's announcement: it replaces the computed days of the holidays in `replaces`.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct AnnouncedYear {
        pub year: i32,
        #[allow(dead_code)]
        pub sources: Vec<String>,
        pub replaces: Vec<Holiday>,
        pub days: Vec<AnnouncedDay>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct AnnouncedDay {
        pub date: NaiveDate,
        pub kind: DayKind,
        pub name_vi: String,
        pub name_en: String,
    }

    /// Parses and checks announced schedules.
    pub(super) fn parse(json: &str) -> Result<Vec<AnnouncedYear>, String> {
        let file: File = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let mut years = HashSet::new();
        for y in &file.years {
            if !(MIN_YEAR..=MAX_YEAR).contains(&y.year) || !years.insert(y.year) {
                return Err(format!("year {} out of range or repeated", y.year));
            }
            if y.replaces.is_empty() {
                return Err(format!("{}: `replaces` is empty", y.year));
            }
            let mut dates = HashSet::new();
            for d in &y.days {
                if d.date.year() != y.year || !dates.insert(d.date) {
                    return Err(format!(
                        "{}: {} outside the year or repeated",
                        y.year, d.date
                    ));
                }
                let weekend = matches!(d.date.weekday(), Weekday::Sat | Weekday::Sun);
                let ok = match d.kind {
                    DayKind::PublicHoliday => true,
                    DayKind::SubstituteDay | DayKind::AnnouncedDayOff => !weekend,
                    DayKind::MakeUpWorkingDay => weekend,
                    _ => false,
                };
                if !ok {
                    return Err(format!("{}: kind {:?} not allowed here", d.date, d.kind));
                }
            }
        }
        Ok(file.years)
    }
}

/// The precomputed day-off bit set and the rank/select arithmetic over it.
mod table {
    use chrono::{Datelike, NaiveDate};

    /// chrono's day number: 0001-01-01 (a Monday) is day 1.
    pub(super) fn day_number(d: NaiveDate) -> i64 {
        i64::from(d.num_days_from_ce())
    }

    /// The date of a day number, saturating at chrono's range.
    pub(super) fn date_from_number(n: i64) -> NaiveDate {
        i32::try_from(n)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .unwrap_or(if n < 0 {
                NaiveDate::MIN
            } else {
                NaiveDate::MAX
            })
    }

    fn is_weekday(n: i64) -> bool {
        (n - 1).rem_euclid(7) < 5
    }

    /// A rank of Monday–Friday days: `weekday_rank(n) - weekday_rank(n - 1)` is 1 exactly when day
    /// `n` is a weekday (for n >= 0 it counts the weekdays in 1..=n).
    fn weekday_rank(n: i64) -> i64 {
        5 * n.div_euclid(7) + n.rem_euclid(7).min(5)
    }

    /// The smallest day number `n` with `weekday_rank(n) >= r` (a weekday).
    fn weekday_select(r: i64) -> i64 {
        let r = i128::from(r) - 1;
        let n = 7 * r.div_euclid(5) + r.rem_euclid(5) + 1;
        i64::try_from(n).unwrap_or(if n < 0 { i64::MIN } else { i64::MAX })
    }

    /// Working days (bit set) from `first` to `last`; outside, only Monday–Friday are working.
    ///
    /// `rank(n)` counts working days from a fixed origin, so that the number of working days in
    /// `(a, b]` is `rank(b) - rank(a)`: O(1) with per-word prefix counts. `select` inverts it.
    #[derive(Clone)]
    pub(super) struct DayTable {
        first: i64,
        len: i64,
        words: Vec<u64>,
        /// `prefix[w]`: working days in words `0..w`; `prefix[words.len()]` is the total.
        prefix: Vec<i64>,
    }

    impl DayTable {
        /// Monday–Friday working, Saturday and Sunday off.
        pub(super) fn weekly_rest(first: NaiveDate, last: NaiveDate) -> DayTable {
            let first = day_number(first);
            let len = (day_number(last) - first + 1).max(0);
            let words = vec![0; (len as usize).div_ceil(64)];
            let mut table = DayTable {
                first,
                len,
                words,
                prefix: Vec::new(),
            };
            for i in 0..len {
                if is_weekday(first + i) {
                    table.words[(i / 64) as usize] |= 1 << (i % 64);
                }
            }
            table.finish();
            table
        }

        fn index(&self, n: i64) -> Option<usize> {
            let i = n.checked_sub(self.first)?;
            (0..self.len).contains(&i).then_some(i as usize)
        }

        /// Marks a day (ignored outside the table). Call [`DayTable::finish`] after changes.
        pub(super) fn set(&mut self, d: NaiveDate, working: bool) {
            if let Some(i) = self.index(day_number(d)) {
                let bit = 1u64 << (i % 64);
                if working {
                    self.words[i / 64] |= bit;
                } else {
                    self.words[i / 64] &= !bit;
                }
            }
        }

        /// Recomputes the prefix counts.
        pub(super) fn finish(&mut self) {
            let mut total = 0;
            self.prefix.clear();
            self.prefix.push(0);
            for w in &self.words {
                total += i64::from(w.count_ones());
                self.prefix.push(total);
            }
        }

        pub(super) fn is_working(&self, d: NaiveDate) -> bool {
            let n = day_number(d);
            match self.index(n) {
                Some(i) => self.words[i / 64] & (1 << (i % 64)) != 0,
                None => is_weekday(n),
            }
        }

        fn last(&self) -> i64 {
            self.first + self.len - 1
        }

        fn total(&self) -> i64 {
            self.prefix.last().copied().unwrap_or(0)
        }

        /// Working days in `(first - 1, n]`, negative (minus those in `(n, first - 1]`) before.
        pub(super) fn rank(&self, n: i64) -> i64 {
            if n < self.first {
                weekday_rank(n) - weekday_rank(self.first - 1)
            } else if n > self.last() {
                self.total() + weekday_rank(n) - weekday_rank(self.last())
            } else {
                let i = (n - self.first) as usize;
                let mask = u64::MAX >> (63 - i % 64);
                self.prefix[i / 64] + i64::from((self.words[i / 64] & mask).count_ones())
            }
        }

        /// The smallest day number `n` with `rank(n) >= r`: always a working day.
        pub(super) fn select(&self, r: i64) -> i64 {
            if r <= 0 {
                weekday_select(r.saturating_add(weekday_rank(self.first - 1)))
            } else if r > self.total() {
                weekday_select((r - self.total()).saturating_add(weekday_rank(self.last())))
            } else {
                // prefix[0] = 0 < r <= total, so the word exists.
                let w = self.prefix.partition_point(|&p| p < r) - 1;
                let mut bits = self.words[w];
                for _ in 1..(r - self.prefix[w]) {
                    bits &= bits - 1;
                }
                self.first + 64 * w as i64 + i64::from(bits.trailing_zeros())
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn weekday_rank_and_select_agree_with_chrono() {
            use chrono::{Datelike, Weekday};
            for n in -30..30 {
                let d = date_from_number(n + 738_000);
                let weekday = !matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
                assert_eq!(is_weekday(n + 738_000), weekday);
                assert_eq!(weekday_rank(n) - weekday_rank(n - 1) == 1, is_weekday(n));
                let r = weekday_rank(n);
                let s = weekday_select(r);
                assert!(weekday_rank(s) >= r && weekday_rank(s - 1) < r && is_weekday(s));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_announcements_parse() {
        let years = announced::parse(announced::SHIPPED).expect("valid shipped data");
        let listed: Vec<i32> = years.iter().map(|y| y.year).collect();
        assert_eq!(listed, [2025, 2026]);
    }

    #[test]
    fn bad_announcements_are_rejected() {
        let make_up_on_weekday = r#"{"description": "", "years": [{"year": 2026, "sources": [],
            "replaces": ["tet"], "days": [{"date": "2026-01-09", "kind": "make_up_working_day",
            "name_vi": "", "name_en": ""}]}]}"#;
        assert!(announced::parse(make_up_on_weekday).is_err());
        let caller_kind = make_up_on_weekday.replace("make_up_working_day", "caller_day_off");
        assert!(announced::parse(&caller_kind).is_err());
        let wrong_year = make_up_on_weekday.replace("2026-01-09", "2027-01-09");
        assert!(announced::parse(&wrong_year).is_err());
        let unknown_holiday = make_up_on_weekday.replace("\"tet\"", "\"christmas\"");
        assert!(announced::parse(&unknown_holiday).is_err());
    }

    #[test]
    fn holidays_never_coincide_in_range() {
        // If two holidays ever shared a date the calendar would give one day off for both
        // (documented); check how often that happens so a change is noticed.
        for year in MIN_YEAR..=MAX_YEAR {
            let days = statutory_holidays(year);
            let mut dates: Vec<_> = days.iter().map(|h| h.date).collect();
            dates.dedup();
            assert_eq!(dates.len(), days.len(), "{year}");
        }
    }

    #[test]
    fn tet_has_five_days_from_2014() {
        let count = |y| {
            statutory_holidays(y)
                .iter()
                .filter(|h| h.holiday == Holiday::Tet)
                .count()
        };
        assert_eq!(count(2013), 4);
        assert_eq!(count(2014), 5);
        assert_eq!(count(2026), 5);
    }
}
