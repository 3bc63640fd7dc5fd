//! The supervisors' CX dashboard, `GET /dashboard`, and the two public
//! pages for citizens, `GET /performance` (this agency's service level)
//! and `GET /observatory` (agencies side by side): pages, ES modules and a
//! style sheet compiled into the binary, served like the agents' console
//! (`console.rs`: same security headers and revalidation), with their
//! sentences from `locales/<lang>/dashboard.ftl`. The pages read the
//! reports API and the public feeds; they hold no figures themselves.

use actix_web::{HttpRequest, HttpResponse, web};

use super::console::{respond, strings_with_prefix};
use super::error::{ApiError, Code, ErrorBody};
use crate::i18n::Localizer;

const HTML: &str = "text/html; charset=utf-8";
const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

const DASHBOARD: &str = include_str!("../../dashboard/index.html");
const PERFORMANCE: &str = include_str!("../../dashboard/performance.html");
const OBSERVATORY: &str = include_str!("../../dashboard/observatory.html");

/// Every file the pages load, by its name under `/dashboard/`. A module
/// the browser imports must be listed here (a test checks that each file
/// of `dashboard/` is).
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "dashboard.js",
        include_str!("../../dashboard/dashboard.js"),
        JAVASCRIPT,
    ),
    ("api.js", include_str!("../../dashboard/api.js"), JAVASCRIPT),
    (
        "charts.js",
        include_str!("../../dashboard/charts.js"),
        JAVASCRIPT,
    ),
    ("dom.js", include_str!("../../dashboard/dom.js"), JAVASCRIPT),
    (
        "overview.js",
        include_str!("../../dashboard/overview.js"),
        JAVASCRIPT,
    ),
    (
        "panels.js",
        include_str!("../../dashboard/panels.js"),
        JAVASCRIPT,
    ),
    (
        "unanswered.js",
        include_str!("../../dashboard/unanswered.js"),
        JAVASCRIPT,
    ),
    (
        "strings.js",
        include_str!("../../dashboard/strings.js"),
        JAVASCRIPT,
    ),
    (
        "performance.js",
        include_str!("../../dashboard/performance.js"),
        JAVASCRIPT,
    ),
    (
        "observatory.js",
        include_str!("../../dashboard/observatory.js"),
        JAVASCRIPT,
    ),
    (
        "dashboard.css",
        include_str!("../../dashboard/dashboard.css"),
        "text/css; charset=utf-8",
    ),
];

/// The prefix of the pages' messages in `locales/`.
const MESSAGE_PREFIX: &str = "dashboard-";

/// The supervisors' dashboard (also at `/dashboard/`); it asks for a
/// supervisor token and reads `/api/v1/reports/...` with it.
#[utoipa::path(get, path = "/dashboard", tag = "dashboard", operation_id = "dashboard_page",
    responses((status = 200, description = "The dashboard's HTML page", content_type = "text/html", body = String)))]
pub async fn page(request: HttpRequest) -> HttpResponse {
    respond(&request, DASHBOARD.to_owned(), HTML)
}

/// The public page of this agency's service level, from
/// `/api/v1/public/cx`.
#[utoipa::path(get, path = "/performance", tag = "dashboard", operation_id = "performance_page",
    responses((status = 200, description = "The public service-level page", content_type = "text/html", body = String)))]
pub async fn performance(request: HttpRequest) -> HttpResponse {
    respond(&request, PERFORMANCE.to_owned(), HTML)
}

/// The public observatory page: agencies side by side, from
/// `/api/v1/public/observatory`.
#[utoipa::path(get, path = "/observatory", tag = "dashboard", operation_id = "observatory_page",
    responses((status = 200, description = "The public observatory page", content_type = "text/html", body = String)))]
pub async fn observatory(request: HttpRequest) -> HttpResponse {
    respond(&request, OBSERVATORY.to_owned(), HTML)
}

/// A script module or the style sheet of the three pages.
#[utoipa::path(get, path = "/dashboard/{file}", tag = "dashboard", operation_id = "dashboard_asset",
    params(("file" = String, Path, description = "A file of `dashboard/`")),
    responses(
        (status = 200, description = "The file", content_type = "text/javascript", body = String),
        (status = 404, description = "No such file", body = ErrorBody),
    ))]
pub async fn asset(
    request: HttpRequest,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (_, body, content_type) = ASSETS
        .iter()
        .find(|(file, _, _)| *file == name.as_str())
        .ok_or_else(|| ApiError::new(Code::NotFound, "the dashboard has no such file"))?;
    Ok(respond(&request, (*body).to_owned(), content_type))
}

/// Every `dashboard-*` message in `ar` or `en`, as one JSON object. Public:
/// the public pages read them too, and they are no secret.
#[utoipa::path(get, path = "/dashboard/strings/{lang}", tag = "dashboard", operation_id = "dashboard_strings",
    params(("lang" = String, Path, description = "`ar` or `en`")),
    responses(
        (status = 200, description = "The pages' labels, by message id", body = Object),
        (status = 404, description = "No such language", body = ErrorBody),
    ))]
pub async fn strings(
    request: HttpRequest,
    lang: web::Path<String>,
    localizer: web::Data<Localizer>,
) -> Result<HttpResponse, ApiError> {
    strings_with_prefix(&request, &lang, &localizer, MESSAGE_PREFIX)
}
