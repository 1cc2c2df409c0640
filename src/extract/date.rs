//! Publication dates as Vietnamese pages write them.
//!
//! Machine-readable dates (ISO 8601 in `article:published_time`, JSON-LD) are converted to
//! Vietnam's local time (UTC+7); text dates are always day first ("20/4/2009",
//! "Thứ tư - 31/08/2016 09:39", "6:11:13 , 17/1/2018", "ngày 20 tháng 4 năm 2009"). The
//! regexes here only ever run on short strings (a date line, a meta value), never a page.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use regex::Regex;

/// A publication date, with the time when the page gives one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub date: NaiveDate,
    pub datetime: Option<NaiveDateTime>,
}

impl Published {
    fn new(date: NaiveDate, time: Option<NaiveTime>) -> Self {
        Published {
            date,
            datetime: time.map(|t| date.and_time(t)),
        }
    }
}

/// Vietnam's offset from UTC.
fn vietnam() -> Option<FixedOffset> {
    FixedOffset::east_opt(7 * 3600)
}

fn plausible_year(y: i32) -> bool {
    (1990..=2040).contains(&y)
}

/// Parses an ISO 8601 date or date-time ("2009-04-20", "2009-04-20T14:30:00+07:00",
/// "2009-04-20T07:30:00Z", "2009-04-20 14:30"), converting an explicit offset to UTC+7.
pub fn parse_iso(s: &str) -> Option<Published> {
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        let local = dt.with_timezone(&vietnam()?).naive_local();
        return plausible_year(chrono::Datelike::year(&local.date()))
            .then(|| Published::new(local.date(), Some(local.time())));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            let local = dt.with_timezone(&vietnam()?).naive_local();
            return Some(Published::new(local.date(), Some(local.time())));
        }
    }
    // No offset: already local time. Drop fractional seconds.
    let (head, _) = s
        .split_once('.')
        .filter(|(h, _)| h.len() >= 16)
        .unwrap_or((s, ""));
    for fmt in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(head, fmt) {
            return plausible_year(chrono::Datelike::year(&dt.date()))
                .then(|| Published::new(dt.date(), Some(dt.time())));
        }
    }
    let day = s.get(..10).unwrap_or(s);
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .filter(|d| plausible_year(chrono::Datelike::year(d)))
        .map(|d| Published::new(d, None))
}

static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})\s?[/.\-]\s?(\d{1,2})\s?[/.\-]\s?(\d{4})\b").unwrap_or_else(|_| never())
});
static WORD_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s*,?\s+năm\s+(\d{4})")
        .unwrap_or_else(|_| never())
});
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2})\s?[:hg]\s?(\d{2})(?:\s?:\s?(\d{2}))?(?:\s?(am|pm|sa|ch)\b)?")
        .unwrap_or_else(|_| never())
});

/// The patterns above are constants; a failure to compile them is a bug caught by the tests.
fn never() -> Regex {
    // An always-valid fallback that matches nothing useful.
    Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable!("constant regex"))
}

/// Finds the first day-first date in a short text, with the time written next to it.
pub fn find_vn_date(text: &str) -> Option<Published> {
    let mut best: Option<(usize, usize, NaiveDate)> = None;
    for re in [&*NUMERIC_DATE, &*WORD_DATE] {
        for c in re.captures_iter(text) {
            let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
            let (Some(d), Some(m), Some(y)) = (num(1), num(2), num(3)) else {
                continue;
            };
            let Some(date) = i32::try_from(y)
                .ok()
                .filter(|&y| plausible_year(y))
                .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
            else {
                continue;
            };
            let Some(whole) = c.get(0) else { continue };
            if best.is_none_or(|(s, _, _)| whole.start() < s) {
                best = Some((whole.start(), whole.end(), date));
            }
            break;
        }
    }
    let (start, end, date) = best?;
    Some(Published::new(date, time_near(text, start, end)))
}

