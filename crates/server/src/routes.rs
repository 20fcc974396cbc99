//! The routes of `/api/v1`: one per application-layer operation. Each handler checks the
//! caller's role, parses the request into the app's types, calls the app on a blocking
//! thread and answers with the same JSON shapes as the CLI's `--json`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use axum::{Json, Router};
use entente_app::export::ExportFormat;
use entente_app::{
    ActorQuery, AuditFilter, BriefSpec, ChronologyQuery, CompareRequest, EventAdd, EventEdit,
    EventQuery, ExchangesQuery, ExtractRequest, GraphQuery, IngestRequest, JobRequest, LadderQuery,
    Login, Permission, Principal, ReconcileQuery, ScreenQuery, SearchRequest, SeriesQuery,
    SourceQuery, TokenCreate, TopQuery, TotalsQuery, TrendQuery, UserAdd, WatchAdd, WatchJob,
    YtdQuery,
};
use entente_core::{DateValue, Lang, Status};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::auth::{Caller, SESSION_COOKIE, session_cookie};
use crate::{ApiError, Server};

type S = Arc<Server>;
type Res = Result<Response, ApiError>;

pub fn api() -> Router<S> {
    crate::openapi::ops()
        .into_iter()
        .fold(Router::new(), |r, op| r.route(op.path, (op.handler)()))
}

/// Any other path: a problem document, not an empty 404.
pub async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no route {}", uri.path()),
    )
}

// ---- extractors whose refusals are problem documents naming the field ----

/// A JSON body (`application/json`), unknown fields refused by the app's types.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, St: Send + Sync> FromRequest<St> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &St) -> Result<Body<T>, ApiError> {
        match Json::<serde_json::Value>::from_request(req, state).await {
            // Every body is an object: serde would also read a struct from an array of its
            // fields in order, which no caller means.
            Ok(Json(v)) if !v.is_object() => Err(ApiError::invalid(
                "request body: a JSON object, `{…}`, not an array or a single value",
            )),
            Ok(Json(v)) => serde_json::from_value(v)
                .map(Body)
                .map_err(|e| ApiError::invalid(format!("request body: {e}"))),
            Err(rej) => Err(match rej.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "the request body is larger than this server accepts",
                ),
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "send the body as JSON with `Content-Type: application/json`",
                ),
                _ => ApiError::invalid(format!("request body: {}", rej.body_text())),
            }),
        }
    }
}

/// Query parameters (repeat a name for a list: `actors=KP&actors=RU`). A parameter with an
/// empty value (`from=`, as an HTML form sends an empty field) is the same as one left out.
pub struct Q<T>(pub T);

impl<T: DeserializeOwned, St: Send + Sync> FromRequestParts<St> for Q<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &St) -> Result<Q<T>, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        let given: String = query
            .split('&')
            .filter(|pair| pair.split_once('=').is_some_and(|(_, v)| !v.is_empty()))
            .collect::<Vec<_>>()
            .join("&");
        serde_html_form::from_str::<T>(&given)
            .map(Q)
            .map_err(|e| ApiError::invalid(format!("query parameters: {e}")))
    }
}

/// One path segment.
pub struct Seg(pub String);

impl<St: Send + Sync> FromRequestParts<St> for Seg {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Seg, ApiError> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|p| Seg(p.0))
            .map_err(|rej| ApiError::invalid(format!("path: {}", rej.body_text())))
    }
}

fn json<T: Serialize>(status: StatusCode, v: &T) -> Res {
    Ok((status, Json(v)).into_response())
}

fn allow(caller: &Principal, act: Permission) -> Result<(), ApiError> {
    caller.require(act).map_err(ApiError::from)
}

// ---- health, sessions, tokens, users ----

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Health {
    status: &'static str,
    version: &'static str,
}

/// The OpenAPI document, built once.
pub(crate) async fn openapi_json(Caller(who): Caller) -> Res {
    allow(&who, Permission::Read)?;
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let doc = DOC.get_or_init(|| crate::openapi::document().to_string());
    text("application/json", doc.clone())
}

pub(crate) async fn health() -> Res {
    json(
        StatusCode::OK,
        &Health {
            status: "ok",
            version: env!("CARGO_PKG_VERSION"),
        },
    )
}

/// What a sign-in answers: the session's token itself only travels in the cookie.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct SessionView {
    user: entente_app::UserView,
    /// Send it as `X-CSRF-Token` with every request that changes something.
    csrf: String,
    expires: String,
}

