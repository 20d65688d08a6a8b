//! End to end: the built binary (`nianbao lsp --stdio`) over real stdin/stdout.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

fn send(stdin: &mut impl Write, v: Value) {
    stdin
        .write_all(&frame(&v))
        .and_then(|_| stdin.flush())
        .expect("write");
}

fn frame(v: &Value) -> Vec<u8> {
    let body = v.to_string();
    [
        format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes(),
        body.into_bytes(),
    ]
    .concat()
}

/// Stdin and stdout are pipes (what editors give): stdin is polled on the server's thread.
#[test]
fn binary_serves_over_stdio() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["lsp", "--stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn nianbao lsp");
    let stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    session(stdin, stdout);
    let status = child.wait().expect("exit");
    assert_eq!(status.code(), Some(0));
}

/// Stdin and stdout are one socket (inetd style), which cannot be polled for reading alone: a
/// thread reads it, and the session is the same.
#[test]
fn binary_serves_over_one_socket() {
    use std::os::unix::net::UnixStream;
    let (ours, theirs) = UnixStream::pair().expect("socket pair");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("lsp")
        .stdin(Stdio::from(std::os::fd::OwnedFd::from(
            theirs.try_clone().expect("dup"),
        )))
        .stdout(Stdio::from(std::os::fd::OwnedFd::from(theirs)))
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn nianbao lsp");
    session(ours.try_clone().expect("dup"), ours);
    let status = child.wait().expect("exit");
    assert_eq!(status.code(), Some(0));
}

/// initialize → didOpen → diagnostics → a malformed frame → documentSymbol → shutdown → exit.
fn session(mut stdin: impl Write, stdout: impl Read + Send + 'static) {
    let (tx, rx) = mpsc::channel::<Value>();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        loop {
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    len = v.trim().parse().expect("length");
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0; len];
            if r.read_exact(&mut body).is_err() {
                return;
            }
            if tx
                .send(serde_json::from_slice(&body).expect("json"))
                .is_err()
            {
                return;
            }
        }
    });
    let next = |pred: &dyn Fn(&Value) -> bool| loop {
        let m = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("a message from the server");
        if pred(&m) {
            return m;
        }
    };

    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {"general": {"positionEncodings": ["utf-32", "utf-16"]}}, "initializationOptions": {"diagnosticsDelayMs": 0}}}),
    );
    let init = next(&|m| m["id"] == 1);
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-32");
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    let text = "某局2024年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n";
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": "file:///tmp/a.md", "languageId": "markdown", "version": 7, "text": text}}}),
    );
    let p = next(&|m| m["method"] == "textDocument/publishDiagnostics");
    assert_eq!(p["params"]["version"], 7);
    let codes: Vec<&str> = p["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"section-missing") && codes.contains(&"table-missing"),
        "{codes:?}"
    );

    // A malformed frame is answered with -32700 and the session goes on.
    stdin
        .write_all(b"Content-Length: 5\r\n\r\n{\"a\":")
        .expect("write");
    let e = next(&|m| m.get("error").is_some());
    assert_eq!(e["error"]["code"], -32700);
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": "file:///tmp/a.md"}}}),
    );
    let s = next(&|m| m["id"] == 2);
    assert_eq!(s["result"].as_array().map(Vec::len), Some(3));
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}),
    );
    next(&|m| m["id"] == 3);
    send(&mut stdin, json!({"jsonrpc": "2.0", "method": "exit"}));
}
