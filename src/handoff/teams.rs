//! Teams and agents from configuration: who may use the agent API, which
//! team takes a knowledge-base category, which teams an agent serves.

use std::collections::BTreeSet;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use subtle::ConstantTimeEq;

use super::hours::{Hours, Opening};
use crate::configuration::{HandoffSettings, SlaSettings};
use crate::conversation::Priority;

/// An authenticated agent and the teams they serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub name: String,
    pub teams: BTreeSet<String>,
}

impl Agent {
    pub fn serves(&self, team: &str) -> bool {
        self.teams.contains(team)
    }
}

pub struct Teams {
    default_team: String,
    /// (category, team), in configuration order.
    routes: Vec<(String, String)>,
    /// (agent, token) as configured.
    tokens: Vec<(String, Vec<u8>)>,
    memberships: Vec<(String, String)>,
    /// Teams with opening hours; the others are always open.
    hours: Vec<(String, Hours)>,
    on_call: Option<String>,
    /// Where times told to citizens are read: a team's own zone, else
    /// `handoff.time_zone`.
    zones: Vec<(String, TimeZone)>,
    default_zone: TimeZone,
    /// `[handoff.teams.sla]` of the teams that set one.
    service_levels: Vec<(String, SlaSettings)>,
}

/// Where an escalated case goes, and whether its team is there now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub team: String,
    /// Set when the team is closed: when it opens again.
    pub closed_until: Option<Opening>,
}

#[derive(Debug, thiserror::Error)]
#[error("handoff settings: {0}")]
pub struct TeamsError(String);

impl Teams {
    pub fn from_settings(settings: &HandoffSettings) -> Result<Self, TeamsError> {
        if settings.default_team.trim().is_empty() {
            return Err(TeamsError("default_team must not be empty".to_owned()));
        }
        let mut names = BTreeSet::new();
        let mut routes = Vec::new();
        let mut memberships = Vec::new();
        let mut hours = Vec::new();
        let mut zones = Vec::new();
        let zone_named = |name: &str| {
            TimeZone::get(name).map_err(|err| TeamsError(format!("time zone {name:?}: {err}")))
        };
        let default_zone = zone_named(&settings.time_zone)?;
        for team in &settings.teams {
            if let Some(zone) = &team.time_zone {
                zones.push((team.name.clone(), zone_named(zone)?));
            }
            if !names.insert(team.name.as_str()) {
                return Err(TeamsError(format!("team {:?} is listed twice", team.name)));
            }
            for category in &team.categories {
                if let Some((_, other)) = routes.iter().find(|(known, _)| known == category) {
                    return Err(TeamsError(format!(
                        "category {category:?} is routed to both {other:?} and {:?}",
                        team.name
                    )));
                }
                routes.push((category.clone(), team.name.clone()));
            }
            for agent in &team.agents {
                memberships.push((agent.clone(), team.name.clone()));
            }
            if !team.hours.is_empty() {
                let zone = team.time_zone.as_deref().unwrap_or(&settings.time_zone);
                let team_hours = Hours::parse(zone, &team.hours)
                    .map_err(|reason| TeamsError(format!("team {:?}: {reason}", team.name)))?;
                hours.push((team.name.clone(), team_hours));
            }
        }
        let service_levels = service_levels(settings, &names)?;
        let tokens = settings
            .agent_tokens
            .iter()
            .map(|(name, token)| (name.to_owned(), token.expose().as_bytes().to_vec()))
            .collect::<Vec<_>>();
        for (agent, team) in &memberships {
            if !tokens.iter().any(|(name, _)| name == agent) {
                tracing::warn!(agent, team, "a team lists an agent without a token");
            }
        }
        Ok(Self {
            default_team: settings.default_team.clone(),
            routes,
            tokens,
            memberships,
            hours,
            on_call: settings.on_call_team.clone(),
            zones,
            default_zone,
            service_levels,
        })
    }

    /// `team`'s service levels, when it sets any.
    pub fn service_levels(&self, team: &str) -> Option<&SlaSettings> {
        self.service_levels
            .iter()
            .find(|(name, _)| name == team)
            .map(|(_, settings)| settings)
    }

    /// The instant `secs` seconds of `team`'s business hours after
    /// `start_ms` (plain seconds for a team that is always open).
    pub fn after_business_secs(&self, team: &str, start_ms: i64, secs: u64) -> Option<i64> {
        let start = Timestamp::from_millisecond(start_ms).ok()?;
        let end = match self.hours.iter().find(|(name, _)| name == team) {
            Some((_, hours)) => hours.after_open_secs(start, secs)?,
            None => start
                .checked_add(jiff::SignedDuration::from_secs(i64::try_from(secs).ok()?))
                .ok()?,
        };
        Some(end.as_millisecond())
    }

    /// Every team cases can be queued for.
    pub fn names(&self) -> BTreeSet<&str> {
        let mut names: BTreeSet<&str> = self.routes.iter().map(|(_, team)| team.as_str()).collect();
        names.extend(self.memberships.iter().map(|(_, team)| team.as_str()));
        names.insert(&self.default_team);
        names.extend(self.on_call.as_deref());
        names
    }