fn cookie(server: &Server, value: &str, max_age: i64) -> Result<HeaderValue, ApiError> {
    let secure = if server.config.secure_cookie {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .map_err(|e| ApiError::internal(format!("session cookie: {e}")))
}

pub(crate) async fn login(
    State(s): State<S>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Body(req): Body<Login>,
) -> Res {
    let ip = addr.ip().to_string();
    let name = req.name.clone();
    let keys = [format!("user:{name}"), format!("ip:{ip}")];
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    s.logins.check(&keys)?;
    match s.blocking(move |app| app.login(&req)).await {
        Ok(opened) => {
            s.logins.succeeded(keys[0]);
            let max_age = entente_app::SESSION_IDLE.num_seconds();
            let mut r = (
                StatusCode::OK,
                Json(SessionView {
                    user: opened.user,
                    csrf: opened.csrf,
                    expires: opened.expires,
                }),
            )
                .into_response();
            r.headers_mut()
                .insert(header::SET_COOKIE, cookie(&s, &opened.token, max_age)?);
            Ok(r)
        }
        Err(e) => {
            if e.status == StatusCode::UNAUTHORIZED {
                tracing::info!(user = %name, client = %ip, "failed sign-in");
                s.logins.failed(&keys);
            }
            Err(e)
        }
    }
}

pub(crate) async fn logout(State(s): State<S>, Caller(_who): Caller, headers: HeaderMap) -> Res {
    if let Some(token) = session_cookie(&headers) {
        s.blocking(move |app| app.logout(&token)).await?;
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, cookie(&s, "", 0)?);
    Ok(r)
}

pub(crate) async fn me(Caller(who): Caller) -> Res {
    json(StatusCode::OK, &who)
}

pub(crate) async fn list_tokens(State(s): State<S>, Caller(who): Caller) -> Res {
    let rows = s.blocking(move |app| app.tokens(&who)).await?;
    json(StatusCode::OK, &rows)
}

pub(crate) async fn create_token(
    State(s): State<S>,
    Caller(who): Caller,
    Body(req): Body<TokenCreate>,
) -> Res {
    let made = s.blocking(move |app| app.create_token(&who, &req)).await?;
    json(StatusCode::CREATED, &made)
}

pub(crate) async fn revoke_token(State(s): State<S>, Caller(who): Caller, Seg(id): Seg) -> Res {
    let t = s.blocking(move |app| app.revoke_token(&who, &id)).await?;
    json(StatusCode::OK, &t)
}

pub(crate) async fn list_users(State(s): State<S>, Caller(who): Caller) -> Res {
    let rows = s.blocking(move |app| app.users(&who)).await?;
    json(StatusCode::OK, &rows)
}

pub(crate) async fn add_user(
    State(s): State<S>,
    Caller(who): Caller,
    Body(req): Body<UserAdd>,
) -> Res {
    let u = s.blocking(move |app| app.add_user(&who, &req)).await?;
    json(StatusCode::CREATED, &u)
}

pub(crate) async fn disable_user(State(s): State<S>, Caller(who): Caller, Seg(name): Seg) -> Res {
    let u = s
        .blocking(move |app| app.set_user_disabled(&who, &name, true))
        .await?;
    json(StatusCode::OK, &u)
}

pub(crate) async fn enable_user(State(s): State<S>, Caller(who): Caller, Seg(name): Seg) -> Res {
    let u = s
        .blocking(move |app| app.set_user_disabled(&who, &name, false))
        .await?;
    json(StatusCode::OK, &u)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewPassword {
    password: String,
}

pub(crate) async fn reset_password(
    State(s): State<S>,
    Caller(who): Caller,
    Seg(name): Seg,
    Body(req): Body<NewPassword>,
) -> Res {
    let u = s
        .blocking(move |app| app.reset_password(&who, &name, &req.password))
        .await?;
    json(StatusCode::OK, &u)
}

// ---- sources and search ----

/// The most rows one page holds; more come by paging (there is no cap on the total).
const MAX_PAGE: usize = 1000;

fn page_limit(limit: Option<usize>, default: usize) -> Result<usize, ApiError> {
    match limit.unwrap_or(default) {
        0 => Err(ApiError::invalid("`limit`: at least 1")),
        n if n > MAX_PAGE => Err(ApiError::invalid(format!(
            "`limit`: at most {MAX_PAGE} a page (page on with `after`)"
        ))),
        n => Ok(n),
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct NextPage<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    outlet: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<&'a str>,
    limit: usize,
    after: i64,
}

pub(crate) async fn list_sources(
    State(s): State<S>,
    Caller(who): Caller,
    Q(mut q): Q<SourceQuery>,
) -> Res {
    allow(&who, Permission::Read)?;
    let limit = page_limit(q.limit, 100)?;
    q.limit = Some(limit);
    let query = q.clone();
    let rows = s.blocking(move |app| app.sources(&query)).await?;
    let mut r = (StatusCode::OK, Json(&rows)).into_response();
    if let Some(last) = rows.last().filter(|_| rows.len() == limit) {
        let next = serde_urlencoded::to_string(NextPage {
            outlet: q.outlet.as_deref(),
            lang: q.lang.as_deref(),
            limit,
            after: last.seq,
        })
        .map_err(|e| ApiError::internal(format!("next-page link: {e}")))?;
        if let Ok(v) = HeaderValue::from_str(&format!("</api/v1/sources?{next}>; rel=\"next\"")) {
            r.headers_mut().insert(header::LINK, v);
        }
    }
    Ok(r)
}

pub(crate) async fn show_source(State(s): State<S>, Caller(who): Caller, Seg(id): Seg) -> Res {
    allow(&who, Permission::Read)?;
    let d = s.blocking(move |app| app.source(&id)).await?;
    json(StatusCode::OK, &d)
}

pub(crate) async fn search(
    State(s): State<S>,
    Caller(who): Caller,
    Q(mut q): Q<SearchRequest>,
) -> Res {
    allow(&who, Permission::Read)?;
    q.limit = page_limit(Some(q.limit), 10)?;
    let page = s.blocking(move |app| app.search(&q)).await?;
    json(StatusCode::OK, &page)
}

// ---- events ----

/// An event's entity tag: its version.
fn etag(version: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"v{version}\"")).unwrap_or(HeaderValue::from_static("\"\""))
}

/// The version an `If-Match` names (`"v3"`); `None` without the header or for `*`.
fn if_match(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let v = v
        .to_str()
        .map_err(|_| ApiError::invalid("`If-Match`: not ASCII"))?
        .trim();
    if v == "*" {
        return Ok(None);
    }
    v.strip_prefix("\"v")
        .and_then(|r| r.strip_suffix('"'))
        .and_then(|n| n.parse::<u64>().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "`If-Match`: {v:?} is not an event's entity tag (send the ETag it came with, e.g. \"v3\")"
            ))
        })
}

