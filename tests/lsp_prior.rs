//! Last year's report in the language server (`prior-year-mismatch` across files): the workspace
//! index, open documents before files on disk (unsaved edits count), watched file events, the
//! hover of 上年结转, and the first diagnostics of a document while a big workspace is read.
//! Fixtures: 平潭综合实验区's 2022 (206_) and 2023 (202_) reports of the corpus, only the numbers
//! involved edited.

mod lsp_common;

use std::ops::Range;
use std::path::Path;

use lsp_common::{Client, caps, corpus, pos16};
use serde_json::{Value, json};

const CARRY_NEXT: &str = "四、结转下年度继续办理";
const CARRIED_IN: &str = "二、上年结转政府信息公开申请数量";
const NEW: &str = "一、本年新收政府信息公开申请数量";
const LAST_NAME: &str = "平潭2022年报.txt";
const THIS_NAME: &str = "平潭2023年报.md";

/// The bytes of the `n`-th number after `label` on its line.
fn cell(text: &str, label: &str, n: usize) -> Range<usize> {
    let at = text.find(label).unwrap_or_else(|| panic!("{label}")) + label.len();
    let end = text[at..].find('\n').map_or(text.len(), |e| at + e);
    let line = &text.as_bytes()[at..end];
    let (mut seen, mut i) = (0, 0);
    while i < line.len() {
        if line[i].is_ascii_digit() {
            let len = line[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            if seen == n {
                return at + i..at + i + len;
            }
            seen += 1;
            i += len;
        } else {
            i += 1;
        }
    }
    panic!("no {n}-th number after {label}")
}

/// `text` with the `n`-th numbers after `label` replaced.
fn set(text: &str, label: &str, cells: &[(usize, &str)]) -> String {
    let mut at: Vec<(Range<usize>, &str)> = cells
        .iter()
        .map(|(n, v)| (cell(text, label, *n), *v))
        .collect();
    at.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut out = text.to_string();
    for (r, v) in at {
        out.replace_range(r, v);
    }
    out
}

/// Last year's report (2022) with `n` applications of 自然人 carried over to 2023 (总计 `n`).
fn last_year(n: &str) -> String {
    set(&corpus("206_"), CARRY_NEXT, &[(0, n), (6, n)])
}

/// This year's report (2023): 上年结转 all 0.
fn this_year() -> String {
    corpus("202_")
}

fn file_uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// A URI with its percent escapes decoded.
fn decoded(uri: &Value) -> String {
    let b = uri.as_str().unwrap().as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap(),
            );
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Position (utf-8: bytes into the line) of byte `at`.
fn pos8(text: &str, at: usize) -> Value {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": text[..at].matches('\n').count(), "character": at - line_start})
}

fn range_of(text: &str, r: &Range<usize>, enc: &str) -> Value {
    let p = |at| {
        if enc == "utf-8" {
            pos8(text, at)
        } else {
            pos16(text, at)
        }
    };
    json!({"start": p(r.start), "end": p(r.end)})
}

fn workspace() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("nianbao-ws-")
        .tempdir()
        .unwrap()
}

/// A server for the workspace `root`, with position encoding `enc`, checking at once.
async fn start(root: &Path, enc: &str, watch: bool) -> Client {
    let mut c = Client::start();
    let uri = file_uri(root);
    let mut caps = caps(&[enc]);
    if watch {
        caps["workspace"]["didChangeWatchedFiles"] = json!({"dynamicRegistration": true});
    }
    let r = c
        .request(
            "initialize",
            json!({"processId": null, "rootUri": uri, "workspaceFolders": [{"uri": uri, "name": "ws"}],
                   "capabilities": caps, "initializationOptions": {"diagnosticsDelayMs": 0}}),
        )
        .await;
    assert_eq!(r["capabilities"]["positionEncoding"], enc);
    c.notify("initialized", json!({})).await;
    c
}

/// The index of the message that says the workspace has been read.
async fn indexed(c: &Client) -> usize {
    c.wait_from(0, |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("建立索引"))
    })
    .await
    .0
}

fn prior_diags(p: &Value) -> Vec<Value> {
    p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "prior-year-mismatch")
        .cloned()
        .collect()
}

/// The carry-over warnings (the 现行有效 continuity is information).
fn warnings(p: &Value) -> Vec<Value> {
    prior_diags(p)
        .into_iter()
        .filter(|d| d["severity"] == 2)
        .collect()
}

/// The first publish for `uri` from message `from` on that satisfies `pred`.
async fn publish_where(c: &Client, from: usize, uri: &str, pred: impl Fn(&Value) -> bool) -> Value {
    c.wait_from(from, |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && pred(&m["params"])
    })
    .await
    .1["params"]
        .clone()
}

