//! `nianbao check` on many files: results printed file by file in the order of the sorted file
//! list, one JSON document, `--quiet`, `--stats`, and the progress bar only on a terminal.

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
}

use support::seed;

mod support;

/// Seed 000 with the 总计 of row 一 changed from 4 to 5: one error.
fn broken() -> String {
    seed("000").replace(
        "一、本年新收政府信息公开申请数量\t\t4\t0\t0\t0\t0\t0\t4\t",
        "一、本年新收政府信息公开申请数量\t\t4\t0\t0\t0\t0\t0\t5\t",
    )
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

/// A folder of 60 files written in an order other than their names' (sub-folders included):
/// every fifth broken, every seventh not a report. Returns the files in sorted order.
fn folder(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for i in (0..60).rev() {
        let name = format!("{}/{:02}.txt", ["b", "a/c", "a"][i % 3], i);
        let text = if i % 7 == 0 {
            "会议纪要\n\n今天开会。\n".to_string()
        } else if i % 5 == 0 {
            broken()
        } else {
            seed(&format!("00{}", i % 5))
        };
        files.push(write(dir, &name, &text));
    }
    // The walk's order: names sorted within each folder, a folder's files where its name sorts.
    files.sort_by_key(|p| {
        p.strip_prefix(dir)
            .unwrap()
            .components()
            .map(|c| c.as_os_str().to_string_lossy().to_string())
            .collect::<Vec<_>>()
    });
    files
}

#[test]
fn files_come_in_sorted_order_and_json_is_one_document() {
    let d = tempfile::tempdir().unwrap();
    let files = folder(d.path());
    let o = run(&["check", "--format", "json", d.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let paths: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    assert_eq!(paths, want);
    // 0, 7, …, 56 are not reports; 5, 10, …, 55 but 35 are broken.
    let s = &v["summary"];
    assert_eq!(
        (s["files"].as_u64(), s["skipped"].as_u64()),
        (Some(51), Some(9))
    );
    assert_eq!(s["reports"], 51);
    assert_eq!(s["io_errors"], 0);
    // The counts are those of the files' diagnostics.
    let count = |sev: &str| {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["diagnostics"].as_array().unwrap())
            .filter(|d| d["severity"] == sev)
            .count() as u64
    };
    assert_eq!(s["errors"], count("error"));
    assert_eq!(s["warnings"], count("warning"));
    let five = files.iter().find(|p| p.ends_with("a/05.txt")).unwrap();
    let broken_alone = run(&["check", "--format", "json", five.to_str().unwrap()]);
    let alone: serde_json::Value = serde_json::from_slice(&broken_alone.stdout).unwrap();
    assert_eq!(
        s["errors"].as_u64().unwrap(),
        10 * alone["summary"]["errors"].as_u64().unwrap()
    );
    assert!(s["errors"].as_u64().unwrap() >= 10);
    // Written as it comes, the document is what serde_json pretty-prints for it whole.
    let whole = serde_json::to_string_pretty(&v).unwrap() + "\n";
    assert_eq!(stdout(&o), whole);

    // For people: the same order, the summary last.
    let o = run(&["check", "--color", "never", d.path().to_str().unwrap()]);
    let out = stdout(&o);
    let places: Vec<usize> = files
        .iter()
        .filter_map(|p| out.find(&format!(" {}:", p.to_str().unwrap())))
        .collect();
    assert!(places.len() >= 10, "{out}");
    assert!(places.windows(2).all(|w| w[0] < w[1]), "{out}");
    let skipped: Vec<usize> = files
        .iter()
        .filter_map(|p| out.find(&format!("跳过：{}：", p.to_str().unwrap())))
        .collect();
    assert_eq!(skipped.len(), 9, "{out}");
    assert!(skipped.windows(2).all(|w| w[0] < w[1]), "{out}");
    let summary = format!(
        "检查 51 份报告：{} 个错误，{} 个警告，{} 个提示；跳过 9 个非报告文件\n",
        s["errors"], s["warnings"], s["information"]
    );
    let at = out.find(&summary).unwrap_or_else(|| panic!("{out}"));
    assert!(!out[at + summary.len()..].contains("检查"), "{out}");
}

#[test]
fn no_files_is_still_one_json_document() {
    let d = tempfile::tempdir().unwrap();
    let o = run(&["check", "--format", "json", d.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"], serde_json::json!([]));
    assert_eq!(stdout(&o), serde_json::to_string_pretty(&v).unwrap() + "\n");
    // A path that does not exist comes first, as a file with its error.
    let missing = d.path().join("无.md");
    write(d.path(), "a.txt", &seed("001"));
    let o = run(&[
        "check",
        "--format",
        "json",
        d.path().to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"][0]["path"], missing.to_str().unwrap());
    assert!(v["files"][0]["error"].is_string());
    assert_eq!(v["files"][1]["reports"], 1);
    assert_eq!(v["summary"]["io_errors"], 1);
}

#[test]
fn quiet_prints_only_the_problems() {
    let d = tempfile::tempdir().unwrap();
    let bad = write(d.path(), "bad.txt", &broken());
    write(d.path(), "good.txt", &seed("000"));
    write(d.path(), "notes.txt", "会议纪要\n\n今天开会。\n");
    let dir = d.path().to_str().unwrap();
    let o = run(&["check", "--quiet", "--color", "never", dir]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("错误["), "{out}");
    assert!(out.contains("错误[total-mismatch]"), "{out}");
    assert!(out.contains(&format!("{}:58:", bad.display())), "{out}");
    assert!(!out.contains("跳过") && !out.contains("检查 "), "{out}");
    assert!(o.stderr.is_empty());
    // Nothing to say: nothing said, and the exit status says it.
    std::fs::remove_file(&bad).unwrap();
    let o = run(&["check", "-q", dir]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    // Fixing: the fixed count is not said, a file that could not be fixed is.
    let bad = write(d.path(), "bad.txt", &broken());
    let o = run(&["check", "--fix", "-q", dir]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), seed("000"));
    // JSON stays whole.
    let o = run(&["check", "--format", "json", "-q", dir]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["reports"], 2);
}

#[test]
fn stats_say_what_was_read_of_each_table() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "a.txt", &broken());
    let name = p.to_str().unwrap();
    let o = run(&["check", "--stats", "--color", "never", name]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.starts_with(&format!(
            "统计：{name}：表二 10/10 格，表三 175/175 格，表四 15/15 格；格式 2021 年版\n错误["
        )),
        "{out}"
    );
    // Without --stats, no such line.
    assert!(!stdout(&run(&["check", name])).contains("统计"));

    let o = run(&["check", "--stats", "--format", "json", name]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let table = |t: &str, n: u64| serde_json::json!({"table": t, "found": true, "cells_read": n, "cells": n, "edition": "2021"});
    assert_eq!(
        v["files"][0]["stats"],
        serde_json::json!([{
            "report": 1,
            "edition": "2021",
            "tables": [table("t2", 10), table("t3", 175), table("t4", 15)],
        }])
    );
    let o = run(&["check", "--format", "json", name]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["files"][0].get("stats").is_none());

    // A compilation: one line per report; table 四 cut out of the second, a cell blanked.
    let second = broken().replace(
        "一、本年新收政府信息公开申请数量\t\t4\t",
        "一、本年新收政府信息公开申请数量\t\t\t",
    );
    let t4 = second.find("四、政府信息公开行政复议").unwrap();
    let t5 = second.find("五、存在的主要问题").unwrap();
    let second = format!("{}{}", &second[..t4], &second[t5..]);
    let p = write(d.path(), "汇编.txt", &[seed("000"), second].join("\n"));
    let name = p.to_str().unwrap();
    let o = run(&["check", "--stats", "--color", "never", name]);
    let lines: Vec<String> = stdout(&o)
        .lines()
        .filter(|l| l.starts_with("统计"))
        .map(str::to_string)
        .collect();
    assert_eq!(
        lines,
        [
            format!(
                "统计：{name}（第 1 份报告）：表二 10/10 格，表三 175/175 格，表四 15/15 格；格式 2021 年版"
            ),
            format!(
                "统计：{name}（第 2 份报告）：表二 10/10 格，表三 174/175 格，表四未找到；格式 2021 年版"
            ),
        ]
    );
    let o = run(&["check", "--stats", "--format", "json", name]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["files"][0]["stats"][1]["tables"][2],
        serde_json::json!({"table": "t4", "found": false, "cells_read": null, "cells": null, "edition": null})
    );
}

/// Runs `check` with standard error on a new terminal (a pseudo-terminal 100 columns wide) and
/// returns what the terminal received.
fn on_a_terminal(args: &[&str]) -> (Output, String) {
    let (mut master, mut slave) = (-1, -1);
    let size = libc::winsize {
        ws_row: 30,
        ws_col: 100,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors; the name and termios are not asked for.
    let r = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(r, 0, "openpty");
    // SAFETY: both descriptors were just opened and are owned here only.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let reader = std::thread::spawn(move || {
        let mut f = std::fs::File::from(master);
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        // The terminal ends with EIO once the program and this test closed their side.
        while let Ok(n) = f.read(&mut buf) {
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&got).to_string()
    });
    let o = bin()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(slave))
        .output()
        .unwrap();
    (o, reader.join().unwrap())
}

#[test]
fn the_progress_bar_is_only_on_a_terminal() {
    let d = tempfile::tempdir().unwrap();
    for i in 0..300 {
        write(
            d.path(),
            &format!("{i:03}.txt"),
            &seed(&format!("00{}", i % 5)),
        );
    }
    let dir = d.path().to_str().unwrap();
    // Standard error not a terminal: not a byte of progress.
    let o = run(&["check", "--format", "json", dir]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap();

    // On a terminal: the bar, with files done of all; never in the output.
    let (o, tty) = on_a_terminal(&["check", "--format", "json", dir]);
    assert_eq!(o.status.code(), Some(0));
    assert!(tty.contains("检查 ["), "{tty:?}");
    assert!(tty.contains("/300"), "{tty:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["reports"], 300);
    // Cleared at the end: the last thing on the terminal erases the line.
    assert!(
        tty.ends_with("\r\x1b[2K") || tty.ends_with("\x1b[2K\r") || tty.ends_with("\r\x1b[K"),
        "{:?}",
        &tty[tty.len().saturating_sub(80)..]
    );

    // --quiet, or a single file: no bar.
    let (o, tty) = on_a_terminal(&["check", "-q", "--format", "json", dir]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(tty, "");
    let one = d.path().join("000.txt");
    let (_, tty) = on_a_terminal(&["check", one.to_str().unwrap()]);
    assert_eq!(tty, "");
}