fn with_etag(status: StatusCode, e: &entente_app::EventView) -> Res {
    let mut r = (status, Json(e)).into_response();
    r.headers_mut().insert(header::ETAG, etag(e.version));
    Ok(r)
}

pub(crate) async fn list_events(
    State(s): State<S>,
    Caller(who): Caller,
    Q(mut q): Q<EventQuery>,
) -> Res {
    allow(&who, Permission::Read)?;
    let limit = page_limit(q.limit, 100)?;
    q.limit = Some(limit);
    let query = q.clone();
    let rows = s.blocking(move |app| app.events(&query)).await?;
    let mut r = (StatusCode::OK, Json(&rows)).into_response();
    if let Some(last) = rows.last().filter(|_| rows.len() == limit) {
        q.after = Some(last.id.clone());
        let next = serde_html_form::to_string(&q)
            .map_err(|e| ApiError::internal(format!("next-page link: {e}")))?;
        if let Ok(v) = HeaderValue::from_str(&format!("</api/v1/events?{next}>; rel=\"next\"")) {
            r.headers_mut().insert(header::LINK, v);
        }
    }
    Ok(r)
}

pub(crate) async fn show_event(State(s): State<S>, Caller(who): Caller, Seg(id): Seg) -> Res {
    allow(&who, Permission::Read)?;
    let e = s.blocking(move |app| app.event(&id)).await?;
    with_etag(StatusCode::OK, &e)
}

pub(crate) async fn review(
    s: S,
    who: Principal,
    id: String,
    headers: HeaderMap,
    status: Status,
) -> Res {
    allow(&who, Permission::Write)?;
    let expected = if_match(&headers)?;
    let e = s
        .blocking(move |app| app.review_event(&who, &id, status, expected))
        .await?;
    with_etag(StatusCode::OK, &e)
}

pub(crate) async fn confirm_event(
    State(s): State<S>,
    Caller(who): Caller,
    Seg(id): Seg,
    h: HeaderMap,
) -> Res {
    review(s, who, id, h, Status::Confirmed).await
}

pub(crate) async fn reject_event(
    State(s): State<S>,
    Caller(who): Caller,
    Seg(id): Seg,
    h: HeaderMap,
) -> Res {
    review(s, who, id, h, Status::Rejected).await
}