fn says(d: &Value, words: &str) -> bool {
    d["message"].as_str().unwrap().contains(words)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_years_file_on_disk_is_the_related_place() {
    let dir = workspace();
    let last = last_year("2");
    let last_path = dir.path().join(LAST_NAME);
    std::fs::write(&last_path, &last).unwrap();
    // A wrong total as well, for 修复全部 to have something to do.
    let this = set(&this_year(), NEW, &[(6, "999")]);
    let this_path = dir.path().join(THIS_NAME);
    std::fs::write(&this_path, &this).unwrap();
    let mut c = start(dir.path(), "utf-8", false).await;
    indexed(&c).await;
    let uri = file_uri(&this_path);
    c.open(&uri, &this).await;
    let p = c.publish(0, &uri, Some(1)).await;
    let warned = warnings(&p);
    assert_eq!(warned.len(), 2, "{p}");
    assert!(warned.iter().all(|d| says(d, "该列为 2")), "{warned:#?}");
    let d = warned.iter().find(|d| says(d, "「自然人」")).unwrap();
    let here = cell(&this, CARRIED_IN, 0);
    assert_eq!(d["range"], range_of(&this, &here, "utf-8"));
    // The related place is last year's cell, in last year's file, in utf-8 columns.
    let rel = &d["relatedInformation"][0];
    assert_eq!(
        decoded(&rel["location"]["uri"]),
        format!("file://{}", last_path.display())
    );
    let there = cell(&last, CARRY_NEXT, 0);
    assert_eq!(rel["location"]["range"], range_of(&last, &there, "utf-8"));
    assert!(
        rel["message"].as_str().unwrap().contains("「自然人」列：2"),
        "{rel}"
    );
    // 现行有效件数: 698 last year, 470 now (information, also in last year's file).
    let info = prior_diags(&p)
        .into_iter()
        .filter(|d| d["severity"] == 3)
        .count();
    assert_eq!(info, 1, "{p}");

    // The fix is a quick fix of its own, with the related place in last year's file …
    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
        )
        .await;
    let fix = r
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "改为上年结转下年度的 2")
        .unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(
        fix["diagnostics"][0]["relatedInformation"][0]["location"],
        rel["location"]
    );
    let edits = &fix["edit"]["documentChanges"][0]["edits"];
    assert_eq!(edits[0]["range"], d["range"]);
    assert_eq!(edits[0]["newText"], "2");
    // … and never part of 修复全部 (it is the user's choice).
    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                   "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
        )
        .await;
    let row = range_of(
        &this,
        &(here.start..cell(&this, CARRIED_IN, 6).end),
        "utf-8",
    );
    let all = r.as_array().unwrap();
    assert_eq!(all.len(), 1, "{r:#}");
    let edits = all[0]["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .unwrap();
    // Only the total, back to what the report had.
    let original = this_year();
    assert_eq!(edits.len(), 1, "{r:#}");
    assert_eq!(edits[0]["newText"], original[cell(&original, NEW, 6)]);
    for e in edits {
        assert_ne!(e["range"]["start"]["line"], row["start"]["line"], "{r:#}");
    }
    for fixed in all[0]["diagnostics"].as_array().unwrap() {
        assert_eq!(fixed["code"], "total-mismatch", "{r:#}");
    }

    // The hover of the cell says what last year carried over, and from which file.
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos8(&this, here.start)}),
        )
        .await;
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("上一年度（2022年）报告「四、结转下年度继续办理」该列：2（平潭2022年报.txt）"),
        "{md}"
    );
    // Not on the other rows.
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos8(&this, cell(&this, CARRY_NEXT, 0).start)}),
        )
        .await;
    assert!(
        !h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("上一年度"),
        "{h}"
    );
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_last_year_counts_with_its_unsaved_edits() {
    let dir = workspace();
    let last = last_year("2");
    let last_path = dir.path().join(LAST_NAME);
    std::fs::write(&last_path, &last).unwrap();
    let this = this_year();
    let c = start(dir.path(), "utf-16", false).await;
    indexed(&c).await;
    let uri = file_uri(&dir.path().join(THIS_NAME));
    c.open(&uri, &this).await;
    let p = c.publish(0, &uri, Some(1)).await;
    assert_eq!(warnings(&p).len(), 2, "{p}");

    // Last year's report opened, its carry-over put back to 0 in the editor (not saved).
    let last_uri = file_uri(&last_path);
    c.open(&last_uri, &last).await;
    let (r0, r6) = (cell(&last, CARRY_NEXT, 0), cell(&last, CARRY_NEXT, 6));
    let from = c.count();
    c.change(
        &last_uri,
        2,
        json!([{"range": range_of(&last, &r6, "utf-16"), "text": "0"},
               {"range": range_of(&last, &r0, "utf-16"), "text": "0"}]),
    )
    .await;
    let p = publish_where(&c, from, &uri, |p| {
        warnings(p).is_empty() && !prior_diags(p).is_empty()
    })
    .await;
    // The continuity note now points into the open document.
    let notes = prior_diags(&p);
    let rel = &notes[0]["relatedInformation"][0]["location"];
    assert_eq!(decoded(&rel["uri"]), decoded(&json!(last_uri)));

    // Typing there again: this year's report follows.
    let from = c.count();
    c.change(
        &last_uri,
        3,
        json!([{"range": range_of(&last, &r6, "utf-16"), "text": "5"},
               {"range": range_of(&last, &r0, "utf-16"), "text": "5"}]),
    )
    .await;
    let p = publish_where(&c, from, &uri, |p| {
        warnings(p).len() == 2 && warnings(p).iter().all(|d| says(d, "该列为 5"))
    })
    .await;
    let warned = warnings(&p);
    let rel = &warned[0]["relatedInformation"][0]["location"];
    assert_eq!(
        rel["range"]["start"]["line"],
        pos16(&last, r0.start)["line"]
    );

    // Closed without saving: the file on disk again.
    let from = c.count();
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": last_uri}}),
    )
    .await;
    publish_where(&c, from, &uri, |p| {
        warnings(p).len() == 2 && warnings(p).iter().all(|d| says(d, "该列为 2"))
    })
    .await;
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watched_file_events_check_the_dependent_document_again() {
    let dir = workspace();
    let last_path = dir.path().join(LAST_NAME);
    let last_uri = file_uri(&last_path);
    let this = this_year();
    let c = start(dir.path(), "utf-16", true).await;
    let reg = c.wait(|m| m["method"] == "client/registerCapability").await;
    let r = &reg["params"]["registrations"][0];
    assert_eq!(r["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        r["registerOptions"]["watchers"][0]["globPattern"],
        "**/*.{md,markdown,txt}"
    );
    indexed(&c).await;
    let uri = file_uri(&dir.path().join(THIS_NAME));
    c.open(&uri, &this).await;
    let p = c.publish(0, &uri, Some(1)).await;
    assert!(prior_diags(&p).is_empty(), "{p}");

    let event = |typ: u32| json!({"changes": [{"uri": last_uri, "type": typ}]});
    // Created.
    std::fs::write(&last_path, last_year("2")).unwrap();
    let from = c.count();
    c.notify("workspace/didChangeWatchedFiles", event(1)).await;
    publish_where(&c, from, &uri, |p| warnings(p).len() == 2).await;
    // Changed: the carry-over corrected on disk.
    std::fs::write(&last_path, last_year("0")).unwrap();
    let from = c.count();
    c.notify("workspace/didChangeWatchedFiles", event(2)).await;
    publish_where(&c, from, &uri, |p| {
        warnings(p).is_empty() && !prior_diags(p).is_empty()
    })
    .await;
    // Changed again, to another number.
    std::fs::write(&last_path, last_year("7")).unwrap();
    let from = c.count();
    c.notify("workspace/didChangeWatchedFiles", event(2)).await;
    publish_where(&c, from, &uri, |p| {
        warnings(p).len() == 2 && warnings(p).iter().all(|d| says(d, "该列为 7"))
    })
    .await;
    // Deleted.
    std::fs::remove_file(&last_path).unwrap();
    let from = c.count();
    c.notify("workspace/didChangeWatchedFiles", event(3)).await;
    publish_where(&c, from, &uri, |p| prior_diags(p).is_empty()).await;
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_last_year_nothing_is_said() {
    let dir = workspace();
    let this = this_year();
    // The same body two years before, another body's 2022 report: neither is last year's.
    std::fs::write(dir.path().join("平潭2020年报.txt"), corpus("207_")).unwrap();
    std::fs::write(dir.path().join("经发局2022年报.txt"), corpus("230_")).unwrap();
    let mut c = start(dir.path(), "utf-16", false).await;
    indexed(&c).await;
    let uri = file_uri(&dir.path().join(THIS_NAME));
    c.open(&uri, &this).await;
    let p = c.publish(0, &uri, Some(1)).await;
    assert!(prior_diags(&p).is_empty(), "{p}");
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos16(&this, cell(&this, CARRIED_IN, 0).start)}),
        )
        .await;
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(md.contains("上年结转") && !md.contains("上一年度"), "{md}");
    assert!(c.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_is_checked_while_a_big_workspace_is_read() {
    let dir = workspace();
    // 1 000 reports of other bodies, and last year's report of this one among them.
    let other = corpus("206_");
    for i in 0..1000 {
        let text = other.replace("平潭综合实验区", &format!("第{i}综合实验区"));
        let sub = dir.path().join(format!("{:02}", i / 100));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join(format!("{i:04}.txt")), text).unwrap();
    }
    std::fs::write(dir.path().join("09").join(LAST_NAME), last_year("2")).unwrap();
    let this = this_year();
    let c = start(dir.path(), "utf-16", false).await;
    let uri = file_uri(&dir.path().join(THIS_NAME));
    c.open(&uri, &this).await;
    // The first diagnostics do not wait for the workspace …
    let (first, _) = c
        .wait_from(0, |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        })
        .await;
    let done = indexed(&c).await;
    assert!(
        first < done,
        "published at message {first}, indexed at {done}"
    );
    assert!(
        c.messages()[done]["params"]["message"]
            .as_str()
            .unwrap()
            .contains("1001 份年度报告"),
        "{}",
        c.messages()[done]
    );
    // … and once it is read, the document is checked against last year's report found there.
    publish_where(&c, first + 1, &uri, |p| warnings(p).len() == 2).await;
    assert!(c.shutdown().await);
}
