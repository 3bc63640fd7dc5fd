//! The supervisors' reports, `/api/v1/reports/...`: figures of the citizen
//! experience over a range of local days, as JSON or as CSV. Every call
//! needs a supervisor's token (no token `401`, an agent's `403`).

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use super::admin::AuthenticatedSupervisor;
use super::error::{ApiError, Code, ErrorBody};
use crate::cx::RowFilter;
use crate::i18n::Lang;
use crate::kb::KbHandle;
use crate::reports::{
    self, AlertList, Bucket, By, Districts, Hours, Metric, Period, PeriodError, ReportSource,
    Summary, Teams, Timeseries, Topics, Unanswered, csv,
};

/// Every report's query string; each report refuses what it does not use.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// First local day, `YYYY-MM-DD` (default: six days before `to`).
    from: Option<String>,
    /// Last local day, included (default: today). At most 366 days.
    to: Option<String>,
    /// Only this team's events.
    team: Option<String>,
    /// Only this channel's events (`web`, `whatsapp`, ...).
    channel: Option<String>,
    /// Only this language's events: `ar` or `en`.
    language: Option<String>,
    /// Time series only: messages, conversations, answered, fallbacks,
    /// escalations, urgent, self_service_rate, first_reply_seconds, csat,
    /// inferred_satisfaction.
    metric: Option<String>,
    /// Time series only: `day` (default) or `hour`.
    bucket: Option<String>,
    /// Time series only: split by `channel`, `team`, `language` or `reason`.
    by: Option<String>,
    /// CSV export only: summary, timeseries, hours, topics, districts,
    /// teams, unanswered or alerts.
    report: Option<String>,
}

/// The reports, by the name `export.csv?report=` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Summary,
    Timeseries,
    Hours,
    Topics,
    Districts,
    Teams,
    Unanswered,
    Alerts,
}

const KINDS: &[(&str, Kind)] = &[
    ("summary", Kind::Summary),
    ("timeseries", Kind::Timeseries),
    ("hours", Kind::Hours),
    ("topics", Kind::Topics),
    ("districts", Kind::Districts),
    ("teams", Kind::Teams),
    ("unanswered", Kind::Unanswered),
    ("alerts", Kind::Alerts),
];

/// A report, made.
enum Report {
    Summary(Box<Summary>),
    Timeseries(Timeseries),
    Hours(Hours),
    Topics(Topics),
    Districts(Districts),
    Teams(Teams),
    Unanswered(Unanswered),
    Alerts(AlertList),
}

fn option_error(message: &str) -> ApiError {
    ApiError::new(Code::InvalidReportOption, message)
}

/// `raw` read as one of `all`, each named by `name_of`.
fn one_of<T: Copy>(
    raw: &str,
    name: &str,
    all: &[T],
    name_of: fn(T) -> &'static str,
) -> Result<T, ApiError> {
    all.iter()
        .copied()
        .find(|known| name_of(*known) == raw)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|known| name_of(*known)).collect();
            option_error(&format!("`{name}` is one of {}", names.join(", ")))
        })
}

fn filter_value(raw: Option<&String>, name: &str) -> Result<Option<String>, ApiError> {
    match raw {
        Some(value) if value.is_empty() || value.len() > 64 => Err(ApiError::new(
            Code::InvalidRequest,
            format!("`{name}` is a name of 1 to 64 characters"),
        )),
        value => Ok(value.cloned()),
    }
}

impl ReportQuery {
    fn period(&self, today: jiff::civil::Date) -> Result<Period, ApiError> {
        Period::parse(self.from.as_deref(), self.to.as_deref(), today)
            .map_err(|err: PeriodError| ApiError::new(Code::InvalidPeriod, err.to_string()))
    }

    fn filter(&self) -> Result<RowFilter, ApiError> {
        let language = match &self.language {
            None => None,
            Some(raw) => Some(
                [Lang::Ar, Lang::En]
                    .into_iter()
                    .find(|lang| lang.code() == raw)
                    .ok_or_else(|| ApiError::new(Code::InvalidLanguage, "`language` is ar or en"))?
                    .code()
                    .to_owned(),
            ),
        };
        Ok(RowFilter {
            team: filter_value(self.team.as_ref(), "team")?,
            channel: filter_value(self.channel.as_ref(), "channel")?,
            language,
        })
    }

