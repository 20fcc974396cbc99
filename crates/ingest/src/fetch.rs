//! Fetching http(s) URLs with ureq (blocking): a global timeout, bounded redirects, and a
//! size cap enforced while the body is read (a `Content-Length` over the cap is refused
//! before reading). Non-2xx statuses are errors. The Content-Type is returned for format
//! sniffing and its `charset` (see [`crate::decode::content_type_charset`]).

use std::io::Read;

use ureq::ResponseExt;

use crate::IngestError;

/// Options for fetching http(s) URLs.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub timeout: std::time::Duration,
    pub max_bytes: u64,
    pub max_redirects: u32,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: std::time::Duration::from_secs(30),
            max_bytes: 50 * 1024 * 1024,
            max_redirects: 5,
        }
    }
}

/// A fetched response body.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL after redirects.
    pub url: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

impl Fetched {
    /// The `charset` of the Content-Type, if any (the declared encoding for decoding).
    pub fn charset(&self) -> Option<String> {
        self.content_type
            .as_deref()
            .and_then(crate::decode::content_type_charset)
    }
}

/// The User-Agent sent with requests.
pub const USER_AGENT: &str = concat!("entente/", env!("CARGO_PKG_VERSION"));

fn describe(url: &str, e: ureq::Error, opts: &FetchOptions) -> IngestError {
    let message = match e {
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::NotConnected
            | std::io::ErrorKind::AddrNotAvailable
            | std::io::ErrorKind::HostUnreachable
            | std::io::ErrorKind::NetworkUnreachable => format!("could not connect: {io}"),
            std::io::ErrorKind::TimedOut => {
                format!("timed out after {} s", opts.timeout.as_secs_f64())
            }
            _ => format!("network error: {io}"),
        },
        ureq::Error::Timeout(t) => {
            format!("timed out after {} s ({t})", opts.timeout.as_secs_f64())
        }
        ureq::Error::HostNotFound => "could not resolve the host name".into(),
        ureq::Error::ConnectionFailed => "could not connect".into(),
        ureq::Error::TooManyRedirects => {
            format!("too many redirects (more than {})", opts.max_redirects)
        }
        ureq::Error::BadUri(s) => format!("invalid URL: {s}"),
        ureq::Error::Tls(s) => format!("TLS error: {s}"),
        ureq::Error::StatusCode(c) => format!("HTTP status {c}"),
        ureq::Error::BodyExceedsLimit(n) => {
            return IngestError::TooLarge {
                origin: url.into(),
                size: n,
                limit: opts.max_bytes,
            };
        }
        other => other.to_string(),
    };
    IngestError::Fetch {
        url: url.into(),
        message,
    }
}

/// Fetches `url` (http or https) with a timeout, a size cap and bounded redirects.
pub fn fetch(url: &str, opts: &FetchOptions) -> Result<Fetched, IngestError> {
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(IngestError::Fetch {
            url: url.into(),
            message: "only http:// and https:// URLs can be fetched".into(),
        });
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .max_redirects(opts.max_redirects)
        .http_status_as_error(false)
        .user_agent(USER_AGENT)
        .build()
        .into();
    let response = agent
        .get(url.trim())
        .call()
        .map_err(|e| describe(url, e, opts))?;
    let status = response.status();
    if status.is_redirection() {
        return Err(IngestError::Fetch {
            url: url.into(),
            message: format!(
                "HTTP {status}: redirect not followed (limit {})",
                opts.max_redirects
            ),
        });
    }
    if !status.is_success() {
        return Err(IngestError::Fetch {
            url: url.into(),
            message: format!("HTTP {status}"),
        });
    }
    let final_url = response.get_uri().to_string();
    let content_type = response
        .headers()
        .get(ureq::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let body = response.into_body();
    if let Some(len) = body.content_length()
        && len > opts.max_bytes
    {
        return Err(IngestError::TooLarge {
            origin: url.into(),
            size: len,
            limit: opts.max_bytes,
        });
    }
    let mut bytes = Vec::new();
    body.into_reader()
        .take(opts.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| IngestError::Fetch {
            url: url.into(),
            message: format!("error reading the response: {e}"),
        })?;
    if bytes.len() as u64 > opts.max_bytes {
        return Err(IngestError::TooLarge {
            origin: url.into(),
            size: bytes.len() as u64,
            limit: opts.max_bytes,
        });
    }
    Ok(Fetched {
        url: final_url,
        content_type,
        bytes,
    })
}
