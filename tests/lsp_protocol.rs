//! In-process protocol tests: initialize → didOpen → publishDiagnostics → codeAction → apply the
//! edit → diagnostics clear; hover, symbols, folding, completion, inlay hints; configuration.

mod lsp_common;

use lsp_common::{Client, apply, caps, codes, pos16, seed};
use serde_json::{Value, json};

const URI: &str = "file:///tmp/report.md";

/// Seed 000 with its （七）总计 total changed from 4 to 5.
fn broken() -> String {
    let s = seed("000");
    let at = s.find("(七) 总计\t4\t0\t0\t0\t0\t0\t4").expect("total row");
    let row_end = at + "(七) 总计\t4\t0\t0\t0\t0\t0\t".len();
    format!("{}5{}", &s[..row_end], &s[row_end + 1..])
}

fn total_cell(text: &str) -> usize {
    text.find("(七) 总计").unwrap() + "(七) 总计\t4\t0\t0\t0\t0\t0\t".len()
}

fn actions(result: &Value) -> Vec<Value> {
    result.as_array().cloned().unwrap_or_default()
}

fn edits_of(action: &Value) -> Vec<Value> {
    let dc = &action["edit"]["documentChanges"][0];
    assert_eq!(dc["textDocument"]["uri"], URI);
    dc["edits"].as_array().cloned().unwrap()
}

