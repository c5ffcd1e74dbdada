//! Calendar months and the reporting windows built from them: the latest 12
//! months, the baseline financial year, year-to-date and the projection year.

use std::fmt;

/// Months in a baseline year: the points the SPC limits are computed from.
pub const BASELINE_MONTHS: usize = 12;

/// One calendar month. Ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1 = January … 12 = December.
    pub month: u32,
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Month {
    /// A month; `None` unless `month` is 1–12.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        (1..=12).contains(&month).then_some(Month { year, month })
    }

    /// Months since year 0, for arithmetic.
    fn index(self) -> i64 {
        self.year as i64 * 12 + (self.month as i64 - 1)
    }

    fn from_index(i: i64) -> Month {
        Month {
            year: i.div_euclid(12) as i32,
            month: (i.rem_euclid(12) + 1) as u32,
        }
    }

    /// The month `n` months later (earlier when negative).
    pub fn plus(self, n: i64) -> Month {
        Month::from_index(self.index() + n)
    }

    /// Whole months from `self` to `later` (negative when `later` is earlier).
    pub fn months_until(self, later: Month) -> i64 {
        later.index() - self.index()
    }

    /// Full English name of the month, e.g. `December`.
    pub fn name(self) -> &'static str {
        MONTH_NAMES[self.month as usize - 1]
    }

    /// `December 2015`.
    pub fn long_label(self) -> String {
        format!("{} {}", self.name(), self.year)
    }

    /// `Dec 2015`.
    pub fn short_label(self) -> String {
        format!("{} {}", &self.name()[..3], self.year)
    }

    /// The financial year (April–March) that contains this month.
    pub fn financial_year(self) -> FinancialYear {
        FinancialYear {
            start_year: if self.month >= 4 {
                self.year
            } else {
                self.year - 1
            },
        }
    }

    /// Parses `YYYY-MM` or `YYYY-MM-DD` (any day of the month).
    pub fn parse_iso(text: &str) -> Option<Month> {
        let t = text.trim();
        let mut parts = t.split('-');
        let y = parts.next()?;
        let m = parts.next()?;
        let d = parts.next();
        if parts.next().is_some() || y.len() != 4 || !(1..=2).contains(&m.len()) {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        let month = Month::new(year, month)?;
        if let Some(d) = d {
            let d = d.split(['T', ' ']).next()?;
            let day: u32 = d.parse().ok()?;
            if day == 0 || day > month.days() {
                return None;
            }
        }
        Some(month)
    }

    /// Number of days in the month.
    pub fn days(self) -> u32 {
        match self.month {
            4 | 6 | 9 | 11 => 30,
            2 if (self.year % 4 == 0 && self.year % 100 != 0) || self.year % 400 == 0 => 29,
            2 => 28,
            _ => 31,
        }
    }
}

/// A month is `YYYY-MM` in the records JSON.
impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A UK financial year, April to March, written `2012/13`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear {
    /// The calendar year in which it starts (2012 for 2012/13).
    pub start_year: i32,
}

impl FinancialYear {
    /// Parses `2012/13`, `2012-13` or `2012/2013`.
    pub fn parse(text: &str) -> Option<FinancialYear> {
        let t = text.trim();
        let (a, b) = t.split_once(['/', '-'])?;
        if a.len() != 4 || !a.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let start: i32 = a.parse().ok()?;
        let end_ok = match b.len() {
            2 => b.parse::<i32>().ok()? == (start + 1) % 100,
            4 => b.parse::<i32>().ok()? == start + 1,
            _ => false,
        };
        end_ok.then_some(FinancialYear { start_year: start })
    }

    /// April of the starting year.
    pub fn first_month(self) -> Month {
        Month {
            year: self.start_year,
            month: 4,
        }
    }

    /// The twelve months, April to March.
    pub fn window(self) -> Window {
        Window::ending(self.first_month().plus(11), 12)
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.start_year, (self.start_year + 1) % 100)
    }
}

/// A run of consecutive months, inclusive at both ends (in JSON
/// `{"first": "2015-01", "last": "2015-12"}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Window {
    pub first: Month,
    pub last: Month,
}

impl Window {
    /// The `len` months ending with `last`.
    pub fn ending(last: Month, len: i64) -> Window {
        Window {
            first: last.plus(-(len - 1)),
            last,
        }
    }

    /// The months in order.
    pub fn months(self) -> impl Iterator<Item = Month> {
        let n = self.first.months_until(self.last);
        (0..=n).map(move |i| self.first.plus(i))
    }

    /// Number of months.
    pub fn len(self) -> usize {
        (self.first.months_until(self.last) + 1).max(0) as usize
    }

    /// True when the window holds no month.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// `Apr 2012 to Mar 2013`.
    pub fn label(self) -> String {
        format!(
            "{} to {}",
            self.first.short_label(),
            self.last.short_label()
        )
    }
}

/// Writes `1st`, `2nd`, `3rd`, `4th`, `11th`, `12th`, `13th`, `21st` ….
pub fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn financial_year_windows() {
        let fy = FinancialYear::parse("2012/13").unwrap();
        let w = fy.window();
        assert_eq!(w.first, Month::new(2012, 4).unwrap());
        assert_eq!(w.last, Month::new(2013, 3).unwrap());
        assert_eq!(w.len(), 12);
        assert_eq!(fy.to_string(), "2012/13");
        assert_eq!(FinancialYear::parse("2012-2013"), Some(fy));
        assert_eq!(FinancialYear::parse("2012/14"), None);
        assert_eq!(FinancialYear::parse("1999/00").unwrap().start_year, 1999);
        assert_eq!(
            Month::new(2016, 2).unwrap().financial_year(),
            FinancialYear::parse("2015/16").unwrap()
        );
    }

    #[test]
    fn iso_months() {
        assert_eq!(Month::parse_iso("2015-12"), Month::new(2015, 12));
        assert_eq!(Month::parse_iso("2015-12-31"), Month::new(2015, 12));
        assert_eq!(Month::parse_iso("2015-02-30"), None);
        assert_eq!(Month::parse_iso("2016-02-29"), Month::new(2016, 2));
        assert_eq!(Month::parse_iso("2015-13"), None);
        assert_eq!(Month::parse_iso("Dec 2015"), None);
    }

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111]
            .iter()
            .map(|&n| ordinal(n))
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd",
                "101st", "111th"
            ]
        );
    }

    #[test]
    fn windows_cross_years() {
        let w = Window::ending(Month::new(2015, 12).unwrap(), 12);
        assert_eq!(w.first, Month::new(2015, 1).unwrap());
        let ytd = Window {
            first: Month::new(2015, 4).unwrap(),
            last: Month::new(2015, 12).unwrap(),
        };
        assert_eq!(ytd.len(), 9);
        assert_eq!(ytd.months().count(), 9);
    }
}
