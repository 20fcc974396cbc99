//! Fetching http(s) URLs with ureq (blocking): a global timeout, bounded redirects, and a
//! size cap enforced while the body is read (a `Content-Length` over the cap is refused
//! before reading). Non-2xx statuses are errors. The Content-Type is returned for format
//! sniffing and its `charset` (see [`crate::decode::content_type_charset`]).
//!
//! Fetching is confined ([`FetchPolicy`]): only http and https, and by default only public
//! addresses — loopback, private, link-local (cloud metadata at 169.254.169.254), shared,
//! multicast and reserved addresses are refused. The check runs on the addresses the host
//! name resolves to, in the resolver the connection then uses (no second lookup to race),
//! and again on every redirect. No proxy is used, so the checked address is the one dialled.

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use ureq::ResponseExt;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};

use crate::IngestError;

/// Options for fetching http(s) URLs.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub timeout: std::time::Duration,
    pub max_bytes: u64,
    pub max_redirects: u32,
    /// Which non-public hosts may be fetched (none by default).
    pub policy: FetchPolicy,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: std::time::Duration::from_secs(30),
            max_bytes: 50 * 1024 * 1024,
            max_redirects: 5,
            policy: FetchPolicy::default(),
        }
    }
}

/// Hosts and networks an administrator allows besides public addresses (`config.toml`:
/// `[fetch] allow = ["127.0.0.1", "10.1.0.0/16", "wiki.intranet.example"]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchPolicy {
    allow: Vec<Allowed>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Allowed {
    /// A host name, compared case-insensitively with the URL's host.
    Host(String),
    /// An address or network (`prefix` bits).
    Net(IpAddr, u8),
}

impl FetchPolicy {
    /// Reads the allow list; an entry that is neither a host name, an address nor a network
    /// in CIDR notation is an error naming it.
    pub fn parse(entries: &[String]) -> Result<Self, String> {
        let mut allow = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let t = e.trim();
            let bad = |why: &str| format!("allow[{i}] `{e}`: {why}");
            if let Some((a, bits)) = t.split_once('/') {
                let ip: IpAddr = a.parse().map_err(|_| bad("not an IP network"))?;
                let max = if ip.is_ipv4() { 32 } else { 128 };
                let bits: u8 = bits
                    .parse()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| bad(&format!("the prefix must be 0–{max}")))?;
                allow.push(Allowed::Net(ip, bits));
            } else if let Ok(ip) = t.trim_matches(['[', ']']).parse::<IpAddr>() {
                allow.push(Allowed::Net(ip, if ip.is_ipv4() { 32 } else { 128 }));
            } else if !t.is_empty()
                && t.len() <= 253
                && t.split('.').all(|l| {
                    !l.is_empty()
                        && l.len() <= 63
                        && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                })
            {
                allow.push(Allowed::Host(t.to_ascii_lowercase()));
            } else {
                return Err(bad(
                    "not a host name, an IP address or a network like 10.0.0.0/8",
                ));
            }
        }
        Ok(FetchPolicy { allow })
    }

    /// Allows loopback addresses (tests, and a local mirror an analyst runs).
    pub fn allow_loopback() -> Self {
        FetchPolicy {
            allow: vec![
                Allowed::Net(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 0)), 8),
                Allowed::Net(IpAddr::V6(Ipv6Addr::LOCALHOST), 128),
            ],
        }
    }

    fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim_matches(['[', ']']).to_ascii_lowercase();
        self.allow
            .iter()
            .any(|a| matches!(a, Allowed::Host(h) if *h == host))
    }

    fn ip_allowed(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.allow.iter().any(|a| match a {
            Allowed::Net(net, bits) => in_net(ip, canonical(*net), *bits),
            Allowed::Host(_) => false,
        })
    }

    /// Whether `ip` (an address `host` resolved to) may be dialled.
    pub fn permits(&self, host: &str, ip: IpAddr) -> bool {
        is_public(ip) || self.host_allowed(host) || self.ip_allowed(ip)
    }
}

/// An IPv4-mapped or -compatible IPv6 address as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

