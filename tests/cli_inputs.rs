//! What `nianbao check` is given and where its output goes, on a real file system: links in
//! folders, paths given twice, `--fix -`, closed or full standard streams, files above the size
//! limit and endless inputs, long cells, control characters in cells and file names, names that
//! are not UTF-8, and `new --org`.

use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
}

use support::seed;

mod support;

/// Seed 000 with the 总计 of row 一 changed from 4 to 5 (one error, one safe fix).
fn broken() -> String {
    seed("000").replace(
        "一、本年新收政府信息公开申请数量\t\t4\t0\t0\t0\t0\t0\t4\t",
        "一、本年新收政府信息公开申请数量\t\t4\t0\t0\t0\t0\t0\t5\t",
    )
}

fn write(dir: &Path, name: impl AsRef<OsStr>, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name.as_ref());
    std::fs::write(&p, bytes).unwrap();
    p
}

fn check(args: &[&OsStr]) -> Output {
    bin()
        .args(["check", "--color", "never"])
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// Runs `nianbao` with `input` on standard input.
fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut w = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = w.write_all(&input);
    });
    let o = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    o
}

/// Symbolic links to files and folders inside a checked folder are followed and their reports
/// counted; a link back up ends; a file reached twice, or a path given twice, is checked once.
#[test]
fn folder_links_are_followed_and_every_file_checked_once() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    for dir in ["reports", "elsewhere", "more"] {
        std::fs::create_dir(root.join(dir)).unwrap();
    }
    let a = write(&root.join("reports"), "a.txt", seed("000").as_bytes());
    write(&root.join("elsewhere"), "b.txt", broken().as_bytes());
    write(&root.join("more"), "c.md", seed("001").as_bytes());
    let link =
        |to: &str, at: &str| std::os::unix::fs::symlink(root.join(to), root.join(at)).unwrap();
    link("elsewhere/b.txt", "reports/b-link.txt");
    link("more", "reports/more-link");
    link("reports", "reports/more-link-back");
    link("reports/a.txt", "reports/z-same-as-a.txt");
    let reports = root.join("reports");
    let o = bin()
        .args(["check", "--format", "json"])
        .args([&reports, &a, &reports])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let j = json(&o);
    let paths: Vec<String> = j["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            Path::new(f["path"].as_str().unwrap())
                .strip_prefix(root)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        paths,
        [
            "reports/a.txt",
            "reports/b-link.txt",
            "reports/more-link/c.md"
        ]
    );
    assert_eq!(j["summary"]["reports"], 3);
    assert_eq!(j["summary"]["errors"], 2);
}

/// `--fix -`: the fixed text on standard output in the input's encoding (GB18030 here), the
/// report on standard error; a text with nothing to fix comes back as it was.
#[test]
fn stdin_fix_gives_the_text_back_in_its_encoding() {
    let gb = |s: &str| encoding_rs::GB18030.encode(s).0.into_owned();
    let o = with_stdin(&["check", "--fix", "--color", "never", "-"], &gb(&broken()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(o.stdout, gb(&seed("000")));
    assert!(
        stderr(&o).contains("已修复：<标准输入>：修复了 1 处问题"),
        "{}",
        stderr(&o)
    );
    let notes = gb("购物清单\n牛奶\n");
    let o = with_stdin(&["check", "--fix", "-"], &notes);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(o.stdout, notes);
}

/// `--fix - --format json`: the fixed text is in the JSON.
#[test]
fn stdin_fix_json_holds_the_fixed_text() {
    let o = with_stdin(
        &["check", "--fix", "--format", "json", "-"],
        broken().as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let j = json(&o);
    let fixed = &j["files"][0]["fixed"];
    assert_eq!(fixed["text"], seed("000"));
    assert_eq!(fixed["encoding"], "utf-8");
    assert_eq!(fixed["applied"], serde_json::json!(["total-mismatch"]));
    assert_eq!(j["summary"]["fixed"], 1);
}

#[test]
fn closed_stdin_is_an_error() {
    let mut cmd = bin();
    cmd.args(["check", "--color", "never", "-"]);
    // SAFETY: only close(2) between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::close(0);
            Ok(())
        });
    }
    let o = cmd.output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("<标准输入>：标准输入已关闭"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn closed_stdout_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "ok.txt", seed("000").as_bytes());
    let mut cmd = bin();
    cmd.arg("check").arg(&p);
    // SAFETY: only close(2) between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::close(1);
            Ok(())
        });
    }
    let o = cmd.output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("错误：标准输出已关闭"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_full_device_on_stdout_is_an_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: no /dev/full");
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "ok.txt", seed("000").as_bytes());
    let o = bin().arg("check").arg(&p).stdout(full).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("错误：无法写入标准输出：磁盘空间不足"),
        "{}",
        stderr(&o)
    );
}

