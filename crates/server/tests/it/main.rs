//! The HTTP API against a real server on a loopback port: one server (one data directory,
//! with stories written for these tests, ingested and extracted) shared by the tests.

mod api;

use std::sync::{Arc, OnceLock};

use entente_app::{Access, App, ExtractRequest, IngestRequest, Principal, Role, UserAdd};
use entente_server::{Config, Server};

/// Stories written for these tests (real facts, our words).
const STORIES: &[&str] = &[
    "Xi Jinping held talks with Vladimir Putin in Moscow on March 21, 2023.",
    "Kim Jong Un held talks with Vladimir Putin at the Vostochny Cosmodrome on September 13, 2023.",
    "Vladimir Putin held talks with Kim Jong Un in Pyongyang on June 19, 2024.",
    "Kim Jong Un met Xi Jinping in Beijing on March 26, 2018.",
    "Kim Jong Un and Xi Jinping held talks in Dalian on May 8, 2018.",
];

pub const PASSWORD: &str = "correct horse battery";

pub struct TestServer {
    pub base: String,
    pub app: Arc<App>,
    _dir: tempfile::TempDir,
}

/// A server on `app` with `config`, on its own thread and runtime; returns its base URL.
pub fn spawn(app: Arc<App>, config: Config) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = entente_server::bind("127.0.0.1:0".parse().expect("addr"))
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            entente_server::serve(
                listener,
                Server::new(app, config),
                std::future::pending::<()>(),
            )
            .await
            .expect("serve");
        });
    });
    let addr = rx.recv().expect("server started");
    format!("http://{addr}")
}

/// The shared server: users `admin`, `ana` (analyst) and `vic` (viewer), all with
/// [`PASSWORD`]; the stories ingested and extracted.
pub fn server() -> &'static TestServer {
    static S: OnceLock<TestServer> = OnceLock::new();
    S.get_or_init(build_server)
}

/// A server of its own, as [`server`] builds it: for tests that add sources or events, so
/// that the shared server's listings stay still for the others.
pub fn build_server() -> TestServer {
    build_server_with(Config {
        max_body_bytes: 256 * 1024,
        ..Config::default()
    })
}

/// [`build_server`] with its own server settings.
pub fn build_server_with(config: Config) -> TestServer {
    {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        let app = Arc::new(App::open(&data, Access::ReadWrite).expect("open"));
        let inputs: Vec<String> = STORIES
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let p = dir.path().join(format!("story{i}.txt"));
                std::fs::write(&p, text).expect("write story");
                p.display().to_string()
            })
            .collect();
        let summary = app
            .ingest(
                &IngestRequest {
                    inputs,
                    outlet: Some("Test Wire".into()),
                    ..Default::default()
                },
                &mut |_| {},
            )
            .expect("ingest");
        assert_eq!(summary.failed, 0, "{:?}", summary.items);
        app.extract(&ExtractRequest::default(), &mut |_, _| {})
            .expect("extract");
        let cli = Principal::local("setup");
        for (name, role) in [
            ("admin", Role::Admin),
            ("ana", Role::Analyst),
            ("vic", Role::Viewer),
        ] {
            app.add_user(
                &cli,
                &UserAdd {
                    name: name.into(),
                    role,
                    password: PASSWORD.into(),
                },
            )
            .expect("user");
        }
        let base = spawn(app.clone(), config);
        TestServer {
            base,
            app,
            _dir: dir,
        }
    }
}