fn in_net(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(bits))
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(bits))
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// A globally routable unicast address: not loopback, private (RFC 1918, unique local),
/// link-local, shared (100.64/10), multicast, broadcast, unspecified, documentation,
/// benchmarking, 6to4/Teredo/NAT64 wrappers of those, or reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(a) => {
            let o = a.octets();
            !(a.is_unspecified()
                || a.is_loopback()
                || a.is_private()
                || a.is_link_local()
                || a.is_multicast()
                || a.is_broadcast()
                || a.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || o[0] >= 240)
        }
        IpAddr::V6(a) => {
            let s = a.segments();
            let embedded_v4 = |hi: u16, lo: u16| {
                IpAddr::V4(Ipv4Addr::new(
                    (hi >> 8) as u8,
                    hi as u8,
                    (lo >> 8) as u8,
                    lo as u8,
                ))
            };
            if s[0] == 0x2002 {
                // 6to4: the IPv4 address in bits 16–47.
                return is_public(embedded_v4(s[1], s[2]));
            }
            if s[0] == 0x0064 && s[1] == 0xff9b {
                // NAT64: the IPv4 address in the last 32 bits.
                return is_public(embedded_v4(s[6], s[7]));
            }
            !(a.is_unspecified()
                || a.is_loopback()
                || a.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x2001 && s[1] == 0) // Teredo
                || s[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible (deprecated)
        }
    }
}

/// Why a fetch was refused before connecting.
#[derive(Debug)]
struct Refused {
    host: String,
    ip: IpAddr,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match canonical(self.ip) {
            ip if ip.is_loopback() => "a loopback address",
            IpAddr::V4(a) if a.is_link_local() => "a link-local address",
            IpAddr::V6(a) if (a.segments()[0] & 0xffc0) == 0xfe80 => "a link-local address",
            IpAddr::V4(a) if a.is_private() => "a private address",
            IpAddr::V6(a) if (a.segments()[0] & 0xfe00) == 0xfc00 => "a private address",
            ip if ip.is_multicast() => "a multicast address",
            _ => "not a public address",
        };
        write!(
            f,
            "refused: {} resolves to {} ({kind}); fetching is confined to public addresses \
             unless an administrator allows the host in config.toml ([fetch] allow = [\"{}\"])",
            self.host, self.ip, self.host
        )
    }
}

impl std::error::Error for Refused {}

/// The default resolver, then the policy on every address it returns.
#[derive(Debug)]
struct ConfinedResolver {
    inner: DefaultResolver,
    policy: Arc<FetchPolicy>,
}

impl Resolver for ConfinedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let scheme = uri.scheme_str().unwrap_or_default().to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(ureq::Error::BadUri(format!(
                "only http:// and https:// URLs can be fetched, not {uri}"
            )));
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        let host = uri.host().unwrap_or_default();
        if let Some(bad) = addrs.iter().find(|a| !self.policy.permits(host, a.ip())) {
            return Err(ureq::Error::Other(Box::new(Refused {
                host: host.to_string(),
                ip: bad.ip(),
            })));
        }
        Ok(addrs)
    }
}

/// A fetched response body.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL after redirects.
    pub url: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
    /// Validators of this answer, to send back in a conditional request.
    pub validators: Validators,
}

impl Fetched {
    /// The `charset` of the Content-Type, if any (the declared encoding for decoding).
    pub fn charset(&self) -> Option<String> {
        self.content_type
            .as_deref()
            .and_then(crate::decode::content_type_charset)
    }
}

/// What a server said identifies a version of a resource: sent back as `If-None-Match` and
/// `If-Modified-Since`, they let it answer 304 Not Modified instead of the same body again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// The answer to a conditional request.
#[derive(Debug, Clone)]
pub enum Conditional {
    /// 304: the resource is as it was when the validators were given.
    NotModified,
    Fetched(Fetched),
}

/// The User-Agent sent with requests.
pub const USER_AGENT: &str = concat!("entente/", env!("CARGO_PKG_VERSION"));

fn fail(url: &str, message: String, transient: bool) -> IngestError {
    IngestError::Fetch {
        url: url.into(),
        message,
        transient,
    }
}

