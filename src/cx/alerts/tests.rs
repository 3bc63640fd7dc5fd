//! The rules on a real event store (SQLite and PostgreSQL) and real queues
//! (the in-memory handoff store): a synthetic day with a surge, a quiet
//! topic, a busy steady topic, a district's urgent cases, a CSAT drop and
//! urgent cases waiting for more or less than the limit.

use std::path::Path;
use std::sync::Arc;

use jiff::tz::TimeZone;

use super::*;
use crate::configuration::Settings;
use crate::conversation::{ConversationId, EscalationReason};
use crate::cx::EventKind;
use crate::cx::store::tests::fresh_postgres;
use crate::handoff::MemoryHandoffStore;

const MINUTE_MS: i64 = 60_000;

fn citizen(n: usize) -> ConversationId {
    ConversationId::new("web", &format!("citizen-{n}")).unwrap()
}

fn turn(at_ms: i64, entry: &str, category: &str) -> CxEvent {
    let mut event = CxEvent::new(EventKind::Turn, at_ms, &citizen(0), "web");
    event.entry = Some(entry.to_owned());
    event.category = Some(category.to_owned());
    event
}

/// `count` turns on `entry` in the same hour of each of the `days` days
/// before `now_ms`, and `last_hour` in the last hour.
fn topic(
    now_ms: i64,
    entry: &str,
    category: &str,
    per_day: usize,
    last_hour: usize,
) -> Vec<CxEvent> {
    let mut events = Vec::new();
    for day in 1..=10 {
        for n in 0..per_day {
            events.push(turn(
                now_ms - day * DAY_MS - 10 * MINUTE_MS - n as i64,
                entry,
                category,
            ));
        }
    }
    for n in 0..last_hour {
        events.push(turn(now_ms - MINUTE_MS - n as i64 * 1000, entry, category));
    }
    events
}

fn synthetic_day(now_ms: i64) -> Vec<CxEvent> {
    let mut events = Vec::new();
    // The store's history starts 10 days ago.
    events.push(turn(now_ms - 10 * DAY_MS - 2 * HOUR_MS, "old", "misc"));
    events.extend(topic(now_ms, "water-bill", "utilities", 3, 30));
    events.extend(topic(now_ms, "passport", "documents", 1, 2));
    events.extend(topic(now_ms, "fees", "payments", 20, 25));
    for n in 0..12 {
        let mut urgent = CxEvent::new(
            EventKind::Escalated,
            now_ms - n * MINUTE_MS,
            &citizen(n as usize),
            "web",
        );
        urgent.reason = Some(EscalationReason::Urgent);
        urgent.priority = Some(Priority::Urgent);
        urgent.district = Some("al-nuzha".to_owned());
        events.push(urgent);
    }
    let rated = |at_ms: i64, rating: u8| {
        let mut event = CxEvent::new(EventKind::Rated, at_ms, &citizen(0), "web");
        event.rating = Some(rating);
        event
    };
    for (n, rating) in [5, 4, 5, 4, 4, 5, 3, 5, 4, 5]
        .repeat(6)
        .into_iter()
        .enumerate()
    {
        events.push(rated(now_ms - 2 * DAY_MS - n as i64 * HOUR_MS, rating));
    }
    for (n, rating) in [2, 3, 1, 2, 3, 2, 4, 2, 1, 3, 2, 2].into_iter().enumerate() {
        events.push(rated(now_ms - n as i64 * HOUR_MS, rating));
    }
    events
}

async fn alerts_on(cx: &CxSettings, handoff: Arc<dyn HandoffStore>) -> Alerts {
    let settings = Settings::load(None, &Default::default()).unwrap();
    let store = EventStore::open(cx, TimeZone::UTC).await.unwrap();
    let localizer =
        Localizer::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("locales")).unwrap();
    let teams = Teams::from_settings(&settings.handoff).unwrap();
    Alerts::new(
        store,
        handoff,
        Arc::new(teams),
        Arc::new(localizer),
        settings.cx.alerts,
    )
    .unwrap()
}

