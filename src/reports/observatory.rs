//! Other agencies' public feeds, fetched by the server (a citizen's browser
//! then talks to this server only), with a short timeout, checked against
//! the public shape, and kept a few minutes. A feed that is down or sends
//! something else shows as not ok; it never fails the page.

use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::Mutex;
use utoipa::ToSchema;

use super::PublicCx;
use crate::configuration::ObservatoryFeed;

/// How long a fetched set of feeds is shown before it is fetched again.
const FRESH: Duration = Duration::from_secs(300);
/// The longest one feed may take.
const TIMEOUT: Duration = Duration::from_secs(3);
/// The largest feed read: the public shape is a few hundred bytes.
const MAX_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Observatory {
    pub agencies: Vec<AgencyFeed>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AgencyFeed {
    pub name: String,
    pub url: String,
    pub ok: bool,
    pub figures: Option<PublicCx>,
    /// `unreachable` (down, slow or an error status) or `malformed` (not
    /// the public shape, version 1).
    pub error: Option<String>,
}

pub struct ObservatoryFetcher {
    feeds: Vec<ObservatoryFeed>,
    client: reqwest::Client,
    cached: Mutex<Option<(Instant, Observatory)>>,
}

impl ObservatoryFetcher {
    pub fn new(feeds: Vec<ObservatoryFeed>) -> Result<Self, reqwest::Error> {
        Ok(Self {
            feeds,
            client: reqwest::Client::builder().timeout(TIMEOUT).build()?,
            cached: Mutex::new(None),
        })
    }

    /// Every feed, fetched at most once per [`FRESH`].
    pub async fn observatory(&self) -> Observatory {
        let mut cached = self.cached.lock().await;
        if let Some((at, observatory)) = cached.as_ref()
            && at.elapsed() < FRESH
        {
            return observatory.clone();
        }
        let fetches = self.feeds.iter().map(|feed| self.fetch(feed));
        let observatory = Observatory {
            agencies: futures_util::future::join_all(fetches).await,
        };
        *cached = Some((Instant::now(), observatory.clone()));
        observatory
    }

    async fn fetch(&self, feed: &ObservatoryFeed) -> AgencyFeed {
        let figures = match self.get(&feed.url).await {
            Ok(body) => serde_json::from_slice::<PublicCx>(&body)
                .ok()
                .filter(|figures| figures.version == 1)
                .ok_or("malformed"),
            Err(()) => Err("unreachable"),
        };
        if let Err(error) = &figures {
            tracing::warn!(feed = %feed.name, error, "an observatory feed could not be read");
        }
        AgencyFeed {
            name: feed.name.clone(),
            url: feed.url.clone(),
            ok: figures.is_ok(),
            error: figures.as_ref().err().map(|error| (*error).to_owned()),
            figures: figures.ok(),
        }
    }

    async fn get(&self, url: &str) -> Result<Vec<u8>, ()> {
        let response = self
            .client
            .get(url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(drop)?;
        let body = response.bytes().await.map_err(drop)?;
        // Too large to be the public shape: as good as malformed.
        Ok(if body.len() > MAX_BYTES {
            Vec::new()
        } else {
            body.to_vec()
        })
    }
}
