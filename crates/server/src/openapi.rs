//! The API's one table of operations: it builds the router ([`crate::routes::api`]) and the
//! OpenAPI 3.1 document served at `/api/v1/openapi.json`, so neither can list a route the
//! other lacks. Request and answer schemas are generated from the Rust types the handlers
//! parse and answer with (`schemars`, JSON Schema 2020-12 — the dialect of OpenAPI 3.1), so a
//! change of a type changes the document with it.

use std::sync::Arc;

use axum::routing::{MethodRouter, delete, get, patch, post, put};
use entente_app::*;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::Server;
use crate::routes::*;

type S = Arc<Server>;
type Gen = fn(&mut SchemaGenerator) -> Schema;

/// Who may call an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Who {
    Anyone,
    /// Any signed-in caller (viewer and up).
    Read,
    /// Analysts and admins.
    Write,
    Admin,
}

/// What a request carries in its body.
#[derive(Clone, Copy)]
pub(crate) enum In {
    None,
    Json(Gen),
    /// A file as it is (`application/octet-stream`).
    File,
    /// A briefing spec as JSON or TOML.
    Spec,
}

/// What a success answers.
#[derive(Clone, Copy)]
pub(crate) enum Out {
    Json(Gen),
    Empty,
    /// Other media types, with no schema (documents, downloads, streams).
    Media(&'static [&'static str]),
}

/// One operation: a method on a path, its handler, and what it takes and answers.
pub(crate) struct Op {
    pub method: &'static str,
    pub path: &'static str,
    pub handler: fn() -> MethodRouter<S>,
    pub summary: &'static str,
    pub who: Who,
    pub query: Option<Gen>,
    pub body: In,
    pub status: u16,
    pub out: Out,
    /// Sends and answers the event's version as an ETag (`If-Match` on changes).
    pub etag: bool,
}

fn js<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

fn op(
    method: &'static str,
    path: &'static str,
    handler: fn() -> MethodRouter<S>,
    summary: &'static str,
) -> Op {
    Op {
        method,
        path,
        handler,
        summary,
        who: Who::Read,
        query: None,
        body: In::None,
        status: 200,
        out: Out::Empty,
        etag: false,
    }
}

impl Op {
    fn who(mut self, w: Who) -> Op {
        self.who = w;
        self
    }
    fn query(mut self, q: Gen) -> Op {
        self.query = Some(q);
        self
    }
    fn body(mut self, b: Gen) -> Op {
        self.body = In::Json(b);
        self
    }
    fn file(mut self) -> Op {
        self.body = In::File;
        self
    }
    fn ok(mut self, status: u16, out: Gen) -> Op {
        self.status = status;
        self.out = Out::Json(out);
        self
    }
    fn none(mut self, status: u16) -> Op {
        self.status = status;
        self.out = Out::Empty;
        self
    }
    fn media(mut self, types: &'static [&'static str]) -> Op {
        self.out = Out::Media(types);
        self
    }
    fn etag(mut self) -> Op {
        self.etag = true;
        self
    }
}

