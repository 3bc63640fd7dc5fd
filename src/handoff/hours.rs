//! A team's opening hours in its time zone: whether agents are there now,
//! when they are back, and when a span of business time ends (a
//! service-level target counts only the hours agents are there).

use std::collections::BTreeMap;

use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// Day names in settings, Monday first (jiff's Monday-zero offset).
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Debug, Clone)]
pub struct Hours {
    zone: TimeZone,
    /// Per weekday, Monday first: open from..until, local time.
    open: [Option<(Time, Time)>; 7],
}

/// When a closed team opens again, local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    /// `mon`..`sun`, for the locales to name.
    pub day: &'static str,
    pub time: Time,
}

impl Hours {
    /// `hours` maps `mon`..`sun` to `"HH:MM-HH:MM"`; a day not listed is
    /// closed.
    pub fn parse(zone: &str, hours: &BTreeMap<String, String>) -> Result<Self, String> {
        let zone = TimeZone::get(zone).map_err(|err| format!("time zone {zone:?}: {err}"))?;
        let mut open = [None; 7];
        for (day, span) in hours {
            let index = DAYS
                .iter()
                .position(|name| name == day)
                .ok_or_else(|| format!("{day:?} is not one of {}", DAYS.join(", ")))?;
            let (from, until) = span
                .split_once('-')
                .ok_or_else(|| format!("{day} = {span:?}: write \"HH:MM-HH:MM\""))?;
            let time = |raw: &str| {
                raw.trim()
                    .parse::<Time>()
                    .map_err(|err| format!("{day} = {span:?}: {err}"))
            };
            let (from, until) = (time(from)?, time(until)?);
            if from >= until {
                return Err(format!("{day} = {span:?}: opens after it closes"));
            }
            open[index] = Some((from, until));
        }
        if open.iter().all(Option::is_none) {
            return Err("opening hours need at least one day".to_owned());
        }
        Ok(Self { zone, open })
    }

    /// `None` when the team is open at `now`; otherwise when it opens next.
    pub fn closed_until(&self, now: Timestamp) -> Option<Opening> {
        let here = now.to_zoned(self.zone.clone());
        let today = day_index(here.weekday());
        let time = here.time();
        if let Some((from, until)) = self.open[today]
            && from <= time
            && time < until
        {
            return None;
        }
        (0..=7).find_map(|offset| {
            let day = (today + offset) % 7;
            let (from, _) = self.open[day]?;
            (offset > 0 || time < from).then_some(Opening {
                day: DAYS[day],
                time: from,
            })
        })
    }

    /// The instant `secs` seconds of opening hours after `start`: time
    /// while the team is closed does not count. `None` only past the
    /// calendar's end.
    pub fn after_open_secs(&self, start: Timestamp, secs: u64) -> Option<Timestamp> {
        let mut remaining = SignedDuration::from_secs(i64::try_from(secs).ok()?);
        let mut day = start.to_zoned(self.zone.clone()).date();
        // At least one day a week is open (`parse`), so each week of this
        // loop spends some of `remaining`.
        loop {
            if let Some((from, until)) = self.open[day_index(day.weekday())] {
                let instant = |time: Time| {
                    day.to_datetime(time)
                        .to_zoned(self.zone.clone())
                        .ok()
                        .map(|zoned| zoned.timestamp())
                };
                let (opens, closes) = (instant(from)?, instant(until)?);
                let begin = opens.max(start);
                if begin < closes {
                    let available = closes.duration_since(begin);
                    if remaining <= available {
                        return begin.checked_add(remaining).ok();
                    }
                    remaining -= available;
                }
            }
            day = day.tomorrow().ok()?;
        }
    }
}

fn day_index(weekday: Weekday) -> usize {
    weekday.to_monday_zero_offset() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(pairs: &[(&str, &str)]) -> Hours {
        let map = pairs
            .iter()
            .map(|(day, span)| (day.to_string(), span.to_string()))
            .collect();
        Hours::parse("Asia/Riyadh", &map).unwrap()
    }

    fn at(rfc3339: &str) -> Timestamp {
        rfc3339.parse().unwrap()
    }

    #[test]
    fn open_and_closed_follow_the_teams_local_time() {
        let week = hours(&[("sun", "08:00-16:00"), ("mon", "08:00-16:00")]);
        // Sunday 2026-11-22 10:00 in Riyadh is 07:00 UTC.
        assert_eq!(week.closed_until(at("2026-11-22T07:00:00Z")), None);
        // 17:00 Riyadh: back Monday 08:00.
        let closed = week.closed_until(at("2026-11-22T14:00:00Z")).unwrap();
        assert_eq!(
            (closed.day, closed.time),
            ("mon", Time::constant(8, 0, 0, 0))
        );
        // Monday evening: back next Sunday.
        let closed = week.closed_until(at("2026-11-23T14:00:00Z")).unwrap();
        assert_eq!(closed.day, "sun");
        // Sunday 06:00 Riyadh: back the same day.
        let closed = week.closed_until(at("2026-11-22T03:00:00Z")).unwrap();
        assert_eq!(closed.day, "sun");
    }

    #[test]
    fn business_time_skips_the_hours_the_team_is_closed() {
        let week = hours(&[("sun", "08:00-16:00"), ("mon", "08:00-16:00")]);
        // Sunday 10:00 Riyadh + 1 h: 11:00 the same day.
        assert_eq!(
            week.after_open_secs(at("2026-11-22T07:00:00Z"), 3_600),
            Some(at("2026-11-22T08:00:00Z"))
        );
        // Sunday 15:00 + 2 h: one hour on Sunday, one on Monday from 08:00.
        assert_eq!(
            week.after_open_secs(at("2026-11-22T12:00:00Z"), 7_200),
            Some(at("2026-11-23T06:00:00Z"))
        );
        // Monday 15:30 + 1 h: half an hour, then the next Sunday at 08:30.
        assert_eq!(
            week.after_open_secs(at("2026-11-23T12:30:00Z"), 3_600),
            Some(at("2026-11-29T05:30:00Z"))
        );
        // Escalated at night: the clock starts when the team opens.
        assert_eq!(
            week.after_open_secs(at("2026-11-21T22:00:00Z"), 600),
            Some(at("2026-11-22T05:10:00Z"))
        );
        // Three working days: Sunday, Monday and the next Sunday.
        assert_eq!(
            week.after_open_secs(at("2026-11-22T05:00:00Z"), 3 * 8 * 3_600),
            Some(at("2026-11-29T13:00:00Z"))
        );
    }

    #[test]
    fn bad_hours_are_refused() {
        let parse = |pairs: &[(&str, &str)]| {
            let map = pairs
                .iter()
                .map(|(day, span)| (day.to_string(), span.to_string()))
                .collect();
            Hours::parse("Asia/Riyadh", &map)
        };
        assert!(parse(&[("sunday", "08:00-16:00")]).is_err());
        assert!(parse(&[("sun", "16:00-08:00")]).is_err());
        assert!(parse(&[("sun", "8am")]).is_err());
        assert!(parse(&[]).is_err());
        assert!(Hours::parse("Mars/Olympus", &BTreeMap::new()).is_err());
    }
}