async fn a_synthetic_day_raises_each_alert_once(cx: CxSettings) {
    let now_ms = jiff::Timestamp::now().as_millisecond();
    let handoff: Arc<dyn HandoffStore> = Arc::new(MemoryHandoffStore::new(10));
    let team = Settings::load(None, &Default::default())
        .unwrap()
        .handoff
        .default_team;
    for (n, priority, waited) in [
        (100, Priority::Urgent, 11 * MINUTE_MS),
        (101, Priority::Urgent, 5 * MINUTE_MS),
        (102, Priority::Normal, 30 * MINUTE_MS),
    ] {
        handoff
            .enqueue(&team, &citizen(n), priority, now_ms - waited)
            .await
            .unwrap();
    }
    let alerts = alerts_on(&cx, handoff.clone()).await;
    alerts.store.insert(&synthetic_day(now_ms)).await.unwrap();
    let mut published = handoff.subscribe().await.unwrap();

    let raised = alerts.evaluate(now_ms).await.unwrap();
    let mut found: Vec<(&str, String)> = raised
        .iter()
        .map(|alert| (alert.rule.name(), alert.key.clone()))
        .collect();
    found.sort();
    let case = format!("case:{team}:{}", alerts.store.pseudonym(&citizen(100)));
    let mut expected = vec![
        ("csat_drop", "csat".to_owned()),
        ("surge", "category:utilities".to_owned()),
        ("surge", "district:al-nuzha".to_owned()),
        ("surge", "entry:water-bill".to_owned()),
        ("unclaimed_urgent", case),
    ];
    expected.sort();
    assert_eq!(found, expected);
    let water = raised
        .iter()
        .find(|alert| alert.key == "entry:water-bill")
        .unwrap();
    assert_eq!((water.value, water.baseline), (30.0, 3.0));
    let csat = raised
        .iter()
        .find(|alert| alert.rule == Rule::CsatDrop)
        .unwrap();
    assert_eq!((csat.value, csat.baseline), (2.25, 4.4));
    for _ in 0..5 {
        let Event::Alert(data) = published.try_recv().unwrap() else {
            panic!("only alerts are published");
        };
        assert!(
            data.alert["title"]["ar"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert!(
            data.alert["title"]["en"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
    }

    // Evaluated again, here or by another instance on the same store:
    // nothing new, nothing published.
    assert_eq!(alerts.evaluate(now_ms).await.unwrap(), Vec::new());
    let other = alerts_on(&cx, handoff.clone()).await;
    assert_eq!(other.evaluate(now_ms + 1000).await.unwrap(), Vec::new());
    assert!(published.try_recv().is_err());
}

#[tokio::test]
async fn a_synthetic_day_raises_each_alert_once_on_sqlite() {
    let folder = tempfile::tempdir().unwrap();
    let mut cx = Settings::load(None, &Default::default()).unwrap().cx;
    cx.sqlite_path = folder.path().join("cx.sqlite3");
    a_synthetic_day_raises_each_alert_once(cx).await;
}

#[tokio::test]
async fn a_synthetic_day_raises_each_alert_once_on_postgres() {
    a_synthetic_day_raises_each_alert_once(fresh_postgres().await).await;
}

#[test]
fn an_alerts_id_is_its_rule_key_and_window() {
    let alert = Alert {
        rule: Rule::Surge,
        key: "entry:water-bill".to_owned(),
        value: 30.0,
        baseline: 4.0,
        window_ms: 3_600_000,
    };
    let same = Alert {
        value: 31.0,
        ..alert.clone()
    };
    let next_hour = Alert {
        window_ms: 7_200_000,
        ..alert.clone()
    };
    assert_eq!(alert.id(), same.id());
    assert_ne!(alert.id(), next_hour.id());
    assert_eq!(alert.id().len(), 32);
    assert_eq!(format_number(4.0), "4");
    assert_eq!(format_number(0.254), "0.25");
}

#[tokio::test]
async fn a_breach_is_worded_in_minutes_as_people_say_them() {
    let folder = tempfile::tempdir().unwrap();
    let mut cx = Settings::load(None, &Default::default()).unwrap().cx;
    cx.sqlite_path = folder.path().join("cx.sqlite3");
    let alerts = alerts_on(&cx, Arc::new(MemoryHandoffStore::new(10))).await;
    let title = |value: f64, baseline: f64| {
        alerts.titles(&Alert {
            rule: Rule::SlaBreach,
            key: "case:utilities:pseudonym:first_reply".to_owned(),
            value,
            baseline,
            window_ms: 0,
        })
    };
    let late = title(17.0 * 60.0 + 5.0, 15.0 * 60.0);
    assert_eq!(
        late["en"],
        "A case for the utilities team has waited 17 minutes without a reply from a \
         person: one was due within 15 minutes of reaching the team."
    );
    assert!(
        late["ar"].as_str().unwrap().contains("منذ 17 دقيقة"),
        "{late}"
    );
    let soon = title(150.0, 180.0);
    assert!(
        soon["en"].as_str().unwrap().contains("waited 2 minutes"),
        "{soon}"
    );
    let arabic = soon["ar"].as_str().unwrap();
    assert!(
        arabic.contains("منذ دقيقتين") && arabic.contains("خلال 3 دقائق"),
        "{arabic}"
    );
    let instant = title(30.0, 2.0);
    assert!(
        instant["en"]
            .as_str()
            .unwrap()
            .contains("less than a minute")
            && instant["en"].as_str().unwrap().contains("within 2 seconds"),
        "{instant}"
    );
    assert!(
        instant["ar"].as_str().unwrap().contains("أقل من دقيقة"),
        "{instant}"
    );
}
