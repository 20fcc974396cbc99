//! Accounts of a team's server: users with roles, sessions, API tokens, and who may do what.
//!
//! Secrets never reach the store: a password is kept as an argon2id PHC string, a session or
//! API token as the BLAKE3 hash of the random string the client holds (a token carries 256
//! random bits, so a fast hash is enough; a password needs a slow one). Roles are checked here,
//! by [`Principal::require`], so every front end enforces the same rules.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use entente_store::accounts::{SessionRow, TokenRow, UserRow};
use serde::{Deserialize, Serialize};

use crate::{App, AppError, ErrorKind};

type Result<T> = std::result::Result<T, AppError>;

/// What a user may do. Each role may do what the roles before it may.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything.
    Viewer,
    /// Also ingests, extracts, reviews and edits events, edits actors, writes briefings.
    Analyst,
    /// Also manages users and watched sources.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Analyst, Role::Admin];

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                AppError::invalid(format!(
                    "`role`: unknown role {s:?} (viewer, analyst or admin)"
                ))
            })
    }

    /// The least role that may `act`.
    pub fn needed_for(act: Permission) -> Role {
        match act {
            Permission::Read => Role::Viewer,
            Permission::Write => Role::Analyst,
            Permission::Admin => Role::Admin,
        }
    }
}

/// A kind of operation, as roles see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Anything that changes nothing.
    Read,
    /// Ingest, extraction, review, edits, briefings, trade imports.
    Write,
    /// Users and watched sources.
    Admin,
}

/// How a caller proved who they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Credential {
    /// A browser session (cookie); unsafe requests must also carry its CSRF token.
    Session {
        #[serde(skip)]
        token_hash: String,
        #[serde(skip)]
        csrf_hash: String,
    },
    /// An API token (bearer), with its id.
    Token { id: String },
    /// The machine's own user at a terminal (the CLI); audited under this name.
    Local,
}

/// An authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Principal {
    pub user: String,
    /// The role in force: the user's, or a token's narrower one.
    pub role: Role,
    pub credential: Credential,
}

impl Principal {
    /// The terminal's user: every permission, audited as `cli:NAME`.
    pub fn local(name: &str) -> Principal {
        Principal {
            user: format!("cli:{name}"),
            role: Role::Admin,
            credential: Credential::Local,
        }
    }

    /// Ok when this caller's role allows `act`; a [`ErrorKind::Forbidden`] error otherwise.
    pub fn require(&self, act: Permission) -> Result<()> {
        let needed = Role::needed_for(act);
        if self.role >= needed {
            return Ok(());
        }
        let holder = match &self.credential {
            Credential::Token { id } => format!("{}'s API token {id} carries", self.user),
            _ => format!("{} has", self.user),
        };
        Err(AppError::new(
            ErrorKind::Forbidden,
            format!(
                "{holder} the {} role; this needs the {} role",
                self.role.as_str(),
                needed.as_str()
            ),
        ))
    }

    /// Whether `csrf` is this session's CSRF token. Callers with a token or at a terminal
    /// send no cookie, so there is nothing to forge: always true for them.
    pub fn csrf_ok(&self, csrf: Option<&str>) -> bool {
        match &self.credential {
            Credential::Session { csrf_hash, .. } => csrf
                .map(|c| constant_time_eq(hash_token(c).as_bytes(), csrf_hash.as_bytes()))
                .unwrap_or(false),
            _ => true,
        }
    }
}

/// A user as shown (no password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UserView {
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub created: String,
    pub updated: String,
}

/// A new user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserAdd {
    pub name: String,
    pub role: Role,
    pub password: String,
}

/// Name and password, to open a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub name: String,
    pub password: String,
}

/// An open session: the token goes into a cookie, the CSRF token into every unsafe request.
/// Both are shown once and never stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SessionOpened {
    pub user: UserView,
    pub token: String,
    pub csrf: String,
    pub expires: String,
}

/// A new API token for a script.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenCreate {
    /// What the token is for (shown in lists).
    pub label: String,
    /// A role no wider than the user's; the user's when absent.
    #[serde(default)]
    pub role: Option<Role>,
    /// Days until it expires (1–366; 90 when absent).
    #[serde(default)]
    pub days: Option<u32>,
}