    /// `at_ms` as the team's local `HH:MM`, for citizens.
    pub fn local_time(&self, team: &str, at_ms: i64) -> String {
        let zone = self
            .zones
            .iter()
            .find(|(name, _)| name == team)
            .map_or(&self.default_zone, |(_, zone)| zone);
        Timestamp::from_millisecond(at_ms)
            .map(|at| at.to_zoned(zone.clone()).strftime("%H:%M").to_string())
            .unwrap_or_default()
    }

    /// When `team` opens again, if it is closed at `now`.
    pub fn closed_until(&self, team: &str, now: Timestamp) -> Option<Opening> {
        self.hours
            .iter()
            .find(|(name, _)| name == team)
            .and_then(|(_, hours)| hours.closed_until(now))
    }

    /// The team for a case of `category` at `now`: its own, or the on-call
    /// team for an urgent case while its own is closed.
    pub fn place(&self, category: Option<&str>, priority: Priority, now: Timestamp) -> Placement {
        let team = self.route(category);
        let closed_until = self.closed_until(team, now);
        match (&self.on_call, closed_until) {
            (Some(on_call), Some(_)) if priority == Priority::Urgent => Placement {
                team: on_call.clone(),
                closed_until: None,
            },
            _ => Placement {
                team: team.to_owned(),
                closed_until,
            },
        }
    }

    /// The team that takes cases of `category`.
    pub fn route(&self, category: Option<&str>) -> &str {
        category
            .and_then(|category| {
                self.routes
                    .iter()
                    .find(|(known, _)| known == category)
                    .map(|(_, team)| team.as_str())
            })
            .unwrap_or(&self.default_team)
    }

    /// The agent holding `token`. Every configured token is compared, in
    /// constant time, so timing tells nothing about which one nearly
    /// matched.
    pub fn authenticate(&self, token: &str) -> Option<Agent> {
        let mut found = None;
        for (name, expected) in &self.tokens {
            if bool::from(expected.as_slice().ct_eq(token.as_bytes())) {
                found = Some(name);
            }
        }
        found.map(|name| self.agent(name))
    }

    /// The agent of that name, if they have a token.
    pub fn agent_named(&self, name: &str) -> Option<Agent> {
        self.tokens
            .iter()
            .any(|(known, _)| known == name)
            .then(|| self.agent(name))
    }

    /// Every agent with a token, by name: who supervisors see.
    pub fn agents(&self) -> Vec<Agent> {
        let names: BTreeSet<&str> = self.tokens.iter().map(|(name, _)| name.as_str()).collect();
        names.into_iter().map(|name| self.agent(name)).collect()
    }

    fn agent(&self, name: &str) -> Agent {
        let mut teams: BTreeSet<String> = self
            .memberships
            .iter()
            .filter(|(agent, _)| agent == name)
            .map(|(_, team)| team.clone())
            .collect();
        // An agent no team lists serves the default team.
        if teams.is_empty() {
            teams.insert(self.default_team.clone());
        }
        Agent {
            name: name.to_owned(),
            teams,
        }
    }
}

