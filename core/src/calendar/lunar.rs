//! Vietnamese lunar calendar (âm lịch) for UTC+7, after Hồ Ngọc Đức's published method
//! ("Thuật toán tính âm lịch", <https://www.informatik.uni-leipzig.de/~duc/amlich/>).
//!
//! The rules:
//! 1. A lunar month begins on the civil day, in Vietnam's time zone (UTC+7), that contains an
//!    astronomical new moon.
//! 2. Lunar month 11 is the month that contains the winter solstice (the sun at 270°).
//! 3. A year from one month 11 to the next has 12 months, or 13 when 13 new moons start in it.
//!    In a 13-month span, the first month after month 11 that contains no major solar term
//!    (*trung khí*: the sun crossing a multiple of 30°) is the leap month (*tháng nhuận*); it
//!    repeats the number of the month before it.
//!
//! The astronomy is the low-precision series from Jean Meeus (*Astronomical Algorithms*): mean
//! lunation plus the main periodic terms for new moons, mean longitude plus the equation of the
//! centre for the sun. Errors are minutes, which only matters when a new moon falls within
//! minutes of local midnight. Supported range: [`super::MIN_YEAR`]`..=`[`super::MAX_YEAR`]; the
//! tests check Tết and Giỗ Tổ against an oracle for 1990–2060 and the month structure and
//! round trip for every day of the range.
//!
//! Why not a Chinese-calendar library: those compute for UTC+8. A new moon between 16:00 and
//! 17:00 UTC starts the month a day earlier in Vietnam (Tết 2030-02-02 here, 02-03 in China),
//! and a solstice month found a day apart can shift a whole month (Tết 1985-01-21 here,
//! 1985-02-20 in China).
//!
//! All functions are total: dates far outside the supported range get an extrapolation that is
//! well-formed (months 1–12, days 1–30) but not meaningful.

use chrono::{Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Vietnam's time zone, hours east of UTC: the calendar's civil days are UTC+7 days.
pub const TIME_ZONE_HOURS: f64 = 7.0;

/// Mean synodic month (new moon to new moon), days.
const SYNODIC_MONTH: f64 = 29.530_588_853;
/// Julian date of the first new moon of 1900 (lunation k = 0 in Meeus' 1900 numbering).
const NEW_MOON_EPOCH_JD: f64 = 2_415_021.076_998_695;
/// Julian day number of chrono's day 0 (chrono numbers 0001-01-01 as day 1; its JDN is 1721426).
const JDN_OF_CHRONO_DAY_0: i64 = 1_721_425;

/// A date in the Vietnamese lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct LunarDate {
    /// Lunar year, numbered by the Gregorian year in which it mostly falls (the year of its Tết).
    pub year: i32,
    /// Month, 1..=12 (month 1 is *tháng Giêng*, month 12 *tháng Chạp*).
    pub month: u32,
    /// Day of the month, 1..=30.
    pub day: u32,
    /// True in a leap month (*tháng nhuận*), which repeats the number of the month before it.
    pub leap: bool,
}

impl fmt::Display for LunarDate {
    /// `10/3/2026 ÂL`, or `1/2 nhuận/2023 ÂL` in a leap month.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let leap = if self.leap { " nhuận" } else { "" };
        write!(f, "{}/{}{}/{} ÂL", self.day, self.month, leap, self.year)
    }
}

/// Converts a Gregorian date to the Vietnamese lunar date.
pub fn solar_to_lunar(date: NaiveDate) -> LunarDate {
    let day = jdn(date);
    let month_start = new_moon_day(lunation_starting_on_or_before(day));

    // Bracket the month between two month-11 starts: [a11, b11).
    let year = i64::from(date.year());
    let this_m11 = month11_start(year);
    let (a11, b11, mut lunar_year) = if this_m11 >= month_start {
        (month11_start(year - 1), this_m11, year)
    } else {
        (this_m11, month11_start(year + 1), year + 1)
    };

    // Months elapsed since month 11 (lunar months are 29 or 30 days, so /29 cannot overshoot).
    let diff = (month_start - a11).div_euclid(29);
    let mut month = diff + 11;
    let mut leap = false;
    if b11 - a11 > 365 {
        let leap_offset = leap_month_offset(a11);
        if diff >= leap_offset {
            month = diff + 10;
            leap = diff == leap_offset;
        }
    }
    if month > 12 {
        month -= 12;
    }
    // Months 11 and 12 before the new year belong to the previous lunar year.
    if month >= 11 && diff < 4 {
        lunar_year -= 1;
    }

    LunarDate {
        year: saturating_i32(lunar_year),
        month: month.clamp(1, 12) as u32,
        day: (day - month_start + 1).clamp(1, 30) as u32,
        leap,
    }
}

