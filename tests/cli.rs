//! The `nianbao` binary as a user runs it: exit codes, human and JSON output, `--fix` writing
//! byte for byte in the file's own encoding and line endings, folders, stdin, `new`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
}

use support::seed;

mod support;

/// Seed 000 with the 总计 of row 一 changed from 4 to 5.
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

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn clean_report_exits_zero_and_broken_exits_one() {
    let d = tmp();
    let ok = write(d.path(), "ok.txt", seed("000").as_bytes());
    let o = run(&["check", ok.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("检查 1 份报告：0 个错误"));
    let bad = write(d.path(), "bad.txt", broken().as_bytes());
    let o = run(&["check", "--color", "never", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("错误[total-mismatch]"), "{out}");
    assert!(out.contains("总计应为 4（自然人 4 + 商业企业 0 + 科研机构 0 + 社会公益组织 0 + 法律服务机构 0 + 其他 0），实为 5"), "{out}");
    assert!(out.contains("bad.txt:58:"), "{out}");
    assert!(!out.contains("\u{1b}["), "no colour when asked for none");
}

#[test]
fn json_output_has_lsp_positions() {
    let d = tmp();
    let bad = write(d.path(), "bad.md", broken().as_bytes());
    let o = run(&["check", "--format", "json", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &v["files"][0];
    assert_eq!(f["is_report"], true);
    let diag = f["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "total-mismatch")
        .unwrap();
    assert_eq!(diag["severity"], "error");
    // Line 58 (0-based 57); the column counts UTF-16 units: 16 CJK characters, then tabs and digits.
    assert_eq!(diag["range"]["start"]["line"], 57);
    assert_eq!(diag["range"]["start"]["character"], 16 + 2 + 12);
    assert_eq!(diag["fixes"][0]["edits"][0]["new_text"], "4");
    assert_eq!(diag["fixes"][0]["applicability"], "safe");
    assert!(!diag["related"].as_array().unwrap().is_empty());
    // The wrong total, and the column's balance that it breaks.
    assert_eq!(v["summary"]["errors"], 2);
}

#[test]
fn fix_writes_only_the_fixed_bytes_keeping_crlf() {
    let d = tmp();
    let crlf = broken().replace('\n', "\r\n");
    let p = write(d.path(), "crlf.txt", crlf.as_bytes());
    // Without --fix nothing is written.
    run(&["check", p.to_str().unwrap()]);
    assert_eq!(std::fs::read(&p).unwrap(), crlf.as_bytes());
    let o = run(&["check", "--fix", "--color", "never", p.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(out.contains("已修复"), "{out}");
    let after = std::fs::read_to_string(&p).unwrap();
    assert_eq!(after, seed("000").replace('\n', "\r\n"));
    // Running again changes nothing.
    run(&["check", "--fix", p.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), after);
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
}

#[test]
fn gb18030_files_are_read_and_written_back_in_gb18030() {
    let d = tmp();
    let text = broken();
    let (bytes, _, bad) = encoding_rs::GB18030.encode(&text);
    assert!(!bad);
    let p = write(d.path(), "gbk.txt", &bytes);
    let o = run(&["check", "--color", "never", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("total-mismatch"));
    run(&["check", "--fix", p.to_str().unwrap()]);
    let clean = seed("000");
    let (want, _, _) = encoding_rs::GB18030.encode(&clean);
    assert_eq!(std::fs::read(&p).unwrap(), want.to_vec());
}

#[test]
fn folders_skip_non_reports_and_unreadable_files_exit_two() {
    let d = tmp();
    std::fs::create_dir(d.path().join("sub")).unwrap();
    write(d.path(), "sub/a.md", seed("001").as_bytes());
    write(d.path(), "notes.txt", "购物清单\n牛奶\n".as_bytes());
    write(d.path(), "image.png", b"\x89PNG");
    let o = run(&["check", "--color", "never", d.path().to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("检查 1 份报告：0 个错误，2 个警告"), "{out}");
    assert!(out.contains("跳过 1 个非报告文件"), "{out}");
    let o = run(&[
        "check",
        d.path().join("missing.md").to_str().unwrap(),
        d.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("文件不存在"));
    let o = run(&[
        "check",
        "--disable",
        "no-such-code",
        d.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn stdin_is_checked() {
    let mut child = bin()
        .args(["check", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(broken().as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"][0]["path"], "<标准输入>");
}

#[test]
fn new_prints_a_draft_that_checks_clean() {
    let o = run(&["new", "--org", "某某县财政局", "--year", "2025"]);
    assert_eq!(o.status.code(), Some(0));
    let draft = stdout(&o);
    assert!(draft.starts_with("# 某某县财政局2025年政府信息公开工作年度报告"));
    let d = tmp();
    let p = write(d.path(), "draft.md", draft.as_bytes());
    let o = run(&["check", "--color", "never", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 个错误，0 个警告"));
    assert_eq!(
        run(&["new", "--org", "", "--year", "2025"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["new", "--org", "x", "--year", "25"]).status.code(),
        Some(2)
    );
}

#[test]
fn a_compilation_counts_its_reports_and_fixes_each() {
    let d = tmp();
    let text = [seed("000"), broken(), seed("002")].join("\n");
    let p = write(d.path(), "汇编.txt", text.as_bytes());
    let o = run(&["check", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("检查 3 份报告（1 个文件）：2 个错误"), "{out}");
    let o = run(&["check", "--format", "json", p.to_str().unwrap()]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["files"][0]["reports"], 3);
    assert_eq!(j["summary"]["files"], 1);
    assert_eq!(j["summary"]["reports"], 3);
    let o = run(&["check", "--fix", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let fixed = std::fs::read_to_string(&p).unwrap();
    assert_eq!(fixed, [seed("000"), seed("000"), seed("002")].join("\n"));
}

/// The project file `nianbao.toml` applies to the files below it; flags go over it; `--no-config`
/// ignores it; a wrong entry is reported on stderr and the rest applies.
#[test]
fn settings_from_the_project_file_and_the_flags() {
    let d = tmp();
    let sub = d.path().join("2024");
    std::fs::create_dir(&sub).unwrap();
    let bad = write(&sub, "bad.txt", broken().as_bytes());
    let bad = bad.to_str().unwrap();
    write(
        d.path(),
        "nianbao.toml",
        b"disabled-codes = [\"total-mismatch\", \"balance-mismatch\", \"nope\"]\n",
    );
    let o = run(&["check", "--color", "never", bad]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(!stdout(&o).contains("total-mismatch"));
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        err.contains("nianbao.toml") && err.contains("「nope」"),
        "{err}"
    );
    let o = run(&["check", "--no-config", bad]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&[
        "check",
        "--no-config",
        "--color",
        "never",
        "--severity",
        "total-mismatch=warn",
        "--severity",
        "balance-mismatch=warn",
        bad,
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("警告[total-mismatch]"),
        "{}",
        stdout(&o)
    );
    let o = run(&["check", "--severity", "total-mismatch=loud", bad]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("级别「loud」无效"));
}

/// Under a diagnostic, the human output names the places of the same report it speaks of on other
/// lines (the table cell a sentence of the prose restates), not those on its own line (the parts
/// of a row's total, shown in the line printed).
#[test]
fn related_places_on_other_lines_are_named() {
    let d = tmp();
    let text = broken().replace("现行有效行政规范性文件7件", "现行有效行政规范性文件8件");
    let p = write(d.path(), "r.txt", text.as_bytes());
    let out = stdout(&run(&["check", "--color", "never", p.to_str().unwrap()]));
    let shown = p.display().to_string();
    let block = |code: &str| -> String {
        out.split("\n\n")
            .find(|b| b.contains(&format!("[{code}]")))
            .unwrap_or_else(|| panic!("no {code} in {out}"))
            .to_string()
    };
    // The cell of 表二 the prose restates: line 40, after 「行政规范性文件\t7\t1\t」 (13th character).
    let text_mismatch = block("text-mismatch");
    assert!(
        text_mismatch.contains(&format!(
            "= 见 {shown}:40:13（表二「行政规范性文件」行「现行有效件数」列：7）"
        )),
        "{text_mismatch}"
    );
    // The row total's parts are in the line shown.
    let total = block("total-mismatch");
    assert!(!total.contains("= 见"), "{total}");
}