/// Every operation of `/api/v1`.
pub(crate) fn ops() -> Vec<Op> {
    use Who::*;
    vec![
        op(
            "get",
            "/api/v1/health",
            || get(health),
            "Whether the server is up",
        )
        .who(Anyone)
        .ok(200, js::<Health>),
        op(
            "get",
            "/api/v1/openapi.json",
            || get(openapi_json),
            "This document",
        )
        .ok(200, js::<Value>),
        op(
            "post",
            "/api/v1/session",
            || post(login),
            "Sign in: a session cookie and its CSRF token",
        )
        .who(Anyone)
        .body(js::<Login>)
        .ok(200, js::<SessionView>),
        op("delete", "/api/v1/session", || delete(logout), "Sign out").none(204),
        op(
            "get",
            "/api/v1/me",
            || get(me),
            "Who is calling, with which role",
        )
        .ok(200, js::<Principal>),
        op(
            "get",
            "/api/v1/tokens",
            || get(list_tokens),
            "The caller's API tokens",
        )
        .ok(200, js::<Vec<TokenView>>),
        op(
            "post",
            "/api/v1/tokens",
            || post(create_token),
            "A new API token (shown once)",
        )
        .body(js::<TokenCreate>)
        .ok(201, js::<TokenCreated>),
        op(
            "delete",
            "/api/v1/tokens/{id}",
            || delete(revoke_token),
            "Revoke an API token",
        )
        .ok(200, js::<TokenView>),
        op("get", "/api/v1/users", || get(list_users), "Users")
            .who(Admin)
            .ok(200, js::<Vec<UserView>>),
        op("post", "/api/v1/users", || post(add_user), "Add a user")
            .who(Admin)
            .body(js::<UserAdd>)
            .ok(201, js::<UserView>),
        op(
            "post",
            "/api/v1/users/{name}/disable",
            || post(disable_user),
            "Disable a user",
        )
        .who(Admin)
        .ok(200, js::<UserView>),
        op(
            "post",
            "/api/v1/users/{name}/enable",
            || post(enable_user),
            "Enable a user",
        )
        .who(Admin)
        .ok(200, js::<UserView>),
        op(
            "put",
            "/api/v1/users/{name}/password",
            || put(reset_password),
            "Set a user's password",
        )
        .who(Admin)
        .body(js::<NewPassword>)
        .ok(200, js::<UserView>),
        op(
            "get",
            "/api/v1/sources",
            || get(list_sources),
            "Sources in ingest order, by pages (`Link: rel=next`)",
        )
        .query(js::<SourceQuery>)
        .ok(200, js::<Vec<SourceSummary>>),
        op(
            "get",
            "/api/v1/sources/{id}",
            || get(show_source),
            "One source with its text, origins and near-duplicates",
        )
        .ok(200, js::<SourceDetail>),
        op(
            "get",
            "/api/v1/search",
            || get(search),
            "Full-text search (the CLI's query language)",
        )
        .query(js::<SearchRequest>)
        .ok(200, js::<SearchPage>),
        op(
            "get",
            "/api/v1/events",
            || get(list_events),
            "Events, by pages (`limit` ≤ 1000, default 100; `Link: rel=next`)",
        )
        .query(js::<EventQuery>)
        .ok(200, js::<Vec<EventView>>),
        op(
            "post",
            "/api/v1/events",
            || post(add_event),
            "Add an event citing a quote of a source",
        )
        .who(Write)
        .body(js::<EventAdd>)
        .ok(201, js::<EventView>)
        .etag(),
        op(
            "get",
            "/api/v1/events/{id}",
            || get(show_event),
            "One event (ETag: its version)",
        )
        .ok(200, js::<EventView>)
        .etag(),
        op(
            "patch",
            "/api/v1/events/{id}",
            || patch(edit_event),
            "Edit an event (If-Match: its version)",
        )
        .who(Write)
        .body(js::<EventEdit>)
        .ok(200, js::<EventView>)
        .etag(),
        op(
            "post",
            "/api/v1/events/{id}/confirm",
            || post(confirm_event),
            "Confirm an event",
        )
        .who(Write)
        .ok(200, js::<EventView>)
        .etag(),
        op(
            "post",
            "/api/v1/events/{id}/reject",
            || post(reject_event),
            "Reject an event",
        )
        .who(Write)
        .ok(200, js::<EventView>)
        .etag(),
        op(
            "get",
            "/api/v1/events/{id}/audit",
            || get(event_audit),
            "The decisions about one event",
        )
        .query(js::<AuditPage>)
        .ok(200, js::<Vec<AuditEntry>>),
        op(
            "get",
            "/api/v1/audit",
            || get(audit),
            "Every analyst decision",
        )
        .query(js::<AuditFilter>)
        .ok(200, js::<Vec<AuditEntry>>),
        op("get", "/api/v1/actors", || get(list_actors), "Actors")
            .query(js::<ActorQuery>)
            .ok(200, js::<Vec<ActorRecord>>),
        op(
            "get",
            "/api/v1/actors/{id}",
            || get(show_actor),
            "One actor, with positions on a day",
        )
        .query(js::<OnDay>)
        .ok(200, js::<ActorDetail>),
        op(
            "get",
            "/api/v1/chronology",
            || get(chronology),
            "The summit table",
        )
        .query(js::<ChronologyQuery>)
        .ok(200, js::<Vec<EventView>>),
        op(
            "get",
            "/api/v1/exchanges",
            || get(exchanges),
            "High-level exchanges between two states",
        )
        .query(js::<ExchangesQuery>)
        .ok(200, js::<Vec<ExchangeRow>>),
        op(
            "get",
            "/api/v1/compare",
            || get(compare),
            "How outlets reported one happening",
        )
        .query(js::<CompareRequest>)
        .ok(200, js::<Comparison>),
        op(
            "get",
            "/api/v1/trends/phrase",
            || get(trend),
            "A phrase or concept over time",
        )
        .query(js::<TrendQuery>)
        .ok(200, js::<Trend>),
        op(
            "get",
            "/api/v1/trends/ladder",
            || get(ladder),
            "An intensity ladder over time",
        )
        .query(js::<LadderQuery>)
        .ok(200, js::<LadderTrend>),
        op(
            "get",
            "/api/v1/graph",
            || get(graph),
            "The relationship map (JSON, GraphML or GEXF)",
        )
        .query(js::<GraphParams>)
        .media(&[
            "application/json",
            "application/graphml+xml",
            "application/gexf+xml",
        ]),
        Op {
            body: In::Spec,
            ..op(
                "post",
                "/api/v1/briefings",
                || post(briefing),
                "Render a briefing from a spec (HTML, or Markdown with its SVGs)",
            )
            .query(js::<BriefParams>)
            .media(&["text/html", "application/json"])
        },
        op(
            "get",
            "/api/v1/trade/files",
            || get(trade_files),
            "Imported customs files",
        )
        .ok(200, js::<Vec<TradeFile>>),
        op(
            "post",
            "/api/v1/trade/totals",
            || post(trade_totals),
            "Trade totals",
        )
        .body(js::<TotalsQuery>)
        .ok(200, js::<Noted<Vec<TotalsRow>>>),
        op(
            "post",
            "/api/v1/trade/ytd",
            || post(trade_ytd),
            "Year to date",
        )
        .body(js::<YtdQuery>)
        .ok(200, js::<Noted<Vec<YtdRow>>>),
        op(
            "post",
            "/api/v1/trade/top",
            || post(trade_top),
            "Top products by HS code",
        )
        .body(js::<TopQuery>)
        .ok(200, js::<Noted<TopTable>>),
        op(
            "post",
            "/api/v1/trade/series",
            || post(trade_series),
            "Monthly or annual series",
        )
        .body(js::<SeriesQuery>)
        .ok(200, js::<Noted<Vec<SeriesRow>>>),
        op(
            "post",
            "/api/v1/trade/screen",
            || post(trade_screen),
            "Flows against UN Security Council measures",
        )
        .body(js::<ScreenQuery>)
        .ok(200, js::<Noted<Screen>>),
        op(
            "post",
            "/api/v1/trade/reconcile",
            || post(trade_reconcile),
            "Mirror statistics side by side",
        )
        .body(js::<ReconcileQuery>)
        .ok(200, js::<Vec<ReconcileRow>>),
        op(
            "get",
            "/api/v1/exports/sources",
            || get(export_sources),
            "Every source's metadata, streamed",
        )
        .query(js::<SourceExport>)
        .media(&["text/csv", "application/x-ndjson"]),
        op(
            "get",
            "/api/v1/exports/events",
            || get(export_events),
            "Events, streamed",
        )
        .query(js::<EventExport>)
        .media(&["text/csv", "application/x-ndjson"]),
        op(
            "get",
            "/api/v1/jobs",
            || get(list_jobs),
            "Jobs, newest first",
        )
        .query(js::<JobPage>)
        .ok(200, js::<Vec<JobView>>),
        op(
            "post",
            "/api/v1/jobs/ingest",
            || post(ingest_job),
            "Ingest an uploaded file (a job)",
        )
        .who(Write)
        .query(js::<UploadParams>)
        .file()
        .ok(202, js::<JobView>),
        op(
            "post",
            "/api/v1/jobs/extract",
            || post(extract_job),
            "Extract events (a job)",
        )
        .who(Write)
        .body(js::<ExtractRequest>)
        .ok(202, js::<JobView>),
        op(
            "post",
            "/api/v1/jobs/ingest-urls",
            || post(ingest_urls_job),
            "Fetch and ingest pages and feeds (a job)",
        )
        .who(Write)
        .body(js::<UrlIngest>)
        .ok(202, js::<JobView>),
        op(
            "post",
            "/api/v1/jobs/trade-import",
            || post(trade_import_job),
            "Import an uploaded customs file (a job)",
        )
        .who(Write)
        .query(js::<TradeUploadParams>)
        .file()
        .ok(202, js::<JobView>),
        op(
            "get",
            "/api/v1/jobs/{id}",
            || get(show_job),
            "One job with its failed items",
        )
        .ok(200, js::<JobView>),
        op(
            "post",
            "/api/v1/jobs/{id}/retry",
            || post(retry_job),
            "Run a stopped job again, or only its failed items",
        )
        .who(Write)
        .query(js::<RetryParams>)
        .ok(202, js::<JobView>),
        op(
            "post",
            "/api/v1/jobs/{id}/cancel",
            || post(cancel_job),
            "Cancel a job",
        )
        .who(Write)
        .ok(202, js::<JobView>),
        op(
            "get",
            "/api/v1/jobs/{id}/events",
            || get(job_events),
            "A job's progress as server-sent events",
        )
        .media(&["text/event-stream"]),
        op(
            "get",
            "/api/v1/watches",
            || get(list_watches),
            "Watched sources",
        )
        .ok(200, js::<Vec<WatchRow>>),
        op(
            "post",
            "/api/v1/watches",
            || post(add_watch),
            "Watch a feed or index page",
        )
        .who(Admin)
        .body(js::<WatchAdd>)
        .ok(201, js::<WatchRow>),
        op(
            "get",
            "/api/v1/watches/{id}",
            || get(show_watch),
            "One watched source",
        )
        .ok(200, js::<WatchRow>),
        op(
            "delete",
            "/api/v1/watches/{id}",
            || delete(remove_watch),
            "Stop watching",
        )
        .who(Admin)
        .none(204),
        op(
            "post",
            "/api/v1/watches/{id}/run",
            || post(run_watch),
            "Poll a watched source now (a job)",
        )
        .who(Admin)
        .ok(202, js::<JobView>),
    ]
}

