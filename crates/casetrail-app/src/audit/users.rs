//! Users of the workbench: who they are, their role, and their password as an Argon2id hash.
//! Users live in their own stream (`users`), so adding, disabling and re-keying them is as
//! auditable as everything else. The log holds only the PHC-format hash, never a password.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use casetrail_ledger::{
    AppendRequest, Direction, EventId, EventType, ExpectedVersion, NewEvent, StreamId,
    StreamVersion,
};
use serde::{Deserialize, Serialize};

use crate::core::error::{AppError, AuditError, CoreError, stored_json};

use crate::core::workbench::{Workbench, actor};

/// What a user may do in the workbench.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Facilitator,
    PanelMember,
    Quality,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Facilitator,
        Role::PanelMember,
        Role::Quality,
        Role::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Facilitator => "facilitator",
            Role::PanelMember => "panel_member",
            Role::Quality => "quality",
            Role::Administrator => "administrator",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
enum UserEvent {
    UserAdded {
        user: String,
        role: Role,
        password_hash: String,
    },
    PasswordChanged {
        user: String,
        password_hash: String,
    },
    UserDisabled {
        user: String,
    },
}

/// A user as the workbench knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    password_hash: String,
}

/// Shorter passwords are refused: a sign-in page is exposed to guessing.
pub const MIN_PASSWORD_CHARS: usize = 12;

fn valid_name(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.@".contains(c))
}

fn stream() -> Result<StreamId, AppError> {
    Ok(StreamId::new("users")?)
}

/// Users as their events leave them.
fn fold_users(events: Vec<UserEvent>) -> Vec<User> {
    let mut users: Vec<User> = Vec::new();
    for event in events {
        match event {
            UserEvent::UserAdded {
                user,
                role,
                password_hash,
            } => users.push(User {
                name: user,
                role,
                disabled: false,
                password_hash,
            }),
            UserEvent::PasswordChanged {
                user,
                password_hash,
            } => {
                if let Some(u) = users.iter_mut().find(|u| u.name == user) {
                    u.password_hash = password_hash;
                }
            }
            UserEvent::UserDisabled { user } => {
                if let Some(u) = users.iter_mut().find(|u| u.name == user) {
                    u.disabled = true;
                }
            }
        }
    }
    users
}

fn hash(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| CoreError::Randomness(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AuditError::Password(e.to_string()))?;
    // Argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane), as OWASP recommends.
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuditError::Password(e.to_string()))
        .map_err(AppError::from)
}

impl Workbench {
    fn user_events(&self) -> Result<Vec<UserEvent>, AppError> {
        let mut out = Vec::new();
        for record in self
            .ledger()
            .read_stream(&stream()?, StreamVersion(0), Direction::Forward)
        {
            let record = record?;
            out.push(stored_json("user", &record)?);
        }
        Ok(out)
    }

    /// Every user, in the order they were added.
    pub fn users(&self) -> Result<Vec<User>, AppError> {
        Ok(fold_users(self.user_events()?))
    }

    /// Appends a change checked against `count` events: the append expects exactly that
    /// many, so a change made meanwhile by someone else is refused rather than overlooked.
    fn append_user_event(&self, event: UserEvent, count: usize, by: &str) -> Result<u64, AppError> {
        let count = count as u64;
        let expected = match count {
            0 => ExpectedVersion::NoStream,
            n => ExpectedVersion::Exact(StreamVersion(n - 1)),
        };
        let payload = serde_json::to_vec(&event).map_err(|source| CoreError::Encode {
            what: "user",
            source,
        })?;
        let kind = match &event {
            UserEvent::UserAdded { .. } => "UserAdded",
            UserEvent::PasswordChanged { .. } => "PasswordChanged",
            UserEvent::UserDisabled { .. } => "UserDisabled",
        };
        let request = AppendRequest::new(actor(by)?).write(
            stream()?,
            expected,
            vec![NewEvent {
                // Place and content: a different change made at the same moment meets the
                // version check instead of passing for a resend of this one.
                id: EventId::derive(
                    format!("users/{count}/{}", blake3::hash(&payload).to_hex()).as_bytes(),
                ),
                event_type: EventType::new(kind)?,
                schema_version: 1,
                metadata: Vec::new(),
                payload: payload.clone(),
            }],
        );
        Ok(self.ledger().append_blocking(request)?.positions[0].0)
    }