pub(crate) async fn edit_event(
    State(s): State<S>,
    Caller(who): Caller,
    Seg(id): Seg,
    headers: HeaderMap,
    Body(mut edit): Body<EventEdit>,
) -> Res {
    allow(&who, Permission::Write)?;
    match (if_match(&headers)?, edit.version) {
        (Some(v), 0) => edit.version = v,
        (Some(v), b) if v != b => {
            return Err(ApiError::invalid(format!(
                "`version` {b} and `If-Match` \"v{v}\" disagree: send one"
            )));
        }
        (Some(_), _) => {}
        (None, 0) => {
            return Err(ApiError::new(
                StatusCode::PRECONDITION_REQUIRED,
                "precondition_required",
                "an edit names the version it was made on: send the event's ETag as `If-Match` (or `version` in the body)",
            ));
        }
        (None, _) => {}
    }
    let e = s
        .blocking(move |app| app.edit_event(&who, &id, &edit))
        .await?;
    with_etag(StatusCode::OK, &e)
}

pub(crate) async fn add_event(
    State(s): State<S>,
    Caller(who): Caller,
    Body(req): Body<EventAdd>,
) -> Res {
    allow(&who, Permission::Write)?;
    let e = s.blocking(move |app| app.add_event(&who, &req)).await?;
    let mut r = with_etag(StatusCode::CREATED, &e)?;
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/events/{}", e.id)) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct AuditPage {
    after: Option<i64>,
    limit: Option<usize>,
}

pub(crate) async fn event_audit(
    State(s): State<S>,
    Caller(who): Caller,
    Seg(id): Seg,
    Q(p): Q<AuditPage>,
) -> Res {
    allow(&who, Permission::Read)?;
    let limit = page_limit(p.limit, 100)?;
    let rows = s
        .blocking(move |app| {
            app.event(&id)?;
            app.audit_log(&AuditFilter {
                entity: Some("event".into()),
                entity_id: Some(id),
                who: None,
                after: p.after,
                limit,
            })
        })
        .await?;
    json(StatusCode::OK, &rows)
}

pub(crate) async fn audit(
    State(s): State<S>,
    Caller(who): Caller,
    Q(mut f): Q<AuditFilter>,
) -> Res {
    allow(&who, Permission::Read)?;
    f.limit = page_limit(Some(f.limit).filter(|n| *n > 0), 100)?;
    let rows = s.blocking(move |app| app.audit_log(&f)).await?;
    json(StatusCode::OK, &rows)
}

// ---- actors and analyses ----

pub(crate) async fn list_actors(
    State(s): State<S>,
    Caller(who): Caller,
    Q(q): Q<ActorQuery>,
) -> Res {
    allow(&who, Permission::Read)?;
    let rows = s.blocking(move |app| app.actors(&q)).await?;
    json(StatusCode::OK, &rows)
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct OnDay {
    on: Option<DateValue>,
}

pub(crate) async fn show_actor(
    State(s): State<S>,
    Caller(who): Caller,
    Seg(id): Seg,
    Q(d): Q<OnDay>,
) -> Res {
    allow(&who, Permission::Read)?;
    let a = s.blocking(move |app| app.actor(&id, d.on)).await?;
    json(StatusCode::OK, &a)
}

pub(crate) async fn chronology(
    State(s): State<S>,
    Caller(who): Caller,
    Q(q): Q<ChronologyQuery>,
) -> Res {
    allow(&who, Permission::Read)?;
    let rows = s.blocking(move |app| app.chronology(&q)).await?;
    json(StatusCode::OK, &rows)
}

pub(crate) async fn exchanges(
    State(s): State<S>,
    Caller(who): Caller,
    Q(q): Q<ExchangesQuery>,
) -> Res {
    allow(&who, Permission::Read)?;
    let rows = s.blocking(move |app| app.exchanges(&q)).await?;
    json(StatusCode::OK, &rows)
}

pub(crate) async fn compare(
    State(s): State<S>,
    Caller(who): Caller,
    Q(q): Q<CompareRequest>,
) -> Res {
    allow(&who, Permission::Read)?;
    let c = s.blocking(move |app| app.compare(&q)).await?;
    json(StatusCode::OK, &c)
}

pub(crate) async fn trend(State(s): State<S>, Caller(who): Caller, Q(q): Q<TrendQuery>) -> Res {
    allow(&who, Permission::Read)?;
    let t = s.blocking(move |app| app.trend(&q)).await?;
    json(StatusCode::OK, &t)
}

pub(crate) async fn ladder(State(s): State<S>, Caller(who): Caller, Q(q): Q<LadderQuery>) -> Res {
    allow(&who, Permission::Read)?;
    let t = s.blocking(move |app| app.ladder_trend(&q)).await?;
    json(StatusCode::OK, &t)
}

#[derive(Deserialize, Default, Clone, Copy, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum GraphFormat {
    #[default]
    Json,
    Graphml,
    Gexf,
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct GraphParams {
    actors: Vec<String>,
    from: Option<DateValue>,
    to: Option<DateValue>,
    format: GraphFormat,
}

fn text(content_type: &'static str, body: String) -> Res {
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response())
}