/// An API token as listed (the secret itself is shown only when it is created).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TokenView {
    pub id: String,
    pub user: String,
    pub label: String,
    pub role: Role,
    pub created: String,
    pub expires: String,
    pub revoked: Option<String>,
    pub last_used: Option<String>,
}

/// A token just created: `token` is the secret, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TokenCreated {
    pub token: String,
    #[serde(flatten)]
    pub view: TokenView,
}

/// How long a session lives without use.
pub const SESSION_IDLE: Duration = Duration::hours(12);
/// A session's use is written down at most this often (a read must not write every time).
const TOUCH_EVERY: Duration = Duration::minutes(1);
const SESSION_PREFIX: &str = "ens_";
const TOKEN_PREFIX: &str = "ent_";
/// Fewer characters than this is refused.
pub const MIN_PASSWORD: usize = 10;

fn now() -> DateTime<Utc> {
    Utc::now()
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn parse_stamp(s: &str, field: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| AppError::internal(format!("stored {field} {s:?} is not a time: {e}")))
}

/// 256 random bits as hex, behind a prefix that says what the secret is.
fn random_secret(prefix: &str) -> Result<String> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf)
        .map_err(|e| AppError::internal(format!("no randomness from the system: {e}")))?;
    Ok(format!("{prefix}{}", hex::encode(buf)))
}

/// How a token is stored.
pub fn hash_token(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn argon() -> argon2::Argon2<'static> {
    // argon2id, version 0x13, the crate's defaults (19 MiB, 2 passes, 1 lane: OWASP's floor).
    argon2::Argon2::default()
}

fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| AppError::internal(format!("no randomness from the system: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| AppError::internal(format!("password salt: {e}")))?;
    argon()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(format!("password hashing: {e}")))
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| argon().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid(format!(
            "`name`: {name:?} is not a user name (1–64 of A–Z, a–z, 0–9, '.', '_', '-', '@')"
        )))
    }
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(AppError::invalid(format!(
            "`password`: at least {MIN_PASSWORD} characters"
        )));
    }
    if password.len() > 1024 {
        return Err(AppError::invalid("`password`: at most 1024 bytes"));
    }
    Ok(())
}

fn unauthenticated(message: &str) -> AppError {
    AppError::new(ErrorKind::Unauthenticated, message)
}

fn user_view(u: &UserRow) -> Result<UserView> {
    Ok(UserView {
        name: u.name.clone(),
        role: Role::parse(&u.role).map_err(|_| {
            AppError::internal(format!("stored role {:?} of user {}", u.role, u.name))
        })?,
        disabled: u.disabled,
        created: u.created.clone(),
        updated: u.updated.clone(),
    })
}

fn token_view(t: &TokenRow) -> Result<TokenView> {
    Ok(TokenView {
        id: t.id.clone(),
        user: t.user_name.clone(),
        label: t.label.clone(),
        role: Role::parse(&t.role).map_err(|_| {
            AppError::internal(format!("stored role {:?} of token {}", t.role, t.id))
        })?,
        created: t.created.clone(),
        expires: t.expires.clone(),
        revoked: t.revoked.clone(),
        last_used: t.last_used.clone(),
    })
}

impl App {
    fn accounts(&self) -> Result<&dyn entente_store::accounts::Accounts> {
        let store: &dyn entente_store::Store = self.repo()?.store();
        Ok(store)
    }

    /// Adds a user (an admin's act, or the CLI's).
    pub fn add_user(&self, by: &Principal, req: &UserAdd) -> Result<UserView> {
        by.require(Permission::Admin)?;
        check_name(&req.name)?;
        check_password(&req.password)?;
        self.check_writable()?;
        let t = stamp(now());
        let row = UserRow {
            name: req.name.clone(),
            role: req.role.as_str().into(),
            password_hash: hash_password(&req.password)?,
            disabled: false,
            created: t.clone(),
            updated: t,
        };
        self.accounts()?.add_user(&row).map_err(|e| match e {
            entente_store::StoreError::Exists { .. } => AppError::new(
                ErrorKind::Exists,
                format!("a user named {} exists already", req.name),
            ),
            other => other.into(),
        })?;
        user_view(&row)
    }

