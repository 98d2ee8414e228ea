//! TEMPORARY weekends-only stand-in with the agreed API; replaced by the real calendar at merge.
use chrono::{Datelike, Days, NaiveDate, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DayInfo {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name_vi: String,
    pub name_en: String,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    Weekend,
    PublicHoliday,
    SubstituteDay,
    AnnouncedDayOff,
    MakeUpWorkingDay,
    CallerDayOff,
    CallerWorkingDay,
    WorkingDay,
}
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CalendarOverrides {
    #[serde(default)]
    pub days_off: Vec<DatedReason>,
    #[serde(default)]
    pub working_days: Vec<DatedReason>,
}
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DatedReason {
    pub date: NaiveDate,
    #[serde(default)]
    pub reason: String,
}
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("conflict {0}")]
    Conflict(NaiveDate),
}
#[derive(Debug, Clone, Default)]
pub struct Calendar;
impl Calendar {
    pub fn vietnam() -> Calendar {
        Calendar
    }
    pub fn with_overrides(self, _o: &CalendarOverrides) -> Result<Calendar, CalendarError> {
        Ok(self)
    }
    pub fn is_day_off(&self, d: NaiveDate) -> bool {
        matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !self.is_day_off(d)
    }
    pub fn day_info(&self, d: NaiveDate) -> DayInfo {
        let off = self.is_day_off(d);
        DayInfo {
            date: d,
            kind: if off {
                DayKind::Weekend
            } else {
                DayKind::WorkingDay
            },
            name_vi: if off {
                "ngày nghỉ cuối tuần".into()
            } else {
                "ngày làm việc".into()
            },
            name_en: if off {
                "weekend".into()
            } else {
                "working day".into()
            },
        }
    }
    pub fn next_working_day_on_or_after(&self, mut d: NaiveDate) -> NaiveDate {
        while self.is_day_off(d) {
            d = d + Days::new(1);
        }
        d
    }
    pub fn add_working_days(&self, mut d: NaiveDate, n: i64) -> NaiveDate {
        let mut left = n.abs();
        while left > 0 {
            d = if n > 0 {
                d + Days::new(1)
            } else {
                d - Days::new(1)
            };
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (a, b, s) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut n = 0;
        let mut d = a;
        while d < b {
            d = d + Days::new(1);
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n * s
    }
}
