//! In-process LSP client for the protocol tests: the real server (`nianbao::server::serve`, with
//! its framing layer and tower-lsp-server's transport) over `tokio::io::duplex`, modelled on
//! typos-lsp's `tests/common/mod.rs`. Server-to-client requests are answered: `workspace/configuration`
//! with the value in `config`, anything else with `null`.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, WriteHalf};
use tokio::sync::Notify;

pub const TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Default)]
struct Seen {
    msgs: Vec<Value>,
}

pub struct Client {
    write: Arc<tokio::sync::Mutex<WriteHalf<DuplexStream>>>,
    seen: Arc<Mutex<Seen>>,
    notify: Arc<Notify>,
    next_id: i64,
    pub config: Arc<Mutex<Value>>,
    pub server: tokio::task::JoinHandle<bool>,
}

pub fn frame(v: &Value) -> Vec<u8> {
    let body = v.to_string();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

impl Client {
    pub fn start() -> Client {
        Client::start_with(nianbao::server::sync::Limits::default())
    }

    /// A server with other size limits.
    pub fn start_with(limits: nianbao::server::sync::Limits) -> Client {
        let (client_io, server_io) = tokio::io::duplex(1 << 20);
        let (sr, sw) = tokio::io::split(server_io);
        let server = tokio::spawn(nianbao::server::serve_with(sr, sw, limits));
        let (mut cr, cw) = tokio::io::split(client_io);
        let write = Arc::new(tokio::sync::Mutex::new(cw));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let notify = Arc::new(Notify::new());
        let config = Arc::new(Mutex::new(Value::Null));
        {
            let (seen, notify, write, config) =
                (seen.clone(), notify.clone(), write.clone(), config.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = vec![0u8; 1 << 16];
                loop {
                    let n = match cr.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    buf.extend_from_slice(&chunk[..n]);
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..end]).to_string();
                        let len: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("Content-Length: "))
                            .and_then(|v| v.trim().parse().ok())
                            .expect("content length");
                        if buf.len() < end + 4 + len {
                            break;
                        }
                        let v: Value = serde_json::from_slice(&buf[end + 4..end + 4 + len])
                            .expect("json from server");
                        buf.drain(..end + 4 + len);
                        if v.get("method").is_some() && v.get("id").is_some() {
                            let result = if v["method"] == "workspace/configuration" {
                                json!([config.lock().unwrap().clone()])
                            } else {
                                Value::Null
                            };
                            let reply = json!({"jsonrpc": "2.0", "id": v["id"], "result": result});
                            write.lock().await.write_all(&frame(&reply)).await.ok();
                        }
                        seen.lock().unwrap().msgs.push(v);
                        notify.notify_waiters();
                    }
                }
            });
        }
        Client {
            write,
            seen,
            notify,
            next_id: 1,
            config,
            server,
        }
    }

    pub async fn send_raw(&self, bytes: &[u8]) {
        let mut w = self.write.lock().await;
        w.write_all(bytes).await.expect("write");
        w.flush().await.expect("flush");
    }

    pub async fn notify(&self, method: &str, params: Value) {
        self.send_raw(&frame(
            &json!({"jsonrpc": "2.0", "method": method, "params": params}),
        ))
        .await;
    }

    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        // The answer comes after the request: an earlier message with the same id (an answer to
        // a hostile body that reused it) is not it.
        let from = self.count();
        self.send_raw(&frame(
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        ))
        .await;
        let (_, r) = self
            .wait_from(from, |m| {
                m.get("id") == Some(&json!(id)) && m.get("method").is_none()
            })
            .await;
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// The first message (from the start of the session) that satisfies `pred`.
    pub async fn wait(&self, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_from(0, pred).await.1
    }

    /// The first message at index >= `from`, and its index.
    pub async fn wait_from(&self, from: usize, pred: impl Fn(&Value) -> bool) -> (usize, Value) {
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            let notified = self.notify.notified();
            {
                let seen = self.seen.lock().unwrap();
                if let Some((i, m)) = seen
                    .msgs
                    .iter()
                    .enumerate()
                    .skip(from)
                    .find(|(_, m)| pred(m))
                {
                    return (i, m.clone());
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                let seen = self.seen.lock().unwrap();
                panic!(
                    "timed out; seen: {:#?}",
                    seen.msgs.iter().rev().take(5).collect::<Vec<_>>()
                );
            }
        }
    }

    pub fn count(&self) -> usize {
        self.seen.lock().unwrap().msgs.len()
    }

    pub fn messages(&self) -> Vec<Value> {
        self.seen.lock().unwrap().msgs.clone()
    }

    /// The publishDiagnostics for `uri` with `version` (any version when `None`), after index `from`.
    pub async fn publish(&self, from: usize, uri: &str, version: Option<i64>) -> Value {
        self.wait_from(from, |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version.is_none_or(|v| m["params"]["version"] == v)
        })
        .await
        .1["params"]
            .clone()
    }

    pub async fn initialize(&mut self, capabilities: Value, options: Value) -> Value {
        let r = self
            .request("initialize", json!({"processId": null, "rootUri": null, "capabilities": capabilities, "initializationOptions": options}))
            .await;
        self.notify("initialized", json!({})).await;
        r
    }

    pub async fn open(&self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        )
        .await;
    }

    pub async fn change(&self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        )
        .await;
    }

    pub async fn shutdown(mut self) -> bool {
        self.request("shutdown", Value::Null).await;
        self.notify("exit", Value::Null).await;
        tokio::time::timeout(TIMEOUT, self.server)
            .await
            .expect("server ends")
            .expect("join")
    }
}

/// Client capabilities of a modern editor: utf-16 and utf-8 offered, versioned document changes,
/// pull configuration.
pub fn caps(encodings: &[&str]) -> Value {
    json!({
        "general": {"positionEncodings": encodings},
        "workspace": {"workspaceEdit": {"documentChanges": true}, "configuration": true, "inlayHint": {"refreshSupport": true}},
        "textDocument": {"publishDiagnostics": {"versionSupport": true}}
    })
}

/// Position (utf-16) of byte `at` in `text`.
pub fn pos16(text: &str, at: usize) -> Value {
    let before = &text[..at];
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = nianbao::text::lines(before).len() - 1;
    let ch: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": ch})
}

/// Applies LSP text edits (utf-16 positions, non-overlapping) to `text`, as a client does.
pub fn apply(text: &str, edits: &[Value]) -> String {
    let idx = nianbao::text::LineIndex::new(text);
    let off = |p: &Value| {
        idx.offset(
            text,
            nianbao::text::Position {
                line: p["line"].as_u64().unwrap() as u32,
                character: p["character"].as_u64().unwrap() as u32,
            },
            nianbao::text::Encoding::Utf16,
        )
    };
    let mut es: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                off(&e["range"]["start"]),
                off(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    es.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (a, b, t) in es {
        out.replace_range(a..b, &t);
    }
    out
}

#[path = "../support/mod.rs"]
mod support;

pub fn seed(name: &str) -> String {
    support::seed(name)
}

/// The corpus report whose file name starts with `prefix` (`"206_"`).
pub fn corpus(prefix: &str) -> String {
    support::corpus_report(prefix)
}

pub fn codes(publish: &Value) -> Vec<String> {
    publish["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}