/// Converts a Vietnamese lunar date to the Gregorian date.
///
/// Returns `None` when the date does not exist: month outside 1..=12, day outside the month
/// (months have 29 or 30 days), `leap` asked for a month that is not the leap month of that year,
/// or a result outside chrono's range.
pub fn lunar_to_solar(year: i32, month: u32, day: u32, leap: bool) -> Option<NaiveDate> {
    if !(1..=12).contains(&month) || !(1..=30).contains(&day) {
        return None;
    }
    let year = i64::from(year);
    let month = i64::from(month);
    // Months 11 and 12 of lunar `year` start after month-11 of Gregorian `year`; the rest before.
    let (a11, b11) = if month < 11 {
        (month11_start(year - 1), month11_start(year))
    } else {
        (month11_start(year), month11_start(year + 1))
    };
    let k11 = lunation_of(a11);
    let mut offset = (month - 11).rem_euclid(12);
    if b11 - a11 > 365 {
        let leap_offset = leap_month_offset(a11);
        // The leap month repeats the number of the month before it (offset leap_offset - 1).
        let leap_month = (leap_offset + 9).rem_euclid(12) + 1;
        if leap && month != leap_month {
            return None;
        }
        if leap || offset >= leap_offset {
            offset += 1;
        }
    } else if leap {
        return None;
    }
    let start = new_moon_day(k11 + offset);
    let length = new_moon_day(k11 + offset + 1) - start;
    if i64::from(day) > length {
        return None;
    }
    date_from_jdn(start + i64::from(day) - 1)
}

/// Tết Nguyên đán: day 1 of month 1 of lunar `year`.
///
/// Saturates to `NaiveDate::MIN`/`MAX` for years whose Tết chrono cannot represent.
pub fn tet(year: i32) -> NaiveDate {
    lunar_to_solar(year, 1, 1, false).unwrap_or_else(|| saturated(year))
}

/// Giỗ Tổ Hùng Vương: day 10 of month 3 (never the leap month 3) of lunar `year`.
///
/// Saturates to `NaiveDate::MIN`/`MAX` for years chrono cannot represent.
pub fn hung_kings_day(year: i32) -> NaiveDate {
    lunar_to_solar(year, 3, 10, false).unwrap_or_else(|| saturated(year))
}

fn saturated(year: i32) -> NaiveDate {
    if year < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    }
}

fn saturating_i32(v: i64) -> i32 {
    i32::try_from(v).unwrap_or(if v < 0 { i32::MIN } else { i32::MAX })
}

/// Julian day number (the integer day count astronomers use) of a Gregorian date.
fn jdn(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + JDN_OF_CHRONO_DAY_0
}

fn date_from_jdn(jdn: i64) -> Option<NaiveDate> {
    i32::try_from(jdn - JDN_OF_CHRONO_DAY_0)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// JDN of 31 December of `year` (proleptic Gregorian), for any year, not only chrono's.
fn jdn_of_dec_31(year: i64) -> i64 {
    let y = year + 4800;
    365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400) - 31_739
}

/// Index k of the lunation whose new moon falls on (or nearest) day `jdn`.
fn lunation_of(jdn: i64) -> i64 {
    ((jdn as f64 - NEW_MOON_EPOCH_JD) / SYNODIC_MONTH + 0.5).floor() as i64
}