fn describe(url: &str, e: ureq::Error, opts: &FetchOptions) -> IngestError {
    let (message, transient) = match e {
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::NotConnected
            | std::io::ErrorKind::AddrNotAvailable
            | std::io::ErrorKind::HostUnreachable
            | std::io::ErrorKind::NetworkUnreachable => (format!("could not connect: {io}"), true),
            std::io::ErrorKind::TimedOut => (
                format!("timed out after {} s", opts.timeout.as_secs_f64()),
                true,
            ),
            _ => (format!("network error: {io}"), true),
        },
        ureq::Error::Timeout(t) => (
            format!("timed out after {} s ({t})", opts.timeout.as_secs_f64()),
            true,
        ),
        ureq::Error::HostNotFound => ("could not resolve the host name".into(), true),
        ureq::Error::ConnectionFailed => ("could not connect".into(), true),
        ureq::Error::TooManyRedirects => (
            format!("too many redirects (more than {})", opts.max_redirects),
            false,
        ),
        ureq::Error::BadUri(s) => (format!("invalid URL: {s}"), false),
        ureq::Error::Tls(s) => (format!("TLS error: {s}"), false),
        ureq::Error::StatusCode(c) => (format!("HTTP status {c}"), transient_status(c)),
        ureq::Error::BodyExceedsLimit(n) => {
            return IngestError::TooLarge {
                origin: url.into(),
                size: n,
                limit: opts.max_bytes,
            };
        }
        ureq::Error::Other(e) if e.is::<Refused>() => (e.to_string(), false),
        other => (other.to_string(), false),
    };
    fail(url, message, transient)
}

/// Statuses worth asking again later: the server is overloaded, failing or rate-limiting.
fn transient_status(code: u16) -> bool {
    code == 408 || code == 429 || (500..600).contains(&code)
}

/// Fetches `url` (http or https) with a timeout, a size cap and bounded redirects.
pub fn fetch(url: &str, opts: &FetchOptions) -> Result<Fetched, IngestError> {
    match request(url, opts, &Validators::default())? {
        Conditional::Fetched(f) => Ok(f),
        // Only sent when asked for with validators, which were none.
        Conditional::NotModified => Err(fail(
            url,
            "HTTP 304 Not Modified to an unconditional request".into(),
            false,
        )),
    }
}

/// [`fetch`] as a conditional request: with the validators of an earlier answer, a server
/// that has nothing new answers 304 and no body is read.
pub fn fetch_conditional(
    url: &str,
    opts: &FetchOptions,
    since: &Validators,
) -> Result<Conditional, IngestError> {
    request(url, opts, since)
}

fn header(
    response: &ureq::http::Response<ureq::Body>,
    name: ureq::http::HeaderName,
) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn request(url: &str, opts: &FetchOptions, since: &Validators) -> Result<Conditional, IngestError> {
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(fail(
            url,
            "only http:// and https:// URLs can be fetched".into(),
            false,
        ));
    }
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .max_redirects(opts.max_redirects)
        .http_status_as_error(false)
        .user_agent(USER_AGENT)
        .proxy(None)
        .build();
    let agent = ureq::Agent::with_parts(
        config,
        ureq::unversioned::transport::DefaultConnector::new(),
        ConfinedResolver {
            inner: DefaultResolver::default(),
            policy: Arc::new(opts.policy.clone()),
        },
    );
    let mut req = agent.get(url.trim());
    if let Some(e) = &since.etag {
        req = req.header(ureq::http::header::IF_NONE_MATCH, e);
    }
    if let Some(m) = &since.last_modified {
        req = req.header(ureq::http::header::IF_MODIFIED_SINCE, m);
    }
    let response = req.call().map_err(|e| describe(url, e, opts))?;
    let status = response.status();
    if status == ureq::http::StatusCode::NOT_MODIFIED
        && (since.etag.is_some() || since.last_modified.is_some())
    {
        return Ok(Conditional::NotModified);
    }
    if status.is_redirection() {
        return Err(fail(
            url,
            format!(
                "HTTP {status}: redirect not followed (limit {})",
                opts.max_redirects
            ),
            false,
        ));
    }
    if !status.is_success() {
        return Err(fail(
            url,
            format!("HTTP {status}"),
            transient_status(status.as_u16()),
        ));
    }
    let final_url = response.get_uri().to_string();
    let content_type = header(&response, ureq::http::header::CONTENT_TYPE);
    let validators = Validators {
        etag: header(&response, ureq::http::header::ETAG),
        last_modified: header(&response, ureq::http::header::LAST_MODIFIED),
    };
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
        .map_err(|e| fail(url, format!("error reading the response: {e}"), true))?;
    if bytes.len() as u64 > opts.max_bytes {
        return Err(IngestError::TooLarge {
            origin: url.into(),
            size: bytes.len() as u64,
            limit: opts.max_bytes,
        });
    }
    Ok(Conditional::Fetched(Fetched {
        url: final_url,
        content_type,
        bytes,
        validators,
    }))
}