/// Sends edits as a client does after applying a workspace edit: one change per edit, the last in
/// the text first, so every position is valid when it is applied.
async fn send_edits(c: &Client, version: i64, edits: &[Value]) {
    let mut es = edits.to_vec();
    es.sort_by_key(|e| {
        std::cmp::Reverse((
            e["range"]["start"]["line"].as_u64().unwrap(),
            e["range"]["start"]["character"].as_u64().unwrap(),
        ))
    });
    let changes: Vec<Value> = es
        .iter()
        .map(|e| json!({"range": e["range"], "text": e["newText"]}))
        .collect();
    c.change(URI, version, json!(changes)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_fix_clears_the_diagnostic() {
    let mut c = Client::start();
    let init = c
        .initialize(caps(&["utf-16"]), json!({"diagnosticsDelayMs": 0}))
        .await;
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    let mut text = broken();
    c.open(URI, &text).await;
    let p = c.publish(0, URI, Some(1)).await;
    assert!(codes(&p).contains(&"total-mismatch".to_string()), "{p}");
    let diags = p["diagnostics"].as_array().unwrap().clone();
    assert!(diags.iter().all(|d| d["source"] == "nianbao"));
    let total = diags
        .iter()
        .find(|d| {
            d["code"] == "total-mismatch" && d["range"]["start"] == pos16(&text, total_cell(&text))
        })
        .expect("on the cell");

    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": total["range"], "context": {"diagnostics": [total]}}),
        )
        .await;
    let acts = actions(&r);
    let titles: Vec<&str> = acts.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert!(
        titles.contains(&nianbao::server::IGNORE_TITLE),
        "{titles:?}"
    );
    assert!(
        titles.contains(&nianbao::server::FILL_TABLE_TITLE),
        "{titles:?}"
    );
    let preferred = acts
        .iter()
        .find(|a| a["isPreferred"] == true)
        .expect("a preferred fix");
    assert_eq!(preferred["kind"], "quickfix");
    assert_eq!(
        preferred["edit"]["documentChanges"][0]["textDocument"]["version"],
        1
    );
    let edits = edits_of(preferred);
    text = apply(&text, &edits);
    assert_eq!(text, seed("000"));
    let from = c.count();
    send_edits(&c, 2, &edits).await;
    let p = c.publish(from, URI, Some(2)).await;
    assert_eq!(codes(&p), Vec::<String>::new());

    // source.fixAll.nianbao on a new mistake.
    let cell = total_cell(&text);
    let from = c.count();
    c.change(URI, 3, json!([{"range": {"start": pos16(&text, cell), "end": pos16(&text, cell + 1)}, "text": "9"}])).await;
    text.replace_range(cell..cell + 1, "9");
    let p = c.publish(from, URI, Some(3)).await;
    assert!(codes(&p).contains(&"total-mismatch".to_string()));
    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                   "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
        )
        .await;
    let acts = actions(&r);
    assert_eq!(acts.len(), 1, "{r}");
    assert_eq!(acts[0]["title"], nianbao::server::FIX_ALL_TITLE);
    assert_eq!(acts[0]["kind"], nianbao::server::FIX_ALL_KIND);
    let edits = edits_of(&acts[0]);
    text = apply(&text, &edits);
    let from = c.count();
    send_edits(&c, 4, &edits).await;
    assert_eq!(
        codes(&c.publish(from, URI, Some(4)).await),
        Vec::<String>::new()
    );
    assert_eq!(text, seed("000"));

    // The ignore action adds a suppression comment that removes exactly that diagnostic.
    let from = c.count();
    c.change(URI, 5, json!([{"range": {"start": pos16(&text, cell), "end": pos16(&text, cell + 1)}, "text": "5"}])).await;
    text.replace_range(cell..cell + 1, "5");
    let p = c.publish(from, URI, Some(5)).await;
    let before = codes(&p);
    let d = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "total-mismatch")
        .unwrap()
        .clone();
    let r = c
        .request("textDocument/codeAction", json!({"textDocument": {"uri": URI}, "range": d["range"], "context": {"diagnostics": [d]}}))
        .await;
    let ignore = actions(&r)
        .into_iter()
        .find(|a| a["title"] == nianbao::server::IGNORE_TITLE)
        .unwrap();
    let edits = edits_of(&ignore);
    assert_eq!(
        edits[0]["newText"],
        "<!-- nianbao-disable-next-line total-mismatch -->\n"
    );
    let from = c.count();
    send_edits(&c, 6, &edits).await;
    let after = codes(&c.publish(from, URI, Some(6)).await);
    assert_eq!(after.len() + 1, before.len(), "{before:?} → {after:?}");

    // Closing clears.
    let from = c.count();
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    )
    .await;
    let p = c.publish(from, URI, None).await;
    assert_eq!(p["diagnostics"], json!([]));
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_symbols_folding_completion_inlay() {
    let mut c = Client::start();
    c.initialize(caps(&["utf-16"]), json!({"diagnosticsDelayMs": 0}))
        .await;
    let text = broken();
    c.open(URI, &text).await;
    c.publish(0, URI, Some(1)).await;
    let td = json!({"uri": URI});

    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": td, "position": pos16(&text, total_cell(&text))}),
        )
        .await;
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("三、本年度办理结果 › （七）总计 × 申请人情况 › 总计"),
        "{md}"
    );
    assert!(md.contains("计算值：**4**"), "{md}");
    let at = text
        .find("5. 属于三类内部事务信息")
        .or_else(|| text.find("5.属于三类内部事务信息"))
        .unwrap();
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": td, "position": pos16(&text, at + 2)}),
        )
        .await;
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("标准标签。"),
        "{h}"
    );

    let syms = c
        .request("textDocument/documentSymbol", json!({"textDocument": td}))
        .await;
    let names: Vec<&str> = syms
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 6, "{names:?}");
    assert!(names[0].contains("总体情况"));
    let tables: usize = syms
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["children"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(tables, 3);

    let folds = c
        .request("textDocument/foldingRange", json!({"textDocument": td}))
        .await;
    assert!(folds.as_array().unwrap().len() >= 9, "{folds}");

    let comp = c
        .request(
            "textDocument/completion",
            json!({"textDocument": td, "position": pos16(&text, at)}),
        )
        .await;
    let labels: Vec<&str> = comp
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    // In a sub-item's label cell: the sub-item labels of table 三, no section title.
    assert!(
        labels.contains(&"5.属于三类内部事务信息") && !labels.contains(&"六、其他需要报告的事项"),
        "{labels:?}"
    );

    let end = pos16(&text, text.len());
    let hints = c
        .request("textDocument/inlayHint", json!({"textDocument": td, "range": {"start": {"line": 0, "character": 0}, "end": end}}))
        .await;
    let hints = hints.as_array().unwrap();
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert_eq!(hints[0]["label"], "应为 4");
    assert_eq!(hints[0]["position"], pos16(&text, total_cell(&text) + 1));
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configuration_applies_and_bad_settings_are_reported() {
    let mut c = Client::start();
    c.initialize(
        caps(&["utf-16"]),
        json!({"diagnosticsDelayMs": 0, "disabledCodes": ["total-mismatch"]}),
    )
    .await;
    let text = broken();
    c.open(URI, &text).await;
    let p = c.publish(0, URI, Some(1)).await;
    let first = codes(&p);
    assert!(!first.contains(&"total-mismatch".to_string()));
    assert!(first.contains(&"balance-mismatch".to_string()), "{first:?}");

    // Pulled with workspace/configuration after didChangeConfiguration.
    *c.config.lock().unwrap() =
        json!({"severity": {"balance-mismatch": "hint"}, "inlayHints": false});
    let from = c.count();
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    )
    .await;
    let (_, m) = c
        .wait_from(from, |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|d| d["severity"] == 4))
        })
        .await;
    assert_eq!(
        codes(&m["params"]),
        first,
        "the init layer's disabledCodes still apply"
    );
    let td = json!({"uri": URI});
    let hints = c
        .request("textDocument/inlayHint", json!({"textDocument": td, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 999, "character": 0}}}))
        .await;
    assert_eq!(hints, json!([]));

    // A wrong value: a message in Chinese, the key skipped (the delay stays the init layer's 0),
    // the rest of the layer applied (balance-mismatch back to its default level), and the same
    // problem read again is not shown again.
    *c.config.lock().unwrap() = json!({"diagnosticsDelayMs": -1, "inlayHints": true});
    let from = c.count();
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    )
    .await;
    let (_, m) = c
        .wait_from(from, |m| m["method"] == "window/showMessage")
        .await;
    let msg = m["params"]["message"].as_str().unwrap();
    assert!(
        msg.contains("设置有 1 处问题") && msg.contains("diagnosticsDelayMs"),
        "{msg}"
    );
    let from = c.count();
    c.change(URI, 2, json!([{"text": text}])).await;
    let p = c.publish(from, URI, Some(2)).await;
    let diags = p["diagnostics"].as_array().unwrap();
    assert!(
        !diags.is_empty() && diags.iter().all(|d| d["severity"] == 1),
        "{p}"
    );
    let from = c.count();
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    )
    .await;
    c.change(URI, 3, json!([{"text": text}])).await;
    c.publish(from, URI, Some(3)).await;
    assert!(
        c.messages()[from..]
            .iter()
            .all(|m| m["method"] != "window/showMessage"),
        "shown once"
    );
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_reports_get_no_diagnostics_and_delay_is_honoured() {
    let mut c = Client::start();
    c.initialize(json!({}), json!({"diagnosticsDelayMs": 300}))
        .await;
    let started = std::time::Instant::now();
    c.open("file:///tmp/notes.txt", "随手记：明天开会。\n")
        .await;
    let p = c.publish(0, "file:///tmp/notes.txt", Some(1)).await;
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(p["diagnostics"], json!([]));
    assert!(c.shutdown().await);
}