/// The lunation whose month contains civil day `jdn`.
///
/// The published method takes the mean estimate `k` and checks `k + 1` then `k`, which is off by
/// one when a new moon comes more than half a day after its mean time: it then starts a month
/// after `jdn` (lunar day 0; in 1900..=2199 on 2054-05-07 and 2062-04-09). Here the estimate is
/// corrected both ways; new moons are strictly increasing, so each loop runs at most twice.
fn lunation_starting_on_or_before(jdn: i64) -> i64 {
    let mut k = ((jdn as f64 - NEW_MOON_EPOCH_JD) / SYNODIC_MONTH).floor() as i64;
    for _ in 0..4 {
        if new_moon_day(k) <= jdn {
            break;
        }
        k -= 1;
    }
    for _ in 0..4 {
        if new_moon_day(k + 1) > jdn {
            break;
        }
        k += 1;
    }
    k
}

/// Julian date (UT, fractional days) of new moon number `k` (k = 0: 1900-01-01).
///
/// Meeus' mean phase plus the largest periodic terms (sun's and moon's mean anomalies M and M',
/// moon's argument of latitude F), converted from dynamical to universal time by ΔT.
fn new_moon_jd(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85; // Julian centuries since 1900
    let t2 = t * t;
    let t3 = t2 * t;
    let sin = |deg: f64| deg.to_radians().sin();

    let mean = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3
        + 0.000_33 * sin(166.56 + 132.87 * t - 0.009_173 * t2);
    let m = 359.224_2 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mp = 306.025_3 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.296_4 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;

    let correction = (0.173_4 - 0.000_393 * t) * sin(m) + 0.002_1 * sin(2.0 * m)
        - 0.406_8 * sin(mp)
        + 0.016_1 * sin(2.0 * mp)
        - 0.000_4 * sin(3.0 * mp)
        + 0.010_4 * sin(2.0 * f)
        - 0.005_1 * sin(m + mp)
        - 0.007_4 * sin(m - mp)
        + 0.000_4 * sin(2.0 * f + m)
        - 0.000_4 * sin(2.0 * f - m)
        - 0.000_6 * sin(2.0 * f + mp)
        + 0.001_0 * sin(2.0 * f - mp)
        + 0.000_5 * sin(2.0 * mp + m);

    // ΔT polynomials hold only near the present; clamped to ±3000 years so far extrapolation
    // keeps months 29–30 days long instead of diverging (no effect over 1900..=2199).
    let tc = t.clamp(-30.0, 30.0);
    let delta_t = if tc < -11.0 {
        0.001 + 0.000_839 * tc + 0.000_226_1 * tc * tc
            - 0.000_008_45 * tc * tc * tc
            - 0.000_000_081 * tc * tc * tc * tc
    } else {
        -0.000_278 + 0.000_265 * tc + 0.000_262 * tc * tc
    };
    mean + correction - delta_t
}

/// The civil day (JDN, UTC+7) on which new moon `k` falls.
fn new_moon_day(k: i64) -> i64 {
    // A JDN starts at noon UT; +0.5 moves to midnight-based days, +7/24 to local time.
    (new_moon_jd(k) + 0.5 + TIME_ZONE_HOURS / 24.0).floor() as i64
}

/// The sun's ecliptic longitude in degrees [0, 360) at Julian date `jd` (UT).
fn sun_longitude_deg(jd: f64) -> f64 {
    let t = (jd - 2_451_545.0) / 36_525.0; // Julian centuries since J2000
    let t2 = t * t;
    let mean_anomaly = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let mean_longitude = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let sin = |deg: f64| deg.to_radians().sin();
    let centre = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * sin(mean_anomaly)
        + (0.019_993 - 0.000_101 * t) * sin(2.0 * mean_anomaly)
        + 0.000_290 * sin(3.0 * mean_anomaly);
    (mean_longitude + centre).rem_euclid(360.0)
}

/// Which 30° sector (0 = from the spring equinox, 9 = from the winter solstice) the sun is in
/// at the local midnight that starts civil day `jdn`.
fn sun_sector(jdn: i64) -> i64 {
    let local_midnight_ut = jdn as f64 - 0.5 - TIME_ZONE_HOURS / 24.0;
    (sun_longitude_deg(local_midnight_ut) / 30.0).floor() as i64
}

