//! Every number a request carries, checked into a range before any work is done with it: the
//! days of a timeline window, years, and the short texts that name a filter. One place, so a
//! new page cannot forget a bound, and so arithmetic on a parameter can never overflow.

use crate::lifelines::Window;

/// Days a window may reach either side of day 0: about 270 years, more than any pathway.
pub const MAX_DAY: i64 = 100_000;
/// The widest window a page lays out, in days (the timeline of a 2,000-event case is 3,615).
pub const MAX_SPAN: i64 = 40_000;
/// Years the stage-1 analysis and its exports accept.
pub const YEARS: std::ops::RangeInclusive<i32> = casetrail_app::STAGE1_YEARS;
/// The longest filter text (a material source's name) a page takes.
pub const MAX_FILTER_CHARS: usize = 64;

/// The window asked for, when both ends are given, lie within `±MAX_DAY`, are in order and
/// span at most `MAX_SPAN`; otherwise `default`.
pub fn window(from: Option<i64>, to: Option<i64>, default: Window) -> Window {
    let day = |d: i64| (-MAX_DAY..=MAX_DAY).contains(&d);
    match (from, to) {
        (Some(from), Some(to)) if day(from) && day(to) && to > from && to - from <= MAX_SPAN => {
            Window { from, to }
        }
        _ => default,
    }
}

/// A year within [`YEARS`], or None.
pub fn year(value: i32) -> Option<i32> {
    YEARS.contains(&value).then_some(value)
}

/// What to say of a year out of range.
pub fn year_problem(value: i32) -> String {
    format!(
        "the year {value} is outside {}-{}",
        YEARS.start(),
        YEARS.end()
    )
}

/// A filter text of at most [`MAX_FILTER_CHARS`] characters, or None.
pub fn filter(text: Option<&str>) -> Option<&str> {
    text.filter(|t| t.chars().count() <= MAX_FILTER_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DEFAULT: Window = Window { from: -30, to: 120 };

    #[test]
    fn a_window_that_would_overflow_is_the_default() {
        assert_eq!(window(Some(i64::MIN), Some(0), DEFAULT), DEFAULT);
        assert_eq!(window(Some(0), Some(i64::MAX), DEFAULT), DEFAULT);
        assert_eq!(window(Some(i64::MIN), Some(i64::MAX), DEFAULT), DEFAULT);
        assert_eq!(window(Some(5), Some(5), DEFAULT), DEFAULT);
        assert_eq!(
            window(Some(-10), Some(20), DEFAULT),
            Window { from: -10, to: 20 }
        );
    }

    #[test]
    fn years_are_in_range() {
        assert_eq!(year(2019), Some(2019));
        assert_eq!(year(i32::MIN), None);
        assert_eq!(year(9999), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]
        #[test]
        fn any_window_is_bounded(from in any::<Option<i64>>(), to in any::<Option<i64>>()) {
            let w = window(from, to, DEFAULT);
            prop_assert!(w.to > w.from);
            prop_assert!(w.to - w.from <= MAX_SPAN);
            prop_assert!(w.from >= -MAX_DAY && w.to <= MAX_DAY);
        }
    }
}
