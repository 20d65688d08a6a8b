//! The server outlives any message and never loses or misapplies a change: bodies the decoder
//! rejects (lone surrogates, deep nesting, numbers out of range, invalid UTF-8, hostile JSON from
//! a generator) are answered and skipped; framing that lies or never ends is bounded; documents
//! above the size limit get one diagnostic; a change split inside a CJK character (as Neovim
//! sends a pasted chunk) is applied at the byte level; a change that cannot be applied marks the
//! document lost until the whole text comes again, and the user is told.

mod lsp_common;

use std::sync::Mutex;
use std::time::Duration;

use lsp_common::{Client, caps, codes, pos16, seed};
use nianbao::server::sync::Limits;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

const URI: &str = "file:///tmp/hardening.md";

fn raw_frame(body: &[u8]) -> Vec<u8> {
    [
        format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes(),
        body,
    ]
    .concat()
}

/// The byte offset of the （七）总计 total of table 三 in seed 000.
fn total_cell(text: &str) -> usize {
    text.find("(七) 总计").unwrap() + "(七) 总计\t4\t0\t0\t0\t0\t0\t".len()
}

/// Asks for the hover of the total cell (the server's answer proves it is alive and still holds
/// the text), with an id no hostile body uses.
async fn hover_ok(c: &Client, text: &str, n: usize) {
    let id = format!("hover-{n}");
    let from = c.count();
    c.send_raw(&lsp_common::frame(&json!({
        "jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
        "params": {"textDocument": {"uri": URI}, "position": pos16(text, total_cell(text))}
    })))
    .await;
    let (_, r) = c
        .wait_from(from, |m| {
            m["id"] == id.as_str() && m.get("method").is_none()
        })
        .await;
    let value = r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(value.contains("总计"), "hover after a hostile body: {r}");
}

async fn started(limits: Limits, encodings: &[&str]) -> (Client, String) {
    let mut c = Client::start_with(limits);
    c.initialize(caps(encodings), json!({"diagnosticsDelayMs": 0}))
        .await;
    let text = seed("000");
    c.open(URI, &text).await;
    c.publish(0, URI, Some(1)).await;
    (c, text)
}

