//! Load benchmark of `entente serve` (#13): N concurrent clients against a server holding the
//! synthetic benchmark corpus and its extracted events, while an ingest job runs.
//!
//! In one run it builds N articles (the corpus of `bench-search`), ingests and extracts them
//! through the application layer, imports the UN Comtrade files of `../shared/data` when they
//! are there, starts the real server on a loopback port, starts an ingest job of more articles
//! through the API, and then lets C client threads (each its own HTTP connection, keep-alive)
//! call a mix of search, an event page, the chronology and the trade top table for S seconds.
//! It prints p50 / p95 / p99 per kind, throughput, errors, and how far the ingest job got
//! meanwhile. No peer is run: no other tool serves this API.
//!
//! Usage: cargo run --release -p entente-bench --bin bench-serve -- [N] [--clients C]
//!        [--secs S] [--ingest M] [--keep DIR]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use entente_app::{
    Access, App, ExtractRequest, IngestRequest, Principal, Role, TradeFormat, TradeImport, UserAdd,
};

#[path = "corpus.rs"]
mod corpus;

const PASSWORD: &str = "benchmark password";

/// What the clients call, in turn.
const MIX: &[(&str, &str, &str)] = &[
    (
        "search",
        "GET",
        "/api/v1/search?query=%E9%87%91%E6%AD%A3%E6%81%A9&limit=10&count=false",
    ),
    (
        "search",
        "GET",
        "/api/v1/search?query=%D0%9F%D1%83%D1%82%D0%B8%D0%BD&limit=10&count=false",
    ),
    (
        "search",
        "GET",
        "/api/v1/search?query=%ED%9A%8C%EB%8B%B4&limit=10&count=false",
    ),
    (
        "search",
        "GET",
        "/api/v1/search?query=talks%20Pyongyang&limit=10&count=false",
    ),
    ("events", "GET", "/api/v1/events?limit=50"),
    (
        "events",
        "GET",
        "/api/v1/events?types=meeting&from=2020&limit=50",
    ),
    (
        "chronology",
        "GET",
        "/api/v1/chronology?actors=Kim%20Jong%20Un&actors=Vladimir%20Putin&from=2024-06&to=2024-06",
    ),
    ("trade_top", "POST", "/api/v1/trade/top"),
];

const TOP: &str = r#"{"scope": {"reporter": "CN", "partner": "KP", "from": "2015", "to": "2017"}, "flow": "export", "level": 4, "limit": 10}"#;

struct Args {
    n: usize,
    clients: usize,
    secs: u64,
    ingest: usize,
    keep: Option<PathBuf>,
}

fn args() -> anyhow::Result<Args> {
    let mut a = Args {
        n: 100_000,
        clients: 50,
        secs: 30,
        ingest: 20_000,
        keep: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        let mut val = |name: &str| it.next().with_context(|| format!("{name} needs a value"));
        match x.as_str() {
            "--clients" => a.clients = val("--clients")?.parse()?,
            "--secs" => a.secs = val("--secs")?.parse()?,
            "--ingest" => a.ingest = val("--ingest")?.parse()?,
            "--keep" => a.keep = Some(PathBuf::from(val("--keep")?)),
            n => a.n = n.parse().with_context(|| format!("unknown argument {n}"))?,
        }
    }
    Ok(a)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .new_agent()
}

