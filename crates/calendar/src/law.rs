//! 《全国年节及纪念日放假办法》 — the holiday law as data, and the provisional years derived
//! from it for any year whose State Council notice is not loaded yet.
//!
//! A provisional year (推算年度) has the statutory rest days of the version of the law in
//! force that year, weekends, and the make-up days (补假) of Art. 6: a statutory day that
//! falls on a Saturday or Sunday — or on a day already off for another festival — is made
//! up on the next working day after the festival. No adjusted working days (调休上班) are
//! guessed: only the notice can set them. Lunar dates and the 清明 solar term come from the
//! `tyme4rs` crate (寿星天文历 algorithms).

use std::collections::BTreeMap;

use tyme4rs::tyme::lunar::LunarDay;
use tyme4rs::tyme::solar::SolarTerm;

use crate::calendar::{CalendarEntry, DayKind};
use crate::date::Date;

/// How a statutory day of a festival is found in a given year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayRule {
    /// A fixed Gregorian date: month, day.
    Solar(u8, u8),
    /// A day of the lunar calendar: month, day (of the lunar year that starts in this year).
    Lunar(u8, u8),
    /// 农历除夕: the day before 正月初一.
    LunarNewYearsEve,
    /// 清明: the day of the 清明 solar term (Beijing time).
    Qingming,
}

/// A festival for all citizens (全体公民放假的节日) and its statutory days in one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Festival {
    /// Its name as the notices write it (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节).
    pub name: &'static str,
    /// Its statutory days.
    pub days: &'static [DayRule],
}

/// One version of 《全国年节及纪念日放假办法》.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HolidayLaw {
    /// The version, as cited (e.g. `2024年修订（国务院令第795号）`).
    pub version: &'static str,
    /// The first day it is in force.
    pub in_force_from: Date,
    /// The article listing the festivals for all citizens.
    pub festivals_article: &'static str,
    /// The festivals for all citizens, in calendar order.
    pub festivals: &'static [Festival],
}

const fn date(year: i32, month: u8, day: u8) -> Date {
    match Date::new(year, month, day) {
        Some(d) => d,
        None => Date::MIN,
    }
}

use DayRule::{Lunar, LunarNewYearsEve, Qingming, Solar};

const NEW_YEAR: Festival = Festival {
    name: "元旦",
    days: &[Solar(1, 1)],
};
const NATIONAL_DAY: Festival = Festival {
    name: "国庆节",
    days: &[Solar(10, 1), Solar(10, 2), Solar(10, 3)],
};
const QINGMING: Festival = Festival {
    name: "清明节",
    days: &[Qingming],
};
const DRAGON_BOAT: Festival = Festival {
    name: "端午节",
    days: &[Lunar(5, 5)],
};
const LABOUR_DAY_ONE_DAY: Festival = Festival {
    name: "劳动节",
    days: &[Solar(5, 1)],
};
const MID_AUTUMN: Festival = Festival {
    name: "中秋节",
    days: &[Lunar(8, 15)],
};

/// The versions of the law, oldest first. Each applies from its `in_force_from` until the
/// next one.
pub const HOLIDAY_LAWS: [HolidayLaw; 4] = [
    HolidayLaw {
        version: "1999年修订（国务院令第270号）",
        in_force_from: date(1999, 9, 18),
        festivals_article: "第二条",
        festivals: &[
            NEW_YEAR,
            Festival {
                name: "春节",
                days: &[Lunar(1, 1), Lunar(1, 2), Lunar(1, 3)],
            },
            Festival {
                name: "劳动节",
                days: &[Solar(5, 1), Solar(5, 2), Solar(5, 3)],
            },
            NATIONAL_DAY,
        ],
    },
    HolidayLaw {
        version: "2007年修订（国务院令第513号）",
        in_force_from: date(2008, 1, 1),
        festivals_article: "第二条",
        festivals: &[
            NEW_YEAR,
            Festival {
                name: "春节",
                days: &[LunarNewYearsEve, Lunar(1, 1), Lunar(1, 2)],
            },
            QINGMING,
            LABOUR_DAY_ONE_DAY,
            DRAGON_BOAT,
            MID_AUTUMN,
            NATIONAL_DAY,
        ],
    },
    HolidayLaw {
        version: "2013年修订（国务院令第644号）",
        in_force_from: date(2014, 1, 1),
        festivals_article: "第二条",
        festivals: &[
            NEW_YEAR,
            Festival {
                name: "春节",
                days: &[Lunar(1, 1), Lunar(1, 2), Lunar(1, 3)],
            },
            QINGMING,
            LABOUR_DAY_ONE_DAY,
            DRAGON_BOAT,
            MID_AUTUMN,
            NATIONAL_DAY,
        ],
    },
    HolidayLaw {
        version: "2024年修订（国务院令第795号）",
        in_force_from: date(2025, 1, 1),
        festivals_article: "第二条",
        festivals: &[
            NEW_YEAR,
            Festival {
                name: "春节",
                days: &[LunarNewYearsEve, Lunar(1, 1), Lunar(1, 2), Lunar(1, 3)],
            },
            QINGMING,
            Festival {
                name: "劳动节",
                days: &[Solar(5, 1), Solar(5, 2)],
            },
            DRAGON_BOAT,
            MID_AUTUMN,
            NATIONAL_DAY,
        ],
    },
];

