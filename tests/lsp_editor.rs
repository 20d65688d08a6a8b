//! In-process protocol tests of what the editor integrations rely on: the `nianbao/status`
//! notification, inlay hints that wait for the same pause as diagnostics, code actions offered
//! anywhere in a cell, completion trigger characters, the outline's label and kinds, nothing to
//! hover or complete outside reports, and the fix-all action naming what it fixes.

mod lsp_common;

use lsp_common::{Client, caps, pos16, seed};
use serde_json::{Value, json};

const URI: &str = "file:///tmp/draft.md";
const NOTES: &str = "file:///tmp/notes.md";
const NEW_ROW: &str = "| 一、本年新收政府信息公开申请数量 |  |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |";

/// Capabilities of a client that asks for `nianbao/status`.
fn status_caps() -> Value {
    let mut c = caps(&["utf-16"]);
    c["experimental"] = json!({"nianbaoStatus": true});
    c
}

/// The standard draft with row 一 of table 三 filled in as 3, 1 and a wrong total of 5.
fn draft() -> String {
    let text = nianbao::draft::new_report("测试局", 2025);
    assert!(text.contains(NEW_ROW), "the draft's row 一 changed");
    text.replace(
        NEW_ROW,
        "| 一、本年新收政府信息公开申请数量 |  |  | 3 | 1 | 0 | 0 | 0 | 0 | 5 |",
    )
}

/// Byte offset of the wrong total (the `5` before the row's last `|`).
fn total_at(text: &str) -> usize {
    let row = text.find("| 一、本年新收").unwrap();
    row + text[row..].find("| 5 |").unwrap() + 2
}

