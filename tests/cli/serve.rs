//! `casetrail serve` answers on a real socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

fn get(addr: &str, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn serve_answers_health_and_metrics_on_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_casetrail"))
        .arg("--data")
        .arg(dir.path().join("data"))
        .env("CASETRAIL_SIGNING_KEY", dir.path().join("signing.key"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut first)
        .unwrap();
    let addr = first
        .trim()
        .strip_prefix("casetrail serving on http://")
        .unwrap_or_else(|| panic!("{first:?}"))
        .to_string();
    let health = get(&addr, "/healthz");
    let metrics = get(&addr, "/metrics");
    let missing = get(&addr, "/nowhere");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with("ok\n"), "{health}");
    assert!(
        health.to_lowercase().contains("x-frame-options: deny"),
        "{health}"
    );
    assert!(
        metrics.contains("casetrail_ledger_head_position -1"),
        "{metrics}"
    );
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
}
