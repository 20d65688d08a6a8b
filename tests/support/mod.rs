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
    seeds()
        .into_iter()
        .find(|(stem, _)| stem.starts_with(prefix))
        .map(|(_, text)| text)
        .unwrap_or_else(|| panic!("no seed {prefix}"))
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