/// The error answer with this id, after message `from`.
async fn error_for(c: &Client, from: usize, id: Value) -> Value {
    c.wait_from(from, |m| m["id"] == id && m.get("error").is_some())
        .await
        .1["error"]
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_ending_bodies_are_answered_and_skipped() {
    let (c, text) = started(Limits::default(), &["utf-16"]).await;
    let position = pos16(&text, total_cell(&text));
    let bodies = [
        // What JSON.stringify writes for half an emoji.
        json!({"textDocument": {"uri": URI}, "position": position, "x": "SURROGATE"})
            .to_string()
            .replace("SURROGATE", r"\ud83d"),
        // Nesting of 127 levels and more.
        json!({"textDocument": {"uri": URI}, "position": position, "x": "DEEP"})
            .to_string()
            .replace(
                "\"DEEP\"",
                &format!("{}{}", "[".repeat(130), "]".repeat(130)),
            ),
        // A number outside the range of f64.
        json!({"textDocument": {"uri": URI}, "position": position, "x": "BIG"})
            .to_string()
            .replace("\"BIG\"", "1e999"),
    ];
    for (i, params) in bodies.iter().enumerate() {
        // As a request: answered -32600 with its id.
        let from = c.count();
        let id = 500 + i;
        let body = format!(
            r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/hover","params":{params}}}"#
        );
        c.send_raw(&raw_frame(body.as_bytes())).await;
        assert_eq!(error_for(&c, from, json!(id)).await["code"], -32600);
        hover_ok(&c, &text, i).await;
        // As a notification: answered with id null.
        let from = c.count();
        let body = format!(r#"{{"jsonrpc":"2.0","method":"x/notify","params":{params}}}"#);
        c.send_raw(&raw_frame(body.as_bytes())).await;
        assert_eq!(error_for(&c, from, Value::Null).await["code"], -32600);
        hover_ok(&c, &text, 10 + i).await;
    }
    assert!(c.shutdown().await);
}

/// Values the decoder cannot hold, in a field of a change nobody reads: the change is applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_with_unreadable_extras_are_applied() {
    let (c, text) = started(Limits::default(), &["utf-16"]).await;
    let at = total_cell(&text);
    let range = json!({"start": pos16(&text, at), "end": pos16(&text, at + 1)});
    for (v, extra) in [(2, r#""\udc00""#), (3, "1e999"), (4, &"[".repeat(200))] {
        let extra = if extra.starts_with('[') {
            format!("{extra}{}", "]".repeat(200))
        } else {
            extra.to_string()
        };
        let digit = if v % 2 == 0 { "5" } else { "4" };
        let body = format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{URI}","version":{v}}},"contentChanges":[{{"range":{range},"text":"{digit}","x":{extra}}}]}}}}"#
        );
        c.send_raw(&raw_frame(body.as_bytes())).await;
        let p = c.publish(0, URI, Some(v)).await;
        let mismatch = codes(&p).contains(&"total-mismatch".to_string());
        assert_eq!(mismatch, digit == "5", "version {v}: {p}");
    }
    assert!(c.shutdown().await);
}

/// Pieces of hostile JSON (nesting, surrogates, numbers at and past the range of f64, invalid
/// UTF-8, wrong types), in messages mostly shaped like requests so that the values decide.
fn hostile_value() -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("1e999".to_string()),
        Just("-1e309".to_string()),
        Just("1e-400".to_string()),
        Just("18446744073709551616".to_string()),
        Just(r#""\ud83d""#.to_string()),
        Just(r#""\ude00\ud83d""#.to_string()),
        Just(r#""\ud83d\ude00""#.to_string()),
        Just("\"\\uZZZZ\"".to_string()),
        Just("\"\u{4e2d}\"".to_string()),
        Just("[".repeat(130) + &"]".repeat(130)),
        Just("[".repeat(120) + &"]".repeat(120)),
        "[a-z0-9]{0,5}".prop_map(|s| format!("\"{s}\"")),
        (-3i64..3).prop_map(|n| n.to_string()),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(("[a-z]{1,3}", inner), 0..3).prop_map(|v| {
                let f: Vec<String> = v.into_iter().map(|(k, x)| format!("\"{k}\":{x}")).collect();
                format!("{{{}}}", f.join(","))
            }),
        ]
    })
    .boxed()
}

