//! The reporting windows: from the report's month, baseline year and
//! projection year to the [`Window`] each table column sums over.
//!
//! Enters: the reporting month and the two financial years of sheet
//! `Report`. Leaves: [`Windows`], and for each window column its [`Window`].

use crate::input::Column;
use crate::methods::period::{FinancialYear, Month, Window};

/// Months in the `Latest` window, and the distance from YTD back to L.YTD.
pub(super) const LATEST_MONTHS: i64 = 12;

/// The reporting windows.
#[derive(Debug, Clone, Copy)]
pub struct Windows {
    pub month: Month,
    pub latest: Window,
    pub baseline: Window,
    pub ytd: Window,
    pub lytd: Window,
    pub projection: Option<Window>,
}

impl Windows {
    pub fn new(month: Month, baseline: FinancialYear, projection: Option<FinancialYear>) -> Self {
        let ytd = Window {
            first: month.financial_year().first_month(),
            last: month,
        };
        Windows {
            month,
            latest: Window::ending(month, LATEST_MONTHS),
            baseline: baseline.window(),
            ytd,
            lytd: Window {
                first: ytd.first.plus(-LATEST_MONTHS),
                last: ytd.last.plus(-LATEST_MONTHS),
            },
            projection: projection.map(|p| p.window()),
        }
    }

    /// The window a column sums over; `None` for a column that is no window
    /// (`% Var.`, a projection, an assessment).
    pub(super) fn of(&self, column: Column) -> Option<Window> {
        match column {
            Column::Baseline => Some(self.baseline),
            Column::Latest => Some(self.latest),
            Column::Ytd => Some(self.ytd),
            Column::Lytd => Some(self.lytd),
            _ => None,
        }
    }

    /// From the first baseline month to the reporting month: an XmR chart's span.
    pub(super) fn spc_span(&self) -> Window {
        Window {
            first: self.baseline.first,
            last: self.month,
        }
    }
}
