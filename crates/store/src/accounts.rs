//! Accounts of a team's server, as stored: users, sessions, API tokens. Storage only —
//! password hashing, token generation, expiry and roles are the application layer's
//! (`entente_app::accounts`); rows hold hashes, never secrets. Times are RFC 3339 UTC strings.

use serde::{Deserialize, Serialize};

use crate::StoreError;

/// A user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UserRow {
    pub name: String,
    /// `viewer`, `analyst` or `admin`.
    pub role: String,
    /// An argon2id PHC string.
    pub password_hash: String,
    pub disabled: bool,
    pub created: String,
    pub updated: String,
}

/// A browser session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SessionRow {
    /// BLAKE3 (hex) of the session token.
    pub token_hash: String,
    pub user_name: String,
    /// BLAKE3 (hex) of the session's CSRF token.
    pub csrf_hash: String,
    pub created: String,
    pub expires: String,
    pub last_used: String,
}

/// An API token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TokenRow {
    /// A short public id (for lists and revocation).
    pub id: String,
    /// BLAKE3 (hex) of the token.
    pub token_hash: String,
    pub user_name: String,
    pub label: String,
    /// The role the token carries (never more than its user's at use).
    pub role: String,
    pub created: String,
    pub expires: String,
    pub revoked: Option<String>,
    pub last_used: Option<String>,
}

/// Users, sessions and API tokens. Each call is one transaction.
pub trait Accounts: Send + Sync {
    /// Adds a user; [`StoreError::Exists`] when the name is taken.
    fn add_user(&self, u: &UserRow) -> Result<(), StoreError>;
    fn user(&self, name: &str) -> Result<Option<UserRow>, StoreError>;
    /// Every user, by name.
    fn users(&self) -> Result<Vec<UserRow>, StoreError>;
    /// Replaces a user's role, hash, disabled flag and update time; not found when absent.
    fn update_user(&self, u: &UserRow) -> Result<(), StoreError>;

    fn add_session(&self, s: &SessionRow) -> Result<(), StoreError>;
    fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError>;
    /// Records a use and the new expiry.
    fn touch_session(&self, token_hash: &str, used: &str, expires: &str) -> Result<(), StoreError>;
    fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Ends every session of a user. Returns how many.
    fn delete_sessions_of(&self, user: &str) -> Result<u64, StoreError>;

    fn add_token(&self, t: &TokenRow) -> Result<(), StoreError>;
    /// The token with this hash.
    fn token(&self, token_hash: &str) -> Result<Option<TokenRow>, StoreError>;
    /// The tokens of one user, or of all, newest first.
    fn tokens(&self, user: Option<&str>) -> Result<Vec<TokenRow>, StoreError>;
    /// Marks a token revoked at `at` (kept, for the record); not found when absent.
    fn revoke_token(&self, id: &str, at: &str) -> Result<(), StoreError>;
    fn touch_token(&self, id: &str, used: &str) -> Result<(), StoreError>;
}
