//! Who is calling: a session cookie (browsers) or a bearer API token (scripts). Unsafe
//! requests on a session must carry its CSRF token; login attempts are rate-limited.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use entente_app::Principal;

use crate::{ApiError, Server};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "entente_session";
/// The header an unsafe request on a session carries its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The authenticated caller of a request. Extracting it refuses anonymous callers (401),
/// and unsafe requests on a session without its CSRF token (403).
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

/// The secret a request presents: a bearer token first, else the session cookie.
pub fn presented_token(parts: &Parts) -> Option<String> {
    if let Some(v) = parts.headers.get(header::AUTHORIZATION) {
        let v = v.to_str().ok()?;
        let (scheme, token) = v.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_string());
    }
    session_cookie(&parts.headers)
}

/// The session cookie's value, if the request has one.
pub fn session_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<Arc<Server>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        server: &Arc<Server>,
    ) -> Result<Caller, ApiError> {
        let token = presented_token(parts).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "sign in first (POST /api/v1/session) or send `Authorization: Bearer <API token>`",
            )
        })?;
        let principal = server.blocking(move |app| app.authenticate(&token)).await?;
        if !is_safe(&parts.method) {
            let csrf = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !principal.csrf_ok(csrf) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    format!(
                        "a change made with a session cookie must carry the session's CSRF token in the `{CSRF_HEADER}` header"
                    ),
                ));
            }
        }
        Ok(Caller(principal))
    }
}

/// Failed logins per key (a user name, a client address) in a sliding window.
pub struct LoginLimiter {
    window: Duration,
    max_failures: u32,
    failures: Mutex<HashMap<String, (Instant, u32)>>,
}

impl LoginLimiter {
    pub fn new(max_failures: u32, window: Duration) -> LoginLimiter {
        LoginLimiter {
            window,
            max_failures,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, u32)>> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Refuses (429) when any key has used up its failures in the window.
    pub fn check(&self, keys: &[&str]) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut m = self.map();
        m.retain(|_, (since, _)| now.duration_since(*since) < self.window);
        if keys
            .iter()
            .any(|k| m.get(*k).is_some_and(|(_, n)| *n >= self.max_failures))
        {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!(
                    "too many failed sign-ins; wait {} minutes",
                    self.window.as_secs().div_ceil(60)
                ),
            ));
        }
        Ok(())
    }

    pub fn failed(&self, keys: &[&str]) {
        let now = Instant::now();
        let mut m = self.map();
        for k in keys {
            let e = m.entry(k.to_string()).or_insert((now, 0));
            e.1 += 1;
        }
    }

    pub fn succeeded(&self, user: &str) {
        self.map().remove(user);
    }
}
