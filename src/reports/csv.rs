//! Reports as CSV for spreadsheets: UTF-8 with a byte-order mark (Excel
//! then reads Arabic), a header row, RFC 4180 quoting, and text cells that
//! a spreadsheet would run as a formula made inert.

use super::{AlertList, Districts, Hours, Summary, Teams, Timeseries, Topics, Unanswered, Value};

/// One CSV document.
pub struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(header: &[&'static str]) -> Self {
        Self {
            header: header.to_vec(),
            rows: Vec::new(),
        }
    }

    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The document, BOM first, lines ended by CRLF.
    pub fn render(&self) -> String {
        let mut out = String::from('\u{feff}');
        let header: Vec<String> = self.header.iter().map(|name| (*name).to_owned()).collect();
        for row in std::iter::once(&header).chain(&self.rows) {
            let cells: Vec<String> = row.iter().map(|cell| quote(cell)).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

fn quote(cell: &str) -> String {
    // A leading = + - @ makes a spreadsheet evaluate the cell; a quote
    // mark keeps it text. Numbers are written by us and never need it.
    let inert = if cell.starts_with(['=', '+', '@', '\t', '\r'])
        || (cell.starts_with('-') && cell.parse::<f64>().is_err())
    {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if inert.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", inert.replace('"', "\"\""))
    } else {
        inert
    }
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn number(value: Option<f64>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

pub fn summary(summary: &Summary) -> Table {
    let mut table = Table::new(&["figure", "value"]);
    let mut add = |name: &str, value: String| table.row(vec![name.to_owned(), value]);
    add("from", summary.from.clone());
    add("to", summary.to.clone());
    add("messages", summary.messages.to_string());
    add("conversations", summary.conversations.to_string());
    add("answered", summary.answered.to_string());
    add("clarified", summary.clarified.to_string());
    add("fallbacks", summary.fallbacks.to_string());
    add("escalations", summary.escalations.total.to_string());
    add("escalations_urgent", summary.escalations.urgent.to_string());
    add("escalations_person", summary.escalations.person.to_string());
    add("escalations_other", summary.escalations.other.to_string());
    for (reason, count) in &summary.escalations.by_reason {
        add(&format!("escalations_reason_{reason}"), count.to_string());
    }
    add("self_service_rate", number(summary.self_service_rate));
    add(
        "first_reply_seconds_count",
        summary.first_reply_seconds.count.to_string(),
    );
    add(
        "first_reply_seconds_p50",
        number(summary.first_reply_seconds.p50),
    );
    add(
        "first_reply_seconds_p90",
        number(summary.first_reply_seconds.p90),
    );
    add("resolved", summary.resolved.to_string());
    add("csat_count", summary.csat.count.to_string());
    add("csat_average", number(summary.csat.average));
    for (score, count) in &summary.csat.distribution {
        add(&format!("csat_{score}"), count.to_string());
    }
    add(
        "inferred_satisfaction_count",
        summary.inferred_satisfaction.count.to_string(),
    );
    add(
        "inferred_satisfaction_average",
        number(summary.inferred_satisfaction.average),
    );
    for (language, count) in &summary.languages {
        add(&format!("language_{language}"), count.to_string());
    }
    for (channel, count) in &summary.channels {
        add(&format!("channel_{channel}"), count.to_string());
    }
    table
}

pub fn timeseries(series: &Timeseries) -> Table {
    let mut table = Table::new(&["key", "t", "value"]);
    for line in &series.series {
        for point in &line.points {
            let value = match point.value {
                Some(Value::Count(count)) => count.to_string(),
                Some(Value::Ratio(ratio)) => ratio.to_string(),
                None => String::new(),
            };
            table.row(vec![line.key.clone(), point.t.clone(), value]);
        }
    }
    table
}

pub fn hours(hours: &Hours) -> Table {
    let mut table = Table::new(&["hour", "messages"]);
    for hour in &hours.hours {
        table.row(vec![hour.hour.to_string(), hour.messages.to_string()]);
    }
    table
}

pub fn topics(topics: &Topics) -> Table {
    let mut table = Table::new(&[
        "entry",
        "category",
        "messages",
        "previous",
        "change",
        "escalations",
        "fallbacks",
        "csat",
        "inferred_satisfaction",
    ]);
    for topic in &topics.topics {
        table.row(vec![
            topic.entry.clone(),
            text(&topic.category),
            topic.messages.to_string(),
            topic.previous.to_string(),
            topic.change.to_string(),
            topic.escalations.to_string(),
            topic.fallbacks.to_string(),
            number(topic.csat),
            number(topic.inferred_satisfaction),
        ]);
    }
    table
}

pub fn districts(districts: &Districts) -> Table {
    let mut table = Table::new(&["district", "urgent", "incidents", "last_seen"]);
    for district in &districts.districts {
        table.row(vec![
            district.district.clone(),
            district.urgent.to_string(),
            district.incidents.to_string(),
            district.last_seen.clone(),
        ]);
    }
    table
}

pub fn teams(teams: &Teams) -> Table {
    let mut table = Table::new(&[
        "team",
        "escalations",
        "resolved",
        "first_reply_seconds_p50",
        "first_reply_seconds_p90",
        "csat_count",
        "csat_average",
        "inferred_satisfaction_count",
        "inferred_satisfaction_average",
    ]);
    for team in &teams.teams {
        table.row(vec![
            team.team.clone(),
            team.escalations.to_string(),
            team.resolved.to_string(),
            number(team.first_reply_seconds.p50),
            number(team.first_reply_seconds.p90),
            team.csat.count.to_string(),
            number(team.csat.average),
            team.inferred_satisfaction.count.to_string(),
            number(team.inferred_satisfaction.average),
        ]);
    }
    table
}

pub fn unanswered(unanswered: &Unanswered) -> Table {
    let mut table = Table::new(&[
        "count",
        "language",
        "first_seen",
        "last_seen",
        "closest_entry",
        "example_1",
        "example_2",
        "example_3",
    ]);
    for group in &unanswered.groups {
        let mut row = vec![
            group.count.to_string(),
            group.language.clone(),
            group.first_seen.clone(),
            group.last_seen.clone(),
            group
                .closest_entry
                .as_ref()
                .map(|entry| entry.id.clone())
                .unwrap_or_default(),
        ];
        for n in 0..3 {
            row.push(group.examples.get(n).cloned().unwrap_or_default());
        }
        table.row(row);
    }
    table
}

pub fn alerts(alerts: &AlertList) -> Table {
    let mut table = Table::new(&["at", "rule", "key", "value", "baseline"]);
    for alert in &alerts.alerts {
        table.row(vec![
            alert.at.clone(),
            text(&alert.rule),
            text(&alert.key),
            alert.value.to_string(),
            alert.baseline.to_string(),
        ]);
    }
    table
}
