//! A team's opening hours in its time zone: whether agents are there now,
//! and when they are back.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;

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