/// A compilation of reports: each is checked on its own, an edit in one report changes only its
/// diagnostics, the outline has one entry per report, and the fill-in action fills the table of
/// the report under the cursor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compilation_is_served_report_by_report() {
    let mut c = Client::start();
    c.initialize(caps(&["utf-16"]), json!({"diagnosticsDelayMs": 0}))
        .await;
    let parts = [broken(), seed("000"), seed("002")];
    let mut text = parts.join("\n");
    c.open(URI, &text).await;
    let p = c.publish(0, URI, Some(1)).await;
    let first = ["total-mismatch", "balance-mismatch"];
    assert_eq!(codes(&p), first, "{p}");
    assert_eq!(
        p["diagnostics"][0]["range"]["start"],
        pos16(&text, total_cell(&text))
    );

    // Break the same total in the second report: its diagnostic joins the first one.
    let second = text.find(&parts[1]).unwrap() + 1;
    let cell = second + total_cell(&text[second..]);
    let from = c.count();
    let range = json!({"start": pos16(&text, cell), "end": pos16(&text, cell + 1)});
    c.change(URI, 2, json!([{"range": range, "text": "9"}]))
        .await;
    text.replace_range(cell..cell + 1, "9");
    let p = c.publish(from, URI, Some(2)).await;
    assert_eq!(codes(&p), [first, first].concat(), "{p}");
    assert_eq!(p["diagnostics"][2]["range"]["start"], pos16(&text, cell));

    // The outline: one entry per report, named by its title, with its six sections.
    let syms = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    let syms = syms.as_array().unwrap();
    assert_eq!(syms.len(), 3);
    assert_eq!(syms[0]["kind"], 1, "a report is a FILE symbol");
    // Named by the reporting body and year; the title as detail.
    assert_eq!(syms[2]["name"], "西塞山区 2024 年度报告");
    assert_eq!(
        syms[2]["detail"],
        "西塞山区 2024 年政府信息公开工作 年度报告"
    );
    assert!(
        syms.iter()
            .all(|s| s["children"].as_array().unwrap().len() == 6)
    );

    // 填入本表全部总计 in the second report fixes its total only.
    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI},
                   "range": {"start": pos16(&text, cell), "end": pos16(&text, cell)},
                   "context": {"diagnostics": [], "only": ["quickfix"]}}),
        )
        .await;
    let fill = actions(&r)
        .into_iter()
        .find(|a| a["title"] == nianbao::server::FILL_TABLE_TITLE)
        .expect("fill action");
    let edits = edits_of(&fill);
    assert_eq!(edits.len(), 1, "{edits:?}");
    let from = c.count();
    send_edits(&c, 3, &edits).await;
    text = apply(&text, &edits);
    let p = c.publish(from, URI, Some(3)).await;
    assert_eq!(codes(&p), first, "{p}");
    assert_eq!(text, parts.join("\n"));
    assert!(c.shutdown().await);
}

