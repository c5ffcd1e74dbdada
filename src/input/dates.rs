//! Dates typed as text (contract v2): ISO (`2015-12-31`, `2015-12`) and the
//! British forms (`31/12/2015`, `31/12/15`, `Dec-15`, `Dec 2015`,
//! `December 2015`), read day first. Enters: a cell's text; leaves: a
//! [`TextDate`], or `None` when the text is no date. Used for every date the
//! contract reads (`Monthly.Month`, month headers, `Report.period_end`) and
//! for `boardpack init --period-end`.

use chrono::NaiveDate;

use crate::methods::period::Month;

/// A date typed as text: a whole date, or only its month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextDate {
    Day(NaiveDate),
    Month(Month),
}

impl TextDate {
    /// The month the date falls in.
    pub fn month(self) -> Month {
        match self {
            TextDate::Day(d) => crate::input::table::month_of(d),
            TextDate::Month(m) => m,
        }
    }

    /// The date; a month alone means its last day.
    pub fn last_day(self) -> NaiveDate {
        match self {
            TextDate::Day(d) => d,
            TextDate::Month(m) => {
                NaiveDate::from_ymd_opt(m.year, m.month, m.days()).expect("a month's last day")
            }
        }
    }
}

/// What a date cell may hold, for messages.
pub const DATE_FORMS: &str = "2015-12-31, 31/12/2015, 2015-12 or Dec 2015";

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Reads a text date: ISO, day-first numeric, or a month name and year.
pub fn parse_text_date(text: &str) -> Option<TextDate> {
    let t = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t.get(..10).unwrap_or(t), "%Y-%m-%d") {
        if t.len() == 10 || t[10..].starts_with(['T', ' ']) {
            return Some(TextDate::Day(d));
        }
    }
    if let Some(m) = Month::parse_iso(t) {
        return Some(TextDate::Month(m));
    }
    day_first(t)
        .map(TextDate::Day)
        .or_else(|| month_name(t).map(TextDate::Month))
}

/// `31/12/2015`, `31/12/15`, `31-12-2015`, `31.12.2015`: day, month, year.
fn day_first(t: &str) -> Option<NaiveDate> {
    let (y, m, d, iso) = numeric_parts(t)?;
    if iso {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A date written as three numbers, `/`, `-` or `.` between them: day
/// first (`31/12/15`, day and month of one or two digits), or year first
/// (`2015-12-31`, `iso`). The year, month and day as written, whether or
/// not they make a date.
fn numeric_parts(t: &str) -> Option<(i32, u32, u32, bool)> {
    let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
    let [a, b, c] = parts[..] else {
        return None;
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(a) && all_digits(b) && all_digits(c) && (1..=2).contains(&b.len())) {
        return None;
    }
    match a.len() {
        4 => Some((year(a)?, b.parse().ok()?, c.parse().ok()?, true)),
        1 | 2 => Some((year(c)?, b.parse().ok()?, a.parse().ok()?, false)),
        _ => None,
    }
}

/// `Dec-15`, `Dec 2015`, `December 2015`, `Sept 2016`: a month and year.
fn month_name(t: &str) -> Option<Month> {
    let (name, y) = t.split_once(['-', ' ', '/'])?;
    let name = name.trim().to_lowercase();
    if name.len() < 3 {
        return None;
    }
    let month = MONTHS
        .iter()
        .position(|m| *m == name || (m.starts_with(&name) && name.len() <= 4 && name.len() >= 3))?;
    let y = y.trim();
    if !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Month::new(year(y)?, month as u32 + 1)
}

/// Why a date-shaped text is no date, when its day is past its month's
/// end: `31/09/2015` → `September 2015 has 30 days`.
pub fn impossible_day(text: &str) -> Option<String> {
    let (y, m, d, _) = numeric_parts(text.trim())?;
    let month = Month::new(y, m)?;
    (d > month.days() && d <= 31)
        .then(|| format!("{} has {} days", month.long_label(), month.days()))
}

/// A year of four digits, or two (`15` is 2015).
fn year(y: &str) -> Option<i32> {
    let n: i32 = y.parse().ok()?;
    match y.len() {
        4 => Some(n),
        2 => Some(2000 + n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_past_the_months_end_is_named() {
        assert_eq!(
            impossible_day("31/09/2015").as_deref(),
            Some("September 2015 has 30 days")
        );
        assert_eq!(
            impossible_day("2016-02-30").as_deref(),
            Some("February 2016 has 29 days")
        );
        assert_eq!(
            impossible_day("29.02.2015").as_deref(),
            Some("February 2015 has 28 days")
        );
        assert_eq!(impossible_day("30/09/2015"), None);
        assert_eq!(impossible_day("32/09/2015"), None);
        assert_eq!(impossible_day("Sep 2015"), None);
    }

    fn day(y: i32, m: u32, d: u32) -> Option<TextDate> {
        Some(TextDate::Day(NaiveDate::from_ymd_opt(y, m, d).unwrap()))
    }

    fn month(y: i32, m: u32) -> Option<TextDate> {
        Some(TextDate::Month(Month::new(y, m).unwrap()))
    }

    #[test]
    fn uk_and_iso_text_dates() {
        assert_eq!(parse_text_date("2015-12-31"), day(2015, 12, 31));
        assert_eq!(parse_text_date("2015-12-31T00:00:00"), day(2015, 12, 31));
        assert_eq!(parse_text_date("2016-09"), month(2016, 9));
        assert_eq!(parse_text_date("31/12/2015"), day(2015, 12, 31));
        assert_eq!(parse_text_date("31/12/15"), day(2015, 12, 31));
        assert_eq!(parse_text_date(" 01/09/2016 "), day(2016, 9, 1));
        assert_eq!(parse_text_date("1.9.2016"), day(2016, 9, 1));
        assert_eq!(parse_text_date("Dec-15"), month(2015, 12));
        assert_eq!(parse_text_date("Sep-16"), month(2016, 9));
        assert_eq!(parse_text_date("Sept 2016"), month(2016, 9));
        assert_eq!(parse_text_date("Dec 2015"), month(2015, 12));
        assert_eq!(parse_text_date("December 2015"), month(2015, 12));
        assert_eq!(parse_text_date("december-2015"), month(2015, 12));
    }

    #[test]
    fn a_date_valid_both_ways_is_read_day_first() {
        // 01/09/2016 is 1 September (British), never 9 January.
        assert_eq!(parse_text_date("01/09/2016"), day(2016, 9, 1));
        assert_eq!(parse_text_date("05/04/2015"), day(2015, 4, 5));
    }

    #[test]
    fn not_dates() {
        for t in [
            "31/31/2015",
            "12/31/2015",
            "2015-13",
            "30/02/2016",
            "Decc 2015",
            "De 2015",
            "Dec",
            "December 215",
            "1/2/3/4",
            "twelve",
            "",
        ] {
            assert_eq!(parse_text_date(t), None, "{t}");
        }
    }
}