/// First day (JDN) of lunar month 11, the month containing the winter solstice of Gregorian
/// `year`.
fn month11_start(year: i64) -> i64 {
    // The lunation that starts last before 31 December...
    let k = ((jdn_of_dec_31(year) - 2_415_021) as f64 / SYNODIC_MONTH).floor() as i64;
    let start = new_moon_day(k);
    // ...is month 12 when the sun has already passed 270° as it begins.
    if sun_sector(start) >= 9 {
        new_moon_day(k - 1)
    } else {
        start
    }
}

/// In a 13-month span starting at month 11 (first day `a11`), how many months after month 11 the
/// leap month comes: the first month during which the sun stays in one sector (no major term).
fn leap_month_offset(a11: i64) -> i64 {
    let k = lunation_of(a11);
    let mut sector = sun_sector(new_moon_day(k + 1));
    let mut i = 1;
    loop {
        let next = sun_sector(new_moon_day(k + i + 1));
        if next == sector || i >= 13 {
            return i;
        }
        sector = next;
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn julian_day_numbers() {
        assert_eq!(jdn(ymd(2000, 1, 1)), 2_451_545);
        assert_eq!(jdn(ymd(1900, 1, 1)), 2_415_021);
        for y in [1899, 1900, 2000, 2026, 2199, -5, 262_000] {
            assert_eq!(jdn_of_dec_31(i64::from(y)), jdn(ymd(y, 12, 31)), "{y}");
        }
        assert_eq!(date_from_jdn(2_451_545), Some(ymd(2000, 1, 1)));
    }

    #[test]
    fn new_moon_matches_meeus_example() {
        // Meeus, example 49.a: new moon 1977-02-18 03:37:40 TD = JDE 2443192.65118.
        let k = lunation_of(2_443_192);
        assert_eq!(k, 954);
        assert!((new_moon_jd(k) - 2_443_192.651_18).abs() < 0.01);
        // 03:37 UT is 10:37 in Vietnam, the same civil day.
        assert_eq!(date_from_jdn(new_moon_day(k)), Some(ymd(1977, 2, 18)));
    }

    #[test]
    fn sun_longitude_matches_meeus_example() {
        // Meeus, example 25.a: 1992-10-13 0h TD, true longitude 199.90988°.
        assert!((sun_longitude_deg(2_448_908.5) - 199.909_88).abs() < 0.01);
    }

    #[test]
    fn month_11_contains_the_winter_solstice() {
        for year in [1900, 1984, 2025, 2026, 2199] {
            let start = month11_start(year);
            assert!(sun_sector(start) < 9, "{year}: starts before the solstice");
            let next = new_moon_day(lunation_of(start) + 1);
            assert!(sun_sector(next) >= 9, "{year}: next month starts after it");
        }
    }

    #[test]
    fn month_start_estimate_is_corrected() {
        // The new moon of May 2054 is more than half a day late on its mean: the day before it
        // belongs to the previous month (published method: lunar day 0).
        let l = solar_to_lunar(ymd(2054, 5, 7));
        assert_eq!((l.month, l.day), (3, 30));
        assert_eq!(solar_to_lunar(ymd(2054, 5, 8)).day, 1);
        let l = solar_to_lunar(ymd(2062, 4, 9));
        assert_eq!(
            lunar_to_solar(l.year, l.month, l.day, l.leap),
            Some(ymd(2062, 4, 9))
        );
    }

    #[test]
    fn leap_months() {
        // 2023 had a leap month 2 (from 2023-03-22); 2025 a leap month 6 (from 2025-07-25);
        // 2020 a leap month 4 (from 2020-05-23).
        assert_eq!(lunar_to_solar(2023, 2, 1, true), Some(ymd(2023, 3, 22)));
        assert_eq!(lunar_to_solar(2025, 6, 1, true), Some(ymd(2025, 7, 25)));
        assert_eq!(lunar_to_solar(2020, 4, 1, true), Some(ymd(2020, 5, 23)));
        let d = solar_to_lunar(ymd(2023, 4, 1));
        assert_eq!((d.year, d.month, d.day, d.leap), (2023, 2, 11, true));
        assert_eq!(d.to_string(), "11/2 nhuận/2023 ÂL");
        // 2024 had no leap month, and 2023's leap month was not month 3.
        assert_eq!(lunar_to_solar(2024, 2, 1, true), None);
        assert_eq!(lunar_to_solar(2023, 3, 1, true), None);
    }
}