/// A time written within a few characters before or after the date.
fn time_near(text: &str, start: usize, end: usize) -> Option<NaiveTime> {
    const WINDOW: usize = 24;
    let after_end = floor_boundary(text, end.saturating_add(WINDOW).min(text.len()));
    if let Some(t) = text.get(end..after_end).and_then(parse_time_in) {
        return Some(t);
    }
    let before_start = ceil_boundary(text, start.saturating_sub(WINDOW));
    text.get(before_start..start).and_then(parse_time_in)
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn parse_time_in(s: &str) -> Option<NaiveTime> {
    let c = TIME.captures(s)?;
    let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let mut h = num(1)?;
    let m = num(2)?;
    let sec = num(3).unwrap_or(0);
    if let Some(ampm) = c.get(4) {
        let pm = matches!(ampm.as_str().to_ascii_lowercase().as_str(), "pm" | "ch");
        if pm && h < 12 {
            h += 12;
        } else if !pm && h == 12 {
            h = 0;
        }
    }
    NaiveTime::from_hms_opt(h, m, sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }
    fn dt(y: i32, m: u32, day: u32, h: u32, mi: u32, s: u32) -> Option<NaiveDateTime> {
        d(y, m, day).and_hms_opt(h, mi, s)
    }

    #[test]
    fn vietnamese_text_dates() {
        let p = find_vn_date("20/4/2009").unwrap_or_else(|| panic!("no date"));
        assert_eq!((p.date, p.datetime), (d(2009, 4, 20), None));
        let p = find_vn_date("20/04/2009 14:30").unwrap_or_else(|| panic!("no date"));
        assert_eq!(p.datetime, dt(2009, 4, 20, 14, 30, 0));
        let p = find_vn_date("Thứ hai, 20/04/2009").unwrap_or_else(|| panic!("no date"));
        assert_eq!(p.date, d(2009, 4, 20));
        let p = find_vn_date("Thứ tư - 31/08/2016 09:39").unwrap_or_else(|| panic!("no date"));
        assert_eq!(p.datetime, dt(2016, 8, 31, 9, 39, 0));
        let p = find_vn_date("6:11:13 , 17/1/2018").unwrap_or_else(|| panic!("no date"));
        assert_eq!(p.datetime, dt(2018, 1, 17, 6, 11, 13));
        let p =
            find_vn_date("Hà Nội, ngày 20 tháng 4 năm 2009").unwrap_or_else(|| panic!("no date"));
        assert_eq!(p.date, d(2009, 4, 20));
        let p = find_vn_date("Cập nhật: 17/01/2018").unwrap_or_else(|| panic!("no date"));
        assert_eq!(p.date, d(2018, 1, 17));
        let p = find_vn_date("Ngày 05-03-2020 lúc 8h15").unwrap_or_else(|| panic!("no date"));
        assert_eq!(p.datetime, dt(2020, 3, 5, 8, 15, 0));
        assert!(find_vn_date("Quyết định 43/2008/QĐ-TTg").is_none());
        assert!(find_vn_date("32/13/2009").is_none());
        assert!(find_vn_date("").is_none());
    }

    #[test]
    fn iso_dates_become_vietnam_time() {
        let p = parse_iso("2023-05-10T14:30:00+07:00").unwrap_or_else(|| panic!("no date"));
        assert_eq!(p.datetime, dt(2023, 5, 10, 14, 30, 0));
        let p = parse_iso("2023-05-10T20:00:00Z").unwrap_or_else(|| panic!("no date"));
        assert_eq!(p.datetime, dt(2023, 5, 11, 3, 0, 0));
        let p = parse_iso("2023-05-10T20:00:00").unwrap_or_else(|| panic!("no date"));
        assert_eq!(p.datetime, dt(2023, 5, 10, 20, 0, 0));
        let p = parse_iso("2023-05-10").unwrap_or_else(|| panic!("no date"));
        assert_eq!((p.date, p.datetime), (d(2023, 5, 10), None));
        assert!(parse_iso("hôm qua").is_none());
    }
}