    /// Adds a user with a role and a password (hashed with Argon2id before anything is stored).
    pub fn add_user(
        &self,
        name: &str,
        role: Role,
        password: &str,
        by: &str,
    ) -> Result<u64, AppError> {
        if !valid_name(name) {
            return Err(AuditError::UserName {
                name: name.to_owned(),
            }
            .into());
        }
        let events = self.user_events()?;
        let count = events.len();
        if fold_users(events).iter().any(|u| u.name == name) {
            return Err(AuditError::UserExists {
                name: name.to_owned(),
            }
            .into());
        }
        let chars = password.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(AuditError::WeakPassword {
                chars,
                min: MIN_PASSWORD_CHARS,
            }
            .into());
        }
        let password_hash = hash(password)?;
        self.append_user_event(
            UserEvent::UserAdded {
                user: name.to_owned(),
                role,
                password_hash,
            },
            count,
            by,
        )
    }

    /// Disables a user: they can no longer sign in; the record of them stays.
    pub fn disable_user(&self, name: &str, by: &str) -> Result<u64, AppError> {
        let events = self.user_events()?;
        let count = events.len();
        if !fold_users(events).iter().any(|u| u.name == name) {
            return Err(AuditError::NoUser {
                name: name.to_owned(),
            }
            .into());
        }
        self.append_user_event(
            UserEvent::UserDisabled {
                user: name.to_owned(),
            },
            count,
            by,
        )
    }

    /// The user, if the name and password match an enabled user. One answer for every
    /// failure, so a caller cannot tell a wrong name from a wrong password.
    pub fn authenticate(&self, name: &str, password: &str) -> Result<Option<User>, AppError> {
        let Some(user) = self.users()?.into_iter().find(|u| u.name == name) else {
            // Spend the time a check would, so a missing name is not faster to learn.
            let _ = hash(password);
            return Ok(None);
        };
        let parsed = PasswordHash::new(&user.password_hash)
            .map_err(|e| AuditError::Password(e.to_string()))?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok((matches && !user.disabled).then_some(user))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_sign_in_with_their_password_only_and_not_once_disabled() {
        let (_dir, wb) = crate::core::workbench::temp_workbench();
        wb.add_user("ane", Role::PanelMember, "korrekt hest batteri", "admin")
            .unwrap();
        let user = wb
            .authenticate("ane", "korrekt hest batteri")
            .unwrap()
            .unwrap();
        assert_eq!(user.role, Role::PanelMember);
        assert!(
            wb.authenticate("ane", "korrekt hest batteri!")
                .unwrap()
                .is_none()
        );
        assert!(
            wb.authenticate("bo", "korrekt hest batteri")
                .unwrap()
                .is_none()
        );
        wb.disable_user("ane", "admin").unwrap();
        assert!(
            wb.authenticate("ane", "korrekt hest batteri")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn the_log_holds_an_argon2id_hash_and_never_the_password() {
        let (_dir, wb) = crate::core::workbench::temp_workbench();
        wb.add_user("ane", Role::Facilitator, "korrekt hest batteri", "admin")
            .unwrap();
        let events = wb.user_events().unwrap();
        let UserEvent::UserAdded { password_hash, .. } = &events[0] else {
            panic!("{events:?}");
        };
        assert!(password_hash.starts_with("$argon2id$"), "{password_hash}");
        let raw = serde_json::to_string(&events).unwrap();
        assert!(!raw.contains("korrekt hest"));
    }

    #[test]
    fn bad_names_short_passwords_and_duplicates_are_refused() {
        let (_dir, wb) = crate::core::workbench::temp_workbench();
        let err = wb
            .add_user("a b", Role::Quality, "korrekt hest batteri", "admin")
            .unwrap_err();
        assert!(err.to_string().contains("not a user name"), "{err}");
        let err = wb
            .add_user("ane", Role::Quality, "kort", "admin")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a password needs at least 12 characters; this one has 4"
        );
        wb.add_user("ane", Role::Quality, "korrekt hest batteri", "admin")
            .unwrap();
        let err = wb
            .add_user("ane", Role::Quality, "korrekt hest batteri", "admin")
            .unwrap_err();
        assert_eq!(err.to_string(), "there is already a user ane");
        assert!(wb.disable_user("ukendt", "admin").is_err());
    }
}