    /// Refuses the time series' options on other reports.
    fn no_series_options(&self, kind: Kind) -> Result<(), ApiError> {
        if kind != Kind::Timeseries
            && (self.metric.is_some() || self.bucket.is_some() || self.by.is_some())
        {
            return Err(option_error(
                "`metric`, `bucket` and `by` are for the time series",
            ));
        }
        Ok(())
    }

    fn series_options(&self) -> Result<(Metric, Bucket, Option<By>), ApiError> {
        let metric = self
            .metric
            .as_deref()
            .ok_or_else(|| option_error("a time series needs a `metric`"))?;
        let metric = one_of(metric, "metric", Metric::ALL, Metric::name)?;
        let bucket = match self.bucket.as_deref() {
            None => Bucket::Day,
            Some(raw) => one_of(raw, "bucket", Bucket::ALL, Bucket::name)?,
        };
        let by = self
            .by
            .as_deref()
            .map(|raw| one_of(raw, "by", By::ALL, By::name))
            .transpose()?;
        Ok((metric, bucket, by))
    }
}

/// Makes a report from the store's events.
async fn make(
    kind: Kind,
    query: &ReportQuery,
    source: &ReportSource,
    kb: &KbHandle,
) -> Result<Report, ApiError> {
    query.no_series_options(kind)?;
    let series = match kind {
        Kind::Timeseries => Some(query.series_options()?),
        _ => None,
    };
    let period = query.period(source.today())?;
    let filter = query.filter()?;
    let rows = source.events(period, &filter).await?;
    Ok(match (kind, series) {
        (Kind::Timeseries, Some((metric, bucket, by))) => {
            Report::Timeseries(reports::timeseries(period, metric, bucket, by, &rows))
        }
        (Kind::Hours, _) => Report::Hours(reports::hours(&rows)),
        (Kind::Topics, _) => {
            let before = source.events(period.previous(), &filter).await?;
            Report::Topics(reports::topics(&rows, &before))
        }
        (Kind::Districts, _) => Report::Districts(reports::districts(&rows)),
        (Kind::Teams, _) => Report::Teams(reports::teams(&rows)),
        (Kind::Unanswered, _) => Report::Unanswered(reports::unanswered(&rows, &kb.current())),
        (Kind::Alerts, _) => Report::Alerts(reports::alerts(&rows)),
        _ => Report::Summary(Box::new(reports::summary(period, &filter, &rows))),
    })
}

impl Report {
    fn json(&self) -> HttpResponse {
        fn ok(body: &impl Serialize) -> HttpResponse {
            HttpResponse::Ok().json(body)
        }
        match self {
            Report::Summary(report) => ok(report),
            Report::Timeseries(report) => ok(report),
            Report::Hours(report) => ok(report),
            Report::Topics(report) => ok(report),
            Report::Districts(report) => ok(report),
            Report::Teams(report) => ok(report),
            Report::Unanswered(report) => ok(report),
            Report::Alerts(report) => ok(report),
        }
    }

    fn csv(&self) -> csv::Table {
        match self {
            Report::Summary(report) => csv::summary(report),
            Report::Timeseries(report) => csv::timeseries(report),
            Report::Hours(report) => csv::hours(report),
            Report::Topics(report) => csv::topics(report),
            Report::Districts(report) => csv::districts(report),
            Report::Teams(report) => csv::teams(report),
            Report::Unanswered(report) => csv::unanswered(report),
            Report::Alerts(report) => csv::alerts(report),
        }
    }
}

async fn answer(
    kind: Kind,
    query: web::Query<ReportQuery>,
    source: web::Data<ReportSource>,
    kb: web::Data<KbHandle>,
) -> Result<HttpResponse, ApiError> {
    if query.report.is_some() {
        return Err(option_error("`report` is for the CSV export"));
    }
    Ok(make(kind, &query, &source, &kb).await?.json())
}