pub(crate) async fn graph(State(s): State<S>, Caller(who): Caller, Q(p): Q<GraphParams>) -> Res {
    allow(&who, Permission::Read)?;
    let q = GraphQuery {
        actors: p.actors,
        from: p.from,
        to: p.to,
    };
    let g = s.blocking(move |app| app.relationship_graph(&q)).await?;
    match p.format {
        GraphFormat::Json => text("application/json", g.to_json()),
        GraphFormat::Graphml => text("application/graphml+xml", g.to_graphml()),
        GraphFormat::Gexf => text("application/gexf+xml", g.to_gexf()),
    }
}

#[derive(Deserialize, Default, Clone, Copy, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum BriefFormat {
    #[default]
    Html,
    Md,
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct BriefParams {
    format: BriefFormat,
}

/// A Markdown briefing with the SVG charts it links to (`NAME-svgs/…`).
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct MarkdownBriefing {
    markdown: String,
    svgs: std::collections::BTreeMap<String, String>,
}

/// A briefing from a spec sent as JSON (`application/json`) or TOML (`application/toml`),
/// rendered as one HTML page or as Markdown with its SVG charts.
pub(crate) async fn briefing(
    State(s): State<S>,
    Caller(who): Caller,
    Q(p): Q<BriefParams>,
    headers: HeaderMap,
    Raw(bytes): Raw,
) -> Res {
    allow(&who, Permission::Read)?;
    let body = String::from_utf8(bytes.to_vec()).map_err(|e| {
        ApiError::invalid(format!(
            "request body: a spec is UTF-8 text; invalid byte at {}",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let spec = match kind.as_str() {
        "application/json" => BriefSpec::parse_json(&body, "request"),
        "application/toml" | "text/toml" => BriefSpec::parse(&body, "request"),
        _ => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the spec as `application/json` or `application/toml`",
            ));
        }
    }
    .map_err(|e| ApiError::from(entente_app::AppError::from(e)))?;
    let doc = s
        .blocking(move |app| app.briefing(&spec, "request"))
        .await?;
    match p.format {
        BriefFormat::Html => {
            let mut r = text("text/html; charset=utf-8", entente_brief::render_html(&doc))?;
            // A briefing is a document, not an application: no script runs in it, whatever a
            // spec or a cited article holds.
            r.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:",
                ),
            );
            Ok(r)
        }
        BriefFormat::Md => {
            let (markdown, svgs) = entente_brief::render_markdown(&doc, "briefing-svgs");
            json(
                StatusCode::OK,
                &MarkdownBriefing {
                    markdown,
                    svgs: svgs.into_iter().collect(),
                },
            )
        }
    }
}

pub(crate) async fn trade_files(State(s): State<S>, Caller(who): Caller) -> Res {
    allow(&who, Permission::Read)?;
    let rows = s.blocking(move |app| app.trade_files()).await?;
    json(StatusCode::OK, &rows)
}

pub(crate) async fn trade_totals(
    State(s): State<S>,
    Caller(who): Caller,
    Body(q): Body<TotalsQuery>,
) -> Res {
    allow(&who, Permission::Read)?;
    let r = s.blocking(move |app| app.trade_totals(&q)).await?;
    json(StatusCode::OK, &r)
}

pub(crate) async fn trade_ytd(
    State(s): State<S>,
    Caller(who): Caller,
    Body(q): Body<YtdQuery>,
) -> Res {
    allow(&who, Permission::Read)?;
    let r = s.blocking(move |app| app.trade_ytd(&q)).await?;
    json(StatusCode::OK, &r)
}

pub(crate) async fn trade_top(
    State(s): State<S>,
    Caller(who): Caller,
    Body(q): Body<TopQuery>,
) -> Res {
    allow(&who, Permission::Read)?;
    let r = s.blocking(move |app| app.trade_top(&q)).await?;
    json(StatusCode::OK, &r)
}

pub(crate) async fn trade_series(
    State(s): State<S>,
    Caller(who): Caller,
    Body(q): Body<SeriesQuery>,
) -> Res {
    allow(&who, Permission::Read)?;
    let r = s.blocking(move |app| app.trade_series(&q)).await?;
    json(StatusCode::OK, &r)
}

pub(crate) async fn trade_screen(
    State(s): State<S>,
    Caller(who): Caller,
    Body(q): Body<ScreenQuery>,
) -> Res {
    allow(&who, Permission::Read)?;
    if q.measures.is_some() {
        // A path on the server's disk is not the caller's to name.
        return Err(ApiError::invalid(
            "`measures`: a measures file cannot be named over HTTP; the server's bundled measures apply",
        ));
    }
    let r = s.blocking(move |app| app.trade_screen(&q)).await?;
    json(StatusCode::OK, &r)
}