    /// Every user, by name.
    pub fn users(&self, by: &Principal) -> Result<Vec<UserView>> {
        by.require(Permission::Admin)?;
        self.accounts()?.users()?.iter().map(user_view).collect()
    }

    fn stored_user(&self, name: &str) -> Result<UserRow> {
        self.accounts()?
            .user(name)?
            .ok_or_else(|| AppError::not_found(format!("no user named {name}")))
    }

    /// Disables (or enables again) a user: their sessions end, their tokens stop working.
    pub fn set_user_disabled(
        &self,
        by: &Principal,
        name: &str,
        disabled: bool,
    ) -> Result<UserView> {
        by.require(Permission::Admin)?;
        self.check_writable()?;
        if disabled && by.user == name {
            // An admin who disabled themselves would lock the team out of user management.
            return Err(AppError::new(
                ErrorKind::WrongState,
                format!("{name} cannot disable their own account; another admin can"),
            ));
        }
        let mut u = self.stored_user(name)?;
        u.disabled = disabled;
        u.updated = stamp(now());
        let acc = self.accounts()?;
        acc.update_user(&u)?;
        if disabled {
            acc.delete_sessions_of(name)?;
        }
        user_view(&u)
    }

    /// Sets a new password; the user's sessions end.
    pub fn reset_password(&self, by: &Principal, name: &str, password: &str) -> Result<UserView> {
        if by.user != name {
            by.require(Permission::Admin)?;
        }
        check_password(password)?;
        self.check_writable()?;
        let mut u = self.stored_user(name)?;
        u.password_hash = hash_password(password)?;
        u.updated = stamp(now());
        let acc = self.accounts()?;
        acc.update_user(&u)?;
        acc.delete_sessions_of(name)?;
        user_view(&u)
    }

    /// Opens a session for a name and password. A wrong name and a wrong password give the
    /// same answer, after the same work.
    pub fn login(&self, req: &Login) -> Result<SessionOpened> {
        const WRONG: &str = "wrong user name or password";
        let user = match self.accounts()?.user(&req.name)? {
            Some(u) => u,
            None => {
                // Spend the time a real check takes, so timing tells no names.
                let _ = verify_password(&req.password, dummy_hash()?);
                return Err(unauthenticated(WRONG));
            }
        };
        if !verify_password(&req.password, &user.password_hash) {
            return Err(unauthenticated(WRONG));
        }
        if user.disabled {
            return Err(unauthenticated("this account is disabled"));
        }
        self.check_writable()?;
        let token = random_secret(SESSION_PREFIX)?;
        let csrf = random_secret("")?;
        let t = now();
        let expires = t + SESSION_IDLE;
        self.accounts()?.add_session(&SessionRow {
            token_hash: hash_token(&token),
            user_name: user.name.clone(),
            csrf_hash: hash_token(&csrf),
            created: stamp(t),
            expires: stamp(expires),
            last_used: stamp(t),
        })?;
        Ok(SessionOpened {
            user: user_view(&user)?,
            token,
            csrf,
            expires: stamp(expires),
        })
    }

    /// Ends the session whose token this is (nothing when there is none).
    pub fn logout(&self, token: &str) -> Result<()> {
        self.accounts()?.delete_session(&hash_token(token))?;
        Ok(())
    }

