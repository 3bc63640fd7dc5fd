//! Public figures, for anyone: `GET /api/v1/public/cx`, this agency's
//! service level over the last 30 days (`docs/public-cx.md`, a stable
//! shape), and `GET /api/v1/public/observatory`, other agencies' feeds
//! side by side. No token; any site may read them (CORS `*`), and caches
//! may keep them five minutes.

use actix_web::http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL};
use actix_web::{HttpResponse, HttpResponseBuilder, web};

use super::error::{ApiError, ErrorBody};
use crate::cx::RowFilter;
use crate::reports::observatory::{Observatory, ObservatoryFetcher};
use crate::reports::{PUBLIC_DAYS, Period, PublicCx, ReportSource, public_cx};

fn public(mut response: HttpResponseBuilder) -> HttpResponseBuilder {
    response
        .insert_header((ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .insert_header((CACHE_CONTROL, "public, max-age=300"));
    response
}

/// The agency's service level over the last 30 days; a figure that fewer
/// than five conversations make is null.
#[utoipa::path(get, path = "/api/v1/public/cx", tag = "public",
    responses(
        (status = 200, description = "The public figures, version 1", body = PublicCx),
        (status = 503, description = "The event store is unavailable", body = ErrorBody),
    ))]
pub async fn cx(source: web::Data<ReportSource>) -> Result<HttpResponse, ApiError> {
    let period = Period::last_days(source.today(), PUBLIC_DAYS);
    let rows = source.events(period, &RowFilter::default()).await?;
    let settings = source.settings();
    let figures = public_cx(
        period,
        &settings.agency_name_ar,
        &settings.agency_name_en,
        &rows,
    );
    Ok(public(HttpResponse::Ok()).json(figures))
}

/// The public figures of the agencies in `[[cx.observatory]]`, fetched by
/// this server; one that could not be read shows `ok: false`.
#[utoipa::path(get, path = "/api/v1/public/observatory", tag = "public",
    responses(
        (status = 200, description = "Each configured agency's figures, or why they are missing", body = Observatory),
    ))]
pub async fn observatory(fetcher: web::Data<ObservatoryFetcher>) -> HttpResponse {
    public(HttpResponse::Ok()).json(fetcher.observatory().await)
}
