//! The architecture's rules, checked on the source: only `src/server/` knows LSP, the engine
//! imports no front end, engine modules import one another without cycles, and the labels of the
//! format are spelled only in `src/spec.rs` (and its submodule `src/spec/prose.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, with its text without the `#[cfg(test)]` part at its end.
fn sources() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let code = match text.find("#[cfg(test)]") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            (p.strip_prefix(&root).unwrap().to_path_buf(), code)
        })
        .collect()
}

/// The top-level module a source file belongs to (`check/sums.rs` → `check`).
fn module(path: &Path) -> String {
    let first = path
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

const FRONT_ENDS: &[&str] = &["cli", "server", "main", "lib"];

#[test]
fn only_the_server_knows_lsp() {
    for (path, code) in sources() {
        if module(&path) == "server" {
            continue;
        }
        for word in ["tower_lsp_server", "ls_types", "jsonrpc"] {
            assert!(!code.contains(word), "{} mentions {word}", path.display());
        }
    }
}

/// The `crate::x` modules a file uses (comments apart).
fn imports(code: &str) -> BTreeSet<String> {
    let code: String = code
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
        // `use crate::{a, b::c}`
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
    }
    out
}

#[test]
fn the_engine_imports_no_front_end_and_has_no_cycle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, code) in sources() {
        let m = module(&path);
        let deps = graph.entry(m.clone()).or_default();
        for d in imports(&code) {
            if d != m {
                deps.insert(d);
            }
        }
    }
    for (m, deps) in &graph {
        if FRONT_ENDS.contains(&m.as_str()) {
            continue;
        }
        for f in ["cli", "server"] {
            assert!(!deps.contains(f), "engine module {m} imports {f}");
        }
    }
    // Depth-first search for a cycle among the engine modules.
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if done.contains(m) {
            return;
        }
        if let Some(i) = path.iter().position(|p| p == m) {
            panic!("import cycle: {} → {m}", path[i..].join(" → "));
        }
        path.push(m.to_string());
        for d in graph.get(m).into_iter().flatten() {
            if !FRONT_ENDS.contains(&d.as_str()) {
                visit(d, graph, path, done);
            }
        }
        path.pop();
        done.insert(m.to_string());
    }
    let mut done = BTreeSet::new();
    for m in graph.keys().filter(|m| !FRONT_ENDS.contains(&m.as_str())) {
        visit(m, &graph, &mut Vec::new(), &mut done);
    }
}

/// The format's own words: titles, row and column labels, header words. Short ones (规章, 总计,
/// 其他) are everyday words and not looked for.
fn spec_labels() -> BTreeSet<String> {
    use nianbao::spec;
    let mut v: Vec<&str> = Vec::new();
    for s in &spec::SECTIONS {
        v.push(s.title);
        v.extend(s.variants);
    }
    for t in [&spec::T2, &spec::T3, &spec::T4] {
        for r in t.rows {
            v.push(r.label);
            v.extend(r.aliases);
        }
        for cs in t.col_sets {
            v.extend(cs.iter().map(|c| c.label));
        }
        v.extend(t.header_words);
    }
    v.extend(spec::T2_2019_MARKERS);
    v.into_iter()
        .filter(|s| s.chars().count() >= 4)
        .map(str::to_string)
        .collect()
}

/// The string literals of a source text.
fn literals(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = code.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            '/' if chars.peek().is_some_and(|(_, n)| *n == '/') => {
                // A comment: to the end of the line.
                for (_, n) in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
            }
            '\'' => {
                // A char literal ('"' among them) or a lifetime: skip a quoted char.
                let mut ahead = chars.clone();
                if let (Some((_, a)), Some((_, b))) = (ahead.next(), ahead.next())
                    && (b == '\'' || a == '\\')
                {
                    chars.next();
                    chars.next();
                    if a == '\\' {
                        chars.next();
                    }
                }
            }
            '"' => {
                let mut s = String::new();
                while let Some((_, n)) = chars.next() {
                    match n {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => s.push(n),
                    }
                }
                out.push(s);
            }
            _ => {}
        }
    }
    out
}

#[test]
fn labels_of_the_format_are_spelled_only_in_spec() {
    let labels = spec_labels();
    assert!(labels.contains("行政规范性文件") && labels.contains("（七）总计"));
    let mut found = Vec::new();
    for (path, code) in sources() {
        if module(&path) == "spec" {
            continue;
        }
        for lit in literals(&code) {
            if labels.contains(lit.as_str()) {
                found.push(format!("{}: \"{lit}\"", path.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "labels spelled outside spec.rs:\n{}",
        found.join("\n")
    );
}