pub(crate) async fn trade_reconcile(
    State(s): State<S>,
    Caller(who): Caller,
    Body(q): Body<ReconcileQuery>,
) -> Res {
    allow(&who, Permission::Read)?;
    let r = s.blocking(move |app| app.trade_reconcile(&q)).await?;
    json(StatusCode::OK, &r)
}

// ---- jobs ----

/// A raw request body (an uploaded file), refused past the size limit as a problem.
pub struct Raw(pub axum::body::Bytes);

impl<St: Send + Sync> FromRequest<St> for Raw {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &St) -> Result<Raw, ApiError> {
        axum::body::Bytes::from_request(req, state)
            .await
            .map(Raw)
            .map_err(|rej| match rej.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "the upload is larger than this server accepts",
                ),
                _ => ApiError::invalid(format!("request body: {}", rej.body_text())),
            })
    }
}

/// How to read an uploaded file: the ingest options a user gives `entente ingest`.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UploadParams {
    /// The file's name (its extension picks the reader unless `format` says).
    name: String,
    #[serde(default)]
    outlet: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(default)]
    lang: Option<Lang>,
    #[serde(default)]
    published: Option<DateValue>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    map: Option<String>,
}

/// A file name to keep an upload under: one path component, nothing that climbs.
fn upload_name(name: &str) -> Result<&str, ApiError> {
    let ok = !name.is_empty()
        && name.len() <= 200
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !name.chars().any(char::is_control);
    if ok {
        Ok(name)
    } else {
        Err(ApiError::invalid(format!(
            "`name`: {name:?} is not a file name (one component, no slashes, at most 200 bytes)"
        )))
    }
}

/// Keeps an upload under `DATA_DIR/uploads/`, in a directory of its own, and submits the job
/// `make` builds from its path; the directory is removed again if the job is refused.
pub(crate) async fn upload_job(
    s: &S,
    who: entente_app::Principal,
    name: &str,
    bytes: axum::body::Bytes,
    make: impl FnOnce(String) -> JobRequest + Send + 'static,
) -> Res {
    allow(&who, Permission::Write)?;
    let name = upload_name(name)?.to_string();
    if bytes.is_empty() {
        return Err(ApiError::invalid("the upload is empty"));
    }
    let server = s.clone();
    let view = s
        .blocking(move |app| {
            let dir = app
                .data_dir()
                .join("uploads")
                .join(server.next_upload_dir());
            std::fs::create_dir_all(&dir).map_err(|e| {
                entente_app::AppError::internal(format!("creating {}: {e}", dir.display()))
            })?;
            let path = dir.join(&name);
            std::fs::write(&path, &bytes).map_err(|e| {
                entente_app::AppError::internal(format!("writing {}: {e}", path.display()))
            })?;
            let submitted = app.submit_job(&who, &make(path.display().to_string()));
            if submitted.is_err() {
                let _ = std::fs::remove_dir_all(&dir);
            }
            submitted
        })
        .await?;
    s.enqueue(&view.job.id);
    accepted(&view)
}

pub(crate) async fn ingest_job(
    State(s): State<S>,
    Caller(who): Caller,
    Q(p): Q<UploadParams>,
    Raw(bytes): Raw,
) -> Res {
    let name = p.name.clone();
    upload_job(&s, who, &name, bytes, move |path| {
        JobRequest::Ingest(Box::new(IngestRequest {
            inputs: vec![path],
            outlet: p.outlet,
            format: p.format,
            encoding: p.encoding,
            lang: p.lang,
            published: p.published,
            url: p.url,
            title: p.title,
            map: p.map,
            ..Default::default()
        }))
    })
    .await
}

/// Pages and feeds to fetch and ingest: http(s) addresses only (a server path or standard
/// input is never taken from a caller), fetched confined like the CLI's.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UrlIngest {
    urls: Vec<String>,
    #[serde(default)]
    outlet: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(default)]
    lang: Option<Lang>,
    #[serde(default)]
    published: Option<DateValue>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    map: Option<String>,
}

pub(crate) async fn ingest_urls_job(
    State(s): State<S>,
    Caller(who): Caller,
    Body(req): Body<UrlIngest>,
) -> Res {
    allow(&who, Permission::Write)?;
    if req.urls.is_empty() {
        return Err(ApiError::invalid(
            "`urls`: name at least one http(s) address",
        ));
    }
    for (i, u) in req.urls.iter().enumerate() {
        // The pipeline's own test of a URL: what passes here is fetched, never read as a path.
        if !entente_app::is_url_input(u.trim()) || u.len() > 2048 {
            return Err(ApiError::invalid(format!(
                "`urls[{i}]`: {u:?} is not an http or https address"
            )));
        }
    }
    let ingest = IngestRequest {
        inputs: req.urls.iter().map(|u| u.trim().to_string()).collect(),
        outlet: req.outlet,
        format: req.format,
        encoding: req.encoding,
        lang: req.lang,
        published: req.published,
        title: req.title,
        map: req.map,
        ..Default::default()
    };
    let view = s
        .blocking(move |app| app.submit_job(&who, &JobRequest::Ingest(Box::new(ingest))))
        .await?;
    s.enqueue(&view.job.id);
    accepted(&view)
}

