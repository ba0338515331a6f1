//! Beijing time (UTC+8, no daylight saving): the zone every date, day boundary and deadline
//! of the platform is read in. The one place that knows the offset.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

/// Beijing's offset from UTC.
pub const OFFSET: Duration = Duration::hours(8);

/// The wall-clock time in Beijing of an instant.
pub fn local(t: DateTime<Utc>) -> NaiveDateTime {
    (t + OFFSET).naive_utc()
}

/// The Beijing date of an instant (today, for `now`).
pub fn day(t: DateTime<Utc>) -> NaiveDate {
    local(t).date()
}

/// The instant a Beijing date begins (00:00 Beijing).
pub fn midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(chrono::NaiveTime::MIN).and_utc() - OFFSET
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_beijing_day_turns_at_16_utc() {
        let late: DateTime<Utc> = "2026-12-31T15:59:59Z".parse().unwrap_or_default();
        let next: DateTime<Utc> = "2026-12-31T16:00:00Z".parse().unwrap_or_default();
        assert_eq!(day(late).to_string(), "2026-12-31");
        assert_eq!(day(next).to_string(), "2027-01-01");
        assert_eq!(midnight(day(next)), next);
        assert_eq!(local(next).to_string(), "2027-01-01 00:00:00");
    }
}
