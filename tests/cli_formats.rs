//! The binary with other files: `check` on Word/web/PDF files and folders of them (places in
//! words, unreadable formats), `convert`, `new --from`, `export`, `extract`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn seed() -> PathBuf {
    fixture("seeds/001_16e1625a5b7ef2f0.txt")
}

#[test]
fn folders_of_word_files_with_an_old_doc_among_them() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("formats/001_16e1625a5b7ef2f0.docx"),
        d.path().join("a.docx"),
    )
    .unwrap();
    std::fs::copy(
        fixture("formats/000_745ac7de65919f15.html"),
        d.path().join("b.htm"),
    )
    .unwrap();
    std::fs::write(d.path().join("c.doc"), b"\xd0\xcf\x11\xe0old").unwrap();
    std::fs::write(d.path().join("notes.xlsx"), b"x").unwrap();
    let o = run(&["check", "--color", "never", d.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    let s = out(&o);
    assert!(
        s.contains("c.doc：这是旧版 Word 文档（.doc）") && s.contains("另存为"),
        "{s}"
    );
    assert!(s.contains("a.docx：表二第4行「规范性文件」"), "{s}");
    assert!(s.contains("a.docx：第16段「六、其他需报告的事项」"), "{s}");
    assert!(s.contains("检查 2 份报告"), "{s}");
    assert!(!s.contains("notes.xlsx"));
    // JSON keeps the range in the converted text and adds the place.
    let o = run(&[
        "check",
        "--format",
        "json",
        d.path().join("a.docx").to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d0 = &v["files"][0]["diagnostics"][1];
    assert_eq!(d0["code"], "row-label");
    assert_eq!(d0["place"], "表二第4行「规范性文件」");
    assert!(d0["range"]["start"]["line"].is_u64());
}

#[test]
fn fix_does_not_write_into_word_documents() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("a.docx");
    std::fs::copy(fixture("formats/001_16e1625a5b7ef2f0.docx"), &f).unwrap();
    let before = std::fs::read(&f).unwrap();
    let o = run(&["check", "--fix", "--color", "never", f.to_str().unwrap()]);
    assert!(out(&o).contains("Word 文档不能直接修复"), "{}", out(&o));
    assert_eq!(std::fs::read(&f).unwrap(), before);
}

#[test]
fn pdf_without_pdftotext_names_the_package() {
    let o = bin()
        .args([
            "check",
            fixture("formats/000_745ac7de65919f15.pdf")
                .to_str()
                .unwrap(),
        ])
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(out(&o).contains("poppler-utils"), "{}", out(&o));
}

#[test]
fn convert_to_stdout_or_a_file() {
    let docx = fixture("formats/001_16e1625a5b7ef2f0.docx");
    let o = run(&["convert", docx.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let md = out(&o);
    assert!(md.starts_with("攀枝花市东区经济和信息化局\n\n# "), "{md}");
    assert!(md.contains("| 规范性文件 |"));
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("out.md");
    let o = run(&["convert", docx.to_str().unwrap(), "-o", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), md);
    assert!(out(&o).is_empty());
    let o = run(&["convert", d.path().join("missing.docx").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("文件不存在"));
}

#[test]
fn new_from_last_years_report() {
    let o = run(&["new", "--from", seed().to_str().unwrap(), "--year", "2025"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let md = out(&o);
    assert!(md.contains("# 2025 年政府信息公开工作年度报告"), "{md}");
    assert!(md.contains("【待修改】"));
    assert!(md.contains("## 六、其他需要报告的事项"), "standard titles");
    let o = run(&["new"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--from"));
}

#[test]
fn export_writes_beside_the_draft_and_never_over_a_file() {
    let d = tempfile::tempdir().unwrap();
    let md = d.path().join("草稿.md");
    std::fs::write(&md, run(&["convert", seed().to_str().unwrap()]).stdout).unwrap();
    let o = run(&["export", md.to_str().unwrap(), "--to", "docx"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let docx = d.path().join("草稿.docx");
    let first = std::fs::read(&docx).unwrap();
    assert!(first.starts_with(b"PK"));
    let o = run(&["export", md.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("已存在"));
    // Checking the Word document finds what checking the draft finds.
    let a = run(&["check", "--format", "json", md.to_str().unwrap()]);
    let b = run(&["check", "--format", "json", docx.to_str().unwrap()]);
    let codes = |o: &Output| -> Vec<(String, String)> {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["code"].to_string(), d["message"].to_string()))
            .collect()
    };
    assert_eq!(codes(&a), codes(&b));
    assert_eq!(codes(&a).len(), 3);
}

#[test]
fn extract_csv_for_excel_and_json() {
    let d = tempfile::tempdir().unwrap();
    let csv = d.path().join("t.csv");
    let seeds = fixture("seeds");
    let o = run(&[
        "extract",
        seeds.to_str().unwrap(),
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(err(&o).is_empty(), "no progress when not on a terminal");
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with("\u{FEFF}file,report,body,".as_bytes()));
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 6);
    let header: Vec<&str> = lines[0].trim_start_matches('\u{FEFF}').split(',').collect();
    let row: Vec<&str> = lines[2].split(',').collect();
    let col = |k: &str| row[header.iter().position(|h| *h == k).unwrap()];
    assert_eq!(col("body"), "攀枝花市东区经济和信息化局");
    assert_eq!(col("year"), "2023");
    assert_eq!(col("codes"), "period-mismatch;row-label;section-title");
    assert_eq!(col("t3.result.withheld.secret.total"), "0");
    let o = run(&["extract", "--format", "json", seed().to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["warnings"], 2);
    assert_eq!(v[0]["t4.review.upheld"], 0);
    assert_eq!(v[0]["codes"][0], "period-mismatch");
}

/// A web page's diagnostic names its related cell in words too: under it in the human output, and
/// in JSON beside the cell's range in the converted text.
#[test]
fn related_places_of_a_web_page_are_given_in_words() {
    let page = support::corpus_dir().join("reports/206_fujian-pingtan-gwh-2022.struct.html");
    let cell = "表三第4行「一、本年新收政府信息公开申请数量」「总计」列";
    let human = out(&run(&["check", "--color", "never", page.to_str().unwrap()]));
    assert!(
        human.contains(&format!("= 见 {}：{cell}", page.display())),
        "{human}"
    );
    let o = run(&["check", "--format", "json", page.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let related: Vec<&serde_json::Value> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "text-mismatch")
        .flat_map(|d| d["related"].as_array().unwrap())
        .collect();
    assert!(
        related
            .iter()
            .any(|r| r["place"] == cell && r["range"]["start"]["line"].is_u64()),
        "{related:?}"
    );
}