fn hostile_body() -> impl Strategy<Value = Vec<u8>> {
    let method = prop_oneof![
        Just(r#""method":"textDocument/hover""#),
        Just(r#""method":"textDocument/didChange""#),
        Just(r#""method":"textDocument/didOpen""#),
        Just(r#""method":"$/x""#),
        Just(r#""method":5"#),
        Just(""),
    ];
    let id = prop_oneof![
        Just(r#""id":"h""#.to_string()),
        Just(r#""id":1.5"#.to_string()),
        hostile_value().prop_map(|v| format!("\"id\":{v}")),
        Just(String::new()),
    ];
    let params = prop_oneof![
        hostile_value().prop_map(|v| format!("\"params\":{v}")),
        hostile_value().prop_map(|v| format!(
            r#""params":{{"textDocument":{{"uri":"file:///other.md","version":2}},"contentChanges":[{{"text":"x","range":{v}}}]}}"#
        )),
        hostile_value().prop_map(|v| format!(r#""params":{{"textDocument":{{"uri":"file:///other.md"}},"x":{v}}}"#)),
    ];
    (
        method,
        id,
        params,
        any::<bool>(),
        prop::option::of((0usize..400, any::<u8>())),
    )
        .prop_map(|(m, id, p, v2, damage)| {
            let fields: Vec<String> = [
                if v2 {
                    r#""jsonrpc":"2.0""#
                } else {
                    r#""jsonrpc":2"#
                }
                .to_string(),
                m.to_string(),
                id,
                p,
            ]
            .into_iter()
            .filter(|f| !f.is_empty())
            .collect();
            let mut body = format!("{{{}}}", fields.join(",")).into_bytes();
            if let Some((at, b)) = damage
                && at < body.len()
            {
                match b % 3 {
                    0 => body.truncate(at),
                    1 => body[at] = b | 0x80,
                    _ => {}
                }
            }
            body
        })
}

/// Every hostile body is answered or skipped, and the server answers a hover after each.
#[test]
fn hostile_json_never_ends_the_session() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (c, text) = rt.block_on(started(Limits::default(), &["utf-16"]));
    let c = Mutex::new(c);
    let n = Mutex::new(0usize);
    let mut runner = TestRunner::new(Config {
        cases: 400,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&hostile_body(), |body| {
            let c = c.lock().unwrap();
            let mut n = n.lock().unwrap();
            *n += 1;
            rt.block_on(async {
                c.send_raw(&raw_frame(&body)).await;
                hover_ok(&c, &text, 1000 + *n).await;
            });
            Ok(())
        })
        .unwrap();
    let c = c.into_inner().unwrap();
    eprintln!("hostile bodies sent: {}", n.into_inner().unwrap());
    assert!(rt.block_on(c.shutdown()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dollar_requests_are_answered() {
    let (c, text) = started(Limits::default(), &["utf-16"]).await;
    let from = c.count();
    c.send_raw(&lsp_common::frame(
        &json!({"jsonrpc": "2.0", "id": 71, "method": "$/nianbao/unknown", "params": {}}),
    ))
    .await;
    assert_eq!(error_for(&c, from, json!(71)).await["code"], -32601);
    // A `$/` notification is ignored, as the protocol allows.
    c.notify("$/setTrace", json!({"value": "off"})).await;
    hover_ok(&c, &text, 0).await;
    assert!(c.shutdown().await);
}

/// LF-only and CR-only header lines are accepted; a header without its blank line and one that
/// never ends are answered, and the next frame is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_line_breaks_and_endless_headers() {
    let (c, text) = started(Limits::default(), &["utf-16"]).await;
    let hover = |id: &str| {
        json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
               "params": {"textDocument": {"uri": URI}, "position": pos16(&text, total_cell(&text))}})
        .to_string()
    };
    for (id, sep) in [("lf", "\n\n"), ("cr", "\r\r"), ("mixed", "\n\r\n")] {
        let from = c.count();
        let body = hover(id);
        c.send_raw(format!("Content-Length: {}{sep}{body}", body.len()).as_bytes())
            .await;
        let (_, r) = c.wait_from(from, |m| m["id"] == id).await;
        assert!(r["result"].is_object(), "{sep:?}: {r}");
    }
    let from = c.count();
    let body = hover("no-blank-line");
    c.send_raw(format!("Content-Length: {}\r\n{body}", body.len()).as_bytes())
        .await;
    assert_eq!(error_for(&c, from, Value::Null).await["code"], -32700);
    hover_ok(&c, &text, 0).await;
    let from = c.count();
    let mut endless = b"Content-Type: ".to_vec();
    endless.extend(std::iter::repeat_n(b'x', 1 << 20));
    c.send_raw(&endless).await;
    let e = error_for(&c, from, Value::Null).await;
    assert!(e["message"].as_str().unwrap().contains("too long"), "{e}");
    c.send_raw(b"\r\n\r\n").await;
    hover_ok(&c, &text, 1).await;
    assert!(c.shutdown().await);
}

/// A declared length above the limit is answered and its bytes skipped; a length that runs into
/// the next frame is cut there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_length_limits_and_lies() {
    let limits = Limits {
        max_message: 256 << 10,
        max_document: 64 << 20,
    };
    let (c, text) = started(limits, &["utf-16"]).await;
    let from = c.count();
    let pad = "x".repeat(300 << 10);
    c.send_raw(&lsp_common::frame(&json!({"jsonrpc": "2.0", "id": 91, "method": "textDocument/hover", "params": {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}, "pad": pad}})))
        .await;
    let e = error_for(&c, from, json!(91)).await;
    assert!(
        e["message"].as_str().unwrap().contains("exceeds the limit"),
        "{e}"
    );
    hover_ok(&c, &text, 0).await;
    // Lies of every size: above the limit (skipped until the next header) and below it.
    for lie in [1usize << 30, 200 << 10] {
        let from = c.count();
        let body = br#"{"jsonrpc":"2.0","id":92,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///none.md"},"position":{"line":0,"character":0}}}"#;
        c.send_raw(&[format!("Content-Length: {lie}\r\n\r\n").as_bytes(), body].concat())
            .await;
        hover_ok(&c, &text, lie).await;
        let _ = from;
    }
    assert!(c.shutdown().await);
}

/// Documents above the size limit get one diagnostic naming the limit, and are checked again
/// once they are small enough.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_above_the_limit_are_not_analysed() {
    let limits = Limits {
        max_message: 2 << 20,
        max_document: 1 << 20,
    };
    let (mut c, text) = started(limits, &["utf-16"]).await;
    let one = |p: &Value| {
        let d = p["diagnostics"].as_array().unwrap();
        assert_eq!(d.len(), 1, "{p}");
        d[0]["message"].as_str().unwrap().to_string()
    };
    // Grown past the limit by a change.
    let big = "正文。\n".repeat((1 << 20) / 10 + 1);
    let end = pos16(&text, text.len());
    c.change(
        URI,
        2,
        json!([{"range": {"start": end, "end": end}, "text": big}]),
    )
    .await;
    let msg = one(&c.publish(0, URI, Some(2)).await);
    assert!(msg.contains("超过 nianbao 可检查的上限 1 MiB"), "{msg}");
    let r = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    assert_eq!(r, Value::Null);
    // Shrunk again: checked as before.
    let grown = format!("{text}{big}");
    c.change(
        URI,
        3,
        json!([{"range": {"start": end, "end": pos16(&grown, grown.len())}, "text": ""}]),
    )
    .await;
    let p = c.publish(0, URI, Some(3)).await;
    assert_eq!(
        p["diagnostics"],
        c.publish(0, URI, Some(1)).await["diagnostics"]
    );
    hover_ok(&c, &text, 0).await;
    // Opened above the message limit: skipped unread, and still told.
    let huge = "正文。\n".repeat((2 << 20) / 10 + 1);
    c.open("file:///tmp/huge.md", &huge).await;
    let msg = one(&c.publish(0, "file:///tmp/huge.md", Some(1)).await);
    assert!(msg.contains("上限 1 MiB"), "{msg}");
    // Opened between the two limits.
    let large = "正文。\n".repeat((1 << 20) / 10 + 1000);
    c.open("file:///tmp/large.md", &large).await;
    let msg = one(&c.publish(0, "file:///tmp/large.md", Some(1)).await);
    assert!(msg.contains("文档大小为 1.0 MiB"), "{msg}");
    hover_ok(&c, &text, 1).await;
    assert!(c.shutdown().await);
}

/// Columns as Neovim counts them on a line's bytes (`vim.str_utfindex`): in UTF-8 bytes; in UTF-16
/// an incomplete sequence at the end is one unit, an invalid byte one unit.
fn nvim_col(line: &[u8], utf16: bool) -> usize {
    if !utf16 {
        return line.len();
    }
    let (mut i, mut n) = (0, 0);
    while i < line.len() {
        let len = match line[i] {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        let m = len.min(line.len() - i);
        let ok = line[i + 1..i + m].iter().all(|&c| c & 0xC0 == 0x80);
        let step = if len > 1 && ok { len } else { 1 };
        n += if step == 4 && i + 4 <= line.len() {
            2
        } else {
            1
        };
        i += step;
    }
    n
}

/// A didChange as Neovim writes it: the texts' bytes raw in the JSON strings.
fn nvim_change(uri: &str, version: i64, changes: &[(usize, usize, &[u8])]) -> Vec<u8> {
    let mut b = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{uri}","version":{version}}},"contentChanges":["#
    )
    .into_bytes();
    for (k, (line, col, text)) in changes.iter().enumerate() {
        if k > 0 {
            b.push(b',');
        }
        b.extend(format!(r#"{{"range":{{"start":{{"line":{line},"character":{col}}},"end":{{"line":{line},"character":{col}}}}},"rangeLength":0,"text":""#).as_bytes());
        for &c in *text {
            match c {
                b'"' => b.extend(b"\\\""),
                b'\\' => b.extend(b"\\\\"),
                b'\n' => b.extend(b"\\n"),
                b'\t' => b.extend(b"\\t"),
                b'\r' => b.extend(b"\\r"),
                _ => b.push(c),
            }
        }
        b.extend(b"\"}");
    }
    b.extend(b"]}}");
    b
}

/// Appends `text` to an empty document in pieces cut at `cuts` (byte offsets, inside CJK
/// characters), `per` pieces per notification, positions counted as Neovim counts them.
async fn paste(c: &Client, uri: &str, text: &str, cuts: &[usize], per: usize, utf16: bool) -> i64 {
    let bytes = text.as_bytes();
    let mut at: Vec<usize> = cuts.to_vec();
    at.insert(0, 0);
    at.push(bytes.len());
    let mut version = 1;
    let mut pending: Vec<(usize, usize, &[u8])> = Vec::new();
    let pieces: Vec<(usize, usize)> = at.windows(2).map(|w| (w[0], w[1])).collect();
    for (k, (a, b)) in pieces.iter().enumerate() {
        let so_far = &bytes[..*a];
        let line = so_far.iter().filter(|&&x| x == b'\n').count();
        let start = so_far
            .iter()
            .rposition(|&x| x == b'\n')
            .map_or(0, |i| i + 1);
        pending.push((line, nvim_col(&so_far[start..], utf16), &bytes[*a..*b]));
        if pending.len() == per || k + 1 == pieces.len() {
            version += 1;
            c.send_raw(&raw_frame(&nvim_change(uri, version, &pending)))
                .await;
            pending.clear();
        }
    }
    version
}

/// Cut points inside CJK characters, spread over the text.
fn cuts_inside_characters(text: &str, n: usize) -> Vec<usize> {
    let inside: Vec<usize> = (1..text.len())
        .filter(|&i| !text.is_char_boundary(i))
        .collect();
    (1..=n)
        .map(|k| inside[k * inside.len() / (n + 1)])
        .collect()
}

/// A CJK character split between two changes of one notification and between notifications:
/// applied at the byte level, nothing published for the text while it is not whole, and the
/// diagnostics and positions afterwards those of the whole text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_character_split_between_changes_is_not_lost() {
    for (enc, utf16) in [("utf-8", false), ("utf-16", true)] {
        let mut c = Client::start();
        let init = c
            .initialize(caps(&[enc]), json!({"diagnosticsDelayMs": 0}))
            .await;
        assert_eq!(init["capabilities"]["positionEncoding"], enc);
        let text = seed("000");
        let reference = "file:///tmp/reference.md";
        c.open(reference, &text).await;
        let expected = c.publish(0, reference, Some(1)).await["diagnostics"].clone();
        let cuts = cuts_inside_characters(&text, 12);
        for per in [1, 2, 5, 13] {
            let uri = format!("file:///tmp/paste-{per}.md");
            c.open(&uri, "").await;
            c.publish(0, &uri, Some(1)).await;
            let last = paste(&c, &uri, &text, &cuts, per, utf16).await;
            let p = c.publish(0, &uri, Some(last)).await;
            assert_eq!(p["diagnostics"], expected, "{enc}, {per} per notification");
            // Nothing was published for a version whose text was not whole.
            let versions: Vec<i64> = c
                .messages()
                .iter()
                .filter(|m| m["params"]["uri"] == uri.as_str())
                .filter_map(|m| m["params"]["version"].as_i64())
                .collect();
            assert!(
                versions.iter().all(|&v| v == 1 || v == last),
                "{versions:?}"
            );
            // Positions after the split characters are right: break the total and see it there.
            let at = total_cell(&text);
            let (line, col) = {
                let before = &text.as_bytes()[..at];
                let start = before
                    .iter()
                    .rposition(|&x| x == b'\n')
                    .map_or(0, |i| i + 1);
                (
                    before.iter().filter(|&&x| x == b'\n').count(),
                    nvim_col(&before[start..], utf16),
                )
            };
            let change = json!([{"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}}, "text": "5"}]);
            c.change(&uri, last + 1, change).await;
            let p = c.publish(0, &uri, Some(last + 1)).await;
            let d = p["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["code"] == "total-mismatch")
                .cloned()
                .expect("the broken total");
            assert_eq!(d["range"]["start"], json!({"line": line, "character": col}));
        }
        assert!(c.shutdown().await);
    }
}

/// A text that stays not UTF-8 (a GB18030 file opened as bytes) gets one diagnostic at the first
/// byte that is not, once it has stayed so for a moment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_that_stays_not_utf8_is_reported() {
    let (c, text) = started(Limits::default(), &["utf-8"]).await;
    let (gbk, _, _) = encoding_rs::GB18030.encode("二、主动公开");
    let mut body = br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/gbk.txt","languageId":"text","version":4,"text":"ab\n"#.to_vec();
    body.extend_from_slice(&gbk);
    body.extend(br#""}}}"#);
    c.send_raw(&raw_frame(&body)).await;
    let p = c.publish(0, "file:///tmp/gbk.txt", Some(4)).await;
    let d = &p["diagnostics"][0];
    assert_eq!(
        d["range"]["start"],
        json!({"line": 1, "character": 0}),
        "{p}"
    );
    assert!(d["message"].as_str().unwrap().contains("GB18030"), "{p}");
    hover_ok(&c, &text, 0).await;
    assert!(c.shutdown().await);
}

fn shown(c: &Client, method: &str, needle: &str) -> Vec<String> {
    c.messages()
        .iter()
        .filter(|m| m["method"] == method)
        .filter_map(|m| m["params"]["message"].as_str())
        .filter(|m| m.contains(needle))
        .map(str::to_string)
        .collect()
}

/// A change for a document never opened is reported once (with what to do), and the whole text
/// starts checking it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_for_unknown_documents_are_reported_once() {
    let (c, _) = started(Limits::default(), &["utf-16"]).await;
    let uri = "file:///tmp/%E8%8D%89%E7%A8%BF.md";
    let edit = json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "新"}]);
    c.change(uri, 2, edit.clone()).await;
    c.change(uri, 3, edit).await;
    c.wait(|m| m["method"] == "window/showMessage").await;
    let text = seed("001");
    c.change(uri, 4, json!([{"text": text}])).await;
    let p = c.publish(0, uri, Some(4)).await;
    let from = c.count();
    c.open("file:///tmp/reference.md", &text).await;
    let reference = c.publish(from, "file:///tmp/reference.md", Some(1)).await;
    assert_eq!(p["diagnostics"], reference["diagnostics"]);
    let told = shown(&c, "window/showMessage", "草稿.md");
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains("重新打开"), "{told:?}");
    assert!(c.shutdown().await);
}

/// didChange parameters that do not fit are answered with a Chinese log message naming the
/// field; the document is marked lost (told once, one notice, no stale diagnostics) until the
/// whole text comes again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_change_params_are_reported_and_resynced() {
    let (mut c, text) = started(Limits::default(), &["utf-16"]).await;
    let ok = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    let cases = [
        (
            json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"range": {"start": {"line": 0, "character": -1}, "end": {"line": 0, "character": 0}}, "text": "x"}]}),
            "contentChanges[0].range.start.character 应为 0 到 4294967295 之间的整数，收到 -1",
        ),
        (
            json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"range": {"start": {"line": 1.5, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "x"}]}),
            "contentChanges[0].range.start.line 应为整数，收到 1.5",
        ),
        (
            json!({"textDocument": {"uri": URI, "version": 4}, "contentChanges": [{"range": ok}]}),
            "缺少 contentChanges[0].text",
        ),
        (
            json!({"textDocument": {"uri": URI, "version": 2147483648u64}, "contentChanges": [{"range": ok, "text": "x"}]}),
            "textDocument.version 应为 -2147483648 到 2147483647 之间的整数，收到 2147483648",
        ),
    ];
    for (params, field) in &cases {
        c.notify("textDocument/didChange", params.clone()).await;
        c.wait(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"].as_str().unwrap().contains(field)
        })
        .await;
    }
    // One notice replaces the diagnostics of the text that is no longer known.
    let p = c.publish(0, URI, Some(4)).await;
    assert_eq!(p["diagnostics"].as_array().unwrap().len(), 1, "{p}");
    assert!(
        p["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("不同步")
    );
    let told = shown(&c, "window/showMessage", "hardening.md");
    assert_eq!(told.len(), 1, "{told:?}");
    // Requests get nothing from a text that is not known.
    let r = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": pos16(&text, total_cell(&text))}),
        )
        .await;
    assert_eq!(r, Value::Null);
    // An incremental change is not applied to a lost text; the whole text resyncs.
    c.change(URI, 5, json!([{"range": ok, "text": "x"}])).await;
    c.change(URI, 6, json!([{"text": text}])).await;
    let p = c.publish(0, URI, Some(6)).await;
    assert_eq!(
        p["diagnostics"],
        c.publish(0, URI, Some(1)).await["diagnostics"]
    );
    hover_ok(&c, &text, 0).await;
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inverted_range_is_reported_as_inverted() {
    let (c, _) = started(Limits::default(), &["utf-16"]).await;
    c.change(URI, 2, json!([{"range": {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 1}}, "text": ""}]))
        .await;
    let m = c
        .wait(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"].as_str().unwrap().contains("范围")
        })
        .await;
    let msg = m["params"]["message"].as_str().unwrap();
    assert!(
        msg.contains("范围颠倒") && !msg.contains("超出文档"),
        "{msg}"
    );
    assert!(c.shutdown().await);
}