/// A customs file uploaded for the trade store, and what it does not say itself.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TradeUploadParams {
    name: String,
    /// `china-customs`, `comtrade` or `csv`.
    format: entente_app::TradeFormat,
    #[serde(default)]
    reporter: Option<String>,
    #[serde(default)]
    flow: Option<entente_app::Flow>,
    #[serde(default)]
    cumulative: bool,
}

pub(crate) async fn trade_import_job(
    State(s): State<S>,
    Caller(who): Caller,
    Q(p): Q<TradeUploadParams>,
    Raw(bytes): Raw,
) -> Res {
    let name = p.name.clone();
    upload_job(&s, who, &name, bytes, move |path| {
        JobRequest::TradeImport(entente_app::TradeImport {
            files: vec![path.into()],
            format: p.format,
            reporter: p.reporter,
            flow: p.flow,
            cumulative: p.cumulative,
        })
    })
    .await
}

/// A download: its type and `Content-Disposition: attachment; filename=…`.
fn download(format: ExportFormat, what: &str, body: axum::body::Body) -> Res {
    let mut r = Response::new(body);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"entente-{what}.{}\"",
        format.extension()
    )) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceExport {
    format: ExportFormat,
    #[serde(default)]
    outlet: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

/// Every source's metadata as CSV or JSON Lines, streamed a page at a time: no cap on the
/// count, and the server holds one page. A reader that disconnects stops the export.
pub(crate) async fn export_sources(
    State(s): State<S>,
    Caller(who): Caller,
    Q(p): Q<SourceExport>,
) -> Res {
    allow(&who, Permission::Read)?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<axum::body::Bytes, std::io::Error>>(4);
    let app = s.shared_app();
    let q = SourceQuery {
        outlet: p.outlet,
        lang: p.lang,
        ..Default::default()
    };
    let format = p.format;
    tokio::task::spawn_blocking(move || {
        let sent = app.export_sources(&q, format, &mut |chunk| {
            tx.blocking_send(Ok(axum::body::Bytes::copy_from_slice(chunk)))
                .is_ok()
        });
        if let Err(e) = sent {
            // Mid-stream the status is sent already: the body ends in an error, so the
            // download is seen as incomplete rather than short.
            tracing::warn!("sources export failed: {e}");
            let _ = tx.blocking_send(Err(std::io::Error::other(e.message)));
        }
    });
    // Fused: the body may be polled again after its end.
    let stream =
        futures_util::StreamExt::fuse(futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        }));
    download(format, "sources", axum::body::Body::from_stream(stream))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventExport {
    format: ExportFormat,
    #[serde(default)]
    actors: Vec<String>,
    #[serde(default)]
    types: Vec<entente_core::EventType>,
    #[serde(default)]
    from: Option<DateValue>,
    #[serde(default)]
    to: Option<DateValue>,
    #[serde(default)]
    statuses: Vec<Status>,
}

/// The events matching the filters of `GET events`, as CSV or JSON Lines.
pub(crate) async fn export_events(
    State(s): State<S>,
    Caller(who): Caller,
    Q(p): Q<EventExport>,
) -> Res {
    allow(&who, Permission::Read)?;
    let q = EventQuery {
        actors: p.actors,
        types: p.types,
        from: p.from,
        to: p.to,
        statuses: p.statuses,
        ..Default::default()
    };
    let format = p.format;
    let text = s.blocking(move |app| app.export_events(&q, format)).await?;
    download(format, "events", axum::body::Body::from(text))
}

