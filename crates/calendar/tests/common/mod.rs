//! Shared by the calendar's test files.

use xiezhi_calendar::{Calendar, OFFICIAL_CSV, OFFICIAL_FIRST_YEAR, OFFICIAL_LAST_YEAR};

/// The shipped notices alone (no provisional years), built once.
#[allow(clippy::unwrap_used)]
pub fn shipped() -> &'static Calendar {
    static SHIPPED: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();
    SHIPPED.get_or_init(|| {
        Calendar::from_csv(OFFICIAL_CSV, OFFICIAL_FIRST_YEAR, OFFICIAL_LAST_YEAR).unwrap()
    })
}