/// A lowered `diagnosticsDelayMs` applies to the analysis that is already waiting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lowered_delay_applies_to_the_waiting_analysis() {
    let mut c = Client::start();
    c.initialize(
        json!({"general": {"positionEncodings": ["utf-16"]}}),
        json!({"diagnosticsDelayMs": 60000}),
    )
    .await;
    c.open(URI, &seed("000")).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        c.messages()
            .iter()
            .all(|m| m["method"] != "textDocument/publishDiagnostics")
    );
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"nianbao": {"diagnosticsDelayMs": 0}}}),
    )
    .await;
    // Within the test's timeout (20 s), far below the 60 s first asked for.
    c.publish(0, URI, Some(1)).await;
    assert!(c.shutdown().await);
}

/// A huge `disabledCodes` list is read once into the set of codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_disabled_codes_list_works() {
    let mut c = Client::start();
    let codes_list: Vec<&str> = ["cell-blank", "row-label", "period-mismatch"]
        .iter()
        .cycle()
        .take(300_000)
        .copied()
        .collect();
    c.initialize(
        caps(&["utf-16"]),
        json!({"diagnosticsDelayMs": 0, "disabledCodes": codes_list}),
    )
    .await;
    let text = seed("004");
    c.open(URI, &text).await;
    let p = c.publish(0, URI, Some(1)).await;
    let got = codes(&p);
    assert!(
        got.iter()
            .all(|c| !["cell-blank", "row-label", "period-mismatch"].contains(&c.as_str())),
        "{got:?}"
    );
    assert!(c.shutdown().await);
}
