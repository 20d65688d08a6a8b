//! `text-mismatch` on every real report at hand: the seeds (in every shape kept) and the annotated
//! corpus. No figure of the prose is called wrong unless the corpus's `truth.json` says so, and
//! every prose contradiction it annotates (but those marked soft, which may go either way) is found.
//! Each finding's fix, 将正文改为 N, clears it, and no command that applies many fixes applies it.

mod support;

use nianbao::diag::{Applicability, Code, Diagnostic};
use nianbao::parse::parse;
use nianbao::settings::Settings;
use support::{corpus, corpus_dir, seeds_in_every_shape};

/// The kinds of `truth.json` that `text-mismatch` covers (see the corpus README).
const KINDS: [&str; 2] = ["prose-contradicts-table", "prose-internal-sum"];

fn text_mismatches(text: &str) -> Vec<Diagnostic> {
    let doc = parse(text);
    nianbao::check::check(&doc, text, &Settings::default())
        .into_iter()
        .filter(|d| d.code == Code::TextMismatch)
        .collect()
}

/// An annotated prose defect of a corpus file: the quoted prose of its detail, its severity.
struct Annotated {
    quoted: Vec<String>,
    soft: bool,
    detail: String,
}

fn annotated(file: &str) -> Vec<Annotated> {
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(corpus_dir().join("truth.json")).expect("truth.json"),
    )
    .expect("truth.json is JSON");
    let Some(defects) = truth[file]["defects"].as_array() else {
        panic!("{file} is not in truth.json");
    };
    defects
        .iter()
        .filter(|d| KINDS.contains(&d["kind"].as_str().unwrap_or("")))
        .map(|d| {
            let detail = d["detail"].as_str().unwrap_or("").to_string();
            let quoted = detail
                .split('\'')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect();
            Annotated {
                quoted,
                soft: d["severity"].as_str() == Some("soft"),
                detail,
            }
        })
        .collect()
}

/// Whether `figure` stands in `s` as a whole number (not inside a longer one).
fn stands_in(figure: &str, s: &str) -> bool {
    s.match_indices(figure).any(|(i, _)| {
        let before = s[..i].chars().next_back();
        let after = s[i + figure.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit() || c == '.')
            && !after.is_some_and(|c| c.is_ascii_digit() || c == '.')
    })
}

/// Whether diagnostic `d` of `text` is the annotated defect `a`: its figure stands in the quoted
/// prose.
fn is(a: &Annotated, d: &Diagnostic, text: &str) -> bool {
    let figure = &text[d.range.clone()];
    a.quoted.iter().any(|q| stands_in(figure, q))
}

#[test]
fn no_text_mismatch_in_the_seeds() {
    for (name, text) in seeds_in_every_shape() {
        let d = text_mismatches(&text);
        assert!(
            d.is_empty(),
            "{name}: {:#?}",
            d.iter()
                .map(|d| (&text[d.range.clone()], &d.message))
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn the_corpus_gives_exactly_its_annotated_prose_contradictions() {
    let mut found = 0;
    let mut expected = 0;
    let mut summary = Vec::new();
    for (stem, text) in corpus() {
        let file = format!("{stem}.txt");
        let annotations = annotated(&file);
        let d = text_mismatches(&text);
        // No false alarm: each finding is an annotated defect.
        for x in &d {
            assert!(
                annotations.iter().any(|a| is(a, x, &text)),
                "{file}: 「{}」 {} is not annotated",
                &text[x.range.clone()],
                x.message
            );
        }
        // No miss: each annotated defect (but the soft ones) is found.
        for a in &annotations {
            let hit = d.iter().any(|x| is(a, x, &text));
            if !a.soft {
                expected += 1;
                assert!(hit, "{file}: not found: {}", a.detail);
                found += 1;
            }
            summary.push(format!(
                "{file}: {} {}",
                if hit { "found" } else { "not flagged (soft)" },
                a.quoted.first().map_or("", |q| q.as_str())
            ));
        }
    }
    eprintln!("{}", summary.join("\n"));
    eprintln!("annotated prose contradictions found: {found}/{expected}");
    assert!(
        expected >= 3,
        "the corpus annotates at least 202, 206 and 207"
    );
}

#[test]
fn every_fix_clears_its_finding_and_is_never_applied_in_bulk() {
    let mut fixes = 0;
    for (stem, text) in corpus() {
        let doc = parse(&text);
        let all = nianbao::check::check(&doc, &text, &Settings::default());
        let safe = nianbao::fix::fix_all(&all);
        for d in all.iter().filter(|d| d.code == Code::TextMismatch) {
            let f = d.fixes.first().expect("a fix 将正文改为 N");
            assert!(f.title.starts_with("将正文改为 "), "{}", f.title);
            assert_eq!(f.applicability, Applicability::Unsafe);
            assert!(
                f.edits.iter().all(|e| !safe.contains(e)),
                "{stem}: a bulk fix touches the prose"
            );
            let fixed = nianbao::fix::apply_edits(&text, &f.edits);
            assert!(
                text_mismatches(&fixed)
                    .iter()
                    .all(|x| x.range.start != d.range.start),
                "{stem}: {} does not clear 「{}」",
                f.title,
                &text[d.range.clone()]
            );
            fixes += 1;
        }
    }
    assert!(fixes >= 4, "{fixes}");
}

/// docs/text-mismatch.md lists every accepted wording with what it says and its example.
#[test]
fn the_docs_list_every_wording() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/text-mismatch.md"),
    )
    .expect("docs/text-mismatch.md");
    for w in nianbao::spec::prose::WORDINGS {
        let row = format!("| `{}` | {} | {} | {} |", w.id, w.says, w.example, w.source);
        assert!(doc.contains(&row), "docs/text-mismatch.md lacks {row}");
    }
}
