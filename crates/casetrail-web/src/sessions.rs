//! Signed-in sessions and sign-in throttling, held in memory: a restart signs everyone out.
//! Tokens are 32 random bytes from the operating system; a session expires after its time to
//! live whatever happens.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use casetrail_app::Role;

/// At most this many failed sign-ins per name within the window.
pub const MAX_FAILURES: usize = 5;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// At most this many failed sign-ins from one address within the window, whatever the names:
/// higher than per name, since an office may share one address.
pub const MAX_ADDRESS_FAILURES: usize = 20;

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
    live: Mutex<HashMap<String, Session>>,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

/// A fresh random token, 64 hex digits.
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
            live: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
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
        self.live
            .lock()
            .expect("not poisoned")
            .insert(token.clone(), session);
        token
    }

    /// The live session of a token; an expired one is dropped.
    pub fn get(&self, token: &str) -> Option<Session> {
        let mut live = self.live.lock().expect("not poisoned");
        match live.get(token) {
            Some(s) if s.expires > Instant::now() => Some(s.clone()),
            Some(_) => {
                live.remove(token);
                None
            }
            None => None,
        }
    }

    pub fn end(&self, token: &str) {
        self.live.lock().expect("not poisoned").remove(token);
    }

    fn recent(&self, key: &str, now: Instant) -> usize {
        let mut failures = self.failures.lock().expect("not poisoned");
        let list = failures.entry(key.to_lowercase()).or_default();
        list.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
        list.len()
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
        self.failures
            .lock()
            .expect("not poisoned")
            .entry(name.to_lowercase())
            .or_default()
            .push(Instant::now());
    }

    pub fn succeeded(&self, name: &str) {
        self.failures
            .lock()
            .expect("not poisoned")
            .remove(&name.to_lowercase());
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
    fn comparison_is_exact() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }
}
