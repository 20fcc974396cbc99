//! `fetch` against a tiny HTTP server on 127.0.0.1 run by the test (no external network).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use entente_ingest::IngestError;
use entente_ingest::fetch::{FetchOptions, fetch};

const PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head><title>Fetched page</title></head>\
<body><article><p>The envoy arrived on Monday.</p></article></body></html>";

fn respond(mut stream: TcpStream) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the headers.
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" || line == "\n" => break,
            Ok(_) => {}
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let big = vec![b'a'; 10_000];
    let (head, body): (String, Vec<u8>) = match path.as_str() {
        "/page" => (
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n",
                PAGE.len()
            ),
            PAGE.as_bytes().to_vec(),
        ),
        "/redirect" => (
            "HTTP/1.1 302 Found\r\nLocation: /page\r\nContent-Length: 0\r\n".into(),
            Vec::new(),
        ),
        "/loop" => (
            "HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n".into(),
            Vec::new(),
        ),
        "/big" => (
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n",
                big.len()
            ),
            big,
        ),
        // No Content-Length: the cap must be enforced while reading.
        "/big-stream" => (
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n".into(),
            big,
        ),
        "/slow" => {
            std::thread::sleep(Duration::from_millis(1500));
            (
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n".into(),
                b"ok".to_vec(),
            )
        }
        _ => (
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n".into(),
            b"not found".to_vec(),
        ),
    };
    let _ = stream.write_all(format!("{head}Connection: close\r\n\r\n").as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

/// Starts the server; returns its base URL.
fn server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("addr: {e}"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || respond(stream));
        }
    });
    format!("http://{addr}")
}

fn opts() -> FetchOptions {
    FetchOptions {
        timeout: Duration::from_secs(10),
        max_bytes: 1_000,
        max_redirects: 3,
    }
}

#[test]
fn fetches_a_page_then_reads_it() {
    let base = server();
    let f = fetch(&format!("{base}/page"), &opts()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.bytes, PAGE.as_bytes());
    assert_eq!(f.content_type.as_deref(), Some("text/html; charset=utf-8"));
    assert_eq!(f.charset().as_deref(), Some("utf-8"));
    let docs = entente_ingest::readers::read(
        &f.url,
        &f.bytes,
        f.content_type.as_deref(),
        &Default::default(),
    );
    let d = docs[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.text, "The envoy arrived on Monday.");
    assert_eq!(d.title.as_deref(), Some("Fetched page"));
}

#[test]
fn follows_redirects() {
    let base = server();
    let f = fetch(&format!("{base}/redirect"), &opts()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.url, format!("{base}/page"));
    assert_eq!(f.bytes, PAGE.as_bytes());
    let e = fetch(&format!("{base}/loop"), &opts()).expect_err("redirect loop");
    assert!(matches!(e, IngestError::Fetch { .. }), "{e}");
    assert!(e.to_string().contains("redirect"), "{e}");
}

#[test]
fn status_404_is_an_error() {
    let base = server();
    let url = format!("{base}/missing");
    let e = fetch(&url, &opts()).expect_err("404");
    assert_eq!(e.to_string(), format!("{url}: HTTP 404 Not Found"));
    assert_eq!(e.origin(), url);
}

#[test]
fn size_cap() {
    let base = server();
    let e = fetch(&format!("{base}/big"), &opts()).expect_err("too large");
    assert!(
        matches!(
            e,
            IngestError::TooLarge {
                size: 10_000,
                limit: 1_000,
                ..
            }
        ),
        "{e}"
    );
    let e = fetch(&format!("{base}/big-stream"), &opts()).expect_err("too large");
    assert!(
        matches!(
            e,
            IngestError::TooLarge {
                size: 1_001,
                limit: 1_000,
                ..
            }
        ),
        "{e}"
    );
    // Under the cap it is fine.
    let big = FetchOptions {
        max_bytes: 10_000,
        ..opts()
    };
    assert_eq!(
        fetch(&format!("{base}/big-stream"), &big)
            .map(|f| f.bytes.len())
            .ok(),
        Some(10_000)
    );
}

#[test]
fn timeout() {
    let base = server();
    let short = FetchOptions {
        timeout: Duration::from_millis(300),
        ..opts()
    };
    let e = fetch(&format!("{base}/slow"), &short).expect_err("timeout");
    assert!(e.to_string().contains("timed out"), "{e}");
}

#[test]
fn closed_port() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
        l.local_addr().map(|a| a.port()).unwrap_or(9)
    };
    let url = format!("http://127.0.0.1:{port}/x");
    let e = fetch(&url, &opts()).expect_err("closed");
    assert!(matches!(e, IngestError::Fetch { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("{url}: could not connect")),
        "{e}"
    );
}

#[test]
fn only_http() {
    let e = fetch("file:///etc/passwd", &opts()).expect_err("scheme");
    assert!(e.to_string().contains("only http:// and https://"), "{e}");
}
