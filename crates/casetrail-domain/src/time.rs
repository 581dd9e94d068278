//! Moments in a pathway: a Danish local date, or a date and time, with its precision kept.
//!
//! Extracts give dates in Danish local time. Differences (the 4 hours and 30 days of the
//! readmission rule) are taken in real elapsed time, converting through Europe/Copenhagen, so
//! the night the clocks change counts as the 3 or 5 hours it lasted. A date without a time is
//! placed at 12:00 for such arithmetic and left out of time-of-day statistics.

use std::fmt;

use chrono::{Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Copenhagen;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// A date, or a date and time, in Danish local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct When {
    date: NaiveDate,
    time: Option<NaiveTime>,
}

/// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS` (a space for the `T` too), when
/// the text has exactly that shape and names a real date and time; None otherwise, including
/// for what chrono alone may still accept (a leap second), so the caller asks chrono then.
fn fixed_shape(b: &[u8]) -> Option<When> {
    fn number(b: &[u8]) -> Option<u32> {
        b.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    }
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)?;
    let time = match b.len() {
        10 => return Some(When::date(date)),
        16 | 19 if matches!(b[10], b'T' | b' ') && b[13] == b':' => {
            let seconds = if b.len() == 19 {
                if b[16] != b':' {
                    return None;
                }
                number(&b[17..19])?
            } else {
                0
            };
            NaiveTime::from_hms_opt(number(&b[11..13])?, number(&b[14..16])?, seconds)?
        }
        _ => return None,
    };
    Some(When {
        date,
        time: Some(time),
    })
}

/// Real elapsed time between two moments, in whole seconds (negative when reversed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Elapsed(pub i64);

impl Elapsed {
    /// A span of whole hours.
    pub const fn hours(h: i64) -> Elapsed {
        Elapsed(h * 3600)
    }

    /// A span of whole days.
    pub const fn days(d: i64) -> Elapsed {
        Elapsed(d * 86_400)
    }
}

impl When {
    /// A day without a known time.
    pub fn date(date: NaiveDate) -> When {
        When { date, time: None }
    }

    /// A date with its time of day.
    pub fn date_time(at: NaiveDateTime) -> When {
        When {
            date: at.date(),
            time: Some(at.time()),
        }
    }

    /// Reads `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (seconds allowed).
    pub fn parse(text: &str) -> Result<When, DomainError> {
        let text = text.trim();
        // Extracts and stored events write the fixed shapes: read those digit by digit, as
        // chrono's format parser reads them, at a fraction of its cost (a quarter of a large
        // import's checking went to it). Anything else is left to chrono.
        if let Some(when) = fixed_shape(text.as_bytes()) {
            return Ok(when);
        }
        let bad = || DomainError::InvalidWhen {
            value: text.to_owned(),
        };
        if text.len() == 10 {
            return NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(When::date)
                .map_err(|_| bad());
        }
        let at = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S"))
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
            .map_err(|_| bad())?;
        Ok(When::date_time(at))
    }

    /// Reads an instant with an offset, as FHIR and other messages write it
    /// (`2019-03-04T22:40:00+01:00`, `…Z`), as the moment on a Copenhagen wall clock (to the
    /// second; fractions dropped). A date alone reads as [`When::date`].
    pub fn parse_instant(text: &str) -> Result<When, DomainError> {
        let text = text.trim();
        if text.len() == 10 {
            return When::parse(text);
        }
        let at =
            chrono::DateTime::parse_from_rfc3339(text).map_err(|_| DomainError::InvalidWhen {
                value: text.to_owned(),
            })?;
        let local = at.with_timezone(&Copenhagen).naive_local();
        let whole = local.with_nanosecond(0).expect("nanosecond 0 is valid");
        Ok(When::date_time(whole))
    }

    /// The calendar day.
    pub fn calendar_date(&self) -> NaiveDate {
        self.date
    }

    /// The time of day, when known.
    pub fn time_of_day(&self) -> Option<NaiveTime> {
        self.time
    }

    /// The calendar year.
    pub fn year(&self) -> i32 {
        self.date.year()
    }

