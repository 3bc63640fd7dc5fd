//! One span and one log line per request, and its latency in the metrics.
//!
//! The line says the method, the route pattern (never the path, which may
//! hold a conversation id, nor the query string), the status, the latency
//! and a request id; every line logged while the request is handled (its
//! turn, say) carries the same span. The request id is the caller's
//! `X-Request-Id` when it looks like a proxy's (16 to 64 hex digits and
//! dashes: a UUID, nginx's `$request_id`), a fresh one otherwise, and is
//! returned in the response's `X-Request-Id`.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use tracing::Instrument;

use crate::metrics::Metrics;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Longer than any phone number (E.164 has at most 15 digits), so a
/// client cannot pass one into the logs as its request id.
const MIN_REQUEST_ID_LEN: usize = 16;
const MAX_REQUEST_ID_LEN: usize = 64;
/// Probes and scrapes come every few seconds: logged only at `debug`.
const QUIET_ROUTES: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

pub async fn observe(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let request_id = request_id(request.headers().get(&REQUEST_ID));
    let metrics = request.app_data::<web::Data<Metrics>>().cloned();
    let span =
        tracing::info_span!("request", method = %method, route = %route, request_id = %request_id);
    let result = next.call(request).instrument(span.clone()).await;
    let status = match &result {
        Ok(response) => response.status(),
        Err(err) => err.as_response_error().status_code(),
    };
    let took = started.elapsed();
    let latency_ms = took.as_secs_f64() * 1000.0;
    let _entered = span.enter();
    if QUIET_ROUTES.contains(&route.as_str()) && status == StatusCode::OK {
        tracing::debug!(status = status.as_u16(), latency_ms, "request");
    } else {
        tracing::info!(status = status.as_u16(), latency_ms, "request");
    }
    if let Some(metrics) = metrics {
        metrics.observe_request(method, &route, status.as_u16(), took);
    }
    result.map(|mut response| {
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            response.headers_mut().insert(REQUEST_ID, value);
        }
        response
    })
}

/// The method as a bounded label: the ones the API routes, else `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The caller's id when it looks like a proxy's, else 16 random hex digits.
fn request_id(given: Option<&HeaderValue>) -> String {
    given
        .and_then(|value| value.to_str().ok())
        .filter(|id| {
            (MIN_REQUEST_ID_LEN..=MAX_REQUEST_ID_LEN).contains(&id.len())
                && id
                    .bytes()
                    .all(|byte| byte.is_ascii_hexdigit() || byte == b'-')
        })
        .map_or_else(|| format!("{:016x}", fastrand::u64(..)), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxys_request_id_is_kept_and_anything_else_replaced() {
        let uuid = "6f1c2a4e-1b7d-4c1e-9a53-0d2f6b8e7c11";
        assert_eq!(request_id(Some(&HeaderValue::from_static(uuid))), uuid);
        for given in ["966500000001", "citizen-42 hello", "x"] {
            let replaced = request_id(Some(&HeaderValue::from_static(given)));
            assert_ne!(replaced, given);
            assert_eq!(replaced.len(), 16);
            assert!(replaced.bytes().all(|byte| byte.is_ascii_hexdigit()));
        }
        assert_eq!(request_id(None).len(), 16);
    }
}