/// The article of every version that makes up a festival day falling on a weekend (补假).
pub const MAKE_UP_ARTICLE: &str = "第六条";

/// The version in force on `day` (`None` before 1999-09-18).
#[must_use]
pub fn law_in_force(day: Date) -> Option<&'static HolidayLaw> {
    HOLIDAY_LAWS
        .iter()
        .rev()
        .find(|law| law.in_force_from <= day)
}

/// The Gregorian date of a statutory day in `year` (`None` if the lunar or astronomical
/// computation yields no date in range).
#[must_use]
pub fn statutory_date(rule: DayRule, year: i32) -> Option<Date> {
    let solar = |day: tyme4rs::tyme::solar::SolarDay| {
        let (y, m, d) = (day.get_year(), day.get_month(), day.get_day());
        Date::new(
            i32::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        )
    };
    let y = isize::try_from(year).ok()?;
    match rule {
        Solar(month, day) => Date::new(year, month, day),
        Lunar(month, day) => LunarDay::new(y, isize::from(month), usize::from(day))
            .ok()
            .and_then(|d| solar(d.get_solar_day())),
        LunarNewYearsEve => LunarDay::new(y, 1, 1)
            .ok()
            .and_then(|d| solar(d.get_solar_day()))
            .and_then(|d| d.add_days(-1)),
        Qingming => SolarTerm::new(y, "清明")
            .ok()
            .and_then(|t| solar(t.get_solar_day())),
    }
}

/// The statutory days of each festival in `year` under the law in force then, in calendar
/// order: `(festival name, its statutory dates)`. Empty before the 1999 version.
#[must_use]
pub fn statutory_days(year: i32) -> Vec<(&'static str, Vec<Date>)> {
    let Some(law) = Date::new(year, 1, 1).and_then(law_in_force) else {
        return Vec::new();
    };
    law.festivals
        .iter()
        .map(|festival| {
            let dates = festival
                .days
                .iter()
                .filter_map(|rule| statutory_date(*rule, year))
                .collect();
            (festival.name, dates)
        })
        .collect()
}

/// The provisional arrangement of `year` (推算安排): the statutory rest days and the make-up
/// days of Art. 6 as `rest` entries named for their festival, sorted by date. Weekend days
/// that are statutory days are listed too (so they carry the festival's name).
#[must_use]
pub fn provisional_entries(year: i32) -> Vec<CalendarEntry> {
    let mut rest: BTreeMap<Date, &'static str> = BTreeMap::new();
    let mut festivals = statutory_days(year);
    festivals.sort_by_key(|(_, dates)| dates.first().copied());
    for (name, dates) in festivals {
        let mut owed = 0;
        for &day in &dates {
            if day.is_weekend() || rest.contains_key(&day) {
                owed += 1;
            }
            rest.entry(day).or_insert(name);
        }
        let mut day = dates.iter().max().copied();
        while owed > 0 {
            day = day.and_then(|d| d.add_days(1));
            let Some(candidate) = day else { break };
            if !candidate.is_weekend() && !rest.contains_key(&candidate) {
                rest.insert(candidate, name);
                owed -= 1;
            }
        }
    }
    rest.into_iter()
        .filter(|(day, _)| day.year() == year)
        .map(|(date, name)| CalendarEntry {
            date,
            kind: DayKind::Rest,
            name: name.to_owned(),
        })
        .collect()
}