/// Each team's `[handoff.teams.sla]`, checked: a target of 0 seconds
/// would be missed at once, and a case can only move up to another team
/// that exists.
fn service_levels(
    settings: &HandoffSettings,
    names: &BTreeSet<&str>,
) -> Result<Vec<(String, SlaSettings)>, TeamsError> {
    let mut found = Vec::new();
    for team in &settings.teams {
        let Some(sla) = &team.sla else { continue };
        let targets = [
            ("first_reply_secs", sla.first_reply_secs),
            ("resolution_secs", sla.resolution_secs),
            ("urgent_first_reply_secs", sla.urgent_first_reply_secs),
            ("urgent_resolution_secs", sla.urgent_resolution_secs),
        ];
        if let Some((key, _)) = targets.iter().find(|(_, secs)| *secs == Some(0)) {
            return Err(TeamsError(format!(
                "team {:?}: sla.{key} must be more than 0 (leave it out to watch no such target)",
                team.name
            )));
        }
        if let Some(up) = &sla.escalate_to {
            let known = names.contains(up.as_str())
                || *up == settings.default_team
                || settings.on_call_team.as_ref() == Some(up);
            if !known {
                return Err(TeamsError(format!(
                    "team {:?}: sla.escalate_to names {up:?}, which is not a team",
                    team.name
                )));
            }
            if *up == team.name {
                return Err(TeamsError(format!(
                    "team {:?}: sla.escalate_to must name another team",
                    team.name
                )));
            }
        }
        found.push((team.name.clone(), sla.clone()));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::configuration::{AgentTokens, TeamSettings};

    fn settings(teams: Vec<TeamSettings>) -> HandoffSettings {
        HandoffSettings {
            default_team: "general".to_owned(),
            teams,
            history_limit: 10,
            history_ttl_secs: 60,
            time_zone: "UTC".to_owned(),
            on_call_team: Some("on-call".to_owned()),
            unclaimed_update_secs: 0,
            incident_window_secs: 60,
            incident_send_concurrency: std::num::NonZeroUsize::MIN,
            emergency_number: "112".to_owned(),
            idle_return_secs: 0,
            sla_watch_ms: 10_000,
            agent_tokens: AgentTokens::parse("sara:tok-sara,omar:tok-omar").unwrap(),
        }
    }

    fn team(name: &str, categories: &[&str], agents: &[&str]) -> TeamSettings {
        TeamSettings {
            name: name.to_owned(),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            agents: agents.iter().map(|a| a.to_string()).collect(),
            hours: Default::default(),
            time_zone: None,
            ..Default::default()
        }
    }

    #[test]
    fn urgent_cases_go_on_call_while_their_team_is_closed() {
        let mut utilities = team("utilities", &["utilities"], &["sara"]);
        utilities.hours = [("sun".to_owned(), "08:00-16:00".to_owned())].into();
        let teams = Teams::from_settings(&settings(vec![utilities])).unwrap();
        // Sunday 2026-11-22, 10:00 and 20:00 UTC.
        let open: Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
        let closed: Timestamp = "2026-11-22T20:00:00Z".parse().unwrap();
        let place = |priority, now| teams.place(Some("utilities"), priority, now);
        assert_eq!(place(Priority::Urgent, open).team, "utilities");
        assert_eq!(place(Priority::Urgent, closed).team, "on-call");
        let normal = place(Priority::Normal, closed);
        assert_eq!(normal.team, "utilities");
        assert_eq!(normal.closed_until.unwrap().day, "sun");
    }

    #[test]
    fn categories_route_to_their_team_and_the_rest_to_the_default() {
        let teams = Teams::from_settings(&settings(vec![team(
            "utilities",
            &["utilities"],
            &["sara"],
        )]))
        .unwrap();
        assert_eq!(teams.route(Some("utilities")), "utilities");
        assert_eq!(teams.route(Some("traffic")), "general");
        assert_eq!(teams.route(None), "general");
    }

    #[test]
    fn tokens_identify_agents_and_their_teams() {
        let teams = Teams::from_settings(&settings(vec![team(
            "utilities",
            &["utilities"],
            &["sara"],
        )]))
        .unwrap();
        let sara = teams.authenticate("tok-sara").unwrap();
        assert!(sara.serves("utilities") && !sara.serves("general"));
        let omar = teams.authenticate("tok-omar").unwrap();
        assert!(
            omar.serves("general"),
            "unlisted agents serve the default team"
        );
        assert_eq!(teams.authenticate("tok-sar"), None);
        assert_eq!(teams.authenticate(""), None);
    }

    #[test]
    fn a_category_routed_twice_is_refused() {
        let err = Teams::from_settings(&settings(vec![
            team("a", &["utilities"], &[]),
            team("b", &["utilities"], &[]),
        ]))
        .err()
        .unwrap();
        assert!(err.to_string().contains("utilities"), "{err}");
    }

    #[test]
    fn service_levels_must_name_a_team_to_move_up_to() {
        let with_sla = |escalate_to: &str, first_reply_secs| {
            let mut utilities = team("utilities", &["utilities"], &["sara"]);
            utilities.sla = Some(SlaSettings {
                first_reply_secs,
                escalate_to: Some(escalate_to.to_owned()),
                ..Default::default()
            });
            Teams::from_settings(&settings(vec![utilities, team("supervisors", &[], &[])]))
        };
        let teams = with_sla("supervisors", Some(60)).unwrap();
        assert_eq!(
            teams.service_levels("utilities").unwrap().first_reply_secs,
            Some(60)
        );
        assert!(teams.service_levels("supervisors").is_none());
        // Always open: business seconds are plain seconds.
        assert_eq!(
            teams.after_business_secs("utilities", 1_000, 60),
            Some(61_000)
        );
        let err = with_sla("supervisers", Some(60)).err().unwrap();
        assert!(err.to_string().contains("supervisers"), "{err}");
        assert!(with_sla("utilities", Some(60)).is_err());
        assert!(with_sla("supervisors", Some(0)).is_err());
    }

    #[test]
    fn times_are_told_in_the_teams_own_zone_else_the_default_one() {
        let mut riyadh = team("utilities", &["utilities"], &["sara"]);
        riyadh.time_zone = Some("Asia/Riyadh".to_owned());
        let teams = Teams::from_settings(&settings(vec![riyadh])).unwrap();
        assert_eq!(teams.local_time("utilities", 0), "03:00");
        assert_eq!(teams.local_time("general", 90 * 60_000), "01:30");
        let mut nowhere = team("utilities", &[], &[]);
        nowhere.time_zone = Some("Mars/Olympus".to_owned());
        assert!(Teams::from_settings(&settings(vec![nowhere])).is_err());
    }
}
