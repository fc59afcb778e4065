//! The server's clock: every visibility rule asks it, never the system time directly. Dates are
//! Japanese dates (JST, UTC+9, no daylight saving); tests and demos may fix the day. A leaf.

/// "Today" for the rules: the real date in Japan, or a fixed day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock(Option<chrono::NaiveDate>);

impl Clock {
    /// A clock fixed at `today`, or the real one when `None`.
    pub fn new(today: Option<chrono::NaiveDate>) -> Self {
        Self(today)
    }

    /// The real clock.
    pub fn system() -> Self {
        Self(None)
    }

    pub fn today(self) -> chrono::NaiveDate {
        self.0
            .unwrap_or_else(|| (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive())
    }
}
