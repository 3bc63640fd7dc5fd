//! The figures of the scripted day (`script.rs`), exactly, on SQLite and
//! on PostgreSQL: the same events, the same assertions.

use jiff::civil::date;
use jiff::tz::TimeZone;
use serde_json::json;

use super::*;
use crate::configuration::Settings;
use crate::cx::store::tests::fresh_postgres;
use crate::kb::{KnowledgeBase, RetrievalOptions};

fn day() -> Period {
    Period::parse(Some(script::DAY), Some(script::DAY), date(2026, 12, 1)).unwrap()
}

async fn figures_of_the_scripted_day(settings: CxSettings) {
    let source = ReportSource::new(settings, TimeZone::UTC);
    source
        .store()
        .await
        .unwrap()
        .insert(&script::events())
        .await
        .unwrap();
    let all = RowFilter::default();
    let rows = source.events(day(), &all).await.unwrap();

    let figures = serde_json::to_value(summary(day(), &all, &rows)).unwrap();
    println!("{}", serde_json::to_string_pretty(&figures).unwrap());
    assert_eq!(
        figures,
        json!({
            "from": "2026-12-01", "to": "2026-12-01",
            "filters": {"team": null, "channel": null, "language": null},
            "messages": 10, "conversations": 6, "answered": 3, "clarified": 1, "fallbacks": 3,
            "escalations": {"total": 3, "urgent": 1, "person": 1, "other": 1,
                "by_reason": {"citizen_asked": 1, "repeated_fallback": 1, "urgent": 1}},
            "self_service_rate": 0.5,
            "first_reply_seconds": {"count": 3, "p50": 300.0, "p90": 720.0},
            "service_levels": {"cases": 3, "breached": 1, "within_target_rate": 2.0 / 3.0},
            "resolved": 2,
            "csat": {"count": 2, "average": 4.5,
                "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}},
            "inferred_satisfaction": {"count": 3, "average": 3.0},
            "languages": {"ar": 5, "en": 5},
            "channels": {"web": 6, "whatsapp": 4}
        })
    );

    let english = RowFilter {
        language: Some("en".to_owned()),
        ..RowFilter::default()
    };
    let rows_en = source.events(day(), &english).await.unwrap();
    let summary_en = summary(day(), &english, &rows_en);
    assert_eq!((summary_en.messages, summary_en.conversations), (5, 3));
    assert_eq!(summary_en.self_service_rate, Some(2.0 / 3.0));

    let by_channel = timeseries(
        day(),
        Metric::Messages,
        Bucket::Day,
        Some(By::Channel),
        &rows,
    );
    assert_eq!(
        serde_json::to_value(by_channel).unwrap(),
        json!({
            "metric": "messages", "bucket": "day", "by": "channel",
            "series": [
                {"key": "web", "points": [{"t": "2026-12-01", "value": 6}]},
                {"key": "whatsapp", "points": [{"t": "2026-12-01", "value": 4}]}
            ]
        })
    );
    let hourly = timeseries(day(), Metric::Escalations, Bucket::Hour, None, &rows);
    let points = &hourly.series[0].points;
    assert_eq!(points.len(), 24);
    assert_eq!(points[10].t, "2026-12-01T10");
    let escalated: Vec<(usize, Option<Value>)> = points
        .iter()
        .enumerate()
        .filter(|(_, point)| point.value != Some(Value::Count(0)))
        .map(|(hour, point)| (hour, point.value))
        .collect();
    assert_eq!(
        escalated,
        [
            (10, Some(Value::Count(1))),
            (13, Some(Value::Count(1))),
            (16, Some(Value::Count(1)))
        ]
    );
    let replies = timeseries(day(), Metric::FirstReplySeconds, Bucket::Day, None, &rows);
    assert_eq!(replies.series[0].points[0].value, Some(Value::Ratio(300.0)));
    let rate = timeseries(day(), Metric::SelfServiceRate, Bucket::Hour, None, &rows);
    assert_eq!(
        rate.series[0].points[0].value, None,
        "no one wrote at midnight"
    );

    let volume: Vec<(i64, i64)> = hours(&rows)
        .hours
        .iter()
        .filter(|hour| hour.messages > 0)
        .map(|hour| (hour.hour, hour.messages))
        .collect();
    assert_eq!(
        volume,
        [(9, 2), (10, 2), (13, 1), (15, 2), (16, 1), (17, 1), (20, 1)]
    );

    let before = source.events(day().previous(), &all).await.unwrap();
    assert_eq!(
        serde_json::to_value(topics(&rows, &before)).unwrap(),
        json!({
            "topics": [
                {"entry": "water-bill", "category": "billing", "messages": 3, "previous": 1,
                 "change": 2.0, "escalations": 0, "fallbacks": 0, "csat": 5.0,
                 "inferred_satisfaction": 4.0},
                {"entry": "power-outage", "category": "utilities", "messages": 1, "previous": 0,
                 "change": 1.0, "escalations": 1, "fallbacks": 0, "csat": null,
                 "inferred_satisfaction": 1.5}
            ],
            "categories": [
                {"category": "billing", "messages": 3, "previous": 1, "change": 2.0},
                {"category": "utilities", "messages": 1, "previous": 0, "change": 1.0}
            ]
        })
    );

    assert_eq!(
        serde_json::to_value(districts(&rows)).unwrap(),
        json!({
            "districts": [{"district": "al-nuzha", "urgent": 1, "incidents": 1,
                "last_seen": "2026-12-01T13:00:00Z"}]
        })
    );

    let no_ratings = json!({"count": 0, "average": null,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}});
    assert_eq!(
        serde_json::to_value(teams(&rows)).unwrap(),
        json!({"teams": [
            {"team": "billing", "escalations": 0, "resolved": 0,
             "first_reply_seconds": {"count": 0, "p50": null, "p90": null},
             "csat": {"count": 1, "average": 5.0,
                 "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}},
             "inferred_satisfaction": {"count": 1, "average": 4.0}},
            {"team": "emergency", "escalations": 1, "resolved": 1,
             "first_reply_seconds": {"count": 1, "p50": 120.0, "p90": 120.0},
             "csat": no_ratings,
             "inferred_satisfaction": {"count": 1, "average": 1.5}},
            {"team": "support", "escalations": 2, "resolved": 1,
             "first_reply_seconds": {"count": 2, "p50": 300.0, "p90": 720.0},
             "csat": {"count": 1, "average": 4.0,
                 "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}},
             "inferred_satisfaction": {"count": 1, "average": 4.0}}
        ]})
    );

    assert_eq!(
        serde_json::to_value(alerts(&rows)).unwrap(),
        json!({"alerts": [
            {"at": "2026-12-01T18:00:00Z", "rule": "surge", "key": "power-outage",
             "value": 5, "baseline": 1.0}
        ]})
    );

    let kb = KnowledgeBase::load(
        std::path::Path::new("knowledge_base"),
        RetrievalOptions::ALL,
    )
    .unwrap();
    let groups = unanswered(&rows, &kb).groups;
    let shape: Vec<(i64, &str, &str, &str, Vec<&str>)> = groups
        .iter()
        .map(|group| {
            (
                group.count,
                group.language.as_str(),
                group.first_seen.as_str(),
                group.last_seen.as_str(),
                group.examples.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            (
                2,
                "ar",
                "2026-12-01T10:00:00Z",
                "2026-12-01T10:01:00Z",
                vec!["انقطاع الكهرباء في حي النزهة", "انقطاع الكهرباء في النزهة"]
            ),
            (
                1,
                "en",
                "2026-12-01T20:00:00Z",
                "2026-12-01T20:00:00Z",
                vec!["parking permit renewal"]
            ),
            (
                1,
                "en",
                "2026-12-01T15:01:00Z",
                "2026-12-01T15:01:00Z",
                vec!["how do I pay my bil #"]
            ),
        ]
    );
    let closest: Vec<Option<&str>> = groups
        .iter()
        .map(|group| group.closest_entry.as_ref().map(|entry| entry.id.as_str()))
        .collect();
    assert_eq!(
        closest,
        [
            Some("electricity-outage"),
            Some("driving-license-renewal"),
            Some("fees-payment-methods")
        ]
    );
    let outage = groups[0].closest_entry.as_ref().unwrap();
    let title = &kb
        .get("electricity-outage")
        .unwrap()
        .ar
        .as_ref()
        .unwrap()
        .title;
    assert_eq!(&outage.title, title, "titled in the group's language");
}

#[tokio::test]
async fn the_scripted_day_on_sqlite() {
    let folder = tempfile::tempdir().unwrap();
    let mut settings = Settings::load(None, &Default::default()).unwrap().cx;
    settings.sqlite_path = folder.path().join("cx.sqlite3");
    figures_of_the_scripted_day(settings).await;
}

#[tokio::test]
async fn the_scripted_day_on_postgres() {
    figures_of_the_scripted_day(fresh_postgres().await).await;
}

#[test]
fn periods_are_days_in_order_and_at_most_a_year() {
    let today = date(2026, 12, 7);
    let default = Period::parse(None, None, today).unwrap();
    assert_eq!(
        (default.from, default.to, default.days()),
        (date(2026, 12, 1), today, 7)
    );
    assert_eq!(default.previous().to, date(2026, 11, 30));
    assert_eq!(default.previous().days(), 7);
    for bad in ["2026-13-01", "2026-1-01", "yesterday", "2026-12-01T00", ""] {
        assert_eq!(
            Period::parse(Some(bad), None, today),
            Err(PeriodError::NotADate),
            "{bad}"
        );
    }
    assert_eq!(
        Period::parse(Some("2026-12-08"), None, today),
        Err(PeriodError::Reversed)
    );
    assert!(Period::parse(Some("2025-12-07"), None, today).is_ok());
    assert_eq!(
        Period::parse(Some("2025-12-06"), None, today),
        Err(PeriodError::TooLong)
    );
}

#[test]
fn percentiles_are_nearest_rank() {
    assert_eq!(percentile(&[], 50.0), None);
    assert_eq!(percentile(&[7.0], 90.0), Some(7.0));
    let ten: Vec<f64> = (1..=10).map(f64::from).collect();
    assert_eq!(percentile(&ten, 50.0), Some(5.0));
    assert_eq!(percentile(&ten, 90.0), Some(9.0));
    assert_eq!(percentile(&[3.0, 1.0, 2.0], 90.0), Some(3.0));
}

#[test]
fn public_figures_hide_what_fewer_than_five_conversations_make() {
    let source_rows: Vec<crate::cx::EventRow> = Vec::new();
    let empty = public_cx(day(), "ج", "A", &source_rows);
    assert_eq!(empty.conversations, None);
    assert_eq!(empty.self_service_rate, None);
}