    /// Who holds `token` (a session or an API token): refused when unknown, expired, revoked
    /// or the user is disabled.
    pub fn authenticate(&self, token: &str) -> Result<Principal> {
        let acc = self.accounts()?;
        let h = hash_token(token);
        let t = now();
        if token.starts_with(SESSION_PREFIX) {
            let s = acc
                .session(&h)?
                .ok_or_else(|| unauthenticated("not signed in (unknown or ended session)"))?;
            if parse_stamp(&s.expires, "session expiry")? <= t {
                acc.delete_session(&h)?;
                return Err(unauthenticated("the session has expired; sign in again"));
            }
            let user = self.active_user(&s.user_name)?;
            let writable = self.access() == crate::Access::ReadWrite;
            if writable && parse_stamp(&s.last_used, "session use")? + TOUCH_EVERY <= t {
                acc.touch_session(&h, &stamp(t), &stamp(t + SESSION_IDLE))?;
            }
            return Ok(Principal {
                user: user.name,
                role: Role::parse(&user.role)?,
                credential: Credential::Session {
                    token_hash: h,
                    csrf_hash: s.csrf_hash,
                },
            });
        }
        if token.starts_with(TOKEN_PREFIX) {
            let k = acc
                .token(&h)?
                .ok_or_else(|| unauthenticated("unknown API token"))?;
            if k.revoked.is_some() {
                return Err(unauthenticated(&format!("API token {} was revoked", k.id)));
            }
            if parse_stamp(&k.expires, "token expiry")? <= t {
                return Err(unauthenticated(&format!("API token {} has expired", k.id)));
            }
            let user = self.active_user(&k.user_name)?;
            let stale = match &k.last_used {
                Some(u) => parse_stamp(u, "token use")? + TOUCH_EVERY <= t,
                None => true,
            };
            if stale && self.access() == crate::Access::ReadWrite {
                acc.touch_token(&k.id, &stamp(t))?;
            }
            // A token never carries more than its user has now.
            let role = Role::parse(&k.role)?.min(Role::parse(&user.role)?);
            return Ok(Principal {
                user: user.name,
                role,
                credential: Credential::Token { id: k.id },
            });
        }
        Err(unauthenticated("not an entente session or API token"))
    }

    fn active_user(&self, name: &str) -> Result<UserRow> {
        let u = self
            .accounts()?
            .user(name)?
            .ok_or_else(|| unauthenticated("the account no longer exists"))?;
        if u.disabled {
            return Err(unauthenticated("this account is disabled"));
        }
        Ok(u)
    }

    /// Creates an API token for the caller.
    pub fn create_token(&self, by: &Principal, req: &TokenCreate) -> Result<TokenCreated> {
        by.require(Permission::Read)?;
        let label = req.label.trim();
        if label.is_empty() || label.chars().count() > 100 {
            return Err(AppError::invalid("`label`: 1–100 characters"));
        }
        let role = req.role.unwrap_or(by.role);
        if role > by.role {
            return Err(AppError::new(
                ErrorKind::Forbidden,
                format!(
                    "`role`: a {} cannot make a {} token",
                    by.role.as_str(),
                    role.as_str()
                ),
            ));
        }
        let days = req.days.unwrap_or(90);
        if !(1..=366).contains(&days) {
            return Err(AppError::invalid("`days`: 1 to 366"));
        }
        let token = random_secret(TOKEN_PREFIX)?;
        let t = now();
        let row = TokenRow {
            id: hash_token(&token)[..12].to_string(),
            token_hash: hash_token(&token),
            user_name: by.user.clone(),
            label: label.to_string(),
            role: role.as_str().into(),
            created: stamp(t),
            expires: stamp(t + Duration::days(days.into())),
            revoked: None,
            last_used: None,
        };
        self.accounts()?.add_token(&row)?;
        Ok(TokenCreated {
            token,
            view: token_view(&row)?,
        })
    }

    /// The caller's API tokens (an admin's: everyone's).
    pub fn tokens(&self, by: &Principal) -> Result<Vec<TokenView>> {
        by.require(Permission::Read)?;
        let user = (by.role < Role::Admin).then_some(by.user.as_str());
        self.accounts()?
            .tokens(user)?
            .iter()
            .map(token_view)
            .collect()
    }

    /// Revokes a token of the caller's (an admin: anyone's).
    pub fn revoke_token(&self, by: &Principal, id: &str) -> Result<TokenView> {
        by.require(Permission::Read)?;
        let acc = self.accounts()?;
        let mut k = acc
            .tokens(None)?
            .into_iter()
            .find(|k| k.id == id)
            .filter(|k| by.role == Role::Admin || k.user_name == by.user)
            .ok_or_else(|| AppError::not_found(format!("no API token {id} of yours")))?;
        if k.revoked.is_none() {
            // The store keeps the first revocation time; this is the first.
            let at = stamp(now());
            acc.revoke_token(&k.id, &at)?;
            k.revoked = Some(at);
        }
        token_view(&k)
    }
}

/// The hash of a random password nobody knows, to verify against when a name is unknown.
fn dummy_hash() -> Result<&'static str> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h);
    }
    let h = hash_password(&random_secret("")?)?;
    Ok(DUMMY.get_or_init(|| h))
}
