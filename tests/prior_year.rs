//! `prior-year-mismatch`: this year's report against last year's report of the same body, on the
//! corpus's same-body series (平潭综合实验区 2020, 2022–2025; 君山片区管理局 2023–2024;
//! 交通与建设局 2024–2025) and on pairs made from them by editing only the numbers involved.

mod support;

use std::collections::HashMap;

use nianbao::check::{self, Lookup};
use nianbao::diag::{Code, Diagnostic, FileId, Severity};
use nianbao::parse::parse;
use nianbao::prior::{Figures, PriorYear};
use nianbao::settings::Settings;

/// Reports indexed by body and year, each known by its index as a `FileId`.
struct Index {
    by_year: HashMap<(String, i32), PriorYear>,
}

impl Index {
    fn of(texts: &[&str]) -> Index {
        let mut by_year = HashMap::new();
        for (i, text) in texts.iter().enumerate() {
            for r in parse(text).annual_reports() {
                let figures = Figures::of(r);
                if let Some((key, year)) = figures.identity() {
                    by_year.insert(
                        (key.to_string(), year),
                        PriorYear {
                            file: Some(FileId(i as u32)),
                            figures: figures.clone(),
                        },
                    );
                }
            }
        }
        Index { by_year }
    }

    fn find(&self, key: &str, year: i32) -> Option<PriorYear> {
        self.by_year.get(&(key.to_string(), year)).cloned()
    }
}

fn prior_diags(text: &str, lookup: Lookup) -> Vec<Diagnostic> {
    check::check_with(&parse(text), text, &Settings::default(), lookup)
        .into_iter()
        .filter(|d| d.code == Code::PriorYearMismatch)
        .collect()
}

use support::corpus_report as corpus;

/// Replaces the `n`-th number cell of the line starting with `label` (after its label) by `to`.
fn set_cell(text: &str, label: &str, n: usize, to: &str) -> String {
    let at = text.find(label).unwrap_or_else(|| panic!("{label}"));
    let line_end = text[at..].find('\n').map_or(text.len(), |e| at + e);
    // One cell per line (web text) or tab-separated: the n-th number after the label.
    let mut seen = 0;
    let mut i = at + label.len();
    while i < text.len() {
        let rest = &text[i..];
        let c = rest.chars().next().unwrap();
        if c.is_ascii_digit() {
            let len = rest.bytes().take_while(u8::is_ascii_digit).count();
            if seen == n {
                return format!("{}{to}{}", &text[..i], &text[i + len..]);
            }
            seen += 1;
            i += len;
        } else {
            i += c.len_utf8();
        }
        assert!(seen < 20 || i < line_end, "no {n}-th number after {label}");
    }
    panic!("no {n}-th number after {label}")
}

#[test]
fn the_corpus_series_gives_the_annotated_continuity_notes_and_nothing_else() {
    let names = [
        "202_", "203_", "204_", "206_", "207_", "210_", "211_", "223_", "224_",
    ];
    let texts: Vec<String> = names.iter().map(|n| corpus(n)).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let index = Index::of(&refs);
    let lookup = |k: &str, y: i32| index.find(k, y);
    let mut found: Vec<String> = Vec::new();
    for (name, text) in names.iter().zip(&texts) {
        for d in prior_diags(text, &lookup) {
            assert_eq!(d.severity, Severity::Information, "{}", d.message);
            assert_eq!(d.related.len(), 1);
            let file = d.related[0].file.expect("in last year's file").0 as usize;
            let other = &texts[file];
            found.push(format!(
                "{name} {} ← {}",
                &text[d.range.clone()],
                &other[d.related[0].range.clone()]
            ));
        }
    }
    // truth.json: 202, 204 and 203 each break the 现行有效 continuity of 行政规范性文件 (698 + 77 −
    // 132 ≠ 470; 470 + 62 − 33 ≠ 440; 440 + 58 − 45 ≠ 546); 上年结转 continues everywhere, and
    // 211 and 224 continue their 现行有效 (11 → 11; 23 + 1 − 0 = 24).
    assert_eq!(
        found,
        ["202_ 470 ← 698", "203_ 546 ← 440", "204_ 440 ← 470"],
        "{found:#?}"
    );
}