    /// Seconds since the Unix epoch of this local moment (12:00 for a bare date). A local time
    /// that occurs twice (autumn) takes the earlier; one that never occurs (spring) is moved
    /// an hour on, as a clock on the wall would read it.
    pub fn epoch_seconds(&self) -> i64 {
        let local = self.date.and_time(
            self.time
                .unwrap_or(NaiveTime::from_hms_opt(12, 0, 0).expect("noon")),
        );
        match Copenhagen.from_local_datetime(&local) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
                t.with_timezone(&Utc).timestamp()
            }
            LocalResult::None => {
                let later = local + chrono::Duration::hours(1);
                Copenhagen
                    .from_local_datetime(&later)
                    .earliest()
                    .map_or(later.and_utc().timestamp(), |t| t.timestamp())
            }
        }
    }

    /// Whether this local time occurs in Denmark: on the spring night the clocks skip from
    /// 02:00 to 03:00, the times between do not. A bare date always exists.
    pub fn exists(&self) -> bool {
        self.time.is_none_or(|t| {
            !matches!(
                Copenhagen.from_local_datetime(&self.date.and_time(t)),
                LocalResult::None
            )
        })
    }

    /// Real time from `self` to `later`.
    pub fn until(&self, later: &When) -> Elapsed {
        Elapsed(later.epoch_seconds() - self.epoch_seconds())
    }

    /// Whole calendar days from this date to `later`'s date: a same-day stay lasts 0 days.
    pub fn calendar_days_until(&self, later: &When) -> i64 {
        (later.date - self.date).num_days()
    }

    /// Whether the known time of day falls in the evening or night window; None for a bare date.
    pub fn in_window(&self, window: DayWindow) -> Option<bool> {
        self.time.map(|t| window.contains(t.hour()))
    }
}

/// Hours from `from` (inclusive) round the clock to `until` (exclusive): 16 → 8 is evening and night.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayWindow {
    /// The first hour in the window (0-23).
    pub from: u32,
    /// The first hour after it (0-23).
    pub until: u32,
}

impl DayWindow {
    /// Evening and night: starts from 16:00 until 08:00, outside the working day when the GP
    /// and the municipality's day services close and the out-of-hours doctor takes over.
    pub const EVENING_NIGHT: DayWindow = DayWindow { from: 16, until: 8 };

    /// Whether an hour of the day (0-23) falls in the window.
    pub fn contains(&self, hour: u32) -> bool {
        if self.from <= self.until {
            (self.from..self.until).contains(&hour)
        } else {
            hour >= self.from || hour < self.until
        }
    }
}

impl TryFrom<String> for When {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, DomainError> {
        When::parse(&value)
    }
}

impl From<When> for String {
    fn from(w: When) -> String {
        w.to_string()
    }
}

