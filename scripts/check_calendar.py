#!/usr/bin/env python3
"""Check (or regenerate) the official working-day calendar data of crates/calendar.

The reference is the PyPI package ``chinesecalendar`` (``pip install chinesecalendar``),
which transcribes the annual notices of the General Office of the State Council
(国务院办公厅关于部分节假日安排的通知).

Default mode (check) verifies, for EVERY date from FIRST_YEAR-01-01 to LAST_YEAR-12-31:

1. ``crates/calendar/data/holidays.csv`` interpreted with the crate's rule
   (Mon-Fri is a working day, Sat/Sun is not, unless the CSV lists the date as
   ``rest`` or ``work``) gives the same working-day status as
   ``chinese_calendar.is_workday``;
2. every date that the package lists (holiday or adjusted working day) appears in
   the CSV with the same kind and the same Chinese holiday name;
3. the expected-workday bitmap ``crates/calendar/tests/data/workdays_2004_2026.txt``
   (used by the Rust agreement test) matches the package day by day.

It prints every differing date and exits with status 1 if anything differs
(status 2 if the package is missing or does not cover the range).

``--write`` regenerates both files from the package instead of checking them
(this is how they were derived once; after that, edit holidays.csv by hand when
a new notice is published and let this script / the Rust tests confirm it).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import sys
from pathlib import Path

FIRST_YEAR = 2004
LAST_YEAR = 2026

ROOT = Path(__file__).resolve().parent.parent
CSV_PATH = ROOT / "crates" / "calendar" / "data" / "holidays.csv"
BITMAP_PATH = ROOT / "crates" / "calendar" / "tests" / "data" / "workdays_2004_2026.txt"

# The package's Chinese names are abbreviated (清明, 端午, 中秋) or very long (the
# 2015 commemoration day); the CSV uses the names used in the notices' headings.
CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def load_package():
    try:
        import chinese_calendar  # type: ignore[import-not-found]
        from chinese_calendar.constants import Holiday  # type: ignore[import-not-found]
    except ImportError:
        print("error: the PyPI package chinesecalendar is not installed (pip install chinesecalendar)")
        sys.exit(2)
    # Make sure every English name the package uses has a Chinese name here.
    for holiday in Holiday:
        if holiday.value not in CHINESE_NAMES:
            print(f"error: no Chinese name for {holiday.value!r} ({holiday.chinese}); extend CHINESE_NAMES")
            sys.exit(2)
    years = {d.year for d in chinese_calendar.holidays}
    missing = [y for y in range(FIRST_YEAR, LAST_YEAR + 1) if y not in years]
    if missing:
        version = getattr(chinese_calendar, "__version__", "?")
        print(f"error: chinesecalendar {version} has no data for year(s) {missing}")
        sys.exit(2)
    return chinese_calendar


def all_dates():
    day = dt.date(FIRST_YEAR, 1, 1)
    end = dt.date(LAST_YEAR, 12, 31)
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


def package_entries(cc) -> dict[dt.date, tuple[str, str]]:
    """date -> (kind, Chinese name) for every date the package lists in the range."""
    entries: dict[dt.date, tuple[str, str]] = {}
    for day, name in cc.holidays.items():
        if FIRST_YEAR <= day.year <= LAST_YEAR:
            entries[day] = ("rest", CHINESE_NAMES[name])
    for day, name in cc.workdays.items():
        if FIRST_YEAR <= day.year <= LAST_YEAR:
            if day in entries:
                raise SystemExit(f"error: package lists {day} both as holiday and as working day")
            entries[day] = ("work", CHINESE_NAMES[name])
    return entries


def derive_entries(cc) -> dict[dt.date, tuple[str, str]]:
    """The CSV content: the package's entries, plus weekend days that lie strictly
    inside one holiday (e.g. Sunday 2011-06-05 between the 端午节 days 06-04 and
    06-06, which the package omits), so that the ``name`` column has no holes.
    Adding such a weekend ``rest`` day never changes any working-day status."""
    entries = package_entries(cc)
    for day in all_dates():
        if day in entries or not is_weekend(day):
            continue
        before = entries.get(day - dt.timedelta(days=1))
        if before is None or before[0] != "rest":
            before = entries.get(day - dt.timedelta(days=2)) if is_weekend(day - dt.timedelta(days=1)) else None
        after = entries.get(day + dt.timedelta(days=1))
        if after is None or after[0] != "rest":
            after = entries.get(day + dt.timedelta(days=2)) if is_weekend(day + dt.timedelta(days=1)) else None
        if before and after and before[0] == after[0] == "rest" and before[1] == after[1]:
            entries[day] = ("rest", before[1])
    return entries


def render_csv(entries: dict[dt.date, tuple[str, str]]) -> str:
    out = io.StringIO()
    out.write("date,kind,name\n")
    for day in sorted(entries):
        kind, name = entries[day]
        out.write(f"{day.isoformat()},{kind},{name}\n")
    return out.getvalue()


def render_bitmap(cc) -> str:
    version = getattr(cc, "__version__", "?")
    lines = [
        f"# Expected working days {FIRST_YEAR}-{LAST_YEAR}, generated by scripts/check_calendar.py",
        f"# from chinesecalendar {version} independently of data/holidays.csv.",
        "# One line per year: YEAR, a space, then one character per day of the year",
        "# (January 1st first): 1 = working day, 0 = rest day.",
    ]
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        bits = []
        day = dt.date(year, 1, 1)
        while day.year == year:
            bits.append("1" if cc.is_workday(day) else "0")
            day += dt.timedelta(days=1)
        lines.append(f"{year} {''.join(bits)}")
    return "\n".join(lines) + "\n"


def read_csv(path: Path) -> tuple[dict[dt.date, tuple[str, str]], list[str]]:
    problems: list[str] = []
    entries: dict[dt.date, tuple[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows or rows[0] != ["date", "kind", "name"]:
        problems.append(f"{path}: line 1: expected header 'date,kind,name'")
        return entries, problems
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != 3:
            problems.append(f"{path}: line {number}: expected 3 fields, got {row}")
            continue
        text, kind, name = row
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            problems.append(f"{path}: line {number}: bad date {text!r}")
            continue
        if kind not in ("rest", "work"):
            problems.append(f"{path}: line {number}: unknown kind {kind!r}")
            continue
        if day in entries:
            problems.append(f"{path}: line {number}: date {day} listed twice")
            continue
        entries[day] = (kind, name)
    return entries, problems


def csv_is_workday(entries: dict[dt.date, tuple[str, str]], day: dt.date) -> bool:
    entry = entries.get(day)
    if entry is not None:
        return entry[0] == "work"
    return not is_weekend(day)


def check(cc) -> int:
    problems: list[str] = []
    entries, csv_problems = read_csv(CSV_PATH)
    problems += csv_problems

    checked = 0
    for day in all_dates():
        checked += 1
        expected = cc.is_workday(day)
        actual = csv_is_workday(entries, day)
        if expected != actual:
            problems.append(
                f"{day} ({day.strftime('%a')}): package says {'workday' if expected else 'rest day'}, "
                f"holidays.csv says {'workday' if actual else 'rest day'}"
            )
    for day in entries:
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            problems.append(f"{day}: holidays.csv lists a date outside {FIRST_YEAR}-{LAST_YEAR}")

    expected_entries = package_entries(cc)
    for day, (kind, name) in sorted(expected_entries.items()):
        got = entries.get(day)
        if got != (kind, name):
            problems.append(f"{day}: package lists {kind},{name}; holidays.csv has {got}")
    for day, (kind, name) in sorted(entries.items()):
        if day not in expected_entries and not (kind == "rest" and is_weekend(day)):
            problems.append(f"{day}: holidays.csv lists {kind},{name} but the package does not")

    bitmap_years: dict[int, str] = {}
    for line in BITMAP_PATH.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        year_text, _, bits = line.partition(" ")
        bitmap_years[int(year_text)] = bits
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        bits = bitmap_years.get(year)
        if bits is None:
            problems.append(f"{BITMAP_PATH.name}: year {year} missing")
            continue
        day = dt.date(year, 1, 1)
        days_in_year = (dt.date(year + 1, 1, 1) - day).days
        if len(bits) != days_in_year:
            problems.append(f"{BITMAP_PATH.name}: year {year} has {len(bits)} days, expected {days_in_year}")
            continue
        for bit in bits:
            if (bit == "1") != cc.is_workday(day):
                problems.append(f"{BITMAP_PATH.name}: {day} is {bit}, package says {int(cc.is_workday(day))}")
            day += dt.timedelta(days=1)

    version = getattr(cc, "__version__", "?")
    if problems:
        for problem in problems:
            print(problem)
        print(f"FAILED: {len(problems)} difference(s) against chinesecalendar {version}")
        return 1
    print(
        f"OK: {checked} dates {FIRST_YEAR}-01-01..{LAST_YEAR}-12-31 agree with chinesecalendar {version} "
        f"({len(entries)} CSV entries, {len(expected_entries)} package entries)"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="regenerate holidays.csv and the bitmap from the package")
    args = parser.parse_args()
    cc = load_package()
    if args.write:
        CSV_PATH.parent.mkdir(parents=True, exist_ok=True)
        BITMAP_PATH.parent.mkdir(parents=True, exist_ok=True)
        CSV_PATH.write_text(render_csv(derive_entries(cc)), encoding="utf-8")
        BITMAP_PATH.write_text(render_bitmap(cc), encoding="utf-8")
        print(f"wrote {CSV_PATH.relative_to(ROOT)} and {BITMAP_PATH.relative_to(ROOT)}")
    return check(cc)


if __name__ == "__main__":
    sys.exit(main())