fn accepted(view: &entente_app::JobView) -> Res {
    let mut r = (StatusCode::ACCEPTED, Json(view)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/jobs/{}", view.job.id)) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}

pub(crate) async fn extract_job(
    State(s): State<S>,
    Caller(who): Caller,
    Body(req): Body<ExtractRequest>,
) -> Res {
    allow(&who, Permission::Write)?;
    let view = s
        .blocking(move |app| app.submit_job(&who, &JobRequest::Extract(req)))
        .await?;
    s.enqueue(&view.job.id);
    accepted(&view)
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct JobPage {
    before: Option<String>,
    limit: Option<usize>,
}

pub(crate) async fn list_jobs(State(s): State<S>, Caller(who): Caller, Q(p): Q<JobPage>) -> Res {
    allow(&who, Permission::Read)?;
    let limit = page_limit(p.limit, 100)?;
    let rows = s
        .blocking(move |app| app.jobs(p.before.as_deref(), limit))
        .await?;
    json(StatusCode::OK, &rows)
}

pub(crate) async fn show_job(State(s): State<S>, Caller(who): Caller, Seg(id): Seg) -> Res {
    allow(&who, Permission::Read)?;
    let j = s.blocking(move |app| app.job(&id)).await?;
    json(StatusCode::OK, &j)
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RetryParams {
    /// Only the inputs (ingest) or sources (extraction) whose items failed.
    failed: bool,
}

pub(crate) async fn retry_job(
    State(s): State<S>,
    Caller(who): Caller,
    Seg(id): Seg,
    Q(p): Q<RetryParams>,
) -> Res {
    allow(&who, Permission::Write)?;
    let view = s
        .blocking(move |app| app.retry_job(&who, &id, p.failed))
        .await?;
    s.enqueue(&view.job.id);
    accepted(&view)
}

/// Cancels a queued job at once, a running one at its next document or source (202: the
/// job shown is still running; its progress stream ends with it `cancelled`).
pub(crate) async fn cancel_job(State(s): State<S>, Caller(who): Caller, Seg(id): Seg) -> Res {
    allow(&who, Permission::Write)?;
    let view = s.blocking(move |app| app.cancel_job(&who, &id)).await?;
    accepted(&view)
}

pub(crate) async fn list_watches(State(s): State<S>, Caller(who): Caller) -> Res {
    let rows = s.blocking(move |app| app.watches(&who)).await?;
    json(StatusCode::OK, &rows)
}

pub(crate) async fn add_watch(
    State(s): State<S>,
    Caller(who): Caller,
    Body(req): Body<WatchAdd>,
) -> Res {
    let w = s.blocking(move |app| app.add_watch(&who, &req)).await?;
    json(StatusCode::CREATED, &w)
}

pub(crate) async fn show_watch(State(s): State<S>, Caller(who): Caller, Seg(id): Seg) -> Res {
    let w = s.blocking(move |app| app.watch(&who, &id)).await?;
    json(StatusCode::OK, &w)
}

pub(crate) async fn remove_watch(State(s): State<S>, Caller(who): Caller, Seg(id): Seg) -> Res {
    s.blocking(move |app| app.remove_watch(&who, &id)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Polls a watch now, as a job (202 with the job; follow it at `/api/v1/jobs/{id}`).
pub(crate) async fn run_watch(State(s): State<S>, Caller(who): Caller, Seg(id): Seg) -> Res {
    let view = s
        .blocking(move |app| app.submit_job(&who, &JobRequest::Watch(WatchJob { watch: id })))
        .await?;
    s.enqueue(&view.job.id);
    accepted(&view)
}

/// How often a progress stream looks at its job.
const JOB_POLL: std::time::Duration = std::time::Duration::from_millis(250);

/// A job's progress as server-sent events: `progress` each time it moves, then one
/// `finished` (or `error`) and the end of the stream. Each event's data is the job as JSON.
pub(crate) async fn job_events(State(s): State<S>, Caller(who): Caller, Seg(id): Seg) -> Res {
    use axum::response::sse::{Event, KeepAlive, Sse};
    allow(&who, Permission::Read)?;
    let first = {
        let id = id.clone();
        s.blocking(move |app| app.job(&id)).await?
    };
    struct Watch {
        s: S,
        id: String,
        next: Option<entente_app::JobView>,
        last: Option<(String, u64)>,
        over: bool,
    }
    let start = Watch {
        s,
        id,
        next: Some(first),
        last: None,
        over: false,
    };
    let stream = futures_util::stream::unfold(start, |mut w| async move {
        if w.over {
            return None;
        }
        loop {
            let view = match w.next.take() {
                Some(v) => v,
                None => {
                    tokio::time::sleep(JOB_POLL).await;
                    let id = w.id.clone();
                    match w.s.blocking(move |app| app.job(&id)).await {
                        Ok(v) => v,
                        Err(e) => {
                            w.over = true;
                            let ev = Event::default().event("error").data(e.detail);
                            return Some((Ok::<Event, axum::Error>(ev), w));
                        }
                    }
                }
            };
            let key = (view.job.state.clone(), view.job.done);
            let finished = !matches!(view.job.state.as_str(), "queued" | "running");
            if !finished && w.last.as_ref() == Some(&key) {
                continue;
            }
            w.last = Some(key);
            w.over = finished;
            let name = if finished { "finished" } else { "progress" };
            let ev = Event::default().event(name).json_data(&view);
            return Some((ev, w));
        }
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}