/// A file above `--max-file-mib` is refused with the limit named; the others are checked and
/// the exit status is 2 (a file that cannot be read).
#[test]
fn files_above_the_limit_are_refused_and_the_rest_checked() {
    let d = tempfile::tempdir().unwrap();
    let big = write(
        d.path(),
        "big.txt",
        format!(
            "{}{}",
            broken(),
            format!("{}\n", "说明文字".repeat(250)).repeat(400)
        )
        .as_bytes(),
    );
    let ok = write(d.path(), "ok.txt", seed("000").as_bytes());
    let o = bin()
        .args(["check", "--color", "never", "--max-file-mib", "1"])
        .args([&big, &ok])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("big.txt：文件有 1.2 MiB，超过 1 MiB 的上限，未读取"),
        "{out}"
    );
    assert!(
        out.contains("检查 1 份报告：0 个错误，0 个警告；1 个文件无法处理"),
        "{out}"
    );
    // Under the default limit (64 MiB) it is read.
    assert_eq!(check(&[big.as_os_str()]).status.code(), Some(1));
}

/// `/dev/zero` and a FIFO fed without end are read up to the limit, then refused.
#[test]
fn endless_inputs_are_read_up_to_the_limit() {
    let o = bin()
        .args([
            "check",
            "--color",
            "never",
            "--max-file-mib",
            "1",
            "/dev/zero",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("/dev/zero：输入超过 1 MiB 的上限，未读取"),
        "{}",
        stdout(&o)
    );
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("pipe.txt");
    let c = std::ffi::CString::new(fifo.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut w = std::fs::OpenOptions::new()
            .write(true)
            .open(writer_path)
            .unwrap();
        let chunk = "说明文字\n".repeat(1000);
        // Until the reader goes away.
        while w.write_all(chunk.as_bytes()).is_ok() {}
    });
    let o = bin()
        .args(["check", "--color", "never", "--max-file-mib", "1"])
        .arg(&fifo)
        .output()
        .unwrap();
    writer.join().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("pipe.txt：输入超过 1 MiB 的上限，未读取"),
        "{}",
        stdout(&o)
    );
}

/// A cell of 100 000 digits is quoted in part in the message and the source line.
#[test]
fn long_cells_are_quoted_in_part() {
    let d = tempfile::tempdir().unwrap();
    let long = "7".repeat(100_000);
    let text = seed("000").replace("行政规范性文件\t7", &format!("行政规范性文件\t{long}"));
    let p = write(d.path(), "long.txt", text.as_bytes());
    let o = check(&[p.as_os_str()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.len() < 2_000, "{} bytes", out.len());
    assert!(
        out.contains("「7777777777777777777777777777777777777777…」超出了合理的件数范围"),
        "{out}"
    );
    let o = check(&["--format".as_ref(), "json".as_ref(), p.as_os_str()]);
    assert!(o.stdout.len() < 10_000, "{} bytes", o.stdout.len());
}

#[test]
fn new_org_rejects_line_breaks_and_control_characters() {
    for org in [
        "某某局\n# 标题",
        "某某局\r",
        "某某\t局",
        "某某局\u{1b}[2J",
        "某某局\u{2028}",
    ] {
        let o = bin()
            .args(["new", "--year", "2025", "--org", org])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{org:?}");
        assert!(o.stdout.is_empty());
        assert!(
            stderr(&o).contains("--org 机关名称不能包含换行符、制表符或其他控制字符"),
            "{}",
            stderr(&o)
        );
    }
}

/// Escape sequences in a cell or a file name reach the terminal escaped, and a line break in
/// a file name does not split an output line.
#[test]
fn control_characters_in_cells_and_names_are_escaped() {
    let d = tempfile::tempdir().unwrap();
    let text = broken().replace(
        "一、本年新收政府信息公开申请数量",
        "一、本年新收政府信息公开申请数量\u{1b}[2J",
    );
    let p = write(d.path(), "报告\u{1b}[31m\n第二行.txt", text.as_bytes());
    let o = check(&[d.path().as_os_str()]);
    let out = stdout(&o);
    assert!(!out.contains('\u{1b}'), "{out}");
    assert!(out.contains("\\x1b[2J"), "{out}");
    let shown = format!("{}/报告\\x1b[31m\\n第二行.txt:", d.path().display());
    let arrows: Vec<&str> = out.lines().filter(|l| l.contains("-->")).collect();
    assert!(!arrows.is_empty(), "{out}");
    for l in &arrows {
        assert!(l.contains(&shown), "{l}");
    }
    assert!(!out.lines().any(|l| l.starts_with("第二行")), "{out}");
    // JSON keeps the name as it is.
    let o = check(&["--format".as_ref(), "json".as_ref(), p.as_os_str()]);
    assert_eq!(json(&o)["files"][0]["path"], p.to_str().unwrap());
}

/// A name that is not UTF-8: `path` as before (lossy), `path_bytes_hex` exact.
#[test]
fn json_paths_of_names_that_are_not_utf8_are_exact() {
    let d = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"\xb1\xa8\xb8\xe6.txt"); // 报告 in GBK
    let p = write(d.path(), name, seed("000").as_bytes());
    let ok = write(d.path(), "ok.txt", seed("000").as_bytes());
    let o = check(&[
        "--format".as_ref(),
        "json".as_ref(),
        p.as_os_str(),
        ok.as_os_str(),
    ]);
    let j = json(&o);
    let hex: String = p
        .as_os_str()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(j["files"][0]["path_bytes_hex"], hex);
    assert_eq!(j["files"][0]["path"], p.to_string_lossy().as_ref());
    assert!(j["files"][1].get("path_bytes_hex").is_none());
}
