//! `nianbao check` and last year's report: found beside the checked file or among the given
//! paths, named with `--previous`, turned off with `--no-previous`; its places in the output.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .output()
        .unwrap()
}

use support::corpus_report as corpus;

/// 平潭综合实验区's 2022 report with 2 applications of 自然人 carried over to 2023.
fn last_year() -> String {
    corpus("206_").replace(
        "四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0",
        "四、结转下年度继续办理\t2\t0\t0\t0\t0\t0\t2",
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn json(args: &[&str]) -> serde_json::Value {
    let o = run(&[&["check", "--format", "json"], args].concat());
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

/// The prior-year-mismatch diagnostics of the first file: (severity, related path, related line).
fn prior(v: &serde_json::Value) -> Vec<(String, String, u64)> {
    v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "prior-year-mismatch")
        .map(|d| {
            let r = &d["related"][0];
            (
                d["severity"].as_str().unwrap().to_string(),
                r["path"].as_str().unwrap_or("").to_string(),
                r["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn last_years_report_beside_the_draft_is_found_and_pointed_to() {
    let dir = tempfile::tempdir().unwrap();
    let last = write(dir.path(), "2022.txt", &last_year());
    let this = write(dir.path(), "2023.txt", &corpus("202_"));
    let v = json(&[this.to_str().unwrap()]);
    let found = prior(&v);
    let last_shown = last.to_str().unwrap().to_string();
    // 自然人 and 总计 of 上年结转 (warnings), 行政规范性文件's 现行有效 (a note); each points to
    // its line in last year's file (line 60: 四、结转下年度继续办理; 19: 行政规范性文件).
    assert_eq!(
        found,
        [
            ("information".to_string(), last_shown.clone(), 18),
            ("warning".to_string(), last_shown.clone(), 59),
            ("warning".to_string(), last_shown.clone(), 59),
        ],
        "{v:#}"
    );
    // The human output names last year's file and line.
    let o = run(&["check", this.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(&format!("= 上一年度报告：{last_shown}:60:")),
        "{text}"
    );
    assert!(text.contains("改为上年结转下年度的 2"), "{text}");
    // Turned off.
    let v = json(&["--no-previous", this.to_str().unwrap()]);
    assert!(prior(&v).is_empty());
}

#[test]
fn the_fix_is_applied_only_when_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "2022.txt", &last_year());
    let this = write(dir.path(), "2023.txt", &corpus("202_"));
    let p = this.to_str().unwrap();
    run(&["check", "--fix", p]);
    assert_eq!(std::fs::read_to_string(&this).unwrap(), corpus("202_"));
    run(&["check", "--fix", "--unsafe-fixes", p]);
    let fixed = std::fs::read_to_string(&this).unwrap();
    assert!(
        fixed.contains("二、上年结转政府信息公开申请数量\t2\t0\t0\t0\t0\t0\t2"),
        "{fixed}"
    );
    let v = json(&[p]);
    assert!(prior(&v).iter().all(|(s, _, _)| s == "information"));
}

#[test]
fn the_folder_of_the_draft_wins_and_two_candidates_there_say_nothing() {
    let root = tempfile::tempdir().unwrap();
    let here = root.path().join("本单位");
    let there = root.path().join("其他");
    std::fs::create_dir_all(&here).unwrap();
    std::fs::create_dir_all(&there).unwrap();
    let this = write(&here, "2023.md", &corpus("202_"));
    let near = write(&here, "2022.txt", &last_year());
    // The same body's 2022 report elsewhere, carrying nothing over.
    let far = write(&there, "2022.txt", &corpus("206_"));
    let v = json(&[this.to_str().unwrap(), far.to_str().unwrap()]);
    let found = prior(&v);
    assert_eq!(found.len(), 3, "{v:#}");
    assert!(found.iter().all(|(_, p, _)| p == near.to_str().unwrap()));
    // A second candidate in the draft's folder: which one is meant cannot be told.
    write(&here, "2022 副本.txt", &corpus("206_"));
    let v = json(&[this.to_str().unwrap()]);
    assert!(prior(&v).is_empty(), "{v:#}");
}

#[test]
fn previous_names_last_years_report_explicitly() {
    let root = tempfile::tempdir().unwrap();
    let this = write(root.path(), "2023.txt", &corpus("202_"));
    let elsewhere = root.path().join("存档");
    std::fs::create_dir_all(&elsewhere).unwrap();
    // Last year's report names the body differently (with its 管委会): named explicitly, it
    // counts all the same.
    let last = write(
        &elsewhere,
        "去年.txt",
        &last_year().replacen("平潭综合实验区", "平潭综合实验区管委会", 1),
    );
    let v = json(&[this.to_str().unwrap()]);
    assert!(prior(&v).is_empty(), "not found by itself: {v:#}");
    let v = json(&["--previous", last.to_str().unwrap(), this.to_str().unwrap()]);
    assert_eq!(prior(&v).len(), 3, "{v:#}");
    // A file that is not a report, or cannot be read: a clear error, exit 2.
    let note = write(root.path(), "说明.txt", "这不是年度报告。\n");
    for bad in [note.to_str().unwrap(), "/nonexistent/去年.txt"] {
        let o = run(&["check", "--previous", bad, this.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("上一年度报告"), "{err}");
    }
    let o = run(&["check", "--previous", "x", "--no-previous", "y"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_folder_of_a_bodys_reports_is_checked_year_by_year() {
    let dir = tempfile::tempdir().unwrap();
    for p in ["202_", "203_", "204_", "206_", "210_", "211_"] {
        let (name, text) = support::corpus()
            .into_iter()
            .find(|(n, _)| n.starts_with(p))
            .unwrap();
        write(dir.path(), &format!("{name}.txt"), &text);
    }
    let v = json(&[dir.path().to_str().unwrap()]);
    let mut notes: Vec<(String, String)> = Vec::new();
    for f in v["files"].as_array().unwrap() {
        for d in f["diagnostics"].as_array().unwrap() {
            if d["code"] == "prior-year-mismatch" {
                let name = |p: &serde_json::Value| {
                    Path::new(p.as_str().unwrap())
                        .file_name()
                        .unwrap()
                        .to_string_lossy()[..4]
                        .to_string()
                };
                notes.push((name(&f["path"]), name(&d["related"][0]["path"])));
            }
        }
    }
    // 2023 ← 2022, 2024 ← 2023, 2025 ← 2024 (现行有效 of 行政规范性文件, as annotated); 君山片区
    // continues.
    assert_eq!(
        notes,
        [
            ("202_".to_string(), "206_".to_string()),
            ("203_".to_string(), "204_".to_string()),
            ("204_".to_string(), "202_".to_string()),
        ]
    );
}
