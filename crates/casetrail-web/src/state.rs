//! What every request shares: the workbench, sessions, the pseudonym and signing keys, the
//! caches of released timelines and rendered parts, import jobs, and the counters `/metrics`
//! reports.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use casetrail_app::{CheckpointSigner, HashedTimeline, PseudonymKey, Workbench};

use crate::bounded::Bounded;
use crate::i18n::Lang;
use crate::jobs::ImportJob;
use crate::sessions::{Sessions, token};

/// Latency buckets of `/metrics`, in seconds (Prometheus `le` bounds).
pub(crate) const BUCKETS: [f64; 10] =
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Debug, Default)]
pub(crate) struct Latencies {
    /// Requests at or under each bound (cumulative, as Prometheus wants them).
    pub(crate) le: [AtomicU64; BUCKETS.len()],
    pub(crate) count: AtomicU64,
    pub(crate) sum_micros: AtomicU64,
}

impl Latencies {
    pub(crate) fn observe(&self, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        for (bound, counter) in BUCKETS.iter().zip(&self.le) {
            if secs <= *bound {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }
}

/// What every handler shares.
#[derive(Debug)]
pub struct Shared {
    pub workbench: Workbench,
    pub(crate) sessions: Sessions,
    /// The pseudonym key timelines are built with.
    pub(crate) key: PseudonymKey,
    /// Released timelines, verified against their hash once; they never change.
    pub(crate) released_cache: Mutex<HashMap<(String, u32), Arc<HashedTimeline>>>,
    /// Imports started since the server started, by id (the newest `MAX_IMPORTS`).
    imports: Mutex<Bounded<String, Arc<ImportJob>>>,
    /// Rendered timeline parts of released versions (see `FragmentKey`).
    fragments: Mutex<HashMap<FragmentKey, Arc<String>>>,
    /// Whether cookies carry `Secure` (served over TLS, directly or behind a proxy).
    secure_cookies: bool,
    pub(crate) requests: AtomicU64,
    pub(crate) latencies: Latencies,
    /// Signs checkpoints and receipts.
    pub(crate) signer: Arc<CheckpointSigner>,
    /// The size of the last checkpoint this server published.
    published: AtomicU64,
    pub(crate) trusted_proxies: Vec<std::net::IpAddr>,
}

/// Import jobs remembered for their pages; older ones are forgotten.
const MAX_IMPORTS: usize = 256;

/// What a rendered timeline part depends on. A released version never changes, so the
/// part is the same for every reader of that version, period, filter and language.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct FragmentKey {
    pub case: String,
    pub release: u32,
    pub from: i64,
    pub to: i64,
    pub source: Option<String>,
    pub lang: Lang,
}

const MAX_FRAGMENTS: usize = 512;

/// How long a session lasts: a working day.
pub const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);

/// How the server is set up, beyond the workbench.
#[derive(Debug, Clone)]
pub struct Options {
    pub session_ttl: Duration,
    pub secure_cookies: bool,
    /// The checkpoint signing key; without one, a key for this process only (tests).
    pub signer: Option<Arc<CheckpointSigner>>,
    /// Proxies whose `X-Forwarded-For` is believed; from any other peer it is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            session_ttl: SESSION_TTL,
            secure_cookies: false,
            signer: None,
            trusted_proxies: Vec::new(),
        }
    }
}

/// The address a request is throttled by: the peer's, or, when the peer is a trusted proxy,
/// the nearest address in `X-Forwarded-For` that is not itself a trusted proxy (proxies
/// append, so the entries before are whatever the client chose to send).
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    forwarded: Option<&str>,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let Some(forwarded) = forwarded else {
        return Some(peer);
    };
    forwarded
        .rsplit(',')
        .take(32)
        .map_while(|a| a.trim().parse::<std::net::IpAddr>().ok())
        .find(|a| !trusted.contains(a))
        .or(Some(peer))
}

impl Shared {
    pub fn new(workbench: Workbench, key: PseudonymKey) -> Arc<Shared> {
        Shared::with_options(workbench, key, Options::default())
    }

    pub fn with_options(workbench: Workbench, key: PseudonymKey, options: Options) -> Arc<Shared> {
        Arc::new(Shared {
            workbench,
            sessions: Sessions::new(options.session_ttl),
            key,
            released_cache: Mutex::new(HashMap::new()),
            fragments: Mutex::new(HashMap::new()),
            imports: Mutex::new(Bounded::new(MAX_IMPORTS)),
            secure_cookies: options.secure_cookies,
            requests: AtomicU64::new(0),
            latencies: Latencies::default(),
            signer: options.signer.unwrap_or_else(|| {
                Arc::new(CheckpointSigner::ephemeral(casetrail_app::DEFAULT_ORIGIN))
            }),
            published: AtomicU64::new(0),
            trusted_proxies: options.trusted_proxies,
        })
    }

    /// Signs and keeps a checkpoint when the log has grown since the last one: called every
    /// second while the server runs. Returns the new checkpoint's size.
    pub fn publish_checkpoint(&self) -> Result<Option<u64>, casetrail_app::AppError> {
        let published = self.published.load(Ordering::Relaxed);
        let made = self
            .workbench
            .publish_checkpoint_if_grown(&self.signer, published)?;
        if let Some(size) = made {
            self.published.store(size, Ordering::Relaxed);
        }
        Ok(made)
    }

    /// Registers an import and returns its id (random, so one facilitator cannot guess
    /// another's by counting).
    pub(crate) fn start_import(&self, job: Arc<ImportJob>) -> String {
        let id = token()[..16].to_owned();
        self.imports
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.clone(), job);
        id
    }

    pub(crate) fn import(&self, id: &str) -> Option<Arc<ImportJob>> {
        self.imports
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id.to_owned())
            .cloned()
    }

    pub(crate) fn fragment(&self, key: &FragmentKey) -> Option<Arc<String>> {
        self.fragments
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }

    /// Keeps a rendered part; when full, starts afresh (the parts are cheap to make again,
    /// and a bound keeps an endless walk through periods from growing memory).
    pub(crate) fn keep_fragment(&self, key: FragmentKey, html: Arc<String>) {
        let mut fragments = self.fragments.lock().unwrap_or_else(|e| e.into_inner());
        if fragments.len() >= MAX_FRAGMENTS {
            fragments.clear();
        }
        fragments.insert(key, html);
    }

    /// A cookie's attributes: always HttpOnly and SameSite=Strict, Secure when set up so.
    pub(crate) fn cookie(&self, name_value: String, path: &str, max_age: u64) -> String {
        format!(
            "{name_value}; HttpOnly; SameSite=Strict; Path={path}; Max-Age={max_age}{}",
            if self.secure_cookies { "; Secure" } else { "" }
        )
    }
}