/// Signs `bench` in and makes an admin API token.
fn token(base: &str) -> anyhow::Result<String> {
    let a = agent();
    let mut r = a
        .post(format!("{base}/api/v1/session"))
        .header("content-type", "application/json")
        .send(format!(r#"{{"name":"bench","password":"{PASSWORD}"}}"#))?;
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .context("no session cookie")?
        .to_string();
    let v: serde_json::Value = serde_json::from_str(&r.body_mut().read_to_string()?)?;
    let csrf = v["csrf"].as_str().context("no csrf")?.to_string();
    let mut r = a
        .post(format!("{base}/api/v1/tokens"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .header("content-type", "application/json")
        .send(r#"{"label":"bench","role":"admin","days":1}"#)?;
    let v: serde_json::Value = serde_json::from_str(&r.body_mut().read_to_string()?)?;
    Ok(v["token"].as_str().context("no token")?.to_string())
}

fn job(base: &str, token: &str, id: &str) -> anyhow::Result<serde_json::Value> {
    let mut r = agent()
        .get(format!("{base}/api/v1/jobs/{id}"))
        .header("authorization", format!("Bearer {token}"))
        .call()?;
    Ok(serde_json::from_str(&r.body_mut().read_to_string()?)?)
}

fn prepare(dir: &Path, a: &Args, rt: &tokio::runtime::Runtime) -> anyhow::Result<Arc<App>> {
    let corpus_dir = dir.join("corpus");
    std::fs::create_dir_all(&corpus_dir)?;
    let t = Instant::now();
    let files = corpus::generate(&corpus_dir, a.n)?;
    println!(
        "corpus: {} articles in {:.1} s",
        a.n,
        t.elapsed().as_secs_f64()
    );
    let app = App::open(dir.join("data"), Access::ReadWrite)?.with_runtime(rt.handle().clone());
    let t = Instant::now();
    let sum = app.ingest(
        &IngestRequest {
            inputs: files.iter().map(|f| f.display().to_string()).collect(),
            ..Default::default()
        },
        &mut |_| {},
    )?;
    println!(
        "ingest: {} new in {:.1} s ({:.0} articles/s)",
        sum.new,
        t.elapsed().as_secs_f64(),
        sum.new as f64 / t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let x = app.extract(&ExtractRequest::default(), &mut |_, _| {})?;
    println!(
        "extract: {} sources, {} events ({} merged) in {:.1} s",
        x.sources,
        x.new_events,
        x.merged,
        t.elapsed().as_secs_f64()
    );
    let comtrade =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/un-comtrade-hs27-hs44-pmacg");
    if comtrade.is_dir() {
        let files: Vec<PathBuf> = std::fs::read_dir(&comtrade)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().contains("pairs"))
            })
            .collect();
        let s = app.trade_import(
            &TradeImport {
                files,
                format: TradeFormat::Comtrade,
                reporter: None,
                flow: None,
                cumulative: false,
            },
            &mut |_| {},
        )?;
        println!(
            "trade: {} files imported, {} failed",
            s.reports.len(),
            s.failed.len()
        );
    } else {
        println!("trade: ../shared/data is not here; trade_top answers from an empty store");
    }
    app.add_user(
        &Principal::local("bench"),
        &UserAdd {
            name: "bench".into(),
            role: Role::Admin,
            password: PASSWORD.into(),
        },
    )?;
    Ok(Arc::new(app))
}

fn main() -> anyhow::Result<()> {
    let a = args()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("tokio runtime")?;
    let tmp;
    let dir = match &a.keep {
        Some(d) => d.clone(),
        None => {
            tmp = tempfile::tempdir()?;
            tmp.path().to_path_buf()
        }
    };
    let app = prepare(&dir, &a, &rt)?;

    let listener = rt.block_on(entente_server::bind("127.0.0.1:0".parse()?))?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = entente_server::Server::new(app.clone(), entente_server::Config::default());
    let serving = rt.spawn(entente_server::serve(listener, server, async {
        let _ = stopped.await;
    }));
    let token = token(&base)?;

    // The background ingest: other articles, uploaded and ingested by a job.
    let more = dir.join("more");
    std::fs::create_dir_all(&more)?;
    let more_files = corpus::generate_with(&more, a.ingest, 0x0dd_ba11_cafe_f00d, "more")?;
    let mut body = Vec::new();
    for f in &more_files {
        body.extend(std::fs::read(f)?);
    }
    let mut r = agent()
        .post(format!("{base}/api/v1/jobs/ingest?name=more.jsonl"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/octet-stream")
        .send(&body[..])?;
    let made: serde_json::Value = serde_json::from_str(&r.body_mut().read_to_string()?)?;
    let job_id = made["id"].as_str().context("no job id")?.to_string();
    let started = Instant::now();
    loop {
        let j = job(&base, &token, &job_id)?;
        // Running (a tiny --ingest may even be done by now).
        if j["state"] != "queued" {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            bail!("the ingest job did not start: {j}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let before = job(&base, &token, &job_id)?["done"].as_u64().unwrap_or(0);

    let deadline = Instant::now() + Duration::from_secs(a.secs);
    let t0 = Instant::now();
    let threads: Vec<_> = (0..a.clients)
        .map(|c| {
            let base = base.clone();
            let token = token.clone();
            std::thread::spawn(move || {
                let agent = agent();
                let mut out: Vec<(&'static str, Duration, bool)> = Vec::new();
                let mut i = c;
                while Instant::now() < deadline {
                    let (kind, method, path) = MIX[i % MIX.len()];
                    i += 1;
                    let url = format!("{base}{path}");
                    let t = Instant::now();
                    let r = if method == "POST" {
                        agent
                            .post(&url)
                            .header("authorization", format!("Bearer {token}"))
                            .header("content-type", "application/json")
                            .send(TOP)
                    } else {
                        agent
                            .get(&url)
                            .header("authorization", format!("Bearer {token}"))
                            .call()
                    };
                    let ok = match r {
                        Ok(mut resp) => {
                            let good = resp.status().is_success();
                            let _ = resp.body_mut().read_to_vec();
                            good
                        }
                        Err(_) => false,
                    };
                    out.push((kind, t.elapsed(), ok));
                }
                out
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in threads {
        all.extend(
            t.join()
                .map_err(|_| anyhow::anyhow!("a client thread failed"))?,
        );
    }
    let wall = t0.elapsed();
    let after = job(&base, &token, &job_id)?;

    println!(
        "\n{} clients for {:.1} s, ingest job {} meanwhile: {} → {} documents ({})",
        a.clients,
        wall.as_secs_f64(),
        job_id,
        before,
        after["done"].as_u64().unwrap_or(0),
        after["state"].as_str().unwrap_or("?")
    );
    println!("\n| kind | requests | errors | p50 ms | p95 ms | p99 ms |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let mut kinds: Vec<&str> = MIX.iter().map(|m| m.0).collect();
    kinds.dedup();
    kinds.push("all");
    for k in kinds {
        let mut d: Vec<Duration> = all
            .iter()
            .filter(|x| k == "all" || x.0 == k)
            .map(|x| x.1)
            .collect();
        d.sort();
        let errors = all
            .iter()
            .filter(|x| (k == "all" || x.0 == k) && !x.2)
            .count();
        println!(
            "| {k} | {} | {errors} | {} | {} | {} |",
            d.len(),
            ms(percentile(&d, 0.50)),
            ms(percentile(&d, 0.95)),
            ms(percentile(&d, 0.99))
        );
    }
    println!(
        "\nthroughput: {:.0} requests/s",
        all.len() as f64 / wall.as_secs_f64()
    );
    let _ = stop.send(());
    let _ = rt.block_on(serving);
    Ok(())
}