/// Rows of HTML tables that a GFM renderer (comrak) makes of a Markdown text.
fn rendered_rows(markdown: &str) -> (usize, usize) {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    let html = comrak::markdown_to_html(markdown, &options);
    (
        html.matches("<table>").count(),
        html.matches("<tr>").count(),
    )
}

/// In a Markdown table the ignore action ends the row with a comment instead of putting a line
/// between two rows (where a renderer ends the table): the diagnostic goes, the table keeps every
/// row, for the renderer and for the checker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ignoring_inside_a_markdown_table_keeps_the_table() {
    let md = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/markdown/000_745ac7de65919f15.md"),
    )
    .unwrap();
    let row = "|  | (七) 总计 |  | 4 | 0 | 0 | 0 | 0 | 0 | 4 |";
    assert!(md.contains(row));
    let text = md.replace(row, "|  | (七) 总计 |  | 4 | 0 | 0 | 0 | 0 | 0 | 5 |");
    let mut c = Client::start();
    c.initialize(caps(&["utf-16"]), json!({"diagnosticsDelayMs": 0}))
        .await;
    let from = c.count();
    c.open(URI, &text).await;
    let p = c.publish(from, URI, Some(1)).await;
    let before = codes(&p);
    let d = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "total-mismatch")
        .expect("the broken total")
        .clone();
    let r = c
        .request("textDocument/codeAction", json!({"textDocument": {"uri": URI}, "range": d["range"], "context": {"diagnostics": [d]}}))
        .await;
    let titles: Vec<String> = actions(&r)
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !titles.iter().any(|t| t == nianbao::server::IGNORE_TITLE),
        "{titles:?}"
    );
    let ignore = actions(&r)
        .into_iter()
        .find(|a| a["title"] == nianbao::server::IGNORE_ROW_TITLE)
        .expect("the ignore action");
    let edits = edits_of(&ignore);
    let ignored = apply(&text, &edits);
    assert!(
        ignored.contains(
            "|  | (七) 总计 |  | 4 | 0 | 0 | 0 | 0 | 0 | 5 | <!-- nianbao-disable-line total-mismatch -->\n"
        ),
        "{edits:?}"
    );
    let from = c.count();
    send_edits(&c, 2, &edits).await;
    let after = codes(&c.publish(from, URI, Some(2)).await);
    let mut expected = before.clone();
    let gone = expected.iter().position(|x| x == "total-mismatch").unwrap();
    expected.remove(gone);
    assert_eq!(after, expected, "{before:?} → {after:?}");
    // A GFM renderer shows the same tables with the same rows, the comment as nothing.
    assert_eq!(rendered_rows(&ignored), rendered_rows(&text));
    assert_eq!(rendered_rows(&text), (6, 40));
    // A comment line between the rows, as the action used to write, ends the table there.
    let between = text.replace(
        "|  | (七) 总计",
        "<!-- nianbao-disable-next-line total-mismatch -->\n|  | (七) 总计",
    );
    assert_ne!(rendered_rows(&between), rendered_rows(&text));
    assert!(c.shutdown().await);
}