/// The schema a `$ref` points to, from the generator's definitions.
fn resolve(g: &SchemaGenerator, s: &Schema) -> Value {
    let v = s.as_value().clone();
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or(r);
            g.definitions().get(name).cloned().unwrap_or(v)
        }
        None => v,
    }
}

/// The query parameters of a query type: one per property (a list repeats its name).
fn query_parameters(g: &mut SchemaGenerator, q: Gen) -> Vec<Value> {
    let s = q(g);
    let obj = resolve(g, &s);
    let required: Vec<String> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let Some(props) = obj.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    props
        .iter()
        .map(|(name, schema)| {
            let mut p = json!({
                "name": name,
                "in": "query",
                "required": required.contains(name),
                "schema": schema,
            });
            if let Some(d) = schema.get("description") {
                p["description"] = d.clone();
            }
            if schema.get("type") == Some(&json!("array")) {
                p["style"] = json!("form");
                p["explode"] = json!(true);
                // An empty value is left out of the list.
                if let Some(items) = schema.get("items") {
                    p["schema"]["items"] = json!({"anyOf": [items, {"const": ""}]});
                }
            } else if !required.contains(name) {
                // An empty value is the same as leaving the parameter out.
                p["schema"] = json!({"anyOf": [schema, {"const": ""}]});
            }
            p
        })
        .collect()
}