#[test]
fn carried_in_must_be_last_years_carry_next_in_both_directions() {
    let last = corpus("206_"); // 2022: 四、结转下年度继续办理 all 0.
    let this = corpus("202_"); // 2023: 二、上年结转 all 0.
    let carry_next = "四、结转下年度继续办理";
    let carried_in = "二、上年结转政府信息公开申请数量";
    // Last year left 2 applications of 自然人 (total 2) to this year; this year forgot them.
    let last_moved = set_cell(&set_cell(&last, carry_next, 0, "2"), carry_next, 6, "2");
    let refs = [last_moved.as_str()];
    let index = Index::of(&refs);
    let diags = prior_diags(&this, &|k, y| index.find(k, y));
    let mut shown: Vec<(String, String)> = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| (this[d.range.clone()].to_string(), d.message.clone()))
        .collect();
    shown.sort();
    assert_eq!(shown.len(), 2, "{shown:#?}");
    for column in ["「自然人」列为 0", "「总计」列为 0"] {
        assert!(
            shown
                .iter()
                .any(|(cell, m)| cell == "0" && m.contains(column) && m.contains("该列为 2")),
            "{shown:#?}"
        );
    }
    let d = diags
        .iter()
        .find(|d| d.message.contains("「自然人」"))
        .unwrap();
    assert_eq!(&last_moved[d.related[0].range.clone()], "2");
    // The fix writes last year's number; it is the user's choice, never applied by fix-all.
    let fix = &d.fixes[0];
    assert_eq!(fix.title, "改为上年结转下年度的 2");
    assert!(!fix.is_safe());
    // Applying both fixes clears them.
    let mut edits: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .flat_map(|d| d.fixes[0].edits.clone())
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut fixed = this.clone();
    for e in edits {
        fixed.replace_range(e.range, &e.new_text);
    }
    let after = prior_diags(&fixed, &|k, y| index.find(k, y));
    assert!(
        after.iter().all(|d| d.severity != Severity::Warning),
        "{after:#?}"
    );

    // The other direction: last year carried nothing over, this year says 3 were carried.
    let this_moved = set_cell(&set_cell(&this, carried_in, 0, "3"), carried_in, 6, "3");
    let refs = [last.as_str()];
    let index = Index::of(&refs);
    let diags = prior_diags(&this_moved, &|k, y| index.find(k, y));
    let warned: Vec<&str> = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| &this_moved[d.range.clone()])
        .collect();
    assert_eq!(warned, ["3", "3"]);
}

#[test]
fn without_last_years_report_nothing_is_said() {
    let this = corpus("202_");
    assert!(prior_diags(&this, &check::no_prior).is_empty());
    // Another body's report of last year is not last year's report.
    let other = corpus("230_"); // 经济发展局 2022
    let refs = [other.as_str()];
    let index = Index::of(&refs);
    assert!(prior_diags(&this, &|k, y| index.find(k, y)).is_empty());
    // Nor is the same body's report of two years before.
    let older = corpus("207_"); // 2020
    let refs = [older.as_str()];
    let index = Index::of(&refs);
    assert!(prior_diags(&this, &|k, y| index.find(k, y)).is_empty());
}

#[test]
fn a_compilation_pairs_its_own_reports_by_body() {
    // 2022 and 2023 of 平潭综合实验区, and 君山片区管理局's 2023 between them.
    let last = corpus("206_");
    let this = corpus("202_");
    let other = corpus("210_");
    let text = format!("{last}\n{other}\n{this}");
    let diags = prior_diags(&text, &check::no_prior);
    let shown: Vec<(&str, &str)> = diags
        .iter()
        .map(|d| (&text[d.range.clone()], &text[d.related[0].range.clone()]))
        .collect();
    assert_eq!(shown, [("470", "698")]);
    assert!(diags[0].related[0].file.is_none());
    // The same as checking the report against the other file.
    let refs = [last.as_str()];
    let index = Index::of(&refs);
    let alone = prior_diags(&this, &|k, y| index.find(k, y));
    assert_eq!(alone.len(), 1);
    assert_eq!(alone[0].message, diags[0].message);
}

#[test]
fn the_carry_over_holds_across_the_2019_and_2021_formats() {
    // 207 is 平潭综合实验区's 2020 report in the 2019 format; 206 (2022) made the 2021 report by
    // its year, with 1 application of 自然人 carried in.
    let last = corpus("207_");
    let this = corpus("206_").replace("2022", "2021");
    let refs = [last.as_str()];
    let index = Index::of(&refs);
    let diags = prior_diags(&this, &|k, y| index.find(k, y));
    let warned: Vec<&str> = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| &this[d.range.clone()])
        .collect();
    assert_eq!(warned, ["1", "1"], "{diags:#?}");
    // Table 二 is in two layouts: its continuity is not judged.
    assert!(diags.iter().all(|d| d.severity == Severity::Warning));
    // Last year's report carried that one over: nothing to say.
    let carry_next = "四、结转下年度继续办理";
    let moved = set_cell(&set_cell(&last, carry_next, 0, "1"), carry_next, 6, "1");
    let refs = [moved.as_str()];
    let index = Index::of(&refs);
    assert!(prior_diags(&this, &|k, y| index.find(k, y)).is_empty());
}

#[test]
fn the_check_can_be_turned_off_and_silenced() {
    let last = corpus("206_");
    let this = corpus("202_");
    let refs = [last.as_str()];
    let index = Index::of(&refs);
    let lookup = |k: &str, y: i32| index.find(k, y);
    let mut settings = Settings::default();
    settings.disable(Code::PriorYearMismatch);
    let all = check::check_with(&parse(&this), &this, &settings, &lookup);
    assert!(all.iter().all(|d| d.code != Code::PriorYearMismatch));
    // Turned up to a warning by the user's settings, the note is shown as one.
    let (warn, errors) = Settings::from_toml("[severity]\nprior-year-mismatch = \"warning\"\n");
    assert!(errors.is_empty(), "{errors:?}");
    let all = check::check_with(&parse(&this), &this, &warn, &lookup);
    let d: Vec<_> = all
        .iter()
        .filter(|d| d.code == Code::PriorYearMismatch)
        .collect();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].severity, Severity::Warning);
}
