//! `entente serve`: the HTTP API over the application layer, for a team.
//!
//! The server is thin (DESIGN.md): each handler checks the caller's role, parses the request
//! into the application layer's own serde types, runs the call on a blocking thread
//! ([`Server::blocking`]) and maps the error kind to a status ([`error::status_of`]).
//! Every route but `/api/v1/health` and the sign-in needs a session cookie or an API token;
//! unsafe requests on a session also carry its CSRF token (`X-CSRF-Token`).
//!
//! ```text
//! let app = Arc::new(App::open("entente-data", Access::ReadWrite)?);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! entente_server::serve(listener, Server::new(app, Config::default()), shutdown).await?;
//! ```

mod auth;
mod error;
pub mod openapi;
mod routes;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use entente_app::{App, AppError};

pub use auth::{CSRF_HEADER, Caller, LoginLimiter, SESSION_COOKIE};
pub use error::{ApiError, status_of};

/// How the server behaves at its edges.
#[derive(Clone, Debug)]
pub struct Config {
    /// Largest request body accepted (413 beyond).
    pub max_body_bytes: usize,
    /// A request still running after this is answered 408 and abandoned.
    pub request_timeout: Duration,
    /// Mark the session cookie `Secure` (behind TLS).
    pub secure_cookie: bool,
    /// Failed sign-ins per user name or client address before 429, and the window they count in.
    pub login_failures: u32,
    pub login_window: Duration,
    /// How often the server looks for watched sources due for a poll (none on a read-only
    /// data directory).
    pub watch_tick: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_body_bytes: 64 * 1024 * 1024,
            request_timeout: Duration::from_secs(300),
            secure_cookie: false,
            login_failures: 10,
            login_window: Duration::from_secs(300),
            watch_tick: Duration::from_secs(30),
        }
    }
}

/// What every handler shares: the application and the server's own state.
pub struct Server {
    app: Arc<App>,
    config: Config,
    logins: LoginLimiter,
    /// Jobs to run, in order, by this server's worker (started by [`serve`]).
    jobs: tokio::sync::mpsc::UnboundedSender<String>,
    queue: std::sync::Mutex<Option<tokio::sync::mpsc::UnboundedReceiver<String>>>,
    uploads: std::sync::atomic::AtomicU64,
}

impl Server {
    pub fn new(app: Arc<App>, config: Config) -> Arc<Server> {
        let (jobs, queue) = tokio::sync::mpsc::unbounded_channel();
        Arc::new(Server {
            logins: LoginLimiter::new(config.login_failures, config.login_window),
            app,
            config,
            jobs,
            queue: std::sync::Mutex::new(Some(queue)),
            uploads: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// Hands a stored job to the worker.
    pub fn enqueue(&self, id: &str) {
        // The receiver lives as long as the worker; without one the job stays queued and is
        // marked interrupted at the next start.
        let _ = self.jobs.send(id.to_string());
    }

    /// A directory name for one upload, unique in this data directory.
    fn next_upload_dir(&self) -> String {
        let n = self
            .uploads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        format!("{t}-{}-{n}", std::process::id())
    }

    /// Runs queued jobs one at a time (an ingest holds the index writer anyway).
    fn start_worker(self: &Arc<Server>) {
        let queue = self.queue.lock().map(|mut q| q.take()).unwrap_or(None);
        let Some(mut queue) = queue else {
            return;
        };
        let app = self.app.clone();
        tokio::spawn(async move {
            while let Some(id) = queue.recv().await {
                let app = app.clone();
                let job = id.clone();
                match tokio::task::spawn_blocking(move || app.run_job(&job)).await {
                    Ok(Ok(v)) => tracing::info!("job {id}: {}", v.job.state),
                    Ok(Err(e)) => tracing::warn!("job {id} not run: {e}"),
                    Err(e) => tracing::error!("job {id}: its worker failed: {e}"),
                }
            }
        });
    }

    /// Queues a poll of every due watched source, now and every `watch_tick`, for as long as
    /// the server runs.
    fn start_scheduler(self: &Arc<Server>) {
        if self.app.access() == entente_app::Access::ReadOnly {
            return;
        }
        let server = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(server.config.watch_tick);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let app = server.app.clone();
                match tokio::task::spawn_blocking(move || app.queue_due_watches()).await {
                    Ok(Ok(jobs)) => {
                        for id in &jobs {
                            tracing::info!("watch poll queued as job {id}");
                            server.enqueue(id);
                        }
                    }
                    Ok(Err(e)) => tracing::warn!("watched sources not polled: {e}"),
                    Err(e) => tracing::error!("the watch scheduler failed: {e}"),
                }
            }
        });
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    /// The application, for work that outlives the handler (a streamed download).
    pub(crate) fn shared_app(&self) -> Arc<App> {
        self.app.clone()
    }

    /// Runs `f` on the application in a blocking thread (the app does I/O and CPU work).
    pub async fn blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&App) -> Result<T, AppError> + Send + 'static,
    {
        let app = self.app.clone();
        match tokio::task::spawn_blocking(move || f(&app)).await {
            Ok(r) => r.map_err(ApiError::from),
            Err(e) => Err(ApiError::internal(format!(
                "a request's worker failed: {e}"
            ))),
        }
    }
}

