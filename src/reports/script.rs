//! A known day of service, scripted event by event, whose figures the
//! tests check exactly (here and in `tests/api/reports.rs`). Six
//! conversations on 2026-12-01 (UTC): two answered and rated 5 (A), two
//! fallbacks handed to a person, claimed, replied, resolved and rated 4
//! (B), an urgent outage in a district (C), a clarification and a weak
//! answer (D), a citizen who asked for a person (E), a fallback (F); and
//! one answer the day before (G), for trends.

use crate::conversation::{Action, ConversationId, EscalationReason, Priority};
use crate::cx::{Confidence, CxEvent, EventKind};
use crate::i18n::Lang;

/// 2026-12-01T00:00:00Z.
pub const DAY_START_MS: i64 = 1_796_083_200_000;
pub const DAY: &str = "2026-12-01";

fn at(hour: i64, minute: i64) -> i64 {
    DAY_START_MS + (hour * 60 + minute) * 60_000
}

struct Conversation {
    id: ConversationId,
    channel: &'static str,
    lang: Lang,
}

impl Conversation {
    fn new(user: &str, channel: &'static str, lang: Lang) -> Self {
        Self {
            id: ConversationId::new(channel, user).unwrap(),
            channel,
            lang,
        }
    }

    fn event(&self, kind: EventKind, at_ms: i64) -> CxEvent {
        let mut event = CxEvent::new(kind, at_ms, &self.id, self.channel);
        event.language = Some(self.lang);
        event
    }

    fn turn(&self, at_ms: i64, action: Action, sentiment: Option<f32>) -> CxEvent {
        let mut event = self.event(EventKind::Turn, at_ms);
        event.action = Some(action);
        event.sentiment = sentiment;
        event
    }

    fn answer(&self, at_ms: i64, entry: &str, band: Confidence, sentiment: Option<f32>) -> CxEvent {
        let mut event = self.turn(at_ms, Action::Answer, sentiment);
        event.entry = Some(entry.to_owned());
        event.category = Some(category(entry).to_owned());
        event.confidence = Some(band);
        event.team = Some("billing".to_owned());
        event
    }

    fn step(&self, kind: EventKind, at_ms: i64, team: &str, wait_ms: Option<i64>) -> CxEvent {
        let mut event = self.event(kind, at_ms);
        event.team = Some(team.to_owned());
        event.wait_ms = wait_ms;
        event
    }
}

fn category(entry: &str) -> &'static str {
    if entry == "power-outage" {
        "utilities"
    } else {
        "billing"
    }
}

/// Every event of the scripted day, and G's of the day before.
pub fn events() -> Vec<CxEvent> {
    let a = Conversation::new("citizen-a", "web", Lang::Ar);
    let b = Conversation::new("966500000002", "whatsapp", Lang::Ar);
    let c = Conversation::new("966500000003", "whatsapp", Lang::Ar);
    let d = Conversation::new("citizen-d", "web", Lang::En);
    let e = Conversation::new("citizen-e", "web", Lang::En);
    let f = Conversation::new("966500000006", "whatsapp", Lang::En);
    let g = Conversation::new("citizen-g", "web", Lang::Ar);
    let mut events = Vec::new();

    events.push(a.answer(at(9, 0), "water-bill", Confidence::High, Some(0.5)));
    events.push(a.answer(at(9, 5), "water-bill", Confidence::Medium, Some(0.0)));
    let mut rated = a.event(EventKind::Rated, at(9, 10));
    rated.rating = Some(5);
    let mut comment = a.event(EventKind::Commented, at(9, 11));
    comment.rating = Some(5);
    comment.text = Some("شكرا جزيلا 0501234567".to_owned());
    events.extend([rated, comment]);

    for (minute, text, sentiment) in [
        (0, "انقطاع الكهرباء في حي النزهة", -0.5),
        (1, "انقطاع الكهرباء في النزهة", -1.0),
    ] {
        let mut turn = b.turn(at(10, minute), Action::Fallback, Some(sentiment));
        turn.text = Some(text.to_owned());
        events.push(turn);
    }
    let mut escalated = b.step(EventKind::Escalated, at(10, 2), "support", None);
    escalated.reason = Some(EscalationReason::RepeatedFallback);
    escalated.priority = Some(Priority::Normal);
    events.push(escalated);
    events.push(b.step(EventKind::Claimed, at(10, 12), "support", Some(600_000)));
    // Support's 10-minute first-reply target, missed by two minutes.
    events.push(b.step(EventKind::SlaBreached, at(10, 12), "support", Some(600_000)));
    events.push(b.step(EventKind::FirstReply, at(10, 14), "support", Some(720_000)));
    let mut resolved = b.step(EventKind::Resolved, at(10, 30), "support", Some(1_680_000));
    resolved.outcome = Some("solved".to_owned());
    events.push(resolved);
    let mut rated = b.step(EventKind::Rated, at(10, 40), "support", None);
    rated.rating = Some(4);
    rated.agent = Some("omar".to_owned());
    events.push(rated);

    let outage = |mut event: CxEvent| {
        event.reason = Some(EscalationReason::Urgent);
        event.priority = Some(Priority::Urgent);
        event.team = Some("emergency".to_owned());
        event.district = Some("al-nuzha".to_owned());
        event.incident = Some("inc-1".to_owned());
        event.entry = Some("power-outage".to_owned());
        event.category = Some("utilities".to_owned());
        event
    };
    let mut turn = outage(c.turn(at(13, 0), Action::Escalate, Some(-0.75)));
    turn.confidence = Some(Confidence::High);
    events.push(turn);
    events.push(outage(c.event(EventKind::Escalated, at(13, 0))));
    events.push(c.step(EventKind::Claimed, at(13, 1), "emergency", Some(60_000)));
    let mut reply = c.step(EventKind::FirstReply, at(13, 2), "emergency", Some(120_000));
    reply.priority = Some(Priority::Urgent);
    events.push(reply);
    events.push(c.step(
        EventKind::Resolved,
        at(13, 20),
        "emergency",
        Some(1_200_000),
    ));

    events.push(d.turn(at(15, 0), Action::Clarify, Some(0.0)));
    let mut weak = d.answer(at(15, 1), "water-bill", Confidence::Low, Some(0.5));
    weak.text = Some("how do I pay my bil 55".to_owned());
    events.push(weak);

    let mut asked = e.turn(at(16, 0), Action::Escalate, None);
    asked.reason = Some(EscalationReason::CitizenAsked);
    events.push(asked);
    let mut escalated = e.step(EventKind::Escalated, at(16, 0), "support", None);
    escalated.reason = Some(EscalationReason::CitizenAsked);
    escalated.priority = Some(Priority::Normal);
    events.push(escalated);
    events.push(e.step(EventKind::FirstReply, at(16, 5), "support", Some(300_000)));
    let mut with_agent = e.turn(at(17, 0), Action::Agent, Some(0.5));
    with_agent.team = Some("support".to_owned());
    events.push(with_agent);

    let mut lost = f.turn(at(20, 0), Action::Fallback, None);
    lost.text = Some("parking permit renewal".to_owned());
    events.push(lost);

    events.push(CxEvent::alert(
        at(18, 0),
        serde_json::json!({"rule": "surge", "key": "power-outage", "value": 5, "baseline": 1.0}),
    ));

    events.push(g.answer(at(-12, 0), "water-bill", Confidence::High, None));
    events
}
