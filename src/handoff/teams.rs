//! Teams and agents from configuration: who may use the agent API, which
//! team takes a knowledge-base category, which teams an agent serves.

use std::collections::BTreeSet;

use subtle::ConstantTimeEq;

use crate::configuration::HandoffSettings;

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
        for team in &settings.teams {
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
        }
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
        })
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
            agent_tokens: AgentTokens::parse("sara:tok-sara,omar:tok-omar").unwrap(),
        }
    }

    fn team(name: &str, categories: &[&str], agents: &[&str]) -> TeamSettings {
        TeamSettings {
            name: name.to_owned(),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            agents: agents.iter().map(|a| a.to_string()).collect(),
        }
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
}
