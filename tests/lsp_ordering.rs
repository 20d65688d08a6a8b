//! Ordering and robustness, in process: hundreds of incremental changes sent without waiting,
//! hostile frames, changes for unopened documents, positions inside surrogate pairs, utf-8
//! negotiation with CJK, Extension-B characters, CRLF and lone CR, a 5 MB document.

mod lsp_common;

use lsp_common::{Client, caps, codes, frame, pos16, seed};
use serde_json::{Value, json};

/// Byte offset ↔ utf-8 position, for the utf-8 session.
fn pos8(text: &str, at: usize) -> Value {
    let before = &text[..at];
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = nianbao::text::lines(before).len() - 1;
    json!({"line": line, "character": at - line_start})
}

/// Sends `n` changes without waiting (digits typed into and deleted from the （七）总计 cell, a CJK
/// character typed into and deleted from the title, order-sensitive throughout), then checks the
/// final publish against a fresh document holding the text the changes must produce.
async fn burst(n: usize) {
    let mut c = Client::start();
    c.initialize(caps(&["utf-16"]), json!({"diagnosticsDelayMs": 0}))
        .await;
    let uri = "file:///tmp/burst.md";
    let mut text = seed("000");
    c.open(uri, &text).await;
    c.publish(0, uri, Some(1)).await;
    let cell = text.find("(七) 总计").unwrap() + "(七) 总计\t4\t0\t0\t0\t0\t0\t".len();
    let title_end = text.find('\n').unwrap();
    let mut version = 1;
    for k in 0..n {
        let (range, new) = match k % 4 {
            0 => ((cell, cell), ((k / 4) % 10).to_string()),
            1 => ((cell, cell + 1), String::new()),
            2 => ((title_end, title_end), "𠀀年".to_string()),
            _ => ((title_end, title_end + "𠀀年".len()), String::new()),
        };
        // The last change leaves a wrong total whose value depends on every step before it.
        let shift = if k % 4 == 3 { "𠀀年".len() } else { 0 };
        let (range, new) = if k + 1 == n {
            ((cell + shift, cell + shift), "7".to_string())
        } else {
            (range, new)
        };
        let r = json!({"start": pos16(&text, range.0), "end": pos16(&text, range.1)});
        text.replace_range(range.0..range.1, &new);
        version += 1;
        c.change(uri, version, json!([{"range": r, "text": new}]))
            .await;
    }
    let last = c.publish(0, uri, Some(version)).await;
    let fresh = "file:///tmp/fresh.md";
    let from = c.count();
    c.open(fresh, &text).await;
    let expected = c.publish(from, fresh, Some(1)).await;
    let same_uri = expected["diagnostics"]
        .to_string()
        .replace("fresh.md", "burst.md");
    assert_eq!(last["diagnostics"].to_string(), same_uri);
    assert!(codes(&last).contains(&"total-mismatch".to_string()));
    let at = text.find("(七) 总计").unwrap() + "(七) 总计\t4\t0\t0\t0\t0\t0\t".len();
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos16(&text, at)}),
        )
        .await;
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("（七）总计 × 申请人情况 › 总计") && md.contains("表中为 74，"),
        "{md}"
    );
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_changes_without_waiting() {
    burst(500).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_changes_without_waiting() {
    burst(2000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_is_survived() {
    let mut c = Client::start();
    c.initialize(caps(&["utf-16"]), json!({"diagnosticsDelayMs": 0}))
        .await;
    let uri = "file:///tmp/r.md";
    let text = "2024年政府信息公开工作年度报告\n一、总体情况\n经办人：𠀀明。\n";
    c.open(uri, text).await;
    c.publish(0, uri, Some(1)).await;

    // Truncated JSON, a short Content-Length, invalid UTF-8, valid JSON that is no message.
    let bad = br#"{"jsonrpc":"2.0","id":99,"method":"textDocument/hover","params":{"#;
    c.send_raw(
        &[
            format!("Content-Length: {}\r\n\r\n", bad.len()).as_bytes(),
            bad,
        ]
        .concat(),
    )
    .await;
    let ping = json!({"jsonrpc": "2.0", "id": 100, "method": "x/ping", "params": {}}).to_string();
    c.send_raw(format!("Content-Length: {}\r\n\r\n{}", ping.len() - 10, ping).as_bytes())
        .await;
    let utf =
        b"{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":\"\xff\xfe\"}";
    c.send_raw(
        &[
            format!("Content-Length: {}\r\n\r\n", utf.len()).as_bytes(),
            utf,
        ]
        .concat(),
    )
    .await;
    c.send_raw(&frame(&json!({"id": 101}))).await;
    let errors: Vec<i64> = {
        let mut seen = Vec::new();
        let mut from = 0;
        while seen.len() < 4 {
            let (i, m) = c.wait_from(from, |m| m.get("error").is_some()).await;
            seen.push(m["error"]["code"].as_i64().unwrap());
            from = i + 1;
        }
        seen
    };
    assert_eq!(errors, [-32700, -32700, -32700, -32600]);

    // A change for a document never opened: ignored, no publish for it.
    c.change("file:///tmp/never.md", 2, json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "新"}]))
        .await;
    // A position inside the surrogate pair, and a range past the end: clamped.
    let at = text.find('𠀀').unwrap();
    let mut p = pos16(text, at);
    p["character"] = json!(p["character"].as_u64().unwrap() + 1);
    c.change(
        uri,
        2,
        json!([{"range": {"start": p, "end": p}, "text": "X"}]),
    )
    .await;
    c.change(uri, 3, json!([{"range": {"start": {"line": 50, "character": 3}, "end": {"line": 90, "character": 0}}, "text": "越界"}]))
        .await;
    let r = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": p}),
        )
        .await;
    assert_eq!(r, Value::Null);
    c.publish(0, uri, Some(3)).await;
    let r = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": {"start": p, "end": p}, "context": {"diagnostics": []}})).await;
    assert!(r.is_array());
    // The document now holds X before 𠀀 and 越界 at the end: check through a fresh copy.
    let expected = format!("{}X{}越界", &text[..at], &text[at..]);
    let syms = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let from = c.count();
    c.open("file:///tmp/copy.md", &expected).await;
    c.publish(from, "file:///tmp/copy.md", Some(1)).await;
    let syms2 = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": "file:///tmp/copy.md"}}),
        )
        .await;
    assert_eq!(syms, syms2);
    assert!(
        c.messages()
            .iter()
            .all(|m| m["params"]["uri"] != "file:///tmp/never.md")
    );
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf8_negotiation_with_crlf_cr_and_extension_b() {
    let mut c = Client::start();
    let init = c
        .initialize(caps(&["utf-8", "utf-16"]), json!({"diagnosticsDelayMs": 0}))
        .await;
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let uri = "file:///tmp/crlf.txt";
    // Seed 000 with CRLF line breaks, lone CRs in its first half, and 𠀀 in the title.
    let s = seed("000").replace('\n', "\r\n");
    let half = s.len() / 2;
    let half = (half..s.len()).find(|&i| s.is_char_boundary(i)).unwrap();
    let mut text = format!("𠀀{}{}", s[..half].replace("\r\n", "\r"), &s[half..]);
    c.open(uri, &text).await;
    c.publish(0, uri, Some(1)).await;
    let cell = text.find("(七) 总计").unwrap() + "(七) 总计\t4\t0\t0\t0\t0\t0\t".len();
    c.change(
        uri,
        2,
        json!([{"range": {"start": pos8(&text, cell), "end": pos8(&text, cell + 1)}, "text": "6"}]),
    )
    .await;
    text.replace_range(cell..cell + 1, "6");
    let p = c.publish(0, uri, Some(2)).await;
    let d = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "total-mismatch")
        .cloned()
        .expect("mismatch");
    assert_eq!(d["range"]["start"], pos8(&text, cell));
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos8(&text, cell)}),
        )
        .await;
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("表中为 6，")
    );
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_megabyte_document() {
    let mut c = Client::start();
    c.initialize(caps(&["utf-16"]), json!({"diagnosticsDelayMs": 0}))
        .await;
    let unit = seed("000");
    let big = unit.repeat(5 * 1024 * 1024 / unit.len() + 1);
    let uri = "file:///tmp/big.md";
    c.open(uri, &big).await;
    c.publish(0, uri, Some(1)).await;
    let at = unit.find("(七) 总计").unwrap() + "(七) 总计\t4\t0\t0\t0\t0\t0\t".len();
    c.change(
        uri,
        2,
        json!([{"range": {"start": pos16(&big, at), "end": pos16(&big, at + 1)}, "text": "8"}]),
    )
    .await;
    let p = c.publish(0, uri, Some(2)).await;
    assert!(
        p["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "total-mismatch" && d["range"]["start"] == pos16(&big, at))
    );
    assert!(c.shutdown().await);
}
