//! `fetch` against a tiny HTTP server on 127.0.0.1 run by the test (no external network).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use entente_ingest::IngestError;
use entente_ingest::fetch::{FetchOptions, FetchPolicy, fetch, is_public};

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
        "/to-metadata" => (
            "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data/\r\nContent-Length: 0\r\n".into(),
            Vec::new(),
        ),
        "/to-private" => (
            "HTTP/1.1 301 Moved Permanently\r\nLocation: http://10.0.0.1/admin\r\nContent-Length: 0\r\n".into(),
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

/// The test server is on loopback: these tests allow it explicitly, as an administrator would.
fn opts() -> FetchOptions {
    FetchOptions {
        timeout: Duration::from_secs(10),
        max_bytes: 1_000,
        max_redirects: 3,
        policy: FetchPolicy::allow_loopback(),
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

/// By default nothing but public addresses is fetched: the loopback test server, the cloud
/// metadata address and private networks are refused before a connection is made, with the
/// setting that would allow them named (#16 item 5).
#[test]
fn non_public_addresses_are_refused_by_default() {
    let base = server();
    let strict = FetchOptions {
        policy: FetchPolicy::default(),
        ..opts()
    };
    for (url, kind) in [
        (format!("{base}/page"), "loopback"),
        (
            "http://169.254.169.254/latest/meta-data/".to_string(),
            "link-local",
        ),
        ("http://10.0.0.1/".to_string(), "private"),
        ("http://[::1]:9/".to_string(), "loopback"),
        ("http://[::ffff:127.0.0.1]:9/".to_string(), "loopback"),
        ("http://0.0.0.0:9/".to_string(), "not a public address"),
        ("http://localhost:9/".to_string(), "loopback"),
    ] {
        let t = std::time::Instant::now();
        let e = fetch(&url, &strict).expect_err("refused");
        let m = e.to_string();
        assert!(m.contains("refused") && m.contains(kind), "{url}: {m}");
        assert!(m.contains("[fetch] allow"), "{url}: names the setting: {m}");
        // Refused at resolution: no connection attempt to wait for.
        assert!(t.elapsed() < Duration::from_secs(5), "{url}");
    }
}

/// A redirect is checked like the first request: an allowed host cannot bounce the fetch to
/// the metadata service or a private network.
#[test]
fn redirects_to_non_public_addresses_are_refused() {
    let base = server();
    for path in ["/to-metadata", "/to-private"] {
        let e = fetch(&format!("{base}{path}"), &opts()).expect_err("refused");
        let m = e.to_string();
        assert!(m.contains("refused"), "{path}: {m}");
        assert!(
            m.contains("169.254.169.254") || m.contains("10.0.0.1"),
            "{path}: names the address: {m}"
        );
    }
}

#[test]
fn the_allow_list_names_hosts_addresses_and_networks() {
    let p = FetchPolicy::parse(&[
        "wiki.intranet.example".into(),
        "10.1.0.0/16".into(),
        "192.168.5.5".into(),
        "fd00::/8".into(),
    ])
    .expect("valid");
    assert!(p.permits("wiki.intranet.example", "10.9.9.9".parse().unwrap()));
    assert!(p.permits("WIKI.intranet.example", "10.9.9.9".parse().unwrap()));
    assert!(p.permits("other", "10.1.200.3".parse().unwrap()));
    assert!(!p.permits("other", "10.2.0.1".parse().unwrap()));
    assert!(p.permits("other", "192.168.5.5".parse().unwrap()));
    assert!(!p.permits("other", "192.168.5.6".parse().unwrap()));
    assert!(p.permits("other", "fd12::1".parse().unwrap()));
    assert!(!p.permits("other", "127.0.0.1".parse().unwrap()));
    assert!(
        p.permits("news.example", "203.0.113.9".parse().unwrap())
            == is_public("203.0.113.9".parse().unwrap())
    );
    for bad in ["10.0.0.0/33", "not a host!", "", "1.2.3.4/x"] {
        let e = FetchPolicy::parse(&[bad.into()]).expect_err(bad);
        assert!(e.starts_with("allow[0]"), "{e}");
    }
}

#[test]
fn public_addresses_are_told_from_the_rest() {
    for ip in ["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "175.45.176.1"] {
        assert!(is_public(ip.parse().unwrap()), "{ip}");
    }
    for ip in [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "224.0.0.1",
        "192.0.2.1",
        "198.18.0.1",
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "2002:0a00:0001::1",
        "64:ff9b::a9fe:a9fe",
        "2001:db8::1",
        "fd00:ec2::254",
    ] {
        assert!(!is_public(ip.parse().unwrap()), "{ip}");
    }
}
