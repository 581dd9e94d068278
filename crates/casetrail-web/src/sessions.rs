//! Signed-in sessions and sign-in throttling, held in memory: a restart signs everyone out.
//! Tokens are 32 random bytes from the operating system; a session expires after its time to
//! live whatever happens.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use casetrail_app::Role;

use crate::bounded::Bounded;

/// At most this many failed sign-ins per name within the window.
pub const MAX_FAILURES: usize = 5;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// At most this many failed sign-ins from one address within the window, whatever the names:
/// higher than per name, since an office may share one address.
pub const MAX_ADDRESS_FAILURES: usize = 20;
/// Names and addresses whose failures are remembered at once; the oldest go first. A name
/// is remembered by a hash of it, so a long name costs no more than a short one.
pub const MAX_TRACKED: usize = 20_000;
/// Live sessions at once; expired ones are dropped first, then the oldest.
pub const MAX_SESSIONS: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: String,
    pub role: Role,
    /// The token every form of this session must carry.
    pub csrf: String,
    expires: Instant,
}

#[derive(Debug)]
pub struct Sessions {
    ttl: Duration,
    live: Mutex<Bounded<String, Session>>,
    /// Failure times per name or address (by the hash of its lower-cased form), at most
    /// the lock's count each.
    failures: Mutex<Bounded<[u8; 32], Vec<Instant>>>,
}

fn tracked(key: &str) -> [u8; 32] {
    *blake3::hash(key.to_lowercase().as_bytes()).as_bytes()
}

/// A fresh random token, 64 hex digits.
// Linux's getrandom fails only where the kernel has no random source at all; nothing the
// server does is safe then, so it stops rather than hand out a guessable token.
#[allow(clippy::expect_used)]
pub fn token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system gives randomness");
    casetrail_app::hex::encode(&bytes)
}

/// Equal strings, compared in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Sessions {
    pub fn new(ttl: Duration) -> Self {
        Sessions {
            ttl,
            live: Mutex::new(Bounded::new(MAX_SESSIONS)),
            failures: Mutex::new(Bounded::new(MAX_TRACKED)),
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Starts a session and returns its token.
    pub fn start(&self, user: &str, role: Role) -> String {
        let token = token();
        let session = Session {
            user: user.to_owned(),
            role,
            csrf: self::token(),
            expires: Instant::now() + self.ttl,
        };
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        if live.len() >= MAX_SESSIONS {
            let now = Instant::now();
            live.retain(|_, s| s.expires > now);
        }
        live.insert(token.clone(), session);
        token
    }

    /// The live session of a token; an expired one is dropped.
    pub fn get(&self, token: &str) -> Option<Session> {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        match live.get(&token.to_owned()) {
            Some(s) if s.expires > Instant::now() => Some(s.clone()),
            Some(_) => {
                live.remove(&token.to_owned());
                None
            }
            None => None,
        }
    }

    pub fn end(&self, token: &str) {
        self.live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&token.to_owned());
    }

    /// Failures of a name or address within the window; asking creates nothing.
    fn recent(&self, key: &str, now: Instant) -> usize {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.get(&tracked(key)).map_or(0, |list| {
            list.iter()
                .filter(|t| now.duration_since(**t) < FAILURE_WINDOW)
                .count()
        })
    }

    /// Whether another sign-in attempt for this name is allowed now.
    pub fn may_try(&self, name: &str) -> bool {
        self.recent(name, Instant::now()) < MAX_FAILURES
    }

    /// Whether another sign-in attempt from this address key is allowed now.
    pub fn may_try_address(&self, key: &str) -> bool {
        self.recent(key, Instant::now()) < MAX_ADDRESS_FAILURES
    }

    pub fn failed(&self, name: &str) {
        let now = Instant::now();
        let key = tracked(name);
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match failures.get_mut(&key) {
            Some(list) => {
                list.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
                list.push(now);
                // More than the largest lock's count tells nothing more.
                if list.len() > MAX_ADDRESS_FAILURES {
                    list.remove(0);
                }
            }
            None => failures.insert(key, vec![now]),
        }
    }

    pub fn succeeded(&self, name: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&tracked(name));
    }

    /// Names and addresses whose failures are remembered now.
    #[cfg(test)]
    pub fn tracked(&self) -> usize {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_and_end() {
        let s = Sessions::new(Duration::from_millis(50));
        let t = s.start("ane", Role::Facilitator);
        assert_eq!(t.len(), 64);
        assert_eq!(s.get(&t).unwrap().user, "ane");
        assert!(s.get("not-a-token").is_none());
        std::thread::sleep(Duration::from_millis(60));
        assert!(s.get(&t).is_none(), "expired");
        let t = s.start("ane", Role::Facilitator);
        s.end(&t);
        assert!(s.get(&t).is_none());
    }

    #[test]
    fn five_failures_lock_a_name_until_a_success() {
        let s = Sessions::new(Duration::from_secs(60));
        for _ in 0..MAX_FAILURES {
            assert!(s.may_try("Ane"));
            s.failed("ane");
        }
        assert!(!s.may_try("ANE"), "names are throttled whatever their case");
        assert!(s.may_try("bo"));
        s.succeeded("ane");
        assert!(s.may_try("ane"));
    }

    #[test]
    fn an_address_is_throttled_across_names() {
        let s = Sessions::new(Duration::from_secs(60));
        for i in 0..MAX_ADDRESS_FAILURES {
            assert!(s.may_try_address("address:10.0.0.1"));
            s.failed(&format!("name{i}"));
            s.failed("address:10.0.0.1");
        }
        assert!(!s.may_try_address("address:10.0.0.1"));
        assert!(s.may_try_address("address:10.0.0.2"));
        assert!(s.may_try("name0"), "one failure per name is not a lock");
    }

    #[test]
    fn many_new_names_cost_bounded_memory_and_asking_records_nothing() {
        let s = Sessions::new(Duration::from_secs(60));
        let long = "x".repeat(60_000);
        for i in 0..(MAX_TRACKED + 5_000) {
            assert!(s.may_try(&format!("{long}{i}")));
            s.failed(&format!("{long}{i}"));
        }
        assert_eq!(s.tracked(), MAX_TRACKED);
        for i in 0..1_000 {
            assert!(s.may_try(&format!("never-failed-{i}")));
        }
        assert_eq!(s.tracked(), MAX_TRACKED, "may_try made no entries");
    }

    #[test]
    fn comparison_is_exact() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }
}
