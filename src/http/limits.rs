//! Per-client limits, by IP address: how many web-chat requests a client may
//! make, and how many wrong agent tokens it may try. Each is a leaky
//! bucket: a client may spend `burst` at once, and its spending drains at
//! a steady rate.
//!
//! Written here rather than taken from a crate: `actix-governor` is
//! GPL-licensed (refused by `deny.toml`), and `governor` only counts what
//! it admits, while a token check must first ask whether a client may try
//! at all and charge it only when it got the token wrong (a client over
//! its allowance must not learn whether its next guess is right).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::HttpRequest;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use super::error::{ApiError, Code};
use crate::channels::Web;
use crate::configuration::LimitSettings;

/// Every this many charges, clients whose bucket has drained are forgotten.
const SWEEP_EVERY: u64 = 4096;

/// One limit for every client.
pub struct ClientLimit {
    burst: f64,
    per_second: f64,
    clients: Mutex<Clients>,
}

#[derive(Default)]
struct Clients {
    /// How much each client has spent, as of when.
    spent: HashMap<IpAddr, (f64, Instant)>,
    charges: u64,
}

impl ClientLimit {
    /// `None` (no limit) when either number is 0.
    fn new(burst: u32, per_minute: u32) -> Option<Self> {
        (burst > 0 && per_minute > 0).then(|| Self {
            burst: f64::from(burst),
            per_second: f64::from(per_minute) / 60.0,
            clients: Mutex::new(Clients::default()),
        })
    }

    fn clients(&self) -> std::sync::MutexGuard<'_, Clients> {
        self.clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn spent_at(&self, spent: Option<&(f64, Instant)>, now: Instant) -> f64 {
        spent.map_or(0.0, |(amount, at)| {
            (amount - now.duration_since(*at).as_secs_f64() * self.per_second).max(0.0)
        })
    }

    /// Whether `client` may make one more request now; if not, how long
    /// until it may.
    pub fn admits(&self, client: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let spent = self.spent_at(self.clients().spent.get(&client), now);
        if spent + 1.0 <= self.burst {
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (spent + 1.0 - self.burst) / self.per_second,
            ))
        }
    }

    /// Counts one request (or one failure) of `client`.
    pub fn charge(&self, client: IpAddr) {
        let now = Instant::now();
        let mut clients = self.clients();
        let spent = self.spent_at(clients.spent.get(&client), now);
        clients.spent.insert(client, (spent + 1.0, now));
        clients.charges += 1;
        if clients.charges.is_multiple_of(SWEEP_EVERY) {
            clients
                .spent
                .retain(|_, spent| self.spent_at(Some(spent), now) > 0.0);
        }
    }
}

/// The limits of one server.
pub struct Limits {
    web_chat: Option<ClientLimit>,
    /// Wrong agent and supervisor tokens.
    token_failures: Option<ClientLimit>,
    trust_forwarded_for: bool,
}

impl Limits {
    pub fn new(settings: &LimitSettings) -> Self {
        Self {
            web_chat: ClientLimit::new(settings.web_chat_burst, settings.web_chat_per_minute),
            token_failures: ClientLimit::new(
                settings.agent_auth_failures_burst,
                settings.agent_auth_failures_per_minute,
            ),
            trust_forwarded_for: settings.trust_forwarded_for,
        }
    }

    /// The client to limit: the peer's address, or the one a trusted proxy
    /// names. None for this machine itself (loopback): that is a proxy in
    /// front of the service, whose clients are all the citizens behind it
    /// (limiting it would limit everyone: set `trust_forwarded_for`), or a
    /// local tool such as the answer-quality scorers.
    fn client(&self, request: &HttpRequest) -> Option<IpAddr> {
        let address = if self.trust_forwarded_for {
            let info = request.connection_info();
            let forwarded = info.realip_remote_addr()?;
            forwarded.parse::<IpAddr>().ok().or_else(|| {
                forwarded
                    .parse::<std::net::SocketAddr>()
                    .ok()
                    .map(|a| a.ip())
            })
        } else {
            request.peer_addr().map(|address| address.ip())
        };
        address.filter(|address| !address.is_loopback())
    }

    /// The request's bearer token (`holder` says whose is expected), unless
    /// its client sent too many wrong tokens lately: then a `429`, whatever
    /// the token, as a client over its limit must not learn whether its
    /// guess was right.
    pub fn bearer<'r>(&self, request: &'r HttpRequest, holder: &str) -> Result<&'r str, ApiError> {
        if let (Some(limit), Some(client)) = (&self.token_failures, self.client(request)) {
            limit.admits(client).map_err(too_many)?;
        }
        super::bearer(request).ok_or_else(|| {
            ApiError::new(
                Code::Unauthorized,
                format!("send Authorization: Bearer <{holder} token>"),
            )
        })
    }

    /// A token nobody holds: counted against its client; the `401`.
    pub fn wrong_token(&self, request: &HttpRequest, holder: &str) -> ApiError {
        if let (Some(limit), Some(client)) = (&self.token_failures, self.client(request)) {
            limit.charge(client);
        }
        ApiError::new(
            Code::Unauthorized,
            format!("the {holder} token is not valid"),
        )
    }

    fn web_chat_request(&self, request: &HttpRequest) -> Result<(), ApiError> {
        let (Some(limit), Some(client)) = (&self.web_chat, self.client(request)) else {
            return Ok(());
        };
        limit.admits(client).map_err(too_many)?;
        limit.charge(client);
        Ok(())
    }
}

fn too_many(wait: Duration) -> ApiError {
    ApiError::new(
        Code::TooManyRequests,
        "too many requests from this address; wait and try again",
    )
    .retry_after(wait)
}

/// Middleware of the web-chat routes: a `429` for a client over its limit,
/// before the request is read. A portal's backend, which speaks for many
/// citizens with its key, is not limited.
pub async fn web_chat(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let portal = request
        .app_data::<web::Data<Web>>()
        .is_some_and(|channel| channel.is_portal(super::bearer(request.request())));
    if !portal && let Some(limits) = request.app_data::<web::Data<Limits>>() {
        limits.web_chat_request(request.request())?;
    }
    next.call(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_spends_its_burst_then_waits_while_others_go_on() {
        let limit = ClientLimit::new(3, 60).unwrap();
        let (one, two) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        for _ in 0..3 {
            assert!(limit.admits(one).is_ok());
            limit.charge(one);
        }
        let wait = limit.admits(one).unwrap_err();
        assert!(
            wait > Duration::from_millis(900) && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert!(limit.admits(two).is_ok());
        assert!(ClientLimit::new(0, 60).is_none(), "0 turns a limit off");
    }
}
