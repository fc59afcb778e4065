//! The expense-notice page's view model and loader (server side; islands pages never render in
//! the browser).

use crate::error::AppError;
pub use crate::record::{PeriodQuery, PersonHeader};
use chrono::NaiveDate;
use domain::expenses::{ExpenseLine, ExpenseSummary};
use domain::period::MonthRange;

/// What the page asks for: the period, and whether to show the household together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpenseQuery {
    pub period: PeriodQuery,
    /// `?household=1`: every person whose expenses the signed-in person may see.
    pub household: bool,
}

/// Someone whose lines are on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub person_id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpensePage {
    /// The person on screen.
    pub person: PersonHeader,
    pub months: MonthRange,
    pub today: NaiveDate,
    /// Whose lines are shown: the person on screen alone, or the household (person on screen
    /// first). Lines name their person through `claim.person`.
    pub shown: Vec<Member>,
    /// The household view is on.
    pub household: bool,
    /// More than one person could be shown together (offer the household view).
    pub household_size: usize,
    /// Newest month first, only what may be shown today.
    pub lines: Vec<ExpenseLine>,
    /// Totals over `lines` (period, years, institutions, 診療区分, months) and pending months.
    pub summary: ExpenseSummary,
}

impl ExpensePage {
    /// The name of the person a line belongs to.
    pub fn whose(&self, line: &ExpenseLine) -> Option<&str> {
        self.shown
            .iter()
            .find(|m| m.person_id == line.claim.person.as_str())
            .map(|m| m.name.as_str())
    }
}

pub async fn load_expense_page(query: ExpenseQuery) -> Result<ExpensePage, AppError> {
    #[cfg(feature = "ssr")]
    {
        crate::services::services()?
            .expenses
            .expense_page(query)
            .await
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = query;
        Err(AppError::Internal)
    }
}

/// Geometry of the monthly bar chart (SVG user units), kept out of the component so it can be
/// tested. The chart scales as a whole, so these are proportions, not pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub width: f64,
    pub height: f64,
    /// Left edge of the plot (room for the axis labels) and its bottom (the zero line).
    pub left: f64,
    pub top: f64,
    pub bottom: f64,
    /// The axis maximum (a round number at or above the highest bar) and its gridlines.
    pub max: i64,
    pub ticks: Vec<(f64, i64)>,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub month: domain::period::YearMonth,
    pub value: domain::money::Yen,
    pub incomplete: bool,
    /// The slot of the month (for the "not complete" frame) and the bar inside it.
    pub slot_x: f64,
    pub slot_w: f64,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// A year label under January and under the first month.
    pub year_label: Option<i32>,
}

/// The smallest of 1, 2, 5 × 10ⁿ at or above `v` (1,000 when there is nothing to show).
pub fn round_max(v: i64) -> i64 {
    if v <= 0 {
        return 1_000;
    }
    let mut pow: i64 = 1;
    loop {
        for m in [1, 2, 5] {
            let candidate = pow.saturating_mul(m);
            if candidate >= v {
                return candidate;
            }
        }
        if pow > i64::MAX / 10 {
            return i64::MAX;
        }
        pow *= 10;
    }
}

impl BarChart {
    /// Two drawings of the same chart, so the text stays readable: one for phones, one for
    /// wider screens (CSS shows one of them).
    pub const NARROW: (f64, f64) = (360.0, 210.0);
    pub const WIDE: (f64, f64) = (720.0, 220.0);

    pub fn of(months: &[domain::expenses::MonthTotal], (width, height): (f64, f64)) -> Self {
        let (left, top, right, bottom) = (64.0, 12.0, 8.0, height - 28.0);
        let highest = months
            .iter()
            .map(|m| m.totals.patient_paid.0)
            .max()
            .unwrap_or(0);
        let max = round_max(highest);
        let plot_h = bottom - top;
        let n = months.len().max(1) as f64;
        let slot_w = (width - left - right) / n;
        let bars = months
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let value = m.totals.patient_paid;
                // Negative months (refunds after review) draw as empty, the table shows the sign.
                let h = (value.0.max(0) as f64 / max as f64) * plot_h;
                let slot_x = left + slot_w * i as f64;
                let gap = (slot_w * 0.2).min(4.0);
                Bar {
                    month: m.month,
                    value,
                    incomplete: m.incomplete,
                    slot_x,
                    slot_w,
                    x: slot_x + gap / 2.0,
                    y: bottom - h,
                    w: slot_w - gap,
                    h,
                    year_label: (i == 0 || m.month.month() == 1).then(|| m.month.year()),
                }
            })
            .collect();
        let ticks = [0, max / 2, max]
            .into_iter()
            .map(|v| (bottom - (v as f64 / max as f64) * plot_h, v))
            .collect();
        Self {
            width,
            height,
            left,
            top,
            bottom,
            max,
            ticks,
            bars,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::expenses::{ExpenseTotals, MonthTotal};
    use domain::money::Yen;
    use domain::period::YearMonth;

    fn month(m: &str, yen: i64, incomplete: bool) -> MonthTotal {
        MonthTotal {
            month: YearMonth::parse(m).unwrap(),
            incomplete,
            totals: ExpenseTotals {
                patient_paid: Yen(yen),
                ..Default::default()
            },
        }
    }

    #[test]
    fn round_max_is_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(round_max(0), 1_000);
        assert_eq!(round_max(1), 1);
        assert_eq!(round_max(3), 5);
        assert_eq!(round_max(1_000), 1_000);
        assert_eq!(round_max(1_001), 2_000);
        assert_eq!(round_max(12_340), 20_000);
        assert_eq!(round_max(60_000), 100_000);
        assert_eq!(round_max(i64::MAX), i64::MAX);
    }

    #[test]
    fn bars_scale_to_the_axis_and_label_years() {
        let chart = BarChart::of(
            &[
                month("2024-12", 5_000, false),
                month("2025-01", 10_000, false),
                month("2025-02", 0, true),
                month("2025-03", -200, false),
            ],
            BarChart::NARROW,
        );
        assert_eq!(chart.max, 10_000);
        let full = chart.bottom - chart.top;
        assert!((chart.bars[1].h - full).abs() < 1e-9);
        assert!((chart.bars[0].h - full / 2.0).abs() < 1e-9);
        assert_eq!(chart.bars[2].h, 0.0);
        assert_eq!(chart.bars[3].h, 0.0, "a refund month draws no bar");
        assert!(chart.bars[2].incomplete);
        let labels: Vec<_> = chart.bars.iter().map(|b| b.year_label).collect();
        assert_eq!(labels, [Some(2024), Some(2025), None, None]);
        // Bars stay inside the drawing, in order.
        let last = chart.bars.last().unwrap();
        assert!(last.slot_x + last.slot_w <= chart.width + 1e-9);
        assert!(chart.bars.windows(2).all(|w| w[0].x < w[1].x));
        assert_eq!(
            chart.ticks.iter().map(|t| t.1).collect::<Vec<_>>(),
            [0, 5_000, 10_000]
        );
    }
}