macro_rules! report_handler {
    ($name:ident, $kind:ident, $path:literal, $body:ty, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(get, path = $path, tag = "reports",
            security(("supervisor_token" = [])),
            params(ReportQuery),
            responses(
                (status = 200, description = $doc, body = $body),
                (status = 400, description = "A bad date, range, filter or option", body = ErrorBody),
                (status = 401, description = "No supervisor token, or a wrong one", body = ErrorBody),
                (status = 403, description = "An agent's token", body = ErrorBody),
                (status = 429, description = "Too many wrong tokens from this address; see Retry-After", body = ErrorBody),
                (status = 503, description = "The event store is unavailable", body = ErrorBody),
            ))]
        pub async fn $name(
            _supervisor: AuthenticatedSupervisor,
            query: web::Query<ReportQuery>,
            source: web::Data<ReportSource>,
            kb: web::Data<KbHandle>,
        ) -> Result<HttpResponse, ApiError> {
            answer(Kind::$kind, query, source, kb).await
        }
    };
}

report_handler!(
    summary,
    Summary,
    "/api/v1/reports/summary",
    Summary,
    "Messages, conversations, escalations, self-service, first reply, ratings and inferred satisfaction over the period"
);
report_handler!(
    timeseries,
    Timeseries,
    "/api/v1/reports/timeseries",
    Timeseries,
    "One metric by day or hour, overall or split; every bucket of the period appears"
);
report_handler!(
    hours,
    Hours,
    "/api/v1/reports/hours",
    Hours,
    "Citizens' messages by local hour of day"
);
report_handler!(
    topics,
    Topics,
    "/api/v1/reports/topics",
    Topics,
    "Volume and trend per entry and category against the same number of days before"
);
report_handler!(
    districts,
    Districts,
    "/api/v1/reports/districts",
    Districts,
    "Districts with urgent cases or outages"
);
report_handler!(
    teams,
    Teams,
    "/api/v1/reports/teams",
    Teams,
    "Each team's cases, first replies and satisfaction"
);
report_handler!(
    unanswered,
    Unanswered,
    "/api/v1/reports/unanswered",
    Unanswered,
    "Questions the bot could not answer, grouped by similarity, with the closest entry"
);
report_handler!(
    alerts,
    Alerts,
    "/api/v1/reports/alerts",
    AlertList,
    "The alerts raised in the period, the latest first"
);

/// Any report as CSV (UTF-8 with a byte-order mark, a header row), to
/// download; `report` names it, the other parameters are the report's.
#[utoipa::path(get, path = "/api/v1/reports/export.csv", tag = "reports",
    security(("supervisor_token" = [])),
    params(ReportQuery),
    responses(
        (status = 200, description = "The report as CSV", content_type = "text/csv", body = String),
        (status = 400, description = "A bad report name, date, range, filter or option", body = ErrorBody),
        (status = 401, description = "No supervisor token, or a wrong one", body = ErrorBody),
        (status = 403, description = "An agent's token", body = ErrorBody),
        (status = 429, description = "Too many wrong tokens from this address; see Retry-After", body = ErrorBody),
        (status = 503, description = "The event store is unavailable", body = ErrorBody),
    ))]
pub async fn export(
    _supervisor: AuthenticatedSupervisor,
    query: web::Query<ReportQuery>,
    source: web::Data<ReportSource>,
    kb: web::Data<KbHandle>,
) -> Result<HttpResponse, ApiError> {
    let names: Vec<&str> = KINDS.iter().map(|(name, _)| *name).collect();
    let (name, kind) = query
        .report
        .as_deref()
        .and_then(|raw| KINDS.iter().find(|(name, _)| *name == raw).copied())
        .ok_or_else(|| option_error(&format!("`report` is one of {}", names.join(", "))))?;
    let report = make(kind, &query, &source, &kb).await?;
    let period = query.period(source.today())?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"khidma-{name}-{}-{}.csv\"",
                period.from, period.to
            ),
        ))
        .body(report.csv().render()))
}
