//! The real reports that tests and benchmarks read, in one place: the five seeds kept in
//! `tests/fixtures/seeds` (and their other shapes), and the corpus of annotated real reports at
//! `../shared/corpus`. Included by the integration tests (`mod support;`), the benchmarks and the
//! unit tests (`#[path]`), so every reader agrees on names and order.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The project's test fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Files of `dir` with one of `extensions`, sorted by name, as (file stem, text).
fn read_sorted(dir: &Path, extensions: &[&str]) -> Vec<(String, String)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.to_string_lossy();
            extensions.iter().any(|x| name.ends_with(x)) && !name.ends_with("README.md")
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let stem = p
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default();
            let stem = stem.split('.').next().unwrap_or_default().to_string();
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (stem, text)
        })
        .collect()
}

/// The five seed reports as (file stem, text), in order.
pub fn seeds() -> Vec<(String, String)> {
    let v = read_sorted(&fixtures().join("seeds"), &[".txt"]);
    assert_eq!(v.len(), 5, "the five seed reports");
    v
}

/// The seed whose file name starts with `prefix` (`"000"`).
pub fn seed(prefix: &str) -> String {
    named(seeds(), prefix).unwrap_or_else(|| panic!("no seed {prefix}"))
}

/// The text of the first of `texts` (file stem, text) whose stem starts with `prefix`.
fn named(texts: Vec<(String, String)>, prefix: &str) -> Option<String> {
    texts
        .into_iter()
        .find(|(stem, _)| stem.starts_with(prefix))
        .map(|(_, text)| text)
}

/// The seeds in every shape kept: as extracted, as Markdown, as `pdftotext -layout` text.
pub fn seeds_in_every_shape() -> Vec<(String, String)> {
    let mut v = seeds();
    v.extend(read_sorted(&fixtures().join("markdown"), &[".md"]));
    v.extend(read_sorted(&fixtures().join("pdf"), &[".txt"]));
    v
}

/// The shared corpus of real reports (`../shared/corpus`).
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

/// The corpus reports as (file stem, text), in order.
pub fn corpus() -> Vec<(String, String)> {
    read_sorted(&corpus_dir().join("reports"), &[".txt"])
}

/// The corpus report whose file name starts with `prefix` (`"206_"`).
pub fn corpus_report(prefix: &str) -> String {
    named(corpus(), prefix).unwrap_or_else(|| panic!("no corpus report {prefix}"))
}

/// Texts of short lines, the shapes web pages and narrow PDF text arrive in, where a parser that
/// looks back over what it has read grows quadratic: [`short_lines`].
#[derive(Debug, Clone, Copy)]
pub enum ShortLines {
    /// Lines of 8 ASCII letters.
    Ascii,
    /// Lines of 20 CJK characters.
    Cjk,
    /// Lines of 8 characters with a blank line after each.
    Blank,
    /// Text as `pdftotext` gives it: lines of 18–36 characters wrapped from paragraphs, a blank
    /// line between paragraphs, indented lines ending in a number, a page number and a form feed
    /// every 50 lines.
    Pdf,
}

impl ShortLines {
    pub const ALL: [ShortLines; 4] = [
        ShortLines::Ascii,
        ShortLines::Cjk,
        ShortLines::Blank,
        ShortLines::Pdf,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ShortLines::Ascii => "ascii 8-char lines",
            ShortLines::Cjk => "cjk 20-char lines",
            ShortLines::Blank => "blank-separated lines",
            ShortLines::Pdf => "pdf-like wrapped text",
        }
    }
}

/// About `bytes` bytes of `shape`, the same every time (a fixed pseudo-random sequence).
pub fn short_lines(shape: ShortLines, bytes: usize) -> String {
    const CJK: &str = "政府信息公开工作年度报告本机关依申请主动办理结果行政复议诉讼情况存在问题改进措施其他事项总体规章规范性文件许可处罚强制";
    let cjk: Vec<char> = CJK.chars().collect();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) % n as u64) as usize
    };
    let mut out = String::with_capacity(bytes + 64);
    let mut i = 0usize;
    while out.len() < bytes {
        let mut ascii = |out: &mut String, n: usize| {
            for _ in 0..n {
                out.push((b'a' + next(26) as u8) as char);
            }
        };
        match shape {
            ShortLines::Ascii => ascii(&mut out, 8),
            ShortLines::Cjk => (0..20).for_each(|_| out.push(cjk[next(cjk.len())])),
            ShortLines::Blank => {
                if i.is_multiple_of(2) {
                    ascii(&mut out, 8);
                } else {
                    (0..8).for_each(|_| out.push(cjk[next(cjk.len())]));
                }
                out.push('\n');
            }
            ShortLines::Pdf => match i % 50 {
                49 => out.push_str(&format!("- {} -\n\u{0C}", i / 50 + 1)),
                k if k % 10 == 9 => {}
                k if k % 7 == 3 => {
                    out.push_str("  ");
                    let n = 10 + next(21);
                    (0..n).for_each(|_| out.push(cjk[next(cjk.len())]));
                    out.push_str(&format!(" {}", next(1000)));
                }
                _ => {
                    let n = 18 + next(19);
                    (0..n).for_each(|_| out.push(cjk[next(cjk.len())]));
                }
            },
        }
        if !matches!(shape, ShortLines::Pdf) || i % 50 != 49 {
            out.push('\n');
        }
        i += 1;
    }
    out
}