impl fmt::Display for When {
    // Written out by hand: chrono's format strings are parsed on every call, and extracts
    // print millions of these.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.date;
        write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())?;
        match self.time {
            None => Ok(()),
            Some(t) if t.second() == 0 => write!(f, "T{:02}:{:02}", t.hour(), t.minute()),
            Some(t) => write!(f, "T{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> When {
        When::parse(s).unwrap()
    }

    #[test]
    fn instants_with_an_offset_read_as_copenhagen_wall_clock_time() {
        let read = |s: &str| When::parse_instant(s).unwrap().to_string();
        assert_eq!(read("2019-03-04T22:40:00+01:00"), "2019-03-04T22:40");
        assert_eq!(read("2019-03-04T21:40:00Z"), "2019-03-04T22:40");
        // summer time: UTC+2
        assert_eq!(read("2019-07-01T08:15:30.250Z"), "2019-07-01T10:15:30");
        assert_eq!(read("2019-07-01"), "2019-07-01");
        for bad in ["", "2019-07-01T10:15", "yesterday", "2019-02-30T10:00:00Z"] {
            assert!(When::parse_instant(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_fixed_shapes_read_as_chrono_reads_them() {
        /// What `When::parse` gave before the fixed shapes were read by hand.
        fn by_chrono(text: &str) -> Option<When> {
            if text.len() == 10 {
                return NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .ok()
                    .map(When::date);
            }
            [
                "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%d %H:%M:%S",
                "%Y-%m-%d %H:%M",
            ]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
            .map(When::date_time)
        }
        let mut texts = vec![
            "2017-02-29".to_string(),
            "2016-02-29".into(),
            "2017-13-01".into(),
            "2017-00-10".into(),
            "2017-01-32".into(),
            "0000-01-01".into(),
            "9999-12-31T23:59:59".into(),
            "2017-03-04T24:00".into(),
            "2017-03-04T23:60".into(),
            "2017-03-04T23:59:60".into(),
            "2017-03-04 07:05".into(),
            "2017-03-04x07:05".into(),
            "2017-03-04T07-05".into(),
            "2017-03-04T07:05-09".into(),
            "2017-3-04T07:05".into(),
            "2017-03-4".into(),
            "20170304".into(),
            "+017-03-04".into(),
            "2017-03-04T7:05".into(),
            "2017-03-04T07:05:5".into(),
        ];
        // Every digit position varied through digits and neighbours of digits.
        for base in ["2018-07-15", "2018-07-15T13:45", "2018-07-15 13:45:27"] {
            for at in 0..base.len() {
                for c in ['0', '1', '2', '3', '5', '6', '9', '/', ':', '-', 'T', ' '] {
                    let mut t: Vec<char> = base.chars().collect();
                    t[at] = c;
                    texts.push(t.into_iter().collect());
                }
            }
        }
        for text in &texts {
            if let Some(fast) = fixed_shape(text.as_bytes()) {
                assert_eq!(Some(fast), by_chrono(text), "{text}");
            }
            assert_eq!(When::parse(text).ok(), by_chrono(text.trim()), "{text}");
        }
    }

    #[test]
    fn parses_both_precisions_and_prints_them_back() {
        assert_eq!(w("2017-03-04").to_string(), "2017-03-04");
        assert_eq!(w("2017-03-04T22:40").to_string(), "2017-03-04T22:40");
        assert_eq!(w("2017-03-04 22:40:05").to_string(), "2017-03-04T22:40:05");
        assert!(w("2017-03-04").time_of_day().is_none());
        for bad in [
            "",
            "2017-13-01",
            "04-03-2017",
            "2017-03-04T25:00",
            "yesterday",
        ] {
            assert!(When::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn elapsed_time_is_real_time_across_clock_changes() {
        // 2019-03-31: clocks go from 02:00 to 03:00 in Denmark.
        assert_eq!(
            w("2019-03-31T01:00").until(&w("2019-03-31T05:00")),
            Elapsed::hours(3)
        );
        // 2019-10-27: clocks go from 03:00 back to 02:00.
        assert_eq!(
            w("2019-10-27T01:00").until(&w("2019-10-27T05:00")),
            Elapsed::hours(5)
        );
        assert_eq!(
            w("2019-06-01T01:00").until(&w("2019-06-01T05:00")),
            Elapsed::hours(4)
        );
        assert_eq!(w("2019-06-01").until(&w("2019-06-02")), Elapsed::days(1));
    }

    #[test]
    fn the_skipped_spring_hour_does_not_exist() {
        assert!(!w("2017-03-26T02:31").exists());
        assert!(w("2017-03-26T03:00").exists());
        assert!(w("2017-03-26T01:59").exists());
        assert!(
            w("2017-10-29T02:30").exists(),
            "the repeated autumn hour exists (twice)"
        );
        assert!(w("2017-03-26").exists());
    }

    #[test]
    fn evening_and_night_wrap_round_midnight() {
        let en = DayWindow::EVENING_NIGHT;
        assert!(en.contains(16) && en.contains(23) && en.contains(0) && en.contains(7));
        assert!(!en.contains(8) && !en.contains(15));
        assert_eq!(w("2019-06-01T22:00").in_window(en), Some(true));
        assert_eq!(w("2019-06-01").in_window(en), None);
    }
}