fn is_status(m: &Value, uri: &str) -> bool {
    m["method"] == "nianbao/status" && m["params"]["uri"] == uri
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_follows_each_publish_for_clients_that_ask() {
    let mut c = Client::start();
    let init = c
        .initialize(status_caps(), json!({"diagnosticsDelayMs": 0}))
        .await;
    assert_eq!(
        init["capabilities"]["documentSymbolProvider"]["label"],
        "年度报告结构"
    );
    let triggers = &init["capabilities"]["completionProvider"]["triggerCharacters"];
    for t in [" ", "#", "、"] {
        assert!(
            triggers.as_array().unwrap().contains(&json!(t)),
            "{triggers}"
        );
    }

    let text = draft();
    c.open(URI, &text).await;
    let (at, publish) = c
        .wait_from(0, |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == URI
        })
        .await;
    let (after, status) = c.wait_from(0, |m| is_status(m, URI)).await;
    assert!(after > at, "the status follows the publish");
    let errors = publish["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == 1)
        .count();
    let s = &status["params"];
    assert!(errors >= 1);
    assert_eq!(s["version"], 1);
    assert_eq!(s["isReport"], true);
    assert_eq!(s["reports"], 1);
    assert_eq!(s["errors"], errors);
    let names: Vec<&str> = s["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["表二", "表三", "表四"]);
    // Table 三 holds the wrong total.
    let row = pos16(&text, total_at(&text))["line"].as_u64().unwrap();
    let t3 = &s["tables"][1]["range"];
    assert!(
        t3["start"]["line"].as_u64().unwrap() < row && row < t3["end"]["line"].as_u64().unwrap()
    );

    c.open(NOTES, "# 周会记录\n\n- 讨论了年报的进度。\n").await;
    let notes = c.wait_from(0, |m| is_status(m, NOTES)).await.1;
    assert_eq!(notes["params"]["isReport"], false);
    assert_eq!(notes["params"]["reports"], 0);
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_status_unless_asked() {
    let mut c = Client::start();
    c.initialize(caps(&["utf-16"]), json!({"diagnosticsDelayMs": 0}))
        .await;
    c.open(URI, &draft()).await;
    c.publish(0, URI, Some(1)).await;
    // A request answered after the publish: anything sent with the publish has arrived by then.
    c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    )
    .await;
    assert!(!c.messages().iter().any(|m| m["method"] == "nianbao/status"));
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inlay_hints_wait_for_the_diagnostics_of_the_same_pause() {
    let mut c = Client::start();
    c.initialize(caps(&["utf-16"]), json!({"diagnosticsDelayMs": 300}))
        .await;
    let text = draft();
    c.open(URI, &text).await;
    c.publish(0, URI, Some(1)).await;
    // Type a 2 after the wrong total's 5 (the total reads 52) and ask for hints at once.
    let at = pos16(&text, total_at(&text) + 1);
    let from = c.count();
    c.change(
        URI,
        2,
        json!([{"range": {"start": at, "end": at}, "text": "2"}]),
    )
    .await;
    let end = pos16(&text, text.len());
    let hints = c
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": end}}),
        )
        .await;
    let msgs = c.messages();
    let published = msgs[from..].iter().position(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 2
    });
    let answered = msgs[from..]
        .iter()
        .position(|m| m.get("result").is_some() && m["result"] == hints);
    assert!(
        matches!((published, answered), (Some(p), Some(a)) if p < a),
        "the hints came before the diagnostics of version 2: {:?}",
        &msgs[from..]
    );
    let labels: Vec<&str> = hints
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["label"].as_str())
        .collect();
    assert!(labels.iter().any(|l| l.contains('4')), "{hints}");
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cells_fixes_are_offered_from_its_padding() {
    let mut c = Client::start();
    c.initialize(caps(&["utf-16"]), json!({"diagnosticsDelayMs": 0}))
        .await;
    let text = draft();
    c.open(URI, &text).await;
    c.publish(0, URI, Some(1)).await;
    let total = total_at(&text);
    // `| 5 |`: the space before the 5 (just after the delimiter) and the space after it.
    for at in [total - 1, total + 1] {
        let p = pos16(&text, at);
        let r = c
            .request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": URI}, "range": {"start": p, "end": p},
                       "context": {"diagnostics": []}}),
            )
            .await;
        let titles: Vec<&str> = r
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap())
            .collect();
        assert!(titles.contains(&"将总计改为 4"), "at byte {at}: {titles:?}");
    }
    // The neighbouring cell's padding offers nothing of this cell.
    let p = pos16(&text, total - 4);
    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": {"start": p, "end": p},
                   "context": {"diagnostics": []}}),
        )
        .await;
    assert!(
        !r.as_array()
            .unwrap()
            .iter()
            .any(|a| a["title"] == "将总计改为 4"),
        "{r}"
    );
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fix_all_names_what_it_fixes() {
    let mut c = Client::start();
    c.initialize(caps(&["utf-16"]), json!({"diagnosticsDelayMs": 0}))
        .await;
    let text = draft();
    c.open(URI, &text).await;
    c.publish(0, URI, Some(1)).await;
    let end = pos16(&text, text.len());
    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": end},
                   "context": {"diagnostics": [], "only": ["source.fixAll.nianbao"]}}),
        )
        .await;
    let action = &r[0];
    let codes: Vec<&str> = action["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"total-mismatch"), "{action}");
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outline_kinds_and_nothing_to_offer_outside_reports() {
    let mut c = Client::start();
    c.initialize(caps(&["utf-16"]), json!({"diagnosticsDelayMs": 0}))
        .await;
    let text = seed("000");
    c.open(URI, &text).await;
    c.publish(0, URI, Some(1)).await;
    let syms = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    // Sections are headings (kind String, as Markdown's outline shows them), tables arrays.
    let sections = syms.as_array().unwrap();
    assert!(sections.iter().all(|s| s["kind"] == 15), "{syms}");
    let tables: Vec<&Value> = sections
        .iter()
        .flat_map(|s| s["children"].as_array().unwrap())
        .collect();
    assert!(
        !tables.is_empty() && tables.iter().all(|t| t["kind"] == 18),
        "{syms}"
    );

    let notes = "# 一、总体情况\n\n今天讨论了一、本年新收的安排。\n";
    c.open(NOTES, notes).await;
    c.publish(0, NOTES, Some(1)).await;
    for method in ["textDocument/hover", "textDocument/completion"] {
        let r = c
            .request(
                method,
                json!({"textDocument": {"uri": NOTES}, "position": {"line": 0, "character": 4}}),
            )
            .await;
        assert_eq!(r, Value::Null, "{method} in a non-report");
    }
    assert!(c.shutdown().await);
}