/// The whole HTTP application: the API under `/api/v1` with its middleware.
pub fn router(server: Arc<Server>) -> Router {
    use tower_http::timeout::TimeoutLayer;
    let config = server.config.clone();
    routes::api()
        .with_state(server)
        .fallback(routes::not_found)
        // Bodies are read through extractors that stop at the limit (413 as a problem).
        .layer(axum::extract::DefaultBodyLimit::max(config.max_body_bytes))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(axum::middleware::map_response(bare_errors_as_problems))
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// Error answers made below the handlers (405 from routing, 408 from the timeout) carry no
/// body: they become problem documents like every other error.
async fn bare_errors_as_problems(mut r: axum::response::Response) -> axum::response::Response {
    use axum::http::{HeaderValue, StatusCode, header};
    use axum::response::IntoResponse;
    // Every answer is what its Content-Type says: a browser never guesses HTML or script.
    r.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let status = r.status();
    if !(status.is_client_error() || status.is_server_error())
        || r.headers().contains_key(header::CONTENT_TYPE)
    {
        return r;
    }
    let (kind, detail) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this route does not take that method (see `Allow`)",
        ),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took too long and was abandoned"),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "the request body is larger than this server accepts",
        ),
        StatusCode::NOT_FOUND => ("not_found", "no such route"),
        _ => ("error", "the request failed"),
    };
    let allow = r.headers().get(header::ALLOW).cloned();
    let mut p = ApiError::new(status, kind, detail).into_response();
    p.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Some(a) = allow {
        p.headers_mut().insert(header::ALLOW, a);
    }
    p
}

/// Serves `server` on `listener` until `shutdown` resolves; requests in flight finish first.
/// A job running then is stopped at its next document or source and marked `interrupted`
/// (a retry resumes it) before this returns; queued jobs stay for the next start to mark.
pub async fn serve(
    listener: tokio::net::TcpListener,
    server: Arc<Server>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    server.start_worker();
    server.start_scheduler();
    let waiter = server.app.clone();
    let app = server.app.clone();
    let shutdown = async move {
        shutdown.await;
        let n = app.interrupt_running_jobs();
        if n > 0 {
            tracing::info!("shutting down: {n} running job(s) stop at their next item");
        }
    };
    axum::serve(
        listener,
        router(server).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    // The process may end as soon as this returns: let the stopped job write its state.
    let settled = tokio::task::spawn_blocking(move || waiter.wait_for_running_jobs(JOB_STOP_WAIT))
        .await
        .unwrap_or(false);
    if !settled {
        tracing::warn!(
            "a job did not stop within {} s; it is marked interrupted at the next start",
            JOB_STOP_WAIT.as_secs()
        );
    }
    Ok(())
}

/// How long a stopping server waits for its running job to reach a boundary.
const JOB_STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Resolves on Ctrl-C or SIGTERM: what `entente serve` stops on.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
}

/// Binds the listening socket.
pub async fn bind(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await
}
