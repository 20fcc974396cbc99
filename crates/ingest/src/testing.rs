//! A small web site on 127.0.0.1 for tests of fetching and watching (feature `testing`):
//! pages set and changed while it runs, `ETag` answered with 304, failures on demand, and a
//! count of the requests each path received. No external network is used.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One page of the site.
#[derive(Clone, Debug)]
struct Page {
    content_type: String,
    body: Vec<u8>,
    etag: Option<String>,
    /// Answer this status instead of the page (after `fail_next` runs out: the page).
    status: u16,
    /// The next this many requests are answered 500.
    fail_next: usize,
}

#[derive(Default)]
struct State {
    pages: HashMap<String, Page>,
    hits: HashMap<String, usize>,
    not_modified: HashMap<String, usize>,
}

/// The running site; it lives as long as the test process.
#[derive(Clone)]
pub struct TestSite {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    state: Arc<Mutex<State>>,
}

impl TestSite {
    /// Starts an empty site (every path 404) on a free loopback port.
    pub fn start() -> TestSite {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || answer(stream, &state));
            }
        });
        TestSite { base, state }
    }

    /// The full address of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut s)
    }

    /// Sets `path` to answer `body` (200) with `content_type`, and an ETag when given.
    pub fn put(&self, path: &str, content_type: &str, body: &str, etag: Option<&str>) {
        self.with(|s| {
            s.pages.insert(
                path.into(),
                Page {
                    content_type: content_type.into(),
                    body: body.as_bytes().to_vec(),
                    etag: etag.map(Into::into),
                    status: 200,
                    fail_next: 0,
                },
            )
        });
    }

    /// The next `n` requests of `path` are answered 500.
    pub fn fail_next(&self, path: &str, n: usize) {
        self.with(|s| {
            if let Some(p) = s.pages.get_mut(path) {
                p.fail_next = n;
            }
        });
    }

    /// Every request of `path` is answered `status` (200 gives the page again).
    pub fn set_status(&self, path: &str, status: u16) {
        self.with(|s| {
            if let Some(p) = s.pages.get_mut(path) {
                p.status = status;
            }
        });
    }

    /// Requests `path` received.
    pub fn hits(&self, path: &str) -> usize {
        self.with(|s| s.hits.get(path).copied().unwrap_or(0))
    }

    /// Requests of `path` answered 304 Not Modified.
    pub fn not_modified(&self, path: &str) -> usize {
        self.with(|s| s.not_modified.get(path).copied().unwrap_or(0))
    }
}

fn answer(mut stream: TcpStream, state: &Mutex<State>) {
    let Ok(clone) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(clone);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut if_none_match = None;
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line.trim().is_empty() => break,
            Ok(_) => {
                if let Some((k, v)) = line.split_once(':')
                    && k.trim().eq_ignore_ascii_case("if-none-match")
                {
                    if_none_match = Some(v.trim().to_string());
                }
            }
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let (status, ct, body, etag) = {
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        *s.hits.entry(path.clone()).or_default() += 1;
        match s.pages.get_mut(&path) {
            None => (404, "text/plain".to_string(), b"not found".to_vec(), None),
            Some(p) if p.fail_next > 0 => {
                p.fail_next -= 1;
                (500, "text/plain".into(), b"server error".to_vec(), None)
            }
            Some(p) if p.status != 200 => (p.status, "text/plain".into(), Vec::new(), None),
            Some(p) if p.etag.is_some() && p.etag == if_none_match => {
                let e = p.etag.clone();
                *s.not_modified.entry(path.clone()).or_default() += 1;
                (304, String::new(), Vec::new(), e)
            }
            Some(p) => (200, p.content_type.clone(), p.body.clone(), p.etag.clone()),
        }
    };
    let reason = match status {
        200 => "OK",
        304 => "Not Modified",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\nConnection: close\r\n");
    if !ct.is_empty() {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    if let Some(e) = etag {
        head.push_str(&format!("ETag: {e}\r\n"));
    }
    if status != 304 {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}