/// The OpenAPI 3.1 document of every operation.
pub fn document() -> Value {
    let mut g = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    let problem = js::<crate::error::Problem>(&mut g);
    let mut paths = Map::new();
    for op in ops() {
        let mut parameters: Vec<Value> = op
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| {
                json!({"name": name, "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}})
            })
            .collect();
        if let Some(q) = op.query {
            parameters.extend(query_parameters(&mut g, q));
        }
        if op.etag && op.method != "get" && op.path.contains('{') {
            parameters.push(json!({
                "name": "If-Match", "in": "header", "required": false,
                "description": "The event's ETag (`\"vN\"`): a stale one is 412. An edit needs it (or `version` in the body).",
                "schema": {"type": "string"}
            }));
        }
        let mut o = json!({
            "summary": op.summary,
            "operationId": format!("{}_{}", op.method, op.path.trim_start_matches("/api/v1/").replace(['/', '-', '.'], "_").replace(['{', '}'], "")),
            "parameters": parameters,
        });
        match op.body {
            In::None => {}
            In::Json(b) => {
                o["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": b(&mut g)}}});
            }
            In::File => {
                o["requestBody"] = json!({"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}});
            }
            In::Spec => {
                o["requestBody"] = json!({"required": true, "content": {
                    "application/json": {"schema": {"type": "object", "description": "A briefing spec (README, Briefings)"}},
                    "application/toml": {"schema": {"type": "string"}}
                }});
            }
        }
        let ok = match op.out {
            Out::Json(t) => {
                let mut r = json!({"description": "Success", "content": {"application/json": {"schema": t(&mut g)}}});
                if op.etag {
                    r["headers"] = json!({"ETag": {"schema": {"type": "string"}, "description": "The event's version"}});
                }
                r
            }
            Out::Empty => json!({"description": "Done; no body"}),
            Out::Media(types) => {
                let content: Map<String, Value> = types
                    .iter()
                    .map(|t| (t.to_string(), json!({"schema": {}})))
                    .collect();
                json!({"description": "Success", "content": content})
            }
        };
        o["responses"] = json!({
            op.status.to_string(): ok,
            "default": {
                "description": "An error: 400 invalid input (the field named), 401, 403, 404, 409, 412 stale version, 413, 415, 423 busy, 428, 429, 500",
                "content": {"application/problem+json": {"schema": problem}}
            }
        });
        if op.who != Who::Anyone {
            o["security"] = json!([{"bearer": []}, {"session": []}]);
            let role = match op.who {
                Who::Write => "analyst or admin",
                Who::Admin => "admin",
                _ => "any signed-in caller",
            };
            o["description"] = json!(format!("Who may call it: {role}."));
        }
        let entry = paths
            .entry(op.path.to_string())
            .or_insert_with(|| json!({}));
        entry[op.method] = o;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "entente API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The knowledge base of state media and customs statistics, for a team. Same JSON shapes as the CLI's `--json`."
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths,
        "components": {
            "schemas": g.take_definitions(true),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An API token (`entente users` / POST /api/v1/tokens)"},
                "session": {"type": "apiKey", "in": "cookie", "name": crate::SESSION_COOKIE, "description": "A session from POST /api/v1/session; changes also send its CSRF token as X-CSRF-Token"}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `$ref` in `v` (recursively).
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }

    #[test]
    fn every_operation_is_documented_once_with_resolvable_schemas() {
        let doc = document();
        let ops = ops();
        let mut ids = std::collections::HashSet::new();
        for op in &ops {
            let o = &doc["paths"][op.path][op.method];
            assert!(o.is_object(), "{} {} is not documented", op.method, op.path);
            let id = o["operationId"].as_str().expect("operationId").to_string();
            assert!(ids.insert(id.clone()), "operationId {id} twice");
            assert!(
                o["responses"]["default"].is_object(),
                "{id}: no problem answer"
            );
            assert_eq!(o["security"].is_array(), op.who != Who::Anyone, "{id}");
        }
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(!all.is_empty());
        for r in all {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("a $ref outside the components: {r}"));
            assert!(
                doc["components"]["schemas"][name].is_object()
                    || doc["components"]["schemas"][name].is_boolean(),
                "{r} does not resolve"
            );
        }
    }

    #[test]
    fn query_types_become_one_parameter_per_field() {
        let doc = document();
        let params = doc["paths"]["/api/v1/events"]["get"]["parameters"]
            .as_array()
            .expect("parameters");
        let actors = params
            .iter()
            .find(|p| p["name"] == "actors")
            .expect("actors");
        assert_eq!(actors["in"], "query");
        assert_eq!(actors["explode"], true, "a list repeats its name");
        let show = &doc["paths"]["/api/v1/events/{id}"]["patch"]["parameters"];
        assert!(
            show.as_array()
                .expect("params")
                .iter()
                .any(|p| p["name"] == "id" && p["in"] == "path" && p["required"] == true)
        );
    }
}
